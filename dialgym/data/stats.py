"""Summaries of an episode file: returns, success, turns, strategies, persona coverage."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from dialgym.data.episode import Episode


def episode_stats(episodes: Sequence[Episode], bins: int = 10) -> dict[str, Any]:
    """Plain-data statistics of ``episodes`` (JSON-serialisable)."""
    if not episodes:
        raise ValueError("no episodes to summarise")
    rewards = np.array([e.reward for e in episodes], dtype=float)
    turns = np.array([e.turns for e in episodes], dtype=float)
    counts, edges = np.histogram(rewards, bins=bins)
    acts: Counter[str] = Counter()
    for e in episodes:
        for turn_acts in e.agent_acts:
            acts.update(turn_acts)
    first_acts: Counter[str] = Counter(e.agent_acts[0][0] for e in episodes if e.agent_acts and e.agent_acts[0])
    return {
        "episodes": len(episodes),
        "env_ids": dict(Counter(e.env_id for e in episodes)),
        "sources": dict(Counter(e.source for e in episodes)),
        "policies": dict(Counter(e.policy for e in episodes)),
        "reward": {
            "mean": float(rewards.mean()),
            "std": float(rewards.std()),
            "min": float(rewards.min()),
            "p25": float(np.quantile(rewards, 0.25)),
            "median": float(np.median(rewards)),
            "p75": float(np.quantile(rewards, 0.75)),
            "max": float(rewards.max()),
            "histogram": {"counts": counts.tolist(), "edges": edges.tolist()},
        },
        "success_rate": float(np.mean([e.success for e in episodes])),
        "terminated_rate": float(np.mean([e.terminated for e in episodes])),
        "turns": {"mean": float(turns.mean()), "min": int(turns.min()), "max": int(turns.max())},
        "strategies": dict(acts.most_common()),
        "first_strategy": dict(first_acts.most_common()),
        "persona_types": dict(Counter(str(e.persona.get("type", "unknown")) for e in episodes).most_common()),
        "reward_by_persona_type": {
            t: float(np.mean([e.reward for e in episodes if str(e.persona.get("type", "unknown")) == t]))
            for t in sorted({str(e.persona.get("type", "unknown")) for e in episodes})
        },
    }


def format_stats(stats: dict[str, Any], width: int = 40) -> str:
    """A readable text report of :func:`episode_stats`."""
    r = stats["reward"]
    lines = [
        f"episodes        {stats['episodes']}   envs {stats['env_ids']}   sources {stats['sources']}",
        f"policies        {stats['policies']}",
        f"reward          mean {r['mean']:.3f}  std {r['std']:.3f}  min {r['min']:.3f}  "
        f"median {r['median']:.3f}  max {r['max']:.3f}",
        f"success rate    {stats['success_rate']:.3f}   user ended {stats['terminated_rate']:.3f}",
        f"turns           mean {stats['turns']['mean']:.2f}  min {stats['turns']['min']}  max {stats['turns']['max']}",
        "reward histogram:",
    ]
    counts, edges = r["histogram"]["counts"], r["histogram"]["edges"]
    top = max(counts) or 1
    for c, lo, hi in zip(counts, edges[:-1], edges[1:], strict=True):
        lines.append(f"  [{lo:7.3f}, {hi:7.3f})  {'#' * round(width * c / top):{width}s} {c}")
    lines.append("strategies (agent turns recognised as):")
    total = sum(stats["strategies"].values()) or 1
    for act, n in stats["strategies"].items():
        lines.append(f"  {act:28s} {n:7d}  {100 * n / total:5.1f}%")
    lines.append("persona types (mean reward):")
    for t, n in stats["persona_types"].items():
        lines.append(f"  {t:28s} {n:7d}  {stats['reward_by_persona_type'][t]:.3f}")
    return "\n".join(lines)
