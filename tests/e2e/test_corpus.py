# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Tetragon's 71 example policies (tests/tetragon-policies/) through
`tracer --check` on the running kernel: each loads, or is refused with one
line naming the file, line, column and feature. Never a crash or a hang."""
import importlib.machinery
import importlib.util
import os

import pytest

from conftest import BIN, ROOT

_loader = importlib.machinery.SourceFileLoader("corpus", os.path.join(ROOT, "tests", "corpus"))
_spec = importlib.util.spec_from_loader("corpus", _loader)
corpus = importlib.util.module_from_spec(_spec)
_loader.exec_module(corpus)

POLICIES = list(corpus.policies())


def test_the_corpus_is_all_there():
    assert len(POLICIES) == 71


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: os.path.relpath(p, corpus.CORPUS))
def test_policy_loads_or_is_refused_with_one_line(path):
    kind, reason = corpus.judge(BIN, path)
    assert kind in ("load", "refused"), reason
    if kind == "refused":
        assert len(reason) > 10, reason  # it names what is not supported
