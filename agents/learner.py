"""What every offline learner on a causal LM shares: the training loop, the optimizer, sampling, checkpoints.

A learner (``bc.BCModel``, ``ilql.ILQLModel``) subclasses :class:`Learner` and says only what its algorithm
is: how trajectories become examples (:meth:`Learner.encode`), what a batch holds (:meth:`Learner.collate`),
the loss (:meth:`Learner.loss`), what the optimizer updates (:meth:`Learner.trainable_parameters`), what
happens after each optimizer step (:meth:`Learner.after_step`), and how a token is scored at sampling time
(:meth:`Learner.score_hook`). The engineering around it is here, once:

* :func:`fit`: the loop, on Hugging Face Accelerate. One process on CPU (the default) is the plain loop:
  AdamW, gradient clipping, a constant learning rate, the same numbers as before Accelerate. Under
  ``accelerate launch --num_processes N`` each process takes every N-th example of the step's batch, DDP
  averages the gradients, the logged losses are the processes' mean, and only the main process logs and
  checkpoints (``on_step``). ``mixed_precision`` (``fp16``/``bf16``) runs the forward under autocast.
* Batches are a pure function of ``(seed, step)`` (:func:`batch_indices`), so a resumed run draws exactly the
  batches an uninterrupted run would.
* :meth:`Learner.generate` / :meth:`Learner.generate_ids`: one sampling signature for every learner.
* :meth:`Learner.save_pretrained`: the LM, the tokenizer and ``dialgym_agent.json`` (a learner adds files
  with :meth:`Learner.save_extra`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dialgym.agents.config import LearnerConfig
from dialgym.agents.models import save_lm, write_meta
from dialgym.agents.sampling import ScoreHook, decode_turn, sample, stop_token_ids
from dialgym.agents.trajectories import Encoded, Trajectory

if TYPE_CHECKING:  # pragma: no cover
    import torch
    from accelerate import Accelerator

#: ``on_step(step, stats, optimizer)``: after each optimizer step, on the main process (``step`` = steps done)
OnStep = Callable[[int, dict[str, float], "torch.optim.Optimizer"], None]  # torch: imported lazily
#: what ``Accelerator(mixed_precision=...)`` accepts
MIXED_PRECISION = ("no", "fp16", "bf16")


class Learner:
    """The interface :func:`fit` trains and the agents play; subclasses set ``lm``, ``tokenizer``, ``config``."""

    algorithm: str
    lm: Any
    tokenizer: Any
    config: LearnerConfig
    extra_meta: dict[str, Any]

    # ------------------------------------------------------------------ the algorithm (subclasses)
    def encode(self, trajectories: Sequence[Trajectory]) -> list[Encoded]:
        """The training examples (called once per :func:`fit`)."""
        raise NotImplementedError

    def collate(self, batch: Sequence[Encoded]) -> dict[str, torch.Tensor]:
        """A batch of examples as the tensors :meth:`loss` reads."""
        raise NotImplementedError

    def loss(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """``(loss to minimise, metrics to log)`` on a collated batch."""
        raise NotImplementedError

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        """What the optimizer updates."""
        raise NotImplementedError

    def network(self) -> torch.nn.Module:
        """The module that holds :meth:`trainable_parameters` (moved to the device; wrapped for DDP)."""
        return self.lm

    def after_step(self) -> None:
        """Runs after every optimizer step (ILQL: the Polyak update of its target heads)."""

    def score_hook(self) -> ScoreHook | None:
        """How :meth:`generate_ids` scores tokens (None: the policy's log-probs); keyword options are the
        learner's own sampling settings (ILQL: ``beta``, ``filter_order``)."""
        return None

    # ------------------------------------------------------------------ sampling
    def generate_ids(
        self,
        prompts: Sequence[str | Sequence[int]],
        *,
        max_new_tokens: int = 64,
        top_k: int = 0,
        top_p: float = 1.0,
        temperature: float = 1.0,
        do_sample: bool = True,
        seed: int | None = None,
        stop_ids: Sequence[int] | None = None,
        use_cache: bool = True,
        **options: Any,
    ) -> list[list[int]]:
        """Token ids of the continuations (each ends with its stop token unless cut by ``max_new_tokens``)."""
        return sample(
            self.lm, self.tokenizer, prompts, seed=seed, stop_ids=stop_ids, max_new_tokens=max_new_tokens,
            temperature=temperature, top_k=top_k, top_p=top_p, do_sample=do_sample, use_cache=use_cache,
            scores=self.score_hook(**options),
        )  # fmt: skip

    def generate(
        self, prompts: Sequence[str | Sequence[int]], *, stop_ids: Sequence[int] | None = None, **settings: Any
    ) -> list[str]:
        """Continuations as clean strings, cut at the end-of-turn token (settings: :meth:`generate_ids`'s)."""
        stops = stop_ids if stop_ids is not None else stop_token_ids(self.tokenizer)
        out = self.generate_ids(prompts, stop_ids=stops, **settings)
        return [decode_turn(self.tokenizer, ids, stops) for ids in out]

    # ------------------------------------------------------------------ checkpoints
    def save_extra(self, folder: Path) -> dict[str, Any]:
        """Write the learner's own files into ``folder``; return extra metadata for ``dialgym_agent.json``."""
        return {}

    def save_pretrained(self, path: str | os.PathLike[str]) -> None:
        """Write the LM + tokenizer (``model/``), the learner's files and ``dialgym_agent.json``."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        save_lm(self.lm, self.tokenizer, folder)
        extra = self.save_extra(folder)
        write_meta(folder, self.algorithm, asdict(self.config), {**self.extra_meta, **extra})


# ---------------------------------------------------------------------- the training loop
def batch_indices(n: int, batch_size: int, seed: int, step: int) -> list[int]:
    """The example indices of optimizer step ``step``: epoch-wise shuffles seeded by ``(seed, epoch)``.

    A pure function of ``step``, so a resumed run draws exactly the batches an uninterrupted run would.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} must be positive")
    per_epoch = max(1, n // batch_size) if n >= batch_size else 1
    epoch, k = divmod(step, per_epoch)
    order = np.random.default_rng([seed, epoch]).permutation(n)
    picked: list[int] = (order if n < batch_size else order[k * batch_size : (k + 1) * batch_size]).tolist()
    return picked


def make_optimizer(learner: Learner) -> torch.optim.Optimizer:
    """AdamW over the learner's trainable parameters with its config's ``lr`` and ``weight_decay``."""
    import torch

    cfg = learner.config
    return torch.optim.AdamW(learner.trainable_parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)


def make_accelerator(device: str = "cpu", mixed_precision: str = "no") -> Accelerator:
    """An ``Accelerator`` for ``device`` ``"cpu"`` (always CPU) or ``"auto"`` (a GPU when there is one).

    In one plain process the shared accelerate state is rebuilt, so a later run may ask for other settings
    than an earlier one (accelerate otherwise refuses to change them); under ``accelerate launch`` the
    launcher's state stands.
    """
    if device not in ("cpu", "auto"):
        raise ValueError(f"device={device!r}; expected 'cpu' or 'auto'")
    if mixed_precision not in MIXED_PRECISION:
        raise ValueError(f"mixed_precision={mixed_precision!r}; expected one of {list(MIXED_PRECISION)}")
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState

    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        AcceleratorState._reset_state(reset_partial_state=True)
    try:
        # "no" passes None: accelerate then reads the launcher's setting (none: no mixed precision)
        return Accelerator(cpu=device == "cpu", mixed_precision=None if mixed_precision == "no" else mixed_precision)
    except ValueError as exc:  # e.g. fp16 on a CPU
        raise ValueError(f"mixed_precision={mixed_precision!r} on device={device!r}: {exc}") from None


def _loss_module(learner: Learner) -> torch.nn.Module:
    """A module whose forward is the learner's loss, so that DDP's gradient hooks and autocast see the forward
    pass (``Accelerator.prepare`` wraps a module's forward, not a method of the learner)."""
    from torch import nn

    class LossModule(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = learner.network()

        def forward(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
            return learner.loss(batch)

    return LossModule()


def _tokenizer_digest(tokenizer: Any) -> str:
    return hashlib.sha256(json.dumps(sorted(tokenizer.get_vocab().items())).encode()).hexdigest()


def fit(
    learner: Learner,
    trajectories: Sequence[Trajectory],
    *,
    start_step: int = 0,
    optimizer_state: dict[str, Any] | None = None,
    on_step: OnStep | None = None,
    progress: bool = False,
    accelerator: Accelerator | None = None,
) -> Learner:
    """Train ``learner`` from ``start_step`` to ``learner.config.steps`` (resumable: batches depend only on the step).

    ``on_step(step, stats, optimizer)`` runs on the main process after each optimizer step (``step`` counts
    completed steps; ``stats``: the loss and the learner's metrics, averaged over processes); the training
    CLI uses it to log losses and write checkpoints. ``accelerator`` defaults to one CPU process.
    """
    import torch

    acc = accelerator or make_accelerator()
    cfg = learner.config
    if cfg.batch_size < acc.num_processes:
        raise ValueError(f"batch_size={cfg.batch_size} is smaller than the {acc.num_processes} processes")
    if acc.num_processes > 1:  # every process must have built the same tokenizer (ids are the model's inputs)
        from accelerate.utils import gather_object

        digests = gather_object([_tokenizer_digest(learner.tokenizer)])
        if len(set(digests)) > 1:
            raise RuntimeError(f"the {acc.num_processes} processes built different tokenizers; train in one")
    data = learner.encode(trajectories)
    optimizer = make_optimizer(learner)
    if optimizer_state is not None:
        optimizer.load_state_dict(optimizer_state)
    net, optimizer = acc.prepare(_loss_module(learner), optimizer)
    params = learner.trainable_parameters()
    net.train()
    main = acc.is_main_process
    bar = _progress(start_step, cfg.steps, learner.algorithm) if progress and main else None
    for step in range(start_step, cfg.steps):
        indices = batch_indices(len(data), cfg.batch_size, cfg.seed, step)[acc.process_index :: acc.num_processes]
        batch = {k: v.to(acc.device) for k, v in learner.collate([data[i] for i in indices]).items()}
        loss, metrics = net(batch)
        optimizer.zero_grad(set_to_none=True)
        acc.backward(loss)
        if cfg.grad_clip > 0:
            acc.clip_grad_norm_(params, cfg.grad_clip)
        optimizer.step()
        learner.after_step()  # after EVERY optimizer step
        values = torch.stack([loss.detach().float(), *(v.detach().float() for v in metrics.values())])
        values = acc.reduce(values, "mean") if acc.num_processes > 1 else values
        stats = dict(zip(["loss", *metrics], values.tolist(), strict=True))
        if bar is not None:
            bar.update(1)
            bar.set_postfix({k.removesuffix("_mean"): f"{v:.3f}" for k, v in stats.items() if k in _SHOWN})
        if on_step is not None and main:
            on_step(step + 1, stats, optimizer)
    if bar is not None:
        bar.close()
    acc.wait_for_everyone()
    learner.network().eval()
    return learner


#: the stats the progress bar shows
_SHOWN = ("loss", "q_mean", "v_mean")


def _progress(start: int, total: int, desc: str) -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover
        return None
    return tqdm(total=total, initial=start, desc=desc, file=sys.stderr, dynamic_ncols=True)


__all__ = ["MIXED_PRECISION", "Learner", "OnStep", "batch_indices", "fit", "make_accelerator", "make_optimizer"]
