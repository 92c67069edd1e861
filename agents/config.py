"""The learners' settings: one dataclass per learner, each field documented once; they *are* the CLI.

:class:`BCConfig` (and :class:`FBCConfig`, BC on the best fraction of the data), :class:`ILQLConfig` and
:class:`TinyModelConfig` (the small GPT-2 that ``--model tiny`` trains from scratch). ``dialgym train
{bc,fbc,ilql}`` generates its options from these fields (:mod:`dialgym.utils.dataclass_cli`), a run folder
records them with ``dataclasses.asdict``, and a checkpoint stores its learner's config: adding a setting is
adding one field here.

**The defaults are the published recipe**: the settings ``benchmarks/reproduce.py`` ran for the README's
results (1,500 steps of 32 dialogues; filtered BC on the best 20%; ILQL with Polyak rate 0.05 and inference
beta 16; a 2-layer, 128-wide tiny GPT-2). ``reproduce.py`` reads them from here, so ``dialgym train ilql
--data D --out O`` trains what the table measured, without overrides.

This module needs no torch, so building ``dialgym``'s parser stays cheap; ``bc.py`` and ``ilql.py`` re-export
their config.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal, TypeVar

from dialgym.utils.dataclass_cli import setting

C = TypeVar("C", bound="LearnerConfig")

#: the action vocabularies ILQL's Q heads can score (see ``ilql.py``'s module docstring)
ACTION_VOCABS = ("data", "full")


def _require(config: Any, checks: dict[str, tuple[bool, str]]) -> None:
    """Raise ``ValueError`` for the first failed check: ``{field: (ok, "what was expected")}``."""
    for name, (ok, expected) in checks.items():
        if not ok:
            raise ValueError(f"{type(config).__name__}.{name}={getattr(config, name)!r} must be {expected}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class LearnerConfig:
    """What every offline learner on a causal LM has: the optimizer and the batches."""

    steps: int = setting(1500, "optimizer steps (a higher value continues a finished run)")
    batch_size: int = setting(32, "dialogues per optimizer step")
    lr: float = setting(3e-4, "AdamW learning rate")
    seed: int = setting(0, "seeds the batch order, the tiny model's weights and ILQL's heads")
    max_length: int | None = setting(
        None, "longest training sequence in tokens (none: the model's limit); longer ones are cut from the left"
    )
    grad_clip: float = setting(1.0, "max gradient norm (0: off)")
    weight_decay: float = setting(0.0, "AdamW weight decay")

    def __post_init__(self) -> None:
        _require(self, {
            "steps": (_is_int(self.steps) and self.steps >= 0, "an integer >= 0"),
            "batch_size": (_is_int(self.batch_size) and self.batch_size >= 1, "an integer >= 1"),
            "lr": (self.lr >= 0, ">= 0"),
            "max_length": (self.max_length is None or (_is_int(self.max_length) and self.max_length > 0),
                           "None or a positive integer"),
            "grad_clip": (self.grad_clip >= 0, ">= 0 (0: off)"),
            "weight_decay": (self.weight_decay >= 0, ">= 0"),
        })  # fmt: skip

    @classmethod
    def from_dict(cls: type[C], data: dict[str, Any]) -> C:
        """The config a checkpoint recorded; keys this version does not know are ignored, missing ones default."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class BCConfig(LearnerConfig):
    """Behaviour cloning: cross-entropy on the agent's turns (``top_fraction < 1``: filtered BC)."""

    top_fraction: float = setting(1.0, "keep the best fraction of dialogues by return (1: plain BC)")

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < self.top_fraction <= 1:
            raise ValueError(f"{type(self).__name__}.top_fraction={self.top_fraction!r} must be in (0, 1]")

    @property
    def algorithm(self) -> str:
        return "bc" if self.top_fraction >= 1.0 else "fbc"


@dataclass
class FBCConfig(BCConfig):
    """Filtered BC: BC on the best ``top_fraction`` of the dialogues by return (``dialgym train fbc``)."""

    top_fraction: float = setting(0.2, "keep this best fraction of dialogues by return")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.top_fraction >= 1:
            raise ValueError(
                f"FBCConfig.top_fraction={self.top_fraction!r} must be below 1: all the data is plain BC (BCConfig)"
            )


@dataclass
class ILQLConfig(LearnerConfig):
    """ILQL (Snell et al. 2022): the loss weights follow the paper's code; the rest is the published recipe.

    Two defaults are the recipe's, not the paper's: ``polyak_alpha`` 0.05 (the paper's code: 0.005) and the
    inference ``beta`` 16 (chosen on Persuasion: normalised score 59 at beta 8, 66 at 16, 64 at 32, 61 at 64).
    """

    gamma: float = setting(0.99, "discount per action token")
    tau: float = setting(0.7, "expectile of the V regression (0.5: the mean; towards 1: the max)")
    cql_weight: float = setting(0.01, "weight of the CQL term")
    q_weight: float = setting(1.0, "weight of the TD loss of the Q heads")
    v_weight: float = setting(1.0, "weight of the expectile loss of V")
    bc_weight: float = setting(1.0, "weight of the policy (BC/AWAC) loss")
    awac_beta: float = setting(0.0, "AWAC temperature of the policy loss (0: plain BC)")
    awac_max_weight: float = setting(20.0, "clip of the AWAC weights")
    polyak_alpha: float = setting(0.05, "target heads <- (1 - alpha) * target + alpha * online, every step")
    head_hidden: int | None = setting(
        None, "hidden width of the Q/V heads (none: 2 * d_model, as in the paper; 0: linear heads)"
    )
    action_vocab: Literal["data", "full"] = setting(
        "data", "tokens the Q heads score: those of the data's agent turns, or the whole vocabulary (the paper's)"
    )
    standardize_rewards: bool = setting(
        False, "rescale returns to mean 0, std 1 (changes what a given beta means: the scale couples with it)"
    )
    beta: float = setting(16.0, "inference: the agent samples with beta * (Q - V) added (ilql:PATH?beta=B overrides)")

    def __post_init__(self) -> None:
        super().__post_init__()
        _require(self, {
            "gamma": (0 <= self.gamma <= 1, "in [0, 1]"),
            "tau": (0 < self.tau < 1, "in (0, 1)"),
            "polyak_alpha": (0 <= self.polyak_alpha <= 1, "in [0, 1]"),
            "cql_weight": (self.cql_weight >= 0, ">= 0"),
            "awac_beta": (self.awac_beta >= 0, ">= 0"),
            "head_hidden": (self.head_hidden is None or (_is_int(self.head_hidden) and self.head_hidden >= 0),
                            "None or an integer >= 0"),
            "action_vocab": (self.action_vocab in ACTION_VOCABS, f"one of {list(ACTION_VOCABS)}"),
            "beta": (self.beta >= 0, ">= 0"),
        })  # fmt: skip


@dataclass
class TinyModelConfig:
    """The small GPT-2 and BPE tokenizer that ``--model tiny`` fits to the data and trains from scratch."""

    vocab_size: int = setting(4000, "BPE vocabulary size")
    phrases: bool = setting(
        True, "BPE merges cross spaces, so a recurring utterance is one token", off=["--word-tokenizer"]
    )
    n_layer: int = setting(2, "transformer layers")
    n_embd: int = setting(128, "model width")
    n_head: int = setting(4, "attention heads")

    def __post_init__(self) -> None:
        _require(self, {
            name: (_is_int(getattr(self, name)) and getattr(self, name) >= 1, "a positive integer")
            for name in ("vocab_size", "n_layer", "n_embd", "n_head")
        })  # fmt: skip
        if self.n_embd % self.n_head:
            raise ValueError(f"TinyModelConfig.n_embd={self.n_embd} must be a multiple of n_head={self.n_head}")


__all__ = ["ACTION_VOCABS", "BCConfig", "FBCConfig", "ILQLConfig", "LearnerConfig", "TinyModelConfig"]
