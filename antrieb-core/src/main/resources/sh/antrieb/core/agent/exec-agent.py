# Antrieb exec agent: runs commands for the library over one long-lived SSH exec channel, so a command
# costs neither a new SSH channel nor sshd's per-channel fork and set-up. Started by the library as
#   python3 -S -I -c '<this file>' OUTPUT_LIMIT
# in root's SSH session (it inherits that session's environment: PATH, HOME, LANG, SSH_CLIENT ...), or, in a
# warm-start template, started once before the template is saved as
#   python3 -S -I -c '<this file>' --listen SOCKET ENV_FILE
# a listener on a Unix socket (mode 0600, root's) that every restored copy of the template has running already:
# the library reaches it over its SSH connection with a direct-streamlocal channel, which sshd serves without a
# fork, a PAM session or a new process, so the first command after provisioning costs what any later one does.
# Each connection gets a forked agent of its own, with the environment an SSH session of root had when the
# template was armed (ENV_FILE, NUL-separated, less what differs per session or node: the library sends the
# node's variables and SSH_CLIENT/SSH_CONNECTION), moved into the logind session of the sshd process that
# connected (its cgroup, XDG_SESSION_ID), as a command on its own SSH channel would be.
#
# Each command runs in its own bash ("bash -c" semantics: $$ is its own pid, fresh state, ~/.bashrc sourced
# like sshd's bash does), in its own session and process group, stdin /dev/null. Starting a bash is most of
# what a command costs under emulation, so a few are started ahead at idle CPU priority; each one waits for
# exactly one command and gets normal priority when it gets it. The image's statically linked build of the
# same bash (bash-static) is used where present: it starts ~4x faster under emulation.
#
# Everything the agent does runs on the guest's (emulated) CPU, so it does little per command:
# - the library sends the node's own variables once (the B frame); they go into every bash's environment
#   when it starts, and a request carries only the command and the variables that differ, as bash source
#   the library wrote (exports, then the command), which the agent hands over unread;
# - replacement shells are started when the agent has nothing else to do, not while a command's exit is
#   due (posix_spawn blocks the agent for the exec of bash);
# - the agent runs as SCHED_BATCH, so the end of a command (stdout closed, stderr closed, process gone) does
#   not wake it up three times while the bash exits: it sees all of it at once, and watches the process
#   itself (a pidfd) only when the pipes closed before the process ended;
# - the frames of one loop pass go out in one write.
#
# Frames, both ways: type (1 byte), id (4 bytes BE), length (4 bytes BE), payload.
#   in:  b"L" limit (listener only, before B) payload: output limit per stream (8 bytes BE)
#        b"B" base  (first frame, once) payload: variable count (4), then per variable: len+name, len+value
#        b"R" run   payload: the request, bash source: "export NAME='value'" / "unset -v NAME" lines, then
#                   __antrieb_c='command'
#        b"K" kill  kill the command's process group (SIGKILL); its exit frame follows
#   out: b"H" hello (once, after the magic line), b"O" stdout bytes, b"E" stderr bytes,
#        b"X" exit  payload: exit code (4, signed, -1 if none), dropped stdout bytes (8), dropped stderr bytes (8),
#                           signal name (rest, empty if none)
import os, sys, struct, select, signal, time

LISTEN = len(sys.argv) > 3 and sys.argv[1] == "--listen"
LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 and not LISTEN else 16 << 20
WARM = 2
# A command that has run this long (s) is not a short one: replacement shells need not wait for its end.
SETTLE = 0.05
# After a bash could not be started, the next try (between commands) waits this long (s).
RETRY = 1.0
BASH = "/bin/bash-static" if os.access("/bin/bash-static", os.X_OK) else "/bin/bash"
# The request comes through a pipe on fd 3, never a file: it may hold the caller's secret variables.
BOOT = ('. /dev/fd/3; exec 3<&-; [ -n "${__antrieb_c+x}" ] || exit 111; '
        '[ -r /etc/bash.bashrc ] && . /etc/bash.bashrc; [ -r ~/.bashrc ] && . ~/.bashrc; '
        'eval "unset -v __antrieb_c; $__antrieb_c"')
ARGV = ["bash", "--norc", "-c", BOOT, "bash"]
# What the agent's session has but a command's bash sets itself (bash -c in an sshd session starts at SHLVL 1).
# SSH_CLIENT stays: with --norc it does not make bash read ~/.bashrc at start-up; BOOT reads it.
NOT_INHERITED = ("SHLVL", "_")
SIGDEF = (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP)
IDLE, OTHER = (os.SCHED_IDLE, os.sched_param(0)), (os.SCHED_OTHER, os.sched_param(0))

ep = select.epoll()  # first: it holds fd 3, so no pipe end below is ever one of a child's fds 0-3
out_fd = sys.stdout.fileno()
in_fd = sys.stdin.fileno()
devnull = os.open("/dev/null", os.O_RDONLY)
base_env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
fd_owner = {}   # fd -> (command, 1 stdout / 2 stderr / 0 process, a pidfd)
running = {}    # id -> command
warm = []
retry_at = [0.0]  # no spare bash started before then (the last try failed)
outq = []       # frames of this loop pass, written together by flush()
pack = struct.pack


def send(kind, cid, payload=b""):
    outq.append(kind + pack(">II", cid, len(payload)) + payload)


def flush():
    data = b"".join(outq)
    outq.clear()
    while data:
        data = data[os.write(out_fd, data):]


def setsched(pid, policy):
    try:
        os.sched_setscheduler(pid, *policy)
    except OSError:
        pass


class Warm:
    __slots__ = ("pid", "w3", "ro", "re")

    def __init__(self):
        r3, self.w3 = os.pipe()
        ro, wo = os.pipe()
        re_, we = os.pipe()
        fa = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, wo, 1), (os.POSIX_SPAWN_DUP2, we, 2),
              (os.POSIX_SPAWN_DUP2, r3, 3)]
        try:
            self.pid = os.posix_spawn(BASH, ARGV, base_env, file_actions=fa, setsid=True, setsigdef=SIGDEF)
        except OSError:
            for f in (self.w3, ro, re_):
                os.close(f)
            raise
        finally:
            for f in (r3, wo, we):
                os.close(f)
        setsched(self.pid, IDLE)
        # The agent's ends only. Non-blocking, so that an event left over in one poll batch for a pipe that was
        # closed meanwhile (a K frame) reads nothing, even if a new pipe got the same fd number.
        os.set_blocking(ro, False)
        os.set_blocking(re_, False)
        self.ro, self.re = ro, re_

    def discard(self):
        """Drops a bash that died (or was killed) while it waited for its command."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        for f in (self.w3, self.ro, self.re):
            try:
                os.close(f)
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass


class Command:
    __slots__ = ("id", "w", "open", "sent", "dropped", "status", "started")

    def __init__(self, cid, w):
        self.id, self.w = cid, w
        self.open = 2  # stdout, stderr
        self.sent = [0, 0, 0]     # by tag
        self.dropped = [0, 0, 0]
        self.status = None
        self.started = time.monotonic()


def top_up():
    while len(warm) < WARM:
        try:
            warm.append(Warm())
        except OSError as e:
            if not retry_at[0]:
                sys.stderr.write("antrieb-agent: cannot start bash: %s\n" % e)
            retry_at[0] = time.monotonic() + RETRY
            return
    retry_at[0] = 0.0


def run(cid, request):
    try:
        w = start(request)
    except Exception as e:  # a command that cannot start must not take the agent (and the others) down
        send(b"E", cid, ("[antrieb: the exec agent could not start this command: %s]\n" % e).encode())
        send(b"X", cid, pack(">iqq", -1, 0, 0))
        return
    c = Command(cid, w)
    running[cid] = c
    for fd, tag in ((w.ro, 1), (w.re, 2)):
        fd_owner[fd] = (c, tag)
        ep.register(fd, select.EPOLLIN)


def start(request):
    """Hands the request to a waiting bash; returns that bash."""
    # A waiting bash may have been killed from inside the guest (pkill bash): then the next one, or a new one.
    for _ in range(WARM + 1):
        w = warm.pop(0) if warm else Warm()
        setsched(w.pid, OTHER)
        try:
            view = memoryview(request)
            while view:
                view = view[os.write(w.w3, view):]
        except OSError:
            w.discard()
            continue
        os.close(w.w3)
        return w
    raise OSError("no bash would take the command")


def finish_fd(c, fd):
    ep.unregister(fd)
    del fd_owner[fd]
    os.close(fd)
    c.open -= 1
    if c.open == 0 and c.status is None:
        # Both pipes closed: mostly because the bash has exited; if it has not yet, wait for it.
        pid, st = os.waitpid(c.w.pid, os.WNOHANG)
        if pid:
            c.status = st
        else:
            try:
                pidfd = os.pidfd_open(c.w.pid)
            except OSError:  # gone in between
                c.status = os.waitpid(c.w.pid, 0)[1]
            else:
                fd_owner[pidfd] = (c, 0)
                ep.register(pidfd, select.EPOLLIN)
                c.open = 1
                return
    if c.open == 0:
        st = c.status
        code, sig = -1, b""
        if st is not None:
            if os.WIFEXITED(st):
                code = os.WEXITSTATUS(st)
            elif os.WIFSIGNALED(st):
                try:
                    sig = signal.Signals(os.WTERMSIG(st)).name[3:].encode()
                except ValueError:
                    sig = str(os.WTERMSIG(st)).encode()
        del running[c.id]
        send(b"X", c.id, pack(">iqq", code, c.dropped[1], c.dropped[2]) + sig)


def on_ready(fd):
    c, tag = fd_owner[fd]
    if tag:
        pump(c, fd, tag)
        return
    pid, st = os.waitpid(c.w.pid, os.WNOHANG)
    if pid:
        c.status = st
        finish_fd(c, fd)


def pump(c, fd, tag):
    """Forwards what the (non-blocking) pipe holds, one read; False when there is nothing (more) to read now."""
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        return False
    if not data:
        finish_fd(c, fd)
        return False
    room = LIMIT - c.sent[tag]
    if room < len(data):
        c.dropped[tag] += len(data) - max(room, 0)
        data = data[:max(room, 0)]
    if data:
        c.sent[tag] += len(data)
        send(b"OE"[tag - 1:tag], c.id, data)
    return True


def kill(cid):
    c = running.get(cid)
    if c is None:
        return
    try:
        os.killpg(c.w.pid, signal.SIGKILL)
    except OSError:
        pass
    # What the command printed before it died is still in its pipes: forward it (the partial output of a
    # timed-out command). What it left running in other sessions may hold the pipes open (and keep writing):
    # stop at what is there now, at most a few pipe buffers.
    for fd, (owner, tag) in list(fd_owner.items()):
        if owner is c and tag:
            for _ in range(16):
                if fd not in fd_owner or not pump(c, fd, tag):
                    break
            if fd in fd_owner:
                finish_fd(c, fd)


def read_exactly(n):
    data = b""
    while len(data) < n:
        chunk = os.read(in_fd, n - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data


def set_base(payload):
    """Takes the B frame's variables into the environment every bash starts with."""
    (n,) = struct.unpack_from(">I", payload, 0)
    pos = 4
    for _ in range(n):
        (kl,) = struct.unpack_from(">I", payload, pos)
        k = payload[pos + 4:pos + 4 + kl].decode()
        pos += 4 + kl
        (vl,) = struct.unpack_from(">I", payload, pos)
        v = payload[pos + 4:pos + 4 + vl].decode()
        pos += 4 + vl
        if k.isidentifier() and k.isascii() and "\0" not in v:
            base_env[k] = v


# What an SSH session of root has that is its own, or the node's (the library sends those): not taken from ENV_FILE.
PER_SESSION = ("SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY", "SSH_AUTH_SOCK", "XDG_SESSION_ID", "PWD", "OLDPWD",
               "ANTRIEB_EXEC_ID", "ANTRIEB_AGENT", "NODE_NAME", "NODE_INDEX", "NODE_IP", "CLUSTER_HOSTS",
               "CLUSTER_SSH_PUBKEY", "CLUSTER_SSH_PRIVKEY") + NOT_INHERITED


def session_env(path):
    env = {}
    with open(path, "rb") as f:
        for item in f.read().split(b"\0"):
            k, sep, v = item.partition(b"=")
            if sep:
                k, v = k.decode(errors="replace"), v.decode(errors="replace")
                if k not in PER_SESSION:
                    env[k] = v
    return env


def join_session(conn):
    """Moves this agent into the logind session (cgroup) of the sshd process at the other end of {@code conn}."""
    import socket
    pid, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    if uid != 0:
        return False
    try:
        with open("/proc/%d/cgroup" % pid) as f:
            cg = f.read().strip().split("::", 1)[-1]
    except OSError:
        return True
    scope = cg.rsplit("/", 1)[-1]
    if scope.startswith("session-") and scope.endswith(".scope"):
        try:
            with open("/sys/fs/cgroup" + cg + "/cgroup.procs", "w") as f:
                f.write(str(os.getpid()))
            base_env["XDG_SESSION_ID"] = scope[len("session-"):-len(".scope")]
        except OSError:
            pass
    return True


def listen(path, env_file):
    """Forks an agent per connection to the socket at {@code path}; each serves one library session."""
    import socket
    global ep, base_env, LIMIT
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    old = os.umask(0o077)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    os.umask(old)
    srv.listen(16)
    env = session_env(env_file)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    while True:
        try:
            conn, _ = srv.accept()
        except InterruptedError:
            continue
        if os.fork():
            conn.close()
            continue
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        srv.close()
        base_env = dict(env)
        if not join_session(conn):
            os._exit(1)
        os.dup2(conn.fileno(), 0)
        os.dup2(conn.fileno(), 1)
        conn.close()
        # A fresh epoll of this agent's own (the listener's is shared with every child), again on fd 3.
        ep.close()
        ep = select.epoll()
        head = read_exactly(9)
        payload = read_exactly(struct.unpack_from(">I", head, 5)[0])
        if head[:1] == b"L":
            LIMIT = struct.unpack_from(">q", payload, 0)[0]
            head = read_exactly(9)
            payload = read_exactly(struct.unpack_from(">I", head, 5)[0])
        try:
            main(head, payload)
        finally:
            os._exit(0)


def main(head=None, payload=None):
    if head is None:
        head = read_exactly(9)
        payload = read_exactly(struct.unpack_from(">I", head, 5)[0])
    if head[:1] == b"B":
        set_base(payload)
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH | os.SCHED_RESET_ON_FORK, os.sched_param(0))
    except OSError:
        pass
    top_up()
    os.write(out_fd, b"\0ANTRIEB-AGENT-1\0")
    send(b"H", 0, b"1")
    flush()
    ep.register(in_fd, select.EPOLLIN)
    buf = b""
    while True:
        timeout = -1
        if len(warm) < WARM:
            now = time.monotonic()
            due = max(c.started for c in running.values()) + SETTLE if running else now
            timeout = max(0.0, due - now, retry_at[0] - now)
        events = ep.poll(timeout)
        if not events:
            if timeout >= 0:
                top_up()
            continue
        for fd, _ in events:
            if fd != in_fd:
                if fd in fd_owner:
                    on_ready(fd)
                continue
            data = os.read(in_fd, 1 << 20)
            if not data:
                for c in list(running.values()):
                    kill(c.id)
                flush()
                return
            buf += data
            while len(buf) >= 9:
                kind = buf[:1]
                cid, n = struct.unpack_from(">II", buf, 1)
                if len(buf) < 9 + n:
                    break
                payload, buf = buf[9:9 + n], buf[9 + n:]
                if kind == b"R":
                    run(cid, payload)
                elif kind == b"K":
                    kill(cid)
        if outq:
            flush()


if LISTEN:
    listen(sys.argv[2], sys.argv[3])
else:
    main()
