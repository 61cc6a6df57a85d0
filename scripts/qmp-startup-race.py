#!/usr/bin/env python3
"""Reproduces the QEMU 7.2 QMP start-up race behind the SSH soak's stall (issue #12), without SSH or the JVM.

Starts N fresh QEMUs one after the other (`-machine none`, QMP on a unix socket, as the soak does) and
connects to each QMP socket as soon as it accepts, which is what the engine does (it polls for the socket
every 5-50 ms). It reads the greeting, sends `qmp_capabilities` and waits up to 10 s for the reply. A QEMU
that does not answer is reported with each of its threads' syscall (from /proc) and, with --trace, its
monitor/listener trace (kept in DIR/I/qemu.log; the folders of QEMUs that answered are removed).

What it showed on 2026-12-02 (QEMU 7.2.22, Debian, load 5-10): of 2,300 QEMUs 10 never answered and 2 sent
two greetings on one connection. For each silent one the trace
shows the listener's watch moved from the main loop to the monitor I/O thread at start-up, the I/O thread
accepting the connection and sending the greeting, the request read and queued (monitor_qmp_in_band_enqueue)
and never dequeued, and a second `accept start` on the listening socket; the main thread sits in accept4()
on that (blocking) socket, so the main loop, which runs the QMP dispatcher, never runs again. With
--wait-on (`server=on,wait=on`: QEMU accepts the first client on its main thread while it starts) 0 of 900.
docs/BENCHMARKS.md (Lifecycle soak) has the whole account.

Usage: scripts/qmp-startup-race.py DIR N [--trace] [--wait-on]
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time


def connect(path):
    """Connects as soon as the socket accepts: it exists (bind) a moment before it listens."""
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            return s
        except (ConnectionRefusedError, FileNotFoundError):
            s.close()
            time.sleep(0.001)


def exchange(s):
    """Greeting, qmp_capabilities, reply: returns (answered, messages)."""
    s.settimeout(10)
    buf, msgs, sent, start = b"", [], False, time.time()
    try:
        while time.time() - start < 10:
            data = s.recv(4096)
            if not data:
                break
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if not line.strip():
                    continue
                m = json.loads(line)
                msgs.append(m)
                if "QMP" in m and not sent:
                    s.sendall(b'{"execute":"qmp_capabilities","id":1}\n')
                    sent = True
                elif "return" in m:
                    return True, msgs
    except socket.timeout:
        pass
    return False, msgs


def threads(pid):
    """Each thread's name, wait channel and syscall line (number and arguments) from /proc."""
    out = []
    for t in sorted(os.listdir(f"/proc/{pid}/task")):
        base = f"/proc/{pid}/task/{t}"
        out.append(f"  thread {t} {open(base + '/comm').read().strip()}: wchan={open(base + '/wchan').read().strip()}"
                   f" syscall={open(base + '/syscall').read().strip()}")
    return "\n".join(out)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    base, n = sys.argv[1], int(sys.argv[2])
    trace, wait = "--trace" in sys.argv, "on" if "--wait-on" in sys.argv else "off"
    stalled = 0
    for i in range(n):
        folder = os.path.join(base, str(i))
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "qmp.sock")
        argv = ["qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none",
                "-qmp", f"unix:{path},server=on,wait={wait}"]
        if trace:
            argv += ["-trace", "enable=monitor_*", "-trace", "enable=handle_qmp_command", "-trace", "enable=qio_*"]
        with open(os.path.join(folder, "qemu.log"), "w") as log:
            qemu = subprocess.Popen(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        s = connect(path)
        answered, msgs = exchange(s)
        greetings = sum(1 for m in msgs if "QMP" in m)
        if not answered or greetings != 1:
            stalled += 1
            print(f"QEMU {i} (pid {qemu.pid}): answered={answered}, greetings={greetings}\n{threads(qemu.pid)}", flush=True)
        s.close()
        qemu.kill()
        qemu.wait()
        if answered and greetings == 1:
            shutil.rmtree(folder)
    print(f"{n} QEMUs (wait={wait}), {stalled} did not answer qmp_capabilities", flush=True)


if __name__ == "__main__":
    main()
