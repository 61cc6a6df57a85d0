#!/usr/bin/env python3
"""Derive the seed's QEMU argv for the golden cases (run: python3 seed_argv.py; writes *.seed.argv).

The seed (FD.io CSIT QemuUtils.py, 2019) cannot be imported here: it needs robot and CSIT's
resources package and runs commands over SSH. This script restates, line for line, what its
add_default_params, add_nestedvm_params, add_kernelvm_params and qemu_add_vhost_user_if put
into its OptionString, with the same inputs the Java golden tests use. OptionString parts are
stripped and empty ones dropped; the seed then joins them with spaces and runs the string
through a shell (sudo over SSH), so the argv QEMU really got is shlex.split of that string:
that is what we record, one argument per line.
"""
import shlex

QEMU_BIN_PATH = '/usr/bin'


class Parts:
    """The part of CSIT's OptionString the seed uses: '-'+name, then the value; empties dropped."""

    def __init__(self):
        self.parts = []

    def add(self, name):
        self.parts.append('-' + name)

    def add_with_value(self, name, value):
        value = str(value).strip()
        if value:
            self.parts += ['-' + name, value]


def seed_vm(arch, qemu_id, smp, mem, vm_type, img, initrd=None):
    p = Parts()
    port, serial = 10021 + qemu_id, 4555 + qemu_id
    pidfile = '/var/run/qemu_{id}.pid'.format(id=qemu_id)
    qmp = '/var/run/qmp_{id}.sock'.format(id=qemu_id)
    qga = '/var/run/qga_{id}.sock'.format(id=qemu_id)
    log = '/tmp/serial_{id}.log'.format(id=qemu_id)
    ini = '/etc/vm_init_{id}.conf'.format(id=qemu_id)
    # add_default_params
    p.add('daemonize')
    p.add('nodefaults')
    p.add_with_value('name', 'vnf{qemu},debug-threads=on'.format(qemu=qemu_id))
    p.add('no-user-config')
    p.add_with_value('monitor', 'none')
    p.add_with_value('display', 'none')
    p.add_with_value('vga', 'none')
    p.add('enable-kvm')
    p.add_with_value('pidfile', pidfile)
    p.add_with_value('cpu', 'host')
    if arch == 'aarch64':
        machine_args = 'virt,accel=kvm,usb=off,mem-merge=off,gic-version=3'
    else:
        machine_args = 'pc,accel=kvm,usb=off,mem-merge=off'
    p.add_with_value('machine', machine_args)
    p.add_with_value('smp', '{smp},sockets=1,cores={smp},threads=1'.format(smp=smp))
    p.add_with_value('object', 'memory-backend-file,id=mem,size={mem}M,'
                     'mem-path=/dev/hugepages,share=on'.format(mem=mem))
    p.add_with_value('m', '{mem}M'.format(mem=mem))
    p.add_with_value('numa', 'node,memdev=mem')
    p.add_with_value('balloon', 'none')
    if vm_type == 'nestedvm':
        p.add_with_value('net', 'nic,macaddr=52:54:00:00:{qemu:02x}:ff'.format(qemu=qemu_id))
        p.add_with_value('net', 'user,hostfwd=tcp::{port}-:22'.format(port=port))
        locking = ',file.locking=off'  # qemu_version('2.10') is true for any QEMU we run
        p.add_with_value('drive', 'file={img},format=raw,cache=none,if=virtio{locking}'
                         .format(img=img, locking=locking))
        p.add_with_value('qmp', 'unix:{qmp},server,nowait'.format(qmp=qmp))
        p.add_with_value('chardev', 'socket,host=127.0.0.1,port={serial},'
                         'id=gnc0,server,nowait'.format(serial=serial))
        p.add_with_value('device', 'isa-serial,chardev=gnc0')
        p.add_with_value('chardev', 'socket,path={qga},server,nowait,id=qga0'.format(qga=qga))
        p.add_with_value('device', 'isa-serial,chardev=qga0')
    else:
        console = 'ttyAMA0' if arch == 'aarch64' else 'ttyS0'
        p.add_with_value('serial', 'file:{log}'.format(log=log))
        p.add_with_value('fsdev', 'local,id=root9p,path=/,security_model=none')
        p.add_with_value('device', 'virtio-9p-pci,fsdev=root9p,mount_tag=virtioroot')
        p.add_with_value('kernel', img)
        p.add_with_value('initrd', initrd)
        p.add_with_value('append', '"ro rootfstype=9p rootflags=trans=virtio '
                         'root=virtioroot console={console} tsc=reliable '
                         'hugepages=256 init={init} fastboot"'.format(console=console, init=ini))
    return p


def add_vhost_user_if(p, qemu_id, vhost_id, socket, server=True, jumbo_frames=False,
                      queue_size=None, queues=1):
    p.add_with_value('chardev', 'socket,id=char{vhost},path={socket}{server}'.format(
        vhost=vhost_id, socket=socket, server=',server' if server is True else ''))
    p.add_with_value('netdev', 'vhost-user,id=vhost{vhost},chardev=char{vhost},'
                     'queues={queues}'.format(vhost=vhost_id, queues=queues))
    mac = '52:54:00:00:{qemu:02x}:{vhost:02x}'.format(qemu=qemu_id, vhost=vhost_id)
    queue_size = ('rx_queue_size={queue_size},tx_queue_size={queue_size}'
                  .format(queue_size=queue_size)) if queue_size else ''
    mbuf = 'on,host_mtu=9200'
    p.add_with_value('device', 'virtio-net-pci,netdev=vhost{vhost},mac={mac},'
                     'addr={addr}.0,mq=on,vectors={vectors},csum=off,gso=off,'
                     'guest_tso4=off,guest_tso6=off,guest_ecn=off,mrg_rxbuf={mbuf},'
                     '{queue_size}'.format(addr=vhost_id + 5, vhost=vhost_id, mac=mac,
                                           mbuf=mbuf if jumbo_frames else 'off',
                                           queue_size=queue_size, vectors=2 * queues + 2))


def argv(arch, p):
    # qemu_start: the binary, then the parameters, as one string for the shell
    line = '{bin}/qemu-system-{arch} '.format(bin=QEMU_BIN_PATH, arch=arch) + ' '.join(p.parts)
    return shlex.split(line)


def write(name, args):
    with open(name + '.seed.argv', 'w') as out:
        out.write('\n'.join(args) + '\n')


KERNEL = '/opt/boot/vmlinuz-4.15.0-72-generic'
INITRD = '/opt/boot/initrd.img-4.15.0-72-generic'

write('nested-vm', argv('x86_64', seed_vm('x86_64', 1, 2, 2048, 'nestedvm',
                                          '/var/lib/vm/vhost-nested.img')))
write('kernel-vm', argv('x86_64', seed_vm('x86_64', 2, 2, 1024, 'kernelvm', KERNEL, INITRD)))
vhost = seed_vm('x86_64', 3, 3, 2048, 'kernelvm', KERNEL, INITRD)
add_vhost_user_if(vhost, 3, 1, '/run/vpp/sock-3-1', server=True)
add_vhost_user_if(vhost, 3, 2, '/run/vpp/sock-3-2', server=False, jumbo_frames=True,
                  queue_size=1024, queues=2)
write('vhost-user-vm', argv('x86_64', vhost))
write('aarch64-kernel-vm', argv('aarch64', seed_vm('aarch64', 4, 1, 512, 'kernelvm',
                                                   '/opt/boot/vmlinuz-4.15.0-72-generic-arm64',
                                                   '/opt/boot/initrd.img-4.15.0-72-generic-arm64')))
