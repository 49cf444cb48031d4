package sh.antrieb.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.mcp.internal.Json;
import sh.antrieb.mcp.internal.StateFiles;

/**
 * Bearer API keys and the accounts they identify, kept in {@code keys.json} under the server's state
 * directory. A key is {@code ant_} followed by 32 random bytes (base64url); only its SHA-256 is stored, so
 * the file never holds a usable key and a key is shown exactly once, when it is created. Files are written
 * atomically, readable by their owner only; a running server picks up keys created by the CLI on its next
 * request.
 *
 * <pre>{@code
 * ApiKeyStore keys = ApiKeyStore.open(Path.of("/var/lib/antrieb/mcp"), AccountLimits.DEFAULTS);
 * ApiKeyStore.CreatedKey k = keys.create("alice", null, null);   // k.key() is shown once
 * Optional<Account> who = keys.authenticate(k.key());
 * }</pre>
 */
public final class ApiKeyStore {
    private static final Logger log = LoggerFactory.getLogger(ApiKeyStore.class);
    /** Every key starts with this. */
    public static final String PREFIX = "ant_";
    /** The file under the state directory. */
    public static final String FILE = "keys.json";
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path stateDir;
    private final Path file;
    private final AccountLimits defaults;
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    private ApiKeyStore(Path stateDir, AccountLimits defaults) {
        this.stateDir = stateDir;
        this.file = stateDir.resolve(FILE);
        this.defaults = defaults;
    }

    /**
     * The store under {@code stateDir} (the file need not exist yet).
     *
     * @param defaults limits of accounts that have no limits of their own
     */
    public static ApiKeyStore open(Path stateDir, AccountLimits defaults) {
        return new ApiKeyStore(Objects.requireNonNull(stateDir, "stateDir"), Objects.requireNonNull(defaults, "defaults"));
    }

    /** A newly created key: {@link #key()} is the only time the plain key exists outside its holder. */
    public record CreatedKey(String key, String id, Account account) {
        /** Never prints the key. */
        @Override
        public String toString() {
            return "CreatedKey[id=" + id + ", account=" + account.name() + "]";
        }
    }

    /** What {@link #list()} shows about a key: never the key, nor its hash. */
    public record KeyInfo(String id, String account, String namespace, Instant createdAt) {
    }

    /**
     * Creates a key for {@code account}, creating the account when it is new.
     *
     * @param namespace namespace of a new account (null: the account name, unless another account has or had that
     *                  namespace); must match an existing account's
     * @param limits    limits to store for the account (null: keep its own, or use the server defaults)
     */
    public CreatedKey create(String account, String namespace, AccountLimits limits) {
        String ns = namespace == null ? account : namespace;
        Account validated = new Account(account, ns, limits == null ? defaults : limits);
        byte[] raw = new byte[KEY_BYTES];
        RANDOM.nextBytes(raw);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String hash = sha256(key);
        String id = hash.substring(0, 12);
        update(data -> {
            Map<String, Object> accounts = data.accounts();
            @SuppressWarnings("unchecked")
            Map<String, Object> existing = (Map<String, Object>) accounts.get(account);
            if (existing != null && namespace != null && !namespace.equals(existing.get("namespace"))) {
                throw new IllegalArgumentException("account " + account + " already has namespace " + existing.get("namespace")
                        + "; key create cannot change it (omit --namespace; the account's own dashboard page changes it)");
            }
            if (existing == null && namespace == null) {
                // The default namespace of a new account may be one another account moved into (changeNamespace);
                // sharing one is the operator's explicit choice (--namespace), never an accident.
                accounts.forEach((other, value) -> {
                    if (value instanceof Map<?, ?> e && (ns.equals(e.get("namespace")) || namespaces(e.get("former_namespaces")).contains(ns))) {
                        throw new IllegalArgumentException("namespace " + ns + " belongs to account " + other
                                + ": give the new account its own with --namespace NS (or --namespace " + ns + " to share it)");
                    }
                });
            }
            Map<String, Object> entry = existing == null ? new LinkedHashMap<>() : new LinkedHashMap<>(existing);
            entry.putIfAbsent("namespace", ns);
            if (limits != null) {
                entry.put("limits", limitsToMap(limits));
            }
            accounts.put(account, entry);
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("id", id);
            k.put("account", account);
            k.put("sha256", hash);
            k.put("created_at", Instant.now().toString());
            data.keys().add(k);
        });
        log.info("created key {} for account {}", id, account);
        return new CreatedKey(key, id, account(account).orElse(validated));
    }

    /**
     * Moves {@code account} (which must exist) to {@code namespace}: its next saves, searches and provisions use it (a
     * running server reads the change on its next request). What it saved before stays in the namespace it had and is
     * seen again when it moves back; the namespaces it had stay its own, so no other account can move into them and
     * see what it saved there. Refused, with what to do instead, for a name {@link Account} does not accept, the
     * built-in {@code antrieb} namespace, the stdio user's {@value Account#LOCAL}, and a namespace that is another
     * account's name or is or was another account's namespace.
     *
     * @return the account as it is now
     * @throws IllegalArgumentException naming the problem and the fix; nothing was changed
     */
    public Account changeNamespace(String account, String namespace) {
        Account current = account(account).orElseThrow(() ->
                new IllegalArgumentException("no account " + account + ": create it first with key create --account " + account));
        String ns = namespace == null ? "" : namespace.strip();
        new Account(account, ns, current.limits()); // the rule every namespace follows; its message names the alphabet
        if (ns.equals(current.namespace())) {
            return current;
        }
        if (ns.equals(sh.antrieb.Catalog.BUILTIN_NAMESPACE) || ns.equals(Account.LOCAL)) {
            throw new IllegalArgumentException("namespace '" + ns + "' is reserved (" + (ns.equals(Account.LOCAL)
                    ? "the local stdio user's" : "the read-only built-in artifacts'") + "): choose another, e.g. " + account + "-team");
        }
        update(data -> {
            data.accounts().forEach((other, value) -> {
                if (!other.equals(account) && value instanceof Map<?, ?> entry && (other.equals(ns)
                        || ns.equals(entry.get("namespace")) || namespaces(entry.get("former_namespaces")).contains(ns))) {
                    throw new IllegalArgumentException("namespace '" + ns + "' belongs to another account: choose another, e.g. "
                            + account + "-team");
                }
            });
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = new LinkedHashMap<>((Map<String, Object>) data.accounts().get(account));
            String old = String.valueOf(entry.getOrDefault("namespace", account));
            List<String> former = new ArrayList<>(namespaces(entry.get("former_namespaces")));
            former.remove(ns);
            if (!former.contains(old)) {
                former.add(old);
            }
            entry.put("namespace", ns);
            entry.put("former_namespaces", former);
            data.accounts().put(account, entry);
        });
        log.info("account {} moved from namespace {} to {}", account, current.namespace(), ns);
        return account(account).orElseThrow();
    }

    private static List<String> namespaces(Object value) {
        return value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /**
     * Makes {@code account} (which must exist) an operator or not: an operator's dashboard also shows every account's
     * usage, every live cluster and the failures by cause ({@code /dash/operator}).
     */
    public void setOperator(String account, boolean operator) {
        update(data -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> existing = (Map<String, Object>) data.accounts().get(account);
            if (existing == null) {
                throw new IllegalArgumentException("no account " + account + ": create it first with key create --account " + account);
            }
            Map<String, Object> entry = new LinkedHashMap<>(existing);
            if (operator) {
                entry.put("operator", true);
            } else {
                entry.remove("operator");
            }
            data.accounts().put(account, entry);
        });
        log.info("account {} is {}an operator", account, operator ? "" : "no longer ");
    }

    /** Whether {@code account} is an operator (see {@link #setOperator}). */
    public boolean isOperator(String account) {
        return current().data.accounts().get(account) instanceof Map<?, ?> entry && Boolean.TRUE.equals(entry.get("operator"));
    }

    /** The names of every account, sorted. */
    public List<String> accountNames() {
        return current().data.accounts().keySet().stream().sorted().toList();
    }

    /** The keys, oldest first. */
    public List<KeyInfo> list() {
        Snapshot s = current();
        List<KeyInfo> out = new ArrayList<>();
        for (Map<String, Object> k : s.data.keys()) {
            String account = String.valueOf(k.get("account"));
            Account a = s.accounts.get(account);
            out.add(new KeyInfo(String.valueOf(k.get("id")), account, a == null ? "?" : a.namespace(),
                    Instant.parse(String.valueOf(k.get("created_at")))));
        }
        return out;
    }

    /** Removes the key with this id; false when there is none. */
    public boolean revoke(String id) {
        boolean[] removed = {false};
        update(data -> removed[0] = data.keys().removeIf(k -> id.equals(k.get("id"))));
        return removed[0];
    }

    /**
     * The account a presented key belongs to; empty for a missing, malformed or unknown key. Never logs the key.
     */
    public Optional<Account> authenticate(String presentedKey) {
        if (presentedKey == null || !presentedKey.startsWith(PREFIX) || presentedKey.length() > 200) {
            return Optional.empty();
        }
        return Optional.ofNullable(current().byHash.get(sha256(presentedKey)));
    }

    /**
     * The account whose key has the SHA-256 {@code keySha256} (see {@link #sha256}), while that key is not revoked:
     * for sign-in sessions, which keep the hash and never the key.
     */
    public Optional<Account> authenticateHash(String keySha256) {
        return keySha256 == null ? Optional.empty() : Optional.ofNullable(current().byHash.get(keySha256));
    }

    /** The account called {@code name}, if it has been created. */
    public Optional<Account> account(String name) {
        return Optional.ofNullable(current().accounts.get(name));
    }

    /** The SHA-256 of a key, as lowercase hex: what the file stores. */
    public static String sha256(String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ---- file handling -------------------------------------------------------------------------

    private record Data(Map<String, Object> accounts, List<Map<String, Object>> keys) {
    }

    private record Snapshot(FileTime modified, long size, Data data, Map<String, Account> accounts, Map<String, Account> byHash) {
        static final Snapshot EMPTY = new Snapshot(null, -1, new Data(new LinkedHashMap<>(), new ArrayList<>()), Map.of(), Map.of());
    }

    /** The file's content, re-read when it changed on disk (another process may have added a key). */
    private Snapshot current() {
        Snapshot s = snapshot;
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Snapshot.EMPTY;
        } catch (IOException e) {
            log.warn("cannot read {}: {}; keeping the keys read before", file, e.getMessage());
            return s;
        }
        if (attrs.lastModifiedTime().equals(s.modified) && attrs.size() == s.size) {
            return s;
        }
        synchronized (this) {
            try {
                Data data = read();
                snapshot = index(attrs.lastModifiedTime(), attrs.size(), data);
            } catch (RuntimeException e) {
                log.warn("cannot parse {}: {}; keeping the keys read before", file, e.getMessage());
            }
            return snapshot;
        }
    }

    private Snapshot index(FileTime modified, long size, Data data) {
        Map<String, Account> accounts = new HashMap<>();
        data.accounts().forEach((name, value) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) value;
            try {
                accounts.put(name, new Account(name, String.valueOf(entry.getOrDefault("namespace", name)), limitsFromMap(entry.get("limits"))));
            } catch (IllegalArgumentException e) {
                log.warn("{}: skipping account '{}': {}", file, name, e.getMessage());
            }
        });
        Map<String, Account> byHash = new HashMap<>();
        for (Map<String, Object> k : data.keys()) {
            Account a = accounts.get(String.valueOf(k.get("account")));
            Object hash = k.get("sha256");
            if (a != null && hash instanceof String h) {
                byHash.put(h, a);
            }
        }
        return new Snapshot(modified, size, data, Map.copyOf(accounts), Map.copyOf(byHash));
    }

    @SuppressWarnings("unchecked")
    private Data read() {
        try {
            Map<String, Object> root = Json.readMap(Files.readString(file));
            Map<String, Object> accounts = new LinkedHashMap<>((Map<String, Object>) root.getOrDefault("accounts", Map.of()));
            List<Map<String, Object>> keys = new ArrayList<>();
            for (Object k : (List<Object>) root.getOrDefault("keys", List.of())) {
                keys.add(new LinkedHashMap<>((Map<String, Object>) k));
            }
            return new Data(accounts, keys);
        } catch (NoSuchFileException e) {
            return new Data(new LinkedHashMap<>(), new ArrayList<>());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private interface Change {
        void apply(Data data);
    }

    /** Read, change and atomically rewrite the file under an exclusive lock (CLI and server may both write). */
    private synchronized void update(Change change) {
        try {
            StateFiles.createPrivateDirectories(stateDir);
            try (FileChannel lockChannel = FileChannel.open(stateDir.resolve(FILE + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockChannel.lock()) {
                Data data = read();
                change.apply(data);
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("version", 1);
                root.put("accounts", data.accounts());
                root.put("keys", data.keys());
                Path tmp = stateDir.resolve(FILE + ".tmp");
                StateFiles.writePrivate(tmp, Json.writePretty(root) + "\n");
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        snapshot = Snapshot.EMPTY;
    }

    private static Map<String, Object> limitsToMap(AccountLimits l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_concurrent_clusters", l.maxConcurrentClusters());
        m.put("max_nodes", l.maxNodes());
        m.put("ttl_seconds", l.ttl().toSeconds());
        return m;
    }

    private AccountLimits limitsFromMap(Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            return defaults;
        }
        int clusters = m.get("max_concurrent_clusters") instanceof Number n ? n.intValue() : defaults.maxConcurrentClusters();
        int nodes = m.get("max_nodes") instanceof Number n ? n.intValue() : defaults.maxNodes();
        Duration ttl = m.get("ttl_seconds") instanceof Number n ? Duration.ofSeconds(n.longValue()) : defaults.ttl();
        return new AccountLimits(clusters, nodes, ttl);
    }
}
