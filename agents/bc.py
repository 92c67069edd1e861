"""Behaviour cloning (BC) and filtered BC on dialogue trajectories, in one readable file.

BC fine-tunes a causal LM with cross-entropy on the *action* tokens only (the agent's turns and their
end-of-turn token); the user's turns and the task description are context, never targets: the agent must
learn what to say, not to imitate the user. Filtered BC (``top_fraction < 1``) is the same on the best
fraction of trajectories by return: the standard "imitate the good episodes" baseline that offline RL
(``ilql.py``) has to beat. It cannot stitch: a good ending seen only after bad openings is filtered out
together with them.

Usage::

    from dialgym.agents import bc
    m = bc.train(trajectories, model=hf_causal_lm, tokenizer=tok, config=bc.BCConfig(steps=500, top_fraction=0.2))
    m.generate(["<prompt>"]); m.save_pretrained("runs/fbc"); m = bc.BCModel.from_pretrained("runs/fbc")
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dialgym.agents.config import BCConfig, FBCConfig
from dialgym.agents.learner import Learner, fit, make_optimizer
from dialgym.agents.models import lm_logits, load_lm_folder, max_positions, read_meta, require_torch, trunk
from dialgym.agents.trajectories import Encoded, Trajectory, encode_trajectories, pad_batch

require_torch()
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

#: checkpoints in BC's format: BC, filtered BC, and GRPO (a policy-only LM fine-tuned online, dialgym.integrations.grpo)
ALGORITHMS = ("bc", "fbc", "grpo")


def trajectory_return(traj: Trajectory) -> float:
    reward = traj[1]
    return float(reward) if isinstance(reward, (int, float)) else float(sum(reward))


def top_fraction(trajectories: Sequence[Trajectory], fraction: float) -> list[Trajectory]:
    """The best ``fraction`` of trajectories by return (at least one; ties keep the data's order)."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction={fraction!r} must be in (0, 1]")
    order = sorted(range(len(trajectories)), key=lambda i: (-trajectory_return(trajectories[i]), i))
    keep = max(1, round(len(trajectories) * fraction))
    return [trajectories[i] for i in sorted(order[:keep])]


def collate(batch: Sequence[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad a batch; ``state``: the flat index of the hidden state that predicts each action token
    (position ``t-1`` for the token at ``t``), ``action``: the token."""
    ids, attn = pad_batch(batch, pad_id)
    T = ids.shape[1]
    pairs = [(b * T + t - 1, e.input_ids[t]) for b, e in enumerate(batch) for t in e.action_positions()]
    state, action = zip(*pairs, strict=True) if pairs else ((), ())
    return {
        "input_ids": ids,
        "attention_mask": attn,
        "state": torch.tensor(state, dtype=torch.long),
        "action": torch.tensor(action, dtype=torch.long),
    }


def bc_loss(lm: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean cross-entropy of the action tokens, predicted from the hidden state one position earlier."""
    hidden, _ = trunk(lm, batch["input_ids"], batch["attention_mask"])
    hs = hidden.reshape(-1, hidden.shape[-1])[batch["state"]]
    return F.cross_entropy(lm_logits(lm, hs), batch["action"])


class BCModel(Learner):
    """A causal LM trained by (filtered) BC; sampling, checkpoints and the training loop are ``learner.py``'s."""

    config: BCConfig

    def __init__(self, lm: Any, tokenizer: Any, config: BCConfig | None = None, algorithm: str | None = None) -> None:
        self.lm = lm
        self.tokenizer = tokenizer
        self.config = config or BCConfig()
        self.algorithm = algorithm or self.config.algorithm
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm={self.algorithm!r}; expected one of {ALGORITHMS}")
        self.extra_meta: dict[str, Any] = {}

    def encode(self, trajectories: Sequence[Trajectory]) -> list[Encoded]:
        """The (filtered) trajectories, tokenized."""
        cfg = self.config
        kept = top_fraction(trajectories, cfg.top_fraction) if cfg.top_fraction < 1 else list(trajectories)
        return encode_trajectories(kept, self.tokenizer, cfg.max_length or max_positions(self.lm))

    def collate(self, batch: Sequence[Encoded]) -> dict[str, torch.Tensor]:
        return collate(batch, self.tokenizer.pad_token_id)

    def loss(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        return bc_loss(self.lm, batch), {}

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return list(self.lm.parameters())

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike[str], algorithms: Sequence[str] = ALGORITHMS) -> BCModel:
        """Load a BC/FBC/GRPO checkpoint; ``algorithms`` restricts which are accepted (error otherwise)."""
        meta = read_meta(path, list(algorithms))
        lm, tokenizer = load_lm_folder(Path(meta["path"]))
        lm.eval()
        m = cls(lm, tokenizer, BCConfig.from_dict(meta["config"]), algorithm=meta["algorithm"])
        m.extra_meta = {k: v for k, v in meta.items() if k not in ("version", "algorithm", "config", "path")}
        return m


def train(
    trajectories: Sequence[Trajectory], model: Any, tokenizer: Any, config: BCConfig | None = None, **fit_options: Any
) -> BCModel:
    """BC (``top_fraction=1``) or filtered BC on ``trajectories``, fine-tuning ``model`` in place.

    ``fit_options``: :func:`~dialgym.agents.learner.fit`'s (``progress``, ``on_step``, ``accelerator``).
    """
    m = BCModel(model, tokenizer, config or BCConfig())
    fit(m, trajectories, **fit_options)
    return m


__all__ = ["BCConfig", "BCModel", "FBCConfig", "bc_loss", "collate", "fit", "make_optimizer", "top_fraction", "train"]
