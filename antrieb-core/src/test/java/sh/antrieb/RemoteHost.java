package sh.antrieb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * This machine seen as a <em>remote</em> libvirt host, reached only over SSH: the test resource
 * {@code remote-host.sh} (see its header) makes a network namespace joined to the host by a veth pair and a
 * dedicated sshd on the host's end. A process started with {@link #command} runs as the client: in that
 * namespace (no route but to the host's veth address), with {@code /var/lib/libvirt}, {@code /var/log/libvirt}
 * and {@code /run/libvirt} hidden, and with {@code ssh} using a generated key and a known_hosts that pins the
 * sshd's host key, so {@link #uri()} is the only way to this machine's libvirtd. Needs root.
 */
final class RemoteHost implements AutoCloseable {
    private static Path script;

    private final String name;
    private final String uri;
    private final String address;

    private RemoteHost(String name, String uri, String address) {
        this.name = name;
        this.uri = uri;
        this.address = address;
    }

    /** Brings up the remote host {@code name} (1-10 lower-case letters and digits; names the netns). */
    static RemoteHost up(String name) throws IOException, InterruptedException {
        run("up", name);
        try {
            return new RemoteHost(name, run("uri", name).strip(), run("addr", name).strip());
        } catch (IOException | InterruptedException | RuntimeException e) {
            run("down", name);
            throw e;
        }
    }

    /** The libvirt URI a client in the namespace connects with, {@code qemu+ssh://root@10.254.N.1/system}. */
    String uri() {
        return uri;
    }

    /** The name of the host's network namespace (where its client runs). */
    String name() {
        return name;
    }

    /** The host's address on the veth pair (where its sshd listens). */
    String address() {
        return address;
    }

    /** The client's private key (ed25519), for an SSH client that is not OpenSSH. */
    Path keyFile() {
        return Path.of("/run/antrieb-remote", name, "client", "id_ed25519");
    }

    /** known_hosts with the host's key, for an SSH client that is not OpenSSH. */
    Path knownHosts() {
        return Path.of("/run/antrieb-remote", name, "client", "known_hosts");
    }

    /** The argv that runs {@code cmd} as the client; the started process is {@code cmd} itself (same pid). */
    List<String> command(List<String> cmd) {
        List<String> argv = new ArrayList<>(List.of("bash", script().toString(), "run", name, "--"));
        argv.addAll(cmd);
        return argv;
    }

    /**
     * The argv that runs {@code cmd} on this machine's network and libvirt, with only OpenSSH told this host's key
     * and the client key: a client of both the local host and this one (a pool). Same pid as {@code cmd}.
     */
    List<String> localCommand(List<String> cmd) {
        List<String> argv = new ArrayList<>(List.of("bash", script().toString(), "client", name, "--"));
        argv.addAll(cmd);
        return argv;
    }

    /** The host stops answering: its SSH traffic is dropped silently (open connections hang, new ones time out). */
    void cut() throws IOException, InterruptedException {
        run("cut", name);
    }

    /** Undoes {@link #cut()}. */
    void restore() throws IOException, InterruptedException {
        run("restore", name);
    }

    /** Removes the namespace, veth pair, sshd and state; what still runs in the namespace is killed. */
    @Override
    public void close() throws IOException, InterruptedException {
        run("down", name);
    }

    private static String run(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("bash", script().toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("remote-host.sh " + String.join(" ", args) + " failed: " + out.strip());
        }
        return out.lines().filter(l -> !l.startsWith("[remote-host.sh]")).reduce("", (a, b) -> a + b + "\n");
    }

    /** The script, copied out of the test resources once per JVM (it may sit in a jar). */
    private static synchronized Path script() {
        if (script == null) {
            try (InputStream in = RemoteHost.class.getResourceAsStream("/remote-host.sh")) {
                if (in == null) {
                    throw new IllegalStateException("remote-host.sh is not on the test classpath");
                }
                Path tmp = Files.createTempFile("remote-host", ".sh");
                tmp.toFile().deleteOnExit();
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                script = tmp;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return script;
    }
}
