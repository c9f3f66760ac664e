# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""--help, the manual page and the bash completion say the same thing.

No root needed (NEEDS_ROOT below): runs `tracer --help`, reads man/tracer.8
and completion/tracer.bash, renders the manual with groff and drives the
completion function in bash."""
import glob
import json
import os
import re
import subprocess

import pytest

from conftest import BIN, ROOT, need

NEEDS_ROOT = False  # conftest.py: runs as any user

MAN = os.path.join(ROOT, "man", "tracer.8")
COMPLETION = os.path.join(ROOT, "completion", "tracer.bash")
GOLDEN = os.path.join(ROOT, "tests", "golden")


def help_text():
    r = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr
    return r.stdout


def help_longs():
    return set(re.findall(r"(?<![\w-])--([a-z][a-z0-9-]+)", help_text()))


def help_shorts():
    return set(re.findall(r"^\s+-([a-zA-Z]),", help_text(), re.M))


def man_source():
    with open(MAN, encoding="utf-8") as f:
        return f.read()


def man_plain():
    """The manual's words: comments dropped, font escapes removed, \\- as -."""
    text = "\n".join(l for l in man_source().splitlines() if not l.startswith('.\\"'))
    text = re.sub(r"\\f[BIRP]|\\f\(..|\\&|\\\*\[[\w-]+\]", "", text)
    text = re.sub(r"\\\(..", " ", text)  # \(dq, \(em, ...
    return text.replace("\\-", "-").replace("\\e", "\\")


def completion_source():
    with open(COMPLETION, encoding="utf-8") as f:
        return f.read()


def completion_var(name):
    m = re.search(r"^%s=\"([^\"]*)\"" % name, completion_source(), re.M)
    assert m, f"{name} not found in {COMPLETION}"
    return m.group(1).split()


def completion_longs():
    return {o[2:] for o in completion_var("_tracer_opts_arg") + completion_var("_tracer_opts_flag")}


def complete(*words):
    """What _tracer offers for the command line words (the last is the one
    being completed), one candidate a line."""
    script = (
        f"source {COMPLETION}\n"
        'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}\n'
        "_tracer\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", *words],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr
    return [l for l in r.stdout.splitlines() if l]


def test_help_lists_options():
    longs = help_longs()
    assert {"output", "count", "help", "version"} <= longs, longs


def test_every_long_option_is_in_the_manual():
    plain = man_plain()
    missing = sorted(o for o in help_longs() if "--" + o not in plain)
    assert not missing, f"in --help, not in man/tracer.8: {missing}"


def test_every_short_option_is_in_the_manual():
    plain = man_plain()
    missing = sorted(o for o in help_shorts() if not re.search(r"(?<![\w-])-%s\b" % o, plain))
    assert not missing, f"in --help, not in man/tracer.8: {missing}"


def test_the_manual_documents_no_option_tracer_lacks():
    """Options in OPTIONS (.TP/.B lines) must exist; the planned ones stay in
    comments until they do."""
    src = man_source()
    section = src[src.index(".SH OPTIONS"):src.index('.SH "OUTPUT FORMATS"')]
    tags = re.findall(r"^\.(?:BR?|TP)\s+\\-\\-([a-z][a-z0-9\\-]*)", section, re.M)
    documented = {t.replace("\\-", "-").rstrip("-") for t in tags}
    extra = sorted(documented - help_longs())
    assert not extra, f"man/tracer.8 documents options --help lacks: {extra}"


def test_completion_has_every_long_option_and_no_other():
    h, c = help_longs(), completion_longs()
    assert not sorted(h - c), f"in --help, not in the completion: {sorted(h - c)}"
    assert not sorted(c - h), f"in the completion, not in --help: {sorted(c - h)}"


def test_completion_has_every_short_option():
    m = re.search(r"compgen -W \"\$_tracer_opts_arg \$_tracer_opts_flag([^\"]*)\"",
                  completion_source())
    assert m, "the option list of the completion not found"
    shorts = set(m.group(1).split())
    missing = sorted(o for o in help_shorts() if "-" + o not in shorts)
    assert not missing, f"in --help, not in the completion: {missing}"


def test_completion_values_match_help():
    text = help_text()
    formats = re.search(r"Output format: (.*)", text).group(1)
    assert set(completion_var("_tracer_formats")) == set(re.findall(r"\b(compact|json|csv)\b", formats))
    events = re.search(r"Event families: ([a-z,]+)", text).group(1).split(",")
    assert completion_var("_tracer_events") == events
    plain = man_plain()
    for e in events:
        assert re.search(r"^\.[BT][A-Z]*\s+%s\b" % e, man_source(), re.M) or e in plain


def test_completion_completes():
    need("bash")
    assert complete("tracer", "--outp") == ["--output"]
    assert set(complete("tracer", "--")) == {"--" + o for o in completion_longs()}
    assert complete("tracer", "-o", "j") == ["json"]
    assert sorted(complete("tracer", "--output", "")) == ["compact", "csv", "json"]
    assert sorted(complete("tracer", "--output=c")) == ["--output=compact", "--output=csv"]
    assert sorted(complete("tracer", "--output", "=", "c")) == ["compact", "csv"]
    assert complete("tracer", "-e", "exec,co") == ["exec,connect"]
    assert "exit" not in complete("tracer", "-e", "exit,")
    assert complete("tracer", "-c", "") == []


def test_manual_sections():
    src = man_source()
    for sec in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", '"OUTPUT FORMATS"', "POLICIES",
                "HOOKS", '"EXIT STATUS"', "EXAMPLES", "OVERHEAD", '"SEE ALSO"']:
        assert re.search(r"^\.SH %s\s*$" % re.escape(sec), src, re.M), sec


def test_manual_renders_without_warnings():
    r = subprocess.run([need("groff"), "-man", "-ww", "-z", MAN], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr[:500]


def json_keys(obj, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.add(k)
            json_keys(v, out)
    elif isinstance(obj, list):
        for v in obj:
            json_keys(v, out)
    return out


def test_manual_documents_every_output_field():
    """Every JSON key and CSV column the golden files hold is named."""
    plain = man_plain()
    keys = set()
    with open(os.path.join(GOLDEN, "events.json"), encoding="utf-8") as f:
        for line in f:
            json_keys(json.loads(line), keys)
    with open(os.path.join(GOLDEN, "events.csv"), encoding="utf-8") as f:
        keys |= set(f.readline().strip().split(","))
    missing = sorted(k for k in keys if not re.search(r"(?<![\w])%s(?![\w])" % re.escape(k), plain))
    assert not missing, f"output fields not in man/tracer.8: {missing}"


def test_manual_version_is_the_program_version():
    r = subprocess.run([BIN, "--version"], capture_output=True, text=True, timeout=10)
    version = r.stdout.split()[-1]
    th = re.search(r"^\.TH .*$", man_source(), re.M).group(0)
    assert f'"tracer {version}"' in th, (th, version)


def test_completion_is_registered():
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c",
                        f"source {COMPLETION} && complete -p tracer"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and "-F _tracer" in r.stdout, r.stderr


def test_docs_cite_only_files_in_this_repository():
    """A clone has no ../shared: every path the docs name is in the tree."""
    docs = ["README.md", "policy/examples/README.md", "tests/vm/README.md",
            "tests/tetragon-policies/README.md", "docs/ARCHITECTURE.md"]
    missing = []
    for doc in docs:
        path = os.path.join(ROOT, doc)
        if not os.path.exists(path):
            missing.append(doc)
            continue
        text = open(path).read()
        assert "../" not in re.sub(r"\.\.\./", "", text), f"{doc} points outside the repository"
        for ref in re.findall(r"`((?:bpf|policy|output|tests|man|bench|docs|completion)/[\w./-]+)`", text):
            if not os.path.exists(os.path.join(ROOT, ref.rstrip("/."))):
                missing.append(f"{doc}: {ref}")
    assert not missing, missing


# docs/ARCHITECTURE.md: which folder may include which (the stages point one
# way). Keys and values are path prefixes; the most specific key applies.
MAY_INCLUDE = {
    "bpf/": ["bpf/"],
    "bpf/load/": ["bpf/"],
    "policy/": ["policy/", "bpf/events.h", "bpf/load/hooks.h", "output/events/event.h",
                "output/escape.h"],
    "output/events/": ["output/events/", "bpf/events.h", "output/escape.h"],
    "output/capture/": ["output/capture/", "output/events/", "bpf/events.h"],
    "output/": ["output/", "bpf/events.h"],  # output/capture/ included: -r --html
}


def test_includes_point_one_way():
    bad = []
    for d in MAY_INCLUDE:
        for path in sorted(glob.glob(os.path.join(ROOT, d, "*.[ch]"))):
            rel = os.path.relpath(path, ROOT)
            for inc in re.findall(r'#include "((?:bpf|policy|output)/[^"]+)"', open(path).read()):
                if not any(inc.startswith(p) for p in MAY_INCLUDE[d]):
                    bad.append(f"{rel} includes {inc}")
    assert not bad, bad


def tracked(*patterns):
    out = subprocess.run(["git", "-C", ROOT, "ls-files", *patterns], capture_output=True,
                         text=True)
    if out.returncode:
        pytest.skip("not a git checkout")
    return [f for f in out.stdout.split("\n") if f]


def c_functions(path):
    """(name, first line, lines) of each function defined at column 0."""
    lines = open(os.path.join(ROOT, path), errors="replace").read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i] == "{" and i > 0:
            j = i - 1  # the signature: back to a line after a blank, comment or ';'
            while j > 0 and lines[j - 1].strip() and not lines[j - 1].startswith(
                    ("}", "#", "/*", " *")) and not lines[j - 1].endswith(";"):
                j -= 1
            k = i + 1
            while k < len(lines) and lines[k] != "}":
                k += 1
            name = re.search(r"(\w+)\s*\(", " ".join(lines[j:i]))
            yield (name.group(1) if name else "?"), j + 1, k - j + 1
            i = k
        i += 1


def test_functions_fit_on_a_screen():
    """docs/ARCHITECTURE.md: at most 60 lines, signature to closing brace."""
    long = [f"{p}:{line} {name} ({n} lines)" for p in tracked("*.c", "*.h")
            for name, line, n in c_functions(p) if n > 60]
    assert not long, long


def test_every_source_file_says_its_licence():
    data = re.compile(r"^tests/(golden|policy|hostile/corpus|fuzz/corpus_\w+|tetragon-policies|e2e/tetragon)/")
    files = [f for f in tracked() if not data.match(f) and re.search(
        r"(\.(c|h|py|sh|build|txt)$|^setup$|/run$|/run-all$|/sanitize$|/matrix$|/fetch$|/corpus$)", f)
        and not f.endswith("packages.txt")]
    missing = [f for f in files if "SPDX-License-Identifier" not in open(os.path.join(ROOT, f), errors="replace").read(400)]
    assert files and not missing, missing
