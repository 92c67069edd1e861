"""agents/lm.py: the causal-LM plumbing shared by BC and ILQL (here: the KV-cache argument across versions)."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from dialgym.agents import lm  # noqa: E402


def test_trunk_uses_this_transformers_versions_cache_name_without_deprecation_warnings():
    """transformers renamed ``past_key_values`` to ``cache`` within 5.x; the old name warns and goes in 5.40."""
    tok = lm.fit_tokenizer(["hello world, how are you"] * 5, vocab_size=300)
    model = lm.build_tiny_model(tok, n_layer=1, n_embd=16, n_head=2, n_positions=64)
    ids = torch.tensor([tok("hello world how are you")["input_ids"]])
    mask = torch.ones_like(ids)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a FutureWarning about the cache name fails the test
        full, _ = lm.trunk(model, ids, mask)
        prefix, cache = lm.trunk(model, ids[:, :-1], mask[:, :-1], use_cache=True)
        last, _ = lm.trunk(model, ids[:, -1:], mask, past_key_values=cache, use_cache=True)
    assert cache is not None
    torch.testing.assert_close(prefix, full[:, :-1])
    torch.testing.assert_close(last[:, 0], full[:, -1], atol=1e-5, rtol=1e-5)


def test_cache_argument_reads_the_forward_signature():
    class Old:
        def __call__(self, input_ids, attention_mask, position_ids=None, past_key_values=None, use_cache=False):
            return SimpleNamespace(last_hidden_state=None, past_key_values="old-cache")

    class New(torch.nn.Module):
        def forward(self, input_ids, attention_mask, position_ids=None, cache=None, use_cache=False):
            return SimpleNamespace(last_hidden_state=None, cache=cache or "new-cache")

    class Holder:  # base_model as a bound method: every bound method has the same type
        def old(self, input_ids, attention_mask, position_ids=None, past_key_values=None, use_cache=False):
            return None

        def new(self, input_ids, attention_mask, position_ids=None, cache=None, use_cache=False):
            return None

    assert lm.cache_argument(Old()) == "past_key_values"
    assert lm.cache_argument(New()) == "cache"
    assert lm.cache_argument(Holder().old) == "past_key_values"
    assert lm.cache_argument(Holder().new) == "cache"
    ids = torch.ones(1, 2, dtype=torch.long)
    for base, expected in ((Old(), "old-cache"), (New(), "new-cache")):
        _, cache = lm.trunk(SimpleNamespace(base_model=base), ids, torch.ones_like(ids), use_cache=True)
        assert cache == expected
