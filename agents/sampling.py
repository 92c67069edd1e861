"""Sampling from a causal LM: a batched, left-padded, KV-cached loop with a hook for the token scores.

:func:`generate_tokens` runs one forward per new token for the whole batch and reads the last hidden state
of each step. By default a token's score is the policy's log-probability, filtered (top-k/top-p) and divided
by the temperature (:meth:`Sampling.policy_scores`): plain sampling from the LM, what BC plays. A learner
that samples from another distribution passes ``scores(h, logp, sampling)`` (ILQL adds its advantage there;
``ilql.py``). We write our own loop because ``model.generate`` has no clean place to read the hidden state
of each step, which such hooks need.

torch is imported lazily, when a function runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dialgym.agents.models import lm_logits, trunk
from dialgym.agents.trajectories import END_TOKEN, Segment

if TYPE_CHECKING:  # pragma: no cover
    import torch

#: ``scores(h, logp, sampling) -> scores``: token scores at hidden states ``h`` (``B x d``) from the policy's
#: log-probabilities ``logp`` (``B x vocab``); the loop samples from ``softmax(scores)`` (argmax when greedy)
ScoreHook = Callable[["torch.Tensor", "torch.Tensor", "Sampling"], "torch.Tensor"]


@dataclass(frozen=True)
class Sampling:
    """How the next token is drawn from the scores: the settings every learner's ``generate`` takes."""

    temperature: float = 1.0
    top_k: int = 0
    top_p: float = 1.0
    do_sample: bool = True

    def __post_init__(self) -> None:
        if self.temperature < 0:
            raise ValueError(f"temperature={self.temperature} must be >= 0")

    @property
    def greedy(self) -> bool:
        """Argmax instead of sampling (``do_sample=False`` or temperature 0)."""
        return (not self.do_sample) or self.temperature == 0

    def filter(self, scores: torch.Tensor) -> torch.Tensor:
        """Set everything outside the top-k / nucleus to -inf (the same rule as transformers' warpers)."""
        import torch

        if self.top_k and 0 < self.top_k < scores.shape[-1]:
            kth = torch.topk(scores, self.top_k, dim=-1).values[..., -1:]
            scores = scores.masked_fill(scores < kth, float("-inf"))
        if self.top_p < 1.0:
            sorted_scores, order = torch.sort(scores, descending=True, dim=-1)
            cum = sorted_scores.softmax(-1).cumsum(-1)
            remove = cum - sorted_scores.softmax(-1) >= self.top_p  # keep the smallest set reaching top_p
            remove[..., 0] = False
            scores = scores.masked_fill(remove.scatter(-1, order, remove), float("-inf"))
        return scores

    def temper(self, scores: torch.Tensor) -> torch.Tensor:
        """Divide by the temperature (not when greedy: the argmax does not change, and 0 would divide)."""
        return scores if self.greedy else scores / self.temperature

    def policy_scores(self, h: torch.Tensor, logp: torch.Tensor) -> torch.Tensor:
        """The default hook: the policy's log-probs, filtered, then tempered."""
        return self.temper(self.filter(logp))


def prompt_ids(tokenizer: Any, prompt: str | Sequence[int] | Sequence[Segment]) -> list[int]:
    """A prompt as token ids: a string, ids already, or context segments (tokenized one by one)."""
    if isinstance(prompt, str):
        return list(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    items = list(prompt)
    if items and all(isinstance(x, (int, np.integer)) for x in items):
        return [int(x) for x in items if isinstance(x, (int, np.integer))]  # (the filter only narrows the type)
    ids: list[int] = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            raise TypeError(f"a prompt must be a str, token ids or (text, is_action) segments, got {item!r:.80}")
        if item[0]:
            ids.extend(tokenizer(item[0], add_special_tokens=False)["input_ids"])
    return ids


def generate_tokens(
    model: Any,
    prompts: Sequence[Sequence[int]],
    *,
    pad_id: int,
    stop_ids: Sequence[int],
    max_new_tokens: int = 64,
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
    do_sample: bool = True,
    generator: torch.Generator | None = None,
    scores: ScoreHook | None = None,
    use_cache: bool = True,
) -> list[list[int]]:
    """Sample continuations for a batch of prompts (left-padded, one forward per new token).

    Each step computes the policy's log-probs ``logp`` at the last hidden state ``h`` and draws the next
    token from ``softmax(scores(h, logp, sampling))`` (the argmax when greedy); ``scores`` defaults to
    :meth:`Sampling.policy_scores`, which is sampling from the policy as transformers' ``generate`` does
    (top-k/top-p on the log-probs, then the temperature).
    ``use_cache=False`` re-runs the whole sequence each step (slow; it exists to test the cache).
    A row stops at its first stop token (kept in the output); the loop stops when all rows have.
    """
    import torch

    sampling = Sampling(temperature=temperature, top_k=top_k, top_p=top_p, do_sample=do_sample)
    score: ScoreHook = scores or (lambda h, logp, how: how.policy_scores(h, logp))
    if not prompts or any(len(p) == 0 for p in prompts):
        raise ValueError("every prompt needs at least one token")
    B = len(prompts)
    L = max(len(p) for p in prompts)
    ids = torch.full((B, L), pad_id, dtype=torch.long)
    attn = torch.zeros((B, L), dtype=torch.long)
    for b, p in enumerate(prompts):
        ids[b, L - len(p) :] = torch.tensor(list(p), dtype=torch.long)
        attn[b, L - len(p) :] = 1
    device = _device(model)
    ids, attn = ids.to(device), attn.to(device)
    stop = torch.tensor(sorted(set(stop_ids)), dtype=torch.long, device=device)
    finished = torch.zeros(B, dtype=torch.bool, device=device)
    out: list[list[int]] = [[] for _ in range(B)]
    past = None
    step_input = ids
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for _ in range(max_new_tokens):
                if use_cache:
                    hidden, past = trunk(model, step_input, attn, past_key_values=past, use_cache=True)
                else:
                    hidden, _ = trunk(model, ids, attn)
                h = hidden[:, -1]
                logp = torch.log_softmax(lm_logits(model, h).float(), dim=-1)
                s = score(h, logp, sampling)
                if sampling.greedy:
                    nxt = s.argmax(-1)
                else:
                    probs = torch.softmax(s, dim=-1)
                    nxt = torch.multinomial(probs.cpu(), 1, generator=generator).squeeze(-1).to(device)
                nxt = torch.where(finished, torch.full_like(nxt, pad_id), nxt)
                for b in (~finished).nonzero().flatten().tolist():
                    out[b].append(int(nxt[b]))
                finished |= torch.isin(nxt, stop)
                if bool(finished.all()):
                    break
                step_input = nxt[:, None]
                ids = torch.cat([ids, step_input], dim=1)
                attn = torch.cat([attn, torch.ones((B, 1), dtype=attn.dtype, device=device)], dim=1)
    finally:
        model.train(was_training)
    return out


def _device(model: Any) -> torch.device:
    """Where the model's weights are (generation runs there; CPU for a model without parameters)."""
    import torch

    try:
        return next(model.parameters()).device
    except (AttributeError, StopIteration):
        return torch.device("cpu")


def sample(
    model: Any,
    tokenizer: Any,
    prompts: Sequence[str | Sequence[int] | Sequence[Segment]],
    *,
    seed: int | None = None,
    stop_ids: Sequence[int] | None = None,
    **kwargs: Any,
) -> list[list[int]]:
    """:func:`generate_tokens` for prompts in any form :func:`prompt_ids` takes, seeded by ``seed``, stopping at
    the tokenizer's end-of-turn tokens unless ``stop_ids`` says otherwise (what BC and ILQL models share)."""
    import torch

    return generate_tokens(
        model,
        [prompt_ids(tokenizer, p) for p in prompts],
        pad_id=tokenizer.pad_token_id,
        stop_ids=stop_ids if stop_ids is not None else stop_token_ids(tokenizer),
        generator=torch.Generator().manual_seed(seed) if seed is not None else None,
        **kwargs,
    )


def decode_turn(tokenizer: Any, ids: Sequence[int], stop_ids: Sequence[int]) -> str:
    """Generated ids -> a clean utterance: cut at the first stop token, drop special tokens, strip."""
    stops = set(stop_ids)
    cut = next((i for i, t in enumerate(ids) if t in stops), len(ids))
    text: str = tokenizer.decode(list(ids[:cut]), skip_special_tokens=True)
    return text.strip()


def stop_token_ids(tokenizer: Any) -> list[int]:
    """End-of-turn tokens: eos, plus ``<|im_end|>``/``<|end|>``/``<|eot_id|>`` where the vocabulary has them."""
    ids = {tokenizer.eos_token_id}
    vocab = tokenizer.get_vocab()
    for tok in ("<|im_end|>", END_TOKEN, "<|eot_id|>", "<end_of_turn>"):
        if tok in vocab:
            ids.add(vocab[tok])
    return sorted(i for i in ids if i is not None)


__all__ = ["Sampling", "ScoreHook", "decode_turn", "generate_tokens", "prompt_ids", "sample", "stop_token_ids"]
