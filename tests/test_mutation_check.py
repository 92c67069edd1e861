"""tools/mutation_check.py stays usable: every listed mutation still applies to the current source.

The mutation check itself is too slow for CI (it reruns test files once per mutation); what can rot quietly is
its list: a refactor that rewrites a mutated line makes that mutation inapplicable, and the report would lose
a row without anyone noticing. This test fails first.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load():
    spec = importlib.util.spec_from_file_location("mutation_check", ROOT / "tools" / "mutation_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_check"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


mc = _load()


@pytest.mark.parametrize("m", mc.MUTATIONS, ids=lambda m: m.name)
def test_each_mutation_applies_once_and_still_parses(m):
    source = (ROOT / m.path).read_text()
    assert source.count(m.old) == 1, f"{m.name}: {m.old!r} occurs {source.count(m.old)} times in {m.path}"
    mutated = mc.apply(source, m)
    assert mutated != source
    ast.parse(mutated)  # a bug in behaviour, not a syntax error that any import would catch
    for test in m.tests:
        assert (ROOT / test).exists(), f"{m.name}: test path {test} does not exist"


def test_mutation_names_are_unique_and_the_issue_18_six_are_listed():
    names = [m.name for m in mc.MUTATIONS]
    assert len(names) == len(set(names))
    six = {"ilql-adv-sign", "ilql-tau-ignored", "ilql-adv-online-heads", "ilql-gamma-zero", "lm-never-stops",
           "stable-seed-hash"}  # fmt: skip
    assert six <= set(names)


def test_apply_refuses_an_ambiguous_or_missing_snippet():
    m = mc.Mutation("x", "f.py", "a = 1", "a = 2", (), "")
    assert mc.apply("a = 1\n", m) == "a = 2\n"
    for text in ("a = 1\na = 1\n", "b = 1\n"):
        with pytest.raises(ValueError, match="expected exactly once"):
            mc.apply(text, m)
