"""Shared fixtures for the LLM layer tests.

The tests folder has no ``__init__`` files and pytest runs with ``--import-mode=importlib``, so this folder is
put on ``sys.path`` to let tests (and benchmarks) import the ``fake_openai_server`` helper by name.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


@pytest.fixture
def fresh_llm_clients():
    """No shared LLM clients before or after the test (the LLM users share one client per config)."""
    from dialgym.simulators import llm_user

    llm_user._SHARED.clear()
    yield
    for model in llm_user._SHARED.values():
        model.close()
    llm_user._SHARED.clear()
