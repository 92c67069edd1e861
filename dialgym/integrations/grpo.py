"""``dialgym train grpo``: online RL of a language-model agent with TRL's GRPOTrainer, in one file.

    dialgym train grpo --env Persuasion-v0 --init runs/bc --out runs/grpo --steps 200
    dialgym eval Persuasion-v0 --agent grpo:runs/grpo --agent bc:runs/bc      # same test personas, paired

The natural recipe is imitation first, then online RL: ``--init`` takes a ``dialgym train bc|fbc``
checkpoint (or a ``grpo`` one, to continue) and its tokenizer; ``--model smollm2-135m`` or a local
transformers folder starts from a pretrained model instead (a ``tiny`` model needs ``--init``: its
tokenizer is fitted to a task's dialogues). Each training row is one episode seed; GRPO samples
``--group`` dialogues per seed (the same hidden persona, see :mod:`dialgym.integrations.trl`), dialgym
plays them to the end with the model, and the env's return is the reward; the user's turns are masked
out of the loss.

The run folder is like the other learners': ``OUT/agent`` (a checkpoint that plays as ``grpo:OUT``,
the same format as BC's), ``OUT/train.json`` (the settings; another setting in the same folder is
refused), ``OUT/log.json`` (TRL's log: loss, reward mean and std per logging step) and
``OUT/reward_curve.png``. It is resumable: TRL checkpoints go to ``OUT/trl`` every
``--checkpoint-every`` steps, and the same command again continues from the last one (a higher
``--steps`` trains further).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dialgym.utils.dataclass_cli import add_dataclass_arguments, from_namespace

AGENT_DIR = "agent"
RUN_FILE = "train.json"
#: settings that may change between invocations of one run (more steps, other threads or logging)
_RESUMABLE = {"steps", "checkpoint_every", "threads", "logging_steps"}


@dataclass
class GRPORunConfig:
    """Every setting of ``dialgym train grpo`` (saved as ``OUT/train.json``).

    The defaults suit a CPU and a tiny model: TRL's own defaults (learning rate 1e-6, bf16) are for
    billion-parameter models on GPUs and would leave a tiny model where it started.
    """

    env_id: str = field(metadata={"help": "dialgym env id", "flag": "--env"})
    init: str | None = field(
        default=None, metadata={"help": "a dialgym train bc|fbc|grpo checkpoint (run folder or agent/) to start from"}
    )
    model: str | None = field(default=None, metadata={"help": "without --init: smollm2-135m or a transformers folder"})
    steps: int = field(default=100, metadata={"help": "optimizer steps (a higher value continues a finished run)"})
    group: int = field(default=8, metadata={"help": "dialogues per episode seed: one GRPO group, one hidden persona"})
    seeds_per_step: int = field(default=2, metadata={"help": "episode seeds per step (batch = group * this)"})
    lr: float = field(default=1e-4, metadata={"help": "learning rate"})
    max_new_tokens: int = field(default=32, metadata={"help": "longest agent turn, in tokens"})
    max_completion_length: int = field(
        default=256, metadata={"help": "longest dialogue after the opening, in tokens (TRL's completion)"}
    )
    persona_split: str = field(default="train", metadata={"help": "personas to train on (evaluate on test/hard)"})
    seed: int = field(default=0, metadata={"help": "seeds the episode seeds, sampling and TRL"})
    checkpoint_every: int = field(default=50, metadata={"help": "steps between resumable TRL checkpoints"})
    logging_steps: int = field(default=5, metadata={"help": "steps between log.json rows"})
    threads: int | None = field(default=None, metadata={"help": "torch threads (none: the cores idle now)"})

    def __post_init__(self) -> None:
        for name in ("steps", "group", "seeds_per_step", "max_new_tokens", "max_completion_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}={value!r} must be a positive integer")
        if self.group < 2:
            raise ValueError(f"group={self.group!r} must be at least 2: GRPO's baseline is the group's mean return")
        for name in ("checkpoint_every", "logging_steps"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)!r} must be a positive integer")
        if not self.lr > 0:
            raise ValueError(f"lr={self.lr!r} must be > 0")
        if (self.init is None) == (self.model is None):
            raise ValueError(
                "give exactly one of --init CHECKPOINT (a dialgym train bc|fbc|grpo run) and --model "
                f"smollm2-135m|FOLDER; got init={self.init!r}, model={self.model!r}"
            )
        if self.model == "tiny":
            raise ValueError("--model tiny needs a tokenizer fitted to the task: train BC first, then --init RUN")


def _load_policy(cfg: GRPORunConfig) -> tuple[Any, Any, dict[str, Any]]:
    """``(model, tokenizer, extra checkpoint metadata)`` to start from."""
    from dialgym.agents import lm

    if cfg.init is not None:
        from dialgym.agents.bc import BCModel

        m = BCModel.from_pretrained(cfg.init, algorithms=["bc", "fbc", "grpo"])
        trained_on = m.extra_meta.get("data", {}).get("env_ids") or []
        if trained_on and cfg.env_id not in trained_on:
            raise ValueError(f"--init {cfg.init!r} was trained on {trained_on}, not {cfg.env_id!r}")
        if not m.extra_meta.get("data", {}).get("include_description", True):
            raise ValueError(f"--init {cfg.init!r} was trained without the task description; GRPO prompts with it")
        return m.lm, m.tokenizer, {"init": str(Path(cfg.init).resolve()), "init_algorithm": m.algorithm}
    assert cfg.model is not None
    lm.check_model_spec(cfg.model)
    if cfg.model == "smollm2-135m":
        from dialgym.llm.models import smollm2_hf_folder

        model, tokenizer = lm.load_pretrained(smollm2_hf_folder())
    else:
        model, tokenizer = lm.load_pretrained(cfg.model)
    return model, tokenizer, {"init": None, "model": cfg.model}


def _check_out(out: Path, cfg: GRPORunConfig) -> None:
    run_file = out / RUN_FILE
    if not run_file.is_file():
        return
    from dialgym.train import changed_settings

    detail = changed_settings(json.loads(run_file.read_text()), asdict(cfg), _RESUMABLE)
    if detail:
        raise ValueError(f"{out} holds a GRPO run with other settings ({detail}); use another --out")


def train_grpo(cfg: GRPORunConfig, out: str | os.PathLike[str], progress: bool = True) -> dict[str, Any]:
    """Train with GRPO against ``cfg.env_id``'s simulated users; write the run folder ``out`` (resumable)."""
    from dialgym.integrations.trl import episode_return, make_rollout_func, require_trl

    require_trl()
    outp = Path(out)
    _check_out(outp, cfg)
    rollout = make_rollout_func(cfg.env_id, max_new_tokens=cfg.max_new_tokens, persona_split=cfg.persona_split)

    import torch
    from trl import GRPOConfig, GRPOTrainer

    from dialgym.agents.bc import BCConfig, BCModel
    from dialgym.utils.threads import set_torch_threads

    set_torch_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    model, tokenizer, origin = _load_policy(cfg)
    outp.mkdir(parents=True, exist_ok=True)
    (outp / RUN_FILE).write_text(json.dumps(asdict(cfg), indent=2, sort_keys=True) + "\n")
    trl_dir = outp / "trl"
    resume = trl_dir.is_dir() and any(trl_dir.glob("checkpoint-*"))
    args = GRPOConfig(
        output_dir=str(trl_dir), max_steps=cfg.steps, num_generations=cfg.group,
        per_device_train_batch_size=cfg.group * cfg.seeds_per_step, max_completion_length=cfg.max_completion_length,
        learning_rate=cfg.lr, bf16=False, use_cpu=not torch.cuda.is_available(), report_to="none",
        save_strategy="steps", save_steps=cfg.checkpoint_every, save_total_limit=1, logging_steps=cfg.logging_steps,
        disable_tqdm=not progress, seed=cfg.seed,
    )  # fmt: skip
    trainer = GRPOTrainer(
        model=model, processing_class=tokenizer, reward_funcs=episode_return, rollout_func=rollout,
        train_dataset=rollout.dataset(cfg.steps * cfg.seeds_per_step, seed=cfg.seed), args=args,
    )  # fmt: skip
    t0 = time.perf_counter()
    trainer.train(resume_from_checkpoint=True if resume else None)
    seconds = time.perf_counter() - t0

    policy = BCModel(trainer.accelerator.unwrap_model(trainer.model), tokenizer, BCConfig(), algorithm="grpo")
    policy.extra_meta.update(
        data={"env_ids": [cfg.env_id], "include_description": True, "persona_split": cfg.persona_split},
        grpo=asdict(cfg), **origin,
    )  # fmt: skip
    tmp = outp / f"{AGENT_DIR}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    policy.save_pretrained(tmp)
    if (outp / AGENT_DIR).exists():
        shutil.rmtree(outp / AGENT_DIR)
    os.replace(tmp, outp / AGENT_DIR)
    log = [r for r in trainer.state.log_history if "reward" in r or "loss" in r]
    (outp / "log.json").write_text(json.dumps(log, indent=2) + "\n")
    _plot(log, outp / "reward_curve.png")
    rewards = [r["reward"] for r in log if "reward" in r]
    return {
        "algorithm": "grpo", "env_id": cfg.env_id, "steps": int(trainer.state.global_step), "seconds": seconds,
        "resumed": resume, "first_reward": rewards[0] if rewards else None,
        "last_reward": rewards[-1] if rewards else None, "out": str(outp), "agent": f"grpo:{outp}",
    }  # fmt: skip


def _plot(log: list[dict[str, Any]], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - the plot extra is optional
        return
    rows = [r for r in log if "reward" in r]
    if not rows:
        return
    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot([r["step"] for r in rows], [r["reward"] for r in rows], marker="o", ms=3)
    ax.set_xlabel("GRPO step")
    ax.set_ylabel("mean episode return (training batch)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def add_grpo_parser(algorithms: Any) -> None:
    """Add ``grpo`` to ``dialgym train``'s subcommands (the parser is generated from :class:`GRPORunConfig`)."""
    p = algorithms.add_parser("grpo", help="online RL of an LM agent with TRL's GRPOTrainer (resumable)")
    p.add_argument("--out", required=True, help="run folder; the agent is OUT/agent (spec grpo:OUT)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_dataclass_arguments(p, GRPORunConfig)
    p.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    summary = train_grpo(from_namespace(GRPORunConfig, args), args.out, progress=not args.quiet)
    first, last = summary["first_reward"], summary["last_reward"]
    trend = f"; batch mean return {first:.3f} -> {last:.3f}" if first is not None and last is not None else ""
    print(
        f"trained grpo on {summary['env_id']} to step {summary['steps']} in {summary['seconds']:.0f}s{trend}\n"
        f"agent: {summary['agent']}  (log: {summary['out']}/log.json, reward_curve.png)"
    )
    return 0
