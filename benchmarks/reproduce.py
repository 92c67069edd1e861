"""The papers' experiment, end to end: offline RL on suboptimal dialogue data vs prompting and imitation.

    python benchmarks/reproduce.py                # the full run (see README for its time on 2 CPU cores)
    python benchmarks/reproduce.py --quick        # a smoke test of every stage (CI runs it)

For each of the four scripted tasks (Hong et al. 2023, 2024; Snell et al. 2022):

1. **collect** ``--episodes`` episodes of the ``behavior`` policy on the train personas (the suboptimal data);
2. **hindsight**: add ``hindsight_factor`` simulator-based regenerations of each episode (one agent turn
   rewritten by a controller, the task's user resumed from that prefix, the behavior policy playing on); the
   controller is the persona-blind ask-then-adapt policy by default (``--hindsight-controller oracle`` uses the
   oracle told the recorded persona, as in the first run; see ``reproduce_run.json``);
3. **train** BC (all data), filtered BC (the best 20%), ILQL, and ILQL on the augmented data, each a tiny GPT-2
   trained from scratch: ``dialgym train`` with its defaults, which are this recipe (``dialgym.agents.config``;
   ``--steps`` and ``--action-vocab`` change them here);
4. **evaluate** them beside ``random``, ``behavior``, ``oracle`` and a zero-shot ``prompt`` agent on the bundled
   SmolLM2-135M, on the ``test`` and ``hard`` persona splits: every agent meets the same personas and seeds.

Writes ``reproduce.json`` shaped ``{task: {agent: {"mean", "ci95", "normalized", "success", "episodes"}}}``
(the ``test`` split; each agent's ``"hard"`` key holds the same fields on the hard split), ``reproduce.md``
(the tables), ``reproduce.png`` (normalised scores with 95% CIs) and ``reproduce_run.json`` (settings, stage
times of this invocation and summed over every invocation that built the work folder, the ILQL-vs-imitation
checks). Normalised: 0 = random, 100 = oracle, measured in the same run.

Every stage resumes: run the same command again after an interruption and finished work is kept (episode
files resume, training resumes from its last checkpoint, evaluation plays only missing episodes). Training
runs ``--jobs`` processes at once (one torch thread each). Every random choice flows from ``--seed``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

#: the result keys of the agents, in table order
AGENT_KEYS = ("random", "behavior", "oracle", "prompt", "bc", "fbc", "ilql", "ilql_hindsight")
LEARNED = ("bc", "fbc", "ilql", "ilql_hindsight")
#: the algorithms behind them (``dialgym train ALGO``)
TRAINED = ("bc", "fbc", "ilql")
SPLITS = ("test", "hard")


@dataclass
class ReproduceConfig:
    """Every setting of a reproduction run (saved with the results)."""

    tasks: list[str] = field(default_factory=list)  # empty: every registered task
    seed: int = 0
    episodes: int = 3000  # behavior episodes per task (train personas)
    hindsight_factor: int = 1  # regenerations per behavior episode
    #: who rewrites the turn: "adaptive" (persona-blind ask-then-adapt) or "oracle" (told the persona; see
    #: PolicyController for why the oracle's rewrites mislead a value learner); its files are named after it
    hindsight_controller: str = "adaptive"
    #: the learners' settings that differ from ``dialgym train``'s defaults, by field name: none for the
    #: published run, whose recipe *is* those defaults (``dialgym.agents.config``); ``--quick``, ``--steps``
    #: and ``--action-vocab`` set some. Each goes to every learner (and the tiny model) that has the field.
    train: dict[str, Any] = field(default_factory=dict)
    eval_episodes: int = 500  # per agent, task and split
    prompt_episodes: int = 10  # SmolLM2 re-reads the whole dialogue each turn: slow on a CPU, so fewer episodes
    prompt_llm: dict[str, Any] = field(
        default_factory=lambda: {"backend": "hf", "model": "smollm2-135m", "max_tokens": 32, "temperature": 0.7}
    )
    eval_batch: int = 50
    jobs: int = 2
    #: your own agents (any spec: ``my_pkg.agents:MyAgent``, ``path/to/file.py:MyAgent?k=v``), evaluated
    #: beside the baselines on the same episodes; adding one to a finished run evaluates only it
    agents: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in ("episodes", "eval_episodes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}={value!r} must be a positive integer")
        if isinstance(self.prompt_episodes, bool) or not isinstance(self.prompt_episodes, int):
            raise ValueError(f"prompt_episodes={self.prompt_episodes!r} must be an integer (0 skips the prompt agent)")
        if self.prompt_episodes < 0:
            raise ValueError(f"prompt_episodes={self.prompt_episodes!r} must be >= 0 (0 skips the prompt agent)")
        clash = [a for a in self.agents if a in AGENT_KEYS]
        if clash:
            raise ValueError(f"agents {clash} are already in the table; --agent adds agents of your own")
        from dialgym.agents.config import TinyModelConfig
        from dialgym.train import LEARNERS

        known = {f.name for cls in (*LEARNERS.values(), TinyModelConfig) for f in fields(cls)} - {"seed"}
        unknown = sorted(set(self.train) - known)
        if unknown:
            raise ValueError(f"train settings {unknown} are no learner's; expected some of {sorted(known)}")
        for algo in TRAINED:
            self.learner(algo)  # a bad value fails now, naming the setting, not after the data stage

    def learners(self) -> dict[str, dict[str, Any]]:
        """:meth:`learner` of each algorithm this run trains."""
        return {algo: self.learner(algo) for algo in TRAINED}

    def train_settings(self, algo: str) -> dict[str, Any]:
        """What ``dialgym train ALGO`` is given: this run's seed and the overrides that ``algo`` has."""
        from dialgym.agents.config import TinyModelConfig
        from dialgym.train import HIDDEN, LEARNERS

        mine = {f.name for cls in (LEARNERS[algo], TinyModelConfig) for f in fields(cls)} - HIDDEN.get(algo, set())
        return {"seed": self.seed, **{k: v for k, v in self.train.items() if k in mine}}

    def learner(self, algo: str) -> dict[str, Any]:
        """Every setting ``algo``'s learner and tiny model train with here (the defaults, overridden)."""
        from dialgym.train import configs

        _, learner, tiny = configs(algo, data="-", model="tiny", out="-", **self.train_settings(algo))
        return {**asdict(learner), **asdict(tiny)}

    @classmethod
    def quick(cls, **overrides: Any) -> ReproduceConfig:
        """Every stage on a few episodes and steps: checks the pipeline, not the claim."""
        base = {"episodes": 60, "eval_episodes": 8, "prompt_episodes": 2, "eval_batch": 8}
        base["prompt_llm"] = {"backend": "hf", "model": "smollm2-135m", "max_tokens": 8, "temperature": 0.7}
        train = {"steps": 20, "batch_size": 8, "n_embd": 32, **overrides.pop("train", {})}
        return cls(**{**base, **overrides, "train": train})


# --------------------------------------------------------------------------- stages
def _train_job(algo: str, data: str, out: str, settings: dict[str, Any]) -> dict[str, Any]:
    """One training run in a worker process (one torch thread: ``jobs`` of these share the machine).

    ``settings``: :meth:`ReproduceConfig.train_settings`; everything else is ``dialgym train``'s default.
    """
    from dialgym.train import configs, train

    run, learner, tiny = configs(algo, data=data, model="tiny", out=out, threads=1, progress=False, **settings)
    run.checkpoint_every = max(1, learner.steps // 4)
    return train(algo, run, learner, tiny)


def _eval_job(
    env_id: str, agents: list[str], episodes: int, seed: int, out: str, batch: int, llm: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Evaluate agents on both splits (resumable); rows as plain dicts so they cross the process boundary."""
    # ``jobs`` of these share the machine: one torch thread each for the tiny learned agents (their
    # constructors read DIALGYM_THREADS); the prompting agent runs alone and may take every core
    os.environ["DIALGYM_THREADS"] = "1" if llm is None else str(max(1, os.cpu_count() or 1))
    from dialgym.evaluation.leaderboard import run_leaderboard

    refs = None if "random" in agents else {env_id: (0.0, 1.0)}  # the prompt run is normalised by the caller
    entries = run_leaderboard(
        [env_id], agents, episodes, seed, splits=SPLITS, out=out, progress=False, batch=batch, llm=llm,
        reference_scores=refs,
    )  # fmt: skip
    return [e.row() for e in entries]


def _data_stage(cfg: ReproduceConfig, work: Path, env_id: str) -> dict[str, Any]:
    from dialgym.data.collect import collect
    from dialgym.data.hindsight import OracleController, PolicyController, hindsight

    t0 = time.perf_counter()
    data = work / "data" / f"{env_id}.jsonl"
    collect(env_id, "behavior", cfg.episodes, cfg.seed, data, env_kwargs={"persona_split": "train"}, progress=False)
    t1 = time.perf_counter()
    aug = _augmented(work, env_id, cfg.hindsight_controller)
    ctl = cfg.hindsight_controller
    summary = hindsight(
        data, aug, factor=cfg.hindsight_factor, seed=cfg.seed, progress=False,
        controller=OracleController() if ctl == "oracle" else PolicyController(ctl),
        config_extra={"controller": ctl} if ctl != "oracle" else None,
    )  # fmt: skip
    return {
        "data": str(data),
        "augmented": str(aug),
        "collect_seconds": round(t1 - t0, 1),
        "hindsight_seconds": round(time.perf_counter() - t1, 1),
        "behavior_data_mean": summary.paired_parent_mean,
        "regenerations": summary.regenerations,
        "regen_mean": summary.regen_mean_reward,
    }


def _augmented(work: Path, env_id: str, controller: str) -> Path:
    suffix = "" if controller == "oracle" else f"-{controller}"
    return work / "data" / f"{env_id}-hindsight{suffix}.jsonl"


def _hindsight_run(work: Path, env_id: str, controller: str) -> Path:
    return work / "runs" / env_id / ("ilql_hindsight" if controller == "oracle" else f"ilql_hindsight-{controller}")


def _specs(work: Path, env_id: str, beta: float, controller: str = "adaptive") -> dict[str, str]:
    runs = work / "runs" / env_id
    return {
        "random": "random",
        "behavior": "behavior",
        "oracle": "oracle",
        "bc": f"bc:{runs / 'bc'}",
        "fbc": f"fbc:{runs / 'fbc'}",
        "ilql": f"ilql:{runs / 'ilql'}?beta={beta:g}",
        "ilql_hindsight": f"ilql:{_hindsight_run(work, env_id, controller)}?beta={beta:g}",
    }


def _record(row: dict[str, Any], random_mean: float, oracle_mean: float) -> dict[str, Any]:
    from dialgym.evaluation.stats import normalized_score

    lo, hi = row["ci95"]
    return {
        "mean": row["mean"],
        "ci95": [lo, hi],
        "normalized": normalized_score(row["mean"], random_mean, oracle_mean),
        "normalized_ci95": [normalized_score(x, random_mean, oracle_mean) for x in (lo, hi)],
        "success": row["success"],
        "episodes": row["episodes"],
        "mean_turns": row["mean_turns"],
    }


def assemble(rows: dict[str, list[dict[str, Any]]], specs: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Leaderboard rows -> ``{task: {agent: {...test..., "hard": {...}}}}`` normalised per task and split."""
    results: dict[str, Any] = {}
    for env_id, env_rows in rows.items():
        by_spec = {(r["split"], r["agent"]): r for r in env_rows}
        key_of = {spec: key for key, spec in specs[env_id].items()}
        key_of["prompt"] = "prompt"
        task: dict[str, Any] = {}
        for split in SPLITS:
            ref = by_spec[(split, "random")]["mean"], by_spec[(split, "oracle")]["mean"]
            for (s, spec), row in by_spec.items():
                if s != split or spec not in key_of:
                    continue
                rec = _record(row, *ref)
                key = key_of[spec]
                if split == "test":
                    task.setdefault(key, {}).update(rec)
                else:
                    task.setdefault(key, {})["hard"] = rec
        order = [*AGENT_KEYS, *(k for k in specs[env_id] if k not in AGENT_KEYS)]
        results[env_id] = {k: task[k] for k in order if k in task}
    return results


def _keys(results: dict[str, Any]) -> list[str]:
    """Every agent key in the results, baselines first in table order, then the user's agents."""
    seen = [k for agents in results.values() for k in agents]
    return [*(k for k in AGENT_KEYS if k in seen), *dict.fromkeys(k for k in seen if k not in AGENT_KEYS)]


def checks(results: dict[str, Any]) -> dict[str, Any]:
    """The claim, task by task: is ILQL's CI above BC's and filtered BC's; is hindsight ILQL at least as good."""
    out: dict[str, Any] = {}
    for env_id, agents in results.items():
        il, hs = agents["ilql"], agents["ilql_hindsight"]
        out[env_id] = {
            "ilql_ci_above_bc": il["ci95"][0] > agents["bc"]["ci95"][1],
            "ilql_ci_above_fbc": il["ci95"][0] > agents["fbc"]["ci95"][1],
            "hindsight_ilql_at_least_ilql": hs["mean"] >= il["mean"] or hs["ci95"][1] >= il["ci95"][0],
        }
    above = sum(c["ilql_ci_above_bc"] and c["ilql_ci_above_fbc"] for c in out.values())
    return {"per_task": out, "tasks_ilql_above_bc_and_fbc": above, "tasks": len(out)}


def markdown(results: dict[str, Any]) -> str:
    lines = []
    for split in SPLITS:
        lines += [
            f"**{split} personas** (normalised score, 0 = random, 100 = oracle; mean return with 95% CI)",
            "",
            "| agent | " + " | ".join(results) + " |",
            "|---|" + "---:|" * len(results),
        ]
        for key in _keys(results):
            cells = []
            for env_id in results:
                rec = results[env_id].get(key)
                rec = rec if split == "test" or rec is None else rec.get("hard")
                if rec is None:
                    cells.append("-")
                    continue
                lo, hi = rec["ci95"]
                cells.append(f"{rec['normalized']:.0f} ({rec['mean']:.2f} [{lo:.2f}, {hi:.2f}])")
            lines.append(f"| {key} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> Path | None:
    """Normalised score with 95% CI per agent, one panel per task, test and hard side by side."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - matplotlib is in the test/plot extras
        return None
    import numpy as np

    n = len(results)
    fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 3.6), squeeze=False)
    for ax, (env_id, agents) in zip(axes[0], results.items(), strict=True):
        keys = [k for k in _keys(results) if k in agents]
        y = np.arange(len(keys))
        for off, split, color in ((-0.2, "test", "#3b7dd8"), (0.2, "hard", "#e08a2c")):
            recs = [agents[k] if split == "test" else agents[k].get("hard") for k in keys]
            m = np.array([r["normalized"] if r else np.nan for r in recs])
            lo = np.array([r["normalized"] - r["normalized_ci95"][0] if r else 0 for r in recs])
            hi = np.array([r["normalized_ci95"][1] - r["normalized"] if r else 0 for r in recs])
            ax.barh(y + off, m, height=0.4, xerr=[lo, hi], color=color, capsize=2, label=split)
        ax.set_yticks(y, keys, fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="k", lw=0.5)
        ax.axvline(100, color="k", lw=0.5, ls=":")
        ax.set_title(env_id, fontsize=10)
        ax.set_xlabel("normalised score (95% CI)", fontsize=8)
    axes[0][0].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- driver
def run(cfg: ReproduceConfig, work: Path, out_dir: Path, progress: bool = True) -> dict[str, Any]:
    import dialgym
    from dialgym.utils.progress import progress_bar

    tasks = cfg.tasks or dialgym.env_ids()
    work.mkdir(parents=True, exist_ok=True)
    settings = work / "settings.json"
    # the hindsight controller names its own files, so one work folder can hold runs with either
    # extra agents and the prompt agent's episodes only add evaluations: they do not change the rest
    mine = {
        k: v
        for k, v in asdict(cfg).items()
        if k not in ("jobs", "eval_batch", "hindsight_controller", "agents", "prompt_episodes", "train")
    }
    mine["learners"] = cfg.learners()  # the values trained with: a later change of a default is seen here
    if settings.is_file() and json.loads(settings.read_text()) != mine:
        raise SystemExit(f"{work} holds a run with other settings ({settings}); use another --work folder")
    settings.write_text(json.dumps(mine, indent=2) + "\n")
    times: dict[str, float] = {}
    t_start = time.perf_counter()

    # 1-2. data: behavior episodes and their hindsight augmentation
    t0 = time.perf_counter()
    data = {env_id: _data_stage(cfg, work, env_id) for env_id in progress_bar(tasks, total=len(tasks), desc="data")}
    times["data"] = time.perf_counter() - t0

    # 3. training: 4 learners per task, --jobs processes at once
    t0 = time.perf_counter()
    jobs = []
    for env_id in tasks:
        runs = work / "runs" / env_id
        d, aug = data[env_id]["data"], data[env_id]["augmented"]
        jobs += [
            (env_id, "bc", ("bc", d, str(runs / "bc"), cfg.train_settings("bc"))),
            (env_id, "fbc", ("fbc", d, str(runs / "fbc"), cfg.train_settings("fbc"))),
            (env_id, "ilql", ("ilql", d, str(runs / "ilql"), cfg.train_settings("ilql"))),
            (
                env_id,
                "ilql_hindsight",
                ("ilql", aug, str(_hindsight_run(work, env_id, cfg.hindsight_controller)), cfg.train_settings("ilql")),
            ),
        ]
    training: dict[str, dict[str, Any]] = {env_id: {} for env_id in tasks}
    with ProcessPoolExecutor(max_workers=cfg.jobs) as pool:
        futures = {pool.submit(_train_job, *args): (env_id, key) for env_id, key, args in jobs}
        for fut in progress_bar(as_completed(futures), total=len(futures), desc="train"):
            env_id, key = futures[fut]
            s = fut.result()
            training[env_id][key] = {"seconds_this_invocation": s["seconds"], "trajectories": s["trajectories"],
                                     "resumed_from": s["resumed_from"], "final_losses": s["final_losses"]}  # fmt: skip
    times["train"] = time.perf_counter() - t0

    # 4. evaluation: scripted and learned agents (parallel over tasks), then the SmolLM2 prompting agent
    t0 = time.perf_counter()
    beta = cfg.learner("ilql")["beta"]
    specs = {env_id: _specs(work, env_id, beta, cfg.hindsight_controller) for env_id in tasks}
    for env_id in tasks:
        specs[env_id].update({spec: spec for spec in cfg.agents})
    rows: dict[str, list[dict[str, Any]]] = {}
    with ProcessPoolExecutor(max_workers=cfg.jobs) as pool:
        futures = {
            pool.submit(_eval_job, env_id, list(specs[env_id].values()), cfg.eval_episodes, cfg.seed,
                        str(work / "eval" / env_id), cfg.eval_batch, None): env_id
            for env_id in tasks
        }  # fmt: skip
        for fut in progress_bar(as_completed(futures), total=len(futures), desc="eval"):
            rows[futures[fut]] = fut.result()
    rows = {env_id: rows[env_id] for env_id in tasks}  # the tasks' order, not the order they finished in
    times["eval"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    prompt_tasks = tasks if cfg.prompt_episodes > 0 else []  # --prompt-episodes 0 skips the slow prompting agent
    for env_id in progress_bar(prompt_tasks, total=len(prompt_tasks), desc="eval prompt (SmolLM2)"):
        prompt_rows = _eval_job(env_id, ["prompt"], cfg.prompt_episodes, cfg.seed, str(work / "eval_prompt" / env_id),
                                cfg.prompt_episodes, cfg.prompt_llm)  # fmt: skip
        rows[env_id] += [r for r in prompt_rows if r["agent"] == "prompt"]
    times["eval_prompt"] = time.perf_counter() - t0
    times["total"] = time.perf_counter() - t_start
    # a resumed run only pays for what was missing: keep the sum over every invocation as the run's cost
    ledger = work / "times.json"
    spent = json.loads(ledger.read_text()) if ledger.is_file() else {}
    spent = {k: spent.get(k, 0.0) + times.get(k, 0.0) for k in {*spent, *times}}
    ledger.write_text(json.dumps(spent, indent=2) + "\n")

    results = assemble(rows, specs)
    verdict = checks(results)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "reproduce.json").write_text(json.dumps(results, indent=2) + "\n")
    (out_dir / "reproduce.md").write_text(markdown(results))
    plot(results, out_dir / "reproduce.png")
    meta = {
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "config": asdict(cfg),
        "learners": cfg.learners(),
        "seconds": {k: round(v, 1) for k, v in times.items()},
        "seconds_all_invocations": {k: round(v, 1) for k, v in sorted(spent.items())},
        "data": data,
        "training": training,
        "checks": verdict,
    }
    (out_dir / "reproduce_run.json").write_text(json.dumps(meta, indent=2) + "\n")
    return {"results": results, "meta": meta}


def human_rows(cfg: ReproduceConfig, data: str, work: Path, out_dir: Path) -> dict[str, Any] | None:
    """The human-data rows (``benchmarks/human_data.py``) with this run's seed, steps, batch and episodes.

    Learners trained on real PersuasionForGood dialogues, on real + hindsight regenerations and on as many
    simulated ones, next to the real persuaders replayed; written to ``OUT/human_data.json`` and appended to
    ``OUT/reproduce.md``. Only Persuasion-v0 has real data: other tasks' rows are unaffected.
    """
    if cfg.tasks and "Persuasion-v0" not in cfg.tasks:
        print("real human data: skipped (it is Persuasion-v0 data and --tasks leaves Persuasion-v0 out)")
        return None
    import human_data  # benchmarks/human_data.py: the same stages, resumable, in its own work folder

    out = out_dir / "human_data.json"
    argv = ["--data", data, "--work", str(work / "human_data"), "--seed", str(cfg.seed), "--out", str(out)]
    ilql = cfg.learner("ilql")
    argv += ["--steps", str(ilql["steps"]), "--batch-size", str(ilql["batch_size"])]
    argv += ["--eval-episodes", str(cfg.eval_episodes)]
    human_data.main(argv)
    result = json.loads(out.read_text())
    lines = [
        "",
        "**Real human data** (Persuasion-v0; `benchmarks/human_data.py`, normalised score and mean return)",
        "",
    ]
    lines += ["| agent | test | hard |", "|---|---:|---:|"]
    for key, rec in result["table"]["test"].items():
        hard = result["table"]["hard"][key]
        lines.append(
            f"| {key} | {rec['normalized']:.0f} ({rec['mean']:.2f}) | {hard['normalized']:.0f} ({hard['mean']:.2f}) |"
        )
    with open(out_dir / "reproduce.md", "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a smoke test of every stage (minutes)")
    ap.add_argument("--tasks", nargs="*", default=None, help="env ids (default: every registered task)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--episodes", type=int, default=None, help="behavior episodes per task")
    ap.add_argument("--steps", type=int, default=None, help="training steps per learner (default: dialgym train's)")
    ap.add_argument("--eval-episodes", type=int, default=None)
    ap.add_argument("--prompt-episodes", type=int, default=None)
    ap.add_argument("--hindsight-controller", default=None, help="adaptive (default) or oracle")
    ap.add_argument("--action-vocab", default=None, choices=["data", "full"], help="ILQL Q heads (default: data)")
    ap.add_argument("--jobs", type=int, default=2, help="processes at once (training and evaluation)")
    ap.add_argument(
        "--human-data",
        default=None,
        help="PersuasionForGood (any layout dialgym data import p4g reads): adds BC/FBC/ILQL trained on real "
        "dialogues, on real + hindsight, and on as many simulated ones, with real persuaders replayed (Persuasion-v0)",
    )
    ap.add_argument(
        "--agent",
        action="append",
        default=None,
        help="your own agent spec (module:Class or file.py:Class), repeatable: evaluated beside the baselines",
    )
    ap.add_argument("--work", default=None, help="data, runs and transcripts (default runs/reproduce[-quick])")
    ap.add_argument("--out", default=None, help="results folder (default benchmarks/results; --quick: WORK/results)")
    args = ap.parse_args(argv)
    overrides: dict[str, Any] = {
        "seed": args.seed,
        "jobs": args.jobs,
        "tasks": list(args.tasks or []),
        "agents": list(args.agent or []),
    }
    for name in ("episodes", "eval_episodes", "prompt_episodes", "hindsight_controller"):
        if getattr(args, name) is not None:
            overrides[name] = getattr(args, name)
    train = {name: getattr(args, name) for name in ("steps", "action_vocab") if getattr(args, name) is not None}
    if train:
        overrides["train"] = train
    try:
        cfg = ReproduceConfig.quick(**overrides) if args.quick else ReproduceConfig(**overrides)
    except ValueError as exc:
        ap.error(str(exc))
    from dialgym.agents import make_agent

    for spec in cfg.agents:  # a bad spec fails now, not after an hour of training
        try:
            make_agent(spec, (cfg.tasks or ["Persuasion-v0"])[0])
        except (ValueError, TypeError, ImportError, FileNotFoundError) as exc:
            ap.error(f"--agent {spec!r}: {exc}")
    work = Path(args.work or ("runs/reproduce-quick" if args.quick else "runs/reproduce"))
    out_dir = Path(args.out) if args.out else (work / "results" if args.quick else RESULTS)
    report = run(cfg, work, out_dir)
    print(markdown(report["results"]))
    v = report["meta"]["checks"]
    print(f"ILQL's CI above both BC's and filtered BC's on {v['tasks_ilql_above_bc_and_fbc']} of {v['tasks']} tasks")
    if args.quick:
        print(
            "(--quick: a smoke test of every stage on tiny data and a few training steps; its scores say nothing "
            "about the claim. Run without --quick for the reproduction.)"
        )
    for env_id, c in v["per_task"].items():
        print(f"  {env_id}: " + ", ".join(f"{k}={val}" for k, val in c.items()))
    if args.human_data:
        human_rows(cfg, args.human_data, work, out_dir)
    else:
        print("real human data: skipped (pass --human-data PATH, PersuasionForGood in any layout, to add its rows)")
    secs = report["meta"]["seconds"]
    print("time: " + ", ".join(f"{k} {v / 60:.1f} min" for k, v in secs.items()))
    print(f"results: {out_dir / 'reproduce.json'}, reproduce.md, reproduce.png, reproduce_run.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
