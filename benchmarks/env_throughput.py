"""Scripted-env throughput, and whether a step gets dearer as the dialogue grows.

    python benchmarks/env_throughput.py [--episodes 300] [--fresh 2000] [--seed 0]

For every task:

* ``steps_per_s``: env steps per second (only ``env.step`` is timed, not the agent),
  over episodes of the random, behavior, adaptive and oracle agents.
* ``fresh_text.steps_per_s``: env steps per second when every utterance is text the
  recognisers have not seen (their memo never hits: an LLM agent's case), ``--fresh`` of them;
* ``step_cost_by_turn``: median step time per agent turn, with ``max_turns=40``;
  ``late_over_early`` is the median at turn 30 over the median at turn 3. Users end
  conversations (decisions, patience), so turn 30 may be reached rarely; the ratio
  is then taken at the latest turn with at least ``--min-samples`` samples and the
  turn used is recorded.

And, independent of any task's user: ``env_overhead`` times ``DialogueEnv`` itself
(history, observation, info, normalisation) with a constant-time user over 40 turns,
so turn 30 versus turn 3 isolates the base class's per-turn work.

Writes ``benchmarks/results/env_throughput.json``. Compare ratios, not absolute times
(shared machines are noisy).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict

import gymnasium as gym
import numpy as np

import dialgym
from dialgym.agents import make_agent
from dialgym.core import DialogueEnv, Outcome, UserSimulator, UserTurn
from dialgym.core.env import MAX_ACTION_CHARS
from dialgym.seeding import episode_seed

try:
    from benchmarks._common import write_result
except ImportError:  # pragma: no cover - run as a script
    from _common import write_result  # type: ignore[no-redef]

AGENTS = ("random", "behavior", "adaptive", "oracle")


class _ConstantUser(UserSimulator):
    def reset(self, persona, rng):
        return "Hello, I have a question about my trip."

    def respond(self, agent_text):
        return UserTurn(text="I see. Tell me more about that, please.", acts=["x"], done=False)

    def outcome(self, truncated):
        return Outcome(reward=0.0, success=False)


class _OverheadEnv(DialogueEnv):
    task_id = "overhead"
    description = "Measure the base class."
    default_max_turns = 40

    def sample_persona(self, split, rng):
        return {"type": "constant_user"}

    def make_scripted_user(self):
        return _ConstantUser()


def env_overhead(episodes: int, turns: int = 40) -> dict:
    env = _OverheadEnv(max_turns=turns)
    by_turn: dict[int, list[float]] = defaultdict(list)
    utterance = "That sounds lovely. Could you tell me a little more about what you enjoy doing?"
    for ep in range(episodes):
        env.reset(seed=ep)
        for t in range(1, turns + 1):
            t0 = time.perf_counter()
            env.step(utterance)
            by_turn[t].append(time.perf_counter() - t0)
    med = {t: statistics.median(v) for t, v in sorted(by_turn.items())}
    return {"median_step_s_by_turn": med, "late_over_early": med[30] / med[3]}


def task_costs(env_id: str, episodes: int, seed: int, min_samples: int) -> dict:
    by_turn: dict[int, list[float]] = defaultdict(list)
    steps, step_time = 0, 0.0
    for spec in AGENTS:
        agent = make_agent(spec, env_id, seed=seed)
        env = gym.make(env_id, max_turns=40, privileged=agent.requires_privileged).unwrapped
        for i in range(episodes):
            obs, info = env.reset(seed=episode_seed(seed, i))
            agent.reset(seed=episode_seed(seed, i, 1))
            while True:
                action = agent.act(obs, info)
                t0 = time.perf_counter()
                obs, _, term, trunc, info = env.step(action)
                dt = time.perf_counter() - t0
                steps += 1
                step_time += dt
                by_turn[info["turn"]].append(dt)
                if term or trunc:
                    break
    med = {t: statistics.median(v) for t, v in sorted(by_turn.items())}
    counts = {t: len(v) for t, v in sorted(by_turn.items())}
    reached = [t for t, n in counts.items() if n >= min_samples]
    late = 30 if 30 in reached else max(reached)
    return {
        "steps": steps,
        "steps_per_s": steps / step_time,
        "median_step_s_by_turn": med,
        "samples_by_turn": counts,
        "late_turn": late,
        "late_over_early": med[late] / med[3],
    }


#: openers that make otherwise repeated phrasings into texts the recognisers have not seen
_OPENERS = ("Okay.", "I see.", "Right, thanks.", "Sure thing!", "Got it.", "Hmm, interesting.", "Well,", "So,")


def fresh_text_costs(env_id: str, n: int, seed: int) -> dict:
    """Steps/s when every utterance is new text (an LLM agent's case: the recognisers' memo never hits).

    Utterances join an opener and two phrasings of random repertoire acts; only distinct texts are
    played, each as a turn of an ongoing episode (a new episode every 8 turns).
    """
    task = dialgym.get_task(env_id)
    rng = np.random.default_rng(seed)
    env = gym.make(env_id, max_turns=40).unwrapped
    seen: set[str] = set()
    texts: list[str] = []
    _, info = env.reset(seed=seed)
    while len(texts) < n and len(seen) < 50 * n:
        acts = [task.act_repertoire[int(i)] for i in rng.integers(len(task.act_repertoire), size=2)]
        text = " ".join(
            [_OPENERS[int(rng.integers(len(_OPENERS)))], *(task.phrase(a, rng, info["messages"]) for a in acts)]
        )
        if text not in seen:
            seen.add(text)
            texts.append(text)
    step_time, steps = 0.0, 0
    for i, text in enumerate(texts):
        if i % 8 == 0:
            env.reset(seed=seed + i)
        t0 = time.perf_counter()
        _, _, term, trunc, _ = env.step(text[:MAX_ACTION_CHARS])
        step_time += time.perf_counter() - t0
        steps += 1
        if term or trunc:
            env.reset(seed=seed + i + 1)
    return {"steps": steps, "steps_per_s": steps / step_time}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--episodes", type=int, default=300, help="episodes per agent per task")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-samples", type=int, default=20)
    ap.add_argument("--fresh", type=int, default=2000, help="new-text utterances per task (no memo hits)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    overhead = env_overhead(max(50, args.episodes // 3))
    print(f"DialogueEnv overhead: step at turn 30 / turn 3 = {overhead['late_over_early']:.2f}")
    tasks = {}
    for env_id in dialgym.env_ids():
        r = task_costs(env_id, args.episodes, args.seed, args.min_samples)
        r["fresh_text"] = fresh_text_costs(env_id, args.fresh, args.seed)
        tasks[env_id] = r
        print(
            f"{env_id:16s} {r['steps_per_s']:8.0f} steps/s ({r['fresh_text']['steps_per_s']:6.0f} on new text)   "
            f"step at turn {r['late_turn']} / turn 3 = "
            f"{r['late_over_early']:.2f}   ({r['samples_by_turn'].get(r['late_turn'])} samples)"
        )
    path = write_result("env_throughput", {"config": vars(args), "env_overhead": overhead, "tasks": tasks}, args.out)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
