package sh.antrieb.internal.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.ErrorCode;
import sh.antrieb.HostNotReadyException;

/**
 * The catalog on disk: {@code <root>/<namespace>/<type>s/<name>/v<N>/} holds one version of an artifact,
 * its metadata in {@code meta.yaml} and its files beside it.
 *
 * <p>Crash and concurrency safety: a version is assembled in {@code <root>/.tmp/<pid>-<random>/} and made
 * visible by one atomic directory rename, so readers (who take no lock) see a whole version or none.
 * Version numbers are picked and renames and deletes done under one lock: a {@link FileLock} on
 * {@code <root>/.lock} between processes plus a JVM lock between threads (a JVM cannot hold two file locks
 * on one file). A delete first renames the artifact's directory into {@code .tmp}, then removes it.
 * Staging directories of dead processes are removed when a store is opened.
 */
public final class CatalogStore {
    private static final Logger log = LoggerFactory.getLogger(CatalogStore.class);
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String META = "meta.yaml";
    private static final String TMP = ".tmp";

    private final Path root;

    /** One committed version of an artifact. */
    public record Entry(Catalog.Type type, String namespace, String name, int version, Path dir, Map<String, Object> meta) {
        /** A metadata value as text, or null. */
        public String get(String key) {
            Object v = meta.get(key);
            return v == null ? null : v.toString();
        }

        /** When the version was saved. */
        public Instant createdAt() {
            String t = get("created_at");
            return t == null ? null : Instant.parse(t);
        }
    }

    /** A version being assembled; invisible until {@link #commit}. Closing it removes what is left. */
    public final class Staging implements AutoCloseable {
        private final Catalog.Type type;
        private final String namespace;
        private final String name;
        private final Path dir;
        private boolean committed;

        private Staging(Catalog.Type type, String namespace, String name, Path dir) {
            this.type = type;
            this.namespace = namespace;
            this.name = name;
            this.dir = dir;
        }

        /** Where to write the version's files. */
        public Path dir() {
            return dir;
        }

        @Override
        public void close() {
            if (!committed) {
                deleteTree(dir);
            }
        }
    }

    /**
     * Opens (creating) the store at {@code root} and removes staging directories of dead processes.
     *
     * @throws HostNotReadyException when the directory cannot be created or written
     */
    public CatalogStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root.resolve(TMP));
        } catch (IOException e) {
            throw new HostNotReadyException("cannot create the catalog store " + this.root + ": " + e.getMessage()
                    + ". Run as root, or set another directory with Antrieb.builder().catalogDir(...) or ANTRIEB_CATALOG", e);
        }
        removeStale();
    }

    /** The store's directory. */
    public Path root() {
        return root;
    }

    static String typeDir(Catalog.Type type) {
        return type.wireName() + "s";
    }

    private Path artifactDir(Catalog.Type type, String namespace, String name) {
        return root.resolve(Names.checkNamespace(namespace)).resolve(typeDir(type)).resolve(Names.checkName(name));
    }

    /** Starts a new version of {@code namespace/name}; nothing is visible until it is committed. */
    public Staging stage(Catalog.Type type, String namespace, String name) {
        Names.checkNamespace(namespace);
        Names.checkName(name);
        byte[] r = new byte[6];
        RANDOM.nextBytes(r);
        Path dir = root.resolve(TMP).resolve(ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(r));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return new Staging(type, namespace, name, dir);
    }

    /**
     * Makes a staged version visible as the next version: writes {@code meta.yaml} (from {@code meta},
     * given the version number) into it and renames it into place, atomically.
     */
    public Entry commit(Staging s, IntFunction<Map<String, Object>> meta) {
        Path target = artifactDir(s.type, s.namespace, s.name);
        return locked(() -> {
            int version = latestVersion(target) + 1;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", s.type.wireName());
            m.put("namespace", s.namespace);
            m.put("name", s.name);
            m.put("fq_name", s.namespace + "/" + s.name);
            m.put("version", version);
            m.put("created_at", Instant.now().toString());
            m.putAll(meta.apply(version));
            writeAtomically(s.dir.resolve(META), yaml().dump(m));
            Files.createDirectories(target);
            Path v = target.resolve("v" + version);
            Files.move(s.dir, v, StandardCopyOption.ATOMIC_MOVE);
            s.committed = true;
            log.info("catalog: saved {} {}/{} v{}", s.type.wireName(), s.namespace, s.name, version);
            return new Entry(s.type, s.namespace, s.name, version, v, Map.copyOf(m));
        });
    }

    /** The latest version of {@code namespace/name}. */
    public Optional<Entry> latest(Catalog.Type type, String namespace, String name) {
        Path dir = artifactDir(type, namespace, name);
        int v = latestVersion(dir);
        return v == 0 ? Optional.empty() : read(type, namespace, name, v, dir.resolve("v" + v));
    }

    /** One version of {@code namespace/name}. */
    public Optional<Entry> version(Catalog.Type type, String namespace, String name, int version) {
        return read(type, namespace, name, version, artifactDir(type, namespace, name).resolve("v" + version));
    }

    /** The latest version of every artifact of {@code type} in {@code namespace}, by name. */
    public List<Entry> list(Catalog.Type type, String namespace) {
        Path dir = root.resolve(Names.checkNamespace(namespace)).resolve(typeDir(type));
        List<Entry> out = new ArrayList<>();
        for (Path p : children(dir)) {
            String name = p.getFileName().toString();
            if (Names.isValid(name)) {
                latest(type, namespace, name).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(Entry::name));
        return out;
    }

    /** The namespaces that hold anything. */
    public List<String> namespaces() {
        return children(root).stream().map(p -> p.getFileName().toString()).filter(Names::isValid).sorted().toList();
    }

    /** Deletes every version of {@code namespace/name}; false when there was none. */
    public boolean delete(Catalog.Type type, String namespace, String name) {
        Path dir = artifactDir(type, namespace, name);
        Path trash = root.resolve(TMP).resolve(ProcessHandle.current().pid() + "-deleted-" + System.nanoTime());
        boolean moved = locked(() -> {
            if (!Files.exists(dir)) {
                return false;
            }
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
            return true;
        });
        if (moved) {
            deleteTree(trash);
            log.info("catalog: deleted {} {}/{}", type.wireName(), namespace, name);
        }
        return moved;
    }

    // ---- internals -----------------------------------------------------------------------------------

    private Optional<Entry> read(Catalog.Type type, String namespace, String name, int version, Path v) {
        try {
            String text = Files.readString(v.resolve(META), StandardCharsets.UTF_8);
            Object loaded = yaml().load(text);
            if (!(loaded instanceof Map<?, ?> map)) {
                log.warn("catalog: ignoring {}: meta.yaml is not a map", v);
                return Optional.empty();
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            map.forEach((k, val) -> meta.put(String.valueOf(k), val));
            return Optional.of(new Entry(type, namespace, name, version, v, java.util.Collections.unmodifiableMap(meta)));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted meanwhile
        } catch (IOException | RuntimeException e) {
            log.warn("catalog: ignoring unreadable {}: {}", v, e.toString());
            return Optional.empty();
        }
    }

    private static int latestVersion(Path artifactDir) {
        int max = 0;
        for (Path p : children(artifactDir)) {
            String f = p.getFileName().toString();
            if (f.matches("v[1-9][0-9]{0,8}")) {
                max = Math.max(max, Integer.parseInt(f.substring(1)));
            }
        }
        return max;
    }

    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private <T> T locked(IoSupplier<T> body) {
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(root, k -> new ReentrantLock());
        jvm.lock();
        try (FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return body.get();
        } catch (AtomicMoveNotSupportedException e) {
            throw new HostNotReadyException("the catalog store " + root + " needs atomic renames within one file system: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CatalogException(ErrorCode.NOT_AVAILABLE, "catalog store " + root + ": " + e, e);
        } finally {
            jvm.unlock();
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Writes a text file of a staged version. */
    public static void writeFile(Path file, String text, boolean executable) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            if (executable) {
                file.toFile().setExecutable(true, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The text of {@code p}, or {@code null} when it does not exist or cannot be read. */
    static String readIfExists(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void removeStale() {
        for (Path p : children(root.resolve(TMP))) {
            String f = p.getFileName().toString();
            int dash = f.indexOf('-');
            long pid;
            try {
                pid = Long.parseLong(dash < 0 ? f : f.substring(0, dash));
            } catch (NumberFormatException e) {
                continue;
            }
            if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            if (pid == ProcessHandle.current().pid()) {
                continue;
            }
            log.info("catalog: removing {} left by process {}, which is gone", p, pid);
            deleteTree(p);
        }
    }

    static void deleteTree(Path dir) {
        sh.antrieb.internal.FileTrees.delete(dir);
    }

    private static Yaml yaml() {
        DumperOptions d = new DumperOptions();
        d.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        d.setDefaultScalarStyle(DumperOptions.ScalarStyle.PLAIN);
        LoaderOptions l = new LoaderOptions();
        return new Yaml(new SafeConstructor(l), new Representer(d), d, l);
    }
}
