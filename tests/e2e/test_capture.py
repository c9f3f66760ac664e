# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Forensics habits end to end: -w/-r capture and replay (byte-equal JSON,
filters, unprivileged, rotation, damaged files), -Z, SIGUSR1, --time and
--color."""
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import BIN, Tracer, find, in_container, mark, run


def lines(b):
    return [l for l in b.decode().splitlines() if l.strip()]


@pytest.fixture
def capture(tmp_path):
    """A capture of host and container activity, and what was printed live."""
    cap = tmp_path / "trace.cap"
    t = mark()
    with Tracer("-o", "json", "-w", str(cap)) as tr:
        run(["/usr/bin/true", f"{t}-host"])
        in_container(f"/usr/bin/true {t}-ct")
        run(["/bin/sh", "-c", f"exit 3", f"{t}-exit"])
    os.chmod(cap, 0o644)
    return cap, t, lines(tr.stdout_bytes())


def test_replay_equals_live_byte_for_byte(capture):
    cap, t, live = capture
    r = run([BIN, "-r", str(cap), "-o", "json"])
    assert r.returncode == 0, r.stderr
    assert lines(r.stdout) == live
    pub = tempfile.mkdtemp(prefix="tracer-pub-")  # nobody cannot enter pytest's tmp
    os.chmod(pub, 0o755)
    shutil.copy(cap, pub + "/trace.cap")
    os.chmod(pub + "/trace.cap", 0o644)
    r = run(["runuser", "-u", "nobody", "--", BIN, "-r", pub + "/trace.cap", "-o", "json"])
    shutil.rmtree(pub)
    assert r.returncode == 0 and lines(r.stdout) == live
    r = subprocess.run([BIN, "-r", "-", "-o", "json"], stdin=open(cap, "rb"), capture_output=True)
    assert lines(r.stdout) == live


def test_replay_of_processes_older_than_the_capture(tmp_path):
    """A process that predates the tracer, whose parent execs again after
    the start-up scan: replay links it to the parent as live did."""
    cap = tmp_path / "old.cap"
    pre = subprocess.Popen(["/bin/sh", "-c", "(sleep 1.2; /bin/true) & sleep 0.5; exec /bin/sleep 1.5"])
    time.sleep(0.2)
    with Tracer("-o", "json", "-w", str(cap)) as tr:
        time.sleep(1.6)
        run(["/usr/bin/true", "after"])
    pre.wait()
    live = lines(tr.stdout_bytes())
    r = run([BIN, "-r", str(cap), "-o", "json"])
    assert r.returncode == 0 and lines(r.stdout) == live


def test_replay_formats_and_filters(capture):
    cap, t, live = capture
    out = run([BIN, "-r", str(cap), "-o", "csv"]).stdout.decode()
    assert out.startswith("time,event,") and f"{t}-host" in out
    out = run([BIN, "-r", str(cap), "-o", "compact"]).stdout.decode()
    assert f"/usr/bin/true {t}-host" in out
    evs = [json.loads(l) for l in lines(run([BIN, "-r", str(cap), "-o", "json", "--container"]).stdout)]
    assert any(t + "-ct" in json.dumps(e) for e in evs)
    assert not find(evs, pred=lambda b: b["process"]["binary"] == "/usr/bin/true" and f"{t}-host" in b["process"].get("arguments", ""))
    evs = [json.loads(l) for l in lines(run([BIN, "-r", str(cap), "-o", "json", "-e", "exit"]).stdout)]
    assert evs and all("process_exit" in e for e in evs)
    pid = next(json.loads(l)["process_exec"]["process"]["pid"] for l in live
               if f"{t}-host" in l and "process_exec" in l and "/usr/bin/true" in l)
    evs = [json.loads(l) for l in lines(run([BIN, "-r", str(cap), "-o", "json", "--pid", str(pid)]).stdout)]
    assert evs and all(e[next(iter(e))]["process"]["pid"] == pid for e in evs)
    evs = [json.loads(l) for l in lines(run([BIN, "-r", str(cap), "-o", "json", "--binary", "/usr/bin/true"]).stdout)]
    assert evs and all(e[next(iter(e))]["process"]["binary"] == "/usr/bin/true" for e in evs)


def test_damaged_captures(capture, tmp_path):
    cap, t, live = capture
    data = cap.read_bytes()
    for cut in (len(data) // 3, len(data) * 2 // 3, len(data) - 1):
        bad = tmp_path / f"cut{cut}.cap"
        bad.write_bytes(data[:cut])
        r = run([BIN, "-r", str(bad), "-o", "json"])
        err = r.stderr.decode().strip()
        assert r.returncode == 1 and bad.name in err and len(err.splitlines()) == 1, (cut, err)
        got = lines(r.stdout)
        assert got == live[:len(got)]  # what prints is right, in order
    flip = bytearray(data)
    flip[len(flip) // 2] ^= 0x40
    bad = tmp_path / "flip.cap"
    bad.write_bytes(bytes(flip))
    r = run([BIN, "-r", str(bad)])
    assert r.returncode == 1 and r.stderr.strip()
    for name, content in (("random.cap", os.urandom(5000)), ("text.cap", b"hello\nworld\n"),
                          ("empty.cap", b"")):
        bad = tmp_path / name
        bad.write_bytes(content)
        r = run([BIN, "-r", str(bad)])
        assert r.returncode in (1, 2) and name in r.stderr.decode() and not r.stdout
    r = run([BIN, "-r", str(tmp_path / "missing.cap")])
    assert r.returncode in (1, 2) and r.stderr.strip()


def run_loops(t, n=4):
    for k in range(n):  # blocks are cut at 64 KiB or each second
        run(["/bin/sh", "-c", f"for i in $(seq 300); do /usr/bin/true {t}-{k}-$i; done"])
        time.sleep(1.1)


def test_rotation_files_each_replay_alone(tmp_path):
    base = tmp_path / "rot.cap"
    t = mark()
    with Tracer("-q", "-w", str(base), "-C", "4k"):
        run_loops(t)
    files = sorted(glob.glob(str(base) + "*"), key=lambda f: (len(f), f))
    assert len(files) >= 3 and os.path.basename(files[1]) == "rot.cap1"
    seen = set()
    for f in files:  # each replays alone, parents known
        r = run([BIN, "-r", f, "-o", "json"])
        assert r.returncode == 0, r.stderr
        evs = [json.loads(l) for l in lines(r.stdout)]
        mine = find(evs, "process_exec", pred=lambda b: b["process"]["binary"] == "/usr/bin/true"
                    and t in b["process"].get("arguments", ""))
        # the binary is the file executed: /bin/sh as its symlink's target
        assert all(e["process_exec"].get("parent", {}).get("binary") == os.path.realpath("/bin/sh")
                   for e in mine)
        seen |= {e["process_exec"]["process"]["arguments"] for e in mine}
    assert len(seen) == 1200  # nothing lost across the files


def test_rotation_ring(tmp_path):
    base = tmp_path / "ring.cap"
    with Tracer("-q", "-w", str(base), "-C", "4k", "-W", "3"):
        run_loops(mark())
    files = sorted(os.path.basename(f) for f in glob.glob(str(base) + "*"))
    assert files == ["ring.cap0", "ring.cap1", "ring.cap2"]
    for f in files:
        assert run([BIN, "-r", str(tmp_path / f), "-o", "json"]).returncode == 0


def test_usage_errors_of_capture_flags(tmp_path):
    for args in (["-C", "10"], ["-w", str(tmp_path / "x"), "-W", "3"], ["-r", "x", "-w", "y"],
                 ["-w", "-", "-C", "1"], ["-C", "ten", "-w", "x"]):
        r = run([BIN, *args])
        assert r.returncode == 2 and len(r.stderr.decode().strip().splitlines()) == 1, args


def test_drop_privileges_and_statistics():
    t = mark()
    with Tracer("-o", "json", "-Z", "nobody") as tr:
        uids = [l for l in open(f"/proc/{tr.p.pid}/status") if l.startswith("Uid:")][0].split()[1:]
        run(["/usr/bin/true", t])
        time.sleep(0.3)
        os.kill(tr.p.pid, signal.SIGUSR1)
        time.sleep(0.3)
        assert tr.p.poll() is None  # still running
    nobody = subprocess.run(["id", "-u", "nobody"], capture_output=True).stdout.decode().strip()
    assert uids == [nobody] * 4
    assert t in tr.stdout() and tr.rc == 0
    assert re.search(r"events printed: exec \d+", tr.stderr())


def test_time_and_color_modes():
    t = mark()
    outs = {}
    for mode in ("iso", "epoch", "delta", "none"):
        with Tracer("--time", mode, "-e", "exec") as tr:
            run(["/usr/bin/true", t])
        outs[mode] = [l for l in tr.stdout().splitlines() if t in l][0]
    assert re.match(r"^\d{4}-\d\d-\d\dT", outs["iso"])
    assert re.match(r"^\d{10}\.\d{9} ", outs["epoch"])
    assert re.match(r"^\+\d+\.\d{9} ", outs["delta"])
    assert outs["none"].split()[1] == "process"
    with Tracer("--color", "always", "-e", "exec") as tr:
        run(["/usr/bin/true", t])
    assert "\x1b[32m" in tr.stdout()


def on_a_terminal(env):
    """`tracer --color auto -c 1` with stdout on a pty (a pipe already turns
    colour off, so NO_COLOR can only be tested on a terminal); its output."""
    import pty
    import select
    t = mark()
    master, slave = pty.openpty()
    p = subprocess.Popen([BIN, "--color", "auto", "-c", "1", "-e", "exec"], stdout=slave,
                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    out = b""
    deadline = time.time() + 20
    try:
        while time.time() < deadline:
            if p.poll() is None:
                run(["/usr/bin/true", t])  # something to print
            r, _, _ = select.select([master], [], [], 0.1)
            if r:
                try:
                    d = os.read(master, 65536)
                except OSError:  # EIO: the tracer exited, its side closed
                    break
                if not d:
                    break
                out += d
            elif p.poll() is not None:
                break
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
        os.close(master)
    assert b"process" in out, out[:300]  # an event was printed (any: -c 1)
    return out


def test_color_auto_and_no_color_on_a_terminal():
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert b"\x1b[" in on_a_terminal(env)  # auto: a terminal gets colour
    assert b"\x1b" not in on_a_terminal(dict(env, NO_COLOR="1"))
