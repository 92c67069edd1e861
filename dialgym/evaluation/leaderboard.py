"""Leaderboards: many agents, the same personas, saved transcripts, tables and a plot.

Every agent meets the same episodes (env seed ``episode_seed(seed, i)``), so the
comparison is paired. Transcripts are written as episode files (one per env,
split and agent) through :func:`dialgym.data.collect.collect`, which makes a
leaderboard run resumable: run the same command again and only missing episodes
are played. The random agent and the oracle are added when missing, because the
normalised score (0 = random, 100 = oracle) needs both, measured on the same
episodes, unless reference scores are given.

Episodes whose simulated user failed for good (an LLM user or its judge; see
``DialogueEnv``) are kept in the transcripts with ``user_failure`` set, left out of
each row's mean, CI, success and turns (unless ``include_user_failures``), and
counted in the row's user-failure column. The column is shown always, zeros
included: a table keeps one shape whichever user played (scripts and diffs that
read it do not break), and a 0 says in the table itself that nothing was left out.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dialgym.agents import is_custom_spec
from dialgym.data.collect import collect
from dialgym.data.io import read_episodes
from dialgym.evaluation.harness import EvalResult
from dialgym.evaluation.stats import bootstrap_ci
from dialgym.runner import agent_label


def _takes_llm(agent: Any) -> bool:
    """Whether the run's ``--llm`` config goes to this agent: prompted agents and your own classes."""
    return isinstance(agent, str) and (agent.startswith("prompt") or is_custom_spec(agent))


def _slug(spec: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in spec)[:120]


@dataclass
class Entry:
    env_id: str
    split: str
    agent: str
    result: EvalResult
    normalized: float | None
    normalized_ci95: tuple[float, float] | None

    def row(self) -> dict[str, Any]:
        lo, hi = self.result.ci95
        return {
            "env_id": self.env_id,
            "split": self.split,
            "agent": self.agent,
            "episodes": self.result.episodes,
            "scored_episodes": self.result.scored_episodes,
            "user_failures": self.result.user_failure_count,
            "user_failure_rate": self.result.user_failure_rate,
            "mean": self.result.mean_return,
            "ci95": [lo, hi],
            "normalized": self.normalized,
            "normalized_ci95": list(self.normalized_ci95) if self.normalized_ci95 else None,
            "success": self.result.success_rate,
            "mean_turns": self.result.mean_turns,
            "by_persona_type": self.result.by_persona_type(),
        }


def run_leaderboard(
    env_ids: Sequence[str],
    agents: Sequence[Any],
    episodes: int,
    seed: int,
    splits: Sequence[str] = ("test",),
    out: str | Path | None = None,
    env_kwargs: dict[str, Any] | None = None,
    reference_scores: dict[str, tuple[float, float]] | None = None,
    progress: bool = True,
    workers: int = 1,
    batch: int = 1,
    llm: dict[str, Any] | None = None,
    env_agents: Mapping[str, Sequence[str]] | None = None,
    include_user_failures: bool = False,
) -> list[Entry]:
    """Evaluate ``agents`` on every env and split; write transcripts and leaderboard files under ``out``.

    ``agents`` are spec strings (built-in, ``module:Class`` or ``file.py:Class``) or agent
    objects (any object with ``act(observation, info) -> str``), listed under their
    spec or class name, which must be unique. ``reference_scores`` maps env id to
    ``(random, oracle)`` mean returns to normalise against instead of measuring them.
    ``env_agents`` adds specs for some envs only: a reference that exists for one task, such as
    the real PersuasionForGood persuaders replayed (``{"Persuasion-v0": ["human-replay:PATH"]}``).
    Episodes whose simulated user failed for good are counted per row and left out of its
    statistics unless ``include_user_failures`` (then they count as recorded: reward 0).
    """
    unknown = sorted(set(env_agents or {}) - set(env_ids))
    if unknown:
        raise ValueError(f"env_agents names {unknown}, which this leaderboard does not run (env ids: {list(env_ids)})")
    by_label: dict[str, Any] = {}
    for agent in agents:
        label = agent_label(agent)
        if label in by_label and not isinstance(agent, str) and by_label[label] is not agent:
            raise ValueError(
                f"two different agents are both called {label!r}; give one a distinct `spec` attribute "
                "(the name it gets in the table and in its transcript file)"
            )
        by_label[label] = agent
    refs = reference_scores or {}
    for ref in ("random", "oracle"):
        if ref not in by_label and any(e not in refs for e in env_ids):
            by_label[ref] = ref
    root = Path(out) if out is not None else None
    scratch = None
    if root is None:
        import tempfile

        scratch = tempfile.TemporaryDirectory(prefix="dialgym-eval-")
        root = Path(scratch.name)
    entries: list[Entry] = []
    try:
        for env_id in env_ids:
            for split in splits:
                kwargs = {**(env_kwargs or {}), "persona_split": split}
                results: dict[str, EvalResult] = {}
                per_env = {**by_label, **{spec: spec for spec in (env_agents or {}).get(env_id, ())}}
                for spec, agent in per_env.items():
                    path = root / "episodes" / env_id / split / f"{_slug(spec)}.jsonl"
                    collect(
                        env_id,
                        agent,
                        episodes,
                        seed,
                        path,
                        workers=workers,
                        env_kwargs=kwargs,
                        progress=progress,
                        batch=batch,
                        llm=llm
                        if isinstance(agent, str) and (spec.startswith("prompt") or is_custom_spec(spec))
                        else None,
                        desc=f"eval {spec} on {env_id} ({split})",
                    )
                    eps = sorted(read_episodes(path, include_user_failures=True), key=lambda e: e.id)[:episodes]
                    results[spec] = EvalResult(
                        agent=spec,
                        env_id=env_id,
                        returns=[e.reward for e in eps],
                        successes=[e.success for e in eps],
                        turns=[e.turns for e in eps],
                        persona_types=[str(e.persona.get("type", "unknown")) for e in eps],
                        seed=seed,
                        env_kwargs=kwargs,
                        user_failures=[e.user_failure for e in eps],
                        include_user_failures=include_user_failures,
                    )
                if env_id in refs:
                    lo_ref, hi_ref = refs[env_id]
                else:
                    lo_ref, hi_ref = results["random"].mean_return, results["oracle"].mean_return
                for spec, res in results.items():
                    res.reference = (lo_ref, hi_ref)
                    entries.append(Entry(env_id, split, spec, res, res.normalized, res.normalized_ci95))
        if out is not None:
            meta = {
                "seed": seed,
                "episodes": episodes,
                "splits": list(splits),
                "include_user_failures": include_user_failures,
            }
            write_leaderboard(entries, Path(out), meta=meta)
    finally:
        if scratch is not None:
            scratch.cleanup()
    return entries


def paired_difference_ci(a: EvalResult, b: EvalResult, seed: int = 0) -> tuple[float, float]:
    """Bootstrap 95% CI of mean(a - b) over paired episodes (same seeds, same personas).

    Only the episodes both results score are paired: one left out of either (its simulated user
    failed) drops the pair, so a failure never pairs a real return with a stand-in 0.
    """
    if a.episodes != b.episodes:
        raise ValueError(
            f"paired results need the same episodes: {a.agent!r} has {a.episodes}, {b.agent!r} has {b.episodes}"
        )
    keep = np.asarray(a.scored) & np.asarray(b.scored)
    if not keep.any():
        raise ValueError(f"{a.agent!r} and {b.agent!r} share no scored episode (every pair had a user failure)")
    x = np.asarray(a.returns)[keep] - np.asarray(b.returns)[keep]
    return bootstrap_ci(x, seed=seed)


def format_table(entries: Sequence[Entry]) -> str:
    # the agent column fits the longest name (two variants of one file must not look alike), within reason
    width = min(max([28, *(len(e.agent) for e in entries)]), 60)
    head = (
        f"{'env':16s} {'split':5s} {'agent':{width}s} {'mean':>7s} {'95% CI':>17s} {'norm':>6s} "
        f"{'success':>7s} {'turns':>5s} {'n':>5s} {'u-fail':>6s}"
    )
    lines = [head, "-" * len(head)]
    for e in entries:
        r = e.row()
        lo, hi = r["ci95"]
        norm = f"{r['normalized']:6.1f}" if r["normalized"] is not None else f"{'-':>6s}"
        agent = r["agent"] if len(r["agent"]) <= width else "..." + r["agent"][-(width - 3) :]
        lines.append(
            f"{r['env_id']:16s} {r['split']:5s} {agent:{width}s} {r['mean']:7.3f} [{lo:7.3f},{hi:7.3f}] "
            f"{norm} {r['success']:7.2f} {r['mean_turns']:5.1f} {r['scored_episodes']:5d} "
            f"{100 * r['user_failure_rate']:5.1f}%"
        )
    return "\n".join(lines)


def success_notes(entries: Sequence[Entry]) -> list[str]:
    """What "success" means in each task of ``entries`` (each task's ``Task.success``), one line per env."""
    from dialgym.tasks import get_task

    lines = []
    for env_id in dict.fromkeys(e.env_id for e in entries):
        lines.append(f"{env_id}: {get_task(env_id).success}")
    return lines


def format_markdown(entries: Sequence[Entry]) -> str:
    lines = [
        "| env | split | agent | mean return | 95% CI | normalised | success | turns | episodes | user failures |",
        "|---|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for e in entries:
        r = e.row()
        lo, hi = r["ci95"]
        norm = f"{r['normalized']:.1f}" if r["normalized"] is not None else "-"
        lines.append(
            f"| {r['env_id']} | {r['split']} | `{r['agent']}` | {r['mean']:.3f} | [{lo:.3f}, {hi:.3f}] | {norm} | "
            f"{r['success']:.2f} | {r['mean_turns']:.1f} | {r['scored_episodes']} | "
            f"{r['user_failures']} ({100 * r['user_failure_rate']:.1f}%) |"
        )
    notes = success_notes(entries)
    if notes:
        lines += ["", "Success (the share of episodes where):", ""] + [f"- {n}" for n in notes]
    lines += ["", user_failure_note(entries)]
    return "\n".join(lines) + "\n"


def user_failure_note(entries: Sequence[Entry]) -> str:
    """One line saying what the user-failure column means and how the table treated those episodes."""
    failed = sum(e.result.user_failure_count for e in entries)
    played = sum(e.result.episodes for e in entries)
    included = any(e.result.include_user_failures for e in entries)
    how = (
        "counted in the statistics as recorded (reward 0, no success)"
        if included
        else "left out of mean, CI, success and turns; episodes/n counts the rest"
    )
    return f"User failures: episodes whose simulated user or judge failed for good ({failed} of {played} here), {how}."


def write_leaderboard(entries: Sequence[Entry], out: Path, meta: dict[str, Any] | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    payload = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **(meta or {}),
        "rows": [e.row() for e in entries],
    }
    (out / "leaderboard.json").write_text(json.dumps(payload, indent=2) + "\n")
    (out / "leaderboard.md").write_text(format_markdown(entries))
    plot_leaderboard(entries, out / "leaderboard.png")


def plot_leaderboard(entries: Sequence[Entry], path: Path) -> Path | None:
    """Bar chart of mean return with 95% CI error bars, one panel per env and split."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the plot extra is optional; the JSON and Markdown are always written
        return None
    groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        groups[(e.env_id, e.split)].append(e)
    n = len(groups)
    cols = min(n, 2)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(6.5 * cols, 3.2 * rows), squeeze=False)
    for ax, ((env_id, split), es) in zip(axes.flat, groups.items(), strict=False):
        means = [e.result.mean_return for e in es]
        cis = [e.result.ci95 for e in es]
        err = np.array(
            [
                [m - lo for m, (lo, _) in zip(means, cis, strict=True)],
                [hi - m for m, (_, hi) in zip(means, cis, strict=True)],
            ]
        )
        # references in grey: the scale's ends and real people replayed
        colors = [
            "#999999" if e.agent in ("random", "oracle") or e.agent.startswith("human-replay") else "#3b7dd8"
            for e in es
        ]
        ax.barh(range(len(es)), means, xerr=err, color=colors, capsize=3)
        ax.set_yticks(range(len(es)), [e.agent[:24] for e in es], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(f"{env_id} ({split})", fontsize=10)
        ax.set_xlabel("mean return (95% CI)", fontsize=8)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
