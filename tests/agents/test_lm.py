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


class ScriptedLM(torch.nn.Module):
    """A fake causal LM whose next token is a fixed function of the position: ``SCRIPT[t]`` after position t.

    The hidden state at position t is one-hot(t) and the LM head maps it to a one-hot logit row, so greedy
    decoding is fully determined by where each row starts, which makes the stopping rule checkable exactly.
    """

    STOP = 9
    SCRIPT = (1, 2, 3, 4, 5, STOP, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7)  # a stop token after position 5

    def __init__(self) -> None:
        super().__init__()
        T, vocab = len(self.SCRIPT), 10
        self.head = torch.nn.Linear(T, vocab, bias=False)
        with torch.no_grad():
            self.head.weight.copy_(10.0 * torch.nn.functional.one_hot(torch.tensor(self.SCRIPT), vocab).T.float())
        self.config = SimpleNamespace(n_positions=T)

    def base_model(self, input_ids, attention_mask, position_ids=None, past_key_values=None, use_cache=False):
        h = torch.nn.functional.one_hot(position_ids, len(self.SCRIPT)).float()
        return SimpleNamespace(last_hidden_state=h, past_key_values=None)

    def get_output_embeddings(self):
        return self.head


@pytest.mark.parametrize("use_cache", [True, False])
def test_generation_stops_each_row_at_its_first_stop_token(use_cache):
    """Each row ends right after its first stop token (kept), finished rows get nothing more, and the loop ends when
    every row has stopped, long before ``max_new_tokens``.

    Catches: generation that never stops at the end of the agent's turn (every row would run to the cap and
    the agent would speak for the user), and a finished row that keeps collecting tokens.
    """
    model = ScriptedLM()
    # prompts of 2 and 4 tokens: the rows continue from positions 1 and 3 (left padding keeps positions per row)
    out = lm.generate_tokens(model, [[0, 0], [0, 0, 0, 0]], pad_id=0, stop_ids=[ScriptedLM.STOP], max_new_tokens=12,
                             do_sample=False, use_cache=use_cache)  # fmt: skip
    assert out == [[2, 3, 4, 5, ScriptedLM.STOP], [4, 5, ScriptedLM.STOP]]
    # without a stop id the same rows run to the cap
    capped = lm.generate_tokens(model, [[0, 0]], pad_id=0, stop_ids=[], max_new_tokens=8, do_sample=False)
    assert capped == [[2, 3, 4, 5, ScriptedLM.STOP, 6, 7, 8]]
