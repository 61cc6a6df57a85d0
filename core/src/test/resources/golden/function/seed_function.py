#!/usr/bin/env python3
"""Prints what the seed generated for the golden cases of VppStartupConfigGoldenTest and
TestpmdCommandLineGoldenTest, as *.seed.conf / *.seed.argv files in this folder.

A restatement (the seed and CSIT cannot be imported here) of:
- QemuUtils.create_kernelvm_config_vpp + CSIT VppConfigGenerator.add_config_item/dump_config
  (Python 3 dict order, which is insertion order; Python 2 CSIT printed dict order);
- QemuUtils.create_kernelvm_config_testpmd_io/_mac + CSIT DpdkUtil.get_testpmd_cmdline (2019),
  split into argv as the shell did.
Run: python3 seed_function.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def add_config_item(config, value, path):
    if len(path) == 1:
        config[path[0]] = value
        return
    if path[0] not in config:
        config[path[0]] = {}
    elif isinstance(config[path[0]], str):
        config[path[0]] = {} if config[path[0]] == '' else {config[path[0]]: ''}
    add_config_item(config[path[0]], value, path[1:])


def dump_config(obj, level=-1):
    out = ''
    indent = '  '
    if level >= 0:
        out += '{}{{\n'.format(level * indent)
    for key, val in obj.items():
        if isinstance(val, dict):
            out += '{}{}\n'.format((level + 1) * indent, key)
            out += dump_config(val, level + 1)
        else:
            out += '{}{} {}\n'.format((level + 1) * indent, key, val)
    if level >= 0:
        out += '{}}}\n'.format(level * indent)
    return out


def seed_vpp_startup(qemu_id, smp, queues, jumbo_frames):
    c = {}
    running = '/etc/vpp/vm_running_{id}.exec'.format(id=qemu_id)
    add_config_item(c, '', ['unix', 'nodaemon'])
    add_config_item(c, '/run/vpp/cli.sock', ['unix', 'cli-listen'])
    add_config_item(c, running, ['unix', 'exec'])
    add_config_item(c, '/run/vpp/api.sock', ['socksvr', 'socket-name'])
    add_config_item(c, '0', ['cpu', 'main-core'])
    if smp > 1:
        add_config_item(c, '1-{smp}'.format(smp=smp - 1), ['cpu', 'corelist-workers'])
    for dev in ('0000:00:06.0', '0000:00:07.0'):
        add_config_item(c, '', ['dpdk', 'dev {0}'.format(dev)])
    add_config_item(c, queues, ['dpdk', 'dev default', 'num-rx-queues'])
    add_config_item(c, 'debug', ['dpdk', 'log-level'])
    if not jumbo_frames:
        add_config_item(c, '', ['dpdk', 'no-multi-seg'])
        add_config_item(c, '', ['dpdk', 'no-tx-checksum-offload'])
    add_config_item(c, ' ', ['plugins', 'plugin default', 'disable'])
    add_config_item(c, ' ', ['plugins', 'plugin dpdk_plugin.so', 'enable'])
    return dump_config(c)


def seed_testpmd(smp, queues, fwd_mode=None, peers=()):
    argv = ['{QEMU_VM_DPDK}/x86_64-native-linuxapp-gcc/app/testpmd']
    # get_eal_options: -v, -l corelist, --master-lcore 0, (-d only if eal_driver), --in-memory
    argv += ['-v', '-l', '0-{}'.format(smp - 1), '--master-lcore', '0', '--in-memory']
    argv += ['--']
    argv += ['--forward-mode={}'.format(fwd_mode or 'io'), '--burst=64', '--txd=1024', '--rxd=1024',
             '--txq={}'.format(queues), '--rxq={}'.format(queues), '--tx-offloads=0x0',
             '--total-num-mbufs=16384']
    # pmd_disable_hw_vlan=False: no --disable-hw-vlan
    for port, mac in enumerate(peers):
        argv.append('--eth-peer={},{}'.format(port, mac))
    argv.append('--nb-cores={}'.format(smp - 1))
    return argv


def write(name, text):
    with open(os.path.join(HERE, name), 'w') as f:
        f.write(text)


if __name__ == '__main__':
    write('vpp-startup-smp1-q1.seed.conf', seed_vpp_startup(1, 1, 1, False))
    write('vpp-startup-smp2-q1.seed.conf', seed_vpp_startup(1, 2, 1, False))
    write('vpp-startup-smp4-q2-jumbo.seed.conf', seed_vpp_startup(1, 4, 2, True))
    write('testpmd-io.seed.argv', '\n'.join(seed_testpmd(2, 1)) + '\n')
    write('testpmd-mac.seed.argv', '\n'.join(seed_testpmd(4, 2, 'mac', ('52:54:00:00:02:01', '52:54:00:00:03:02'))) + '\n')
