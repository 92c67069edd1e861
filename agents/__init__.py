"""dialgym.agents: agents and the spec strings that name them.

Specs: ``random``, ``behavior``, ``oracle``, ``adaptive`` (the task's ask-then-adapt
heuristic), ``script:ACT,ACT,...`` (an open-loop script), ``prompt[:cot|:procot]``
(a prompted LLM; give ``llm={...}``), ``sb3:PATH`` (a ``dialgym train ppo-acts``
folder; ``?deterministic=false&epsilon=0.1``), ``bc:PATH``, ``fbc:PATH``,
``ilql:PATH?beta=4`` (checkpoints from ``dialgym train``; options ``beta``, ``temperature``,
``top_k``, ``top_p``, ``max_new_tokens``, ``greedy``, ``filter_order``). Options follow ``?``: ``oracle?seed=3``,
``prompt:cot?temperature=0``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from dialgym.agents.base import RandomAgent, ScriptAgent
from dialgym.core.agent import Agent
from dialgym.tasks import get_task


def _task_agent(attr: str) -> Callable[..., Agent]:
    def build(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
        if arg:
            raise ValueError(f"agent {attr!r} takes no ':' argument, got {arg!r}")
        cls = getattr(get_task(env_id), attr)
        return cls(env_id, seed=seed, **options)

    return build


def _random(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
    if arg or options:
        raise ValueError(f"agent 'random' takes no arguments, got {arg!r} {options}")
    return RandomAgent(env_id, seed=seed)


def _script(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
    if not arg:
        raise ValueError("agent 'script' needs acts: script:ACT,ACT,...")
    return ScriptAgent(env_id, [a.strip() for a in arg.split(",") if a.strip()], seed=seed)


def _prompt(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
    from dialgym.agents.prompting import PromptAgent

    return PromptAgent(env_id, llm, mode=arg or "zero", seed=seed, **options)


def _checkpoint(algorithm: str) -> Callable[..., Agent]:
    def build(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
        from dialgym.agents.lm_agent import make_checkpoint_agent  # torch only when such an agent is built

        return make_checkpoint_agent(algorithm, arg, env_id, seed=seed, **options)

    return build


def _sb3(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
    from dialgym.agents.sb3 import build_sb3_agent  # lazy: stable-baselines3/torch are the `rl` extra

    return build_sb3_agent(env_id, arg, seed, llm=llm, **options)


#: spec name -> builder(env_id, arg, seed, llm=None, **options)
AGENTS: dict[str, Callable[..., Agent]] = {
    "random": _random,
    "behavior": _task_agent("BehaviorAgent"),
    "oracle": _task_agent("OracleAgent"),
    "adaptive": _task_agent("AdaptiveAgent"),
    "script": _script,
    "prompt": _prompt,
    "sb3": _sb3,
    "bc": _checkpoint("bc"),
    "fbc": _checkpoint("fbc"),
    "ilql": _checkpoint("ilql"),
}


def parse_spec(spec: str) -> tuple[str, str | None, dict[str, str]]:
    """``"ilql:runs/a?beta=4"`` -> ``("ilql", "runs/a", {"beta": "4"})``."""
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"agent spec must be a non-empty string, got {spec!r}")
    body, _, query = spec.strip().partition("?")
    name, _, arg = body.partition(":")
    options = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    return name, (arg or None), options


def make_agent(spec: str, env_id: str, seed: int | None = None, llm: dict[str, Any] | None = None) -> Agent:
    """Build an agent for ``env_id`` from a spec string (see the module docstring).

    ``llm`` is the plain LLM config dict that LLM-based agents (``prompt...``) use.
    """
    name, arg, options = parse_spec(spec)
    try:
        builder = AGENTS[name]
    except KeyError:
        raise ValueError(f"unknown agent {name!r} in spec {spec!r}; expected one of {sorted(AGENTS)}") from None
    if "seed" in options:
        seed = int(options.pop("seed"))
    agent = builder(env_id, arg, seed, llm=llm, **options)
    agent.spec = spec  # type: ignore[attr-defined]
    return agent


__all__ = ["AGENTS", "Agent", "RandomAgent", "ScriptAgent", "make_agent", "parse_spec"]
