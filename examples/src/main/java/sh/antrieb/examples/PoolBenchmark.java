package sh.antrieb.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;


import sh.antrieb.Antrieb;

/**
 * Prints, for docs/benchmarks.md, what the sweep's garbage collection does to this host's disk: the size of the
 * libvirt pool (warm-start templates, cluster overlays, uploaded images) and of the image cache (recipe builds)
 * before and after one {@link Antrieb#sweep()} with the given template budget. Run it after a test suite to see
 * what the suite left and what the sweep keeps. Reads the local pool directory, so it runs on the libvirt host.
 *
 * <p>Usage: {@code PoolBenchmark [poolMiB] [templatesPerImage]} (defaults: the client's,
 * {@link Antrieb#DEFAULT_TEMPLATE_POOL_BYTES} and {@link Antrieb#DEFAULT_TEMPLATES_PER_IMAGE}).
 */
public final class PoolBenchmark {
    private static final Path POOL = Path.of("/var/lib/libvirt/images/antrieb");

    private PoolBenchmark() {
    }

    public static void main(String[] args) {
        long poolBytes = args.length > 0 ? Long.parseLong(args[0]) << 20 : Antrieb.DEFAULT_TEMPLATE_POOL_BYTES;
        int perImage = args.length > 1 ? Integer.parseInt(args[1]) : Antrieb.DEFAULT_TEMPLATES_PER_IMAGE;
        Duration unusedFor = Antrieb.DEFAULT_TEMPLATE_UNUSED_FOR;
        System.out.printf("template budget: %d MiB, %d per image, unused for at most %s%n", poolBytes >> 20, perImage, unusedFor);
        System.out.printf("before: %s%n", sizes());
        try (Antrieb antrieb = Antrieb.builder().templateBudget(poolBytes, perImage, unusedFor).build()) {
            long t0 = System.nanoTime();
            int removed = antrieb.sweep();
            System.out.printf("sweep: %d objects removed in %d ms%n", removed, (System.nanoTime() - t0) / 1_000_000);
        }
        System.out.printf("after:  %s%n", sizes());
    }

    private static String sizes() {
        return String.format("pool %s (%d templates, %d files), image cache %s (%d builds)",
                mib(bytes(POOL)), count(POOL, "antrieb-warm-", ".save"), count(POOL, "", ""),
                mib(bytes(Antrieb.DEFAULT_IMAGE_CACHE)), dirs(Antrieb.DEFAULT_IMAGE_CACHE));
    }

    /** Bytes allocated on disk ({@code du}: qcow2 files are sparse, so what they take, not their virtual size). */
    private static long bytes(Path dir) {
        try {
            Process du = new ProcessBuilder("du", "-sk", dir.toString()).redirectErrorStream(true).start();
            String out = new String(du.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (du.waitFor() != 0) {
                throw new IllegalStateException("du " + dir + ": " + out);
            }
            return Long.parseLong(out.split("\\s+")[0]) << 10;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long count(Path dir, String prefix, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(suffix)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long dirs(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isDirectory).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
