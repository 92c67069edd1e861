"""``dialgym train {bc,fbc,ilql}``: train a learning agent on an episode file, resumably.

    dialgym train ilql --data data/persuasion.jsonl --model tiny --out runs/ilql --steps 2000
    dialgym eval Persuasion-v0 --agent ilql:runs/ilql?beta=4

What it does, and why:

* **Validates everything before training**: the episode file (every line), the ``--model`` value (``tiny``,
  ``smollm2-135m`` or an existing folder), and ``--out`` (a folder holding another algorithm's run, or the
  same algorithm with different settings, is refused). A mistake costs seconds, not a lost training run.
* **Checkpoints** ``OUT/agent/`` every ``--checkpoint-every`` steps and at the end (written to a temporary
  folder and swapped in, so a kill never leaves a half-written checkpoint). ``OUT/agent`` is a complete agent
  (``ilql:OUT`` works) plus the optimizer state. Running the same command again **resumes** from it; batches
  are a pure function of (seed, step) and the tiny model has no dropout, so a resumed run ends with the same
  weights as an uninterrupted one (up to floating-point summation order). Raising ``--steps`` continues a
  finished run.
* **Logs** the losses of every step to ``OUT/losses.json`` and plots them to ``OUT/loss_curve.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ALGORITHMS = ("bc", "fbc", "ilql")
DEFAULT_TOP_FRACTION = 0.2
AGENT_DIR = "agent"
RUN_FILE = "train.json"
TRAINER_STATE = "trainer_state.pt"

#: settings that may change when a run is resumed (the rest must match the run in --out)
_RESUMABLE = {"steps", "checkpoint_every", "threads", "progress"}


def _fail(msg: str) -> None:
    raise ValueError(msg)


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
        previous = json.loads(run_file.read_text())
        # a setting the run file does not record (written before dialgym had it) is not held against it
        diff = sorted(k for k in previous if k not in _RESUMABLE and previous.get(k) != run.get(k))
        if diff:
            detail = "; ".join(f"{k}: run has {previous.get(k)!r}, this command {run.get(k)!r}" for k in diff)
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


def train_main(
    algo: str,
    data: str | os.PathLike[str],
    model: str,
    out: str | os.PathLike[str],
    steps: int = 1000,
    batch_size: int = 16,
    lr: float = 3e-4,
    seed: int = 0,
    *,
    top_fraction: float | None = None,
    beta: float = 4.0,
    gamma: float = 0.99,
    tau: float = 0.7,
    cql_weight: float = 0.01,
    bc_weight: float = 1.0,
    awac_beta: float = 0.0,
    polyak_alpha: float = 0.005,
    standardize_rewards: bool = False,
    action_vocab: str = "data",
    max_length: int | None = None,
    include_description: bool = True,
    vocab_size: int = 4000,
    phrases: bool = True,
    n_layer: int = 2,
    n_embd: int = 128,
    n_head: int = 4,
    checkpoint_every: int = 200,
    threads: int | None = None,
    skip_invalid: bool = False,
    progress: bool = True,
) -> dict[str, Any]:
    """Train ``algo`` on the episodes in ``data`` starting from ``model``; write the agent to ``out``.

    Returns a summary (algorithm, steps, seconds, final losses, paths). Raises ``ValueError`` /
    ``FileNotFoundError`` naming the bad value before any training starts.
    ``beta`` is ILQL's default inference beta, stored with the checkpoint (``ilql:OUT?beta=..`` overrides).
    ``threads`` sets torch's intra-op threads; ``None`` uses the cores that are idle when training starts
    (:mod:`dialgym.utils.threads`: on busy cores, extra threads make a run many times slower).
    """
    # ---------------------------------------------------------------- validation (no training yet)
    if algo not in ALGORITHMS:
        _fail(f"algorithm {algo!r} is not one of {list(ALGORITHMS)}")
    for name, value, low in (
        ("steps", steps, 1),
        ("batch_size", batch_size, 1),
        ("checkpoint_every", checkpoint_every, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            _fail(f"{name}={value!r} must be an integer >= {low}")
    if action_vocab not in ("data", "full"):
        _fail(f"--action-vocab {action_vocab!r} must be 'data' or 'full'")
    if top_fraction is not None and algo != "fbc":
        _fail(f"--top-fraction is for fbc only (filtered BC), not {algo!r}")
    fraction = (DEFAULT_TOP_FRACTION if top_fraction is None else top_fraction) if algo == "fbc" else 1.0
    if not 0 < fraction <= 1 or (algo == "fbc" and fraction == 1):
        _fail(f"--top-fraction={fraction!r} must be in (0, 1) for fbc")
    from dialgym.data.io import EpisodeFileError, read_episodes

    data_path = Path(data)
    if not data_path.is_file():
        raise FileNotFoundError(f"--data {os.fspath(data)!r} does not exist (expected a JSONL episode file)")
    try:
        episodes = read_episodes(data_path, skip_invalid=skip_invalid)
    except EpisodeFileError as exc:
        raise ValueError(f"--data: {exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"--data {os.fspath(data)!r} is not a text (JSONL) episode file") from None
    if not episodes:
        _fail(f"--data {os.fspath(data)!r} holds no episodes")
    from dialgym.agents.lm import check_model_spec, require_torch

    check_model_spec(model)
    require_torch()
    outp = Path(out)
    run = {
        "algorithm": algo, "data": str(data_path.resolve()), "episodes": len(episodes), "model": model,
        "steps": steps, "batch_size": batch_size, "lr": lr, "seed": seed, "top_fraction": fraction,
        "gamma": gamma, "tau": tau, "cql_weight": cql_weight, "bc_weight": bc_weight, "awac_beta": awac_beta,
        "polyak_alpha": polyak_alpha, "standardize_rewards": standardize_rewards, "action_vocab": action_vocab,
        "max_length": max_length,
        "include_description": include_description, "vocab_size": vocab_size, "phrases": phrases, "n_layer": n_layer,
        "n_embd": n_embd, "n_head": n_head, "checkpoint_every": checkpoint_every,
    }  # fmt: skip
    if algo != "ilql":
        ilql_only = "gamma tau cql_weight bc_weight awac_beta polyak_alpha standardize_rewards action_vocab"
        for k in ilql_only.split():
            run.pop(k)
    if model != "tiny":
        for k in ("vocab_size", "phrases", "n_layer", "n_embd", "n_head"):
            run.pop(k)
    resume = _check_out(outp, algo, run)

    # ---------------------------------------------------------------- build or resume
    import torch

    from dialgym.agents import bc, ilql, lm
    from dialgym.utils.threads import set_torch_threads

    set_torch_threads(threads)  # None: the cores idle now (torch's one-per-core collapses on a busy machine)
    t0 = time.perf_counter()
    outp.mkdir(parents=True, exist_ok=True)
    start, optimizer_state, losses = 0, None, []
    if resume:
        state = torch.load(outp / AGENT_DIR / TRAINER_STATE, map_location="cpu", weights_only=False)
        start, optimizer_state, losses = int(state["step"]), state["optimizer"], list(state["losses"])
        if algo == "ilql":
            m: Any = ilql.ILQLModel.from_pretrained(outp / AGENT_DIR)
            m.config.steps = steps
        else:
            m = bc.BCModel.from_pretrained(outp / AGENT_DIR, algorithms=[algo])
            m.config.steps = steps
        tokenizer = m.tokenizer
    else:
        if model == "tiny":
            texts = lm.dialogue_texts(episodes, include_description)
            tokenizer = lm.fit_tokenizer(texts, vocab_size=vocab_size, phrases=phrases)
        else:
            lm_model, tokenizer = lm.load_lm(model)
    trajectories = lm.episodes_to_trajectories(episodes, tokenizer, include_description=include_description)
    if not trajectories:
        _fail(f"--data {os.fspath(data)!r} has no episode with an agent turn")
    if not resume:
        if model == "tiny":
            longest = max(len(e) for e in lm.encode_trajectories(trajectories, tokenizer))
            n_positions = max(256, -(-(longest + 128) // 64) * 64)  # room for the prompt and a reply
            lm_model = lm.build_tiny_model(tokenizer, n_layer=n_layer, n_embd=n_embd, n_head=n_head,
                                           n_positions=n_positions, seed=seed)  # fmt: skip
        common = {"steps": steps, "batch_size": batch_size, "lr": lr, "seed": seed, "max_length": max_length}
        if algo == "ilql":
            cfg = ilql.ILQLConfig(
                **common, gamma=gamma, tau=tau, cql_weight=cql_weight, bc_weight=bc_weight, awac_beta=awac_beta,
                polyak_alpha=polyak_alpha, standardize_rewards=standardize_rewards, action_vocab=action_vocab,
            )  # fmt: skip
            m = ilql.build(lm_model, tokenizer, cfg, trajectories)
        else:
            m = bc.BCModel(lm_model, tokenizer, bc.BCConfig(**common, top_fraction=fraction), algorithm=algo)
    m.extra_meta.update(
        data={"file": str(data_path.resolve()), "episodes": len(episodes), "include_description": include_description,
              "env_ids": sorted({e.env_id for e in episodes})},
        model=model,
    )  # fmt: skip
    if algo == "ilql":
        m.extra_meta["inference"] = {"beta": beta}
    (outp / RUN_FILE).write_text(json.dumps(run, indent=2, sort_keys=True) + "\n")

    # ---------------------------------------------------------------- train
    def on_step(step: int, stats: dict[str, float], optimizer: Any) -> None:
        losses.append({"step": step, **stats})
        if (checkpoint_every and step % checkpoint_every == 0) or step == steps:
            _save_checkpoint(m, outp, step, optimizer, losses)

    if start >= steps:
        print(f"{outp}: already trained for {start} >= {steps} steps; raise --steps to continue")
    else:
        module = ilql if algo == "ilql" else bc
        module.fit(m, trajectories, start_step=start, optimizer_state=optimizer_state, on_step=on_step,
                   progress=progress)  # fmt: skip
    seconds = time.perf_counter() - t0
    last = losses[-1] if losses else {}
    summary = {
        "algorithm": algo, "out": str(outp), "agent": f"{algo}:{outp}", "episodes": len(episodes),
        "trajectories": len(trajectories), "steps": steps, "resumed_from": start, "seconds": round(seconds, 2),
        "final_losses": {k: v for k, v in last.items() if k != "step"},
        "config": asdict(m.config),
    }  # fmt: skip
    return summary


def _train_cmd(args: argparse.Namespace) -> int:
    summary = train_main(
        args.algorithm, args.data, args.model, args.out, steps=args.steps, batch_size=args.batch_size, lr=args.lr,
        seed=args.seed, top_fraction=args.top_fraction, beta=args.beta, gamma=args.gamma, tau=args.tau,
        cql_weight=args.cql_weight, bc_weight=args.bc_weight, awac_beta=args.awac_beta,
        polyak_alpha=args.polyak_alpha, standardize_rewards=args.standardize_rewards, action_vocab=args.action_vocab,
        max_length=args.max_length,
        include_description=not args.no_description, vocab_size=args.vocab_size, phrases=not args.word_tokenizer,
        n_layer=args.n_layer,
        n_embd=args.n_embd, n_head=args.n_head, checkpoint_every=args.checkpoint_every, threads=args.threads,
        skip_invalid=args.skip_invalid, progress=not args.quiet,
    )  # fmt: skip
    losses = ", ".join(f"{k} {v:.4f}" for k, v in summary["final_losses"].items())
    print(
        f"trained {summary['algorithm']} for {summary['steps']} steps (from step {summary['resumed_from']}) on "
        f"{summary['trajectories']} dialogues in {summary['seconds']:.1f}s; final {losses or '-'}\n"
        f"agent: {summary['agent']}  (losses: {summary['out']}/losses.json, loss_curve.png)"
    )
    return 0


def build_train_parser(subparsers: Any) -> Any:
    """Add ``train {bc,fbc,ilql}`` to a ``dialgym`` subparsers object; return ``train``'s own subparsers.

    Other trainers (``ppo-acts``) add themselves to the returned object. The parsed args run
    with ``args.func(args)``.
    """
    train = subparsers.add_parser("train", help="train agents: bc, fbc, ilql (on episode files), ppo-acts (online)")
    algorithms = train.add_subparsers(dest="algorithm", required=True)
    for algorithm in ALGORITHMS:
        p = algorithms.add_parser(algorithm, help=f"train a {algorithm.upper()} agent on an episode file (resumable)")
        _add_lm_arguments(p)
    return algorithms


def _add_lm_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, help="JSONL episode file (from collect/imagine/hindsight)")
    p.add_argument("--model", default="tiny", help="tiny | smollm2-135m | a local transformers folder (default tiny)")
    p.add_argument("--out", required=True, help="run folder; the agent is OUT/agent (spec ALGO:OUT)")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--top-fraction",
        type=float,
        default=None,
        help=f"fbc: keep this best fraction of episodes by return (default {DEFAULT_TOP_FRACTION})",
    )
    p.add_argument("--beta", type=float, default=4.0, help="ilql: default inference beta stored with the agent")
    p.add_argument("--gamma", type=float, default=0.99, help="ilql: discount per token")
    p.add_argument("--tau", type=float, default=0.7, help="ilql: expectile of V")
    p.add_argument("--cql-weight", type=float, default=0.01, help="ilql: weight of the CQL term")
    p.add_argument("--bc-weight", type=float, default=1.0, help="ilql: weight of the policy (BC/AWAC) loss")
    p.add_argument("--awac-beta", type=float, default=0.0, help="ilql: AWAC temperature (0: plain BC policy loss)")
    p.add_argument("--polyak-alpha", type=float, default=0.005, help="ilql: target-head Polyak rate per step")
    p.add_argument("--standardize-rewards", action="store_true", help="ilql: rescale returns to mean 0, std 1")
    p.add_argument(
        "--action-vocab",
        choices=["data", "full"],
        default="data",
        help="ilql: Q heads score the tokens of the data's agent turns (default) or the whole vocabulary (paper)",
    )
    p.add_argument("--max-length", type=int, default=None, help="cut longer dialogues from the left (tokens)")
    p.add_argument("--no-description", action="store_true", help="do not put the task description in the context")
    p.add_argument("--vocab-size", type=int, default=4000, help="tiny: BPE vocabulary size")
    p.add_argument(
        "--word-tokenizer",
        action="store_true",
        help="tiny: BPE merges stop at spaces (default: merges cross them, so recurring utterances are one token)",
    )
    p.add_argument("--n-layer", type=int, default=2, help="tiny: transformer layers")
    p.add_argument("--n-embd", type=int, default=128, help="tiny: model width")
    p.add_argument("--n-head", type=int, default=4, help="tiny: attention heads")
    p.add_argument("--checkpoint-every", type=int, default=200, help="steps between checkpoints (0: only at the end)")
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads (default: the cores idle now; DIALGYM_THREADS sets it too)",
    )
    p.add_argument("--skip-invalid", action="store_true", help="skip invalid lines of --data instead of failing")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_train_cmd)


__all__ = ["build_train_parser", "train_main", "write_losses"]
