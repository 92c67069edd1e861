"""The one episode loop: play episodes of an agent in an env, one at a time or many in lockstep.

Everything that plays whole episodes goes through :func:`run_episodes` (or its one-episode form
:func:`dialgym.rollout.play_episode`): :func:`dialgym.evaluation.evaluate`, :func:`dialgym.data.collect.collect`
(and so leaderboards and ``dialgym eval``), and ``dialgym play`` (a person typing is one more agent).
:class:`dialgym.vector.DialogueVectorEnv` has no episode loop of its own (the caller writes it,
Gymnasium-style); it shares this module's batched step, :func:`step_envs`.

How an episode is played (the rules every caller gets):

* Episode ``i`` of a run seeded ``S`` resets the env with ``episode_seed(S, i)`` and the agent with
  ``episode_seed(S, i, 1)`` (:func:`paired_episodes`; any other seeds via :class:`EpisodeSpec`).
* ``batch`` episodes play in lockstep, each in its own env with its own agent: an agent with
  ``act_batch`` (LLM agents) answers every slot in one call, and the model calls the LLM users of
  a round need go out as one batch (:func:`dialgym.core.calls.drive_batch`). With ``batch=1`` it is
  the plain sequential loop, with the same results: each slot's episode depends only on its seeds.
* ``workers`` processes suit scripted users; each runs this same loop over episodes it takes from a
  shared queue, and the results come back in the order asked.
* An episode whose simulated user failed for good (``info["user_failure"]``) ends there, reward as
  the env paid it (0 when it failed at reset, before the agent was asked anything); the rollout
  carries the reason (:attr:`Rollout.user_failure`). An error raised by the agent is not caught.
"""

from __future__ import annotations

import copy
import os
import queue as queue_module
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import gymnasium as gym

from dialgym.core.agent import Agent, as_agent, is_batched
from dialgym.core.calls import Steps, drive_batch
from dialgym.core.env import DialogueEnv
from dialgym.core.types import Message
from dialgym.seeding import episode_seeds


@dataclass
class Rollout:
    """Everything one episode produced.

    Attributes:
        messages: the final history (``info["messages"]`` at the last step).
        agent_acts: per agent turn, the strategies the user recognised.
        reward: the episode return (sum of step rewards).
        info: the last step's info (``outcome``, ``success``, ``persona`` if privileged,
            ``user_failure`` if the simulated user failed).
        persona: the latent persona (read from the unwrapped env, for records).
    """

    messages: list[Message]
    agent_acts: list[list[str]]
    reward: float
    terminated: bool
    truncated: bool
    info: dict[str, Any]
    persona: dict[str, Any] = field(default_factory=dict)

    @property
    def turns(self) -> int:
        return len(self.agent_acts)

    @property
    def outcome(self) -> dict[str, Any]:
        return dict(self.info.get("outcome", {}))

    @property
    def success(self) -> bool:
        return bool(self.info.get("success", False))

    @property
    def user_failure(self) -> str | None:
        """Why the simulated user failed for good (the episode is then not the agent's to score), else None."""
        return self.info.get("user_failure")


@dataclass(frozen=True)
class EpisodeSpec:
    """One episode to play: its index in the run, the env's and the agent's seeds, ``reset`` options."""

    index: int
    seed: int | None
    agent_seed: int | None
    options: dict[str, Any] | None = None


def paired_episodes(seed: int, indices: Iterable[int]) -> list[EpisodeSpec]:
    """Episodes ``indices`` of a run seeded ``seed`` (:func:`dialgym.seeding.episode_seeds`): every agent run
    with the same ``seed`` meets the same personas, and a resumed run replays the missing indices exactly."""
    return [EpisodeSpec(i, *episode_seeds(seed, i)) for i in indices]


# --------------------------------------------------------------------------- the batched step
@dataclass(frozen=True)
class Reset:
    """In :func:`step_envs`, the move that resets an env (``seed``, ``options``) instead of stepping it."""

    seed: int | None = None
    options: dict[str, Any] | None = None


def _called(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Steps[Any]:
    """A generator that makes no model call: ``fn(...)``'s result as its return value (for non-dialgym envs)."""
    return fn(*args, **kwargs)
    yield  # pragma: no cover  (makes this a generator)


def _move(env: gym.Env, move: str | Reset) -> Steps[Any]:
    """The generator form of ``env.reset``/``env.step``: a dialgym env yields its users' model calls; any other
    env (a wrapped one included) is called plainly, its model calls (if any) made inside one by one."""
    if isinstance(env, DialogueEnv):
        if isinstance(move, Reset):
            return env.reset_steps(seed=move.seed, options=move.options)
        return env.step_steps(move)
    if isinstance(move, Reset):
        return _called(env.reset, seed=move.seed, options=move.options)
    return _called(env.step, move)


def step_envs(envs: Sequence[gym.Env], moves: Sequence[str | Reset]) -> list[Any]:
    """Step (a ``str`` action) or reset (a :class:`Reset`) every env at once; return each one's result.

    The one batched step of dialgym: the model calls that LLM users need in it go out as one batch per
    round (:func:`dialgym.core.calls.drive_batch`). The episode loop (:func:`run_episodes`) and the vector
    env both step through it.
    """
    if len(envs) != len(moves):
        raise ValueError(f"got {len(moves)} moves for {len(envs)} envs; expected one per env")
    return drive_batch([_move(env, move) for env, move in zip(envs, moves, strict=True)])


# --------------------------------------------------------------------------- the episode loop
def _episode_rollout(env: gym.Env, info: dict[str, Any], acts: list[list[str]], reward: float, flags: Any) -> Rollout:
    terminated, truncated = flags
    return Rollout(
        messages=info["messages"],
        agent_acts=acts,
        reward=reward,
        terminated=bool(terminated),
        truncated=bool(truncated),
        info=info,
        # gym.Env declares no persona: a DialogueEnv keeps one, and so may any other env played here
        persona=cast(Any, env.unwrapped).persona,
    )


def play_lockstep(
    envs: Sequence[gym.Env],
    agents: Sequence[Agent],
    episodes: Iterable[EpisodeSpec],
    on_step: Callable[[int, tuple[Any, ...]], None] | None = None,
) -> Iterator[tuple[EpisodeSpec, Rollout]]:
    """Play ``episodes`` in ``len(envs)`` slots (slot ``s``: ``envs[s]`` with ``agents[s]``); yield each episode
    as it ends (``(spec, rollout)``), a freed slot taking the next episode.

    ``episodes`` is consumed lazily, one spec per free slot (a worker feeds it from a queue). If ``agents[0]``
    answers in batches (``act_batch``), it answers every active slot; the other slots' agents are still reset
    with their episode's seed. ``on_step(slot, result)`` sees every step's result (``dialgym play`` echoes it).
    """
    if not envs or len(envs) != len(agents):
        raise ValueError(f"got {len(envs)} envs and {len(agents)} agents; expected one agent per env, at least one")
    batched = len(envs) > 1 and is_batched(agents[0])
    todo = iter(episodes)
    slots: dict[int, dict[str, Any]] = {}

    def start(free: Sequence[int]) -> dict[int, Any]:
        """Reset free slots with the next episodes; return ``{slot: (obs, info)}`` of those started."""
        moves: dict[int, Reset] = {}
        for s in free:
            spec = next(todo, None)
            if spec is None:
                break
            slots[s] = {"spec": spec, "acts": [], "reward": 0.0}
            moves[s] = Reset(spec.seed, spec.options)
        started = dict(zip(moves, step_envs([envs[s] for s in moves], list(moves.values())), strict=True))
        for s in started:  # the env first, then its agent: the order a single episode always had
            agents[s].reset(seed=slots[s]["spec"].agent_seed)
        return started

    def finish(s: int, info: dict[str, Any], flags: Any) -> tuple[EpisodeSpec, Rollout]:
        slot = slots.pop(s)
        return slot["spec"], _episode_rollout(envs[s], info, slot["acts"], slot["reward"], flags)

    state = start(range(len(envs)))
    while state:
        # an episode whose user failed at reset ends there, before its agent is asked anything
        failed = [s for s in sorted(state) if state[s][-1].get("user_failure")]
        for s in failed:
            _, info = state.pop(s)
            yield finish(s, info, (False, True))
        if failed:
            state.update(start(failed))
            continue
        active = sorted(state)
        obs = [state[s][0] for s in active]
        infos = [state[s][-1] for s in active]
        if batched:
            actions = agents[0].act_batch(obs, infos)
        else:
            actions = [agents[s].act(o, i) for s, o, i in zip(active, obs, infos, strict=True)]
        results = step_envs([envs[s] for s in active], actions)
        state = {}
        ended: list[int] = []
        for s, result in zip(active, results, strict=True):
            _, reward, terminated, truncated, info = result
            if on_step is not None:
                on_step(s, result)
            slot = slots[s]
            slot["acts"].append(list(info["agent_acts"]))
            slot["reward"] += float(reward)
            if terminated or truncated:
                # handed out as soon as it ends: a writer loses only the episodes still in play on a kill
                yield finish(s, info, (terminated, truncated))
                ended.append(s)
            else:
                state[s] = result
        if ended:
            state.update(start(ended))


# --------------------------------------------------------------------------- building envs and agents
def agent_label(agent: Any) -> str:
    """The name an agent gets in records and tables: its spec string, else its ``spec`` attribute or class name."""
    if isinstance(agent, str):
        return agent
    return str(getattr(agent, "spec", None) or type(agent).__name__)


def build_agent(agent: Any, env_id: str, *, llm: dict[str, Any] | None = None, seed: int | None = None) -> Agent:
    """An :class:`Agent` from a spec string (built with ``llm`` and ``seed``) or any object with ``act``."""
    if isinstance(agent, str):
        from dialgym.agents import make_agent

        return make_agent(agent, env_id, seed=seed, llm=llm)
    return as_agent(agent, env_id)


def build_agents(
    agent: Any, env_id: str, n: int, *, llm: dict[str, Any] | None = None, seed: int | None = None
) -> list[Agent]:
    """``n`` independent agents for lockstep slots: a spec is built ``n`` times; an object is used for slot 0
    and deep-copied for the others (as a spec would build one per slot)."""
    return [build_agent(agent if i == 0 else copy.deepcopy(agent), env_id, llm=llm, seed=seed) for i in range(n)]


def make_env(env_id: str, env_kwargs: dict[str, Any] | None, privileged: bool) -> gym.Env:
    """``gym.make(env_id, **env_kwargs)`` unwrapped (dialgym envs check their own inputs), with
    ``privileged=True`` only for agents that read the persona (oracles)."""
    import dialgym  # noqa: F401  (registers the ids, also in a spawned worker)

    kwargs = dict(env_kwargs or {})
    if privileged:
        kwargs["privileged"] = True
    return gym.make(env_id, **kwargs).unwrapped


# --------------------------------------------------------------------------- many episodes
def check_parallelism(batch: int, workers: int) -> None:
    """Raise ``ValueError`` unless ``batch`` and ``workers`` are positive integers and not both above 1."""
    for name, value in (("batch", batch), ("workers", workers)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}={value!r} must be a positive integer")
    if batch > 1 and workers > 1:
        raise ValueError("use either workers (processes, scripted users) or batch (LLM calls), not both")


def run_episodes(
    env_id: str,
    agent: Any,
    episodes: Sequence[EpisodeSpec],
    *,
    env_kwargs: dict[str, Any] | None = None,
    batch: int = 1,
    workers: int = 1,
    llm: dict[str, Any] | None = None,
    agent_seed: int | None = None,
    progress: bool = False,
    desc: str | None = None,
) -> Iterator[tuple[EpisodeSpec, Rollout]]:
    """Play ``episodes`` of ``agent`` on ``env_id``; yield ``(spec, rollout)`` in the order of ``episodes``
    (with ``workers`` or ``batch``, in the order they end where that differs: lockstep yields as episodes end).

    ``agent``: a spec string (built with ``llm`` and ``agent_seed``; see :func:`dialgym.agents.make_agent`) or an
    object with ``act(observation, info) -> str``. ``batch`` episodes in lockstep in this process (LLM users and
    LLM agents: one batch of model calls per turn; an object gets one deep copy per extra slot) or ``workers``
    processes (scripted users; a spec string is rebuilt in each, an object handed over as it is: fine where
    processes fork, it must pickle where they spawn), not both. Envs are made with ``env_kwargs`` (and
    ``privileged=True`` for agents that read the persona). ``progress`` shows a bar labelled ``desc``.
    """
    check_parallelism(batch, workers)
    episodes = list(episodes)
    if not episodes:
        return iter(())
    setup = _Setup(env_id, agent, dict(env_kwargs or {}), llm, agent_seed)
    if workers > 1 and len(episodes) > 1:
        results: Iterator[tuple[EpisodeSpec, Rollout]] = _run_in_workers(setup, episodes, workers)
    else:
        results = setup.play(episodes, min(batch, len(episodes)))
    if not progress:
        return results
    from dialgym.utils.progress import progress_bar

    shown = progress_bar(results, total=len(episodes), desc=desc or f"{agent_label(agent)} on {env_id}")
    return _closing(shown, results)


def _closing(outer: Iterator[Any], inner: Iterator[Any]) -> Iterator[Any]:
    """``outer`` (which wraps ``inner``), and closing it closes ``inner``: its envs, its worker processes."""
    try:
        yield from outer
    finally:
        close = getattr(inner, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True)
class _Setup:
    """What a run plays with (handed as one object to worker processes)."""

    env_id: str
    agent: Any
    env_kwargs: dict[str, Any]
    llm: dict[str, Any] | None
    agent_seed: int | None

    def play(self, episodes: Iterable[EpisodeSpec], slots: int) -> Iterator[tuple[EpisodeSpec, Rollout]]:
        """Build ``slots`` envs and agents in this process and play ``episodes`` in lockstep on them."""
        agents = build_agents(self.agent, self.env_id, slots, llm=self.llm, seed=self.agent_seed)
        envs = [make_env(self.env_id, self.env_kwargs, agents[0].requires_privileged) for _ in agents]
        try:
            yield from play_lockstep(envs, agents, episodes)
        finally:
            for env in envs:
                env.close()


# --------------------------------------------------------------------------- worker processes
_DONE = None  # the job queue's end marker


def _worker_main(setup: _Setup, threads: int, jobs: Any, results: Any) -> None:
    """A worker process: this module's loop over the episodes it takes from ``jobs``; each result (or the
    error that stopped it) goes to ``results``. Its env and agent live in this call, not in module state."""
    from dialgym.utils.threads import ENV_VAR

    os.environ.setdefault(ENV_VAR, str(threads))  # worker processes share the cores: torch agents get their share
    taken: list[int] = []  # positions (in the parent's list) of the episodes taken, in the order taken

    def specs() -> Iterator[EpisodeSpec]:
        for position, spec in iter(jobs.get, _DONE):
            taken.append(position)
            yield spec

    done = 0
    try:
        # one slot: episodes end in the order they were taken, so the n-th rollout is episode taken[n]
        for done, (_, rollout) in enumerate(setup.play(specs(), 1), 1):
            results.put(("ok", taken[done - 1], rollout))
    except BaseException as exc:  # reported to the parent, which raises it; the worker then ends
        import pickle
        import traceback

        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(f"a worker failed after {done} episodes:\n{traceback.format_exc()}")
        results.put(("error", None, exc))


def _run_in_workers(setup: _Setup, episodes: list[EpisodeSpec], workers: int) -> Iterator[tuple[EpisodeSpec, Rollout]]:
    import multiprocessing as mp

    from dialgym.utils.threads import choose_threads

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    workers = min(workers, len(episodes))
    jobs, results = ctx.Queue(), ctx.Queue()
    for position, spec in enumerate(episodes):
        jobs.put((position, spec))
    for _ in range(workers):
        jobs.put(_DONE)
    share = max(1, choose_threads() // workers)
    procs = [ctx.Process(target=_worker_main, args=(setup, share, jobs, results), daemon=True) for _ in range(workers)]
    for p in procs:
        p.start()
    by_position: dict[int, tuple[EpisodeSpec, Rollout]] = {}
    nxt = 0
    try:
        while nxt < len(episodes):
            try:
                kind, position, payload = results.get(timeout=1.0)
            except queue_module.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(
                        f"a worker process ended with exit code {dead[0].exitcode} before its episodes were done "
                        f"({nxt} of {len(episodes)} returned); was it killed (out of memory)?"
                    ) from None
                continue
            if kind == "error":
                raise payload
            by_position[position] = (episodes[position], payload)
            while nxt in by_position:  # in the order asked, as a sequential run hands them out
                yield by_position.pop(nxt)
                nxt += 1
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join()
        jobs.close()
        results.close()
