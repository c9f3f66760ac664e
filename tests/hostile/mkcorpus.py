#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""mkcorpus.py [DIR] - writes the crafted captures of issue 14 into DIR
(default: tests/hostile/corpus). Each file is a reproducer: tests/sanitize
replays every one under ASan/UBSan, tests/e2e/test_hostile.py checks what
the replay prints. Large ones are made by the tests themselves (big())."""
import os
import sys

from capfile import *  # noqa: F401,F403

CID = "ab" * 32
CT_NS = [0xE0000000 + i for i in range(NS_COUNT)]  # a container's own namespaces


def bash_then(*records, hooks=1):
    """Host init and a bash as start-up scan, then records in one batch."""
    c = Capture(hooks)
    c.add(host_rec())
    c.add(proc(EV_SCAN, 1, 0, "/sbin/init"))
    c.add(proc(EV_SCAN, 50, 1, "/bin/bash", flags=2))
    for r in records:
        c.add(r)
    return c


def second_header(truncated):
    """1: a batch pending when the next file's header arrives."""
    c = bash_then(fork(100, 50), proc(EV_EXEC, 100, 50, "/bin/cat", args=["x"]), hook_ev(100))
    first = c.finish()
    nxt = Capture(hooks=0, index=1)
    nxt.add(hook_ev(100))
    nxt.add(batch_mark())
    second = nxt.finish()
    return first + (second[:60] if truncated else second)


def long_exec():
    """2: relative binary in a long cwd, long argv: more than 13.8 KiB."""
    cwd = "/" + "/".join(["d" * 250] * 16)[:4000]
    binary = "./" + "b" * 4000
    args = ["a" * 1000] * 4
    return bash_then(fork(100, 50), proc(EV_EXEC, 100, 50, binary, cwd=cwd, args=args),
                     hook_ev(100), batch_mark()).finish()


def huge_cgroup_exec():
    """2: a crafted exec whose cgroup alone is ~60 KiB: cut, never dropped."""
    return bash_then(fork(100, 50), proc(EV_EXEC, 100, 50, "/usr/bin/huge", args=["x"],
                                         cgroup="/" + "c" * 60000),
                     hook_ev(100), batch_mark()).finish()


def fork_exit_chain(n):
    """3: each generation forks the next, then exits."""
    c = bash_then()
    for i in range(n):
        pid, child = 1000 + i, 1001 + i
        c.add(fork(child, pid if i else 50, ktime=2 + i))
        if i:
            c.add(exit_(pid, ktime=2 + i))
        if i % 64 == 63:
            c.add(batch_mark())
    c.add(batch_mark())
    return c.finish()


def hint_overread():
    """4: the last record of a full batch buffer (8 MiB) is a cgroup move
    declaring 65535 bytes of path it does not have."""
    c = bash_then(fork(100, 50))
    used = 0
    for _ in range(31):  # fillers: forks of an unknown parent, ignored
        c.add(hdr(EV_FORK, 262144) + b"\0" * (262144 - 16))
        used += 262144
    first = 3  # host, init, bash are decoded alone; fork(100) is in the batch
    used += 80
    ex = proc(EV_EXEC, 100, 50, "/bin/sh")
    exl = len(ex) + (-len(ex)) % 8
    tail = 8 << 20
    filler = tail - used - exl - 32
    c.add(hdr(EV_FORK, filler) + b"\0" * (filler - 16))
    c.add(ex)
    c.add(cgroup_move(100, b"A" * 8, declared=65535))
    c.add(batch_mark())
    del first
    return c.finish()


def annot(fields, name_exec="/bin/true"):
    c = Capture(1)
    c.add(host_rec())
    c.add(proc(EV_SCAN, 50, 1, "/bin/bash", flags=2))
    c.add(annot_container(CID, fields), kind=REC_ANNOT, aux=1)
    c.add(fork(100, 50, ns=CT_NS))
    c.add(proc(EV_EXEC, 100, 50, name_exec, cgroup=f"/system.slice/docker-{CID}.scope", ns=CT_NS))
    c.add(exit_(100))
    c.add(batch_mark())
    return c.finish()


def unterminated_annot():
    """5: every string of the annotation fills its field, no NUL."""
    big = {k: b"N" * 600 for k in ("runtime", "pod_uid", "name", "image", "image_id",
                                   "pod_name", "pod_namespace", "label")}
    return annot(big)


def empty_hooks(mib):
    """14: a header of nothing but empty hook fields."""
    body = header_body(0) + tlv(T_HOOK, b"") * ((mib << 20) // 8)
    return Capture(body=body).finish()


def host_named_container():
    """9: a container named "host"."""
    return annot({"name": b"host", "label": b"host"})


def unicode_spaces():
    """10: arguments holding Unicode spaces: one must not look like two."""
    args = ["a\u2003b", "c\u00a0d", "e\u3000f", "g\u200bh", "i\u061cj", "k\u2028l"]
    return bash_then(fork(100, 50), proc(EV_EXEC, 100, 50, "/bin/echo", args=args),
                     batch_mark()).finish()


def csv_formula():
    """12: arguments a spreadsheet would run as formulas."""
    args = ["+1+1", "=cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
    return bash_then(fork(100, 50), proc(EV_EXEC, 100, 50, "=evil", args=args),
                     batch_mark()).finish()


def corpus():
    return {
        "01-second-header-after-end.cap": second_header(False),
        "01-truncated-second-header.cap": second_header(True),
        "02-long-exec.cap": long_exec(),
        "02-huge-cgroup-exec.cap": huge_cgroup_exec(),
        "03-fork-exit-chain-4096.cap": fork_exit_chain(4096),
        "04-cgroup-hint-overread.cap": hint_overread(),
        "05-annotation-unterminated.cap": unterminated_annot(),
        "09-container-named-host.cap": host_named_container(),
        "10-unicode-spaces.cap": unicode_spaces(),
        "12-csv-formula.cap": csv_formula(),
        "14-header-empty-hooks-1mib.cap": empty_hooks(1),
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    os.makedirs(out, exist_ok=True)
    for name, data in corpus().items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
