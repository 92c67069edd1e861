"""The ``dialgym`` command line.

    dialgym eval [ENV_ID ...] [--agent SPEC ...] [--episodes N] [--seed S] [--split SPLIT]

With no arguments ``eval`` runs the reference agents (random, behavior, oracle) on
every registered task and prints a leaderboard table with 95% CIs and normalised
scores (0 = random, 100 = oracle).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_AGENTS = ("random", "behavior", "oracle")


def _eval(args: argparse.Namespace) -> int:
    import dialgym
    from dialgym.evaluation import evaluate, normalized_score

    env_ids = args.env_ids or dialgym.env_ids()
    agents = args.agent or list(DEFAULT_AGENTS)
    env_kwargs: dict[str, Any] = json.loads(args.env_kwargs) if args.env_kwargs else {}
    if not isinstance(env_kwargs, dict):
        raise SystemExit(f"--env-kwargs must be a JSON object, got {args.env_kwargs!r}")
    env_kwargs["persona_split"] = args.split
    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    for env_id in env_ids:
        results = {
            spec: evaluate(spec, env_id, episodes=args.episodes, seed=args.seed, progress=not args.quiet, **env_kwargs)
            for spec in agents
        }
        lo_ref = results["random"].mean_return if "random" in results else None
        hi_ref = results["oracle"].mean_return if "oracle" in results else None
        for res in results.values():
            row = {**res.summary(), "split": args.split}
            if lo_ref is not None and hi_ref is not None and hi_ref != lo_ref:
                row["normalized"] = normalized_score(res.mean_return, lo_ref, hi_ref)
            rows.append(row)
    elapsed = time.perf_counter() - t0
    print(_table(rows))
    steps = sum(r["mean_turns"] * r["episodes"] for r in rows)
    print(
        f"\n{len(rows)} runs, {sum(r['episodes'] for r in rows)} episodes, {steps:.0f} turns "
        f"in {elapsed:.1f}s (split={args.split}, seed={args.seed})"
    )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


def _table(rows: Sequence[dict[str, Any]]) -> str:
    head = f"{'env':16s} {'agent':12s} {'mean':>7s} {'95% CI':>17s} {'norm':>6s} {'success':>7s} {'turns':>5s}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lo, hi = r["ci95"]
        norm = f"{r['normalized']:6.1f}" if "normalized" in r else f"{'-':>6s}"
        lines.append(
            f"{r['env_id']:16s} {r['agent']:12s} {r['mean_return']:7.3f} [{lo:7.3f},{hi:7.3f}] {norm} "
            f"{r['success_rate']:7.2f} {r['mean_turns']:5.1f}"
        )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dialgym", description="Goal-directed dialogue environments.")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("eval", help="evaluate agents and print a leaderboard table")
    ev.add_argument("env_ids", nargs="*", help="env ids (default: every registered task)")
    ev.add_argument("--agent", action="append", help=f"agent spec, repeatable (default: {', '.join(DEFAULT_AGENTS)})")
    ev.add_argument("--episodes", type=int, default=200)
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument("--split", default="test", choices=["train", "test", "hard"])
    ev.add_argument("--env-kwargs", default=None, help="JSON object of extra gym.make kwargs")
    ev.add_argument("--json", default=None, help="also write the rows to this JSON file")
    ev.add_argument("--quiet", action="store_true", help="no progress bars")
    ev.set_defaults(func=_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (ValueError, TypeError) as exc:
        print(f"dialgym {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
