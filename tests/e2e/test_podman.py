# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Real containers: podman runs a busybox image and the tracer names it.

Runs where podman can start containers: inside the kernel matrix's VMs
(tests/vm; outside a VM runc/crun cannot set rlimits on this project's
test machine). Elsewhere every test here is skipped, and says why."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, Tracer, container_of, find, mark, run

IMAGE = "localhost/tracer-busybox"

pytestmark = pytest.mark.skipif(
    not os.environ.get("TRACER_VM") or not shutil.which("podman"),
    reason="real containers run inside the tests/vm VMs only")


@pytest.fixture(scope="module")
def image():
    r = run([os.path.join(ROOT, "tests", "vm", "podman-image")], timeout=300)
    assert r.returncode == 0, r.stderr.decode()[-500:]
    return IMAGE


def podman_run(name, script, *extra):
    return run(["podman", "run", "--rm", "--network", "none", "--name", name, *extra, IMAGE,
                "sh", "-c", script], timeout=180)


def execs_with(evs, m, binary="/bin/busybox"):
    return [e["process_exec"]["process"] for e in find(evs, "process_exec", text=m)
            if e["process_exec"]["process"].get("binary") == binary
            and m in e["process_exec"]["process"].get("arguments", "")]


def test_container_id_name_and_image(image):
    m, name = mark("pod"), mark("ctr")
    with Tracer("-o", "json") as tr:
        r = podman_run(name, f"/bin/true {m}; /bin/sleep 1")
        assert r.returncode == 0, r.stderr.decode()[-400:]
    got = execs_with(tr.events(), m)
    assert got, "no exec of /bin/busybox with the marker"
    p = got[0]
    cid = subprocess.run(["podman", "ps", "-a", "-q"], capture_output=True, text=True).stdout
    assert "is_host" not in p["ns"]["pid"] and "is_host" not in p["ns"]["mnt"]
    assert len(p.get("docker", "")) >= 12 and all(c in "0123456789abcdef" for c in p["docker"])
    ctr = container_of(p)
    assert ctr.get("name") == name, json.dumps(p)[:600]
    assert "tracer-busybox" in ctr.get("image", {}).get("name", ""), json.dumps(ctr)
    assert cid == "" or p["docker"][:12] not in cid  # --rm: gone when it stopped


def test_container_scope_flags(image):
    m, name = mark("scp"), mark("ctr")
    host_m = mark("hst")
    with Tracer("-o", "json", "--container") as tr:
        podman_run(name, f"/bin/true {m}")
        run(["/usr/bin/true", host_m])
    evs = tr.events()
    assert execs_with(evs, m), "container exec missing under --container"
    assert not find(evs, "process_exec", text=host_m), "host exec printed under --container"
    cid = run(["podman", "run", "-d", "--network", "none", "--name", name + "d", IMAGE,
               "sh", "-c", "sleep 60"], timeout=180).stdout.decode().strip()
    assert len(cid) == 64, cid
    try:
        with Tracer("-o", "json", "--container-id", cid[:12]) as tr:
            run(["podman", "exec", name + "d", "/bin/true", m + "in"], timeout=60)
            podman_run(name + "y", f"/bin/true {m}out")
        evs = tr.events()
        assert execs_with(evs, m + "in"), "podman exec in the chosen container missing"
        assert not execs_with(evs, m + "out"), "another container passed --container-id"
    finally:
        run(["podman", "rm", "-f", "-t", "0", name + "d"], timeout=60)
