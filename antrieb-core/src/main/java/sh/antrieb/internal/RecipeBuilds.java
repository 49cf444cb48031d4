package sh.antrieb.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep's part for superseded image builds. A built-in image (base or stack) is built once per recipe into
 * the image cache, keyed by its recipe's hash ({@code debian12-ff771fec96d7}, {@code stack-podman-0a1b2c3d4e5f}),
 * and a base image is also uploaded to the libvirt pool ({@code antrieb-image-debian12-ff771fec96d7.disk.qcow2}
 * ...). When a recipe changes, its old build is superseded: nothing new boots from it, but until now it stayed
 * on disk for good. A superseded build is deleted once no volume on the host is an overlay on it (directly or
 * through a warm-start template: a running node of any process keeps it) and no process holds its build lock;
 * warm-start templates of a superseded build go first ({@link #superseded}, read by the template sweep), unless
 * a restore from one is running.
 *
 * <p>A process of an older Antrieb version on the same host that provisions after the sweep builds its image
 * again. Only names of the exact form of a known recipe are touched; anything else in the cache stays.
 */
public final class RecipeBuilds {
    private static final Logger log = LoggerFactory.getLogger(RecipeBuilds.class);
    /** Prefix of a base image's volumes in the libvirt pool. */
    static final String POOL_PREFIX = "antrieb-image-";
    private static final Pattern BUILD = Pattern.compile("(.+)-([0-9a-f]{12})");

    private RecipeBuilds() {
    }

    /**
     * A superseded build: its name ({@code <recipe>-<hash>}), its entries in the cache directory (the build
     * directory, its lock file, a half-made {@code .tmp} directory) and its pool volumes.
     */
    public record Stale(String build, List<String> cacheEntries, List<String> poolVolumes) {
    }

    /**
     * The superseded builds among {@code cacheEntries} (file names in the image cache) and {@code poolVolumes}
     * (volume names of the libvirt pool), given {@code current}: each recipe's cache name ({@code debian12},
     * {@code stack-podman}) and the hash of its recipe today. Pure: no host.
     */
    public static List<Stale> stale(Map<String, String> current, List<String> cacheEntries, List<String> poolVolumes) {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        Map<String, List<String>> volumes = new LinkedHashMap<>();
        for (String e : cacheEntries.stream().sorted().toList()) {
            String build = e.endsWith(".lock") ? e.substring(0, e.length() - 5) : e.endsWith(".tmp") ? e.substring(0, e.length() - 4) : e;
            if (isSuperseded(current, build)) {
                entries.computeIfAbsent(build, k -> new ArrayList<>()).add(e);
            }
        }
        for (String v : poolVolumes.stream().sorted().toList()) {
            if (!v.startsWith(POOL_PREFIX) || v.indexOf('.') < 0) {
                continue;
            }
            String build = v.substring(POOL_PREFIX.length(), v.indexOf('.'));
            if (isSuperseded(current, build)) {
                volumes.computeIfAbsent(build, k -> new ArrayList<>()).add(v);
                entries.computeIfAbsent(build, k -> new ArrayList<>());
            }
        }
        List<Stale> out = new ArrayList<>();
        entries.forEach((build, files) -> out.add(new Stale(build, List.copyOf(files), List.copyOf(volumes.getOrDefault(build, List.of())))));
        return out;
    }

    /** Whether {@code build} ({@code <recipe>-<hash>}) is a build of a known recipe other than today's. */
    static boolean isSuperseded(Map<String, String> current, String build) {
        Matcher m = BUILD.matcher(build);
        return m.matches() && current.containsKey(m.group(1)) && !current.get(m.group(1)).equals(m.group(2));
    }

    /**
     * Whether the image disk {@code imageDisk} (a host path a node's disk is an overlay on) is one of a superseded
     * build: a pool volume {@code antrieb-image-<recipe>-<hash>.disk.qcow2} or a file in a cache directory
     * {@code <recipe>-<hash>/}.
     */
    public static boolean superseded(Map<String, String> current, String imageDisk) {
        if (imageDisk == null) {
            return false;
        }
        Path p = Path.of(imageDisk);
        String file = p.getFileName() == null ? "" : p.getFileName().toString();
        if (file.startsWith(POOL_PREFIX) && file.indexOf('.') > 0) {
            return isSuperseded(current, file.substring(POOL_PREFIX.length(), file.indexOf('.')));
        }
        Path parent = p.getParent();
        return parent != null && parent.getFileName() != null && isSuperseded(current, parent.getFileName().toString());
    }

    /**
     * Deletes the superseded builds in {@code cacheDir} and the host's pool that nothing uses. Returns how many
     * files and volumes were deleted.
     */
    public static int collect(LibvirtHost host, Path cacheDir, Map<String, String> current) {
        List<String> cacheEntries = new ArrayList<>();
        if (host.link() == HostLink.LOCAL && Files.isDirectory(cacheDir)) { // a remote host has no overlays on this machine's cache
            try (DirectoryStream<Path> files = Files.newDirectoryStream(cacheDir)) {
                files.forEach(f -> cacheEntries.add(f.getFileName().toString()));
            } catch (IOException e) {
                log.debug("sweep: cannot list {}: {}", cacheDir, e.toString());
            }
        }
        host.ensurePool();
        List<String> volumes = host.volumes();
        List<Stale> stale = stale(current, cacheEntries, volumes);
        if (stale.isEmpty()) {
            return 0;
        }
        // Which host paths have a volume on them (its backing file): read once, for every volume of the pool.
        Map<String, String> backingOf = new HashMap<>();
        Map<String, String> pathOf = new HashMap<>();
        for (String v : volumes) {
            String path = host.volumePath(v);
            if (path == null) {
                continue;
            }
            pathOf.put(v, path);
            String backing = LibvirtXml.backingPath(host.volumeXml(v));
            if (backing != null) {
                backingOf.put(path, backing);
            }
        }
        int deleted = 0;
        for (Stale s : stale) {
            Set<String> paths = new HashSet<>();
            s.poolVolumes().forEach(v -> Optional.ofNullable(pathOf.get(v)).ifPresent(paths::add));
            Path dir = cacheDir.resolve(s.build());
            Optional<String> user = backingOf.entrySet().stream()
                    .filter(e -> reaches(e.getValue(), paths, dir, backingOf))
                    .map(Map.Entry::getKey).findFirst();
            if (user.isPresent()) {
                log.debug("sweep: superseded image build {} is still in use ({} is an overlay on it)", s.build(), user.get());
                continue;
            }
            // The build's own lock (cacheDir/<build>.lock, as ImageStore and StackImages take it): free unless it is being built.
            Optional<AutoCloseable> lock;
            try {
                lock = new TemplateLocks(cacheDir).tryExclusive(s.build());
            } catch (java.io.UncheckedIOException e) {
                log.debug("sweep: cannot take the lock of image build {}: {}", s.build(), e.toString());
                continue;
            }
            if (lock.isEmpty()) {
                continue;
            }
            try (AutoCloseable held = lock.get()) {
                log.info("sweep: deleting superseded image build {} (its recipe changed; nothing uses it)", s.build());
                for (String v : s.poolVolumes()) {
                    host.deleteVolume(v);
                    deleted++;
                }
                for (String e : s.cacheEntries()) {
                    if (!e.endsWith(".lock")) {
                        FileTrees.delete(cacheDir.resolve(e));
                        deleted++;
                    }
                }
                Files.deleteIfExists(cacheDir.resolve(s.build() + ".lock"));
            } catch (Exception e) {
                log.warn("sweep: deleting superseded image build {} failed: {}", s.build(), e.getMessage());
            }
        }
        return deleted;
    }

    /** Whether the backing file {@code backing} is, or is through other volumes on, one of {@code paths} or in {@code dir}. */
    private static boolean reaches(String backing, Set<String> paths, Path dir, Map<String, String> backingOf) {
        Set<String> seen = new HashSet<>();
        String b = backing;
        while (b != null && seen.add(b)) {
            if (paths.contains(b) || Path.of(b).startsWith(dir)) {
                return true;
            }
            b = backingOf.get(b);
        }
        return false;
    }
}
