package sh.antrieb.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.libvirt.NodeInfo;
import org.libvirt.StoragePool;
import org.libvirt.StoragePoolInfo;
import org.libvirt.StorageVol;
import org.libvirt.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Accelerator;
import sh.antrieb.AntriebException;
import sh.antrieb.ErrorCode;
import sh.antrieb.HostNotReadyException;
import sh.antrieb.HostUnavailableException;

/**
 * One libvirt connection and the handful of operations Antrieb needs, with {@link LibvirtException}
 * wrapped into Antrieb's own exceptions and native objects freed after use. Thread-safe (libvirt
 * connections are).
 */
public final class LibvirtHost implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LibvirtHost.class);
    /** The storage pool holding images, overlays and console logs. */
    public static final String POOL = "antrieb";
    private static final String POOL_PATH = "/var/lib/libvirt/images/antrieb";
    private static final Pattern NETWORK_NAME = Pattern.compile("<name>([^<]+)</name>");
    private static final Object EVENT_LOOP_LOCK = new Object();
    private static boolean eventLoopStarted;
    // libvirt prints every error to stderr unless a handler is set; Antrieb reports errors through exceptions
    // and expects some (lookups of objects that may be gone), so they go to the debug log. Held in a field:
    // JNA must not collect a callback libvirt still holds.
    private static final org.libvirt.jna.Libvirt.VirErrorCallback ERRORS_TO_LOG =
            (userData, error) -> log.debug("libvirt: {}", error.message);

    /** How long a call waits for a lost connection to be re-opened before it fails with {@link HostUnavailableException}. */
    public static final Duration DEFAULT_RECONNECT_TIMEOUT = sh.antrieb.Antrieb.DEFAULT_RECONNECT_TIMEOUT;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final URI uri;
    private final HostLink link;
    private final Duration reconnectTimeout;
    private final ReentrantLock reconnecting = new ReentrantLock();
    private final List<Runnable> reconnectListeners = new CopyOnWriteArrayList<>();
    private volatile Connect conn;
    /** The connection libvirt reported closed (close callback, keepalive) or a call found dead; null while healthy. */
    private volatile Connect lost;
    /** Set when re-opening a lost connection gave up (the host is not answering); cleared when it is re-opened. */
    private volatile boolean unreachable;
    private volatile boolean closed;

    private LibvirtHost(URI uri, HostLink link, Connect conn, Duration reconnectTimeout) {
        this.uri = uri;
        this.link = link;
        this.conn = conn;
        this.reconnectTimeout = reconnectTimeout;
        watch(conn);
    }

    /**
     * Connects to {@code uri}; a connection lost later (libvirtd restarted) is re-opened on the next call, which
     * waits up to {@link #DEFAULT_RECONNECT_TIMEOUT} for it.
     *
     * @throws HostNotReadyException naming the set-up step when libvirt is missing or unreachable
     */
    public static LibvirtHost connect(URI uri) {
        return connect(uri, DEFAULT_RECONNECT_TIMEOUT);
    }

    /** Connects to {@code uri}; calls wait up to {@code reconnectTimeout} for a lost connection to be re-opened. */
    public static LibvirtHost connect(URI uri, Duration reconnectTimeout) {
        HostLink link = HostJump.forUri(uri);
        boolean ok = false;
        try {
            startEventLoop();
            LibvirtHost host = new LibvirtHost(uri, link, open(uri), reconnectTimeout);
            ok = true;
            return host;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new HostNotReadyException("the libvirt client library (libvirt.so) is not installed on this machine: "
                    + "run `sudo bin/setup-host` from the Antrieb checkout (it installs libvirt and QEMU), "
                    + "or `apt-get install libvirt-clients`", e);
        } catch (LibvirtException e) {
            throw new HostNotReadyException("cannot connect to libvirt at " + uri + ": " + message(e)
                    + ". Is libvirtd running? On this machine run `sudo bin/setup-host` from the Antrieb checkout "
                    + "(installs QEMU and libvirt and starts libvirtd, also without systemd)", e);
        } finally {
            if (!ok) {
                link.close();
            }
        }
    }

    private static Connect open(URI uri) throws LibvirtException {
        Connect c = new Connect(uri.toString(), false);
        // Keepalive: a peer that stops answering (a host gone, a daemon hung) is noticed within ~20 s. libvirt's test
        // driver (test:///default, for unit tests) runs in this process: no peer, and it refuses keepalive.
        if (!"test".equals(uri.getScheme())) {
            c.setKeepAlive(5, 3);
        }
        return c;
    }

    /** Marks the connection lost as soon as libvirt reports it closed (EOF when libvirtd exits, keepalive timeout). */
    private void watch(Connect c) {
        try {
            c.registerCloseListener((closedConn, reason) -> {
                if (!closed && c == conn) {
                    log.warn("libvirt connection to {} closed ({}): re-opening it on the next call", uri, reason);
                    lost = c;
                }
            });
        } catch (LibvirtException e) {
            log.debug("no close callback on {}: lost connections are noticed on the next call instead ({})", uri, message(e));
        }
    }

    /**
     * False once a lost connection could not be re-opened within the reconnect timeout (the host stopped answering:
     * its clusters are lost); true again when a later call re-opens it.
     */
    public boolean isReachable() {
        return !unreachable;
    }

    /** Runs {@code listener} (on the thread that reconnected) each time a lost connection has been re-opened. */
    public void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    /** The live connection, re-opened first (waiting up to the reconnect timeout) when it was lost. */
    private Connect connection(String what) {
        Connect c = conn;
        if (c != null && lost != c) {
            return c;
        }
        return reconnect(what, c);
    }

    private Connect reconnect(String what, Connect dead) {
        if (closed) {
            throw new IllegalStateException("this libvirt connection to " + uri + " is closed");
        }
        long t0 = System.nanoTime();
        long deadline = t0 + reconnectTimeout.toNanos();
        boolean locked = false;
        try {
            locked = reconnecting.tryLock(reconnectTimeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!locked) {
                throw unavailable(what, "another thread is still re-opening it", null);
            }
            Connect current = conn;
            if (current != dead && lost != current) {
                return current; // re-opened by another thread meanwhile
            }
            long backoff = 100_000_000L;
            LibvirtException last = null;
            while (!closed) {
                try {
                    Connect fresh = openWithin(deadline - System.nanoTime());
                    if (fresh == null) {
                        unreachable = true;
                        throw unavailable(what, "the host did not answer within " + reconnectTimeout.toSeconds() + " s", last);
                    }
                    conn = fresh;
                    lost = null;
                    unreachable = false;
                    watch(fresh);
                    closeQuietly(current);
                    log.info("libvirt connection to {} re-opened after {} ms", uri, (System.nanoTime() - t0) / 1_000_000);
                    for (Runnable l : reconnectListeners) {
                        try {
                            l.run();
                        } catch (RuntimeException e) {
                            log.warn("after reconnecting to {}: {}", uri, e.toString());
                        }
                    }
                    return fresh;
                } catch (LibvirtException e) {
                    last = e;
                }
                if (System.nanoTime() + backoff > deadline) {
                    unreachable = true;
                    throw unavailable(what, "it could not be re-opened within " + reconnectTimeout.toSeconds() + " s", last);
                }
                Thread.sleep(backoff / 1_000_000);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
            }
            throw new IllegalStateException("this libvirt connection to " + uri + " is closed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(what, "interrupted while re-opening it", null);
        } finally {
            if (locked) {
                reconnecting.unlock();
            }
        }
    }

    /** Threads that open connections, so that an attempt to a host that went silent is given up in bounded time. */
    private static final java.util.concurrent.ExecutorService OPENER = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "libvirt-connect");
        t.setDaemon(true);
        return t;
    });

    /**
     * A new connection, or null when it did not open within {@code nanos} (a silent host: libvirt's ssh waits for
     * TCP's own timeout, minutes); an attempt given up on is closed should it still open later.
     */
    private Connect openWithin(long nanos) throws LibvirtException, InterruptedException {
        java.util.concurrent.CompletableFuture<Connect> attempt = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return open(uri);
            } catch (LibvirtException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, OPENER);
        try {
            return attempt.get(Math.max(nanos, 0), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            attempt.thenAccept(LibvirtHost::closeQuietly);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof LibvirtException le) {
                throw le;
            }
            throw new IllegalStateException("opening libvirt at " + uri + " failed", e.getCause());
        }
    }

    private HostUnavailableException unavailable(String what, String why, LibvirtException last) {
        return new HostUnavailableException("libvirt at " + uri + " is unavailable: the connection was lost and " + why
                + (last == null ? "" : " (last error: " + message(last) + ")") + ", so Antrieb could not " + what
                + ". Is libvirtd running? Start it (`sudo bin/setup-host` starts it, also without systemd); this client "
                + "re-opens the connection by itself on its next call, no restart needed", last);
    }

    private static void closeQuietly(Connect c) {
        if (c == null) {
            return;
        }
        try {
            c.unregisterCloseListener();
        } catch (LibvirtException | RuntimeException e) {
            log.debug("unregistering a close callback", e);
        }
        try {
            c.close();
        } catch (LibvirtException | RuntimeException e) {
            log.debug("closing a lost libvirt connection", e);
        }
    }

    private static void startEventLoop() throws LibvirtException {
        synchronized (EVENT_LOOP_LOCK) {
            if (eventLoopStarted) {
                return;
            }
            Connect.setErrorCallback(ERRORS_TO_LOG);
            Library.initEventLoop();
            Thread t = new Thread(() -> {
                try {
                    Library.runEventLoop();
                } catch (LibvirtException | InterruptedException e) {
                    log.debug("libvirt event loop ended", e);
                }
            }, "antrieb-libvirt-events");
            t.setDaemon(true);
            t.start();
            eventLoopStarted = true;
        }
    }

    /** The URI this host was reached at. */
    public URI uri() {
        return uri;
    }

    /** libvirt's and the hypervisor's versions, e.g. {@code libvirt 9000000 qemu 7002000}. */
    public String versions() {
        return call("read versions", c -> "libvirt " + c.getLibVersion() + " qemu " + c.getVersion());
    }

    /** How this JVM reaches the host's guests and runs commands there (directly, or over one SSH session). */
    public HostLink link() {
        return link;
    }

    /**
     * Runs a command on the host (see {@link HostShell#run}); a failure to reach the host is a
     * {@link HostUnavailableException} naming the command.
     */
    public HostShell.Result run(Duration timeout, String stdin, String... argv) {
        try {
            return link.run(List.of(argv), stdin, timeout);
        } catch (IOException e) {
            throw new HostUnavailableException("cannot run `" + String.join(" ", argv) + "` on libvirt host " + uri
                    + " (" + link.where() + "): " + e.getMessage(), e);
        }
    }

    /** The libvirt capabilities XML of the host. */
    public String capabilities() {
        return call("read host capabilities", Connect::getCapabilities);
    }

    /**
     * The accelerator guests get here: KVM only when libvirt offers the {@code kvm} domain type AND the
     * host CPU has VMX or SVM. A {@code /dev/kvm} without them (nested virtualization absent) is not
     * usable: guests hang in it.
     */
    public Accelerator detectAccelerator() {
        String caps = capabilities();
        boolean kvmOffered = caps.contains("<domain type='kvm'");
        boolean hwVirt = caps.contains("<feature name='vmx'/>") || caps.contains("<feature name='svm'/>");
        if (kvmOffered && !hwVirt) {
            hwVirt = cpuinfoHasVirtFlags();
        }
        return kvmOffered && hwVirt ? Accelerator.KVM : Accelerator.TCG;
    }

    /**
     * What the host has and what its running domains take, as libvirt reports it (node info, free memory, the
     * running domains' info, Antrieb's pool info): cheap calls, no shell on the host.
     *
     * @param poolCapacity   {@link sh.antrieb.HostCapacity#UNKNOWN} when the pool {@value #POOL} does not exist
     */
    public record Figures(int cpus, long memoryBytes, long freeMemoryBytes, int runningGuests, int guestVcpus,
                          long guestMemoryBytes, long poolCapacity, long poolAllocation, long poolAvailable) {
    }

    /** The host's {@link Figures} now. */
    public Figures figures() {
        return call("read host capacity", c -> {
            NodeInfo node = c.nodeInfo();
            long free = c.getFreeMemory();
            int guests = 0;
            int vcpus = 0;
            long guestKib = 0;
            for (int id : c.listDomains()) {
                Domain d;
                try {
                    d = c.domainLookupByID(id);
                } catch (LibvirtException gone) { // stopped between the list and the lookup
                    if (isConnectionLoss(gone, c)) {
                        throw gone;
                    }
                    continue;
                }
                try {
                    DomainInfo info = d.getInfo();
                    guests++;
                    vcpus += info.nrVirtCpu;
                    guestKib += info.memory;
                } finally {
                    d.free();
                }
            }
            long[] pool = {sh.antrieb.HostCapacity.UNKNOWN, sh.antrieb.HostCapacity.UNKNOWN, sh.antrieb.HostCapacity.UNKNOWN};
            StoragePool p;
            try {
                p = c.storagePoolLookupByName(POOL);
            } catch (LibvirtException missing) {
                if (isConnectionLoss(missing, c)) {
                    throw missing;
                }
                p = null;
            }
            if (p != null) {
                try {
                    StoragePoolInfo info = p.getInfo();
                    pool = new long[] {info.capacity, info.allocation, info.available};
                } finally {
                    p.free();
                }
            }
            // libvirt's node info and domain info count memory in KiB
            return new Figures(node.cpus, node.memory * 1024, free, guests, vcpus, guestKib * 1024, pool[0], pool[1], pool[2]);
        });
    }

    private boolean cpuinfoHasVirtFlags() {
        HostShell.Result cpuinfo;
        try {
            cpuinfo = run(Duration.ofSeconds(30), null, "cat", "/proc/cpuinfo");
        } catch (HostUnavailableException e) {
            log.debug("cannot read /proc/cpuinfo on {}", link.where(), e);
            return false;
        }
        for (String line : cpuinfo.output().split("\n")) {
            if (line.startsWith("flags")) {
                List<String> flags = Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                return flags.contains("vmx") || flags.contains("svm");
            }
        }
        return false;
    }

    // ---- storage -------------------------------------------------------------------------------------

    /** Makes sure Antrieb's directory pool exists and is active. */
    public void ensurePool() {
        call("prepare storage pool " + POOL, c -> {
            StoragePool pool;
            try {
                pool = c.storagePoolLookupByName(POOL);
            } catch (LibvirtException notFound) {
                if (isConnectionLoss(notFound, c)) {
                    throw notFound;
                }
                log.info("creating libvirt storage pool {} at {}", POOL, POOL_PATH);
                pool = c.storagePoolDefineXML(LibvirtXml.dirPool(POOL, POOL_PATH), 0);
                pool.build(0);
                pool.setAutostart(1);
            }
            try {
                if (pool.isActive() == 0) {
                    pool.create(0);
                }
            } finally {
                pool.free();
            }
            return null;
        });
    }

    /** Something libvirt gives out that must be freed. */
    @FunctionalInterface
    interface Freer<O> {
        int free(O o) throws LibvirtException;
    }

    /**
     * Looks an object up, applies {@code body} and frees it; {@code ifMissing} when the lookup finds nothing
     * (objects of clusters may vanish at any time: at TTL, by a sweep of another process). A lookup that
     * failed because the connection was lost is no "missing".
     */
    private <O, T> T withObject(String what, boolean retry, LibvirtCall<Connect, O> lookup, Freer<O> free, LibvirtCall<O, T> body, T ifMissing) {
        return call(what, retry, c -> {
            O o;
            try {
                o = lookup.apply(c);
            } catch (LibvirtException notFound) {
                if (isConnectionLoss(notFound, c)) {
                    throw notFound;
                }
                return ifMissing;
            }
            try {
                return body.apply(o);
            } finally {
                free.free(o);
            }
        });
    }

    private <T> T withPool(String what, boolean retry, LibvirtCall<StoragePool, T> body) {
        return call(what, retry, c -> {
            StoragePool pool = c.storagePoolLookupByName(POOL);
            try {
                return body.apply(pool);
            } finally {
                pool.free();
            }
        });
    }

    /** The volume names in the pool, after a refresh (so files written by QEMU show up). */
    public List<String> volumes() {
        return withPool("list volumes", true, pool -> {
            try {
                pool.refresh(0);
            } catch (LibvirtException e) {
                // Another client uploading into the pool holds a job on it; the list without a refresh is still
                // complete for volumes made through libvirt, which every Antrieb volume is.
                if (!String.valueOf(e.getMessage()).contains("asynchronous jobs running")) {
                    throw e;
                }
                log.debug("pool {}: not refreshed ({}); listing what libvirt knows", POOL, e.getMessage());
            }
            return List.of(pool.listVolumes());
        });
    }

    /** The host path of a volume, or null when it does not exist. */
    public String volumePath(String name) {
        return withVolume("look up volume " + name, name, StorageVol::getPath, null);
    }

    /**
     * The volume's description as libvirt gives it (format, capacity, backing store, timestamps), or null
     * when it does not exist.
     */
    public String volumeXml(String name) {
        return withVolume("describe volume " + name, name, vol -> vol.getXMLDesc(0), null);
    }

    /** The path a volume of this name has or would have in the pool. */
    public String poolPath(String name) {
        return POOL_PATH + "/" + name;
    }

    /** Creates a volume from XML and returns its host path. */
    public String createVolume(String xml) {
        return withPool("create volume", false, pool -> {
            StorageVol vol = pool.storageVolCreateXML(xml, 0);
            try {
                return vol.getPath();
            } finally {
                vol.free();
            }
        });
    }

    /** Deletes a volume; a missing one is fine. */
    public void deleteVolume(String name) {
        withVolume("delete volume " + name, name, vol -> {
            vol.delete(0);
            return null;
        }, null);
    }

    /** Looks volume {@code name} up, applies {@code body} (repeated after a reconnect) and frees it; {@code ifMissing} without it. */
    private <T> T withVolume(String what, String name, LibvirtCall<StorageVol, T> body, T ifMissing) {
        return withPool(what, true, pool -> {
            StorageVol vol;
            try {
                vol = pool.storageVolLookupByName(name);
            } catch (LibvirtException notFound) {
                if (notFound.getError() != null && notFound.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_STORAGE_VOL) {
                    return ifMissing;
                }
                throw notFound;
            }
            try {
                return body.apply(vol);
            } finally {
                vol.free();
            }
        });
    }

    /**
     * Uploads a local file into a new volume through libvirt (so the host may be remote). Written under a
     * temporary name and renamed last is not possible with libvirt, so a failed upload deletes the volume.
     */
    public String uploadVolume(String name, Path file, LongConsumer progress) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new AntriebException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String path = createVolume(LibvirtXml.rawVolume(name, size));
        boolean done = false;
        try {
            withPool("upload " + file + " to volume " + name, false, pool -> {
                StorageVol vol = pool.storageVolLookupByName(name);
                Stream stream = pool.getConnect().streamNew(0);
                try (InputStream in = Files.newInputStream(file)) {
                    vol.upload(stream, 0, size, 0);
                    byte[] buf = new byte[1 << 20];
                    long sent = 0;
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                        while (bb.hasRemaining()) {
                            stream.write(bb);
                        }
                        sent += n;
                        progress.accept(sent);
                    }
                    stream.finish();
                } catch (IOException e) {
                    stream.abort();
                    throw new AntriebException("upload of " + file + " failed: " + e.getMessage(), e);
                } finally {
                    stream.free();
                    vol.free();
                }
                return null;
            });
            done = true;
            return path;
        } finally {
            if (!done) {
                deleteVolume(name);
            }
        }
    }

    /**
     * A copy of volume {@code source} as new raw volume {@code name}, made by libvirt on the host (no data
     * crosses the connection). Returns the copy's host path.
     */
    public String cloneVolume(String source, String name) {
        return withPool("copy volume " + source + " to " + name, false, pool -> {
            StorageVol src = pool.storageVolLookupByName(source);
            try {
                long bytes = src.getInfo().capacity;
                StorageVol copy = pool.storageVolCreateXMLFrom(LibvirtXml.rawVolume(name, bytes), src, 0);
                try {
                    return copy.getPath();
                } finally {
                    copy.free();
                }
            } finally {
                src.free();
            }
        });
    }

    /** Reads {@code length} bytes of volume {@code name} from {@code offset} (fewer at its end). */
    public byte[] readVolume(String name, long offset, int length) {
        return withPool("read volume " + name, true, pool -> {
            StorageVol vol = pool.storageVolLookupByName(name);
            Stream stream = pool.getConnect().streamNew(0);
            try {
                vol.download(stream, offset, length, 0);
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length);
                byte[] buf = new byte[Math.min(length, 1 << 16)];
                int n;
                while (out.size() < length && (n = stream.receive(buf)) > 0) {
                    out.write(buf, 0, n);
                }
                stream.finish();
                return out.toByteArray();
            } catch (LibvirtException e) {
                stream.abort();
                throw e;
            } finally {
                stream.free();
                vol.free();
            }
        });
    }

    /**
     * Downloads the whole volume {@code name} into the new file {@code dest} on this machine through libvirt (so the
     * host may be remote); a failed download removes {@code dest}.
     */
    public void downloadVolume(String name, Path dest) {
        boolean done = false;
        try {
            withPool("download volume " + name, false, pool -> {
                StorageVol vol = pool.storageVolLookupByName(name);
                Stream stream = pool.getConnect().streamNew(0);
                try (java.io.OutputStream out = Files.newOutputStream(dest, java.nio.file.StandardOpenOption.CREATE_NEW)) {
                    long size = vol.getInfo().capacity;
                    vol.download(stream, 0, 0, 0);
                    byte[] buf = new byte[1 << 20];
                    long got = 0;
                    long shown = 0;
                    int n;
                    while ((n = stream.receive(buf)) > 0) {
                        out.write(buf, 0, n);
                        got += n;
                        if (got - shown >= 128L << 20) {
                            shown = got;
                            log.info("downloading volume {}: {} of {} MiB", name, got >> 20, size >> 20);
                        }
                    }
                    stream.finish();
                    return null;
                } catch (IOException e) {
                    stream.abort();
                    throw new AntriebException("download of volume " + name + " into " + dest + " failed: " + e.getMessage(), e);
                } finally {
                    stream.free();
                    vol.free();
                }
            });
            done = true;
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(dest);
                } catch (IOException e) {
                    log.warn("cannot remove partial download {}: {}", dest, e.toString());
                }
            }
        }
    }

    /** Overwrites bytes of volume {@code name} from {@code offset}; the rest of the volume stays as it is. */
    public void writeVolume(String name, long offset, byte[] data) {
        withPool("write volume " + name, true, pool -> {
            StorageVol vol = pool.storageVolLookupByName(name);
            Stream stream = pool.getConnect().streamNew(0);
            try {
                vol.upload(stream, offset, data.length, 0);
                ByteBuffer bb = ByteBuffer.wrap(data);
                while (bb.hasRemaining()) {
                    stream.write(bb);
                }
                stream.finish();
                return null;
            } catch (IOException e) {
                stream.abort();
                throw new AntriebException("writing volume " + name + " failed: " + e.getMessage(), e);
            } finally {
                stream.free();
                vol.free();
            }
        });
    }

    // ---- networks ------------------------------------------------------------------------------------

    /** Creates and starts a transient network. */
    public void createNetwork(String xml) {
        try {
            call("create network", false, c -> {
                c.networkCreateXML(xml).free();
                return null;
            });
        } catch (AntriebException e) {
            // libvirt reports a subnet or bridge another network holds as an internal error; only its text says so
            if (e.code() == ErrorCode.FAILED && e.getCause() instanceof LibvirtException le && message(le).contains("in use")) {
                Matcher name = NETWORK_NAME.matcher(xml);
                throw new AntriebException(ErrorCode.NETWORK_IN_USE, AntriebException.Subject.network(name.find() ? name.group(1) : null),
                        e.getMessage(), le);
            }
            throw e;
        }
    }

    /** Stops a network; a missing one is fine. */
    public void destroyNetwork(String name) {
        withObject("destroy network " + name, true, c -> c.networkLookupByName(name), Network::free, net -> {
            boolean persistent = net.isPersistent() == 1;
            if (net.isActive() == 1) {
                net.destroy();
            }
            if (persistent) {
                net.undefine();
            }
            return null;
        }, null);
    }

    /** Names of all networks, active or defined. */
    public List<String> networks() {
        return call("list networks", c -> {
            List<String> names = new ArrayList<>(List.of(c.listNetworks()));
            names.addAll(List.of(c.listDefinedNetworks()));
            return names;
        });
    }

    /** The XML of a network, or null when it does not exist. */
    public String networkXml(String name) {
        return withObject("read network " + name, true, c -> c.networkLookupByName(name), Network::free, net -> {
            try {
                return net.getXMLDesc(0);
            } catch (LibvirtException e) {
                if (e.getError() != null && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_NETWORK) {
                    return null; // removed by another process between the lookup and the read
                }
                throw e;
            }
        }, null);
    }

    // ---- domains -------------------------------------------------------------------------------------

    /**
     * Creates and starts a transient domain. With {@code autodestroy} libvirtd destroys it as soon as
     * this connection closes, also when the JVM dies.
     */
    public void createDomain(String xml, boolean autodestroy) {
        call("create domain", false, c -> {
            c.domainCreateXML(xml, autodestroy ? Domain.CreateFlags.AUTODESTROY : 0).free();
            return null;
        });
    }

    /** Destroys a domain (and undefines it if it was persistent); a missing one is fine. */
    public void destroyDomain(String name) {
        withObject("destroy domain " + name, true, c -> c.domainLookupByName(name), Domain::free, dom -> {
            boolean persistent = dom.isPersistent() == 1;
            if (dom.isActive() == 1) {
                dom.destroy();
            }
            if (persistent) {
                dom.undefine();
            }
            return null;
        }, null);
    }

    /**
     * Copies the disk {@code target} (e.g. {@code vda}) of a running domain, flattened (its whole backing
     * chain), into a new standalone qcow2 at {@code destPath} on the libvirt host, while the guest keeps
     * running: QEMU's live block copy (drive-mirror) through libvirt, then the job is ended without a pivot,
     * which cuts the copy at that instant and leaves the domain on its own disk. Reads go through QEMU, so
     * metadata QEMU holds in memory ({@code cache='unsafe'}) is seen; copying the file from outside would not.
     * A failure removes the partial copy.
     */
    public void copyDiskLive(String domain, String target, String destPath, Duration timeout) {
        String dest = "<disk type='file'><source file='" + LibvirtXml.esc(destPath) + "'/><driver type='qcow2'/></disk>";
        boolean found = withObject("copy disk " + target + " of domain " + domain, false, c -> c.domainLookupByName(domain), Domain::free, dom -> {
            // libvirt-java cannot pass an empty parameter list; bandwidth 0 is "unlimited", the default anyway.
            dom.blockCopy(target, dest, new org.libvirt.TypedParameter[] {new org.libvirt.TypedUlongParameter("bandwidth", 0)}, 0);
            boolean done = false;
            try {
                long deadline = System.nanoTime() + timeout.toNanos();
                long lastLog = System.nanoTime();
                while (true) {
                    org.libvirt.DomainBlockJobInfo info = dom.getBlockJobInfo(target, 0);
                    // libvirt reports cur == end only once the mirror is ready (synchronised).
                    if (info != null && info.end > 0 && info.cur == info.end) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AntriebException("copying disk " + target + " of " + domain + " did not finish within "
                                + timeout.toSeconds() + " s (" + (info == null ? "no job" : info.cur + "/" + info.end + " bytes") + ")");
                    }
                    if (System.nanoTime() - lastLog > 10_000_000_000L && info != null) {
                        log.info("copying disk of {}: {} of {} MiB", domain, info.cur >> 20, info.end >> 20);
                        lastLog = System.nanoTime();
                    }
                    Thread.sleep(200);
                }
                dom.blockJobAbort(target, 0);
                done = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AntriebException("interrupted while copying the disk of " + domain, e);
            } finally {
                if (!done) {
                    try {
                        dom.blockJobAbort(target, 0);
                    } catch (LibvirtException e) {
                        log.debug("aborting block copy of {}: {}", domain, message(e));
                    }
                    try {
                        run(Duration.ofSeconds(30), null, "rm", "-f", "--", destPath);
                    } catch (RuntimeException e) {
                        log.warn("cannot remove partial disk copy {}: {}", destPath, e.toString());
                    }
                }
            }
            return true;
        }, false);
        if (!found) {
            throw new AntriebException("domain " + domain + " is not running: its disk could not be copied");
        }
    }

    /**
     * Saves a running domain's memory and device state into {@code path} on the libvirt host; the domain is
     * stopped afterwards (libvirt's managed-by-caller save, {@code virsh save}).
     */
    public void saveDomain(String name, String path) {
        boolean found = withObject("save domain " + name, false, c -> c.domainLookupByName(name), Domain::free, dom -> {
            dom.save(path);
            return true;
        }, false);
        if (!found) {
            throw new AntriebException("domain " + name + " is not running: it could not be saved");
        }
    }

    /** Starts the domain saved in {@code path} on the libvirt host ({@code virsh restore}); running once this returns. */
    public void restoreDomain(String path) {
        call("restore domain from " + path, false, c -> {
            c.restore(path);
            return null;
        });
    }

    /**
     * The definition of a running domain as it would be created again ({@code virsh dumpxml --inactive}: no
     * runtime state), or null when there is no such domain.
     */
    public String domainDefinition(String name) {
        return withObject("read domain " + name, true, c -> c.domainLookupByName(name), Domain::free,
                dom -> dom.getXMLDesc(Domain.XMLFlags.INACTIVE), null);
    }

    /** The live XML of a running domain (device aliases included), or null when there is none. */
    public String liveDomainXml(String name) {
        return withObject("read domain " + name, true, c -> c.domainLookupByName(name), Domain::free, dom -> dom.getXMLDesc(0), null);
    }

    /**
     * Sends one QMP command to a running domain's QEMU ({@code virsh qemu-monitor-command}) and returns the reply.
     *
     * @throws AntriebException when there is no such domain or QEMU answers with an error
     */
    public String qemuMonitor(String name, String json) {
        String reply = withObject("send a monitor command to domain " + name, false, c -> c.domainLookupByName(name), Domain::free,
                dom -> dom.qemuMonitorCommand(json, 0), null);
        if (reply == null) {
            throw new AntriebException("domain " + name + " is not running: no monitor command can reach it");
        }
        if (reply.contains("\"error\"")) {
            throw new AntriebException("QEMU of domain " + name + " refused " + json + ": " + reply);
        }
        return reply;
    }

    /** Pauses a running domain ({@code virsh suspend}). */
    public void suspendDomain(String name) {
        boolean found = withObject("suspend domain " + name, true, c -> c.domainLookupByName(name), Domain::free, dom -> {
            if (dom.getInfo().state != org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
                dom.suspend();
            }
            return true;
        }, false);
        if (!found) {
            throw new AntriebException("domain " + name + " is not running: it could not be paused");
        }
    }

    /** Resumes a paused domain ({@code virsh resume}). */
    public void resumeDomain(String name) {
        boolean found = withObject("resume domain " + name, true, c -> c.domainLookupByName(name), Domain::free, dom -> {
            if (dom.getInfo().state == org.libvirt.DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
                dom.resume();
            }
            return true;
        }, false);
        if (!found) {
            throw new AntriebException("domain " + name + " is not running: it could not be resumed");
        }
    }

    /** Whether a domain of that name is running. */
    public boolean isDomainActive(String name) {
        return withObject("look up domain " + name, true, c -> c.domainLookupByName(name), Domain::free,
                dom -> dom.isActive() == 1, false);
    }

    /** Names of all domains, running or defined. */
    public List<String> domains() {
        return call("list domains", c -> {
            List<String> names = new ArrayList<>();
            for (Domain d : c.listAllDomains(0)) {
                try {
                    names.add(d.getName());
                } finally {
                    d.free();
                }
            }
            return names;
        });
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(conn);
        link.close();
    }

    // ---- error wrapping ------------------------------------------------------------------------------

    @FunctionalInterface
    interface LibvirtCall<A, T> {
        T apply(A a) throws LibvirtException;
    }

    private static final List<String> LOST = List.of("client socket is closed", "end of file while reading", "cannot recv data",
            "cannot write data", "connection closed", "broken pipe", "connection reset", "keepalive", "no connection driver");

    /** Whether {@code e} from a call on {@code c} means the connection is gone (not that the operation failed). */
    private boolean isConnectionLoss(LibvirtException e, Connect c) {
        if (lost == c || closed) {
            return true;
        }
        org.libvirt.Error err = e.getError();
        if (err != null) {
            org.libvirt.Error.ErrorNumber code = err.getCode();
            if (code == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_CONNECT || code == org.libvirt.Error.ErrorNumber.VIR_ERR_INVALID_CONN
                    || code == org.libvirt.Error.ErrorNumber.VIR_ERR_RPC) {
                return true;
            }
            String m = String.valueOf(err.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (LOST.stream().anyMatch(m::contains)) {
                return true;
            }
        }
        try {
            return !c.isAlive();
        } catch (LibvirtException | RuntimeException dead) {
            return true;
        }
    }

    /** A call that may be repeated after a reconnect: a read, or one whose repetition does no harm. */
    private <T> T call(String what, LibvirtCall<Connect, T> body) {
        return call(what, true, body);
    }

    /**
     * Runs {@code body} on the live connection. When the connection turns out lost, it is re-opened (waiting up
     * to the reconnect timeout) and, with {@code retry}, the call runs once more; without (a create, whose first
     * attempt may have half happened) the caller gets a {@link HostUnavailableException} saying so.
     */
    private <T> T call(String what, boolean retry, LibvirtCall<Connect, T> body) {
        for (int attempt = 0; ; attempt++) {
            Connect c = connection(what);
            try {
                return body.apply(c);
            } catch (LibvirtException e) {
                if (!isConnectionLoss(e, c)) {
                    throw new AntriebException("libvirt could not " + what + " on " + uri + ": " + message(e), e);
                }
                if (lost != c && conn == c) {
                    log.warn("libvirt connection to {} lost during '{}': {}", uri, what, message(e));
                    lost = c;
                }
                if (!retry || attempt > 0) {
                    connection(what); // re-opened for whoever comes next, or HostUnavailableException
                    throw new HostUnavailableException("the connection to libvirt at " + uri + " was lost while Antrieb was to " + what
                            + " (" + message(e) + "); the client has re-opened it, but does not repeat that step (it may have"
                            + " half happened): retry the call", e);
                }
            }
        }
    }

    /** The libvirt error text of an exception. */
    public static String message(LibvirtException e) {
        return e.getError() != null && e.getError().getMessage() != null ? e.getError().getMessage() : String.valueOf(e.getMessage());
    }
}
