# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Exec and exit events end to end: fields, parents, namespaces, exit codes,
the three formats, hostile input, -c, signals."""
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import BIN, Tracer, find, in_container, need, run


def proc(ev):
    return ev[next(iter(k for k in ev if k.startswith("process_")))]["process"]


def test_host_exec_fields(tag, tmp_path):
    with Tracer("-o", "json") as tr:
        child = subprocess.Popen(["/usr/bin/true", tag, "two words", ""], cwd=tmp_path)
        child.wait()
    evs = tr.events()
    ex = find(evs, "process_exec", text=tag)
    assert len(ex) == 1, evs[-5:]
    p = ex[0]["process_exec"]["process"]
    assert p["pid"] == child.pid and p["tid"] == child.pid
    assert p["binary"] == "/usr/bin/true"
    assert tag in p["arguments"] and "two words" in p["arguments"]
    assert p["cwd"] == str(tmp_path)
    assert p["uid"] == 0
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$", p["start_time"])
    assert "execve" in p["flags"]
    for ns in ("uts", "ipc", "mnt", "pid", "pid_for_children", "net", "time",
               "time_for_children", "cgroup", "user"):
        assert p["ns"][ns].get("is_host", False) is True, ns
        assert p["ns"][ns]["inum"] > 0, ns
    # the parent is this test's python, learned by the start-up scan
    par = ex[0]["process_exec"]["parent"]
    assert par["pid"] == os.getpid()
    assert p["parent_exec_id"] == par["exec_id"] != p["exec_id"]
    assert "python" in par["binary"]
    # the exit carries the same process
    xt = find(evs, "process_exit", pred=lambda b: b["process"]["exec_id"] == p["exec_id"])
    assert len(xt) == 1
    assert "status" not in xt[0]["process_exit"]  # 0: left out, as protojson
    assert ex[0]["node_name"] and ex[0]["time"]


def test_exit_status_and_signal(tag):
    with Tracer("-o", "json") as tr:
        run(["/bin/sh", "-c", "exit 7", f"{tag}-seven"])
        sl = subprocess.Popen(["/bin/sh", "-c", "sleep 30", f"{tag}-kill"])
        time.sleep(0.2)
        sl.send_signal(signal.SIGTERM)
        sl.wait()
    evs = tr.events()
    seven = find(evs, "process_exit", text=f"{tag}-seven")
    assert seven and seven[0]["process_exit"]["status"] == 7
    term = find(evs, "process_exit", text=f"{tag}-kill")
    assert term and term[0]["process_exit"]["signal"] == "SIGTERM"


def test_exec_ids_unique_and_parent_chain(tag):
    with Tracer("-o", "json") as tr:
        run(["/bin/sh", "-c", f"/bin/sh -c '/usr/bin/true {tag}-leaf; :' {tag}-mid; :"])
    evs = tr.events()
    # the outer sh's arguments hold both tags: select by binary and argument
    leaf = find(evs, "process_exec", pred=lambda b: b["process"]["binary"] == "/usr/bin/true" and f"{tag}-leaf" in b["process"].get("arguments", ""))
    mid = find(evs, "process_exec", pred=lambda b: b["process"].get("arguments", "").endswith(f"{tag}-mid"))
    assert leaf and mid
    lp = leaf[0]["process_exec"]
    assert lp["parent"]["exec_id"] == mid[0]["process_exec"]["process"]["exec_id"]
    ids = [proc(e)["exec_id"] for e in find(evs, "process_exec")]
    assert len(ids) == len(set(ids))


def test_fork_child_without_exec_has_a_record(tag):
    # a subshell is a fork of sh that never execs: its exit still names sh
    with Tracer("-o", "json") as tr:
        run(["/bin/sh", "-c", f"( /usr/bin/true {tag}-inner; exit 3 ); :", f"{tag}-outer"])
    evs = tr.events()
    inner = find(evs, "process_exec", pred=lambda b: b["process"]["binary"] == "/usr/bin/true" and f"{tag}-inner" in b["process"].get("arguments", ""))
    assert inner
    par = inner[0]["process_exec"]["parent"]
    # the binary is the file executed: /bin/sh shows as its symlink's target
    assert par["binary"] == os.path.realpath("/bin/sh") and "clone" in par["flags"]
    sub = find(evs, "process_exit", pred=lambda b: b["process"]["exec_id"] == par["exec_id"])
    assert sub and sub[0]["process_exit"]["status"] == 3


def test_relative_binary_is_made_absolute(tag, tmp_path):
    shutil.copy("/usr/bin/true", tmp_path / "mytrue")
    with Tracer("-o", "json") as tr:
        run(["./mytrue", tag], cwd=tmp_path)
    ex = find(tr.events(), "process_exec", text=tag)
    assert ex and proc(ex[0])["binary"] == str(tmp_path / "mytrue")


def test_proc_self_exe_shows_the_real_binary(tag):
    # busybox applets and shells re-exec themselves through /proc/self/exe
    with Tracer("-o", "json") as tr:
        run(["/usr/bin/bash", "-c", f'exec /proc/self/exe -c "true {tag}"'])
    ex = find(tr.events(), "process_exec", pred=lambda b: b["process"].get("arguments") == f'-c "true {tag}"')
    assert ex and proc(ex[0])["binary"] == os.path.realpath("/usr/bin/bash")


def test_memfd_exec_shows_the_memfd(tag):
    # fileless execution: what /proc/PID/exe says, not "/" nor /proc/self/fd/N
    code = ("import os\n"
            "fd = os.memfd_create('evil')\n"
            "os.write(fd, open('/usr/bin/true', 'rb').read())\n"
            f"os.execv(f'/proc/self/fd/{{fd}}', ['evil', '{tag}'])\n")
    with Tracer("-o", "json") as tr:
        r = run(["/usr/bin/python3", "-c", code])
        assert r.returncode == 0, r.stderr
    ex = find(tr.events(), "process_exec", pred=lambda b: b["process"].get("arguments", "") == tag)
    assert ex and proc(ex[0])["binary"] == "/memfd:evil (deleted)"


def test_script_shows_the_script(tag, tmp_path):
    # the kernel runs the interpreter; the script is what was executed
    script = tmp_path / "hello.sh"
    script.write_text("#!/bin/sh\n:\n")
    script.chmod(0o755)
    with Tracer("-o", "json") as tr:
        run([str(script), tag])
    ex = find(tr.events(), "process_exec", pred=lambda b: b["process"].get("arguments", "").endswith(tag))
    assert ex and proc(ex[0])["binary"] == str(script)


def test_long_arguments_are_cut_and_flagged(tag):
    big = "A" * 6000
    with Tracer("-o", "json") as tr:
        run(["/usr/bin/true", tag, big])
    ex = find(tr.events(), "process_exec", text=tag)
    assert ex
    p = proc(ex[0])
    assert "truncArgs" in p["flags"] and len(p["arguments"]) < 5000


def test_container_namespaces(tag):
    with Tracer("-o", "json") as tr:
        r = in_container(f"/usr/bin/true {tag}")
        assert r.returncode == 0, r.stderr
    # the host sh that started the container also names the tag: pick true
    ex = find(tr.events(), "process_exec", pred=lambda b: b["process"]["binary"] == "/usr/bin/true" and tag in b["process"].get("arguments", ""))
    assert ex
    ns = proc(ex[0])["ns"]
    for n in ("pid", "mnt", "net", "uts", "ipc", "cgroup"):
        assert "is_host" not in ns[n], n  # false: left out, as protojson
    assert ns["user"].get("is_host", False) is True and ns["time"].get("is_host", False) is True
    host = find(tr.events(), "process_exec", pred=lambda b: b["process"]["binary"] == "/usr/bin/unshare")
    assert host and proc(host[0])["ns"]["pid"].get("is_host", False) is True


HOSTILE = "{tag}-esc\n\x1b[31mFORGED\r,\"q\x07\\"


@pytest.mark.parametrize("fmt", ["json", "csv", "compact"])
def test_hostile_arguments_cannot_forge_output(tag, fmt):
    evil = HOSTILE.format(tag=tag)
    with Tracer("-o", fmt) as tr:
        run(["/usr/bin/true", evil])
        run([b"/usr/bin/true", f"{tag}-utf".encode() + b"\xff\xfe\xc0\xaf"])
    raw = tr.stdout_bytes()
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", raw)
    raw.decode("utf-8")  # always valid UTF-8
    lines = [l for l in raw.split(b"\n") if f"{tag}-esc".encode() in l]
    assert lines and all(b"FORGED" in l for l in lines)
    assert not any(l.startswith(b"FORGED") for l in raw.split(b"\n"))
    if fmt == "json":
        evs = tr.events()
        assert find(evs, "process_exec", text=f"{tag}-utf")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(raw.decode())))
        hdr = rows[0]
        assert {"time", "event", "pid", "binary", "arguments"} <= set(hdr)
        assert {len(r) for r in rows} == {len(hdr)}
        mine = [r for r in rows if f"{tag}-esc" in r[hdr.index("arguments")]]
        assert mine and '"q' in mine[0][hdr.index("arguments")]


def test_count_exits_by_itself():
    p = subprocess.Popen([BIN, "-o", "json", "-c", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while p.poll() is None and time.time() < deadline:
        run(["/usr/bin/true"])
        time.sleep(0.1)
    out, err = p.communicate(timeout=5)
    assert p.returncode == 0
    assert len(out.splitlines()) == 2
    assert b"2 events printed" in err


def test_sigterm_under_load_stops_fast():
    load = subprocess.Popen(["/bin/sh", "-c", "while :; do /usr/bin/true; done"])
    try:
        with Tracer("-o", "json") as tr:
            time.sleep(1)
            t0 = time.time()
            tr.p.send_signal(signal.SIGTERM)
            tr.p.wait(5)
            took = time.time() - t0
    finally:
        load.kill()
        load.wait()
    assert tr.p.returncode == 0
    assert took < 1.0
    assert re.search(r"\d+ events printed, \d+ lost", tr.stderr())


def test_usage_errors_exit_2_with_one_line():
    for args in (["--no-such-flag"], ["-o", "xml"], ["-c", "zero"], ["-c", "-1"], ["stray"],
                 ["--buffer-size", "3"]):
        r = run([BIN, *args])
        assert r.returncode == 2, args
        assert r.stdout == b"" and len(r.stderr.decode().strip().splitlines()) == 1, (args, r.stderr)
    r = run([BIN, "--version"])
    assert r.returncode == 0 and re.search(rb"\d+\.\d+", r.stdout)
    r = run([BIN, "--help"])
    assert r.returncode == 0 and b"--output" in r.stdout and b"--count" in r.stdout


def test_no_syscalls_per_event_but_ring_and_output(tmp_path):
    """While events flow, the tracer only waits on the ring and writes its
    output: no /proc reads or other work per event."""
    log = tmp_path / "strace.log"
    strace = need("strace")
    with Tracer("-o", "json") as tr:
        st = subprocess.Popen([strace, "-f", "-qq", "-o", str(log), "-p", str(tr.p.pid)])
        time.sleep(1.0)
        for i in range(30):
            run(["/usr/bin/true", str(i)])
        time.sleep(0.5)
        st.send_signal(signal.SIGINT)
        st.wait(10)
    calls = {m.group(1) for l in log.read_text().splitlines()
             if (m := re.match(r"^\d+\s+(\w+)\(", l))}
    assert "write" in calls, calls
    assert calls <= {"epoll_wait", "epoll_pwait", "write", "restart_syscall"}, calls


def test_fork_child_carries_its_own_namespaces(tag):
    # unshare --fork --pid: the child is forked into the new pid namespace
    # and dies without exec'ing (no such program): its exit must not look
    # like a host process
    with Tracer("-o", "json") as tr:
        run(["unshare", "--fork", "--pid", f"/nonexistent-{tag}"])
    xs = find(tr.events(), "process_exit", pred=lambda b: "clone" in b["process"]["flags"]
              and f"/nonexistent-{tag}" in b["process"].get("arguments", ""))
    assert xs
    p = xs[0]["process_exit"]["process"]
    assert "is_host" not in p["ns"]["pid"] and p["binary"] == "/usr/bin/unshare"


def test_stops_fast_when_its_reader_stalls():
    """A pipe nobody reads fills up and blocks the tracer's write; SIGINT
    must still end it at once, exit 0."""
    p = subprocess.Popen([BIN, "-l", "-o", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    for i in range(200):
        run(["/usr/bin/true", str(i)])
    assert p.stdout.readline()
    t0 = time.time()
    p.send_signal(signal.SIGINT)
    p.wait(5)
    assert time.time() - t0 < 1.0 and p.returncode == 0
