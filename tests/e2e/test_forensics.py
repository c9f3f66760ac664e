# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Forensics end to end: --ancestors (live and replayed), the flight
recorder's window edges and merging, --verify against every kind of damage,
--evidence (a deleted binary recovered, limits, modes, links), --story."""
import glob
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import time

from conftest import BIN, Tracer, find, mark, run


def trigger_args(tmp_path):
    """A policy of our own: opening this file is the only alert (the
    presets would also fire on whatever else the host is doing)."""
    trig = tmp_path / "trigger"
    trig.write_text("x")
    return ["-e", "exec,exit,open", "--path-prefix", str(trig)], str(trig)


def exec_of(evs, marker):
    return [e for e in find(evs, "process_exec", text=marker)
            if marker in (e["process_exec"]["process"].get("arguments") or "")
            and e["process_exec"]["process"]["binary"] == "/usr/bin/true"]


# --- ancestors -----------------------------------------------------------------

def test_ancestors_live_and_replayed(tmp_path):
    t = mark()
    cap = str(tmp_path / "a.cap")
    with Tracer("-o", "json", "--ancestors", "-w", cap) as tr:
        run(["/bin/sh", "-c", f"/usr/bin/bash -c '/usr/bin/true {t}; :'; :"])
    ex = exec_of(tr.events(), t)
    assert ex, tr.stdout()[-500:]
    pe = ex[0]["process_exec"]
    assert pe["parent"]["binary"] == "/usr/bin/bash"
    anc = [a["binary"] for a in pe["ancestors"]]
    assert anc[0].endswith(("/sh", "/dash")), anc
    assert set(pe["ancestors"][0]) >= {"exec_id", "pid", "binary", "arguments"}
    # the same chain on replay
    r = run([BIN, "-r", cap, "-o", "json", "--ancestors"])
    rex = exec_of([json.loads(l) for l in r.stdout.decode().splitlines() if l.strip()], t)
    assert [a["binary"] for a in rex[0]["process_exec"]["ancestors"]][:2] == anc[:2]
    # compact: the chain, oldest first, ending with the process
    r = run([BIN, "-r", cap, "--ancestors", "--time", "none"])
    line = [l for l in r.stdout.decode().splitlines() if re.search(rf"process host \d+ /usr/bin/true {t}", l)][0]
    assert re.search(r"\((.* \u203a )?(sh|dash) \u203a bash \u203a true\)", line), line


def test_no_ancestors_unless_asked():
    t = mark()
    with Tracer("-o", "json") as tr:
        run(["/bin/sh", "-c", f"/usr/bin/true {t}; :"])
    ex = exec_of(tr.events(), t)
    assert ex and "ancestors" not in ex[0]["process_exec"]


# --- flight recorder -------------------------------------------------------------

def test_flight_recorder_window_edges(tmp_path):
    t = mark()
    pol, trig = trigger_args(tmp_path)
    cap = str(tmp_path / "fr.cap")
    with Tracer("-q", *pol, "-w", cap, "--pre-trigger", "2", "--post-trigger", "1") as tr:
        run(["/usr/bin/true", f"{t}-old"]); time.sleep(3.5)
        run(["/usr/bin/true", f"{t}-before"]); time.sleep(0.5)
        run(["/bin/cat", trig])
        time.sleep(0.3); run(["/usr/bin/true", f"{t}-soon"])
        time.sleep(2.5); run(["/usr/bin/true", f"{t}-late"]); time.sleep(0.3)
    assert "1 flight-recorder window written" in tr.stderr(), tr.stderr()
    out = run([BIN, "-r", cap]).stdout.decode()
    assert f"{t}-before" in out and f"{t}-soon" in out and trig in out
    assert f"{t}-old" not in out and f"{t}-late" not in out
    v = run([BIN, "-r", cap, "--verify"])
    assert v.returncode == 0 and "2 captures" in v.stdout.decode(), v  # start + window


def test_flight_recorder_merges_close_windows(tmp_path):
    pol, trig = trigger_args(tmp_path)
    cap = str(tmp_path / "m.cap")
    with Tracer("-q", *pol, "-w", cap, "--pre-trigger", "2", "--post-trigger", "1"):
        run(["/bin/cat", trig]); time.sleep(2)   # within post + pre: merges
        run(["/bin/cat", trig]); time.sleep(5)   # past it: a window of its own
        run(["/bin/cat", trig]); time.sleep(0.3)
    v = run([BIN, "-r", cap, "--verify"])
    assert v.returncode == 0 and "3 captures" in v.stdout.decode(), v.stdout
    out = run([BIN, "-r", cap, "-o", "json"]).stdout.decode()
    assert out.count('"process_kprobe"') == 3


def test_flight_recorder_options():
    for args in (["--pre-trigger", "5"], ["-w", "/dev/null", "--post-trigger", "5"],
                 ["-w", "/tmp/x", "--pre-trigger", "5", "-C", "1"], ["-w", "/tmp/x", "--pre-trigger", "0"],
                 ["-w", "/tmp/x", "--pre-trigger", "5", "--pre-trigger-size", "10k"]):
        r = run([BIN, *args])
        assert r.returncode == 2 and r.stderr.decode().count("\n") == 1, (args, r.stderr)


# --- verify ------------------------------------------------------------------------

def blocks(data):
    """Offsets of a version 2 capture's blocks, and of its end marker."""
    at = 32 + int.from_bytes(data[24:28], "little")
    offs = []
    while data[at:at + 4] == b"BLK2":
        offs.append(at)
        at += 48 + int.from_bytes(data[at + 4:at + 8], "little")
    return offs, at


def verify(path):
    r = run([BIN, "-r", path, "--verify"])
    return r.returncode, r.stderr.decode().strip()


def test_verify_finds_every_kind_of_damage(tmp_path):
    t = mark()
    cap = str(tmp_path / "v.cap")
    with Tracer("-q", "-w", cap):
        for i in range(20):
            run(["/usr/bin/true", f"{t}-{i}"]); time.sleep(0.03)
    assert verify(cap)[0] == 0
    data = open(cap, "rb").read()
    offs, end = blocks(data)
    assert len(offs) >= 4
    bad = str(tmp_path / "bad.cap")

    def check(buf, want):
        open(bad, "wb").write(buf)
        rc, err = verify(bad)
        assert rc == 1 and len(err.splitlines()) == 1 and want in err, (want, err)

    mid = offs[len(offs) // 2]
    flipped = bytearray(data); flipped[mid + 60] ^= 1
    check(bytes(flipped), f"block {len(offs) // 2 + 1}: ")
    a, b, c = offs[1], offs[2], offs[3]
    check(data[:a] + data[b:c] + data[a:b] + data[c:], "block 2: ")  # reordered
    check(data[:offs[-1]] + data[end:], "hash chain")                 # a block taken out
    check(data[: len(data) * 2 // 3], "truncated")                    # cut
    check(data[:-10], "truncated")                                     # end marker cut


def test_verify_names_a_missing_rotated_file(tmp_path):
    t = mark()
    cap = str(tmp_path / "r.cap")
    with Tracer("-q", "-w", cap, "-C", "2k"):
        for i in range(60):
            run(["/usr/bin/true", f"{t}-{i}-" + "x" * 200]); time.sleep(0.01)
    files = sorted(glob.glob(cap + "*"))
    assert len(files) >= 3, files
    assert verify(cap)[0] == 0
    os.unlink(cap + "1")
    rc, err = verify(cap)
    assert rc == 1 and "r.cap1: missing from the set" in err, err
    os.rename(cap + "2", cap + "1")
    rc, err = verify(cap)
    assert rc == 1 and "does not continue the file before it" in err, err


def test_verify_needs_read():
    r = run([BIN, "--verify"])
    assert r.returncode == 2


# --- evidence ----------------------------------------------------------------------

def test_evidence_recovers_a_deleted_binary(tmp_path):
    t = mark()
    pol, trig = trigger_args(tmp_path)
    ev = str(tmp_path / "ev")
    evil = str(tmp_path / "evilcat")
    shutil.copy("/usr/bin/cat", evil)
    want = hashlib.sha256(open("/usr/bin/cat", "rb").read()).hexdigest()
    with Tracer("-o", "json", *pol, "--evidence", ev) as tr:
        p = subprocess.Popen(["sh", "-c", f"sleep 2 | {evil} {trig} - {t} >/dev/null"])
        time.sleep(0.7); os.unlink(evil); p.wait(); time.sleep(0.5)
    k = find(tr.events(), "process_kprobe", text=t)
    assert k and k[0]["process_kprobe"]["evidence"] == {"sha256": want, "status": "saved"}, k[:1]
    saved = os.path.join(ev, "sha256", want)
    assert hashlib.sha256(open(saved, "rb").read()).hexdigest() == want
    assert stat.S_IMODE(os.stat(ev).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    recs = glob.glob(os.path.join(ev, "proc", "*.json"))
    rec = [json.load(open(f)) for f in recs if t in open(f).read()][0]
    assert rec["executable"]["sha256"] == want and rec["cmdline"][0] == evil
    assert rec["cwd"] and any(fd["target"].startswith("pipe:") for fd in rec["fds"]) and rec["maps"]
    assert stat.S_IMODE(os.stat(recs[0]).st_mode) == 0o600
    assert "1 executables saved" in tr.stderr()


def test_evidence_limits_and_gone(tmp_path):
    pol, trig = trigger_args(tmp_path)
    ev = str(tmp_path / "ev")
    with Tracer("-o", "json", *pol, "--evidence", ev, "--evidence-file-max", "1k") as tr:
        run(["/bin/cat", trig])
    k = find(tr.events(), "process_kprobe")
    status = k[0]["process_kprobe"]["evidence"]["status"]
    assert status in ("not saved: larger than --evidence-file-max", "gone"), status
    assert os.listdir(os.path.join(ev, "sha256")) == []
    rec = json.load(open(glob.glob(os.path.join(ev, "proc", "*.json"))[0]))
    assert rec["gone"] or rec["executable"]["status"] == status


def test_evidence_dir_is_never_a_link(tmp_path):
    pol, _ = trigger_args(tmp_path)
    os.symlink("/tmp", tmp_path / "ev")
    r = run([BIN, *pol, "--evidence", str(tmp_path / "ev")])
    assert r.returncode == 1 and "not followed" in r.stderr.decode(), r.stderr
    r = run([BIN, "-r", "/dev/null", "--evidence", str(tmp_path / "x")])
    assert r.returncode == 2


# --- story -------------------------------------------------------------------------

def test_story_live_follows_one_tree(tmp_path):
    t = mark()
    p = subprocess.Popen(["/bin/sh", "-c", f"sleep 1.5; /usr/bin/true {t}-a; "
                          f"/bin/sh -c '/usr/bin/true {t}-b; :'; :"])
    with Tracer("--story", str(p.pid), "--time", "none") as tr:
        time.sleep(0.2); run(["/usr/bin/true", f"{t}-other"])
        p.wait(); time.sleep(0.3)
    out = tr.stdout()
    lines = [l for l in out.splitlines() if t in l]
    assert f"{t}-other" not in out
    a = [l for l in lines if re.search(rf"process host \d+ /usr/bin/true {t}-a", l)][0]
    b = [l for l in lines if re.search(rf"process host \d+ /usr/bin/true {t}-b", l)][0]
    indent = lambda l: len(l) - len(l.lstrip(" "))
    assert indent(b) > indent(a), (a, b)
