# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""--syslog: events to a real rsyslogd (Debian's rsyslog and rsyslog-gnutls,
installed by ./setup) on loopback, imtcp writing what it received to a file.
Delivery (each event once, RFC 5424 fields, MSG == the -o json line), a
collector restart mid-stream (nothing twice, what was not sent is counted),
TLS verified against a CA made here with openssl, and a wrong CA or name
refused with a clear line and nothing sent."""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import BIN, Tracer, need, run

FIELDS = "%APP-NAME%|%HOSTNAME%|%PROCID%|%MSGID%|%syslogseverity%|%msg%\\n"


class Collector:
    """rsyslogd -n on a random loopback port, every message to got.log."""

    def __init__(self, tmp, tls=False):
        need("rsyslogd")
        self.tmp, self.tls = tmp, tls
        self.port = random.randint(20000, 60000)
        self.out = os.path.join(tmp, "got.log")
        self.p = None

    def start(self):
        g = f'global(workDirectory="{self.tmp}" maxMessageSize="256k"'
        if self.tls:
            g += (f' DefaultNetstreamDriverCAFile="{self.tmp}/ca.pem"'
                  f' DefaultNetstreamDriverCertFile="{self.tmp}/srv.pem"'
                  f' DefaultNetstreamDriverKeyFile="{self.tmp}/srv.key"')
        mod = 'module(load="imtcp"' + (' StreamDriver.Name="gtls" StreamDriver.Mode="1"'
                                        ' StreamDriver.AuthMode="anon"' if self.tls else "") + ")\n"
        conf = os.path.join(self.tmp, "rs.conf")
        with open(conf, "w") as f:
            f.write(g + ")\n" + mod + f'input(type="imtcp" port="{self.port}" address="127.0.0.1")\n'
                    f'template(name="f" type="string" string="{FIELDS}")\n'
                    f'*.* action(type="omfile" file="{self.out}" template="f")\n')
        self.p = subprocess.Popen(["rsyslogd", "-n", "-f", conf, "-i", os.path.join(self.tmp, "rs.pid")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):  # listening?
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("rsyslogd did not start")

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            self.p.wait(10)

    def messages(self):
        """[(app, host, procid, msgid, severity, event-or-None)]"""
        got = []
        if not os.path.exists(self.out):
            return got
        for line in open(self.out, encoding="utf-8", errors="replace"):
            parts = line.rstrip("\n").split("|", 5)
            if len(parts) < 6:
                continue
            try:
                ev = json.loads(parts[5])
            except ValueError:
                ev = None
            got.append((*parts[:5], ev))
        return got


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix="tracer-syslog-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def collector(tmp):
    c = Collector(tmp).start()
    yield c
    c.stop()


def execs_of(msgs, marker):
    """The exec events whose arguments are exactly `marker`."""
    return [m for m in msgs if m[5] and m[5].get("process_exec", {}).get("process", {}).get("arguments") == marker]


def wait_for(fn, timeout=10):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if fn():
            return True
        time.sleep(0.1)
    return fn()


def test_delivery_each_event_once_as_its_json_line(collector, tag):
    url = f"tcp://127.0.0.1:{collector.port}"
    with Tracer("-o", "json", "--syslog", url) as tr:
        for i in range(30):
            run(["/usr/bin/true", f"{tag}-{i}"])
        assert wait_for(lambda: all(execs_of(collector.messages(), f"{tag}-{i}") for i in range(30)))
        tr.p.send_signal(signal.SIGUSR1)  # the statistics carry the syslog counters
        assert wait_for(lambda: f"syslog {url}: connected," in tr.stderr(), 5), tr.stderr()
    msgs = collector.messages()
    for i in range(30):
        assert len(execs_of(msgs, f"{tag}-{i}")) == 1, i
    app, host, procid, msgid, sev, ev = execs_of(msgs, f"{tag}-0")[0]
    assert (app, procid, msgid, sev) == ("tracer", str(tr.p.pid), "process_exec", "6")
    assert host == socket.gethostname()
    # stdout keeps working, and MSG is exactly the line -o json printed
    printed = [e for e in tr.events() if e.get("process_exec", {}).get("process", {}).get("arguments") == f"{tag}-0"]
    assert printed == [ev]
    assert "0 events not delivered to syslog" in tr.stderr()


def test_quiet_sends_a_huge_argv_whole(collector, tag):
    big = tag + "x" * 100000
    mine = lambda: [m for m in collector.messages() if m[5] and tag in json.dumps(m[5]) and "process_exec" in m[5]]
    with Tracer("-q", "--syslog", f"tcp://127.0.0.1:{collector.port}") as tr:
        run(["/usr/bin/true", big, "two\nlines"])
        assert wait_for(mine)
    assert tr.stdout() == ""
    with Tracer("-o", "json") as ref:  # what -o json prints for the same argv
        run(["/usr/bin/true", big, "two\nlines"])
    want = [e for e in ref.events() if tag in json.dumps(e) and "process_exec" in e]
    got = mine()
    assert len(got) == 1 and len(want) == 1, (len(got), len(want))
    a, b = got[0][5]["process_exec"]["process"], want[0]["process_exec"]["process"]
    assert len(json.dumps(got[0][5])) > 8192  # past a TCP segment and syslog's 8k default
    assert a["arguments"] == b["arguments"] and a["arguments"].startswith(tag + "xxx")


def test_policy_events_raise_the_severity(collector, tag):
    with Tracer("-q", "-P", "sensitive-files", "--syslog", f"tcp://127.0.0.1:{collector.port}"):
        run(["/bin/cat", "/etc/shadow"])
        assert wait_for(lambda: any(m[3] != "process_exec" and m[3] != "process_exit"
                                    for m in collector.messages()), 10)
    sev = {m[4] for m in collector.messages() if m[3] in ("process_kprobe", "process_lsm", "process_tracepoint")}
    assert sev and sev <= {"4", "5"}, sev


def test_collector_restart_nothing_twice(collector, tag):
    with Tracer("-q", "--syslog", f"tcp://127.0.0.1:{collector.port}") as tr:
        run(["/usr/bin/true", f"{tag}-before"])
        assert wait_for(lambda: execs_of(collector.messages(), f"{tag}-before"))
        collector.stop()
        for i in range(20):
            run(["/usr/bin/true", f"{tag}-down{i}"])
        time.sleep(0.5)
        collector.start()
        for i in range(20):
            run(["/usr/bin/true", f"{tag}-up{i}"])
            time.sleep(0.02)
        assert wait_for(lambda: all(execs_of(collector.messages(), f"{tag}-up{i}") for i in range(20)), 15)
    msgs = collector.messages()
    for m in ["before"] + [f"down{i}" for i in range(20)] + [f"up{i}" for i in range(20)]:
        assert len(execs_of(msgs, f"{tag}-{m}")) <= 1, m  # never twice
    assert all(len(execs_of(msgs, f"{tag}-up{i}")) == 1 for i in range(20))
    down = sum(1 for i in range(20) if execs_of(msgs, f"{tag}-down{i}"))
    err = tr.stderr()
    assert "closed the connection" in err and "connected" in err, err
    # the downtime's events were held and sent late, or counted
    assert down == 20 or "not delivered to syslog (lost:" in err, (down, err)


def make_certs(tmp, name="IP:127.0.0.1"):
    need("openssl")
    sub = f"-subj /CN=collector -addext subjectAltName={name}"
    r = run(f"cd {tmp} && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout ca.key -out ca.pem -subj /CN=test-ca && "
            f"openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr {sub} && "
            f"openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out srv.pem -copy_extensions copy && "
            f"openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout other.key -out other.pem -subj /CN=other-ca")
    assert r.returncode == 0, r.stderr[-500:]


def tls_collector(tmp, name="IP:127.0.0.1"):
    if not os.path.exists("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so"):
        pytest.fail("rsyslog-gnutls is missing: ./setup installs it (packages.txt)")
    make_certs(tmp, name)
    return Collector(tmp, tls=True).start()


def test_tls_verified_against_the_ca(tmp, tag):
    c = tls_collector(tmp)
    try:
        with Tracer("-q", "--syslog", f"tls://127.0.0.1:{c.port}", "--syslog-ca", f"{tmp}/ca.pem") as tr:
            for i in range(10):
                run(["/usr/bin/true", f"{tag}-{i}"])
            assert wait_for(lambda: all(execs_of(c.messages(), f"{tag}-{i}") for i in range(10)))
        assert all(len(execs_of(c.messages(), f"{tag}-{i}")) == 1 for i in range(10))
        assert "verif" not in tr.stderr()
    finally:
        c.stop()


@pytest.mark.parametrize("case", ["wrong-ca", "wrong-name"])
def test_tls_refuses_an_unverified_collector(tmp, tag, case):
    c = tls_collector(tmp, "IP:127.0.0.1" if case == "wrong-ca" else "DNS:elsewhere.example")
    ca = f"{tmp}/other.pem" if case == "wrong-ca" else f"{tmp}/ca.pem"
    try:
        with Tracer("-q", "--syslog", f"tls://127.0.0.1:{c.port}", "--syslog-ca", ca) as tr:
            time.sleep(1)
            run(["/usr/bin/true", f"{tag}-x"])
            time.sleep(1)
        assert not [m for m in c.messages() if tag in json.dumps(m[5])]
        err = tr.stderr()
        assert "certificate verification failed" in err, err
        assert ("IP address mismatch" in err) == (case == "wrong-name"), err
        lines = [l for l in err.splitlines() if "verification failed" in l]
        assert len(lines) == 1, lines  # said once, not at every retry
        assert "1 events not delivered to syslog" not in err or "lost" in err
    finally:
        c.stop()


def test_usage_errors_are_one_line(tmp):
    for args, rc in [(["--syslog", "udp://x:1"], 2), (["--syslog-ca", "/etc/hostname"], 2),
                     (["--syslog", "tcp://127.0.0.1:1", "--syslog-ca", "/etc/hostname"], 1),
                     (["--syslog", "tls://127.0.0.1:1", "--syslog-ca", f"{tmp}/none.pem"], 1),
                     (["--syslog", "tls://127.0.0.1:1", "--syslog-cert", "/etc/hostname"], 1)]:
        r = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=20)
        assert r.returncode == rc, (args, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("tracer: "), (args, r.stderr)
