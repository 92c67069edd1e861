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
from dialgym.data.io import EpisodeWriter, open_for_resume
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


# -- worker side (module level so multiprocessing can pickle it) -----------------------
_WORKER: dict[str, Any] = {}


def agent_label(agent: Any) -> str:
    """The name an agent gets in records and tables: its spec string, else its ``spec`` attribute or class name."""
    if isinstance(agent, str):
        return agent
    return str(getattr(agent, "spec", None) or type(agent).__name__)


def _build_agent(agent: Any, env_id: str, llm: dict[str, Any] | None, copy_object: bool = False) -> Any:
    from dialgym.agents import as_agent, make_agent

    if isinstance(agent, str):
        return make_agent(agent, env_id, llm=llm)
    if copy_object:  # one independent copy per lockstep slot, as a spec would build one per slot
        import copy

        agent = copy.deepcopy(agent)
    return as_agent(agent, env_id)


def _init_worker(
    env_id: str,
    agent_spec: Any,
    env_kwargs: dict[str, Any],
    llm: dict[str, Any] | None = None,
    threads: int | None = None,
) -> None:
    import dialgym  # noqa: F401  (registers the envs in a spawned worker)

    if threads is not None:  # worker processes share the cores: torch agents get their share, not one per core
        from dialgym.utils.threads import ENV_VAR

        os.environ.setdefault(ENV_VAR, str(threads))

    agent = _build_agent(agent_spec, env_id, llm)
    kwargs = dict(env_kwargs)
    if agent.requires_privileged:
        kwargs["privileged"] = True
    _WORKER.update(env=gym.make(env_id, **kwargs), agent=agent)


def _play(job: tuple[int, int, str, str, str, dict[str, Any]]) -> dict[str, Any]:
    index, seed, key, env_id, label, env_kwargs = job
    env, agent = _WORKER["env"], _WORKER["agent"]
    env_seed = episode_seed(seed, index)
    result = play_episode(env, agent, env_seed, episode_seed(seed, index, 1))
    return _record(index, key, env_id, label, env_kwargs, env_seed, env, result)


def _record(
    index: int, key: str, env_id: str, agent_spec: str, env_kwargs: dict[str, Any], env_seed: int, env: Any, result: Any
) -> dict[str, Any]:
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
        user_failure=result.user_failure,
    ).to_dict()


def _play_batched(
    todo: list[int],
    seed: int,
    key: str,
    env_id: str,
    agent_spec: Any,
    env_kwargs: dict[str, Any],
    batch: int,
    llm: dict[str, Any] | None,
) -> Any:
    """Play episodes ``batch`` at a time in lockstep; yield each record when its episode ends.

    Each slot has its own env and agent (reset per episode with the episode's
    seeds, exactly as in sequential collection). Agents that implement a batched
    ``act_batch`` (LLM agents) answer all slots in one call; the envs' user model
    calls of each round go out as one batch (:func:`dialgym.core.calls.drive_batch`).
    """
    from dialgym.core.agent import is_batched
    from dialgym.core.calls import drive_batch
    from dialgym.rollout import Rollout

    label = agent_label(agent_spec)
    agents = [_build_agent(agent_spec, env_id, llm, copy_object=i > 0) for i in range(min(batch, len(todo)))]
    kwargs = dict(env_kwargs)
    if agents and agents[0].requires_privileged:
        kwargs["privileged"] = True
    envs = [gym.make(env_id, **kwargs).unwrapped for _ in agents]
    batched_agent = is_batched(agents[0]) if agents else False
    queue = list(todo)
    slots: list[dict[str, Any] | None] = [None] * len(envs)

    def start(slot: int) -> Any:
        index = queue.pop(0)
        env_seed = episode_seed(seed, index)
        agents[slot].reset(seed=episode_seed(seed, index, 1))
        slots[slot] = {"index": index, "seed": env_seed, "acts": [], "reward": 0.0}
        return envs[slot].reset_steps(seed=env_seed)

    def finish(s: int, info: dict[str, Any], terminated: bool, truncated: bool) -> dict[str, Any]:
        slot = slots[s]
        assert slot is not None
        rollout = Rollout(
            messages=info["messages"],
            agent_acts=slot["acts"],
            reward=slot["reward"],
            terminated=terminated,
            truncated=truncated,
            info=info,
            persona=envs[s].persona,
        )
        return _record(slot["index"], key, env_id, label, env_kwargs, slot["seed"], envs[s], rollout)

    gens = {s: start(s) for s in range(len(envs)) if queue}
    state: dict[int, Any] = dict(zip(gens, drive_batch(list(gens.values())), strict=True))
    while state:
        # an episode whose user failed at reset ends there, before its agent is asked (as in play_episode)
        restart: dict[int, Any] = {}
        for s in [s for s in sorted(state) if state[s][-1].get("user_failure")]:
            _, info = state.pop(s)
            yield finish(s, info, terminated=False, truncated=True)
            if queue:
                restart[s] = start(s)
        if restart:
            state.update(zip(restart, drive_batch(list(restart.values())), strict=True))
            continue
        if not state:
            break
        active = sorted(state)
        obs = [state[s][0] for s in active]
        infos = [state[s][-1] for s in active]
        if batched_agent:
            actions = agents[0].act_batch(obs, infos)
        else:
            actions = [agents[s].act(o, i) for s, o, i in zip(active, obs, infos, strict=True)]
        results = drive_batch([envs[s].step_steps(a) for s, a in zip(active, actions, strict=True)])
        state = {}
        restart = {}
        for s, (o, r, term, trunc, info) in zip(active, results, strict=True):
            slot = slots[s]
            assert slot is not None
            slot["acts"].append(list(info["agent_acts"]))
            slot["reward"] += float(r)
            if term or trunc:
                # written as soon as it ends: a kill loses only the episodes still in play
                yield finish(s, info, bool(term), bool(trunc))
                if queue:
                    restart[s] = start(s)
            else:
                state[s] = (o, r, term, trunc, info)
        if restart:
            state.update(zip(restart, drive_batch(list(restart.values())), strict=True))


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
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers={workers!r} must be a positive integer")
    env_kwargs = dict(env_kwargs or {})
    # Fail on bad env kwargs or agent specs now, not in a worker.
    if not isinstance(batch, int) or batch < 1:
        raise ValueError(f"batch={batch!r} must be a positive integer")
    if batch > 1 and workers > 1:
        raise ValueError("use either workers (processes, scripted users) or batch (LLM calls), not both")
    _build_agent(agent, env_id, llm)
    gym.make(env_id, **env_kwargs).close()
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
    jobs = [(i, seed, key, env_id, label, env_kwargs) for i in todo]
    with EpisodeWriter(path) as writer:
        pool = None
        if batch > 1:
            results: Any = _play_batched(todo, seed, key, env_id, agent, env_kwargs, batch, llm)
        elif workers == 1 or len(jobs) < 2:
            _init_worker(env_id, agent, env_kwargs, llm)
            results = map(_play, jobs)
        else:
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            from dialgym.utils.threads import choose_threads

            share = max(1, choose_threads() // workers)
            pool = ctx.Pool(workers, initializer=_init_worker, initargs=(env_id, agent, env_kwargs, llm, share))
            results = pool.imap(_play, jobs, chunksize=max(1, min(32, len(jobs) // (workers * 8) or 1)))
        try:
            iterator = (
                progress_bar(results, total=len(jobs), desc=desc or f"collect {label} on {env_id}")
                if progress
                else results
            )
            for record in iterator:
                writer.write(record)
                written += 1
                if record.get("user_failure") is not None:
                    failed += 1
                    if not include_user_failures:
                        continue
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
        written=written,
        seconds=seconds,
        mean_reward=(sum(rewards) / len(rewards)) if rewards else None,
        success_rate=(sum(successes) / len(successes)) if successes else None,
        user_failures=failed,
        include_user_failures=include_user_failures,
    )
