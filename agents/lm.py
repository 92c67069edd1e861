"""The algorithm-neutral language-model plumbing, by its old single-module name (kept for importers).

It now lives by concern in three modules; import from them in new code:

* :mod:`dialgym.agents.trajectories`: dialogues -> ``(segments, reward)`` trajectories -> token ids;
* :mod:`dialgym.agents.models`: build, load and run causal LMs; checkpoint folders;
* :mod:`dialgym.agents.sampling`: the batched, KV-cached sampling loop.

What defines an algorithm is in its own file: ILQL's transitions (state, next state, done) and its
advantage-perturbed sampling are in ``ilql.py``; the shared training loop is ``learner.py``.
"""

from __future__ import annotations

from dialgym.agents.learner import batch_indices
from dialgym.agents.models import (
    CHECKPOINT_VERSION,
    META_FILE,
    MODEL_CHOICES,
    MODEL_DIR,
    SMOLLM2,
    TINY,
    CheckpointError,
    build_tiny_model,
    cache_argument,
    check_model_spec,
    ensure_chat_format,
    fit_tokenizer,
    lm_logits,
    load_lm,
    load_lm_folder,
    load_pretrained,
    max_positions,
    position_ids,
    read_meta,
    require_torch,
    resolve_checkpoint,
    save_lm,
    trunk,
    write_meta,
)
from dialgym.agents.sampling import Sampling, decode_turn, generate_tokens, prompt_ids, sample, stop_token_ids
from dialgym.agents.trajectories import (
    END_TOKEN,
    PAD_TOKEN,
    ROLE_TEMPLATE,
    ROLE_TOKENS,
    Encoded,
    Segment,
    Trajectory,
    chat_segments,
    dialogue_texts,
    encode_trajectories,
    episodes_to_trajectories,
    pad_batch,
    task_description,
    trajectory_texts,
)

__all__ = [
    "CHECKPOINT_VERSION", "END_TOKEN", "META_FILE", "MODEL_CHOICES", "MODEL_DIR", "PAD_TOKEN", "ROLE_TEMPLATE",
    "ROLE_TOKENS", "SMOLLM2", "TINY", "CheckpointError", "Encoded", "Sampling", "Segment", "Trajectory",
    "batch_indices", "build_tiny_model", "cache_argument", "chat_segments", "check_model_spec", "decode_turn",
    "dialogue_texts", "encode_trajectories", "ensure_chat_format", "episodes_to_trajectories", "fit_tokenizer",
    "generate_tokens", "lm_logits", "load_lm", "load_lm_folder", "load_pretrained", "max_positions", "pad_batch",
    "position_ids", "prompt_ids", "read_meta", "require_torch", "resolve_checkpoint", "sample", "save_lm",
    "stop_token_ids", "task_description", "trajectory_texts", "trunk", "write_meta",
]  # fmt: skip
