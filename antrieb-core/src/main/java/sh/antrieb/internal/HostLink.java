package sh.antrieb.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * How the JVM reaches one libvirt host besides libvirt's own connection: its guests' control addresses
 * ({@link GuestRoute}) and a shell for host commands ({@link HostShell}). A host on this machine is reached
 * directly ({@link #LOCAL}); a remote one through one SSH session to it ({@link HostJump}). That is the only
 * difference between a local and a remote host.
 */
public interface HostLink extends GuestRoute, HostShell {

    /** This machine: guests reached at their own addresses, commands run as processes here. */
    HostLink LOCAL = new HostLink() {
        @Override
        public Hop open(String address, int port) throws IOException {
            return GuestRoute.DIRECT.open(address, port);
        }

        @Override
        public Result run(List<String> argv, String stdin, Duration timeout) throws IOException {
            return HostShell.LOCAL.run(argv, stdin, timeout);
        }

        @Override
        public String where() {
            return HostShell.LOCAL.where();
        }

        @Override
        public String toString() {
            return "direct";
        }
    };
}
