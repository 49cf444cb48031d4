package sh.antrieb.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * File locks that order warm-start template work between the processes of one machine: making a template
 * of a key (exclusive: a second process waits, then finds the first one's template), restoring from a
 * template (shared, by every restore of this and other processes) and deleting it (exclusive, never
 * waited for: a template with a restore running is skipped). The locks die with their process.
 */
final class TemplateLocks {
    private static final Map<Path, Shared> SHARED = new HashMap<>();

    private final Path dir;

    TemplateLocks(Path dir) {
        this.dir = dir;
    }

    /** The default directory: one per machine (the JVMs of one host share it). */
    static TemplateLocks forThisMachine() {
        return new TemplateLocks(Path.of(System.getProperty("java.io.tmpdir"), "antrieb-warm-locks"));
    }

    private Path file(String name) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the template lock directory " + dir, e);
        }
        return dir.resolve(name + ".lock");
    }

    /** Runs {@code body} holding the exclusive lock {@code name}, waiting for another process that holds it. */
    <T> T exclusive(String name, Callable<T> body) throws Exception {
        try (FileChannel ch = FileChannel.open(file(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            return body.call();
        }
    }

    /** The exclusive lock {@code name} if nobody (in this process or another) holds it in any mode now. */
    Optional<AutoCloseable> tryExclusive(String name) {
        synchronized (SHARED) {
            Path p = file(name);
            if (SHARED.containsKey(p)) {
                return Optional.empty();
            }
            try {
                FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    ch.close();
                    return Optional.empty();
                }
                FileLock l = lock;
                return Optional.of(() -> {
                    l.release();
                    ch.close();
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + p, e);
            }
        }
    }

    /** Holds the lock {@code name} shared (with every other holder of it in this and other processes) until closed. */
    AutoCloseable shared(String name) {
        Path p = file(name);
        synchronized (SHARED) {
            Shared s = SHARED.get(p);
            if (s == null) {
                try {
                    FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    s = new Shared(ch, ch.lock(0, Long.MAX_VALUE, true));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot lock " + p, e);
                }
                SHARED.put(p, s);
            }
            s.holders++;
        }
        return () -> {
            synchronized (SHARED) {
                Shared s = SHARED.get(p);
                if (s != null && --s.holders == 0) {
                    SHARED.remove(p);
                    s.lock.release();
                    s.channel.close();
                }
            }
        };
    }

    private static final class Shared {
        final FileChannel channel;
        final FileLock lock;
        int holders;

        Shared(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }
    }
}
