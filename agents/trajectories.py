"""Dialogues and trajectories as token sequences: the data every learner reads, algorithm-neutral.

A trajectory is ``(segments, reward)`` where ``segments`` is a list of ``(text, is_action)``. Action text is
what the policy produces (the agent's turns, each ending with the end-of-turn token so generation knows where
to stop); everything else is context. ``reward`` is the episode return, put on the last action token, or one
number per action segment (put on that segment's last token). Nothing in it is dialgym-specific, so ILQL
works on any tokenized decision problem (``examples/ilql_stitching.py``).

:func:`chat_segments` renders a dialogue with the model's chat template (or, for a model without one, role
tokens ``<|system|> <|user|> <|assistant|> ... <|end|>``) and cuts it into context and action segments.
Training (:func:`episodes_to_trajectories`) and the checkpoint agents (``lm_agent.py``) call the same
function, so the prompt at inference is byte-for-byte the training context. Segments are tokenized one by
one and concatenated (:func:`encode_trajectories`), which pins action boundaries to token boundaries (a BPE
merge across a boundary would otherwise blur what is an action).

What a learner makes of the encoded tokens (which state predicts, values or follows an action) is the
learner's own: ``bc.py`` and ``ilql.py`` each gather their batch. No torch import at module level.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import torch

    from dialgym.data.episode import Episode

#: A trajectory: ``(segments, reward)``; ``segments`` = ``[(text, is_action), ...]``.
Segment = tuple[str, bool]
Trajectory = tuple[list[Segment], "float | list[float]"]

#: Role tokens for models without a chat template (the tiny model always uses them).
PAD_TOKEN = "<|pad|>"
END_TOKEN = "<|end|>"
ROLE_TOKENS = {"system": "<|system|>", "user": "<|user|>", "assistant": "<|assistant|>"}
ROLE_TEMPLATE = (
    "{% for m in messages %}{{ '<|' + m['role'] + '|>' }}{{ m['content'] }}{{ '<|end|>' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}"
)


def task_description(env_id: str) -> str:
    """The agent-facing task description of a dialgym env, normalised as the env shows it (its Task's)."""
    from dialgym.tasks import get_task

    return get_task(env_id).description


_SENTINEL = "\x00dialgym-first-turn\x00"


def _render(tokenizer: Any, messages: list[dict[str, str]], add_generation_prompt: bool) -> str:
    if not messages:
        # transformers refuses an empty conversation, but the agent often speaks first (no system message):
        # the prompt is whatever the template puts before the content of a first assistant message.
        if not add_generation_prompt:
            return ""
        text: str = tokenizer.apply_chat_template(  # tokenize=False: the rendered string
            [{"role": "assistant", "content": _SENTINEL}], tokenize=False, add_generation_prompt=False
        )
        return text[: text.index(_SENTINEL)]
    rendered: str = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)
    return rendered


def chat_segments(
    tokenizer: Any,
    messages: Sequence[dict[str, str]],
    system: str | None = None,
    add_generation_prompt: bool = False,
) -> list[Segment]:
    """Cut a dialogue rendered with the tokenizer's chat template into context and action segments.

    Each assistant message becomes one action segment: its content followed by the end-of-turn token
    (the tokenizer's eos, e.g. ``<|end|>`` or ``<|im_end|>``). Everything else (the system message with
    the task description, user turns, role headers) is context. With ``add_generation_prompt`` a final
    context segment opens the next assistant turn: that is the prompt the agent continues.
    Text after the last assistant turn (the user's final reply) is dropped: no action follows it.
    """
    eot = tokenizer.eos_token
    base = [{"role": "system", "content": system}] if system else []
    msgs = [{"role": m["role"], "content": m["content"]} for m in messages]
    segments: list[Segment] = []
    consumed = ""
    for k, m in enumerate(msgs):
        if m["role"] != "assistant":
            continue
        prefix = _render(tokenizer, base + msgs[:k], add_generation_prompt=True)
        full = _render(tokenizer, base + msgs[: k + 1], add_generation_prompt=False)
        if not prefix.startswith(consumed) or not full.startswith(prefix):
            raise ValueError(
                "the tokenizer's chat template does not render conversations incrementally (a prefix of the "
                "conversation does not render to a prefix of the text); dialgym needs that to tell actions from "
                "context: use a model whose template does, or one without a template (role tokens are added)"
            )
        rest = full[len(prefix) :]
        cut = rest.find(eot, rest.find(m["content"]) + len(m["content"]) if m["content"] in rest else 0)
        if cut < 0:
            raise ValueError(f"the chat template does not end an assistant turn with the eos token {eot!r}")
        action = rest[: cut + len(eot)]
        if len(prefix) > len(consumed):
            segments.append((prefix[len(consumed) :], False))
        segments.append((action, True))
        consumed = prefix + action
    if add_generation_prompt:
        prompt = _render(tokenizer, base + msgs, add_generation_prompt=True)
        if not prompt.startswith(consumed):
            raise ValueError("the chat template does not render conversations incrementally")
        segments.append((prompt[len(consumed) :], False))
    return segments


def episodes_to_trajectories(
    episodes: Iterable[Episode], tokenizer: Any, include_description: bool = True
) -> list[Trajectory]:
    """dialgym episodes -> trajectories: agent turns are actions, the return sits on the last agent token.

    The task description (the first observation) is the system message, so a policy trained on several
    tasks knows which one it is playing; ``lm_agent.py`` builds its prompts with the same call.
    """
    out: list[Trajectory] = []
    descriptions: dict[str, str] = {}
    for ep in episodes:
        system = None
        if include_description:
            if ep.env_id not in descriptions:
                descriptions[ep.env_id] = task_description(ep.env_id)
            system = descriptions[ep.env_id]
        segments = chat_segments(tokenizer, ep.messages, system=system)
        if any(is_action for _, is_action in segments):
            out.append((segments, float(ep.reward)))
    return out


def trajectory_texts(trajectories: Iterable[Trajectory]) -> list[str]:
    """Plain texts to fit a tokenizer on (role markup removed by the tokenizer's special tokens anyway)."""
    return [text for segments, _ in trajectories for text, _ in segments]


def dialogue_texts(episodes: Iterable[Episode], include_description: bool = True) -> list[str]:
    """The raw utterances (and task descriptions) of episodes: what a tiny tokenizer is fitted on.

    The description is listed once per episode, as often as it occurs in training sequences, so a phrase
    tokenizer learns it as a whole (BPE only merges what is frequent).
    """
    texts: list[str] = []
    descriptions: dict[str, str] = {}
    for ep in episodes:
        if include_description:
            if ep.env_id not in descriptions:
                descriptions[ep.env_id] = task_description(ep.env_id)
            texts.append(descriptions[ep.env_id])
        texts.extend(m["content"] for m in ep.messages)
    return texts

# --------------------------------------------------------------------------- encoding and batches
@dataclass
class Encoded:
    """One tokenized trajectory: token ids, which tokens are actions, and the reward on each token."""

    input_ids: list[int]
    action_mask: list[bool]
    rewards: list[float]

    def __len__(self) -> int:
        return len(self.input_ids)

    def action_positions(self) -> list[int]:
        """Positions of the action tokens a learner scores: every action token but position 0 (no state before it)."""
        return [t for t, a in enumerate(self.action_mask) if a and t >= 1]

    def action_tokens(self) -> list[int]:
        """The ids of the action tokens (those a learner scores; the first token never is one)."""
        return [t for t, a in zip(self.input_ids[1:], self.action_mask[1:], strict=True) if a]


def encode_trajectories(
    trajectories: Sequence[Trajectory], tokenizer: Any, max_length: int | None = None
) -> list[Encoded]:
    """Tokenize segment by segment; put rewards on action tokens; cut over-long sequences from the left.

    A trajectory that starts with an action gets the eos token prepended as context, because the first
    action needs a state (a hidden state before it) to be scored from. Left truncation keeps the
    reward-bearing end; a trajectory left with no action after truncation is dropped.
    """
    if not trajectories:
        raise ValueError("no trajectories to train on")
    out: list[Encoded] = []
    for n, traj in enumerate(trajectories):
        try:
            segments, reward = traj
        except (TypeError, ValueError):
            raise ValueError(f"trajectory {n} is not (segments, reward): {traj!r:.120}") from None
        ids: list[int] = []
        mask: list[bool] = []
        ends: list[int] = []
        for text, is_action in segments:
            if not isinstance(text, str):
                raise ValueError(f"trajectory {n}: segment text must be a str, got {text!r:.80}")
            seg = tokenizer(text, add_special_tokens=False)["input_ids"] if text else []
            if not seg:
                continue
            if is_action and not ids:
                ids.append(tokenizer.eos_token_id)
                mask.append(False)
            ids.extend(seg)
            mask.extend([bool(is_action)] * len(seg))
            if is_action:
                ends.append(len(ids) - 1)
        if not ends:
            raise ValueError(f"trajectory {n} has no (non-empty) action segment")
        rewards = [0.0] * len(ids)
        if isinstance(reward, (int, float)) and not isinstance(reward, bool):
            rewards[ends[-1]] = float(reward)
        else:
            rs = list(reward)  # type: ignore[arg-type]
            if len(rs) != len(ends):
                raise ValueError(f"trajectory {n}: {len(rs)} rewards for {len(ends)} action segments")
            for end, r in zip(ends, rs, strict=True):
                rewards[end] += float(r)
        if max_length is not None and len(ids) > max_length:
            cut = len(ids) - max_length
            ids, mask, rewards = ids[cut:], mask[cut:], rewards[cut:]
            mask[0] = False  # the first kept token has no state before it
            if not any(mask):
                continue
        out.append(Encoded(ids, mask, rewards))
    if not out:
        raise ValueError("every trajectory was empty after truncation; raise max_length")
    return out



def pad_batch(batch: Sequence[Encoded], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(input_ids, attention_mask)`` of a right-padded batch, as ``B x T`` torch tensors.

    The attention mask comes from the sequence lengths, never from ``input_ids == pad_id`` (GPT-2 pads with
    eos, and the reward-bearing eos would vanish). A token at ``(b, t)`` is flat index ``b * T + t`` of the
    trunk's ``B*T x d`` hidden states, which is how learners gather the states they need.
    """
    import torch

    B = len(batch)
    T = max(len(e) for e in batch)
    ids = np.full((B, T), pad_id, dtype=np.int64)
    attn = np.zeros((B, T), dtype=np.int64)
    for b, e in enumerate(batch):
        ids[b, : len(e)] = e.input_ids
        attn[b, : len(e)] = 1
    return torch.from_numpy(ids), torch.from_numpy(attn)


__all__ = [
    "END_TOKEN", "PAD_TOKEN", "ROLE_TEMPLATE", "ROLE_TOKENS", "Encoded", "Segment", "Trajectory", "chat_segments",
    "dialogue_texts", "encode_trajectories", "episodes_to_trajectories", "pad_batch", "task_description",
    "trajectory_texts",
]  # fmt: skip
