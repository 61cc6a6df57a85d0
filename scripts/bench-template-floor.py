#!/usr/bin/env python3
# Usage: scripts/bench-template-floor.py TEMPLATE_DIR ROUNDS  (a template made by ./qemu-reactor template create)
# The floor of a restore, from a script: QEMU started with the clone's argv, the same QMP steps as the
# engine (capabilities, migrate-incoming, wait paused, cont), then the agent's first answer.
import json, socket, subprocess, sys, tempfile, time, shutil
T = sys.argv[1]; rounds = int(sys.argv[2])
m = json.load(open(T + "/manifest.json"))

def connect(path, t0):
    while time.monotonic() - t0 < 60:
        try:
            s = socket.socket(socket.AF_UNIX); s.connect(path); return s
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.002)
    raise SystemExit("no socket " + path)

def qmp(f, s, cmd, args=None):
    msg = {"execute": cmd}
    if args: msg["arguments"] = args
    s.sendall(json.dumps(msg).encode() + b"\n")
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r: return r

res = []
for r in range(rounds):
    run = tempfile.mkdtemp(prefix="qr-floor-", dir="/tmp")
    argv = ["qemu-system-x86_64"] + [a.replace("/run/qemu-reactor-template", run).replace("mem-path=/template/ram,share=on", "mem-path=" + T + "/ram,share=off") for a in m["guestArgv"]]
    argv += ["-incoming", "defer", "-S"]
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        s = connect(run + "/qmp.sock", t0); f = s.makefile("r")
        f.readline(); qmp(f, s, "qmp_capabilities")
        t_qmp = time.monotonic() - t0
        qmp(f, s, "migrate-set-capabilities", {"capabilities": [{"capability": "x-ignore-shared", "state": True}]})
        qmp(f, s, "migrate-incoming", {"uri": "exec:cat " + T + "/state.bin"})
        while qmp(f, s, "query-status")["return"]["status"] != "paused":
            time.sleep(0.002)
        qmp(f, s, "cont"); t_resumed = time.monotonic() - t0
        g = connect(run + "/qga.sock", t0); g.settimeout(0.05); buf = b""
        while b"4242" not in buf:
            g.sendall(b"\xff" + json.dumps({"execute": "guest-sync-delimited", "arguments": {"id": 4242}}).encode())
            try: buf += g.recv(4096)
            except socket.timeout: pass
        t_agent = time.monotonic() - t0
        res.append((int(t_qmp * 1000), int(t_resumed * 1000), int(t_agent * 1000)))
        print("floor round %d: qmp %d ms, resumed %d ms, agent %d ms" % ((r,) + res[-1]), flush=True)
    finally:
        p.kill(); p.wait(); shutil.rmtree(run, ignore_errors=True)
for i, name in enumerate(["qmp", "resumed", "agent"]):
    v = sorted(x[i] for x in res); print("floor %s: median %d ms, max %d ms" % (name, v[len(v)//2], v[-1]))
