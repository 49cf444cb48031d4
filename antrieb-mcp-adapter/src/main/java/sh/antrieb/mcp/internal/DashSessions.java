package sh.antrieb.mcp.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import sh.antrieb.mcp.Account;
import sh.antrieb.mcp.ApiKeyStore;

/**
 * The dashboard's sign-in sessions, in memory: a random session id (the cookie) maps to the SHA-256 of the API key
 * that signed in, never the key, and a CSRF token for the session's forms. Every use looks the key up again, so a
 * revoked key ends its sessions at once; a session also ends after {@link #IDLE} without a request, after
 * {@link #MAX_AGE} in any case, at sign-out, and when the server stops.
 */
public final class DashSessions {
    /** A session unused this long is gone. */
    public static final Duration IDLE = Duration.ofMinutes(30);
    /** No session lives longer than this. */
    public static final Duration MAX_AGE = Duration.ofHours(12);
    private static final int MAX_SESSIONS = 10_000;

    /**
     * A signed-in session: its account (as of this request), the token its forms carry, and the id of the key it
     * signed in with (as {@code antrieb-mcp key list} shows it).
     */
    public record Session(String id, Account account, String csrfToken, String keyId) {
    }

    private record Entry(String keyHash, String csrfToken, Instant created, Instant lastUsed) {
    }

    private final ApiKeyStore keys;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();

    /** Sessions of keys in {@code keys}. */
    public DashSessions(ApiKeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** A new session for {@code presentedKey}, or empty when the key is not valid. Never logs the key. */
    public Optional<Session> signIn(String presentedKey) {
        Optional<Account> account = keys.authenticate(presentedKey == null ? null : presentedKey.strip());
        if (account.isEmpty()) {
            return Optional.empty();
        }
        sweep();
        if (sessions.size() >= MAX_SESSIONS) {
            throw new IllegalStateException("too many dashboard sessions; try again in " + IDLE.toMinutes() + " minutes");
        }
        String id = token();
        Instant now = clock.instant();
        Entry e = new Entry(ApiKeyStore.sha256(presentedKey.strip()), token(), now, now);
        sessions.put(id, e);
        return Optional.of(new Session(id, account.get(), e.csrfToken, keyId(e.keyHash)));
    }

    /** The live session {@code id}, touched; empty when it is unknown, expired or its key was revoked. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Entry e = sessions.get(id);
        if (e == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(e, now)) {
            sessions.remove(id, e);
            return Optional.empty();
        }
        Optional<Account> account = keys.authenticateHash(e.keyHash);
        if (account.isEmpty()) {
            sessions.remove(id, e);
            return Optional.empty();
        }
        sessions.replace(id, e, new Entry(e.keyHash, e.csrfToken, e.created, now));
        return Optional.of(new Session(id, account.get(), e.csrfToken, keyId(e.keyHash)));
    }

    /** A key's id: the first 12 hex digits of its SHA-256, as {@link ApiKeyStore} numbers keys. */
    private static String keyId(String keyHash) {
        return keyHash.substring(0, 12);
    }

    /** Ends session {@code id} (sign-out); nothing happens for an unknown one. */
    public void signOut(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Whether {@code presented} is the session's CSRF token (compared in constant time). */
    public static boolean csrfMatches(Session session, String presented) {
        return presented != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /** 32 random bytes, base64url: session ids and CSRF tokens. */
    public String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private boolean expired(Entry e, Instant now) {
        return !now.isBefore(e.lastUsed.plus(IDLE)) || !now.isBefore(e.created.plus(MAX_AGE));
    }

    private void sweep() {
        Instant now = clock.instant();
        sessions.entrySet().removeIf(x -> expired(x.getValue(), now));
    }
}
