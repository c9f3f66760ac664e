# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""How the tracer stops: every line it wrote is whole, even into a slow
pipe cut off by the stop deadline; a plain stop loses nothing."""
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

from conftest import BIN, Tracer


def exec_loop(n):
    """n short execs (n exec and n exit events), in the background."""
    return subprocess.Popen(["/bin/sh", "-c", f"i=0; while [ $i -lt {n} ]; do /usr/bin/true; i=$((i+1)); done"])


def slow_reader(fd, stop, out):
    """Reads a little at a time while `stop` is unset (keeping the pipe
    full), then reads the rest as fast as it comes, until EOF."""
    while True:
        b = os.read(fd, 4096)
        if not b:
            return
        out.append(b)
        if not stop.is_set():
            time.sleep(0.003)


def test_every_line_whole_into_a_slow_pipe():
    for rep in range(4):
        errf = tempfile.TemporaryFile()
        p = subprocess.Popen([BIN, "-o", "json"], stdout=subprocess.PIPE, stderr=errf)
        got, exited, load = [], threading.Event(), None
        t = threading.Thread(target=slow_reader, args=(p.stdout.fileno(), exited, got))
        t.start()
        try:
            deadline = time.time() + 20
            while not os.pread(errf.fileno(), 4096, 0).count(b"listening") and time.time() < deadline:
                time.sleep(0.02)
            time.sleep(0.5)
            load = exec_loop(3000)
            time.sleep(2.0)  # thousands of events queued behind the slow reader
            t0 = time.time()
            p.send_signal(signal.SIGINT)
            p.wait(5)
            took = time.time() - t0
        finally:
            exited.set()
            if p.poll() is None:
                p.kill()
                p.wait()
            if load:
                load.kill()
                load.wait()
            t.join(60)
        err = os.pread(errf.fileno(), 1 << 16, 0).decode()
        data = b"".join(got)
        assert p.returncode == 0, err
        assert took < 1.5, took
        assert data, err
        assert data.endswith(b"\n"), (rep, data[-200:])
        lines = data.split(b"\n")[:-1]
        for i, line in enumerate(lines):
            try:
                json.loads(line)
            except ValueError:
                raise AssertionError(f"rep {rep}: line {i} of {len(lines)} is cut: {line[:120]!r}...{line[-120:]!r}")


def test_plain_stop_loses_nothing():
    """The exits the stop itself causes (Ctrl-C hits the whole foreground
    group) and the events after it are not losses; what was queued before
    it is printed."""
    for rep in range(10):
        sleepers = subprocess.Popen(["/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; wait"],
                                    start_new_session=True)
        with open(os.devnull, "wb") as null:
            tr = Tracer("-o", "json")
            tr.out = null
            with tr:
                for i in range(20):
                    subprocess.run(["/usr/bin/true", str(i)])
                time.sleep(0.3)
                load = exec_loop(400)
                time.sleep(0.05)
                tr.p.send_signal(signal.SIGINT)
                os.killpg(sleepers.pid, signal.SIGINT)
                tr.p.wait(10)
        load.kill()
        load.wait()
        sleepers.wait()
        end = [l for l in tr.stderr().splitlines() if "events printed" in l]
        assert tr.rc == 0, tr.stderr()
        assert end and re.search(r"\d+ events printed, 0 lost", end[-1]), (rep, end)
        assert "still queued" not in end[-1], (rep, end)
