package sh.antrieb.internal;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * How the JVM reaches a TCP port on a guest's control address. A guest's control network is a bridge on the
 * libvirt host, so from another machine it is reached through that host ({@link HostJump}); on the host itself
 * it is reached directly ({@link #DIRECT}). Guest host keys are checked the same way on either route: the route
 * only carries bytes.
 */
public interface GuestRoute extends AutoCloseable {

    /** The guest's address as it is: the JVM runs on the libvirt host. */
    GuestRoute DIRECT = new GuestRoute() {
        @Override
        public Hop open(String address, int port) {
            return new Hop(new InetSocketAddress(address, port), () -> { });
        }

        @Override
        public String toString() {
            return "direct";
        }
    };

    /**
     * A socket address on this machine that leads to {@code address:port} on the host's side, held until
     * {@link Hop#close()}.
     *
     * @throws IOException when the way to the host is down (the host does not answer)
     */
    Hop open(String address, int port) throws IOException;

    /** Ends the route (a host session, if there is one); hops opened on it stop working. */
    @Override
    default void close() {
    }

    /** A connectable address and what to release when the connection through it ends. */
    record Hop(InetSocketAddress address, Releaser releaser) implements AutoCloseable {
        @Override
        public void close() {
            releaser.release();
        }
    }

    /** Releases a hop; never throws. */
    @FunctionalInterface
    interface Releaser {
        void release();
    }
}
