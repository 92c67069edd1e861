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
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from dialgym.agents.config import BCConfig, FBCConfig
from dialgym.agents.lm import (
    Trajectory,
    batch_indices,
    collate,
    decode_turn,
    encode_trajectories,
    lm_logits,
    load_lm_folder,
    max_positions,
    read_meta,
    require_torch,
    sample,
    save_lm,
    stop_token_ids,
    trunk,
    write_meta,
)

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


def bc_loss(lm: Any, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean cross-entropy of the action tokens, predicted from the hidden state one position earlier."""
    hidden, _ = trunk(lm, batch["input_ids"], batch["attention_mask"])
    hs = hidden.reshape(-1, hidden.shape[-1])[batch["state"]]
    return F.cross_entropy(lm_logits(lm, hs), batch["action"])


class BCModel:
    """A causal LM trained by (filtered) BC, with batched generation and checkpoints."""

    def __init__(self, lm: Any, tokenizer: Any, config: BCConfig | None = None, algorithm: str | None = None) -> None:
        self.lm = lm
        self.tokenizer = tokenizer
        self.config = config or BCConfig()
        self.algorithm = algorithm or self.config.algorithm
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm={self.algorithm!r}; expected one of {ALGORITHMS}")
        self.extra_meta: dict[str, Any] = {}

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return list(self.lm.parameters())

    def generate_ids(
        self,
        prompts: Sequence[str | Sequence[int]],
        max_new_tokens: int = 64,
        top_k: int = 0,
        top_p: float = 1.0,
        temperature: float = 1.0,
        do_sample: bool = True,
        seed: int | None = None,
        stop_ids: Sequence[int] | None = None,
        use_cache: bool = True,
    ) -> list[list[int]]:
        return sample(
            self.lm, self.tokenizer, prompts, seed=seed, stop_ids=stop_ids, max_new_tokens=max_new_tokens,
            temperature=temperature, top_k=top_k, top_p=top_p, do_sample=do_sample, use_cache=use_cache,
        )  # fmt: skip

    def generate(
        self,
        prompts: Sequence[str | Sequence[int]],
        max_new_tokens: int = 64,
        top_k: int = 0,
        top_p: float = 1.0,
        temperature: float = 1.0,
        do_sample: bool = True,
        seed: int | None = None,
        stop_ids: Sequence[int] | None = None,
    ) -> list[str]:
        """Continuations as clean strings, cut at the end-of-turn token."""
        stops = stop_ids if stop_ids is not None else stop_token_ids(self.tokenizer)
        out = self.generate_ids(
            prompts, max_new_tokens=max_new_tokens, top_k=top_k, top_p=top_p, temperature=temperature,
            do_sample=do_sample, seed=seed, stop_ids=stops,
        )  # fmt: skip
        return [decode_turn(self.tokenizer, ids, stops) for ids in out]

    def save_pretrained(self, path: str | os.PathLike[str]) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        save_lm(self.lm, self.tokenizer, folder)
        write_meta(folder, self.algorithm, asdict(self.config), self.extra_meta)

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike[str], algorithms: Sequence[str] = ALGORITHMS) -> BCModel:
        """Load a BC/FBC/GRPO checkpoint; ``algorithms`` restricts which are accepted (error otherwise)."""
        meta = read_meta(path, list(algorithms))
        lm, tokenizer = load_lm_folder(Path(meta["path"]))
        lm.eval()
        m = cls(lm, tokenizer, BCConfig.from_dict(meta["config"]), algorithm=meta["algorithm"])
        m.extra_meta = {k: v for k, v in meta.items() if k not in ("version", "algorithm", "config", "path")}
        return m


def make_optimizer(m: BCModel) -> torch.optim.Optimizer:
    return torch.optim.AdamW(m.trainable_parameters(), lr=m.config.lr, weight_decay=m.config.weight_decay)


def fit(
    m: BCModel,
    trajectories: Sequence[Trajectory],
    *,
    start_step: int = 0,
    optimizer_state: dict[str, Any] | None = None,
    on_step: Callable[[int, dict[str, float], torch.optim.Optimizer], None] | None = None,
    progress: bool = False,
) -> BCModel:
    """Train from ``start_step`` to ``m.config.steps`` on the (filtered) trajectories; resumable like ILQL's."""
    cfg = m.config
    kept = top_fraction(trajectories, cfg.top_fraction) if cfg.top_fraction < 1 else list(trajectories)
    data = encode_trajectories(kept, m.tokenizer, cfg.max_length or max_positions(m.lm))
    opt = make_optimizer(m)
    if optimizer_state is not None:
        opt.load_state_dict(optimizer_state)
    pad = m.tokenizer.pad_token_id
    m.lm.train()
    bar = None
    if progress:
        from dialgym.agents.ilql import _progress

        bar = _progress(start_step, cfg.steps, m.algorithm)
    for step in range(start_step, cfg.steps):
        batch = collate([data[i] for i in batch_indices(len(data), cfg.batch_size, cfg.seed, step)], pad)
        loss = bc_loss(m.lm, batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(m.trainable_parameters(), cfg.grad_clip)
        opt.step()
        stats = {"loss": float(loss.detach())}
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{stats['loss']:.3f}")
        if on_step is not None:
            on_step(step + 1, stats, opt)
    if bar is not None:
        bar.close()
    m.lm.eval()
    return m


def train(
    trajectories: Sequence[Trajectory],
    model: Any,
    tokenizer: Any,
    config: BCConfig | None = None,
    *,
    progress: bool = False,
    on_step: Callable[[int, dict[str, float], torch.optim.Optimizer], None] | None = None,
) -> BCModel:
    """BC (``top_fraction=1``) or filtered BC on ``trajectories``, fine-tuning ``model`` in place."""
    m = BCModel(model, tokenizer, config or BCConfig())
    return fit(m, trajectories, progress=progress, on_step=on_step)


__all__ = ["BCConfig", "BCModel", "FBCConfig", "bc_loss", "fit", "top_fraction", "train"]
