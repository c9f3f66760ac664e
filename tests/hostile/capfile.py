# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""capfile.py - writes tracer capture files byte by byte, hostile ones included.

The layout is output/capture.c's (framing little-endian, records in this
machine's byte order); the record structs are bpf/events.h's. Nothing here
checks what it writes: that is the point.
"""
import struct
import zlib

MAGIC = b"\x89TRACE\r\n"
T_TOOL, T_NODE, T_HOST, T_KREL, T_KVER, T_MACHINE, T_HOST_NS, T_START, T_BOOT, T_POLICY, T_HOOK = range(1, 12)
REC_EVENT, REC_SNAPSHOT, REC_ANNOT = 1, 2, 3
EV_EXEC, EV_EXIT, EV_FORK, EV_SCAN, EV_HOST, EV_HOOK, EV_CGROUP, EV_BATCH = range(1, 9)
TR_KPROBE = 3
NS_COUNT, NS_MNT, NS_PID = 10, 4, 5
HOST_NS = [0xF0000000 + i for i in range(NS_COUNT)]
CT_INFO_SIZE = 1660  # sizeof(struct container_info)
AK_STRING = 4  # AK_STR_KERNEL


def tlv(tag, value, flags=0):
    return struct.pack("<HHI", tag, flags, len(value)) + value


def s(v):
    if v is None:
        return struct.pack("<I", 0xFFFFFFFF)
    v = v.encode() if isinstance(v, str) else v
    return struct.pack("<I", len(v)) + v


def hook(policy="hostile", fn="security_file_open", nargs=1, tags=()):
    v = struct.pack("<IIII", TR_KPROBE, len(tags), nargs, 0)
    v += s(policy) + s(fn) + s(None) + s(None) + s(None) + s(None)
    for t in tags:
        v += s(t)
    for _ in range(nargs):
        v += s("file") + s(None)
    return v + s(None)


def header_body(hooks=1, node="hostile-node", host_ns=HOST_NS):
    b = tlv(T_TOOL, b"0.1.0") + tlv(T_NODE, node.encode())
    for t in (T_HOST, T_KREL, T_KVER, T_MACHINE):
        b += tlv(t, b"x")
    b += tlv(T_HOST_NS, struct.pack("<10I", *host_ns))
    b += tlv(T_START, struct.pack("<Q", 1700000000 * 10**9))
    b += tlv(T_BOOT, struct.pack("<q", 1700000000 * 10**9))
    for _ in range(hooks):
        b += tlv(T_HOOK, hook())
    return b


def header(body, index=0):
    pre = MAGIC + struct.pack("<HHIQI", 1, 0, index, 0, len(body))
    return pre + struct.pack("<I", zlib.crc32(body, zlib.crc32(pre))) + body


def rec(data, kind=REC_EVENT, aux=0):
    pad = (-len(data)) % 8
    return struct.pack("<IHH", len(data), kind, aux) + data + b"\0" * pad


def block(raw):
    comp = zlib.compress(raw, 1)
    return struct.pack("<4I", 0x314B4C42, len(comp), len(raw), zlib.crc32(raw)) + comp


def end(blocks, records):
    e = struct.pack("<3I", 0x31444E45, blocks, records)
    return e + struct.pack("<I", zlib.crc32(e))


class Capture:
    """Records are grouped into blocks of at most ~512 KiB raw."""

    def __init__(self, hooks=1, body=None, index=0):
        self.out = bytearray(header(body if body is not None else header_body(hooks), index))
        self.raw = bytearray()
        self.blocks = self.recs = 0

    def add(self, data, kind=REC_EVENT, aux=0):
        r = rec(data, kind, aux)
        if self.raw and len(self.raw) + len(r) > 512 << 10:
            self.flush()
        self.raw += r
        self.recs += 1

    def flush(self):
        if self.raw:
            self.out += block(bytes(self.raw))
            self.blocks += 1
            self.raw = bytearray()

    def finish(self, marker=True):
        self.flush()
        if marker:
            self.out += end(self.blocks, self.recs)
        return bytes(self.out)


def hdr(typ, size, ktime=1, flags=0):
    return struct.pack("<HHIQ", typ, flags, size, ktime)


def creds(uid=0):
    return struct.pack("<10I3Q", uid, uid, uid, uid, uid, uid, uid, uid, 0xFFFFFFFF, 0, 0, 0, 0)


def proc(typ, pid, ppid, binary, cwd=b"/", args=(), cgroup=b"", ns=HOST_NS, uid=0,
         ktime=1, flags=1, raw_lens=None):
    binary = binary.encode() if isinstance(binary, str) else binary
    cwd = cwd.encode() if isinstance(cwd, str) else cwd
    cgroup = cgroup.encode() if isinstance(cgroup, str) else cgroup
    av = b"".join((a.encode() if isinstance(a, str) else a) + b"\0" for a in [binary, *args])
    data = binary + b"\0" + cwd + b"\0" + av + cgroup + b"\0"
    lens = raw_lens or (len(binary) + 1, len(cwd) + 1, len(av), len(cgroup) + 1)
    body = struct.pack("<4I2Q", pid, pid, ppid, pid, ktime, 0) + creds(uid)
    body += struct.pack("<10II4H", *ns, flags, *lens) + b"\0" * 4
    return hdr(typ, 168 + len(data), ktime) + body + data


def host_rec(ns=HOST_NS):
    return proc(EV_HOST, 0, 0, "", ns=ns)


def fork(pid, ppid, ktime=1, ns=HOST_NS):
    return hdr(EV_FORK, 80, ktime) + struct.pack("<IIQI10II", pid, ppid, ktime, pid, *ns, 0)


def exit_(pid, code=0, ktime=1):
    return hdr(EV_EXIT, 32, ktime) + struct.pack("<4I", pid, pid, code, 0)


def cgroup_move(pid, path, declared=None, size=None):
    path = path.encode() if isinstance(path, str) else path
    n = declared if declared is not None else len(path)
    data = hdr(EV_CGROUP, size or 24 + len(path)) + struct.pack("<IHH", pid, n, 0) + path
    return data


def hook_ev(pid, hook_id=0, arg=b"/etc/shadow", ktime=1):
    a = struct.pack("<BBHI", AK_STRING, 0, len(arg), 0) + arg + b"\0" * ((-len(arg)) % 8)
    size = 40 + len(a)
    return hdr(EV_HOOK, size, ktime) + struct.pack("<3IBBBBq", pid, pid, hook_id, 0, 0, 1, 0, 0) + a


def batch_mark():
    return hdr(EV_BATCH, 16)


def annot_container(cid, fields, rt=1, flags=1):
    """A container_info blob; fields: {name: bytes} at their offsets."""
    offs = {"id": (0, 65), "runtime": (65, 16), "pod_uid": (81, 37), "name": (118, 256),
            "image": (374, 512), "image_id": (886, 128), "pod_name": (1014, 254),
            "pod_namespace": (1268, 64), "label": (1332, 320)}
    b = bytearray(CT_INFO_SIZE)
    b[0:64] = cid.encode()
    for k, v in fields.items():
        o, n = offs[k]
        b[o:o + min(n, len(v))] = v[:n]
    struct.pack_into("<II", b, 1652, rt, flags)
    idb = cid.encode()
    return struct.pack("<I", len(idb)) + idb + b"\0" + bytes(b)
