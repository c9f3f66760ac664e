# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Policies end to end: every operator family and argument type through a
real trigger on this kernel (through the equivalent hooks the ladder
picks), actions, and the event kinds -e selects."""
import base64
import json
import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import BIN, HOOKS, Tracer, find, in_container, mark, run

HEAD = """apiVersion: cilium.io/v1alpha1
kind: TracingPolicy
metadata:
  name: "{name}"
spec:
  kprobes:
"""


def policy(tmp_path, name, body):
    p = tmp_path / f"{name}.yaml"
    p.write_text(HEAD.format(name=name) + body)
    return str(p)


def kprobes(tr, name, text=None):
    return find(tr.events(), "process_kprobe", text=text,
                pred=lambda b: b.get("policy_name") == name)


def args_of(ev):
    return ev["process_kprobe"]["args"]


OPEN = """  - call: "security_file_open"
    syscall: false
    args:
    - index: 0
      type: "file"
    selectors:
    - matchArgs:
      - index: 0
        operator: "{op}"
        values:
{values}
"""


def vals(*v):
    return "\n".join(f'        - "{x}"' for x in v)


@pytest.mark.parametrize("op,values,hit,miss", [
    ("Equal", ["{d}/a.txt"], "a.txt", "b.txt"),
    ("Prefix", ["{d}/pre"], "prefix.txt", "b.txt"),
    ("Postfix", [".secret"], "x.secret", "x.public"),
    ("NotPrefix", ["/usr", "/lib", "/etc", "/proc", "/sys", "/dev", "{d}/b"], "a.txt", "b.txt"),
])
def test_string_operators_on_open(tmp_path, op, values, hit, miss):
    d = str(tmp_path)
    for f in ("a.txt", "b.txt", "prefix.txt", "x.secret", "x.public"):
        (tmp_path / f).write_text("x")
    p = policy(tmp_path, "str-" + op.lower(), OPEN.format(op=op, values=vals(*[v.format(d=d) for v in values])))
    with Tracer("-o", "json", "-p", p) as tr:
        # both opens must really happen: the miss is only a miss if it ran
        assert run(["cat", f"{d}/{hit}"]).stdout == b"x"
        assert run(["cat", f"{d}/{miss}"]).stdout == b"x"
    got = kprobes(tr, "str-" + op.lower())
    paths = [a.get("file_arg", {}).get("path") for e in got for a in args_of(e)]
    assert f"{d}/{hit}" in paths
    assert f"{d}/{miss}" not in paths


def test_failed_open_reports_path_made_absolute(tmp_path):
    """The equivalent's own semantics (security_file_open itself never sees
    an open whose lookup failed), so that rung is forced."""
    p = policy(tmp_path, "failed-open", OPEN.format(op="Prefix", values=vals(str(tmp_path))))
    with Tracer("-o", "json", "--hooks=equivalent", "-p", p) as tr:
        run(["cat", "does-not-exist"], cwd=tmp_path)
    got = kprobes(tr, "failed-open")
    paths = [a.get("file_arg", {}).get("path") for e in got for a in args_of(e)]
    assert f"{tmp_path}/does-not-exist" in paths


DUP = """  - call: "sys_dup2"
    syscall: true
    args:
    - index: 0
      type: "fd"
    - index: 1
      type: "int"
    selectors:
    - matchArgs:
      - index: 1
        operator: "{op}"
        values:
{values}
"""


@pytest.mark.parametrize("op,values,hit,miss", [
    ("Equal", ["77"], 77, 78),
    ("GT", ["100"], 101, 99),
    ("LT", ["50"], 49, 51),
    ("Mask", ["64"], 64 + 7, 63),
    ("InRange", ["200:210"], 205, 211),
    ("NotInRange", ["0:300"], 301, 5),
])
def test_integer_operators_on_dup2(tmp_path, op, values, hit, miss):
    name = "int-" + op.lower()
    p = policy(tmp_path, name, DUP.format(op=op, values=vals(*values)))
    prog = f"import os; os.dup2(0, {hit}); os.dup2(0, {miss})"
    with Tracer("-o", "json", "-p", p) as tr:
        run(["/usr/bin/python3", "-c", prog], stdin=subprocess.DEVNULL)
    got = kprobes(tr, name)
    newfds = [a.get("int_arg") for e in got for a in args_of(e) if "int_arg" in a]
    assert hit in newfds and miss not in newfds


def test_fd_argument_shows_a_socket_and_takes_socket_operators(tmp_path):
    body = DUP.format(op="Equal", values=vals("91")).rstrip("\n") + """
      - index: 0
        operator: "Family"
        values:
        - "AF_INET"
"""
    p = policy(tmp_path, "fd-sock", body)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    prog = ("import os,socket,sys; s=socket.create_connection(('127.0.0.1', int(sys.argv[1])));"
            " os.dup2(s.fileno(), 91); f=open('/etc/hostname'); os.dup2(f.fileno(), 91)")
    with Tracer("-o", "json", "-p", p) as tr:
        run(["/usr/bin/python3", "-c", prog, str(port)])
    srv.close()
    got = kprobes(tr, "fd-sock")
    assert len(got) == 1  # the file dup2 is no AF_INET socket
    sock = args_of(got[0])[0]["sock_arg"]
    assert sock["daddr"] == "127.0.0.1" and sock["dport"] == port and sock["family"] == "AF_INET"


CONNECT = """  - call: "tcp_connect"
    syscall: false
    args:
    - index: 0
      type: "sock"
    selectors:
    - matchArgs:
      - index: 0
        operator: "{op}"
        values:
{values}
"""


def connect_to(addr, port):
    s = socket.socket()
    s.settimeout(0.5)
    s.connect_ex((addr, port))
    s.close()


@pytest.mark.parametrize("op,values,hit,miss", [
    ("DAddr", ["127.0.0.2/32"], ("127.0.0.2", 7001), ("127.0.0.3", 7001)),
    ("NotDAddr", ["127.0.0.0/24"], ("127.0.1.5", 7002), ("127.0.0.9", 7002)),
    ("DPort", ["7003", "7100:7110"], ("127.0.0.1", 7105), ("127.0.0.1", 7200)),
    ("NotDPort", ["7004"], ("127.0.0.1", 7005), ("127.0.0.1", 7004)),
    ("DPortPriv", [], ("127.0.0.1", 1023), ("127.0.0.1", 7006)),
])
def test_socket_operators_on_connect(tmp_path, op, values, hit, miss):
    name = "sock-" + op.lower()
    body = CONNECT.format(op=op, values=vals(*values)) if values else \
        CONNECT.format(op=op, values="").replace("        values:\n\n", "")
    p = policy(tmp_path, name, body)
    with Tracer("-o", "json", "-p", p) as tr:
        connect_to(*hit)
        connect_to(*miss)
    got = kprobes(tr, name)
    seen = {(a["sock_arg"]["daddr"], a["sock_arg"]["dport"]) for e in got for a in args_of(e)}
    assert hit in seen and miss not in seen
    a = args_of(got[0])[0]["sock_arg"]
    assert a["protocol"] == "IPPROTO_TCP" and a["type"] == "SOCK_STREAM" and a["state"] == "TCP_SYN_SENT"


EXEC = """  - call: "sys_execve"
    syscall: true
    args:
    - index: 0
      type: "string"
    selectors:
    - {block}
"""


def test_match_binaries_is_the_caller_and_matches_resolved_paths(tmp_path):
    # /bin/sh is a symlink to dash here: the value matches the resolved form
    p = policy(tmp_path, "bins", EXEC.format(block='matchBinaries:\n      - operator: "In"\n        values:\n        - "/bin/sh"'))
    t = mark()
    with Tracer("-o", "json", "-p", p) as tr:
        run(["/bin/sh", "-c", f"/usr/bin/true {t}; :"])
        run(["/usr/bin/bash", "-c", f"/usr/bin/true {t}-bash; :"])
    got = kprobes(tr, "bins")
    mine = [e for e in got if e["process_kprobe"]["args"][0].get("string_arg") == "/usr/bin/true"
            and t in json.dumps(e)]
    assert mine and all(e["process_kprobe"]["process"]["binary"] in ("/bin/sh", "/usr/bin/sh", "/usr/bin/dash") for e in mine)
    assert not any(f"{t}-bash" in json.dumps(e) for e in got)


def test_match_parent_binaries_and_pids(tmp_path):
    block = 'matchParentBinaries:\n      - operator: "In"\n        values:\n        - "/usr/bin/bash"'
    p = policy(tmp_path, "pbins", EXEC.format(block=block))
    t = mark()
    with Tracer("-o", "json", "-p", p) as tr:
        # bash's fork execs /bin/sh: that caller's parent is bash
        run(["/usr/bin/bash", "-c", f"/bin/sh -c '/usr/bin/true {t}; :'; :"])
        # here every caller's parent is sh
        run(["/bin/sh", "-c", f"/bin/sh -c '/usr/bin/true {t}-no; :'; :"])
    got = [e for e in kprobes(tr, "pbins") if t in json.dumps(e)]
    assert any(e["process_kprobe"]["args"][0]["string_arg"] == "/bin/sh" for e in got)
    assert not any(f"{t}-no" in json.dumps(e) for e in got)


@pytest.mark.parametrize("op", ["In", "NotIn"])
def test_match_pids(tmp_path, op):
    """Two shells wait, then exec /usr/bin/true keeping their pid; the
    policy names the first one's pid. Both execs must be seen happening
    (process_exec), and only the matching one reported by the policy."""
    t = mark()
    sh = ["/bin/sh", "-c", f"read go; exec /usr/bin/true {t}"]
    named, other = (subprocess.Popen(sh, stdin=subprocess.PIPE) for _ in range(2))
    name = "pids-" + op.lower()
    p = policy(tmp_path, name, EXEC.format(
        block=f'matchPIDs:\n      - operator: "{op}"\n        values:\n        - "{named.pid}"'))
    try:
        with Tracer("-o", "json", "-p", p) as tr:
            for proc in (named, other):
                proc.communicate(b"go\n", timeout=10)
                assert proc.returncode == 0
    finally:
        for proc in (named, other):
            proc.kill()
            proc.wait()
    evs = tr.events()
    for proc in (named, other):  # both execs happened while the tracer ran
        assert find(evs, "process_exec", text=t, pred=lambda b, pid=proc.pid: b["process"]["pid"] == pid)

    def reported(pid):
        return [e for e in kprobes(tr, name) if e["process_kprobe"]["process"]["pid"] == pid
                and args_of(e)[0].get("string_arg") == "/usr/bin/true"]
    hit, miss = (named, other) if op == "In" else (other, named)
    assert reported(hit.pid), f"{op}: the exec by pid {hit.pid} was not reported"
    assert not reported(miss.pid), f"{op}: the exec by pid {miss.pid} was reported"


@pytest.mark.parametrize("op,host_hit", [("In", True), ("NotIn", False)])
def test_match_namespaces_host_ns(tmp_path, op, host_hit):
    block = f'matchNamespaces:\n      - namespace: Pid\n        operator: {op}\n        values:\n        - "host_ns"'
    name = "ns-" + op.lower()
    p = policy(tmp_path, name, EXEC.format(block=block))
    t = mark()
    with Tracer("-o", "json", "-p", p) as tr:
        run(["/bin/sh", "-c", f"/usr/bin/true {t}-host; :"])
        in_container(f"/usr/bin/true {t}-ct")
    evs = tr.events()
    # both execs happened while the tracer ran
    assert find(evs, "process_exec", text=f"{t}-host") and find(evs, "process_exec", text=f"{t}-ct")
    got = kprobes(tr, name)
    host = [e for e in got if f"{t}-host" in json.dumps(e)]
    ct = [e for e in got if f"{t}-ct" in json.dumps(e)
          and e["process_kprobe"]["process"]["ns"]["pid"].get("is_host", False) is False]
    assert bool(host) == host_hit and bool(ct) != host_hit


MOUNT = """  - call: "security_sb_mount"
    syscall: false
    args:
    - index: 0
      type: "string"
    - index: 1
      type: "path"
    - index: 2
      type: "string"
"""


def test_mount_path_and_strings(tmp_path):
    p = policy(tmp_path, "mounts", MOUNT)
    d = tmp_path / "mnt"
    d.mkdir()
    with Tracer("-o", "json", "-p", p) as tr:
        run(f"unshare --mount sh -c 'cd {tmp_path} && mount -t tmpfs tmpfs-e2e mnt'")
    got = kprobes(tr, "mounts")
    a = [args_of(e) for e in got if args_of(e)[0].get("string_arg") == "tmpfs-e2e"]
    assert a and a[0][0]["string_arg"] == "tmpfs-e2e" and a[0][2]["string_arg"] == "tmpfs"
    assert a[0][1]["path_arg"]["path"] == str(d)  # relative, made absolute


def test_char_buf_with_size_argument(tmp_path):
    body = """  - call: "sys_write"
    syscall: true
    args:
    - index: 0
      type: "int"
    - index: 1
      type: "char_buf"
      sizeArgIndex: 3
    - index: 2
      type: "size_t"
    selectors:
    - matchArgs:
      - index: 0
        operator: "Equal"
        values:
        - "57"
"""
    p = policy(tmp_path, "writes", body)
    prog = "import os; os.dup2(1, 57); os.write(57, b'hello-e2e')"
    with Tracer("-o", "json", "-p", p) as tr:
        run(["/usr/bin/python3", "-c", prog])
    got = kprobes(tr, "writes")
    assert got and base64.b64decode(args_of(got[0])[1]["bytes_arg"]) == b"hello-e2e"
    assert args_of(got[0])[2]["size_arg"] == "9"  # 64-bit values are strings, as Tetragon's


def test_sigkill_action_and_monitor(tmp_path):
    body = OPEN.format(op="Equal", values=vals(f"{tmp_path}/kill-me")).rstrip("\n") + """
      matchActions:
      - action: Sigkill
"""
    p = policy(tmp_path, "killer", body)
    (tmp_path / "kill-me").write_text("x")
    with Tracer("-o", "json", "-p", p) as tr:
        r = run(["cat", f"{tmp_path}/kill-me"])
    assert r.returncode == -signal.SIGKILL
    got = kprobes(tr, "killer")
    assert got and got[0]["process_kprobe"]["action"] == "KPROBE_ACTION_SIGKILL"
    with Tracer("-o", "json", "--monitor", "-p", p) as tr:
        r = run(["cat", f"{tmp_path}/kill-me"])
    assert r.returncode == 0
    got = kprobes(tr, "killer")
    assert got and got[0]["process_kprobe"].get("monitor") is True


def test_nopost_and_rate_limit(tmp_path):
    body = OPEN.format(op="Equal", values=vals(f"{tmp_path}/r")).rstrip("\n") + """
      matchActions:
      - action: Post
        rateLimit: "1m"
"""
    (tmp_path / "r").write_text("x")
    p = policy(tmp_path, "rated", body)
    with Tracer("-o", "json", "-p", p) as tr:
        run(["/usr/bin/python3", "-c", f"[open('{tmp_path}/r').close() for _ in range(20)]"])
    assert len(kprobes(tr, "rated")) == 1
    body = body.replace("action: Post\n        rateLimit: \"1m\"", "action: NoPost")
    p = policy(tmp_path, "quiet", body)
    with Tracer("-o", "json", "-p", p) as tr:
        run(["cat", f"{tmp_path}/r"])
    assert not kprobes(tr, "quiet")


def test_events_flag_limits_kinds(tmp_path):
    t = mark()
    with Tracer("-o", "json", "-e", "connect") as tr:
        connect_to("127.0.0.1", 7300)
        run(["/usr/bin/true", t])
    evs = tr.events()
    assert find(evs, "process_kprobe") and not find(evs, "process_exec", text=t)
    with Tracer("-o", "json", "-e", "exec") as tr:
        run(["/usr/bin/true", t])
    evs = tr.events()
    assert find(evs, "process_exec", text=t) and not find(evs, "process_exit", text=t)


def attached_kinds(pid):
    """What the tracer attached: its bpf_link fds and perf-event fds (a
    classic tracepoint, kprobe or uprobe link holds one)."""
    kinds = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            kinds.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            pass
    return kinds


def test_no_policy_attaches_no_syscall_hook(tmp_path):
    with Tracer("-o", "json") as tr:
        kinds = attached_kinds(tr.p.pid)
    assert kinds.count("anon_inode:bpf_link") == 5  # exec, exit, fork, cgroup moves, the iterator
    assert "anon_inode:[perf_event]" not in kinds
    p = policy(tmp_path, "with-open", OPEN.format(op="Equal", values=vals("/nope")))
    with Tracer("-o", "json", "--hooks=equivalent", "-p", p) as tr:
        kinds = attached_kinds(tr.p.pid)
    assert "anon_inode:[perf_event]" in kinds  # the open-family syscall tracepoints


def test_check_refuses_what_it_cannot_run(tmp_path):
    body = OPEN.format(op="Equal", values=vals("/x")).rstrip("\n") + """
      matchActions:
      - action: Override
        argError: -1
"""
    p = policy(tmp_path, "override", body)
    # neither an equivalent nor a kprobe (no bpf_override_return on stock
    # kernels) can change a return value: refused, in one line
    r = run([BIN, "--check", "--hooks=equivalent,kprobe", "-p", p])
    assert r.returncode == 2 and b"override.yaml" in r.stderr and len(r.stderr.splitlines()) == 1
    r = run([BIN, "--check", "--monitor", "--hooks=equivalent", "-p", p])
    assert r.returncode == 0


@pytest.mark.parametrize("rungs", [None, "fentry"])
def test_override_denies_where_the_kernel_can(tmp_path, rungs):
    """Override through BPF LSM, or (rungs=fentry) fmod_ret: the open
    fails with the policy's error and the event says so; skipped on
    kernels without either (this project's development kernel refuses
    both)."""
    hooks = rungs or HOOKS
    (tmp_path / "deny").mkdir()
    (tmp_path / "deny" / "f").write_text("x")
    (tmp_path / "ok").write_text("x")
    body = OPEN.format(op="Prefix", values=vals(f"{tmp_path}/deny")).rstrip("\n") + """
      matchActions:
      - action: Override
        argError: -13
"""
    p = policy(tmp_path, "override-deny", body)
    flags = ["--hooks=" + hooks] if hooks else []
    chk = run([BIN, "--check", *flags, "-p", p])
    if chk.returncode != 0:
        pytest.skip("no BPF LSM or fmod_ret on this kernel or rung: " + chk.stderr.decode()[:200])
    assert b"override: by the " + (b"fmod_ret" if rungs else b"") in chk.stdout
    with Tracer("-o", "json", *flags, "-p", p) as tr:
        denied = run(["cat", f"{tmp_path}/deny/f"])
        allowed = run(["cat", f"{tmp_path}/ok"])
    assert denied.returncode != 0 and b"Permission denied" in denied.stderr
    assert allowed.returncode == 0 and allowed.stdout == b"x"
    got = kprobes(tr, "override-deny")
    assert got and any(e["process_kprobe"].get("action") == "KPROBE_ACTION_OVERRIDE" for e in got), got[:1]
