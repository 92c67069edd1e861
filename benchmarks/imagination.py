"""Imagination on the bundled SmolLM2-135M, measured, and the imagine -> train -> evaluate loop closed.

    python benchmarks/imagination.py                  # the full run (well under 30 min on 2 cores)
    python benchmarks/imagination.py --quick          # a smoke run of every stage
    DIALGYM_THREADS=1 python benchmarks/imagination.py --loop-task Persuasion-v0 --loop-task TravelAgent-v0

1. **Imagine** ``--episodes`` (16) dialogues per task with SmolLM2-135M in turn mode, batched (one LLM batch
   per role and turn), and report the usable rate, what was dropped and why, seconds per episode, and the CPU
   load (``os.getloadavg``) before and after: on a shared machine the seconds mean little without it.
   Each episode carries two labels: the target outcome it was conditioned on and the scripted user's outcome
   for its agent turns (replay); their agreement (Pearson r of the two rewards, and how often both call it a
   success) says whether the small model's dialogues realise the target they were asked for.
2. **Close the loop** on the ``--loop-task`` tasks (default Persuasion-v0): extend the imagined file to
   ``--loop-episodes`` usable-or-not generations, train BC, filtered BC and ILQL (the reproduction's recipe,
   fewer steps: ``--steps``) on the imagined episodes, and the same three on as many ``collect``-ed episodes of
   the ``behavior`` policy; evaluate all six with ``random``, ``behavior`` and ``oracle`` on the same ``test``
   personas (``--eval-episodes``, paired seeds, 95% CIs, normalised 0 = random, 100 = oracle), with paired CIs
   of imagined minus collected per learner.

Every stage resumes (imagined files and collections append, training resumes from checkpoints, evaluation plays
only missing episodes); ``--work`` keeps the state. Writes ``benchmarks/results/imagination.json`` and prints a
summary. A 135M model's dialogues are weak: the point is an honest end-to-end number.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import write_result

TASKS = ("Persuasion-v0", "Counseling-v0", "Instruction-v0", "TravelAgent-v0")
LEARNERS = ("bc", "fbc", "ilql")


def smollm(threads: int, max_tokens: int, temperature: float = 0.7) -> dict[str, Any]:
    # concurrency 16: one forward batch holds a whole chunk of 16 dialogues
    return {"backend": "hf", "model": "smollm2-135m", "max_tokens": max_tokens, "temperature": temperature,
            "seed": 0, "threads": threads, "concurrency": 16}  # fmt: skip


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def imagine_task(env_id: str, n: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Imagine ``n`` dialogues (resuming) and measure them; the timing is that of this invocation's new ones."""
    import numpy as np

    from dialgym.data.imagine import imagine
    from dialgym.data.io import read_episodes

    path = work / "imagined" / f"{env_id}.jsonl"
    before, cpu0 = load(), time.process_time()
    summary = imagine(env_id, smollm(args.threads, args.max_tokens, args.temperature), n=n, seed=args.seed, out=path,
                      turns=args.turns, batch=16, mode="turns", progress=not args.no_progress,
                      revisions=args.revisions)  # fmt: skip
    after, cpu = load(), time.process_time() - cpu0  # this process's CPU seconds (every thread)
    eps = read_episodes(path) if path.exists() else []
    target = np.array([_target_reward(e) for e in eps], dtype=float)
    replay = np.array([e.outcome["replay"]["reward"] for e in eps], dtype=float)
    agree = None
    if len(eps) >= 3 and target.std() > 0 and replay.std() > 0:
        agree = round(float(np.corrcoef(target, replay)[0, 1]), 3)
    made = summary.written + summary.dropped
    return {
        "requested": n,
        "in_file": len(eps),
        "new": made,
        "written": summary.written,
        "dropped": summary.dropped,
        "dropped_by_reason": summary.dropped_by_reason,
        "repaired": summary.repaired,
        "truncated": summary.truncated,
        "revised_utterances": summary.revised,
        "usable_rate": summary.usable_rate,
        "seconds": round(summary.seconds, 1),
        "seconds_per_episode": round(summary.seconds / made, 1) if made else None,
        # on a shared machine the wall time says more about the neighbours than about dialgym; with one torch
        # thread, CPU seconds are what the run would take alone on one quiet core
        "cpu_seconds": round(cpu, 1),
        "cpu_seconds_per_episode": round(cpu / made, 1) if made else None,
        "torch_threads": args.threads,
        "load_before": before,
        "load_after": after,
        "mean_agent_turns": round(float(np.mean([e.turns for e in eps])), 2) if eps else None,
        # kept dialogues whose last agent message was started with words of its move's example (a prefill)
        "prefilled": sum(bool(e.outcome["imagination"].get("prefill")) for e in eps),
        "label_agreement_pearson": agree,
        "success_agreement": _success_agreement(eps),
        "mean_reward_target": round(float(target.mean()), 3) if eps else None,
        "mean_reward_replay": round(float(replay.mean()), 3) if eps else None,
        "example": eps[0].messages if eps else None,
    }


def _success_agreement(eps: list[Any]) -> float | None:
    """Share of episodes where the target and the replay agree on success."""
    if not eps:
        return None
    return round(sum(_target_success(e) == e.outcome["replay"]["success"] for e in eps) / len(eps), 3)


def _target_reward(e: Any) -> float:
    from dialgym import get_task

    return float(get_task(e.env_id).llm_user_spec().to_outcome(e.outcome["target"], e.persona, False).reward)


def _target_success(e: Any) -> bool:
    from dialgym import get_task

    return bool(get_task(e.env_id).llm_user_spec().to_outcome(e.outcome["target"], e.persona, False).success)


def close_loop(env_id: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Train the three learners on imagined and on collected data of the same size; evaluate them paired."""
    from dialgym.data.collect import collect
    from dialgym.data.io import read_episodes
    from dialgym.evaluation.leaderboard import paired_difference_ci, run_leaderboard
    from dialgym.train import train_main

    imagined = work / "imagined" / f"{env_id}.jsonl"
    n = len(read_episodes(imagined))
    collected = work / "collected" / f"{env_id}-{n}.jsonl"
    collect(env_id, "behavior", n, args.seed, collected, env_kwargs={"persona_split": "train"}, progress=False)
    seconds: dict[str, float] = {}
    specs: dict[str, str] = {"random": "random", "behavior": "behavior", "oracle": "oracle"}
    for source, data in (("imagined", imagined), ("collected", collected)):
        for algo in LEARNERS:
            out = work / "runs" / env_id / f"{source}-{algo}"
            t0 = time.perf_counter()
            train_main(algo, data, "tiny", out, steps=args.steps, batch_size=args.batch_size, seed=args.seed,
                       threads=1, progress=False, checkpoint_every=max(1, args.steps // 2),
                       **({"n_embd": 32} if args.quick else {}))  # fmt: skip
            seconds[f"{source}-{algo}"] = round(time.perf_counter() - t0, 1)
            specs[f"{source}_{algo}"] = f"{algo}:{out}"
    entries = run_leaderboard([env_id], list(specs.values()), args.eval_episodes, args.seed, splits=("test",),
                              out=work / "eval" / env_id, progress=False, batch=50)  # fmt: skip
    by = {e.agent: e for e in entries}
    rows = {}
    for key, spec in specs.items():
        e = by[spec]
        rows[key] = {"mean": e.result.mean_return, "ci95": list(e.result.ci95), "normalized": e.normalized,
                     "normalized_ci95": list(e.normalized_ci95) if e.normalized_ci95 else None,
                     "success": e.result.success_rate, "episodes": e.result.episodes}  # fmt: skip
    diffs = {}
    for algo in LEARNERS:
        a, b = by[specs[f"imagined_{algo}"]].result, by[specs[f"collected_{algo}"]].result
        lo, hi = paired_difference_ci(a, b, seed=args.seed)
        mean = sum(x - y for x, y in zip(a.returns, b.returns, strict=True)) / len(a.returns)
        diffs[f"{algo}_imagined_minus_collected"] = {"mean": round(float(mean), 4), "ci95": [lo, hi]}
    return {"training_episodes": n, "train_seconds": seconds, "test": rows, "paired": diffs}


def _keep_earlier(results: dict[str, Any], path: Path) -> None:
    """Carry over what the result file already holds for stages this run did not do (a ``--no-loop`` run keeps
    the earlier loop numbers; a ``--task`` run keeps the other tasks' rates), each marked with when it was
    measured and under which config, so that rerunning one part never deletes data it did not regenerate."""
    if not path.exists():
        return
    earlier = json.loads(path.read_text())
    for part in ("imagine", "loop"):
        for env_id, row in earlier.get("results", {}).get(part, {}).items():
            if env_id not in results[part]:
                results[part][env_id] = {
                    **row,
                    "measured": row.get("measured") or {"created": earlier.get("created"),
                                                        "config": earlier.get("config")},
                }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", action="append", default=None, help="tasks to imagine (default all four)")
    ap.add_argument("--episodes", type=int, default=16, help="imagined dialogues per task, measured")
    ap.add_argument("--loop-task", action="append", default=None, help="tasks to close the loop on (Persuasion-v0)")
    ap.add_argument("--no-loop", action="store_true", help="only imagine and measure")
    ap.add_argument("--loop-episodes", type=int, default=16, help="imagined generations to train on")
    ap.add_argument("--turns", type=int, default=3, help="agent turns per imagined dialogue")
    ap.add_argument("--max-tokens", type=int, default=40, help="SmolLM2 tokens per utterance")
    ap.add_argument("--temperature", type=float, default=0.4, help="SmolLM2 sampling temperature (first tries)")
    ap.add_argument("--revisions", type=int, default=3, help="regenerations of an utterance the critic flags")
    ap.add_argument("--steps", type=int, default=300, help="optimizer steps per learner")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--eval-episodes", type=int, default=300, help="test-persona episodes per agent")
    ap.add_argument("--threads", type=int, default=None, help="torch threads for SmolLM2 ($DIALGYM_THREADS or 2)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="smoke run: 2 episodes x 2 turns, tiny training and eval")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--work", default="runs/imagination")
    ap.add_argument("--out", default=None, help="result file (default benchmarks/results/imagination.json)")
    args = ap.parse_args()
    if args.threads is None:
        args.threads = int(os.environ.get("DIALGYM_THREADS") or 2)
    if args.quick:
        args.episodes, args.loop_episodes, args.turns, args.max_tokens = 2, 4, 2, 24
        args.steps, args.batch_size, args.eval_episodes = 10, 4, 10
    tasks = args.task or list(TASKS)
    loop_tasks = [] if args.no_loop else (args.loop_task or ["Persuasion-v0"])
    work = Path(args.work) / ("quick" if args.quick else "full")
    t0 = time.perf_counter()
    results: dict[str, Any] = {"imagine": {}, "loop": {}}
    state_file = work / "state.json"  # finished stages' measurements: a resumed run reports them, not a 0 s rerun
    state = json.loads(state_file.read_text()) if state_file.exists() else {}

    def stage(key: str, fn: Any) -> dict[str, Any]:
        if key not in state:
            result = fn()
            # re-read first: runs for other tasks may share the work folder
            state.update(json.loads(state_file.read_text()) if state_file.exists() else {})
            state[key] = result
            state_file.parent.mkdir(parents=True, exist_ok=True)
            state_file.write_text(json.dumps(state, indent=1))
        return state[key]

    for env_id in tasks:
        print(f"[{env_id}] imagining {args.episodes} dialogues with SmolLM2-135M (load {load()})", flush=True)
        results["imagine"][env_id] = r = stage(
            f"imagine/{env_id}/{args.episodes}", lambda e=env_id: imagine_task(e, args.episodes, args, work)
        )
        print(f"[{env_id}] {r['written']}/{r['new']} usable, {r['seconds_per_episode']} s/episode, dropped "
              f"{r['dropped_by_reason']}", flush=True)  # fmt: skip
    for env_id in loop_tasks:
        if args.loop_episodes > args.episodes:
            print(f"[{env_id}] imagining up to {args.loop_episodes} dialogues for training", flush=True)
            results["imagine"][env_id]["loop_extension"] = stage(
                f"imagine/{env_id}/{args.loop_episodes}",
                lambda e=env_id: imagine_task(e, args.loop_episodes, args, work),
            )
        print(f"[{env_id}] training BC, filtered BC, ILQL on imagined and on collected data; evaluating", flush=True)
        results["loop"][env_id] = close_loop(env_id, args, work)  # resumes by itself (checkpoints, eval files)
    config = {k: v for k, v in vars(args).items() if k not in ("out", "work", "no_progress")}
    out = args.out if args.out or not args.quick else str(work / "result.json")
    _keep_earlier(results, Path(out) if out else Path(__file__).resolve().parent / "results" / "imagination.json")
    payload = {"config": config, "results": results, "seconds": round(time.perf_counter() - t0, 1)}
    path = write_result("imagination", payload, out)
    head = ("task", "usable", "s/episode", "cpu s/ep", "load", "r(target, replay)")
    print("\n{:16s} {:>8s} {:>10s} {:>9s} {:>6s}  {:>18s}  dropped".format(*head))
    for env_id, r in results["imagine"].items():
        agree = str(r["label_agreement_pearson"])
        print(f"{env_id:16s} {r['written']:>3d}/{r['new']:<4d} {r['seconds_per_episode'] or 0:>10.1f} "
              f"{r['cpu_seconds_per_episode'] or 0:>9.1f} {r['load_after'][0]:>6.1f}  {agree:>18s}  "
              f"{r['dropped_by_reason']}")  # fmt: skip
    for env_id, r in results["loop"].items():
        print(f"\n{env_id}: trained on {r['training_episodes']} episodes each; test personas, normalised (95% CI)")
        for key, row in r["test"].items():
            ci = row["normalized_ci95"] or [float("nan")] * 2
            print(f"  {key:20s} {row['normalized']:7.1f} [{ci[0]:6.1f}, {ci[1]:6.1f}]  mean {row['mean']:.3f}")
        for key, d in r["paired"].items():
            print(f"  {key:32s} {d['mean']:+.3f} [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]")
    print(f"wrote {path} ({payload['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
