#!/bin/sh
# Init script of a qemu-reactor kernel VM that runs one network function.
# Generated from io/qemureactor/core/function/templates/init.sh: edit the template, not this copy.
#
# The guest kernel mounts the host's / read-only over 9p and runs this file as PID 1 (init=...). It
# follows FD.io CSIT's resources/templates/vm/init.sh, which the seed (QemuUtils.create_kernelvm_init)
# filled in: mount what the function needs, hand the function's NICs to vfio-pci, create its runtime
# folder, run it, then `poweroff -f`. It also mounts proc, sysfs and devtmpfs (no initramfs did it
# for us), skips a NIC that is absent instead of failing, and writes the function's output to the
# serial console, where the boot probe reads it. Every generated value below is shell-quoted.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
qr_function=${function}
qr_console=/dev/${console}

qr_log() {
    printf 'qemu-reactor-init: %s\n' "$*" >"$qr_console" 2>/dev/null || printf 'qemu-reactor-init: %s\n' "$*"
}

qr_mounted() {
    grep -q " $1 " /proc/mounts 2>/dev/null
}

# Kernel file systems first, each only when not mounted yet; a failed mount is logged, not fatal.
[ -e /proc/self ] || mount -t proc -o nodev,noexec,nosuid proc /proc || qr_log "cannot mount /proc"
[ -d /sys/kernel ] || mount -t sysfs -o nodev,noexec,nosuid sysfs /sys || qr_log "cannot mount /sys"
[ -e /dev/null ] || mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev || qr_log "cannot mount /dev"
mkdir -p /dev/pts /dev/hugepages
qr_mounted /dev/pts || mount -t devpts -o rw,noexec,nosuid,gid=5,mode=0620 devpts /dev/pts \
    || qr_log "cannot mount /dev/pts"
qr_mounted /run || mount -t tmpfs -o rw,nosuid,nodev,size=10%,mode=0755 tmpfs /run || qr_log "cannot mount /run"
qr_mounted /tmp || mount -t tmpfs -o rw,nosuid,nodev,size=10%,mode=1777 tmpfs /tmp || qr_log "cannot mount /tmp"
qr_mounted /dev/hugepages || mount -t hugetlbfs -o rw,relatime,pagesize=${hugepage_size} hugetlbfs /dev/hugepages \
    || qr_log "cannot mount /dev/hugepages"

# The guest has no IOMMU: vfio-pci only works in no-IOMMU mode. Loaded once, before the first NIC.
qr_vfio_loaded=
qr_bind_vfio() {
    qr_dev=/sys/bus/pci/devices/$1
    if [ ! -e "$qr_dev" ]; then
        qr_log "NIC $1 is absent: not bound to vfio-pci"
        return 0
    fi
    if [ -z "$qr_vfio_loaded" ]; then
        modprobe vfio enable_unsafe_noiommu_mode=1 2>/dev/null
        modprobe vfio-pci 2>/dev/null
        [ -w /sys/module/vfio/parameters/enable_unsafe_noiommu_mode ] \
            && echo Y >/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
        qr_vfio_loaded=1
    fi
    [ -e "$qr_dev/driver" ] && echo "$1" >"$qr_dev/driver/unbind"
    echo vfio-pci >"$qr_dev/driver_override"
    echo "$1" >/sys/bus/pci/drivers_probe 2>/dev/null
    case $(readlink "$qr_dev/driver" 2>/dev/null) in
        */vfio-pci) qr_log "NIC $1 bound to vfio-pci" ;;
        *) qr_log "NIC $1 is not bound to vfio-pci (no vfio-pci driver in this guest?)" ;;
    esac
}

qr_runtime_folder() {
    mkdir -p -- "$1" || qr_log "cannot create $1"
}

${bind_nics}
${runtime_folders}

# The function, with its output on the serial console. Its stdin stays the console: testpmd waits there.
set -- ${command}
qr_log "starting $qr_function: $*"
if [ -c "$qr_console" ]; then
    "$@" >"$qr_console" 2>&1
else
    "$@"
fi
qr_status=$?
qr_log "$qr_function exited with status $qr_status, powering off"

# The kernel then prints "reboot: Power down", which the boot probe takes as the function's end.
poweroff -f
# PID 1 must not return (the kernel would panic): if poweroff is missing or failed, ask the kernel.
echo o >/proc/sysrq-trigger
while :; do sleep 1; done
