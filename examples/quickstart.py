"""Play one episode of every task with the ask-then-adapt agent and print the transcripts.

    python examples/quickstart.py [--seed 0]

Shows the basic loop a user writes: gym.make, reset, step with the agent's
utterance until the episode ends, then read the outcome from ``info``. The hidden
persona is printed at the end (read with ``privileged=True``, which only the
logging here uses: the agent never sees it).
"""

from __future__ import annotations

import argparse

import gymnasium as gym

import dialgym
from dialgym.agents import make_agent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--agent", default="adaptive")
    args = parser.parse_args()
    for env_id in dialgym.env_ids():
        env = gym.make(env_id, privileged=True, render_mode="ansi")
        agent = make_agent(args.agent, env_id, seed=args.seed)
        obs, info = env.reset(seed=args.seed)
        info = {k: v for k, v in info.items() if k != "persona"} if not agent.requires_privileged else info
        total = 0.0
        while True:
            obs, reward, terminated, truncated, info = env.step(agent.act(obs, info))
            total += reward
            if terminated or truncated:
                break
        print("=" * 78)
        print(env.render())
        print(f"-- return {total:.2f}, outcome {info['outcome']}, success {info['success']}")
        print(f"-- hidden persona: {info['persona']}")


if __name__ == "__main__":
    main()
