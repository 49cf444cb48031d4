package sh.antrieb.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.ExecResult;

/**
 * The control connection to one node: an SSH session over the cluster's control network, opened
 * lazily and reopened after the guest reboots. Many commands may run over it at once.
 *
 * <p>Commands go through the node's {@link ExecAgent} once it runs on the current session (it is
 * started in the background by {@link #prepareAgent()} and after every reconnect); until then, or if
 * it cannot start, each command gets its own SSH exec channel.
 */
public final class NodeChannel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeChannel.class);
    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Opening a channel on an authenticated session: sshd forks the session and runs its PAM session, which on a
     * Debian server registers with logind and, for the first session, starts root's systemd user manager. Under
     * emulation on a busy host that takes more than the seconds a new connection is given.
     */
    private static final Duration CHANNEL_OPEN_TIMEOUT = Duration.ofSeconds(60);
    /** TCP connect timeout of readiness probes: short, so a node that just got its address is seen soon. */
    private static final Duration CONNECT_PROBE_TIMEOUT = Duration.ofMillis(1000);
    private static final Duration AGENT_START_TIMEOUT = Duration.ofSeconds(60);
    /** Where a warm-start copy's exec agent listens (started in its template; see {@link WarmStart#ARM}). */
    static final String AGENT_SOCKET = "/run/antrieb/exec-agent.sock";
    /** A listening agent forks and says hello at once; this is only for a guest busy with something else. */
    private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(20);
    /** After a timeout kill, how long to wait for the last output of the command. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private final String node;
    private final String address;
    private final PublicKey hostKey;
    private final KeyPair identity;
    private final SshTransport transport;
    private final long outputLimit;
    /** The node's own variables, which every command gets: the exec agent's bash processes start with them. */
    private final Map<String, String> baseEnv;
    private ClientSession session;
    private boolean closed;
    private ExecAgent agent;
    /** The session an agent was last started (or tried) on: one attempt per session. */
    private ClientSession agentTriedOn;
    private boolean agentAllowed = true;

    public NodeChannel(String node, String address, PublicKey hostKey, KeyPair identity, SshTransport transport, long outputLimit,
                       Map<String, String> baseEnv) {
        this.node = node;
        this.address = address;
        this.hostKey = hostKey;
        this.identity = identity;
        this.transport = transport;
        this.outputLimit = outputLimit;
        this.baseEnv = Map.copyOf(baseEnv);
    }

    /** The node's control address. */
    public String address() {
        return address;
    }

    /** One attempt to connect, for readiness checks; true when an authenticated session is open. */
    public boolean tryConnect(Duration timeout) {
        try {
            session(CONNECT_PROBE_TIMEOUT, timeout);
            return true;
        } catch (IOException e) {
            log.debug("{} not ready yet: {}", node, e.toString());
            return false;
        }
    }

    private ClientSession session(Duration timeout) throws IOException {
        return session(timeout, timeout);
    }

    private synchronized ClientSession session(Duration connectTimeout, Duration authTimeout) throws IOException {
        if (closed) {
            throw new IOException("control connection of " + node + " is closed");
        }
        if (session == null || session.isClosing() || session.isClosed()) {
            session = transport.connect(address, 22, hostKey, identity, connectTimeout, authTimeout);
        }
        return session;
    }

    /** Commands go over one SSH channel each from now on: no exec agent is started (a warm-start template's node). */
    synchronized void disableAgent() {
        agentAllowed = false;
    }

    /** Starts the exec agent in the background if the current session has none; never blocks for long. */
    public void prepareAgent() {
        try {
            agent(session(RECONNECT_TIMEOUT));
        } catch (IOException e) {
            log.debug("{}: no session for the exec agent yet: {}", node, e.toString());
        }
    }

    /** Waits until commands go through the exec agent; false if it is not running after {@code timeout}. */
    boolean awaitAgent(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            prepareAgent();
            synchronized (this) {
                if (agent != null && agent.isOpen() && agent.session() == session) {
                    return true;
                }
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** The running agent of {@code s}, or null (and its start is kicked off once per session). */
    private synchronized ExecAgent agent(ClientSession s) {
        if (!agentAllowed) {
            return null;
        }
        if (agent != null && agent.session() == s && agent.isOpen()) {
            return agent;
        }
        if (agentTriedOn != s && !closed) {
            agentTriedOn = s;
            Thread t = new Thread(() -> startAgent(s), "antrieb-agent-" + node);
            t.setDaemon(true);
            t.start();
        }
        return null;
    }

    /**
     * Makes commands go through an exec agent now, on the current session, if one listens on the node (a
     * warm-start copy's, started in its template): true when it does; otherwise one is started in the
     * background as usual. Costs a channel open and a hello, tens of milliseconds.
     */
    public boolean attachAgent() {
        ClientSession s;
        synchronized (this) {
            if (!agentAllowed || closed) {
                return false;
            }
            if (agent != null && agent.isOpen() && agent.session() == session && session != null) {
                return true;
            }
        }
        try {
            s = session(RECONNECT_TIMEOUT);
        } catch (IOException e) {
            log.debug("{}: no session for the exec agent yet: {}", node, e.toString());
            return false;
        }
        synchronized (this) {
            if (agentTriedOn == s) {
                return agent != null && agent.session() == s && agent.isOpen();
            }
            agentTriedOn = s;
        }
        long t0 = System.nanoTime();
        ExecAgent a = tryAttach(s);
        if (a != null && adopt(a, s)) {
            log.debug("{}: exec agent attached after {} ms", node, (System.nanoTime() - t0) / 1_000_000);
            return true;
        }
        Thread t = new Thread(() -> startAgent(s), "antrieb-agent-" + node);
        t.setDaemon(true);
        t.start();
        return false;
    }

    /** The agent listening on the node's socket, reached over {@code s}; null when none listens there. */
    private ExecAgent tryAttach(ClientSession s) {
        try {
            return ExecAgent.attach(node, s, AGENT_SOCKET, outputLimit, baseEnv, ATTACH_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            log.debug("{}: no exec agent listening ({})", node, e.toString());
            return null;
        }
    }

    /** Makes {@code a} the agent of session {@code s}; false (and {@code a} closed) if that session is gone. */
    private synchronized boolean adopt(ExecAgent a, ClientSession s) {
        if (closed || session != s) {
            a.close();
            return false;
        }
        if (agent != null) {
            agent.close();
        }
        agent = a;
        return true;
    }

    private void startAgent(ClientSession s) {
        long t0 = System.nanoTime();
        try {
            ExecAgent a = tryAttach(s);
            if (a == null) {
                a = ExecAgent.start(node, s, outputLimit, baseEnv, AGENT_START_TIMEOUT);
            }
            synchronized (this) {
                if (closed || session != s) {
                    a.close();
                    return;
                }
                if (agent != null) {
                    agent.close();
                }
                agent = a;
            }
            log.debug("{}: exec agent ready after {} ms", node, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                if (closed || session != s) {
                    log.debug("{}: exec agent start abandoned ({})", node, e.toString());
                    return;
                }
            }
            log.warn("{}: exec agent did not start ({}); commands use one SSH channel each", node, e.toString());
        }
    }

    /**
     * The agent's channel ended under a command. When the session went with it (a reboot), the next command
     * reconnects and starts a new agent; when only the agent died, this session keeps using plain channels.
     *
     * @return whether the session was lost too
     */
    private boolean agentFailed(ExecAgent a, ClientSession s) {
        synchronized (this) {
            if (agent == a) {
                agent = null;
            }
        }
        a.close();
        if (s.isClosing() || s.isClosed()) {
            dropSession(s);
            return true;
        }
        log.warn("{}: the exec agent ended while the session stayed up; commands use one SSH channel each", node);
        return false;
    }

    private synchronized void dropSession(ClientSession broken) {
        if (session == broken) {
            session = null;
        }
        broken.close(true);
    }

    /**
     * Runs a command. {@code env} goes into the command's environment through SSH env requests;
     * the result's command text is {@code displayCommand}.
     */
    public ExecResult exec(String command, Map<String, String> env, Duration timeout) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        ClientSession s;
        try {
            s = session(RECONNECT_TIMEOUT);
        } catch (IOException e) {
            return unreachable(command, started, t0, e);
        }
        String execId = UUID.randomUUID().toString().replace("-", "");
        Map<String, String> fullEnv = new LinkedHashMap<>(env);
        fullEnv.put("ANTRIEB_EXEC_ID", execId);
        ExecAgent a = agent(s);
        if (a != null) {
            return execViaAgent(a, s, command, fullEnv, timeout, started, t0);
        }
        // The shell's pid is its session id (sshd calls setsid), so a timeout can kill exactly this command's
        // process group, sparing what it started with `setsid`. Same line, so the user's line numbers hold.
        String wrapped = "echo $$ >/run/antrieb-exec-$ANTRIEB_EXEC_ID; trap 'rm -f /run/antrieb-exec-$ANTRIEB_EXEC_ID' EXIT; " + command;
        BoundedOutput out = new BoundedOutput(outputLimit);
        BoundedOutput err = new BoundedOutput(outputLimit);
        ChannelExec ch = null;
        try {
            ch = s.createExecChannel(wrapped, StandardCharsets.UTF_8, null, fullEnv);
            ch.setIn(new ByteArrayInputStream(new byte[0]));
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(CHANNEL_OPEN_TIMEOUT);
            Set<ClientChannelEvent> events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout.toMillis());
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                kill(s, execId);
                ch.close(true);
                return timedOut(command, out, err, timeout, started, t0, ExecResult.Transport.CHANNEL);
            }
            Integer status = ch.getExitStatus();
            if (status == null) {
                String signal = ch.getExitSignal();
                if (signal != null) {
                    return new ExecResult(node, command, 128 + signalNumber(signal), out.text(),
                            err.text() + "[antrieb: command killed by signal " + signal + "]\n", started, elapsed(t0), false, ExecResult.Transport.CHANNEL);
                }
                dropSession(s);
                return new ExecResult(node, command, -1, out.text(), err.text()
                        + "[antrieb: connection to " + node + " was lost before the command finished (is it rebooting?)]\n",
                        started, elapsed(t0), false, ExecResult.Transport.CHANNEL);
            }
            return new ExecResult(node, command, status, out.text(), err.text(), started, elapsed(t0), false, ExecResult.Transport.CHANNEL);
        } catch (IOException e) {
            dropSession(s);
            return unreachable(command, started, t0, e);
        } finally {
            if (ch != null) {
                ch.close(false);
            }
        }
    }

    private ExecResult execViaAgent(ExecAgent a, ClientSession s, String command, Map<String, String> env, Duration timeout,
                                    Instant started, long t0) {
        ExecAgent.Pending p;
        try {
            p = a.submit(command, env);
        } catch (IOException e) {
            agentFailed(a, s);
            return unreachable(command, started, t0, e);
        }
        ExecAgent.Exit x;
        try {
            x = p.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            try {
                a.kill(p.id());
                p.done().get(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (IOException | ExecutionException | TimeoutException k) {
                log.warn("could not confirm the kill of a timed-out command on {}: {}", node, k.toString());
            } catch (InterruptedException k) {
                Thread.currentThread().interrupt();
            }
            return timedOut(command, p.out(), p.err(), timeout, started, t0, ExecResult.Transport.AGENT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                a.kill(p.id());
            } catch (IOException k) {
                log.warn("could not kill an interrupted command on {}: {}", node, k.toString());
            }
            return new ExecResult(node, command, -1, p.out().text(), p.err().text() + "[antrieb: interrupted]\n", started, elapsed(t0), false, ExecResult.Transport.AGENT);
        } catch (ExecutionException e) {
            boolean sessionLost = agentFailed(a, s);
            return new ExecResult(node, command, -1, p.out().text(), p.err().text() + (sessionLost
                    ? "[antrieb: connection to " + node + " was lost before the command finished (is it rebooting?)]\n"
                    : "[antrieb: the exec agent on " + node + " ended before the command finished, which may still run; "
                            + "later commands run over one SSH channel each]\n"),
                    started, elapsed(t0), false, ExecResult.Transport.AGENT);
        }
        if (!x.signal().isEmpty()) {
            return new ExecResult(node, command, 128 + signalNumber(x.signal()), p.out().text(),
                    p.err().text() + "[antrieb: command killed by signal " + x.signal() + "]\n", started, elapsed(t0), false, ExecResult.Transport.AGENT);
        }
        return new ExecResult(node, command, x.code(), p.out().text(), p.err().text(), started, elapsed(t0), false, ExecResult.Transport.AGENT);
    }

    private ExecResult timedOut(String command, BoundedOutput out, BoundedOutput err, Duration timeout, Instant started, long t0,
                                ExecResult.Transport transport) {
        return new ExecResult(node, command, -1, out.text(),
                err.text() + "\n[antrieb: command timed out after " + timeout.toSeconds() + " s on " + node
                        + "; its processes were killed. Raise the timeout, or start long work in the background with `nohup setsid ... &`]\n",
                started, elapsed(t0), true, transport);
    }

    private void kill(ClientSession s, String execId) {
        String cmd = "f=/run/antrieb-exec-" + execId + "; [ -f $f ] && kill -KILL -- -$(cat $f); rm -f $f";
        try (ChannelExec k = s.createExecChannel(cmd)) {
            k.open().verify(CHANNEL_OPEN_TIMEOUT);
            k.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), RECONNECT_TIMEOUT.toMillis());
        } catch (IOException e) {
            log.warn("could not kill timed-out command on {}: {}", node, e.toString());
        }
    }

    private ExecResult unreachable(String command, Instant started, long t0, IOException e) {
        return new ExecResult(node, command, -1, "", "[antrieb: " + node + " is not reachable over its control connection ("
                + e.getMessage() + "); if it is rebooting, retry in a few seconds]\n", started, elapsed(t0), false);
    }

    private static Duration elapsed(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static int signalNumber(String signal) {
        return switch (signal) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "ABRT" -> 6;
            case "KILL" -> 9;
            case "SEGV" -> 11;
            case "PIPE" -> 13;
            case "ALRM" -> 14;
            default -> 15;
        };
    }

    /**
     * Drops the session and its exec agent (commands running over them end with exit code -1), keeping the
     * channel usable: the next command connects again. For a node whose VM was just powered off, whose session
     * would otherwise wait for TCP to give up.
     */
    public synchronized void reset() {
        dropSession();
        agentTriedOn = null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        dropSession();
    }

    /** Closes the exec agent and the session at once (what runs over them ends with exit code -1). */
    private synchronized void dropSession() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
        if (session != null) {
            session.close(true);
            session = null;
        }
    }
}
