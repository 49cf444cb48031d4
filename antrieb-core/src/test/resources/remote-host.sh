#!/usr/bin/env bash
# Makes this machine look like a *remote* libvirt host that a client reaches only over SSH, for the
# remote-host tests (issue 17). Run as root.
#
#   remote-host.sh up NAME           network namespace NAME (the client) joined to the host by a veth pair,
#                                    a dedicated sshd on the host side, a client key and a pinned known_hosts
#   remote-host.sh run NAME -- CMD.. runs CMD as the client: in netns NAME (no route but to the host's veth
#                                    address) and in a mount namespace where /var/lib/libvirt,
#                                    /var/log/libvirt and /run/libvirt are empty tmpfs and ssh uses the
#                                    generated key and known_hosts. CMD replaces this script (same pid).
#   remote-host.sh client NAME -- CMD.. runs CMD on this machine's network and libvirt (a client of the local
#                                    host and of the SSH one), only ssh told the generated key and known_hosts
#   remote-host.sh uri NAME          prints the libvirt URI the client uses: qemu+ssh://root@<host addr>/system
#   remote-host.sh addr NAME         prints the host's address on the veth pair
#   remote-host.sh cut NAME          the host stops answering: its SSH traffic is dropped silently in both
#                                    directions (nft, host side), so open connections hang and new ones time
#                                    out, as with a crashed host or a network partition; libvirtd and guests
#                                    keep running
#   remote-host.sh restore NAME      undoes cut (open TCP connections resume if their peers did not give up)
#   remote-host.sh down NAME         removes everything up made; idempotent
#
# Addresses: the pair is a /30 in 10.254.N.0/24 (N = 1..254, the first one no address, route or libvirt
# network of this machine touches): host 10.254.N.1, client 10.254.N.2. Antrieb never allocates from
# 10.254.0.0/16 (its pools are 100.64.0.0/10, 10.200.0.0/13 and 10.10.0.0/16 for suggestions), and the /30
# is in the route table while up, so neither Antrieb's planner nor libvirt would put a network over it.
#
# State lives in /run/antrieb-remote/NAME: sshd's config, host key, pid file and log; client/ holds the
# client's key (id_ed25519), known_hosts and the ssh_config that `run` mounts over /etc/ssh/ssh_config.
set -euo pipefail

STATE_ROOT=/run/antrieb-remote
SSHD=/usr/sbin/sshd
PROG=remote-host.sh

die() { printf '[%s] error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '[%s] %s\n' "$PROG" "$*" >&2; }

usage() {
  sed -n '4,20p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
cmd=$1; shift
case "$cmd" in -h|--help|help) usage ;; esac
[ $# -ge 1 ] || die "$cmd needs a NAME, e.g. $PROG $cmd t1"
NAME=$1; shift
[[ "$NAME" =~ ^[a-z][a-z0-9]{0,9}$ ]] ||
  die "invalid NAME '$NAME': use 1-10 lower-case letters and digits, starting with a letter (it names a netns and a veth)"
[ "$(id -u)" = 0 ] || die "must run as root (it creates network namespaces, veth pairs and an sshd); try: sudo $0 $cmd $NAME"

STATE=$STATE_ROOT/$NAME
VETH=arh-$NAME
NFT_TABLE=remotehost_$NAME

addr_of() { [ -f "$STATE/addr" ] || die "remote host '$NAME' is not up (no $STATE/addr): run $PROG up $NAME"; cat "$STATE/addr"; }

sshd_pid() {
  local pid
  [ -f "$STATE/sshd.pid" ] || return 1
  pid=$(cat "$STATE/sshd.pid")
  [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$SSHD" ] && echo "$pid"
}

# An N in 1..254 whose 10.254.N.0/24 no address, route or libvirt network of this machine touches.
pick_octet() {
  local nets n
  nets=$(for net in $(virsh -q -c qemu:///system net-list --all --name 2>/dev/null); do
           virsh -q -c qemu:///system net-dumpxml "$net" 2>/dev/null; done | grep -o "address=['\"]10\.254\.[0-9]*\." || true)
  for n in $(seq 1 254); do
    ip -4 -o addr show | grep -q " 10\.254\.$n\." && continue
    [ -z "$(ip -4 route show table all root "10.254.$n.0/24")" ] || continue
    ip -4 route show table all match "10.254.$n.0/24" | grep -qv '^\(default\|unreachable default\|local\|broadcast\)' && continue
    grep -q "10\.254\.$n\.$" <<<"$nets" && continue
    echo "$n"; return 0
  done
  die "no free /24 left in 10.254.0.0/16 for the veth pair: run $PROG down on unused remote hosts (ls $STATE_ROOT)"
}

up() {
  command -v "$SSHD" >/dev/null || die "$SSHD missing: install openssh-server (bin/setup-host does)"
  command -v ssh-keygen >/dev/null || die "ssh-keygen missing: install openssh-client (bin/setup-host does)"
  if [ -f "$STATE/addr" ] && ip netns list | grep -q "^$NAME\b" && sshd_pid >/dev/null; then
    log "remote host '$NAME' is already up: $(uri)"; return 0
  fi
  if [ ! -e "$STATE" ] && ip netns list | grep -q "^$NAME\b"; then
    die "a network namespace '$NAME' exists that $PROG did not make: pick another NAME, or remove it (ip netns del $NAME)"
  fi
  if [ -e "$STATE" ] || ip link show "$VETH" >/dev/null 2>&1; then
    log "remote host '$NAME' is half up (left over from a failed run?): removing it first"
    down
  fi
  # Any failure from here on (set -e or die) removes what up made.
  trap 'rc=$?; [ $rc = 0 ] || { log "up failed: removing what it made"; down || true; }; exit $rc' EXIT

  mkdir -p -m 700 "$STATE_ROOT"
  mkdir -m 700 "$STATE" "$STATE/client"
  local n host client
  n=$(pick_octet)
  host=10.254.$n.1 client=10.254.$n.2
  echo "$host" >"$STATE/addr"

  ip netns add "$NAME"
  ip link add "$VETH" type veth peer name eth0 netns "$NAME"
  ip addr add "$host/30" dev "$VETH"
  ip link set "$VETH" up
  ip -n "$NAME" addr add "$client/30" dev eth0
  ip -n "$NAME" link set lo up
  ip -n "$NAME" link set eth0 up
  # No default route: from the client only 10.254.N.0/30 is reachable, never a guest network.

  ssh-keygen -q -t ed25519 -N '' -C "antrieb-remote-$NAME-host" -f "$STATE/ssh_host_ed25519_key"
  ssh-keygen -q -t ed25519 -N '' -C "antrieb-remote-$NAME-client" -f "$STATE/client/id_ed25519"
  printf '%s %s\n' "$host" "$(cut -d' ' -f1,2 "$STATE/ssh_host_ed25519_key.pub")" >"$STATE/client/known_hosts"
  cat >"$STATE/client/ssh_config" <<EOF
# Mounted over /etc/ssh/ssh_config by '$PROG run $NAME': the client's key and the pinned host key.
Host *
    IdentityFile $STATE/client/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $STATE/client/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    BatchMode yes
EOF
  cat >"$STATE/sshd_config" <<EOF
# sshd of the remote host '$NAME' (started by $PROG; not the system's sshd)
ListenAddress $host:22
HostKey $STATE/ssh_host_ed25519_key
PidFile $STATE/sshd.pid
PermitRootLogin prohibit-password
AllowUsers root
AuthorizedKeysFile $STATE/client/id_ed25519.pub
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
X11Forwarding no
PrintMotd no
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  # Debian's sshd needs its privilege separation directory (made by its init script, which does not run here).
  # The last remote host's down removes it again.
  if [ ! -d /run/sshd ]; then
    mkdir -m 755 /run/sshd
    touch "$STATE_ROOT/made-run-sshd"
  fi
  "$SSHD" -t -f "$STATE/sshd_config" || die "sshd refused its config $STATE/sshd_config (see above)"
  "$SSHD" -f "$STATE/sshd_config" -E "$STATE/sshd.log"
  local i
  for i in $(seq 1 50); do
    sshd_pid >/dev/null && ip netns exec "$NAME" bash -c "exec 3<>/dev/tcp/$host/22" 2>/dev/null && break
    sleep 0.1
  done
  sshd_pid >/dev/null || die "sshd did not start on $host:22; see $STATE/sshd.log"
  trap - EXIT
  log "remote host '$NAME' up: sshd pid $(sshd_pid) on $host:22, client netns '$NAME' at $client; URI $(uri)"
}

uri() {
  local host
  host=$(addr_of)
  echo "qemu+ssh://root@$host/system"
}

run() {
  [ "${1:-}" = -- ] && shift
  [ $# -ge 1 ] || die "run needs a command: $PROG run $NAME -- CMD..."
  [ -f "$STATE/client/ssh_config" ] && ip netns list | grep -q "^$NAME\b" || die "remote host '$NAME' is not up: run $PROG up $NAME"
  # exec all the way down: the caller's process becomes CMD (a kill of it reaches CMD itself).
  exec nsenter --net="/run/netns/$NAME" -- unshare --mount --propagation private -- /bin/bash -c '
    set -e
    for d in /var/lib/libvirt /var/log/libvirt /run/libvirt; do
      if [ -d "$d" ]; then mount -t tmpfs -o mode=755 "remote-host-hidden" "$d"; fi
    done
    mount --bind "$1" /etc/ssh/ssh_config
    shift
    exec "$@"' "$PROG run $NAME" "$STATE/client/ssh_config" "$@"
}

client() {
  [ "${1:-}" = -- ] && shift
  [ $# -ge 1 ] || die "client needs a command: $PROG client $NAME -- CMD..."
  [ -f "$STATE/client/ssh_config" ] || die "remote host '$NAME' is not up: run $PROG up $NAME"
  # This machine's network and libvirt as they are (a client of both the local and the SSH host), with only
  # OpenSSH told the SSH host's key and the client key (for libvirt's own ssh).
  exec unshare --mount --propagation private -- /bin/bash -c '
    set -e
    mount --bind "$1" /etc/ssh/ssh_config
    shift
    exec "$@"' "$PROG client $NAME" "$STATE/client/ssh_config" "$@"
}

cut_() {
  local host
  host=$(addr_of)
  # Host side, in the root netns: packets to the host's sshd vanish in INPUT (whether they come over the veth
  # or, from a client in this netns, over lo) and its answers in OUTPUT. No RST, no ICMP: silence.
  nft -f - <<EOF
table inet $NFT_TABLE
delete table inet $NFT_TABLE
table inet $NFT_TABLE {
  chain input { type filter hook input priority -300; policy accept; ip daddr $host tcp dport 22 drop; }
  chain output { type filter hook output priority -300; policy accept; ip saddr $host tcp sport 22 drop; }
}
EOF
  log "remote host '$NAME' cut: SSH to $host:22 is silently dropped ($PROG restore $NAME undoes it)"
}

restore() {
  addr_of >/dev/null
  nft delete table inet "$NFT_TABLE" 2>/dev/null || true
  log "remote host '$NAME' restored: $(uri) answers again"
}

down() {
  local pid i
  if pid=$(sshd_pid); then
    # The listener and every session it forked (their parent is the listener).
    kill $(pgrep -P "$pid") "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  nft delete table inet "$NFT_TABLE" 2>/dev/null || true
  ip link del "$VETH" 2>/dev/null || true
  if ! ip netns list | grep -q "^$NAME\b"; then
    :
  elif [ ! -e "$STATE" ]; then
    log "leaving the network namespace '$NAME' alone: $PROG did not make it (no $STATE)"
  else
    # Whatever still runs in the namespace (a client left over) would keep it alive.
    ip netns pids "$NAME" | xargs -r kill -9 2>/dev/null || true
    ip netns del "$NAME"
  fi
  rm -rf "$STATE"
  if [ -d "$STATE_ROOT" ] && [ -z "$(ls -A "$STATE_ROOT" | grep -vx made-run-sshd)" ]; then
    # The last remote host: /run/sshd goes if up made it.
    if [ -e "$STATE_ROOT/made-run-sshd" ]; then rmdir /run/sshd 2>/dev/null || true; fi
    rm -f "$STATE_ROOT/made-run-sshd"
    rmdir "$STATE_ROOT"
  fi
  log "remote host '$NAME' down"
}

case "$cmd" in
  up) up ;;
  run) run "$@" ;;
  client) client "$@" ;;
  uri) uri ;;
  addr) addr_of ;;
  cut) cut_ ;;
  restore) restore ;;
  down) down ;;
  *) die "unknown command '$cmd': use up, run, uri, addr, cut, restore or down (see $PROG --help)" ;;
esac
