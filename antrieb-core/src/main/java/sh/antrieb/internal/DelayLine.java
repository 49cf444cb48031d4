package sh.antrieb.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.AntriebException;
import sh.antrieb.Link;

/**
 * A delay for one NIC on a host whose kernel has no netem: QEMU's own network filters take every frame its TAP
 * hands to the guest's NIC ({@code filter-redirector}, queue {@code tx}, to a socket chardev), this JVM holds
 * each for the link's latency (plus or minus up to its jitter, in order) and gives it back through a second
 * chardev and redirector that passes it on to the NIC. Set up and removed through libvirt's QEMU monitor
 * passthrough (which marks the domain tainted in libvirt's log). The frames cross 127.0.0.1, so it works only
 * where QEMU runs on this machine; when this JVM dies the NIC receives nothing more, and libvirtd destroys the
 * VM with the client's connection anyway (a warm-started one goes at its deadline or the next sweep).
 */
final class DelayLine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DelayLine.class);
    /** Frames held at most (netem's default limit is 1000); beyond, new ones are dropped like a full queue. */
    static final int LIMIT = 10_000;
    private static final int MAX_FRAME = 1 << 20;
    private static final Pattern INTERFACE = Pattern.compile("<interface\\b.*?</interface>", Pattern.DOTALL);

    private final LibvirtHost host;
    private final String domain;
    private final String id;
    private final Link link;
    private final ServerSocket server;
    private final Socket take;
    private final Socket give;
    private final ArrayDeque<long[]> due = new ArrayDeque<>();
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private volatile boolean closed;
    private long lastDue;
    private long dropped;

    private DelayLine(LibvirtHost host, String domain, String id, Link link, ServerSocket server, Socket take, Socket give) {
        this.host = host;
        this.domain = domain;
        this.id = id;
        this.link = link;
        this.server = server;
        this.take = take;
        this.give = give;
    }

    /** The QEMU netdev id of the NIC on {@code tap} in a running domain's XML ({@code hostnet<N>} of alias {@code net<N>}). */
    static String netdevOf(String liveXml, String tap) {
        Matcher m = INTERFACE.matcher(liveXml);
        while (m.find()) {
            String nic = m.group();
            if (nic.contains("<target dev='" + tap + "'")) {
                Matcher alias = Pattern.compile("<alias name='([^']+)'").matcher(nic);
                if (alias.find()) {
                    return "host" + alias.group(1);
                }
            }
        }
        throw new AntriebException("the running domain has no NIC on TAP " + tap + " (or libvirt names it without an alias)");
    }

    /** The QMP commands that plug a delay line's chardevs ({@code port}) and filters into {@code netdev}. */
    static String[] plugCommands(String id, String netdev, int port) {
        String socket = "{\"type\":\"socket\",\"data\":{\"addr\":{\"type\":\"inet\",\"data\":{\"host\":\"127.0.0.1\",\"port\":\""
                + port + "\"}},\"server\":false}}";
        return new String[] {
            "{\"execute\":\"chardev-add\",\"arguments\":{\"id\":\"" + id + "-take\",\"backend\":" + socket + "}}",
            "{\"execute\":\"chardev-add\",\"arguments\":{\"id\":\"" + id + "-give\",\"backend\":" + socket + "}}",
            // In this order: filters see a frame the TAP sends in the order they were added, and one given back
            // goes on from the filter after the giver, so the taker never sees it twice.
            "{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":\"filter-redirector\",\"id\":\"" + id
                    + "-taker\",\"netdev\":\"" + netdev + "\",\"queue\":\"tx\",\"outdev\":\"" + id + "-take\"}}",
            "{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":\"filter-redirector\",\"id\":\"" + id
                    + "-giver\",\"netdev\":\"" + netdev + "\",\"queue\":\"tx\",\"indev\":\"" + id + "-give\"}}",
        };
    }

    /** The QMP commands that unplug it again, filters first. */
    static String[] unplugCommands(String id) {
        return new String[] {
            "{\"execute\":\"object-del\",\"arguments\":{\"id\":\"" + id + "-taker\"}}",
            "{\"execute\":\"object-del\",\"arguments\":{\"id\":\"" + id + "-giver\"}}",
            "{\"execute\":\"chardev-remove\",\"arguments\":{\"id\":\"" + id + "-take\"}}",
            "{\"execute\":\"chardev-remove\",\"arguments\":{\"id\":\"" + id + "-give\"}}",
        };
    }

    /** Delays what the NIC on {@code tap} of running {@code domain} receives by {@code link}. */
    static DelayLine open(LibvirtHost host, String domain, String tap, Link link) {
        String netdev = netdevOf(host.liveDomainXml(domain), tap);
        String id = "antrieb-delay-" + tap;
        ServerSocket server = null;
        Socket take = null;
        Socket give = null;
        int plugged = 0;
        try {
            server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
            server.setSoTimeout(10_000);
            String[] plug = plugCommands(id, netdev, server.getLocalPort());
            // QEMU connects while chardev-add runs; the kernel queues the connection until it is accepted.
            host.qemuMonitor(domain, plug[0]);
            plugged++;
            take = server.accept();
            host.qemuMonitor(domain, plug[1]);
            plugged++;
            give = server.accept();
            host.qemuMonitor(domain, plug[2]);
            plugged++;
            host.qemuMonitor(domain, plug[3]);
            plugged++;
            DelayLine line = new DelayLine(host, domain, id, link, server, take, give);
            line.start();
            log.debug("{}: delay line on {} ({}) for {}", domain, tap, netdev, link.describe());
            return line;
        } catch (IOException | RuntimeException e) {
            if (plugged > 0) {
                unplug(host, domain, id);
            }
            closeQuietly(take);
            closeQuietly(give);
            closeQuietly(server);
            if (e instanceof AntriebException a) {
                throw a;
            }
            throw new AntriebException("cannot delay " + tap + " of " + domain + " through QEMU's network filters: " + e, e);
        }
    }

    /** A relay between sockets already connected, with no QEMU behind it (tests). */
    static DelayLine relay(String id, Link link, ServerSocket server, Socket take, Socket give) {
        DelayLine line = new DelayLine(null, "test", id, link, server, take, give);
        line.start();
        return line;
    }

    private void start() {
        Thread reader = new Thread(this::takeFrames, "antrieb-delay-take-" + id);
        Thread writer = new Thread(this::giveFrames, "antrieb-delay-give-" + id);
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    /** Reads frames as QEMU's redirector sends them (4-byte big-endian length, then the frame) and queues them. */
    private void takeFrames() {
        long latency = link.latency().toNanos();
        long jitter = link.jitter().toNanos();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(take.getInputStream()))) {
            while (!closed) {
                int len = in.readInt();
                if (len <= 0 || len > MAX_FRAME) {
                    throw new IOException("frame length " + len);
                }
                byte[] frame = new byte[len];
                in.readFully(frame);
                long d = latency + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
                synchronized (this) {
                    if (frames.size() >= LIMIT) {
                        dropped++;
                        continue;
                    }
                    // In order, like a link: never before the frame ahead of it.
                    lastDue = Math.max(lastDue, System.nanoTime() + d);
                    due.add(new long[] {lastDue});
                    frames.add(frame);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            if (!closed) {
                log.debug("{}: delay line {} ended: {}", domain, id, e.toString());
            }
        } finally {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
        }
    }

    /** Gives each frame back once it is due. */
    private void giveFrames() {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(give.getOutputStream()))) {
            while (true) {
                byte[] frame;
                synchronized (this) {
                    while (!closed && (due.isEmpty() || due.peek()[0] > System.nanoTime())) {
                        long wait = due.isEmpty() ? 1_000_000_000L : due.peek()[0] - System.nanoTime();
                        wait(Math.max(1, wait / 1_000_000), (int) Math.max(0, wait % 1_000_000));
                    }
                    if (closed) {
                        return;
                    }
                    due.poll();
                    frame = frames.poll();
                }
                out.writeInt(frame.length);
                out.write(frame);
                synchronized (this) {
                    if (due.isEmpty() || due.peek()[0] > System.nanoTime()) {
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            if (!closed) {
                log.debug("{}: delay line {} ended: {}", domain, id, e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Unplugs the filters (frames flow directly again) and stops; frames still held are dropped. */
    @Override
    public void close() {
        close(true);
    }

    /** Stops; with {@code unplug} the filters are taken out of QEMU first (without: QEMU is gone anyway). */
    void close(boolean unplug) {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        if (unplug) {
            unplug(host, domain, id);
        }
        closeQuietly(take);
        closeQuietly(give);
        closeQuietly(server);
        if (dropped > 0) {
            log.debug("{}: delay line {} dropped {} frame(s) over its limit", domain, id, dropped);
        }
    }

    private static void unplug(LibvirtHost host, String domain, String id) {
        for (String cmd : unplugCommands(id)) {
            try {
                host.qemuMonitor(domain, cmd);
            } catch (RuntimeException e) {
                log.debug("{}: {}: {}", domain, cmd, e.getMessage());
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing", e);
            }
        }
    }
}
