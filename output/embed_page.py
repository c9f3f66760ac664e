#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""embed_page.py - output/report.html -> html_page.h (two C strings).

The page is split at its <!--DATA--> marker: html_page_head is written
before the report's data blocks, html_page_tail after them. The script's
SHA-256 goes into the page's Content-Security-Policy (the {{SCRIPT_HASH}}
placeholder), so no other script can run, whatever the data holds."""
import base64
import hashlib
import re
import sys

src, dst = sys.argv[1], sys.argv[2]
page = open(src, encoding="utf-8").read()
scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
if len(scripts) != 1:
    sys.exit(f"{src}: expected exactly one inline <script>, found {len(scripts)}")
digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
page = page.replace("{{SCRIPT_HASH}}", "sha256-" + digest)
head, sep, tail = page.partition("<!--DATA-->\n")
if not sep:
    sys.exit(f"{src}: no <!--DATA--> marker")


def c_string(text):
    out = []
    for line in text.splitlines(keepends=True):
        esc = line.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        out.append('\t"' + esc + '"')
    return "\n".join(out) if out else '\t""'


with open(dst, "w", encoding="utf-8") as f:
    f.write("/* Generated from output/report.html by output/embed_page.py: do not edit. */\n")
    f.write("static const char html_page_head[] =\n" + c_string(head) + ";\n")
    f.write("static const char html_page_tail[] =\n" + c_string(tail) + ";\n")
