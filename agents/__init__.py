"""dialgym.agents: agents and the spec strings that name them.

Specs: ``random``, ``behavior``, ``oracle``, ``adaptive`` (the task's ask-then-adapt
heuristic), ``script:ACT,ACT,...`` (an open-loop script), ``prompt[:cot|:procot]``
(a prompted LLM; give ``llm={...}``), ``sb3:PATH`` (a ``dialgym train ppo-acts``
folder; ``?deterministic=false&epsilon=0.1``), ``bc:PATH``, ``fbc:PATH``,
``ilql:PATH?beta=4``, ``grpo:PATH`` (checkpoints from ``dialgym train``; options ``beta``, ``temperature``,
``top_k``, ``top_p``, ``max_new_tokens``, ``greedy``, ``filter_order``), ``human-replay:PATH`` (real
PersuasionForGood persuaders replayed open loop; see :mod:`dialgym.agents.replay`). Options follow
``?``: ``oracle?seed=3``, ``prompt:cot?temperature=0``.

Your own agent: ``package.module:Class`` (or ``package.module.Class``) or ``path/to/file.py:Class``,
options ``?key=value`` passed to the constructor as keyword arguments (``42`` -> int, ``0.5`` ->
float, ``true``/``false`` -> bool, anything else a str). The constructor also gets ``env_id``,
``seed`` and ``llm`` when it names those parameters. Any object with ``act(observation, info) ->
str`` is an agent (see :class:`dialgym.core.agent.ExternalAgent` for the optional ``reset``,
``act_batch`` and ``requires_privileged``). A module is imported as usual, with the current
directory on the path (as ``python -m`` would); a file is loaded by its path, so spawned worker
processes (``--workers``) load it the same way.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

from dialgym.agents.base import RandomAgent, ScriptAgent
from dialgym.core.agent import Agent, ExternalAgent, as_agent
from dialgym.tasks import get_task
from dialgym.utils import AgentError


def _task_agent(name: Literal["behavior", "oracle", "adaptive"]) -> Callable[..., Agent]:
    """A builder of the task's own reference agent ``name`` (the Task's ``<name>_agent``)."""

    def build(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
        if arg:
            raise ValueError(f"agent {name!r} takes no ':' argument, got {arg!r}")
        task = get_task(env_id)
        cls = {"behavior": task.behavior_agent, "oracle": task.oracle_agent, "adaptive": task.adaptive_agent}[name]
        if cls is None:
            raise ValueError(f"{task.id} has no {name!r} agent (its Task declares no {name}_agent)")
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


def _human_replay(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
    from dialgym.agents.replay import build_human_replay

    return build_human_replay(env_id, arg, seed, llm=llm, **options)


def _sb3(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
    from dialgym.agents.sb3 import build_sb3_agent  # lazy: stable-baselines3/torch are the `rl` extra

    return build_sb3_agent(env_id, arg, seed, llm=llm, **options)


#: spec name -> builder(env_id, arg, seed, llm=None, **options)
AGENTS: dict[str, Callable[..., Agent]] = {
    "random": _random,
    "behavior": _task_agent("behavior"),
    "oracle": _task_agent("oracle"),
    "adaptive": _task_agent("adaptive"),
    "script": _script,
    "prompt": _prompt,
    "sb3": _sb3,
    "bc": _checkpoint("bc"),
    "fbc": _checkpoint("fbc"),
    "ilql": _checkpoint("ilql"),
    "grpo": _checkpoint("grpo"),
    "human-replay": _human_replay,
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
    if "seed" in options:
        seed = int(options.pop("seed"))
    builder = AGENTS.get(name)
    if builder is not None:
        agent = builder(env_id, arg, seed, llm=llm, **options)
    else:
        cls = load_agent_class(spec)
        agent = as_agent(_construct(cls, spec, env_id, seed, llm, options), env_id)
    agent.spec = spec  # type: ignore[attr-defined]
    return agent


def is_custom_spec(spec: str) -> bool:
    """Whether ``spec`` names the user's own class (``module:Class``, ``module.Class``, ``file.py:Class``)."""
    name, arg, _ = parse_spec(spec)
    return name not in AGENTS and _custom_target(name, arg) is not None


def _custom_target(name: str, arg: str | None) -> tuple[str, str, bool] | None:
    """``(module or file, class name, is_file)`` for a custom spec, ``None`` if it is not one."""
    if name.endswith(".py") or "/" in name or os.sep in name:
        return (name, arg, True) if arg else None
    if arg:
        module, cls = name, arg
    elif "." in name:
        module, _, cls = name.rpartition(".")
    else:
        return None
    if all(part.isidentifier() for part in module.split(".")) and cls.isidentifier():
        return module, cls, False
    return None


def load_agent_class(spec: str) -> Any:
    """The class (or factory) that a custom spec names, imported or loaded from its file."""
    name, arg, _ = parse_spec(spec)
    target = _custom_target(name, arg)
    if target is None:
        raise ValueError(
            f"unknown agent {name!r} in spec {spec!r}; expected one of {sorted(AGENTS)}, or your own class as "
            "'package.module:Class' or 'path/to/file.py:Class'"
        )
    where, cls_name, is_file = target
    module = _load_file(where, spec) if is_file else _import_module(where, spec)
    try:
        return getattr(module, cls_name)
    except AttributeError:
        found = sorted(k for k, v in vars(module).items() if inspect.isclass(v) and not k.startswith("_"))
        raise ValueError(f"{where} has no {cls_name!r} (spec {spec!r}); classes there: {found}") from None


def _import_module(module: str, spec: str) -> Any:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if not _is_itself(exc, module):
            raise  # the module exists but one of *its* imports is missing: show that error as it is
    cwd = os.getcwd()
    if cwd not in sys.path:  # `dialgym` is a console script: unlike `python -m`, it does not put cwd on the path
        sys.path.insert(0, cwd)
        try:
            return importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if not _is_itself(exc, module):
                raise
    raise ValueError(
        f"unknown agent in spec {spec!r}: it is not a built-in agent ({sorted(AGENTS)}) and no module named "
        f"{module!r} can be imported (from {cwd} or sys.path); for a file use 'path/to/file.py:Class'"
    )


def _is_itself(exc: ModuleNotFoundError, module: str) -> bool:
    """Whether the missing module is ``module`` (or a package above it), not something it imports."""
    return exc.name is not None and (module == exc.name or module.startswith(exc.name + "."))


def _load_file(path: str, spec: str) -> Any:
    file = Path(path).expanduser().resolve()
    if not file.is_file():
        raise FileNotFoundError(f"agent file {path!r} (spec {spec!r}) does not exist (looked for {file})")
    # One module name per file: loading the spec twice (each worker, each env) reuses the module,
    # and classes defined in it pickle by that name.
    mod_name = f"dialgym_user_agent_{file.stem}_{hashlib.sha256(str(file).encode()).hexdigest()[:8]}"
    if mod_name in sys.modules:
        return sys.modules[mod_name]
    module_spec = importlib.util.spec_from_file_location(mod_name, file)
    if module_spec is None or module_spec.loader is None:
        raise ValueError(f"cannot load {file} as Python (spec {spec!r})")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[mod_name] = module
    if str(file.parent) not in sys.path:  # the agent file may import its neighbours
        sys.path.append(str(file.parent))
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[mod_name]
        raise
    return module


def parse_option_value(text: str) -> Any:
    """``"42"`` -> 42, ``"0.5"`` -> 0.5, ``"true"``/``"false"`` -> bool, anything else unchanged."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def _construct(cls: Any, spec: str, env_id: str, seed: int | None, llm: Any, options: dict[str, str]) -> Any:
    kwargs: dict[str, Any] = {k: parse_option_value(v) for k, v in options.items()}
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        params = {}  # type: ignore[assignment]
    for key, value in (("env_id", env_id), ("seed", seed), ("llm", llm)):
        if key in params and key not in kwargs and (key != "llm" or value is not None):
            kwargs[key] = value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise AgentError(f"cannot build agent {spec!r} as {getattr(cls, '__name__', cls)}(**{kwargs}): {exc}") from exc


__all__ = [
    "AGENTS",
    "Agent",
    "ExternalAgent",
    "RandomAgent",
    "ScriptAgent",
    "as_agent",
    "is_custom_spec",
    "load_agent_class",
    "make_agent",
    "parse_spec",
]
