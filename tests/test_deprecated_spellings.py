"""Old (British) spellings of renamed public names still work, with a DeprecationWarning (issue 13).

Written by the spelling rename (rename_spelling.py; KEEP-BRITISH-SPELLING: it leaves this file alone): each
alias must reach the very object (or behavior) its new name does, warn, and leave other missing names an
AttributeError.
"""

import importlib
import sys

import pytest

from dialgym.simulators.scripted import IntentRecognizer

MODULE_ALIASES = [
    ("dialgym.tasks.travel", "CATALOGUE", "CATALOG"),
    ("dialgym.tasks.travel.user", "recognise", "recognize"),
]
SHIMS = [
    ("dialgym.tasks.travel.catalogue", "dialgym.tasks.travel.catalog"),
]
CLASS_ALIASES = [
    ("IntentRecognizer", "explain_normalised", "explain_normalized"),
    ("IntentRecognizer", "recognise", "recognize"),
    ("IntentRecognizer", "recognise_normalised", "recognize_normalized"),
]


@pytest.mark.parametrize(("module", "old", "new"), MODULE_ALIASES)
def test_old_module_name_warns_and_is_the_same_object(module, old, new):
    mod = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=old):
        assert getattr(mod, old) is getattr(mod, new)
    with pytest.raises(AttributeError, match="has no attribute"):
        getattr(mod, old + "_no_such_name")


@pytest.mark.parametrize(("old_module", "new_module"), SHIMS)
def test_old_module_path_imports_the_new_module(monkeypatch, old_module, new_module):
    monkeypatch.delitem(sys.modules, old_module, raising=False)
    with pytest.warns(DeprecationWarning, match=old_module):
        assert importlib.import_module(old_module) is importlib.import_module(new_module)


def _instance(cls):
    return {
        "IntentRecognizer": lambda: IntentRecognizer({"ask": [r"\?"]}),
    }[cls.__name__]()


SAMPLE = {
    "IntentRecognizer": "Is it?",
}


CLASSES = {"IntentRecognizer": IntentRecognizer}


@pytest.mark.parametrize(("cls", "old", "new"), CLASS_ALIASES)
def test_old_method_name_warns_and_answers_like_the_new_one(cls, old, new):
    obj = _instance(CLASSES[cls])
    with pytest.warns(DeprecationWarning, match=old):
        answer = getattr(obj, old)(SAMPLE[cls])
    assert answer == getattr(obj, new)(SAMPLE[cls])


@pytest.mark.parametrize(("cls", "old", "new"), CLASS_ALIASES)
def test_subclass_overriding_the_old_name_overrides_the_new_one(cls, old, new):
    sentinel = object()
    with pytest.warns(DeprecationWarning, match=old):
        sub = type("OldSpelling", (CLASSES[cls],), {old: lambda self, *args, **kwargs: sentinel})
    assert getattr(_instance(CLASSES[cls]).__class__, new) is not getattr(sub, new)
    obj = _instance(CLASSES[cls])
    obj.__class__ = sub
    assert getattr(obj, new)(SAMPLE[cls]) is sentinel
