package sh.antrieb.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.VmSize;

/**
 * Warm start: nodes restored from a saved, booted guest (a template) instead of booted. A template is one
 * node booted the normal way, then "armed": sshd and networkd stopped and ssh.service held in an
 * ExecStartPre that polls the node's fw_cfg payload, then saved with libvirt ({@code virsh save}) next to its
 * disk. A node of a new cluster is a copy: an overlay on the template's disk and the template's save image
 * with a head of its own ({@link SavedDomain}: name, UUID, disk, NICs, console, payload), restored. In the
 * copy the waiter sees the new payload (fw_cfg entries come from the new QEMU process, the guest kernel
 * reads them on each access), runs it with {@code ANTRIEB_WARM=1} (identity, NICs with the node's MACs
 * and addresses, clock, machine id, RNG reseed) and lets sshd start; once sshd runs, networkd starts and a
 * timer powers the copy off at its cluster's deadline. The template's exec agent listens on a Unix socket
 * before it is saved, so a copy's first command needs no agent start ({@link NodeChannel#attachAgent()}).
 *
 * <p>Templates are kept in the pool as {@code antrieb-warm-<key>-<nonce>.qcow2} and {@code .save}, where the
 * key hashes everything the saved state depends on: image files and command line, VM size, NIC count,
 * domain type, libvirt and QEMU versions. Building one costs one ordinary boot, once per key and host.
 */
public final class WarmStart {
    private static final Logger log = LoggerFactory.getLogger(WarmStart.class);
    /** Length of every payload (base64 characters) of templates and their copies. */
    public static final int PAYLOAD_SIZE = 32768;
    /** Bumped when the template's guest-side contract changes. */
    private static final String FORMAT = "3";
    static final String PREFIX = "antrieb-warm-";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A template on the host: its save image (volume name), its disk's host path, and its save image head. */
    public record Template(String key, String saveVolume, String diskPath, SavedDomain head, List<String> macs) {
    }

    private final LibvirtHost host;
    private final String hostVersions;
    private final Map<String, Template> known = new ConcurrentHashMap<>();
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private final Map<String, Long> touched = new ConcurrentHashMap<>();
    private final TemplateLocks locks = TemplateLocks.forThisMachine();
    /** Per key, JVM-wide: clients of one process never build the same template twice at once. */
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

    public WarmStart(LibvirtHost host) {
        this.host = host;
        this.hostVersions = host.versions();
    }

    /** The template key of nodes of {@code image} with {@code size} and {@code nics} NICs in domains of {@code domainType}. */
    public String key(BootImage image, VmSize size, int nics, String domainType) {
        // ARM is part of the key: a template armed by another version of it is a different template.
        String text = String.join("\n", FORMAT, ARM, ExecAgent.SOURCE, image.diskPath(), String.valueOf(image.kernelPath()),
                String.valueOf(image.initrdPath()), String.valueOf(image.cmdline()), Long.toString(image.diskBytes()),
                size.vcpus() + "/" + size.memoryMiB() + "/" + size.diskGiB(), Integer.toString(nics), domainType,
                hostVersions, Integer.toString(PAYLOAD_SIZE));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The template of {@code key}: one already on the host, else one made by {@code build} (which returns
     * the save volume and disk volume names it made); empty when that failed once in this process (the
     * nodes then boot cold). One build per key at a time in this process.
     */
    public Optional<Template> template(String key, String what, Supplier<String[]> build) {
        Template t = known.get(key);
        if (t != null) {
            return Optional.of(t);
        }
        if (failed.containsKey(key)) {
            return Optional.empty();
        }
        synchronized (LOCKS.computeIfAbsent(host.uri() + " " + key, k -> new Object())) {
            t = known.get(key);
            if (t != null) {
                return Optional.of(t);
            }
            if (failed.containsKey(key)) {
                return Optional.empty();
            }
            try {
                // Across processes too: a second one waits here, then finds the first one's template.
                t = locks.exclusive("build-" + key, () -> {
                    Optional<Template> found = find(key);
                    if (found.isPresent()) {
                        return found.get();
                    }
                    log.info("warm start: no template for {} yet; booting one (once per image, VM size and NIC count on this host)", what);
                    long t0 = System.nanoTime();
                    String[] made = build.get();
                    Template m = load(key, made[0], made[1]);
                    log.info("warm start: template {} for {} ready in {} ms", key, what, (System.nanoTime() - t0) / 1_000_000);
                    return m;
                });
                known.put(key, t);
                return Optional.of(t);
            } catch (sh.antrieb.HostUnavailableException e) {
                throw e; // the host, not the template, failed: try again on the next provision
            } catch (Exception e) {
                log.warn("warm start: no template for {} ({}); its nodes boot cold", what, e.getMessage());
                failed.put(key, String.valueOf(e.getMessage()));
                return Optional.empty();
            }
        }
    }

    /** Forgets and deletes a template that produced a broken copy. */
    public void discard(Template t, String why) {
        log.warn("warm start: discarding template {}: {}", t.key(), why);
        known.remove(t.key(), t);
        failed.put(t.key(), why);
        host.deleteVolume(t.saveVolume());
        host.deleteVolume(t.saveVolume().replaceFirst("\\.save$", ".qcow2"));
    }

    /** The host path of the image disk a template's disk volume is an overlay on; null when it has none or is gone. */
    String templateImageDisk(String diskVolume) {
        return LibvirtXml.backingPath(host.volumeXml(diskVolume));
    }

    /**
     * Deletes every template (of any VM size and NIC count, made by any process) whose nodes boot the image disk
     * {@code imageDisk}: its image version was deleted or replaced. Returns how many.
     */
    public int discardTemplatesOf(String imageDisk) {
        int n = 0;
        for (String save : templatesOf(imageDisk)) {
            log.info("warm start: deleting template {} of {} (its image is gone)", save, imageDisk);
            known.values().removeIf(t -> t.saveVolume().equals(save));
            host.deleteVolume(save);
            host.deleteVolume(save.replaceFirst("\\.save$", ".qcow2"));
            n++;
        }
        return n;
    }

    /** The save image volumes of the templates (complete or being made) whose disks are overlays on {@code imageDisk}. */
    public List<String> templatesOf(String imageDisk) {
        List<String> out = new java.util.ArrayList<>();
        for (String v : host.volumes()) {
            if (v.startsWith(PREFIX) && v.endsWith(".qcow2") && imageDisk.equals(templateImageDisk(v))) {
                out.add(v.replaceFirst("\\.qcow2$", ".save"));
            }
        }
        return out;
    }

    /** A complete template of {@code key} on the host (one whose save image libvirt finished writing). */
    Optional<Template> find(String key) {
        List<String> volumes = host.volumes();
        for (String v : volumes.stream().sorted().toList()) {
            if (!v.startsWith(PREFIX + key + "-") || !v.endsWith(".save")) {
                continue;
            }
            String disk = v.replaceFirst("\\.save$", ".qcow2");
            if (!volumes.contains(disk)) {
                continue;
            }
            try {
                byte[] header = host.readVolume(v, 0, SavedDomain.HEADER_BYTES);
                if (SavedDomain.isComplete(header)) {
                    return Optional.of(load(key, v, disk));
                }
            } catch (RuntimeException e) {
                log.debug("warm start: skipping {}: {}", v, e.getMessage());
            }
        }
        return Optional.empty();
    }

    private Template load(String key, String saveVolume, String diskVolume) {
        byte[] header = host.readVolume(saveVolume, 0, SavedDomain.HEADER_BYTES);
        SavedDomain head = SavedDomain.parse(host.readVolume(saveVolume, 0, SavedDomain.headLength(header)));
        String diskPath = host.volumePath(diskVolume);
        if (diskPath == null) {
            throw new sh.antrieb.AntriebException("template disk " + diskVolume + " is missing");
        }
        return new Template(key, saveVolume, diskPath, head, head.macs());
    }

    /** Names for a new template's volumes: save image and disk. */
    public static String[] newNames(String key) {
        StringBuilder nonce = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            nonce.append("abcdefghijkmnpqrstuvwxyz23456789".charAt(RANDOM.nextInt(32)));
        }
        String base = PREFIX + key + "-" + nonce;
        return new String[] {base + ".save", base + ".qcow2"};
    }

    /**
     * Starts a copy of {@code t}: its save image copied under {@code saveCopy} (a labelled volume), the copy's
     * head written over it, restored, and the copy of the save image deleted again.
     */
    public void restore(Template t, SavedDomain.Copy copy, String saveCopy) {
        byte[] head = t.head().withXml(t.head().copyXml(copy));
        // The sweep deletes no template while a restore from it runs (in any process of this machine).
        try (AutoCloseable inUse = locks.shared("use-" + t.saveVolume())) {
            touch(t);
            String path = host.cloneVolume(t.saveVolume(), saveCopy);
            try {
                host.writeVolume(saveCopy, 0, head);
                host.restoreDomain(path);
            } finally {
                host.deleteVolume(saveCopy);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new sh.antrieb.AntriebException("warm start: " + e.getMessage(), e);
        }
    }

    /** Marks {@code t} used now (its save image's modification time, which the sweep reads); at most once a minute. */
    private void touch(Template t) {
        long now = System.currentTimeMillis();
        Long last = touched.get(t.saveVolume());
        if (last != null && now - last < 60_000) {
            return;
        }
        touched.put(t.saveVolume(), now);
        try {
            String path = host.volumePath(t.saveVolume());
            if (path != null) {
                HostShell.Result r = host.run(java.time.Duration.ofSeconds(30), null, "touch", "-c", "-m", "-d", "@" + now / 1000, path);
                if (!r.ok()) {
                    log.debug("warm start: cannot mark {} used: {}", t.saveVolume(), r.output().strip());
                }
            }
        } catch (RuntimeException e) {
            log.debug("warm start: cannot mark {} used: {}", t.saveVolume(), e.toString());
        }
    }

    /**
     * The sweep's part: deletes the templates {@link TemplatePolicy} picks under {@code budget} (never one a
     * restore runs from, in any process of this machine). Only on a host that is this machine: the rules read the
     * pool's files and the restore locks are this machine's (a remote host's templates are collected by a client
     * running there).
     * A template whose image disk is gone or {@code superseded} (a build of a recipe that changed) goes first.
     * Returns how many were deleted.
     */
    public int collect(TemplatePolicy.Budget budget, java.util.function.Predicate<String> superseded) {
        if (host.link() != HostLink.LOCAL) {
            return 0;
        }
        List<String> volumes = host.volumes();
        int deleted = collectUnfinished(volumes);
        List<TemplatePolicy.Entry> entries = new java.util.ArrayList<>();
        for (String v : volumes) {
            if (!v.startsWith(PREFIX) || !v.endsWith(".save") || !volumes.contains(v.replaceFirst("\\.save$", ".qcow2"))) {
                continue;
            }
            try {
                if (!SavedDomain.isComplete(host.readVolume(v, 0, SavedDomain.HEADER_BYTES))) {
                    continue; // being made (or left by a process killed while making it)
                }
                String disk = v.replaceFirst("\\.save$", ".qcow2");
                String imageDisk = templateImageDisk(disk);
                String savePath = host.volumePath(v);
                java.time.Instant used = java.nio.file.Files.getLastModifiedTime(java.nio.file.Path.of(savePath)).toInstant();
                boolean inUse;
                java.util.Optional<AutoCloseable> probe = locks.tryExclusive("use-" + v);
                inUse = probe.isEmpty();
                if (probe.isPresent()) {
                    probe.get().close();
                }
                String key = key(v);
                entries.add(new TemplatePolicy.Entry(v, key, imageDisk,
                        imageDisk != null && (!java.nio.file.Files.exists(java.nio.file.Path.of(imageDisk)) || superseded.test(imageDisk)),
                        allocation(v) + allocation(disk), used, inUse));
            } catch (Exception e) {
                log.debug("warm start: sweep skips {}: {}", v, e.toString());
            }
        }
        for (Map.Entry<TemplatePolicy.Entry, String> d : TemplatePolicy.toDelete(entries, budget, java.time.Instant.now()).entrySet()) {
            String v = d.getKey().saveVolume();
            java.util.Optional<AutoCloseable> lock = locks.tryExclusive("use-" + v);
            if (lock.isEmpty()) {
                continue; // a restore started meanwhile
            }
            try (AutoCloseable held = lock.get()) {
                log.info("sweep: deleting warm-start template {}: {}", v, d.getValue());
                known.values().removeIf(t -> t.saveVolume().equals(v));
                host.deleteVolume(v);
                host.deleteVolume(v.replaceFirst("\\.save$", ".qcow2"));
                deleted++;
            } catch (Exception e) {
                log.warn("sweep: deleting warm-start template {} failed: {}", v, e.getMessage());
            }
        }
        return deleted;
    }

    /**
     * Deletes what template builds left that never finished: a disk without its save image, a save image without
     * its disk or one libvirt never finished writing. A build holds its key's {@code build-} lock from its first
     * volume to its last, so when that lock is free no process is making the key's template and such volumes
     * were left by a process that died mid-build (a failed build deletes its own). Returns how many volumes.
     */
    int collectUnfinished(List<String> volumes) {
        java.util.Set<String> stems = new java.util.TreeSet<>();
        for (String v : volumes) {
            if (v.startsWith(PREFIX) && v.lastIndexOf('-') >= PREFIX.length() && (v.endsWith(".save") || v.endsWith(".qcow2"))) {
                stems.add(v.substring(0, v.lastIndexOf('.')));
            }
        }
        Map<String, List<String>> byKey = new java.util.TreeMap<>();
        for (String stem : stems) {
            boolean hasDisk = volumes.contains(stem + ".qcow2");
            boolean hasSave = volumes.contains(stem + ".save");
            if (hasDisk && hasSave && complete(stem + ".save")) {
                continue;
            }
            List<String> left = byKey.computeIfAbsent(key(stem), k -> new java.util.ArrayList<>());
            if (hasSave) {
                left.add(stem + ".save");
            }
            if (hasDisk) {
                left.add(stem + ".qcow2");
            }
        }
        int deleted = 0;
        for (Map.Entry<String, List<String>> e : byKey.entrySet()) {
            Optional<AutoCloseable> building = locks.tryExclusive("build-" + e.getKey());
            if (building.isEmpty()) {
                continue; // being made now, here or in another process
            }
            try (AutoCloseable held = building.get()) {
                for (String v : e.getValue()) {
                    log.info("sweep: deleting {}: left by a warm-start template build that did not finish (its process died)", v);
                    host.deleteVolume(v);
                    deleted++;
                }
            } catch (Exception ex) {
                log.warn("sweep: deleting the unfinished template {} failed: {}", e.getKey(), ex.getMessage());
            }
        }
        return deleted;
    }

    private static String key(String volume) {
        return volume.substring(PREFIX.length(), volume.lastIndexOf('-'));
    }

    private boolean complete(String saveVolume) {
        try {
            return SavedDomain.isComplete(host.readVolume(saveVolume, 0, SavedDomain.HEADER_BYTES));
        } catch (RuntimeException e) {
            log.debug("warm start: sweep cannot read {}: {}", saveVolume, e.toString());
            return true; // not known to be unfinished: leave it
        }
    }

    private long allocation(String volume) {
        String xml = host.volumeXml(volume);
        java.util.regex.Matcher m = xml == null ? null : ALLOCATION.matcher(xml);
        return m != null && m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static final java.util.regex.Pattern ALLOCATION = java.util.regex.Pattern.compile("<allocation unit='bytes'>(\\d+)</allocation>");

    /** Fresh seed bytes and machine id for a copy. */
    public static GuestPayload.Warm warmConfig(Template t, long deadlineEpochSeconds) {
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return new GuestPayload.Warm(t.macs(), java.time.Instant.now().getEpochSecond(), HexFormat.of().formatHex(id), seed, deadlineEpochSeconds);
    }

    /**
     * Run as root in a freshly booted template node (over SSH): installs the waiter as ssh.service's
     * ExecStartPre (in /run, so a reboot is a plain cold boot again), stops networkd and restarts ssh.service
     * into the waiter, and prints "armed" once the waiter has read the template's own payload.
     */
    public static final String ARM = """
            set -eu
            # A template is a booted system that has settled (every unit of the boot started, network-online
            # reached), so every copy is one too.
            timeout 240 systemctl is-system-running --wait >/dev/null 2>&1 || true
            mkdir -p /run/antrieb /run/systemd/system/ssh.service.d
            rm -f /run/antrieb/warm-done /run/antrieb/warm-armed
            # Every copy's exec agent, listening already when the copy is restored (exec-agent.py, $ANTRIEB_AGENT):
            # with the environment of this SSH session of root, less what is the session's or the node's own.
            env -0 >/run/antrieb/exec-agent.env
            rm -f /run/antrieb/exec-agent.sock
            # Detached from this session, not a systemd service: under systemd-run its commands' bash got an empty
            # request pipe (exit 111; cause not known yet, measured on debian12 2026-12-02).
            (setsid nohup python3 -S -I -c "$ANTRIEB_AGENT" --listen /run/antrieb/exec-agent.sock /run/antrieb/exec-agent.env \
              </dev/null >/run/antrieb/exec-agent.log 2>&1 &)
            i=0
            while [ ! -S /run/antrieb/exec-agent.sock ]; do
              i=$((i + 1)); [ "$i" -le 600 ] || { echo "the exec agent did not start listening" >&2; exit 1; }
              sleep 0.05
            done
            [ -p /run/antrieb/tick ] || mkfifo /run/antrieb/tick
            bash=/bin/bash; [ -x /bin/bash-static ] && bash=/bin/bash-static
            cat >/run/antrieb/warm-wait <<EOF
            #!$bash
            # Antrieb warm start: holds ssh.service until a restored copy of this template gets its own payload.
            [ -e /run/antrieb/warm-done ] && exit 0
            entry=/sys/firmware/qemu_fw_cfg/by_name/opt/sh.antrieb/init/raw
            read -r -N 64 seen <"\\$entry"
            : >/run/antrieb/warm-armed
            exec 9<>/run/antrieb/tick
            while read -r -N 64 now <"\\$entry" && [ "\\$now" = "\\$seen" ]; do read -t 0.02 -u 9 _ || :; done
            : >/run/antrieb/warm-done
            base64 -d <"\\$entry" >/run/antrieb/payload.sh
            ANTRIEB_WARM=1
            . /run/antrieb/payload.sh >/run/antrieb/payload.log 2>&1
            EOF
            chmod 755 /run/antrieb/warm-wait
            cat >/run/systemd/system/ssh.service.d/antrieb-warm.conf <<'EOF'
            [Service]
            ExecStartPre=/run/antrieb/warm-wait
            ExecStartPost=-/bin/sh /run/antrieb/after-ssh
            TimeoutStartSec=infinity
            EOF
            systemctl daemon-reload
            # networkd and every socket of it (their names differ between releases); a copy starts them again.
            systemctl list-units --plain --no-legend --state=active 'systemd-networkd*.socket' | awk '{ print $1 }' >/run/antrieb/networkd-units
            systemctl stop systemd-networkd.service $(cat /run/antrieb/networkd-units)
            systemctl restart --no-block ssh.service
            i=0
            while [ ! -e /run/antrieb/warm-armed ]; do
              i=$((i + 1)); [ "$i" -le 600 ] || { echo "the waiter did not start" >&2; exit 1; }
              sleep 0.05
            done
            sync
            echo armed
            """;
}
