#!/bin/bash
# A throw-away systemd for the end-to-end tests: the machine's own /lib/systemd/systemd
# booted as PID 1 of fresh pid+mount+uts+ipc namespaces, over an overlay of / whose
# upper layer is a tmpfs, so nothing the tests do reaches the real file system. Units
# that would touch the shared kernel or start unrelated servers are masked.
# Needs root with CAP_SYS_ADMIN.
#
#   sandbox.sh start          prints the PID of the sandbox's systemd
#   sandbox.sh run PID CMD…   runs CMD inside (systemctl, journalctl, …)
#   sandbox.sh stop PID       ends the sandbox and everything in it
set -euo pipefail

SYSTEMD_ARGS="--system --unit=multi-user.target --log-target=journal --show-status=no"

inner() {
  local W=$1
  mount --make-rprivate /
  mount -t tmpfs -o size=2g tmpfs "$W"
  mkdir -p "$W"/lower "$W"/upper "$W"/work "$W"/root
  mount --bind / "$W"/lower
  mount -t overlay overlay -o lowerdir="$W"/lower,upperdir="$W"/upper,workdir="$W"/work "$W"/root
  local R="$W"/root
  mount -t proc proc "$R"/proc
  mount --rbind /sys "$R"/sys
  mount --rbind /dev "$R"/dev
  mount -t tmpfs tmpfs "$R"/run
  mount -t tmpfs tmpfs "$R"/tmp
  local u
  for u in systemd-sysctl.service systemd-binfmt.service systemd-modules-load.service \
           systemd-remount-fs.service systemd-timesyncd.service systemd-logind.service \
           getty.target getty@tty1.service console-getty.service serial-getty@ttyS0.service \
           dbus.service dbus.socket postgresql.service postgresql@15-main.service \
           systemd-udevd.service systemd-udev-trigger.service systemd-hwdb-update.service \
           systemd-random-seed.service systemd-machine-id-commit.service systemd-firstboot.service \
           systemd-pstore.service systemd-tmpfiles-clean.timer sys-kernel-config.mount \
           sys-kernel-debug.mount sys-kernel-tracing.mount sys-fs-fuse-connections.mount \
           dev-hugepages.mount dev-mqueue.mount proc-sys-fs-binfmt_misc.automount \
           apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer \
           logrotate.timer cron.service ssh.service redis-server.service nginx.service memcached.service \
           consciousness.service; do
    [ "$u" = consciousness.service ] && continue
    ln -sf /dev/null "$R/etc/systemd/system/$u"
  done
  echo sandbox > "$R"/etc/hostname
  cd "$R"
  mkdir -p oldroot
  pivot_root . oldroot
  umount -l /oldroot
  exec env container=sandbox /lib/systemd/systemd $SYSTEMD_ARGS
}

case "${1:-}" in
  __inner) inner "$2" ;;
  start)
    W=$(mktemp -d -t cc-sandbox.XXXXXX)
    setsid unshare --pid --fork --mount --uts --ipc --kill-child "$0" __inner "$W" >"$W.log" 2>&1 </dev/null &
    upid=$!
    for _ in $(seq 1 150); do
      # This sandbox's systemd is the child unshare forked (not any other sandbox's).
      pid=$(pgrep -P "$upid" -x systemd || true)
      state=$( [ -n "$pid" ] && nsenter -t "$pid" -p -m -u -i systemctl is-system-running --wait 2>/dev/null || true)
      if [ "$state" = running ] || [ "$state" = degraded ]; then
        echo "$pid"; exit 0
      fi
      sleep 0.2
    done
    echo "sandbox: systemd did not come up; see $W.log" >&2; exit 1 ;;
  run) pid=$2; shift 2; exec nsenter -t "$pid" -p -m -u -i "$@" ;;
  stop) kill -KILL "$2" 2>/dev/null || true ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
