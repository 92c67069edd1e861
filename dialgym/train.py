"""``dialgym train {bc,fbc,ilql}``: train a learning agent on an episode file, resumably.

    dialgym train ilql --data data/persuasion.jsonl --out runs/ilql
    dialgym eval Persuasion-v0 --agent ilql:runs/ilql

**The settings are dataclasses, and they are the command line.** A run has three: :class:`TrainRunConfig`
(where it reads and writes, how it runs), :class:`~dialgym.agents.config.TinyModelConfig` (the model that
``--model tiny`` builds) and the learner's config (:class:`~dialgym.agents.config.BCConfig`,
:class:`~dialgym.agents.config.FBCConfig`, :class:`~dialgym.agents.config.ILQLConfig`). Every field is an
option with its help and default (``dialgym train ilql --help``), :func:`train_main` takes the same names as
keywords, and the run folder records them with ``dataclasses.asdict``: adding a setting is adding a field.
The defaults are the published recipe (``benchmarks/reproduce.py`` reads them), so the command above trains
what the README's results table measured.

What it does, and why:

* **Validates everything before training**: the settings, the episode file (every line), the ``--model``
  value (``tiny``, ``smollm2-135m`` or an existing folder), and ``--out`` (a folder holding another
  algorithm's run, or the same algorithm with different settings, is refused, naming each setting that
  differs). A mistake costs seconds, not a lost training run.
* **Checkpoints** ``OUT/agent/`` every ``--checkpoint-every`` steps and at the end (written to a temporary
  folder and swapped in, so a kill never leaves a half-written checkpoint). ``OUT/agent`` is a complete agent
  (``ilql:OUT`` works) plus the optimizer state. Running the same command again **resumes** from it; batches
  are a pure function of (seed, step) and the tiny model has no dropout, so a resumed run ends with the same
  weights as an uninterrupted one (up to floating-point summation order). Raising ``--steps`` continues a
  finished run.
* **Records** the settings in ``OUT/train.json`` and **logs** the losses of every step to ``OUT/losses.json``,
  plotted to ``OUT/loss_curve.png``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from dialgym.agents.config import BCConfig, FBCConfig, ILQLConfig, LearnerConfig, TinyModelConfig
from dialgym.utils.dataclass_cli import add_dataclass_arguments, from_namespace, setting, split_settings

#: each algorithm's learner config: its fields are the options of ``dialgym train ALGO``
LEARNERS: dict[str, type[LearnerConfig]] = {"bc": BCConfig, "fbc": FBCConfig, "ilql": ILQLConfig}
ALGORITHMS = tuple(LEARNERS)
#: learner fields an algorithm's command does not offer (plain BC's filter is filtered BC: ``train fbc``)
HIDDEN = {"bc": frozenset({"top_fraction"})}
AGENT_DIR = "agent"
RUN_FILE = "train.json"
TRAINER_STATE = "trainer_state.pt"

#: settings that may change when a run is resumed (the rest must match the run in --out): more steps, how
#: it runs, and ILQL's inference beta (stored with the agent; it does not change training)
_RESUMABLE = {"steps", "checkpoint_every", "threads", "progress", "skip_invalid", "beta", "device", "mixed_precision"}


@dataclass
class TrainRunConfig:
    """Where a training run reads and writes, and how it runs: what the learner itself does not need."""

    data: str = setting(help="JSONL episode file (from collect/imagine/hindsight)")
    out: str = setting(help="run folder; the agent is OUT/agent (spec ALGO:OUT)")
    model: str = setting("tiny", "tiny | smollm2-135m | a local transformers folder")
    include_description: bool = setting(
        True, "put the task description in the dialogue's context", off=["--no-description"]
    )
    checkpoint_every: int = setting(200, "steps between checkpoints (0: only at the end)")
    threads: int | None = setting(None, "torch CPU threads (none: the cores idle now; DIALGYM_THREADS sets it too)")
    skip_invalid: bool = setting(False, "skip invalid lines of --data instead of failing")
    progress: bool = setting(True, "show a progress bar", off=["--quiet"])
    device: Literal["cpu", "auto"] = setting("cpu", "cpu, or auto: a GPU when there is one (Hugging Face Accelerate)")
    mixed_precision: Literal["no", "fp16", "bf16"] = setting(
        "no", "autocast the forward pass (fp16 needs a GPU); no: none, or accelerate launch's --mixed_precision"
    )

    def __post_init__(self) -> None:
        self.data, self.out = os.fspath(self.data), os.fspath(self.out)
        value = self.checkpoint_every
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            _fail(f"checkpoint_every={value!r} must be an integer >= 0")


def _fail(msg: str) -> None:
    raise ValueError(msg)


def learner_class(algo: str) -> type[LearnerConfig]:
    if algo not in LEARNERS:
        _fail(f"algorithm {algo!r} is not one of {list(LEARNERS)}")
    return LEARNERS[algo]


def run_record(
    algo: str, run: TrainRunConfig, learner: LearnerConfig, tiny: TinyModelConfig, episodes: int
) -> dict[str, Any]:
    """What ``OUT/train.json`` holds: every setting of the run (``asdict`` of its configs), flat.

    Not ``out`` (moving a run folder must not make it refuse itself), and the tiny model's settings only
    when ``--model tiny`` uses them.
    """
    record: dict[str, Any] = {"algorithm": algo, "episodes": episodes, **asdict(run), **asdict(learner)}
    record["data"] = str(Path(run.data).resolve())
    del record["out"]
    if run.model == "tiny":
        record.update(asdict(tiny))
    return record


def changed_settings(previous: dict[str, Any], now: dict[str, Any], resumable: set[str] | frozenset[str]) -> str:
    """``"lr: run has 0.0003, this command 0.5; ..."`` for each recorded setting that differs ("" if none).

    ``resumable`` settings may differ. A setting only one side records (the run was written by an older or a
    newer dialgym) is not held against the run.
    """
    diff = sorted(k for k in previous if k in now and k not in resumable and previous[k] != now[k])
    return "; ".join(f"{k}: run has {previous[k]!r}, this command {now[k]!r}" for k in diff)


def _check_out(out: Path, algo: str, run: dict[str, Any]) -> bool:
    """Refuse an --out that holds something else; return True when it holds a run to resume."""
    if out.exists() and not out.is_dir():
        _fail(f"--out {os.fspath(out)!r} exists and is not a folder")
    meta_file = out / AGENT_DIR / "dialgym_agent.json"
    if meta_file.is_file():
        try:
            found = json.loads(meta_file.read_text()).get("algorithm")
        except json.JSONDecodeError:
            found = None
        if found != algo:
            _fail(
                f"--out {os.fspath(out)!r} holds a checkpoint trained with algorithm {found!r}, not {algo!r}; "
                "use another --out folder"
            )
    run_file = out / RUN_FILE
    if run_file.is_file():
        detail = changed_settings(json.loads(run_file.read_text()), run, _RESUMABLE)
        if detail:
            _fail(f"--out {os.fspath(out)!r} holds a run with different settings ({detail}); use another --out folder")
        return (out / AGENT_DIR / TRAINER_STATE).is_file()
    if out.is_dir() and any(out.iterdir()):
        _fail(f"--out {os.fspath(out)!r} is a non-empty folder that holds no dialgym training run")
    return False


def _save_checkpoint(m: Any, out: Path, step: int, optimizer: Any, losses: list[dict[str, float]]) -> None:
    import torch

    tmp = out / f"{AGENT_DIR}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    m.save_pretrained(tmp)
    torch.save({"step": step, "optimizer": optimizer.state_dict(), "losses": losses}, tmp / TRAINER_STATE)
    final = out / AGENT_DIR
    old = out / f"{AGENT_DIR}.old"
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    if old.exists():
        shutil.rmtree(old)
    write_losses(out, losses)


def write_losses(out: Path, losses: list[dict[str, float]]) -> None:
    """``losses.json`` (every step) and ``loss_curve.png`` (each loss term, smoothed; needs matplotlib)."""
    tmp = out / "losses.json.tmp"
    tmp.write_text(json.dumps(losses) + "\n")
    os.replace(tmp, out / "losses.json")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - the plot extra is optional
        return
    if not losses:
        return
    import numpy as np

    keys = [k for k in losses[0] if k != "step" and not k.endswith("_mean")]
    steps = np.array([r["step"] for r in losses])
    fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 2.8), squeeze=False)
    for ax, key in zip(axes[0], keys, strict=True):
        y = np.array([r[key] for r in losses])
        ax.plot(steps, y, alpha=0.3, lw=0.8)
        w = max(1, len(y) // 50)
        if w > 1:
            ax.plot(steps[w - 1 :], np.convolve(y, np.ones(w) / w, mode="valid"), lw=1.5)
        ax.set_title(key)
        ax.set_xlabel("step")
    fig.tight_layout()
    fig.savefig(out / "loss_curve.png", dpi=90)
    plt.close(fig)


def configs(algo: str, **settings: Any) -> tuple[TrainRunConfig, LearnerConfig, TinyModelConfig]:
    """``(run, learner, tiny)`` from keyword settings, each sent to the config that has it as a field.

    Raises ``ValueError`` naming a setting no config of ``algo`` has (and the algorithm that has it).
    """
    cls = learner_class(algo)
    hidden = HIDDEN.get(algo, frozenset())
    for key in settings:
        if key in hidden or not any(key in _names(c) for c in (TrainRunConfig, TinyModelConfig, cls)):
            owners = [a for a, c in LEARNERS.items() if key in _names(c) and key not in HIDDEN.get(a, ())]
            if owners:
                flag = "--" + key.replace("_", "-")
                _fail(f"{flag} is for {' and '.join(owners)} only, not {algo!r}")
    parts = split_settings(settings, {"run": TrainRunConfig, "tiny": TinyModelConfig, "learner": cls})
    return TrainRunConfig(**parts["run"]), cls(**parts["learner"]), TinyModelConfig(**parts["tiny"])


def _names(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def train_main(
    algo: str, data: str | os.PathLike[str], model: str, out: str | os.PathLike[str], **settings: Any
) -> dict[str, Any]:
    """Train ``algo`` on the episodes in ``data`` starting from ``model``; write the agent to ``out``.

    ``settings`` are the fields of :class:`TrainRunConfig`, :class:`TinyModelConfig` and the algorithm's
    learner config, by name (``steps=500, polyak_alpha=0.1, n_layer=1``); what is not given is the default,
    the published recipe. Returns a summary (algorithm, steps, seconds, final losses, paths, the learner's
    config). Raises ``ValueError`` / ``FileNotFoundError`` naming the bad value before any training starts.
    """
    run, learner, tiny = configs(algo, data=data, model=model, out=out, **settings)
    return train(algo, run, learner, tiny)


def train(
    algo: str, run: TrainRunConfig, learner: LearnerConfig, tiny: TinyModelConfig | None = None
) -> dict[str, Any]:
    """Train ``algo`` as ``run`` says with the settings ``learner`` (and ``tiny`` for ``--model tiny``).

    ``threads`` (``run.threads``) sets torch's intra-op threads; ``None`` uses the cores that are idle when
    training starts (:mod:`dialgym.utils.threads`: on busy cores, extra threads make a run many times slower).
    """
    # ---------------------------------------------------------------- validation (no training yet)
    cls = learner_class(algo)
    if not isinstance(learner, cls):
        _fail(f"dialgym train {algo}: the learner's config must be {cls.__name__}, got {type(learner).__name__}")
    if isinstance(learner, BCConfig) and learner.algorithm != algo:  # an FBCConfig is a BCConfig too
        other = learner.algorithm
        _fail(f"top_fraction={learner.top_fraction!r} is {other}, not {algo}: use dialgym train {other}")
    tiny = tiny or TinyModelConfig()
    steps = learner.steps
    if steps < 1:
        _fail(f"steps={steps!r} must be an integer >= 1")
    data, model, threads, progress = run.data, run.model, run.threads, run.progress
    include_description, checkpoint_every = run.include_description, run.checkpoint_every
    from dialgym.data.io import EpisodeFileError, read_episodes

    data_path = Path(data)
    if not data_path.is_file():
        raise FileNotFoundError(f"--data {data!r} does not exist (expected a JSONL episode file)")
    try:
        episodes = read_episodes(data_path, skip_invalid=run.skip_invalid)
    except EpisodeFileError as exc:
        raise ValueError(f"--data: {exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"--data {data!r} is not a text (JSONL) episode file") from None
    if not episodes:
        _fail(f"--data {data!r} holds no episodes")
    from dialgym.agents.lm import check_model_spec, require_torch

    check_model_spec(model)
    require_torch()
    outp = Path(run.out)
    record = run_record(algo, run, learner, tiny, len(episodes))
    resume = _check_out(outp, algo, record)

    # ---------------------------------------------------------------- build or resume
    import torch

    from dialgym.agents import bc, ilql, lm
    from dialgym.agents.learner import fit, make_accelerator
    from dialgym.utils.threads import set_torch_threads

    set_torch_threads(threads)  # None: the cores idle now (torch's one-per-core collapses on a busy machine)
    # one process, or one of `accelerate launch`'s: all have checked --out before the main process writes to it
    accelerator = make_accelerator(run.device, run.mixed_precision)
    main = accelerator.is_main_process
    accelerator.wait_for_everyone()
    t0 = time.perf_counter()
    outp.mkdir(parents=True, exist_ok=True)
    start, optimizer_state, losses = 0, None, []
    if resume:
        state = torch.load(outp / AGENT_DIR / TRAINER_STATE, map_location="cpu", weights_only=False)
        start, optimizer_state, losses = int(state["step"]), state["optimizer"], list(state["losses"])
        if algo == "ilql":
            m: Any = ilql.ILQLModel.from_pretrained(outp / AGENT_DIR)
        else:
            m = bc.BCModel.from_pretrained(outp / AGENT_DIR, algorithms=[algo])
        m.config = learner  # the checkpoint's but for what may change on resume (checked above): steps, beta
        tokenizer = m.tokenizer
    else:
        if model == "tiny":
            texts = lm.dialogue_texts(episodes, include_description)
            tokenizer = lm.fit_tokenizer(texts, vocab_size=tiny.vocab_size, phrases=tiny.phrases)
        else:
            lm_model, tokenizer = lm.load_lm(model)
    trajectories = lm.episodes_to_trajectories(episodes, tokenizer, include_description=include_description)
    if not trajectories:
        _fail(f"--data {data!r} has no episode with an agent turn")
    if not resume:
        if model == "tiny":
            longest = max(len(e) for e in lm.encode_trajectories(trajectories, tokenizer))
            n_positions = max(256, -(-(longest + 128) // 64) * 64)  # room for the prompt and a reply
            lm_model = lm.build_tiny_model(tokenizer, n_layer=tiny.n_layer, n_embd=tiny.n_embd, n_head=tiny.n_head,
                                           n_positions=n_positions, seed=learner.seed)  # fmt: skip
        if isinstance(learner, ILQLConfig):
            m = ilql.build(lm_model, tokenizer, learner, trajectories)
        else:
            assert isinstance(learner, BCConfig), learner  # LEARNERS holds BC, filtered BC and ILQL configs
            m = bc.BCModel(lm_model, tokenizer, learner, algorithm=algo)
    m.extra_meta.update(
        data={"file": str(data_path.resolve()), "episodes": len(episodes), "include_description": include_description,
              "env_ids": sorted({e.env_id for e in episodes})},
        model=model,
    )  # fmt: skip
    if isinstance(learner, ILQLConfig):
        m.extra_meta["inference"] = {"beta": learner.beta}  # what ilql:OUT plays with (also config["beta"])
    if main:
        (outp / RUN_FILE).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")

    # ---------------------------------------------------------------- train
    def on_step(step: int, stats: dict[str, float], optimizer: Any) -> None:  # on the main process only
        losses.append({"step": step, **stats})
        if (checkpoint_every and step % checkpoint_every == 0) or step == steps:
            _save_checkpoint(m, outp, step, optimizer, losses)

    if start >= steps:
        print(f"{outp}: already trained for {start} >= {steps} steps; raise --steps to continue")
    else:
        fit(m, trajectories, start_step=start, optimizer_state=optimizer_state, on_step=on_step, progress=progress,
            accelerator=accelerator)  # fmt: skip
    seconds = time.perf_counter() - t0
    last = losses[-1] if losses else {}
    summary = {
        "algorithm": algo, "out": str(outp), "agent": f"{algo}:{outp}", "episodes": len(episodes),
        "trajectories": len(trajectories), "steps": steps, "resumed_from": start, "seconds": round(seconds, 2),
        "final_losses": {k: v for k, v in last.items() if k != "step"},
        "config": asdict(m.config), "main_process": main, "processes": accelerator.num_processes,
    }  # fmt: skip
    return summary


def _train_cmd(args: argparse.Namespace) -> int:
    run, learner, tiny = configs_from_args(args)
    summary = train(args.algorithm, run, learner, tiny)
    if not summary["main_process"]:  # one report per `accelerate launch`, not one per process
        return 0
    losses = ", ".join(f"{k} {v:.4f}" for k, v in summary["final_losses"].items())
    print(
        f"trained {summary['algorithm']} for {summary['steps']} steps (from step {summary['resumed_from']}) on "
        f"{summary['trajectories']} dialogues in {summary['seconds']:.1f}s; final {losses or '-'}\n"
        f"agent: {summary['agent']}  (losses: {summary['out']}/losses.json, loss_curve.png)"
    )
    return 0


def configs_from_args(args: argparse.Namespace) -> tuple[TrainRunConfig, LearnerConfig, TinyModelConfig]:
    """The configs a ``dialgym train ALGO`` command line parsed into."""
    cls = learner_class(args.algorithm)
    return from_namespace(TrainRunConfig, args), from_namespace(cls, args), from_namespace(TinyModelConfig, args)


def add_train_arguments(p: argparse.ArgumentParser, algo: str) -> None:
    """The options of ``dialgym train ALGO``: the fields of its three configs, in three help groups."""
    cls = learner_class(algo)
    groups = (
        ("run", TrainRunConfig, ()),
        (f"{algo} ({cls.__name__}; defaults: the published recipe)", cls, HIDDEN.get(algo, ())),
        ("tiny model (--model tiny)", TinyModelConfig, ()),
    )
    for title, config, exclude in groups:
        add_dataclass_arguments(p.add_argument_group(title), config, exclude=exclude)


def build_train_parser(subparsers: Any) -> Any:
    """Add ``train {bc,fbc,ilql}`` to a ``dialgym`` subparsers object; return ``train``'s own subparsers.

    Other trainers (``ppo-acts``, ``grpo``) add themselves to the returned object. The parsed args run
    with ``args.func(args)``.
    """
    train_p = subparsers.add_parser(
        "train", help="train agents: bc, fbc, ilql (on episode files), ppo-acts, grpo (online)"
    )
    algorithms = train_p.add_subparsers(dest="algorithm", required=True)
    for algo, cls in LEARNERS.items():
        p = algorithms.add_parser(
            algo, help=f"train a {algo.upper()} agent on an episode file (resumable)",
            description=(cls.__doc__ or "").strip().splitlines()[0],
        )  # fmt: skip
        add_train_arguments(p, algo)
        p.set_defaults(func=_train_cmd)
    return algorithms


__all__ = [
    "ALGORITHMS", "HIDDEN", "LEARNERS", "TrainRunConfig", "add_train_arguments", "build_train_parser",
    "changed_settings", "configs", "configs_from_args", "run_record", "train", "train_main", "write_losses",
]  # fmt: skip
