"""Why asking matters: the best open-loop script versus the ask-then-adapt agent.

    python examples/information_gathering.py [--env Persuasion-v0] [--episodes 200]

Every persona needs a different strategy, so an agent that asks before it acts
beats any script that says the same things to everyone. This prints the task's
hand-written best fixed scripts next to the adaptive agent and the oracle (a
thorough search over scripts is ``benchmarks/fixed_scripts.py``).
"""

from __future__ import annotations

import argparse

import dialgym
from dialgym.agents import ScriptAgent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default="Persuasion-v0")
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    task = dialgym.get_task(args.env)
    rows = []
    for name, script in task.fixed_scripts.items():
        agent = ScriptAgent(args.env, script)
        rows.append((f"script {name}", dialgym.evaluate(agent, args.env, episodes=args.episodes, seed=args.seed)))
    for spec in ("random", "adaptive", "oracle"):
        rows.append((spec, dialgym.evaluate(spec, args.env, episodes=args.episodes, seed=args.seed)))
    for name, res in rows:
        lo, hi = res.ci95
        print(f"{name:32s} {res.mean_return:6.3f}  95% CI [{lo:6.3f}, {hi:6.3f}]")


if __name__ == "__main__":
    main()
