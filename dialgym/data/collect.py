"""Collect episodes of an agent in an env into a JSONL file: resumable, crash-safe, parallel.

Episode ``i`` of a run seeded ``S`` always uses env seed ``episode_seed(S, i)`` and
agent seed ``episode_seed(S, i, 1)``, and its id is ``<task>-<run key>-<i>``. So a
run that was killed and started again skips the indices already in the file and
ends with exactly the episodes an uninterrupted run would have written.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym

from dialgym.data.episode import Episode
from dialgym.data.io import EpisodeWriter, check_or_write_meta, iter_episodes, repair_partial_line
from dialgym.evaluation.harness import episode_seed
from dialgym.rollout import play_episode
from dialgym.tasks import get_task
from dialgym.utils.progress import progress_bar


@dataclass
class CollectSummary:
    path: str
    requested: int
    already_there: int
    written: int
    seconds: float
    mean_reward: float | None
    success_rate: float | None

    @property
    def episodes_per_s(self) -> float:
        return self.written / self.seconds if self.seconds > 0 else float("nan")

    def __str__(self) -> str:
        parts = [
            f"{self.path}: {self.already_there + self.written}/{self.requested} episodes",
            f"{self.written} new in {self.seconds:.1f}s ({self.episodes_per_s:.1f} episodes/s)",
        ]
        if self.mean_reward is not None:
            parts.append(f"new episodes: mean reward {self.mean_reward:.3f}, success {self.success_rate:.2f}")
        if self.already_there:
            parts.append(f"resumed: {self.already_there} were already in the file")
        return "; ".join(parts)


def run_key(config: dict[str, Any]) -> str:
    blob = json.dumps(config, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:10]


# -- worker side (module level so multiprocessing can pickle it) -----------------------
_WORKER: dict[str, Any] = {}


def _init_worker(env_id: str, agent_spec: str, env_kwargs: dict[str, Any]) -> None:
    import dialgym  # noqa: F401  (registers the envs in a spawned worker)
    from dialgym.agents import make_agent

    agent = make_agent(agent_spec, env_id)
    kwargs = dict(env_kwargs)
    if agent.requires_privileged:
        kwargs["privileged"] = True
    _WORKER.update(env=gym.make(env_id, **kwargs), agent=agent)


def _play(job: tuple[int, int, str, str, str, dict[str, Any]]) -> dict[str, Any]:
    index, seed, key, env_id, agent_spec, env_kwargs = job
    env, agent = _WORKER["env"], _WORKER["agent"]
    env_seed = episode_seed(seed, index)
    result = play_episode(env, agent, env_seed, episode_seed(seed, index, 1))
    return Episode(
        id=f"{env.unwrapped.task_id}-{key}-{index:07d}",
        task=env.unwrapped.task_id,
        env_id=env_id,
        seed=env_seed,
        persona=result.persona,
        messages=[dict(m) for m in result.messages],
        reward=result.reward,
        outcome=result.outcome,
        success=result.success,
        source="rollout",
        policy=agent_spec,
        agent_acts=result.agent_acts,
        terminated=result.terminated,
        env_kwargs=dict(env_kwargs),
    ).to_dict()


def collect(
    env_id: str,
    agent: str,
    episodes: int,
    seed: int,
    out: str | os.PathLike[str],
    workers: int = 1,
    env_kwargs: dict[str, Any] | None = None,
    progress: bool = True,
) -> CollectSummary:
    """Write ``episodes`` episodes of ``agent`` (a spec) in ``env_id`` to ``out`` (resuming)."""
    import dialgym  # noqa: F401

    get_task(env_id)  # fail early on a bad id
    if isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1:
        raise ValueError(f"episodes={episodes!r} must be a positive integer")
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers={workers!r} must be a positive integer")
    env_kwargs = dict(env_kwargs or {})
    # Fail on bad env kwargs or agent specs now, not in a worker.
    from dialgym.agents import make_agent

    make_agent(agent, env_id)
    gym.make(env_id, **env_kwargs).close()

    config = {"command": "collect", "env_id": env_id, "agent": agent, "seed": seed, "env_kwargs": env_kwargs}
    key = run_key(config)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    check_or_write_meta(path, config)
    repair_partial_line(path)
    done: set[int] = set()
    if path.exists():
        for ep in iter_episodes(path):
            done.add(int(ep.id.rsplit("-", 1)[1]))
    todo = [i for i in range(episodes) if i not in done]
    already = episodes - len(todo)

    t0 = time.perf_counter()
    rewards: list[float] = []
    successes: list[bool] = []
    jobs = [(i, seed, key, env_id, agent, env_kwargs) for i in todo]
    with EpisodeWriter(path) as writer:
        if workers == 1 or len(jobs) < 2:
            _init_worker(env_id, agent, env_kwargs)
            results: Any = map(_play, jobs)
            pool = None
        else:
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            pool = ctx.Pool(workers, initializer=_init_worker, initargs=(env_id, agent, env_kwargs))
            results = pool.imap(_play, jobs, chunksize=max(1, min(32, len(jobs) // (workers * 8) or 1)))
        try:
            iterator = progress_bar(results, total=len(jobs), desc=f"collect {env_id}") if progress else results
            for record in iterator:
                writer.write(record)
                rewards.append(record["reward"])
                successes.append(record["success"])
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
    seconds = time.perf_counter() - t0
    return CollectSummary(
        path=str(path),
        requested=episodes,
        already_there=already,
        written=len(rewards),
        seconds=seconds,
        mean_reward=(sum(rewards) / len(rewards)) if rewards else None,
        success_rate=(sum(successes) / len(successes)) if successes else None,
    )
