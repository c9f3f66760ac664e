# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The policy sections besides kprobes: end to end: tracepoints: (a classic
syscall tracepoint with a format-field argument, and a BTF-typed raw
tracepoint), lsmhooks: and uprobes:, each with a real trigger that must be
reported and one that must not.

Nothing here names a rung: the tracer takes whichever the kernel offers
(or TRACER_TEST_HOOKS allows), BPF LSM where it exists, the equivalent
where it does not, and the assertions are the same on every one. Where a
kernel has no way to run a section at all (no uprobe PMU), the test skips
and says why."""
import subprocess

import pytest

from conftest import BIN, Tracer, find, mark, need, run

HEAD = """apiVersion: cilium.io/v1alpha1
kind: TracingPolicy
metadata:
  name: "{name}"
spec:
"""


def policy(tmp_path, name, body):
    p = tmp_path / f"{name}.yaml"
    p.write_text(HEAD.format(name=name) + body)
    return str(p)


def reported(tr, kind, name, pred):
    return [e[kind] for e in find(tr.events(), kind)
            if e[kind].get("policy_name") == name and pred(e[kind])]


def check_or_skip(p, what):
    """--check must accept the policy; a kernel without any way to run the
    section is a skip that says why, anything else a failure."""
    r = run([BIN, "--check", "-p", p])
    if r.returncode != 0 and what in r.stderr.decode() and "cannot attach on this kernel" in r.stderr.decode():
        pytest.skip(r.stderr.decode().strip()[:300])
    assert r.returncode == 0, r.stderr.decode()[-400:]
    return r.stdout.decode()


TP_DUP2 = """  tracepoints:
  - subsystem: "syscalls"
    event: "sys_enter_dup2"
    args:
    - index: 6
      type: "int"
"""


def dup2_93_94(p, name):
    """Policy p loaded, a process started beforehand dup2()s onto fd 93
    then 94: the tracepoint events policy `name` reported for it."""
    check_or_skip(p, "tracepoint")
    prog = subprocess.Popen(["/usr/bin/python3", "-c", "import os,sys; sys.stdin.readline(); "
                             "os.dup2(1, 93); os.dup2(1, 94)"], stdin=subprocess.PIPE)
    try:
        with Tracer("-o", "json", "-p", p) as tr:
            prog.communicate(b"go\n", timeout=10)
            assert prog.returncode == 0
    finally:
        if prog.poll() is None:
            prog.kill()
            prog.wait()
    return reported(tr, "process_tracepoint", name, lambda b: b["process"]["pid"] == prog.pid)


def test_tracepoint_syscall_format_field(tmp_path):
    """syscalls:sys_enter_dup2, format field 6 (newfd)."""
    p = policy(tmp_path, "tp-dup2", TP_DUP2)
    got = dup2_93_94(p, "tp-dup2")
    assert got and all(b["subsys"] == "syscalls" and b["event"] == "sys_enter_dup2" for b in got)
    assert sorted(b["args"][0]["int_arg"] for b in got) == [93, 94], got


def test_tracepoint_match_args(tmp_path):
    """matchArgs on a tracepoint names its args by position (Tetragon's
    reading): index 0 is the first arg, format field 6 (newfd) here."""
    body = TP_DUP2 + """    selectors:
    - matchArgs:
      - index: 0
        operator: "Equal"
        values:
        - "93"
"""
    p = policy(tmp_path, "tp-dup2-sel", body)
    got = dup2_93_94(p, "tp-dup2-sel")
    assert [b["args"][0]["int_arg"] for b in got] == [93], got


def test_tracepoint_raw_btf(tmp_path):
    """sched:sched_process_exec as a raw (BTF-typed) tracepoint: the
    linux_binprm argument names the file executed."""
    p = policy(tmp_path, "tp-exec", """  tracepoints:
  - subsystem: "sched"
    event: "sched_process_exec"
    raw: true
    args:
    - index: 2
      type: "linux_binprm"
""")
    check_or_skip(p, "tracepoint")
    t = mark()
    exe = tmp_path / t
    exe.write_bytes(open("/usr/bin/true", "rb").read())
    exe.chmod(0o755)
    with Tracer("-o", "json", "-p", p) as tr:
        assert run([str(exe)]).returncode == 0
        assert run(["/usr/bin/true", t]).returncode == 0
    got = reported(tr, "process_tracepoint", "tp-exec",
                   lambda b: b["args"][0].get("linux_binprm_arg", {}).get("path") == str(exe))
    assert got and got[0]["event"] == "sched_process_exec", "exec of the copy not reported"
    # the other exec is reported with its own file, not the copy's
    other = reported(tr, "process_tracepoint", "tp-exec", lambda b: t in b["process"].get("arguments", ""))
    assert other and all(b["args"][0]["linux_binprm_arg"]["path"] == "/usr/bin/true" for b in other)


def test_lsmhook_file_open(tmp_path):
    """lsmhooks: file_open, on BPF LSM where the kernel has it, else its
    equivalent: the file opened is reported, another file is not."""
    (tmp_path / "secret").write_text("s")
    (tmp_path / "other").write_text("o")
    p = policy(tmp_path, "lsm-open", f"""  lsmhooks:
  - hook: "file_open"
    args:
    - index: 0
      type: "file"
    selectors:
    - matchArgs:
      - index: 0
        operator: "Equal"
        values:
        - "{tmp_path}/secret"
""")
    check_or_skip(p, "lsm")
    with Tracer("-o", "json", "-p", p) as tr:
        assert run(["cat", f"{tmp_path}/secret"]).stdout == b"s"
        assert run(["cat", f"{tmp_path}/other"]).stdout == b"o"
    paths = [a.get("file_arg", {}).get("path")
             for b in reported(tr, "process_lsm", "lsm-open", lambda b: True) for a in b["args"]]
    assert f"{tmp_path}/secret" in paths
    assert f"{tmp_path}/other" not in paths
    got = reported(tr, "process_lsm", "lsm-open", lambda b: b["process"]["binary"] == "/usr/bin/cat")
    assert got and got[0]["function_name"] == "file_open"


PROBED = r"""
#include <stdio.h>
#include <stdlib.h>
__attribute__((noinline)) int tracer_probe_me(int x) { __asm__ volatile(""); return x * 2; }
__attribute__((noinline)) int tracer_not_probed(int x) { __asm__ volatile(""); return x + 1; }
int main(int argc, char **argv)
{
	int v = argc > 1 ? atoi(argv[1]) : 7;
	printf("%d %d\n", tracer_probe_me(v), tracer_not_probed(v));
	return 0;
}
"""


def test_uprobe_on_a_built_binary(tmp_path):
    """uprobes: on a function of a binary built here: each call is reported
    with its argument; a call of another function is not."""
    src = tmp_path / "probed.c"
    src.write_text(PROBED)
    exe = tmp_path / "probed"
    r = run([need("clang"), "-O0", "-g", "-o", str(exe), str(src)])
    assert r.returncode == 0, r.stderr.decode()[-400:]
    p = policy(tmp_path, "uprobe-fn", f"""  uprobes:
  - path: "{exe}"
    symbols:
    - "tracer_probe_me"
    args:
    - index: 0
      type: "int"
""")
    check_or_skip(p, "uprobe")
    with Tracer("-o", "json", "-p", p) as tr:
        assert run([str(exe), "4242"]).stdout == b"8484 4243\n"
        assert run([str(exe), "17"]).stdout == b"34 18\n"
    got = reported(tr, "process_uprobe", "uprobe-fn", lambda b: b["process"]["binary"] == str(exe))
    assert sorted(b["args"][0]["int_arg"] for b in got) == [17, 4242], got
    assert all(b["symbol"] == "tracer_probe_me" and b["path"] == str(exe) for b in got)
