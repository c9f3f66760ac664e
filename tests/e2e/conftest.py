# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""End-to-end helpers: run the built tracer as root against the real kernel,
start processes on the host and in throwaway containers made with unshare,
and read what the tracer printed."""
import json
import os
import random
import shlex
import signal
import string
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("TRACER", os.path.join(ROOT, "build", "tracer"))
CGROOT = "/sys/fs/cgroup/unified" if os.path.isdir("/sys/fs/cgroup/unified") else "/sys/fs/cgroup"
# The rungs the tracer may use for kernel-function and LSM hooks (--hooks):
# the kernel matrix (tests/vm) runs the suite once per rung a kernel offers.
HOOKS = os.environ.get("TRACER_TEST_HOOKS", "")
# Interactive shells the tests start (bash -i reverse shells) must not run
# the machine's own ~/.bashrc: its start-up work outlasts a test's timeout
# under emulation, and a test must not depend on it anyway.
os.environ["HOME"] = tempfile.mkdtemp(prefix="tracer-e2e-home-")


_NOT_RUN_AS_USER = []


def pytest_collection_modifyitems(config, items):
    """Skip everything as non-root, but modules that set NEEDS_ROOT = False;
    such a run then exits non-zero (pytest_sessionfinish): it did not test
    what it was asked to."""
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="end-to-end tests need root")
        for it in items:
            if getattr(getattr(it, "module", None), "NEEDS_ROOT", True):
                it.add_marker(skip)
                _NOT_RUN_AS_USER.append(it.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _NOT_RUN_AS_USER and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Says why the run is red when only root was missing, and writes the
    counts tests/run-all prints ($TRACER_E2E_SUMMARY, JSON)."""
    if _NOT_RUN_AS_USER:
        terminalreporter.write_line(
            f"FAILED: {len(_NOT_RUN_AS_USER)} end-to-end tests did not run: they need root",
            red=True)
    path = os.environ.get("TRACER_E2E_SUMMARY")
    if path:
        st = terminalreporter.stats
        counts = {k: len(st.get(k, []))
                  for k in ("passed", "failed", "error", "skipped", "xfailed", "xpassed")}
        counts["skip_reasons"] = [str(r.longrepr[2]) if isinstance(r.longrepr, tuple) else str(r.longrepr)
                                  for r in st.get("skipped", [])]
        with open(path, "w") as f:
            json.dump(counts, f)


def need(tool):
    """The path of a command a test needs; fails (not skips) without it:
    ./setup installs every one (packages.txt), so a missing tool is a broken
    test machine, not a reason for a green run that tested nothing."""
    import shutil
    path = shutil.which(tool)
    if not path:
        pytest.fail(f"{tool} is missing: ./setup installs it (packages.txt)")
    return path


def container_of(p):
    """A process's container object: pod.container in a Kubernetes pod, else
    our "container" extension (Tetragon has no pod for plain containers)."""
    return p.get("pod", {}).get("container") or p.get("container") or {}


def mark(prefix="e2e"):
    """A unique token to find our own processes in the tracer's output."""
    return prefix + "-" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))


class Tracer:
    """The tracer in the background: waits for 'listening' on stderr, stops
    it with SIGINT, keeps stdout and stderr."""

    def __init__(self, *args, ready_timeout=20):
        self.args = [BIN, *args]
        if HOOKS and not any(a.startswith("--hooks") for a in args) and "-r" not in args:
            self.args.append("--hooks=" + HOOKS)
        self.out = tempfile.TemporaryFile()
        self.err = tempfile.TemporaryFile()
        self.ready_timeout = ready_timeout
        self.rc = None
        self.stop_seconds = None

    def __enter__(self):
        self.p = subprocess.Popen(self.args, stdout=self.out, stderr=self.err,
                                  stdin=subprocess.DEVNULL)
        t0 = time.time()
        while time.time() - t0 < self.ready_timeout:
            if "listening" in self.stderr():
                return self
            if self.p.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"tracer did not start (rc={self.p.returncode}): {self.stderr()[-500:]}")

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self, settle=0.3):
        if self.p.poll() is None:
            time.sleep(settle)
            t0 = time.time()
            self.p.send_signal(signal.SIGINT)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
            self.stop_seconds = time.time() - t0
        self.rc = self.p.returncode

    def _read(self, f):
        f.seek(0)
        return f.read()

    def stdout_bytes(self):
        return self._read(self.out)

    def stdout(self):
        return self.stdout_bytes().decode("utf-8", "replace")

    def stderr(self):
        return self._read(self.err).decode("utf-8", "replace")

    def events(self):
        """Every stdout line parsed as JSON (fails the test on a bad line)."""
        evs = []
        for line in self.stdout_bytes().splitlines():
            if line.strip():
                evs.append(json.loads(line))
        return evs


def run(cmd, timeout=30, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, timeout=timeout, **kw)


def in_container(cmd, cgroup=None, root=None, timeout=30):
    """Runs a shell command in new pid, mount, net, uts, ipc and cgroup
    namespaces; optionally first moved into cgroup `cgroup` (relative to the
    v2 root) and chrooted into `root` (which must hold /bin/sh)."""
    pre = ""
    if cgroup:
        path = os.path.join(CGROOT, cgroup)
        os.makedirs(path, exist_ok=True)
        pre = f"echo $$ > {path}/cgroup.procs; "
    inner = f"ip link set lo up 2>/dev/null; {cmd}"
    if root:
        inner = f"exec chroot {shlex.quote(root)} /bin/sh -c {shlex.quote(cmd)}"
    script = pre + "exec unshare --fork --pid --mount-proc --mount --net --uts --ipc --cgroup sh -c " + shlex.quote(inner)
    return run(["sh", "-c", script], timeout=timeout)


def remove_cgroup(rel):
    parts = rel.strip("/").split("/")
    for i in range(len(parts), 0, -1):
        try:
            os.rmdir(os.path.join(CGROOT, *parts[:i]))
        except OSError:
            pass


def body(ev):
    for k, v in ev.items():
        if k.startswith("process_") and isinstance(v, dict):
            return k, v
    return None, None


def find(evs, kind=None, text=None, pred=None):
    out = []
    for ev in evs:
        k, b = body(ev)
        if kind and k != kind:
            continue
        if text and text not in json.dumps(ev):
            continue
        if pred and not pred(b):
            continue
        out.append(ev)
    return out


@pytest.fixture
def tag():
    return mark()
