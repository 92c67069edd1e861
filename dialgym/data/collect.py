"""Collect episodes of an agent in an env into a JSONL file: resumable, crash-safe, parallel.

Episode ``i`` of a run seeded ``S`` always uses env seed ``episode_seed(S, i)`` and
agent seed ``episode_seed(S, i, 1)`` (:mod:`dialgym.seeding`), and its id is
``<task>-<run key>-<i>``. So a run that was killed and started again skips the indices
already in the file and ends with exactly the episodes an uninterrupted run would have
written. The episodes are played by :func:`dialgym.runner.run_episodes` (workers,
lockstep batches); this module turns them into records and writes them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym

from dialgym.data.episode import Episode
from dialgym.data.io import EpisodeWriter, open_for_resume
from dialgym.registration import dialogue_env
from dialgym.runner import (
    EpisodeSpec,
    Rollout,
    agent_label,
    build_agent,
    check_parallelism,
    paired_episodes,
    run_episodes,
)
from dialgym.tasks import get_task


@dataclass
class CollectSummary:
    path: str
    requested: int
    already_there: int
    written: int
    seconds: float
    mean_reward: float | None
    success_rate: float | None
    #: new episodes whose simulated user failed for good (written with ``user_failure`` set)
    user_failures: int = 0
    #: whether mean_reward and success_rate count them (as recorded: reward 0, no success)
    include_user_failures: bool = False

    @property
    def user_failure_rate(self) -> float | None:
        """Share of the new episodes whose simulated user failed (None when nothing new was written)."""
        return self.user_failures / self.written if self.written else None

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
        if self.written:
            how = "counted as reward 0" if self.include_user_failures else "left out of the mean"
            parts.append(
                f"user failures: {self.user_failures} ({100 * (self.user_failure_rate or 0.0):.1f}%"
                + (f", written with user_failure set, {how})" if self.user_failures else ")")
            )
        if self.already_there:
            parts.append(f"resumed: {self.already_there} were already in the file")
        return "; ".join(parts)


def run_key(config: dict[str, Any]) -> str:
    blob = json.dumps(config, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:10]


__all__ = ["CollectSummary", "agent_label", "collect", "run_key"]  # agent_label: its home is dialgym.runner


def _record(
    spec: EpisodeSpec, key: str, env_id: str, task_id: str, label: str, env_kwargs: dict[str, Any], result: Rollout
) -> dict[str, Any]:
    """The episode record of a rollout (an :class:`Episode` as a dict)."""
    return Episode(
        id=f"{task_id}-{key}-{spec.index:07d}",
        task=task_id,
        env_id=env_id,
        seed=spec.seed,
        persona=result.persona,
        messages=[{"role": m["role"], "content": m["content"]} for m in result.messages],
        reward=result.reward,
        outcome=result.outcome,
        success=result.success,
        source="rollout",
        policy=label,
        agent_acts=result.agent_acts,
        terminated=result.terminated,
        env_kwargs=dict(env_kwargs),
        user_failure=result.user_failure,
    ).to_dict()


def collect(
    env_id: str,
    agent: Any,
    episodes: int,
    seed: int,
    out: str | os.PathLike[str],
    workers: int = 1,
    env_kwargs: dict[str, Any] | None = None,
    progress: bool = True,
    batch: int = 1,
    llm: dict[str, Any] | None = None,
    desc: str | None = None,
    include_user_failures: bool = False,
) -> CollectSummary:
    """Write ``episodes`` episodes of ``agent`` in ``env_id`` to ``out`` (resuming).

    ``agent`` is a spec string (built-in or your own ``module:Class`` / ``file.py:Class``)
    or an agent object (any object with ``act(observation, info) -> str``; recorded under
    its ``spec`` attribute or class name). ``workers`` parallel processes suit scripted
    users (an object is handed to them as it is: fine where processes fork, and it must
    pickle where they spawn; a spec string is rebuilt in each); ``batch`` episodes played
    in lockstep in one process suit LLM users and LLM agents (one batch of model calls per
    turn; an object gets one deep copy per slot). ``llm`` is the config of LLM-based agents
    (``prompt...``). ``desc`` labels the progress bar.

    An episode whose simulated user (an LLM user or its judge) failed for good is written
    all the same, with ``user_failure`` set (reward 0, no outcome): the file then holds
    every requested index and a resumed run does not pay for it again, and readers
    (:func:`dialgym.data.io.iter_episodes`: trainers, exports, hindsight) skip it unless
    asked, so no learner takes its 0 for an outcome. The summary counts such episodes and
    leaves them out of its mean and success rate unless ``include_user_failures``.
    """
    import dialgym  # noqa: F401

    get_task(env_id)  # fail early on a bad id
    if isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1:
        raise ValueError(f"episodes={episodes!r} must be a positive integer")
    check_parallelism(batch, workers)
    env_kwargs = dict(env_kwargs or {})
    # Fail on bad env kwargs or agent specs now, not in a worker.
    build_agent(agent, env_id, llm=llm)
    probe = gym.make(env_id, **env_kwargs)
    task_id = dialogue_env(probe).task_id
    probe.close()
    label = agent_label(agent)

    config = {"command": "collect", "env_id": env_id, "agent": label, "seed": seed, "env_kwargs": env_kwargs}
    if llm:
        config["agent_llm"] = llm
    key = run_key(config)
    path = Path(out)
    done = {int(episode_id.rsplit("-", 1)[1]) for episode_id in open_for_resume(path, config, "collect")}
    todo = [i for i in range(episodes) if i not in done]
    already = episodes - len(todo)

    t0 = time.perf_counter()
    rewards: list[float] = []
    successes: list[bool] = []
    failed = 0
    written = 0
    played = run_episodes(
        env_id,
        agent,
        paired_episodes(seed, todo),
        env_kwargs=env_kwargs,
        batch=batch,
        workers=workers,
        llm=llm,
        progress=progress,
        desc=desc or f"collect {label} on {env_id}",
    )
    with EpisodeWriter(path) as writer:
        try:
            for spec, rollout in played:
                # written as soon as it ends: a kill loses only the episodes still in play
                record = _record(spec, key, env_id, task_id, label, env_kwargs, rollout)
                writer.write(record)
                written += 1
                if record.get("user_failure") is not None:
                    failed += 1
                    if not include_user_failures:
                        continue
                rewards.append(record["reward"])
                successes.append(record["success"])
        finally:
            close = getattr(played, "close", None)
            if close is not None:  # stops the workers of a run cut short (an error, a kill)
                close()
    seconds = time.perf_counter() - t0
    return CollectSummary(
        path=str(path),
        requested=episodes,
        already_there=already,
        written=written,
        seconds=seconds,
        mean_reward=(sum(rewards) / len(rewards)) if rewards else None,
        success_rate=(sum(successes) / len(successes)) if successes else None,
        user_failures=failed,
        include_user_failures=include_user_failures,
    )
