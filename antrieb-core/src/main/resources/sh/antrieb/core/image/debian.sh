#!/usr/bin/env bash
# Antrieb guest image recipe for the Debian family, amd64, booted by direct kernel boot under QEMU.
# One release is one small file beside this one (debian12.release, debian13.release): its suite and
# what differs between releases. This script is the rest.
#
#   usage (as root): bash debian.sh RELEASE_FILE OUT_DIR
#                    bash debian.sh RELEASE_FILE --plan   (prints suite, packages, command line; builds nothing)
#
# Produces in OUT_DIR:
#   disk.qcow2  ext4 on the whole disk (no partition table), 20 GiB virtual, the root filesystem
#   vmlinuz     the Debian cloud kernel (linux-image-cloud-amd64) installed in that root filesystem, as an
#               uncompressed ELF booted through its PVH entry when it has one (else the bzImage as installed)
#   initrd.img  a tiny busybox initramfs: loads the virtio/fw_cfg modules, mounts /dev/vda rw, switch_root
#   cmdline     one line: the kernel command line to boot this image with (callers append their own args)
#   build.log   the noisy output of the build (debootstrap, apt, mkfs ...)
# The final files are moved into OUT_DIR only at the very end (cmdline last); everything else happens in
# OUT_DIR/.tmp.*, which is removed on exit. Progress is printed to stderr as "==> <step>" lines.
#
# This file and the release file are the image's whole recipe (their hash is the recipe hash):
# everything the image needs is written from heredocs below.
#
# Fidelity: the image is a stock Debian server of its release: the package set of Debian's cloud
# images (below), Debian's own unit set and configuration, nothing masked. What differs, and why, is
# listed in the README ("What differs from a stock Debian server"); keep that list in step with this file.
#
# Guest contract (see antrieb-init below): on every boot, before networking and sshd, the unit
# antrieb-init.service reads the fw_cfg entry opt/sh.antrieb/init (base64 of a POSIX sh script, the
# "payload"), decodes it and runs it with sh. The payload configures hostname, /etc/hosts, root's ssh
# keys, the ed25519 host key, an sshd drop-in, NIC names (by MAC), systemd-networkd .network files and
# DNS. The image itself has no ssh host keys, no network configuration and a locked root.
#
# Optional environment:
#   ANTRIEB_DEBOOTSTRAP_CACHE  a directory where debootstrap keeps downloaded .debs between builds
set -euo pipefail
umask 022
export LC_ALL=C.UTF-8

[ $# -eq 2 ] || { echo "usage: bash $0 RELEASE_FILE OUT_DIR" >&2; exit 2; }
[ -f "$1" ] || { echo "debian.sh: release file $1 not found" >&2; exit 2; }
# The release file sets SUITE (the Debian code name), PACKAGES_RELEASE (packages of that release's
# cloud images beyond the family's) and RESOLVED (yes: systemd-resolved manages /etc/resolv.conf).
SUITE= PACKAGES_RELEASE= RESOLVED=no
# shellcheck source=/dev/null
. "$1"
[ -n "$SUITE" ] || { echo "debian.sh: $1 does not set SUITE" >&2; exit 2; }
shift

# The package set of a Debian cloud image (besides what debootstrap's minbase variant has: the
# Essential and Required packages), as a server of this release has it. bash-static is Antrieb's: the
# exec agent starts each command in it (listed in the README).
PACKAGES="systemd systemd-sysv udev dbus libpam-systemd libnss-systemd openssh-server openssh-client
  python3 curl wget jq sudo iproute2 iputils-ping netcat-openbsd nftables ca-certificates less vim-tiny
  procps kmod cron logrotate apt-utils chrony bash-completion netbase tzdata file lsb-release
  e2fsprogs bash-static $PACKAGES_RELEASE"
INCLUDE=$(echo $PACKAGES | tr ' ' ',')
DISK_SIZE=20G
# Kernel modules the initramfs loads (with their dependencies, from the kernel's modules.dep).
# Required ones must exist as a module or be built in; optional ones are skipped when absent.
INITRD_REQUIRED_MODULES="virtio_pci virtio_blk virtio_net qemu_fw_cfg"
INITRD_OPTIONAL_MODULES="virtio_rng virtio_console ext4"
# The kernel command line written to OUT_DIR/cmdline. Each argument beyond a stock Debian cloud
# image's is in the README's list: root= and rw (direct kernel boot of a disk without partitions),
# net.ifnames=0 (NICs are named by the platform, eth0.. in NIC order), and settings that keep an
# emulated guest (TCG) fast and quiet.
CMDLINE="root=/dev/vda rw rootfstype=ext4 console=ttyS0 net.ifnames=0 biosdevname=0 quiet loglevel=3 random.trust_cpu=on cryptomgr.notests pci=noacpi mitigations=off tsc=reliable no_timer_check nowatchdog"
# The post-quantum hybrid key exchanges (OpenSSH 9 and 10 names) cost ~0.15 s per connection under
# emulation; sshd drops them by an image drop-in (listed in the README).
SSHD_KEX_REMOVE=sntrup761x25519-sha512@openssh.com,sntrup761x25519-sha512,mlkem768x25519-sha256

# "bash debian.sh RELEASE_FILE --plan" prints what would be built, builds nothing (no root needed).
if [ "$1" = --plan ]; then
  printf 'suite %s\npackages %s\nresolved %s\ncmdline %s\n' "$SUITE" "$INCLUDE" "$RESOLVED" "$CMDLINE"
  exit 0
fi

PROG="debian.sh ($SUITE)"
STEP=start
LOG=
WORK=

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
step() { STEP=$1; shift; printf '==> %s%s\n' "$STEP" "${*:+ ($*)}" >&2; }
die() { say "error: $*"; exit 1; }
# Runs a noisy command with its output in the build log.
logged() { "$@" >>"$LOG" 2>&1; }
# Runs a command inside the rootfs being built, with a clean environment.
in_root() {
  chroot "$ROOT" /usr/bin/env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} \
    "$@"
}

# Mount points under $1, deepest first.
mounts_under() {
  awk -v p="$1/" '{ m = $2; gsub(/\\040/, " ", m); if (index(m "/", p) == 1) print m }' /proc/mounts | sort -r
}
# Unmounts everything under $1; fails if something stays mounted.
unmount_under() {
  local m
  for m in $(mounts_under "$1"); do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  [ -z "$(mounts_under "$1")" ]
}
# Removes a work directory, never crossing into a (bind) mount.
remove_workdir() {
  local d=$1
  [ -d "$d" ] || return 0
  if ! unmount_under "$d"; then
    say "cannot unmount everything under $d; NOT removing it (mounted: $(mounts_under "$d" | tr '\n' ' '))"
    return 1
  fi
  rm -rf --one-file-system "$d"
}

on_exit() {
  local rc=$?
  trap - EXIT
  set +e
  if [ -n "$WORK" ]; then remove_workdir "$WORK"; fi
  if [ "$rc" -ne 0 ]; then
    say "FAILED (exit $rc) in step '$STEP'; nothing was written to $OUT_DIR except $LOG"
    if [ -n "$LOG" ] && [ -s "$LOG" ]; then
      say "last lines of $LOG:"
      tail -n 40 "$LOG" | sed 's/^/    /' >&2
    fi
  fi
  exit "$rc"
}

# ---------------------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot, mknod)"
for tool in debootstrap chroot mkfs.ext4 qemu-img cpio flock awk truncate od; do
  command -v "$tool" >/dev/null || die "missing tool '$tool' (apt-get install debootstrap e2fsprogs qemu-utils cpio)"
done
BUSYBOX=
for b in /bin/busybox /usr/bin/busybox; do
  if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then BUSYBOX=$b; break; fi
done
[ -n "$BUSYBOX" ] || die "no static busybox found (apt-get install busybox-static)"

mkdir -p "$1"
OUT_DIR=$(cd "$1" && pwd)
LOG=$OUT_DIR/build.log
exec 9>"$OUT_DIR/.lock"
if ! flock -n 9; then
  step waiting "another build of this image is running in $OUT_DIR"
  flock 9
fi
# A complete set (cmdline is moved into place last) is this recipe's image: built by the run we waited for,
# or by an earlier one (bin/build-images builds ahead of the tests).
if [ -s "$OUT_DIR/cmdline" ] && [ -s "$OUT_DIR/disk.qcow2" ] && [ -s "$OUT_DIR/vmlinuz" ] && [ -s "$OUT_DIR/initrd.img" ]; then
  step done "$OUT_DIR: already built"
  exit 0
fi
: >"$LOG"
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

# Leftovers of an interrupted earlier run (we hold the lock, so nobody else uses them).
for old in "$OUT_DIR"/.tmp.*; do
  [ -e "$old" ] || continue
  remove_workdir "$old" || die "cannot clean up $old"
done
WORK=$(mktemp -d "$OUT_DIR/.tmp.XXXXXX")
ROOT=$WORK/rootfs

# ---------------------------------------------------------------------------------------------------
# Mirror: the first URI of the host's apt sources that serves "$SUITE main" (one-line and deb822
# formats), and the security suite's URI if the host has one.
host_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -e 's/#.*//' "$f" | awk '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        uri = $i; suite = $(i + 1); main = 0
        for (j = i + 2; j <= NF; j++) if ($j == "main") main = 1
        if (main && uri != "") print uri, suite
      }'
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush(   nu, ns, nc, u, s, c, main, i, k, kt, nt, deb) {
        if (tolower(f["enabled"]) == "no") { delete f; return }
        nt = split(f["types"], kt, /[ \t]+/); deb = 0
        for (i = 1; i <= nt; i++) if (kt[i] == "deb") deb = 1
        nc = split(f["components"], c, /[ \t]+/); main = 0
        for (i = 1; i <= nc; i++) if (c[i] == "main") main = 1
        if (deb && main) {
          nu = split(f["uris"], u, /[ \t]+/); ns = split(f["suites"], s, /[ \t]+/)
          for (i = 1; i <= nu; i++) for (k = 1; k <= ns; k++) if (u[i] != "" && s[k] != "") print u[i], s[k]
        }
        delete f
      }
      /^#/ { next }
      /^[ \t]*$/ { flush(); key = ""; next }
      /^[ \t]/ { if (key != "") f[key] = f[key] " " $0; next }
      {
        key = tolower(substr($0, 1, index($0, ":") - 1)); v = substr($0, index($0, ":") + 1)
        gsub(/^[ \t]+|[ \t]+$/, "", v); f[key] = v
      }
      END { flush() }' "$f"
  done
}
# A mirror serves every release, so one the host uses for another release (a Debian 12 host building
# debian13) is taken too, after an exact match.
MIRROR=
ANY_MIRROR=
SECURITY=
while read -r uri suite; do
  case "$uri" in http://* | https://*) ;; *) continue ;; esac
  uri=${uri%/}
  case "$suite" in
    *-security | */updates) [ -n "$SECURITY" ] || SECURITY=$uri ;;
    "$SUITE") [ -n "$MIRROR" ] || MIRROR=$uri ;;
    *-updates | *-backports | *-proposed-updates) ;;
    *) [ -n "$ANY_MIRROR" ] || ANY_MIRROR=$uri ;;
  esac
done < <(host_sources | sed 's/[ \t]\+/ /g')
MIRROR=${MIRROR:-$ANY_MIRROR}

# ---------------------------------------------------------------------------------------------------
step debootstrap "$SUITE minbase, mirror ${MIRROR:-debootstrap default}"
DEBOOTSTRAP_ARGS=(--variant=minbase --components=main --include="$INCLUDE")
if [ -n "${ANTRIEB_DEBOOTSTRAP_CACHE:-}" ]; then
  mkdir -p "$ANTRIEB_DEBOOTSTRAP_CACHE"
  DEBOOTSTRAP_ARGS+=(--cache-dir="$(cd "$ANTRIEB_DEBOOTSTRAP_CACHE" && pwd)")
fi
logged debootstrap "${DEBOOTSTRAP_ARGS[@]}" "$SUITE" "$ROOT" ${MIRROR:+"$MIRROR"} ||
  die "debootstrap failed (see $LOG)"
if [ -z "$MIRROR" ]; then
  # debootstrap's default mirror, as it wrote it into the rootfs.
  MIRROR=$(awk '$1 == "deb" { print $2; exit }' "$ROOT/etc/apt/sources.list")
  MIRROR=${MIRROR%/}
  [ -n "$MIRROR" ] || die "cannot tell which mirror debootstrap used"
fi

# ---------------------------------------------------------------------------------------------------
step kernel "linux-image-cloud-amd64, without initramfs-tools"
{
  echo "deb $MIRROR $SUITE main"
  echo "deb $MIRROR $SUITE-updates main"
  if [ -n "$SECURITY" ]; then echo "deb $SECURITY $SUITE-security main"; fi
} >"$ROOT/etc/apt/sources.list"
# (systemd-resolved, where the release has it, made this a link into /run; the configuration step sets it.)
rm -f "$ROOT/etc/resolv.conf"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
# No daemons start inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOT/proc"

# linux-image-* depends on "initramfs-tools | linux-initramfs-tool". This image boots with the
# initramfs built below, so an empty package provides linux-initramfs-tool instead: no
# initramfs-tools, no initrd generated at install time (nor on later kernel updates in a guest).
mkdir -p "$ROOT/tmp/antrieb-no-initramfs/DEBIAN"
cat >"$ROOT/tmp/antrieb-no-initramfs/DEBIAN/control" <<'EOF'
Package: antrieb-no-initramfs
Version: 1
Architecture: all
Maintainer: Antrieb <root@localhost>
Priority: optional
Section: admin
Provides: linux-initramfs-tool
Description: the Antrieb image boots with its own tiny initramfs
 Satisfies linux-image's dependency on an initramfs generator without
 installing initramfs-tools: Antrieb boots this kernel with an external
 initramfs (virtio modules only) passed by direct kernel boot.
EOF
logged in_root dpkg-deb --build --root-owner-group /tmp/antrieb-no-initramfs /tmp/antrieb-no-initramfs.deb
logged in_root dpkg -i /tmp/antrieb-no-initramfs.deb
rm -rf "$ROOT/tmp/antrieb-no-initramfs" "$ROOT/tmp/antrieb-no-initramfs.deb"
logged in_root apt-get update || die "apt-get update in the rootfs failed (see $LOG)"
logged in_root apt-get -y -o Dpkg::Options::=--force-confold upgrade || die "apt-get upgrade failed (see $LOG)"
logged in_root apt-get -y --no-install-recommends install linux-image-cloud-amd64 ||
  die "installing linux-image-cloud-amd64 failed (see $LOG)"
[ ! -e "$ROOT/usr/sbin/update-initramfs" ] || die "initramfs-tools got installed; the recipe must avoid it"
KVERS=$(ls "$ROOT/lib/modules")
[ "$(echo "$KVERS" | wc -l)" = 1 ] || die "expected exactly one kernel in the rootfs, found: $KVERS"
KVER=$KVERS
KDIR=$ROOT/lib/modules/$KVER
[ -f "$ROOT/boot/vmlinuz-$KVER" ] || die "kernel image /boot/vmlinuz-$KVER missing"
cp "$ROOT/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
# Under emulation the bzImage's real-mode set-up and self-decompression cost seconds before the kernel's
# first line. QEMU boots an uncompressed ELF vmlinux with a PVH entry note (CONFIG_PVH) directly, through
# the same <kernel> element: so OUT_DIR/vmlinuz is that ELF when this kernel has the note, else the bzImage.
pvh_kernel() {
  local bz=$1 out=$2 sects poff plen start magic dec
  sects=$(od -An -tu1 -j 0x1f1 -N1 "$bz" | tr -d ' ')
  [ "$sects" -gt 0 ] || sects=4
  poff=$(od -An -tu4 -j 0x248 -N4 "$bz" | tr -d ' ')
  plen=$(od -An -tu4 -j 0x24c -N4 "$bz" | tr -d ' ')
  start=$(((sects + 1) * 512 + poff))
  magic=$(od -An -tx1 -j "$start" -N4 "$bz" | tr -d ' ')
  case "$magic" in
    02214c18) dec=lz4 ;;
    1f8b08*) dec=gzip ;;
    fd377a58) dec=xz ;;
    28b52ffd) dec=zstd ;;
    *) say "kernel payload format $magic unknown: booting the bzImage"; return 1 ;;
  esac
  command -v "$dec" >/dev/null || { say "no $dec to unpack the kernel: booting the bzImage"; return 1; }
  # The build appends the uncompressed size after the compressed data, which some decompressors call
  # trailing garbage: their exit status says nothing, the ELF checks below do.
  tail -c +$((start + 1)) "$bz" | head -c "$plen" | "$dec" -dc >"$out" 2>/dev/null || true
  [ "$(head -c 4 "$out" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || { say "unpacked kernel is no ELF: booting the bzImage"; return 1; }
  # ELF note: namesz 4, descsz 4 or 8, type 18 (XEN_ELFNOTE_PHYS32_ENTRY), name "Xen".
  LC_ALL=C grep -qaP '\x04\x00\x00\x00[\x04\x08]\x00\x00\x00\x12\x00\x00\x00Xen\x00' "$out" ||
    { say "kernel has no PVH entry: booting the bzImage"; return 1; }
}
if pvh_kernel "$WORK/vmlinuz" "$WORK/vmlinux"; then
  mv -f "$WORK/vmlinux" "$WORK/vmlinuz"
  say "kernel: uncompressed ELF with PVH entry ($(du -h "$WORK/vmlinuz" | cut -f1))"
else
  rm -f "$WORK/vmlinux"
fi
# Dangling links to an initrd that does not exist.
rm -f "$ROOT/initrd.img" "$ROOT/initrd.img.old" "$ROOT/vmlinuz.old" "$ROOT/boot/initrd.img"*
say "kernel $KVER"

# ---------------------------------------------------------------------------------------------------
step configure "guest configuration"
mkdir -p "$ROOT/usr/lib/antrieb"
cat >"$ROOT/usr/lib/antrieb/antrieb-init" <<'EOF'
#!/bin/sh
# antrieb-init: runs the per-node payload the Antrieb library passes through QEMU fw_cfg.
#   fw_cfg entry: opt/sh.antrieb/init  (libvirt: <sysinfo type='fwcfg'><entry name='opt/sh.antrieb/init'>)
#   content:      base64 of a POSIX sh script, run with sh on every boot before networking and sshd.
# A missing entry is not an error (the image booted by hand). Prints one status line to /dev/console.
FW=/sys/firmware/qemu_fw_cfg
ENTRY=$FW/by_name/opt/sh.antrieb/init/raw
RUN=/run/antrieb

say() {
  echo "antrieb-init: $*"
  { echo "antrieb-init: $*" >/dev/console; } 2>/dev/null
}
ensure_host_key() {
  # sshd needs a host key; the payload normally installs one. Never RSA/ECDSA (slow, unwanted).
  [ -e /etc/ssh/ssh_host_ed25519_key ] ||
    ssh-keygen -q -t ed25519 -N '' -C "root@$(hostname)" -f /etc/ssh/ssh_host_ed25519_key
}


# The static addresses (and default route) of the systemd-networkd .network files the payload wrote, set
# right now with one ip(8) run: sshd starts right after this unit, and Antrieb reaches it on the control
# NIC long before networkd (which waits for udev) would have configured it. networkd adopts the same
# addresses and routes when it gets there. Only files that match a single existing NIC by Name= count.
fast_addresses() {
  batch=
  for f in /etc/systemd/network/*.network; do
    [ -f "$f" ] || continue
    sect= name= addrs= gw= other=
    while IFS='=' read -r k v; do
      case "$k" in
        \[*) sect=$k ;;
        Name) [ "$sect" = "[Match]" ] && name=$v ;;
        Address) [ "$sect" = "[Network]" ] && addrs="$addrs $v" ;;
        Gateway) [ "$sect" = "[Network]" ] && [ -z "$gw" ] && gw=$v ;;
        ''|\#*) ;;
        *) [ "$sect" = "[Match]" ] && other=1 ;;
      esac
    done <"$f"
    case "$name" in ''|*[!A-Za-z0-9_.-]*) continue ;; esac
    [ -z "$other" ] && [ -e "/sys/class/net/$name" ] || continue
    # Addresses before "up": with arp_notify the NIC announces them (gratuitous ARP) as it comes up, so
    # the host, already trying to reach the node, learns its MAC at once instead of at its next ARP probe.
    for a in $addrs; do batch="${batch}address replace $a dev $name
"; done
    batch="${batch}link set dev $name up
"
    [ -n "$addrs" ] && [ -n "$gw" ] && batch="${batch}route replace default via $gw dev $name proto static
"
  done
  [ -n "$batch" ] || return 0
  echo 1 >/proc/sys/net/ipv4/conf/all/arp_notify
  printf '%s' "$batch" | ip -force -batch - || say "warning: early address set-up failed (networkd will retry)"
}

[ -d "$FW" ] || modprobe -q qemu_fw_cfg 2>/dev/null
if [ ! -e "$ENTRY" ]; then
  say "no payload (fw_cfg opt/sh.antrieb/init absent), booting unconfigured"
  ensure_host_key
  exit 0
fi
mkdir -p -m 0700 "$RUN"
if ! base64 -d <"$ENTRY" >"$RUN/payload.sh" 2>"$RUN/payload.log"; then
  say "payload FAILED: fw_cfg opt/sh.antrieb/init is not valid base64"
  exit 1
fi
# The payload's output stays in /run/antrieb/payload.log (and goes to the journal on failure).
sh "$RUN/payload.sh" >"$RUN/payload.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
  say "payload FAILED (exit $rc); last output:"
  tail -n 15 "$RUN/payload.log" | sed 's/^/antrieb-init:   /' | tee /dev/console
  exit "$rc"
fi
ensure_host_key
fast_addresses
say "payload ok"
EOF
chmod 755 "$ROOT/usr/lib/antrieb/antrieb-init"

cat >"$ROOT/etc/systemd/system/antrieb-init.service" <<'EOF'
[Unit]
Description=Antrieb per-node configuration (fw_cfg opt/sh.antrieb/init)
# As early as possible: the root fs is already mounted rw by the initramfs and the NICs exist (virtio_net
# is loaded there). Before udev's coldplug (it sees the final NIC names), before modules-load and sysctl
# (they apply what the payload puts in /etc/modules-load.d and /etc/sysctl.d), before networkd and sshd.
DefaultDependencies=no
Before=sysinit.target systemd-udev-trigger.service systemd-sysctl.service systemd-modules-load.service
Before=network-pre.target systemd-networkd.service ssh.service shutdown.target
Wants=network-pre.target
Conflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/lib/antrieb/antrieb-init
StandardOutput=journal
StandardError=journal

[Install]
WantedBy=sysinit.target
EOF

# Identity, locale, time zone, accounts: as a Debian cloud image ships them.
echo localhost >"$ROOT/etc/hostname"
cat >"$ROOT/etc/hosts" <<'EOF'
127.0.0.1	localhost
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters
EOF
# The root file system is /dev/vda itself (no partition table: direct kernel boot, see the README). The
# initramfs mounts it read-write; systemd-remount-fs applies these options, systemd-fstab-generator
# mounts whatever a user adds here, on every boot, as on any Debian server.
cat >"$ROOT/etc/fstab" <<'EOF'
# <file system>	<mount point>	<type>	<options>	<dump>	<pass>
LABEL=antrieb-root	/	ext4	rw,discard,errors=remount-ro	0	1
EOF
echo 'LANG=C.UTF-8' >"$ROOT/etc/default/locale"
echo 'Etc/UTC' >"$ROOT/etc/timezone"
ln -sfn /usr/share/zoneinfo/Etc/UTC "$ROOT/etc/localtime"
logged in_root usermod -s /bin/bash -p '*' root
# A fresh machine-id on every first boot of a copy of this image (empty file: not a "first boot", so no
# systemd-firstboot prompts; systemd writes a new id at boot).
: >"$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id"
ln -sfn /etc/machine-id "$ROOT/var/lib/dbus/machine-id"

# ssh: Debian's own ssh.service and sshd_config; no host keys in the image (the payload installs the
# node's ed25519 key).
rm -f "$ROOT"/etc/ssh/ssh_host_*
mkdir -p -m 0700 "$ROOT/root/.ssh"
if [ -n "${SSHD_KEX_REMOVE:-}" ]; then
  cat >"$ROOT/etc/ssh/sshd_config.d/00-antrieb-image.conf" <<EOF
# Antrieb image (listed in the README): the post-quantum hybrid key exchange costs ~0.15 s per
# connection under emulation. Delete this file to get Debian's default list back.
KexAlgorithms -$SSHD_KEX_REMOVE
EOF
fi

# Networking: systemd-networkd (the per-node payload writes its .network files), with its wait-online
# service behind network-online.target, as Debian's cloud images of trixie configure it. ifupdown is
# not installed.
logged in_root systemctl enable systemd-networkd.service systemd-networkd-wait-online.service
if [ "${RESOLVED:-no}" = yes ]; then
  logged in_root systemctl enable systemd-resolved.service
  ln -sfn ../run/systemd/resolve/stub-resolv.conf "$ROOT/etc/resolv.conf"
else
  cat >"$ROOT/etc/resolv.conf" <<'EOF'
# Written by the Antrieb payload at boot.
EOF
fi
# NIC names stay the kernel's (ethN, by MAC through the payload): net.ifnames=0 on the command line.

# chrony without internet time sources: guests send nothing off the machine but package downloads
# (listed in the README); the clock comes from the host (kvm-clock, RTC). Sources can be added in
# /etc/chrony/sources.d as on any server.
if [ -f "$ROOT/etc/chrony/chrony.conf" ]; then
  sed -i -e 's/^\(pool .*\)$/# \1  (Antrieb: no internet time sources, see the README)/' \
         -e 's/^\(server .*\)$/# \1  (Antrieb: no internet time sources, see the README)/' "$ROOT/etc/chrony/chrony.conf"
fi

# Modules: Debian's /etc/modules-load.d/modules.conf stays (empty but for comments).
logged in_root systemctl enable antrieb-init.service
logged in_root systemctl set-default multi-user.target

# Clean up the build environment and caches.
logged in_root apt-get clean
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/debconf/*-old \
       "$ROOT"/var/lib/dpkg/*-old "$ROOT"/var/log/apt/* "$ROOT"/var/log/bootstrap.log \
       "$ROOT"/tmp/* "$ROOT"/var/tmp/* "$ROOT"/root/.bash_history
rm -f "$ROOT/usr/sbin/policy-rc.d"
umount "$ROOT/proc"
# ConditionNeedsUpdate= units (sysusers, catalog ...) are up to date: nothing changes /usr at boot.
touch "$ROOT/etc/.updated" "$ROOT/var/.updated"

# ---------------------------------------------------------------------------------------------------
step initramfs "busybox + virtio modules for $KVER"
IRD=$WORK/initramfs
mkdir -p "$IRD"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$BUSYBOX" "$IRD/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$IRD/bin/$applet"
done
ln -s bin "$IRD/sbin"
mknod -m 600 "$IRD/dev/console" c 5 1

# Module load order: dependencies first, from this kernel's modules.dep.
declare -A MOD_PATH=() MOD_DEPS=() MOD_SEEN=()
MOD_ORDER=()
modname() { local n=${1##*/}; n=${n%%.ko*}; echo "${n//-/_}"; }
while IFS=: read -r path deps; do
  n=${path##*/}; n=${n%%.ko*}; n=${n//-/_}
  MOD_PATH[$n]=$path
  MOD_DEPS[$n]=$deps
done <"$KDIR/modules.dep"
add_module() {
  local n=$1 d
  [ -z "${MOD_SEEN[$n]:-}" ] || return 0
  MOD_SEEN[$n]=1
  for d in ${MOD_DEPS[$n]}; do add_module "$(modname "$d")"; done
  MOD_ORDER+=("$n")
}
is_builtin() { sed 's/-/_/g' "$KDIR/modules.builtin" | grep -q "/$1\.ko\$"; }
for m in $INITRD_REQUIRED_MODULES; do
  if [ -n "${MOD_PATH[$m]:-}" ]; then add_module "$m"
  elif is_builtin "$m"; then :
  else die "kernel $KVER has no module '$m' (neither loadable nor built in)"
  fi
done
for m in $INITRD_OPTIONAL_MODULES; do
  if [ -n "${MOD_PATH[$m]:-}" ]; then add_module "$m"; fi
done
: >"$IRD/modules"
for m in "${MOD_ORDER[@]}"; do
  src=$KDIR/${MOD_PATH[$m]}
  case "$src" in
    *.ko) cp "$src" "$IRD/lib/modules/$m.ko" ;;
    *.ko.xz) xz -dc "$src" >"$IRD/lib/modules/$m.ko" ;;
    *.ko.zst) zstd -qdc "$src" >"$IRD/lib/modules/$m.ko" ;;
    *.ko.gz) gzip -dc "$src" >"$IRD/lib/modules/$m.ko" ;;
    *) die "unknown module format: $src" ;;
  esac
  echo "$m" >>"$IRD/modules"
done
say "initramfs modules: ${MOD_ORDER[*]}"

cat >"$IRD/init" <<'EOF'
#!/bin/sh
# Antrieb initramfs: load the modules listed in /modules, wait for the root device, mount it
# read-write and hand over to its init. Honours root=, rootflags=, rootfstype=, init=, ro/rw.
export PATH=/bin
mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys

fail() {
  echo "antrieb-initrd: FATAL: $*"
  echo "antrieb-initrd: starting a shell on the console"
  exec sh
}

root=/dev/vda rootflags= rootfstype=ext4 init=/sbin/init mode=rw wait=30
read -r cmdline </proc/cmdline
for arg in $cmdline; do
  case "$arg" in
    root=*) root=${arg#root=} ;;
    rootflags=*) rootflags=,${arg#rootflags=} ;;
    rootfstype=*) rootfstype=${arg#rootfstype=} ;;
    init=*) init=${arg#init=} ;;
    ro) mode=ro ;;
    rw) mode=rw ;;
  esac
done

while read -r m; do
  insmod "/lib/modules/$m.ko" || echo "antrieb-initrd: warning: insmod $m failed"
done </modules

i=0
while [ ! -b "$root" ]; do
  i=$((i + 1))
  if [ "$i" -gt $((wait * 100)) ]; then
    fail "root device $root did not appear within ${wait}s (is the disk a virtio disk? devices: $(ls /dev | tr '\n' ' '))"
  fi
  usleep 10000
done
mount -t "$rootfstype" -o "$mode$rootflags" "$root" /newroot || fail "cannot mount $root ($rootfstype, $mode$rootflags) on /newroot"
mount --move /dev /newroot/dev
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
exec switch_root /newroot "$init" || fail "switch_root to $init failed"
EOF
chmod 755 "$IRD/init"
(cd "$IRD" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$WORK/initrd.img"

# ---------------------------------------------------------------------------------------------------
step mkfs "ext4, $DISK_SIZE"
truncate -s "$DISK_SIZE" "$WORK/disk.raw"
logged mkfs.ext4 -F -L antrieb-root -d "$ROOT" -E lazy_itable_init=0,lazy_journal_init=0 "$WORK/disk.raw" ||
  die "mkfs.ext4 failed (see $LOG)"
remove_workdir "$ROOT"

# ---------------------------------------------------------------------------------------------------
step convert "qcow2"
logged qemu-img convert -f raw -O qcow2 "$WORK/disk.raw" "$WORK/disk.qcow2" || die "qemu-img convert failed (see $LOG)"
rm -f "$WORK/disk.raw"
echo "$CMDLINE" >"$WORK/cmdline"

# Into place: cmdline last, so a complete set is the one with a cmdline.
rm -f "$OUT_DIR/cmdline"
for f in disk.qcow2 vmlinuz initrd.img cmdline; do
  mv -f "$WORK/$f" "$OUT_DIR/$f"
done
step done "$OUT_DIR: disk.qcow2 ($(du -h "$OUT_DIR/disk.qcow2" | cut -f1) on disk), vmlinuz $KVER, initrd.img ($(du -h "$OUT_DIR/initrd.img" | cut -f1)), cmdline"
