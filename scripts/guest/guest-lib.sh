# Shared steps of the qemu-reactor test guest, sourced (POSIX sh) by /init (busybox sh, in the
# initramfs and on the disk image) and by the kit's kernel-init.sh (the host's /bin/sh, with the
# kit's busybox applets first on PATH). Needs: mount, readlink, usleep, dd, ip, udhcpc, qemu-ga.

QR_MARKER='qemu-reactor-guest: ready'

qr_log() { echo "qemu-reactor-guest: $*" >/dev/kmsg 2>/dev/null; }

# With qemu-reactor.timing on the kernel command line: the uptime at each stage, on ttyS0.
qr_timing() {
    [ -n "$QR_TIMING" ] && echo "qemu-reactor-guest: $(cut -d' ' -f1 /proc/uptime) $*" >/dev/ttyS0
    return 0
}

# proc, sys, devtmpfs, devpts, tmpfs on /run and /tmp; each only when not mounted yet.
qr_mount_basics() {
    [ -e /proc/self ] || mount -t proc -o nodev,noexec,nosuid proc /proc
    [ -d /sys/kernel ] || mount -t sysfs -o nodev,noexec,nosuid sysfs /sys
    [ -e /dev/null ] || mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
    [ -d /dev/pts ] || mkdir -p /dev/pts
    grep -q ' /dev/pts ' /proc/mounts || mount -t devpts -o gid=5,mode=620 devpts /dev/pts
    grep -q ' /run ' /proc/mounts || mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
    grep -q ' /tmp ' /proc/mounts || mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
    # Only emergencies on the console, so the marker is a line of its own.
    echo 1 >/proc/sys/kernel/printk 2>/dev/null
    QR_TIMING=
    grep -qw qemu-reactor.timing /proc/cmdline && QR_TIMING=1
    return 0
}

# Every NIC up (lo too), DHCP in the background: never blocks the marker.
qr_network_up() {
    ip link set lo up 2>/dev/null
    for n in /sys/class/net/*; do
        nic=${n##*/}
        [ "$nic" = lo ] && continue
        ip link set "$nic" up 2>/dev/null
        udhcpc -i "$nic" -s "$1" -b -S -t 5 -T 2 -A 10 -p "/run/udhcpc-$nic.pid" \
            </dev/null >/dev/null 2>&1 &
    done
    return 0
}

# qr_start_agent METHOD PORT NAME: start qemu-ga on PORT and wait (up to ~3 s) until it has the
# port open, so a client that sees the marker can talk to it at once.
qr_start_agent() {
    mkdir -p "/run/qemu-ga-$3"
    qemu-ga -m "$1" -p "$2" -f "/run/qemu-ga-$3.pid" -t "/run/qemu-ga-$3" -l "/run/qemu-ga-$3.log" \
        </dev/null >/dev/null 2>&1 &
    qr_pid=$!
    qr_i=0
    while [ $qr_i -lt 150 ]; do
        for fd in /proc/$qr_pid/fd/*; do
            [ "$(readlink "$fd" 2>/dev/null)" = "$2" ] && return 0
        done
        [ -d /proc/$qr_pid ] || { qr_log "qemu-ga on $2 exited, see /run/qemu-ga-$3.log"; return 1; }
        usleep 20000
        qr_i=$((qr_i + 1))
    done
    qr_log "qemu-ga did not open $2"
    return 1
}

# qemu-ga on the isa-serial port the seed wires (ttyS1 when the console is ttyS0), and on the
# virtio-serial port named org.qemu.guest_agent.0 when the VM has a virtio-serial device (its
# ports appear shortly after the driver binds: wait up to ~3 s for the name).
qr_start_agents() {
    [ -e /dev/ttyS1 ] && qr_start_agent isa-serial /dev/ttyS1 isa
    ls -d /sys/bus/virtio/drivers/virtio_console/virtio* >/dev/null 2>&1 || return 0
    qr_i=0
    while [ $qr_i -lt 150 ]; do
        for p in /sys/class/virtio-ports/*; do
            [ -e "$p/name" ] || continue
            if [ "$(cat "$p/name")" = org.qemu.guest_agent.0 ]; then
                qr_j=0
                while [ ! -e "/dev/${p##*/}" ] && [ $qr_j -lt 50 ]; do usleep 20000; qr_j=$((qr_j + 1)); done
                qr_start_agent virtio-serial "/dev/${p##*/}" virtio
                return 0
            fi
        done
        usleep 20000
        qr_i=$((qr_i + 1))
    done
    qr_log "virtio-serial present but no port named org.qemu.guest_agent.0"
    return 0
}

# The ACPI power button (QMP system_powerdown): the first event from an input device named
# "Power Button" runs /sbin/shutdown (needs the button and evdev modules).
qr_watch_power_button() {
    for ev in /sys/class/input/event*; do
        [ -e "$ev/device/name" ] || continue
        [ "$(cat "$ev/device/name")" = "Power Button" ] || continue
        ( dd if="/dev/input/${ev##*/}" of=/dev/null bs=24 count=1 2>/dev/null \
            && exec /sbin/shutdown -h -P +0 power button ) </dev/null >/dev/null 2>&1 &
    done
    return 0
}

# The marker, on ttyS0 itself: /dev/console may be elsewhere.
qr_ready() {
    printf '%s\n' "$QR_MARKER" >/dev/ttyS0
    qr_log ready
}
