#!/usr/bin/env python3
# Usage: scripts/bench-qemu-init.py N   (the guest kit built: scripts/build-guest)
# QEMU's own start-up, with no engine: N QEMUs started at once with the test guest's argv and -S, each sent
# qmp_capabilities right after its greeting. The greeting comes from QEMU's monitor I/O thread at once; the
# reply only once the main thread has loaded the guest (kernel, initrd) and runs its main loop. That reply is
# the earliest moment any client can release a guest (docs/BENCHMARKS.md, "guest released").
import os, shutil, socket, subprocess, sys, tempfile, time

n = int(sys.argv[1])
kit = {}
for line in open(os.path.expanduser(os.environ.get("QEMU_REACTOR_HOME", "~/.cache/qemu-reactor") + "/guest/guest.properties")):
    if "=" in line and not line.startswith("#"):
        k, v = line.rstrip("\n").split("=", 1); kit[k] = v
base = tempfile.mkdtemp(prefix="qr-init-", dir="/tmp")
procs, t0 = [], time.monotonic()
try:
    for i in range(n):
        d = os.path.join(base, str(i)); os.makedirs(d)
        argv = ["qemu-system-x86_64", "-nodefaults", "-no-user-config", "-display", "none", "-vga", "none",
                "-cpu", "max", "-machine", "pc,accel=tcg,usb=off,mem-merge=off", "-smp", "1",
                "-object", "memory-backend-memfd,id=mem,size=256M,share=on", "-m", "256M", "-numa", "node,memdev=mem",
                "-kernel", kit["kernel"], "-initrd", kit["initrd"], "-append", "console=ttyS0",
                "-qmp", "unix:" + d + "/qmp.sock,server=on,wait=off", "-serial", "null", "-S"]
        procs.append((subprocess.Popen(argv), d))
    greeting, reply, socks = {}, {}, {}
    while len(reply) < n and time.monotonic() - t0 < 120:
        for i, (p, d) in enumerate(procs):
            if i in reply:
                continue
            if i not in socks:
                try:
                    s = socket.socket(socket.AF_UNIX); s.connect(d + "/qmp.sock"); s.recv(4096)
                    greeting[i] = time.monotonic() - t0
                    s.sendall(b'{"execute":"qmp_capabilities"}\n'); s.setblocking(False); socks[i] = s
                except OSError:
                    pass
            else:
                try:
                    if socks[i].recv(4096):
                        reply[i] = time.monotonic() - t0
                except BlockingIOError:
                    pass
        time.sleep(0.002)
    print("greeting (s):", sorted(round(v, 3) for v in greeting.values()))
    print("reply to qmp_capabilities (s):", sorted(round(v, 3) for v in reply.values()))
finally:
    for p, d in procs:
        p.kill(); p.wait()
    shutil.rmtree(base, ignore_errors=True)
