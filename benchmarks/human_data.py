"""Offline RL on real people: BC, filtered BC and ILQL learned from PersuasionForGood, evaluated in simulation.

    python benchmarks/human_data.py [--data ../shared/realdata] [--steps 1500] [--eval-episodes 500]

The second seed paper's setting (Hong et al. 2024: offline RL on real human dialogues, with hindsight
regenerations), next to the same learners trained on simulated data:

1. **import** the PersuasionForGood dialogues in ``--data`` (``dialgym data import p4g``): real persuaders as
   the agent, reward = the persuadee's real donation clipped to [0, 2];
2. **hindsight**: ``--hindsight-factor`` regenerations of each (``dialgym hindsight``: the persona-blind
   ask-then-adapt controller rewrites one real persuader turn, the scripted user, playing the dialogue's
   simulator stand-in, answers from there on while the real persuader's later turns are replayed; the
   regeneration's reward is a *simulated* donation continuing a real prefix);
3. **simulated**: as many ``behavior`` episodes on the train personas as there are human dialogues;
4. **train** BC, filtered BC and ILQL on (a) ``human``, (b) ``human_hindsight``, (c) ``simulated``: the
   reproduction's tiny GPT-2 and settings (``benchmarks/reproduce.py``), ``--steps`` steps each;
5. **evaluate** the nine learners beside ``random``, ``behavior``, ``oracle`` and the real persuaders replayed
   open loop (``human-replay``) on Persuasion-v0's ``test`` and ``hard`` personas, every agent on the same
   episode seeds, so differences are paired.

Reports ILQL(human + hindsight) minus BC(human) with a paired bootstrap 95% CI (the paper's claim: positive),
and the other contrasts. Every stage resumes (run the same command again). Writes
``benchmarks/results/human_data.json`` and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import write_result  # noqa: E402
from reproduce import ReproduceConfig, _train_job  # noqa: E402

ENV_ID = "Persuasion-v0"
DATASETS = ("human", "human_hindsight", "simulated")
ALGOS = ("bc", "fbc", "ilql")
#: the headline pair first, so a run cut short still answers the question
ORDER = [("human", "bc"), ("human_hindsight", "ilql")] + [
    (d, a) for d in DATASETS for a in ALGOS if (d, a) not in (("human", "bc"), ("human_hindsight", "ilql"))
]
SPLITS = ("test", "hard")
#: turns the user heard as nothing but small talk or off-task chatter
FILLER = frozenset({"off_task", "rapport"})


def log(msg: str) -> None:
    print(f"[human_data {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def data_stage(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from dialgym.data.collect import collect
    from dialgym.data.hindsight import hindsight
    from dialgym.data.io import read_episodes
    from dialgym.data.p4g import import_p4g

    data = work / "data"
    human, aug, sim = data / "human.jsonl", data / "human-hindsight.jsonl", data / "simulated.jsonl"
    t0 = time.perf_counter()
    imp = import_p4g(args.data, human, skip_invalid=True, seed=args.seed)
    log(f"import: {imp}")
    hs = hindsight(human, aug, factor=args.hindsight_factor, seed=args.seed, progress=False)
    log(f"hindsight: {hs}")
    n = imp.dialogues
    col = collect(ENV_ID, "behavior", n, args.seed, sim, env_kwargs={"persona_split": "train"}, progress=False)
    log(f"simulated: {col}")
    humans = read_episodes(human)
    regens = [e for e in read_episodes(aug) if e.source == "hindsight"]
    turns = [a for e in humans for a in e.agent_acts]
    return {
        "paths": {"human": str(human), "human_hindsight": str(aug), "simulated": str(sim)},
        "episodes": {"human": len(humans), "human_hindsight": len(humans) + len(regens), "simulated": n},
        "human_mean_reward": float(np.mean([e.reward for e in humans])),
        "human_success": float(np.mean([e.success for e in humans])),
        "donations_clipped": imp.clipped,
        "skipped_invalid": imp.skipped_invalid,
        "regenerations": len(regens),
        "regenerations_dropped": hs.dropped,
        "regen_mean_reward": float(np.mean([e.reward for e in regens])) if regens else None,
        "regen_parents_mean_reward": hs.paired_parent_mean,
        "simulated_mean_reward": col.mean_reward
        if col.mean_reward is not None
        else float(np.mean([e.reward for e in read_episodes(sim)])),
        **replayed_on_stand_ins(humans),
        "human_turns_heard_as_filler_only": float(np.mean([bool(a) and set(a) <= FILLER for a in turns])),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def replayed_on_stand_ins(humans: list[Any]) -> dict[str, Any]:
    """The simulated donation of each *unchanged* real dialogue, replayed against its own stand-in.

    The baseline a regeneration's reward should be read against (both are simulated outcomes of the
    same stand-in), and how well the simulator's donation tracks the real one (Spearman).
    """
    import gymnasium as gym
    from realdata import spearman

    from dialgym.agents.replay import HumanReplayAgent
    from dialgym.data.episode import simulator_persona

    simulated = []
    for e in humans:
        env = gym.make(ENV_ID, **e.env_kwargs)
        turns = [m["content"] for m in e.messages if m["role"] == "assistant"]
        agent = HumanReplayAgent(ENV_ID, [turns])
        _, info = env.reset(seed=e.seed, options={"persona": simulator_persona(e.persona)})
        total = 0.0
        while True:
            _, r, term, trunc, info = env.step(agent.act("", info))
            total += float(r)
            if term or trunc:
                break
        simulated.append(total)
        env.close()
    return {
        "human_replayed_on_stand_ins_mean_reward": float(np.mean(simulated)),
        "spearman_stand_in_vs_real_donation": round(spearman(simulated, [e.reward for e in humans]), 4),
    }


def spec(work: Path, dataset: str, algo: str, beta: float) -> str:
    run = work / "runs" / dataset / algo
    return f"ilql:{run}?beta={beta:g}" if algo == "ilql" else f"{algo}:{run}"


def train_stage(
    cfg: ReproduceConfig, work: Path, paths: dict[str, str], learners: list[tuple[str, str]]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for dataset, algo in learners:
        t0 = time.perf_counter()
        s = _train_job(algo, paths[dataset], str(work / "runs" / dataset / algo), cfg.train_settings(algo))
        out[f"{algo}_{dataset}"] = {"trajectories": s["trajectories"], "final_losses": s["final_losses"]}
        log(f"trained {algo} on {dataset} ({s['trajectories']} trajectories) in {time.perf_counter() - t0:.0f}s")
    return out


def summarize(result: Any, ref: tuple[float, float]) -> dict[str, Any]:
    from dialgym.evaluation.stats import normalized_score

    lo, hi = result.ci95
    return {
        "mean": round(result.mean_return, 4),
        "ci95": [round(lo, 4), round(hi, 4)],
        "normalized": round(normalized_score(result.mean_return, *ref), 1),
        "normalized_ci95": [round(normalized_score(x, *ref), 1) for x in (lo, hi)],
        "success": round(float(np.mean(result.successes)), 4),
        "episodes": len(result.returns),
    }


def eval_stage(cfg: ReproduceConfig, work: Path, human_path: str, learners: list[tuple[str, str]]) -> dict[str, Any]:
    from dialgym.evaluation.leaderboard import paired_difference_ci, run_leaderboard

    specs = {k: k for k in ("random", "behavior", "oracle")}
    specs["human_replay"] = f"human-replay:{human_path}"
    beta = cfg.learner("ilql")["beta"]
    specs.update({f"{a}_{d}": spec(work, d, a, beta) for d, a in learners})
    t0 = time.perf_counter()
    entries = run_leaderboard([ENV_ID], list(specs.values()), cfg.eval_episodes, cfg.seed, splits=SPLITS,
                              out=work / "eval", progress=False, batch=cfg.eval_batch)  # fmt: skip
    log(f"evaluated {len(specs)} agents x {len(SPLITS)} splits x {cfg.eval_episodes} episodes "
        f"in {time.perf_counter() - t0:.0f}s")  # fmt: skip
    key_of = {v: k for k, v in specs.items()}
    by = {(e.split, key_of[e.agent]): e.result for e in entries}
    table: dict[str, Any] = {}
    contrasts: dict[str, Any] = {}
    pairs = {
        "ilql_human_hindsight_minus_bc_human": ("ilql_human_hindsight", "bc_human"),
        "ilql_human_minus_bc_human": ("ilql_human", "bc_human"),
        "ilql_human_hindsight_minus_ilql_human": ("ilql_human_hindsight", "ilql_human"),
        "ilql_human_hindsight_minus_human_replay": ("ilql_human_hindsight", "human_replay"),
        "ilql_simulated_minus_bc_simulated": ("ilql_simulated", "bc_simulated"),
        "bc_human_minus_bc_simulated": ("bc_human", "bc_simulated"),
        "ilql_human_hindsight_minus_ilql_simulated": ("ilql_human_hindsight", "ilql_simulated"),
    }
    for split in SPLITS:
        ref = (by[(split, "random")].mean_return, by[(split, "oracle")].mean_return)
        table[split] = {k: summarize(by[(split, k)], ref) for k in specs}
        contrasts[split] = {}
        for name, (a, b) in pairs.items():
            if a not in specs or b not in specs:
                continue
            ra, rb = by[(split, a)], by[(split, b)]
            lo, hi = paired_difference_ci(ra, rb, seed=cfg.seed)
            contrasts[split][name] = {
                "difference": round(ra.mean_return - rb.mean_return, 4),
                "ci95": [round(lo, 4), round(hi, 4)],
                "episodes": len(ra.returns),
            }
    return {"specs": specs, "table": table, "contrasts": contrasts}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(HERE.parent.parent / "shared" / "realdata"), help="P4G data (any layout)")
    ap.add_argument("--work", default="runs/human_data", help="data, runs and transcripts (resumable)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hindsight-factor", type=int, default=1)
    ap.add_argument("--steps", type=int, default=None, help="training steps per learner (default: reproduce's)")
    ap.add_argument("--batch-size", type=int, default=None, help="training batch (default: reproduce's)")
    ap.add_argument("--eval-episodes", type=int, default=None, help="per agent and split (default: reproduce's)")
    ap.add_argument("--out", default=None, help="result JSON (default benchmarks/results/human_data.json)")
    ap.add_argument(
        "--learners",
        default=None,
        help="ALGO:DATASET,... to train and evaluate (default: all nine; the headline pair bc:human and "
        "ilql:human_hindsight first). Not part of the settings: a later call adds learners to the same run",
    )
    args = ap.parse_args(argv)
    learners = ORDER
    if args.learners:
        learners = [tuple(reversed(x.strip().split(":", 1))) for x in args.learners.split(",") if x.strip()]
        unknown = [f"{a}:{d}" for d, a in learners if d not in DATASETS or a not in ALGOS]
        if unknown:
            ap.error(f"--learners {unknown}: expected ALGO:DATASET with ALGO in {ALGOS} and DATASET in {DATASETS}")
    train = {k: v for k, v in (("steps", args.steps), ("batch_size", args.batch_size)) if v is not None}
    evals = {} if args.eval_episodes is None else {"eval_episodes": args.eval_episodes}
    cfg = ReproduceConfig(tasks=[ENV_ID], seed=args.seed, train=train, **evals)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    settings = {**asdict(cfg), "data": str(Path(args.data).resolve()), "hindsight_factor": args.hindsight_factor}
    for k in ("jobs", "eval_batch", "agents", "prompt_episodes", "prompt_llm", "episodes", "train"):
        settings.pop(k, None)
    settings["learners"] = cfg.learners()  # the values trained with, defaults included
    saved = work / "settings.json"
    if saved.is_file() and json.loads(saved.read_text()) != json.loads(json.dumps(settings)):
        raise SystemExit(f"{work} holds a run with other settings ({saved}); use another --work folder")
    saved.write_text(json.dumps(settings, indent=2) + "\n")
    t0 = time.perf_counter()
    data = data_stage(args, work)
    training = train_stage(cfg, work, data["paths"], learners)  # type: ignore[arg-type]
    evaluation = eval_stage(cfg, work, data["paths"]["human"], learners)  # type: ignore[arg-type]
    payload = {"settings": settings, "data": data, "training": training, **evaluation,
               "seconds_this_invocation": round(time.perf_counter() - t0, 1)}  # fmt: skip
    path = write_result("human_data", payload, args.out)
    for split in SPLITS:
        print(f"\n{ENV_ID} {split} personas (normalised: 0 = random, 100 = oracle; mean donation [95% CI])")
        for k, r in evaluation["table"][split].items():
            print(f"  {k:24s} {r['normalized']:7.1f}  ${r['mean']:.3f} [{r['ci95'][0]:.3f}, {r['ci95'][1]:.3f}]")
        for name, c in evaluation["contrasts"][split].items():
            print(f"  {name:44s} {c['difference']:+.3f} [{c['ci95'][0]:+.3f}, {c['ci95'][1]:+.3f}] (paired)")
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
