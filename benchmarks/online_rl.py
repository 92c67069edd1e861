"""Does online RL after imitation beat imitation? GRPO from a BC checkpoint vs that BC checkpoint, measured.

    python benchmarks/online_rl.py [--env Persuasion-v0 --env TravelAgent-v0] [--grpo-steps 200]
        [--episodes 3000] [--bc-steps 1500] [--eval-episodes 500] [--work runs/online_rl] [--out FILE]

Per task, with the reproduction's data and learner settings (``benchmarks/reproduce.py``): ``behavior``
episodes on the train personas; BC, filtered BC and ILQL on them (tiny model); ``dialgym train grpo
--init`` the BC checkpoint for ``--grpo-steps`` steps on the train personas; then all of them and the
behavior policy on the same ``test`` and ``hard`` episodes (paired seeds, normalised against random and
the oracle), with the paired 95% CIs of GRPO minus BC and GRPO minus ILQL. Every stage is resumable (run
the same command again); the GRPO time per 100 steps is reported. Writes
``benchmarks/results/online_rl.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import write_result


def run_task(env_id: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from dialgym.data.collect import collect
    from dialgym.evaluation.leaderboard import paired_difference_ci, run_leaderboard
    from dialgym.integrations.grpo import GRPORunConfig, train_grpo
    from dialgym.train import train_main

    root = work / env_id
    data = root / "behavior.jsonl"
    print(f"[{env_id}] data: {args.episodes} behavior episodes", flush=True)
    collect(env_id, "behavior", args.episodes, args.seed, data, env_kwargs={"persona_split": "train"}, progress=False)
    print(f"[{env_id}] BC: {args.bc_steps} steps", flush=True)
    t0 = time.perf_counter()
    # everything else is dialgym train's default: the reproduction's recipe
    common = dict(steps=args.bc_steps, seed=args.seed, threads=args.threads, progress=False,
                  checkpoint_every=max(1, args.bc_steps // 4))  # fmt: skip
    train_main("bc", data, "tiny", root / "bc", **common)
    bc_seconds = time.perf_counter() - t0
    if not args.no_offline_rl:
        print(f"[{env_id}] filtered BC and ILQL: {args.bc_steps} steps each (the reproduction's recipe)", flush=True)
        train_main("fbc", data, "tiny", root / "fbc", **common)
        train_main("ilql", data, "tiny", root / "ilql", **common)
    print(f"[{env_id}] GRPO: {args.grpo_steps} steps from BC", flush=True)
    cfg = GRPORunConfig(
        env_id=env_id, init=str(root / "bc"), steps=args.grpo_steps, group=args.group,
        seeds_per_step=args.seeds_per_step, lr=args.lr, seed=args.seed, threads=args.threads,
        checkpoint_every=max(1, args.grpo_steps // 4),
    )  # fmt: skip
    grpo = train_grpo(cfg, root / "grpo", progress=False)
    print(f"[{env_id}] evaluation: {args.eval_episodes} paired episodes per agent and split", flush=True)
    os.environ.setdefault("DIALGYM_THREADS", str(args.threads or 1))
    specs = {"bc": f"bc:{root / 'bc'}", "grpo": f"grpo:{root / 'grpo'}", "behavior": "behavior"}
    if not args.no_offline_rl:
        specs.update(fbc=f"fbc:{root / 'fbc'}", ilql=f"ilql:{root / 'ilql'}?beta=16")
    entries = run_leaderboard([env_id], list(specs.values()), args.eval_episodes, args.seed,
                              splits=("test", "hard"), out=root / "eval", progress=False, batch=50)  # fmt: skip
    by = {(e.split, e.agent): e for e in entries}
    out: dict[str, Any] = {"bc_train_seconds": round(bc_seconds, 1), "grpo": grpo}
    if grpo["seconds"] and not grpo["resumed"]:
        out["grpo_seconds_per_100_steps"] = round(100 * grpo["seconds"] / args.grpo_steps, 1)
    for split in ("test", "hard"):
        rows = {}
        for key, spec in specs.items():
            e = by[(split, spec)]
            rows[key] = {"mean": e.result.mean_return, "ci95": list(e.result.ci95), "normalized": e.normalized,
                         "success": e.result.success_rate, "episodes": e.result.episodes}  # fmt: skip
        for other in ("bc", "ilql"):
            if other not in specs:
                continue
            diff = by[(split, specs["grpo"])].result, by[(split, specs[other])].result
            lo, hi = paired_difference_ci(*diff, seed=args.seed)
            mean = sum(a - b for a, b in zip(diff[0].returns, diff[1].returns, strict=True)) / len(diff[0].returns)
            rows[f"grpo_minus_{other}"] = {"mean": float(mean), "ci95": [lo, hi]}
        out[split] = rows
    return out


def main() -> None:
    from dialgym.agents.config import LearnerConfig

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--env", action="append", default=None, help="env id, repeatable (default Persuasion-v0)")
    ap.add_argument("--episodes", type=int, default=3000, help="behavior episodes for BC (the reproduction's)")
    ap.add_argument("--bc-steps", type=int, default=LearnerConfig.steps, help="BC, FBC and ILQL steps (the recipe's)")
    ap.add_argument("--grpo-steps", type=int, default=200)
    ap.add_argument("--group", type=int, default=8)
    ap.add_argument("--seeds-per-step", type=int, default=2)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--eval-episodes", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--no-offline-rl", action="store_true", help="skip filtered BC and ILQL (BC vs GRPO only)")
    ap.add_argument("--work", default="runs/online_rl")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    t0 = time.perf_counter()
    results = {env_id: run_task(env_id, args, Path(args.work)) for env_id in (args.env or ["Persuasion-v0"])}
    config = {k: v for k, v in vars(args).items() if k not in ("out", "work")}
    path = write_result("online_rl", {"config": config, "results": results,
                                      "seconds": round(time.perf_counter() - t0, 1)}, args.out)  # fmt: skip
    keys = [k for k in ("behavior", "bc", "fbc", "ilql", "grpo") if any(k in r["test"] for r in results.values())]
    print(f"\n{'task':16s} {'split':5s} " + " ".join(f"{k:>8s}" for k in keys) + "   GRPO - BC / GRPO - ILQL (95% CI)")
    for env_id, r in results.items():
        for split in ("test", "hard"):
            s = r[split]
            diffs = [s[k] for k in ("grpo_minus_bc", "grpo_minus_ilql") if k in s]
            cis = " / ".join(f"{d['mean']:+.3f} [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]" for d in diffs)
            print(f"{env_id:16s} {split:5s} " + " ".join(f"{s[k]['normalized']:8.1f}" for k in keys) + f"   {cis}")
        if "grpo_seconds_per_100_steps" in r:
            print(f"{env_id:16s} GRPO: {r['grpo_seconds_per_100_steps']} s per 100 steps")
    print(f"normalised: 0 = random, 100 = oracle; wrote {path}")


if __name__ == "__main__":
    main()
