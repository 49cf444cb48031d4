package sh.antrieb.mcp.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files under the state directory: readable by their owner only, since they name accounts and commands. */
public final class StateFiles {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private StateFiles() {
    }

    /** Creates {@code dir} and missing parents; the directories created are private to the owner. */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createPrivateDirectories(parent);
        }
        try {
            Files.createDirectory(dir);
            restrict(dir, DIR);
        } catch (FileAlreadyExistsException e) {
            // another process made it in between
        }
    }

    /** Writes {@code text} to {@code file} (replacing it), private to the owner. */
    public static void writePrivate(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        restrict(file, FILE);
    }

    /** Appends one line to {@code file} in a single write, creating it private to the owner. */
    public static void appendLine(Path file, String line) throws IOException {
        boolean created = !Files.exists(file);
        Files.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        if (created) {
            restrict(file, FILE);
        }
    }

    private static void restrict(Path p, Set<PosixFilePermission> perms) {
        try {
            Files.setPosixFilePermissions(p, perms);
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to tighten
        }
    }
}
