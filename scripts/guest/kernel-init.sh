#!/bin/sh
# Default init script of the qemu-reactor test guest's kernel flavour (shipped in the kit as
# kernel-init.sh; guest.properties kernelInit=). The kit's initramfs mounts the host's / over 9p
# read-only and runs this script as PID 1 with `switch_root`: it runs with the HOST's /bin/sh and
# the host's /usr/sbin/qemu-ga. The kit's static busybox (KIT/bin) provides the rest.
#
# It mounts proc/sys/devtmpfs and tmpfs on /run and /tmp, brings the NICs up, starts qemu-ga on
# /dev/ttyS1 (and on the virtio-serial port org.qemu.guest_agent.0 if any), prints
# "qemu-reactor-guest: ready" on /dev/ttyS0 and waits. It powers off (QEMU exits) on qemu-ga's
# guest-shutdown and on the ACPI power button (QMP system_powerdown).
#
# Use it as a template for a kernel VM that runs a network function: replace the final wait with
# the function, then `poweroff -f`.

kit=$(cd "$(dirname "$0")" && pwd)
PATH="$kit/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH
. "$kit/lib/guest-lib.sh"

qr_mount_basics
qr_timing "kernel-init.sh"

# Every command below is a busybox applet: run them from tmpfs rather than over 9p.
mkdir -p /run/qemu-reactor/bin
if cp "$kit/bin/busybox" /run/qemu-reactor/bin/busybox &&
    /run/qemu-reactor/bin/busybox --install -s /run/qemu-reactor/bin; then
    PATH="/run/qemu-reactor/bin:$PATH"
fi

# qemu-ga runs /sbin/shutdown for guest-shutdown; the host's one asks systemd, which does not run
# here. Put a wrapper over it (a bind mount in the guest's own mount table, nothing on the host
# changes) that powers off with the kit's busybox.
printf '#!/bin/sh\nPATH="%s/bin:$PATH" exec "%s/bin/shutdown" "$@"\n' "$kit" "$kit" \
    >/run/qemu-reactor/shutdown
chmod 755 /run/qemu-reactor/shutdown
if [ -e /sbin/shutdown ]; then
    mount --bind /run/qemu-reactor/shutdown /sbin/shutdown || qr_log "cannot replace /sbin/shutdown"
else
    qr_log "no /sbin/shutdown on this host: guest-shutdown will fail, use the power button"
fi

qr_network_up "$kit/bin/udhcpc.script"
qr_watch_power_button
qr_timing "network up"
qr_start_agents
qr_timing "agents started"
qr_ready

while :; do sleep 3600; done
