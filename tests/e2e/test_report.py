# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""-r CAPTURE --html REPORT end to end, in a real browser: a capture of host
and container activity with a policy event and hostile arguments, turned
into a report that headless Chromium renders (--dump-dom, a screenshot kept
under build/test-artifacts/), behind a proxy that records every request.
Filters are driven through the page's location hash (#q=, #ct=, #kind=)."""
import glob
import json
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import threading

import pytest

from conftest import BIN, ROOT, Tracer, in_container, mark, need, remove_cgroup, run

ARTIFACTS = os.path.join(ROOT, "build", "test-artifacts")
TRAP = "trap.invalid"  # a host only a hostile argument names
# What Chromium asks its own services for, whatever page it shows.
BROWSER_HOSTS = ("google.com", "googleapis.com", "gvt1.com", "gstatic.com")


class Proxy:
    """An HTTP proxy that answers nothing and records each request line."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.requests = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                c.settimeout(2)
                self.requests.append(c.recv(4096).split(b"\r\n")[0].decode(errors="replace"))
            except OSError:
                pass
            c.close()

    def from_page(self):
        """Requests for anything but the browser's own services."""
        out = []
        for line in self.requests:
            m = re.match(r"\S+ (?:https?://)?([^/:\s]+)", line)
            host = m.group(1) if m else line
            if not any(host == h or host.endswith("." + h) for h in BROWSER_HOSTS):
                out.append(line)
        return out


def chromium(url, profile, *extra, proxy=None):
    args = [need("chromium"), "--headless=new", "--no-sandbox", "--disable-gpu",
            f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--no-first-run",
            "--disable-background-networking", "--disable-component-update"]
    if proxy:
        args += [f"--proxy-server=http://127.0.0.1:{proxy.port}", "--proxy-bypass-list=<-loopback>"]
    r = subprocess.run(args + list(extra) + [url], capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr[-500:]
    return r.stdout.decode(errors="replace")


def branches(dom):
    """The tree's branches: label -> the rendered text of its processes."""
    tree = dom[dom.index('id="tree"'):dom.index('id="sel"')]
    out = {}
    for part in tree.split('<li class="branch">')[1:]:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part)).replace("\u25be", "")
        label = text.split("\u2014")[0].strip()
        out[label] = text
    return out


def timeline(dom):
    part = dom[dom.index('id="tl"'):dom.index('id="polwrap"')]
    return [re.sub(r"<[^>]+>", "", r) for r in re.findall(r'<div class="row"[^>]*>(.*?)</div>', part)]


@pytest.fixture(scope="module")
def report():
    """A capture (host, a docker-style container, /etc/shadow read, a hostile
    argument) and its report, readable by Chromium's user."""
    t, cid = mark(), "".join(random.choice("0123456789abcdef") for _ in range(64))
    cg = f"system.slice/docker-{cid}.scope"
    tmp = tempfile.mkdtemp(prefix="tracer-report-")
    os.chmod(tmp, 0o755)
    cap, html = os.path.join(tmp, "c.trc"), os.path.join(tmp, "r.html")
    evil = (f"{t}-evil<script>document.title='PWNED'</script>\"</tr></td></table></script>"
            f"<img src=http://{TRAP}/img onerror=\"document.title='PWNED'\">"
            f"<link rel=stylesheet href=http://{TRAP}/css><iframe src=//{TRAP}/frame></iframe>")
    try:
        with Tracer("-o", "json", "-P", "sensitive-files", "-w", cap):
            run(["/bin/sh", "-c", f"/usr/bin/true {t}-host; head -c1 /etc/shadow >/dev/null"])
            run(["/usr/bin/true", evil])
            in_container(f"/usr/bin/true {t}-ct", cgroup=cg)
    finally:
        remove_cgroup(cg)
    r = run([BIN, "-r", cap, "--html", html])
    assert r.returncode == 0, r.stderr
    assert re.search(r"r\.html: \d+ events \([1-9]\d* policy events?\) from", r.stderr.decode()), r.stderr
    os.chmod(html, 0o644)
    yield {"tag": t, "cid": cid, "html": html, "dir": tmp, "url": "file://" + html}
    shutil.rmtree(tmp, ignore_errors=True)


def test_report_renders_tree_and_policy_event(report):
    t = report["tag"]
    os.makedirs(ARTIFACTS, exist_ok=True)
    shot = os.path.join(ARTIFACTS, "report.png")
    chromium(report["url"], report["dir"] + "/p1", "--window-size=1400,900", f"--screenshot={shot}")
    assert os.path.getsize(shot) > 10000
    dom = chromium(report["url"], report["dir"] + "/p2", "--dump-dom")
    assert re.search(r'data-ready="\d+"', dom), "the page's script did not finish"
    assert "<script type" not in dom, "data blocks are removed once read"
    tree = branches(dom)
    host = tree.get("host", "")
    assert f"/usr/bin/true {t}-host" in host and f"/usr/bin/true {t}-ct" not in host, list(tree)
    ct = [v for k, v in tree.items() if k.startswith("container ") and report["cid"][:12] in k]
    assert ct and f"/usr/bin/true {t}-ct" in ct[0] and f"{t}-host" not in ct[0], list(tree)
    pol = dom[dom.index('id="pols"'):]
    assert "sensitive-files" in pol and "/etc/shadow" in pol and "security_file_open" in pol
    assert "policy event" in host  # the process that read it is marked


def test_hostile_argument_is_text(report):
    t = report["tag"]
    dom = chromium(report["url"] + f"#q={t}-evil", report["dir"] + "/p3", "--dump-dom")
    title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert "PWNED" not in title
    assert f"{t}-evil&lt;script&gt;document.title=" in dom
    assert "&lt;/script&gt;\"&lt;/tr&gt;&lt;/td&gt;&lt;/table&gt;&lt;/script&gt;&lt;img src=" in dom
    for tag in ("<img", "<iframe", "<link", "<table", "<tr"):
        assert tag not in dom, tag
    assert dom.count("<script") == 1  # the page's own


def test_no_request_leaves_the_page(report):
    """Nothing in the file names a place to fetch from, and while Chromium
    renders it (the hostile argument's <img>, <link>, <iframe> included) the
    proxy sees no request but the browser's own."""
    src = open(report["html"], encoding="utf-8").read()
    page = re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", src, flags=re.S)
    assert not re.search(r"(?:src|href)\s*=|@import|url\(|https?:", page), "the page names a URL"
    assert "default-src 'none'" in page
    proxy = Proxy()
    chromium(report["url"], report["dir"] + "/p4", "--dump-dom", proxy=proxy)
    chromium(report["url"] + "#q=" + report["tag"], report["dir"] + "/p4", "--dump-dom", proxy=proxy)
    assert not proxy.from_page(), proxy.from_page()
    assert not [r for r in proxy.requests if TRAP in r]


def test_filters_from_the_location_hash(report):
    t = report["tag"]
    dom = chromium(report["url"] + f"#q={t}-ct", report["dir"] + "/p5", "--dump-dom")
    rows = timeline(dom)
    assert rows and all(f"{t}-ct" in r for r in rows), rows[:5]
    tree = branches(dom)  # the container, and the host's launcher naming the tag
    assert f"{t}-ct" in "".join(tree.values()) and not any(f"{t}-host" in v for v in tree.values())
    m = re.search(r'id="count"[^>]*>(\d+) of (\d+) events', dom)
    assert m and 0 < int(m.group(1)) < int(m.group(2))
    dom = chromium(report["url"] + "#kind=policy", report["dir"] + "/p5", "--dump-dom")
    rows = timeline(dom)
    assert rows and all("sensitive-files" in r for r in rows), rows[:5]
    dom = chromium(report["url"] + f"#ct={report['cid']}&kind=exec", report["dir"] + "/p5", "--dump-dom")
    rows = timeline(dom)
    assert rows and all(" exec " in r for r in rows) and any(f"{t}-ct" in r for r in rows), rows
    assert not any(f"{t}-host" in r for r in rows), rows
    assert list(branches(dom)) == [k for k in branches(dom) if k.startswith("container ")]


def test_report_errors():
    """--html without -r, an unwritable path, a missing capture, a full
    disk: one line, non-zero, and no report left behind; a report is 0600
    as captures are (arguments may hold secrets)."""
    r = run([BIN, "--html", "/tmp/x.html"])
    assert r.returncode == 2 and b"--html" in r.stderr and r.stderr.count(b"\n") == 1
    tmp = tempfile.mkdtemp(prefix="tracer-report-err-")
    try:
        cap = os.path.join(tmp, "c.trc")
        r = run([BIN, "-r", os.path.join(tmp, "missing.trc"), "--html", os.path.join(tmp, "r.html")])
        assert r.returncode == 1 and r.stderr.count(b"\n") == 1 and not os.path.exists(os.path.join(tmp, "r.html"))
        with Tracer("-w", cap):
            run(["/usr/bin/true", mark()])
        r = run([BIN, "-r", cap, "--html", "/nonexistent-dir/r.html"])
        assert r.returncode == 1 and b"/nonexistent-dir/r.html" in r.stderr and r.stderr.count(b"\n") == 1
        r = run([BIN, "-r", cap, "--html", "/dev/full"])  # a write error: said, and the device kept
        assert r.returncode == 1 and b"/dev/full: No space left on device" in r.stderr
        assert os.path.exists("/dev/full")
        r = run([BIN, "-r", cap, "--html", os.path.join(tmp, "r.html")])
        assert r.returncode == 0 and os.stat(os.path.join(tmp, "r.html")).st_mode & 0o777 == 0o600
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_hostile_captures_make_sound_reports(tmp_path):
    """Every crafted capture of tests/hostile/corpus (damaged files, a
    container named like the host, Unicode spaces, CSV formulas) gives a
    report whose data blocks hold no '<' and parse as JSON, with its header
    last; a damaged one says so and exits 1."""
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "hostile", "corpus", "*.cap")))
    assert files
    for cap in files:
        html = str(tmp_path / "r.html")
        r = run([BIN, "-r", cap, "--html", html], timeout=120)
        assert r.returncode in (0, 1), (cap, r.stderr[-300:])
        src = open(html, encoding="utf-8").read()
        blocks = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', src, re.S)
        assert blocks and all("<" not in b for b in blocks), cap
        meta = json.loads(blocks[-1])
        for b in blocks[:-1]:
            json.loads(b)
        assert ("error" in meta) == (r.returncode == 1), (cap, meta.get("error"))
