"""Fixtures of the learning-agent tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def one_torch_thread():
    """Tiny models run faster on one thread, and much faster on a busy machine (no spinning worker threads)."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
