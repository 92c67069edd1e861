"""``Task``: everything dialgym knows about a task, declared once in the task's own package.

A task package (``dialgym/tasks/<name>/`` or any importable package of a user's) exports one
``TASK = Task(...)``. Registration, agent specs, wrappers, LLM users, data tools and the CLI
read only that object (through :func:`dialgym.tasks.get_task`), never module attributes found
with ``getattr``. Why one declared object rather than a docstring contract: a docstring
cannot be checked, so the tasks drifted (lists here, tuples there, an extra argument to one
task's phrasing function, the persona card in a different file per task); a frozen
dataclass fails at import with a message naming the bad field, and one registry-parametrised
contract test (``tests/test_task_contract.py``) holds every task to the same behaviour.

The env class stays a thin :class:`dialgym.core.env.DialogueEnv` subclass (the gym entry
point, pickling and ``env.spec`` need a class); the ``Task`` says what the rest of the
suite needs around it.
"""

from __future__ import annotations

import functools
import importlib
import json
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self

import numpy as np

if TYPE_CHECKING:
    from dialgym.core.agent import Agent
    from dialgym.core.env import DialogueEnv


class PhraseFn(Protocol):
    """``phrase(act, rng, messages) -> str``: one natural utterance of ``act``, drawn with ``rng``.

    ``messages`` is the dialogue so far (``info["messages"]``); tasks whose phrasing needs it read
    it (Instruction: an explanation is about the concept the learner asked for), the others ignore it.
    """

    def __call__(self, act: str, rng: np.random.Generator, messages: Sequence[Mapping[str, str]] = ()) -> str: ...


@dataclass(frozen=True)
class Persona:
    """Base of a task's typed persona: a frozen dataclass whose fields are the persona's keys.

    Why typed and still dicts at the edges: personas travel as JSON (episode records,
    ``info["persona"]``, ``reset(options={"persona": {...}})``, LLM persona cards, data tools),
    so the dict is the wire format and stays exactly as before; the dataclass is the schema,
    checked in one place (a subclass's ``__post_init__`` raises ``TypeError``/``ValueError``
    naming the bad field, its value and what was expected) and documented field by field.
    ``from_dict`` / ``to_dict`` convert losslessly: list values are held as tuples (so the
    object is immutable) and given back as lists; other values are kept as given, so
    ``Persona.from_dict(d).to_dict() == d`` for every valid ``d``.

    Keys a persona dict may leave out are listed in ``optional_keys``; their fields default to
    ``None`` (= absent, left out again by ``to_dict``), so an explicit ``None`` in a dict is an error.
    """

    optional_keys: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The typed persona of ``data`` (a persona dict); names missing or unknown keys."""
        if not isinstance(data, Mapping):
            raise TypeError(f"a {cls.__name__} is built from a persona dict, got {type(data).__name__} {data!r}")
        names = [f.name for f in fields(cls)]
        missing = [k for k in names if k not in data and k not in cls.optional_keys]
        if missing:
            raise ValueError(f"persona is missing keys {missing}; a {cls.__name__} needs {names}")
        unknown = sorted(str(k) for k in data if k not in names)
        if unknown:
            raise ValueError(f"persona has unknown keys {unknown}; expected only {names}")
        for k in cls.optional_keys:
            if k in data and data[k] is None:
                raise ValueError(f"persona[{k!r}]=None: leave the optional key {k!r} out to mean its default")
        return cls(**{k: _freeze(data[k]) for k in names if k in data})

    def to_dict(self) -> dict[str, Any]:
        """The persona as plain JSON-ready data, keys in field order (the wire format)."""
        return {
            f.name: _thaw(getattr(self, f.name))
            for f in fields(self)
            if not (f.name in self.optional_keys and getattr(self, f.name) is None)
        }


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    if isinstance(value, dict):
        return {k: _thaw(v) for k, v in value.items()}
    return value


def validate_persona_dict(persona_type: type[Persona], persona: Any) -> dict[str, Any]:
    """Check ``persona`` (a dict, or a ``persona_type`` instance) and return it as a dict.

    A dict is returned unchanged (the same object: callers keep their own values, ints and
    floats as given); a typed persona is returned as :meth:`Persona.to_dict`.
    """
    if isinstance(persona, persona_type):
        return persona.to_dict()
    persona_type.from_dict(persona)
    if not isinstance(persona, dict):  # from_dict reads any mapping; a persona travels as a plain dict
        raise TypeError(f"a persona must be a dict or a {persona_type.__name__}, got {type(persona).__name__}")
    return persona


def read_data_file(anchor: str, name: str) -> dict[str, Any]:
    """The contents of data file ``name`` (``.toml`` or ``.json``) next to module file ``anchor``.

    Why data files: reply and phrase banks are prose, which reads, diffs and gets reviewed
    better outside Python literals; the rules and models that use them stay in code. Read
    with the standard library (``tomllib``/``json``) once, at import.
    """
    path = Path(anchor).with_name(name)
    if path.suffix == ".toml":
        with path.open("rb") as fh:
            return tomllib.load(fh)
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"data file {path} must hold a JSON object, got {type(data).__name__}")
        return data
    raise ValueError(f"data file {name!r} must be .toml or .json")


def bare_env_id(env_id: str) -> str:
    """``"dialgym:Persuasion-v0"`` -> ``"Persuasion-v0"``: the id without Gymnasium's ``module:`` prefix.

    Gymnasium's ``gym.make("module:Id")`` imports ``module`` and then makes ``Id``; every dialgym
    tool accepts both spellings, and this is the one place that strips the prefix.
    """
    if not isinstance(env_id, str):
        raise TypeError(f"env id must be a str, got {type(env_id).__name__} {env_id!r}")
    return env_id.rsplit(":", 1)[1] if ":" in env_id else env_id


def load_object(reference: str) -> Any:
    """The object a ``"package.module:attribute"`` string names (as Gymnasium entry points do)."""
    module, sep, attr = reference.partition(":")
    if not sep or not module or not attr:
        raise ValueError(f"{reference!r} is not a 'package.module:attribute' reference")
    try:
        return getattr(importlib.import_module(module), attr)
    except AttributeError:
        raise ValueError(f"{reference!r}: module {module!r} has no attribute {attr!r}") from None


def _check_acts(task_id: str, name: str, acts: Sequence[str], unique: bool = True) -> tuple[str, ...]:
    if isinstance(acts, str) or not isinstance(acts, Sequence):
        raise TypeError(f"Task {task_id!r}: {name} must be a sequence of str, got {type(acts).__name__}")
    out = tuple(acts)
    bad = [a for a in out if not isinstance(a, str) or not a]
    if bad or not out:
        raise ValueError(f"Task {task_id!r}: {name} must be non-empty strings, got {bad or 'an empty sequence'}")
    if unique and len(set(out)) != len(out):
        raise ValueError(f"Task {task_id!r}: {name} has duplicates: {sorted({a for a in out if out.count(a) > 1})}")
    return out


@dataclass(frozen=True, eq=False)
class Task:
    """A dialogue task: the env plus what agents, wrappers, LLM users and data tools need around it.

    Attributes:
        id: the Gymnasium env id (``"Persuasion-v0"``).
        env: the :class:`~dialgym.core.env.DialogueEnv` subclass, or its ``"module:Class"`` entry point.
        acts: the strategies the scripted user recognises (``info["agent_acts"]`` draws from these).
        act_repertoire: concrete acts (``"strategy"`` or ``"strategy:argument"``) that :attr:`phrase`
            realises; the random agent, scripts and act-level wrappers draw from it.
        phrase: ``phrase(act, rng, messages) -> str`` (:class:`PhraseFn`), the same signature for every task.
        persona_type: the task's typed persona, a frozen :class:`Persona` dataclass (the schema of
            the hidden state: one field per persona key, checked on construction).
        persona_card: ``persona -> str``, the persona in words (for LLM users and data tools).
        sample_persona: ``(split, rng) -> persona dict`` for split ``"train"``, ``"test"`` or ``"hard"``
            (the env's own :meth:`~dialgym.core.env.DialogueEnv.sample_persona` draws the same). It
            returns the plain dict (``persona_type.from_dict`` gives the typed object) because the
            dict is what the env, records and ``info["persona"]`` carry.
        validate_persona: ``persona -> persona dict``; raises ``TypeError``/``ValueError`` naming the
            bad field. Optional: by default ``persona_type`` checks the dict (and turns a typed
            persona into its dict).
        success: what ``info["success"]`` means, in words (printed under leaderboard tables).
        behavior_agent: the suboptimal "human-like" policy that makes offline data (spec ``behavior``).
        oracle_agent: the persona-reading upper bound (spec ``oracle``; normalised score 100).
        adaptive_agent: an ask-then-adapt heuristic (spec ``adaptive``), if the task has one.
        fixed_scripts: name -> open-loop act sequence (the best fixed scripts known), each act in
            :attr:`act_repertoire`.
        llm_spec: the LLM-played user's :class:`~dialgym.simulators.llm_user.LLMUserSpec`, or a
            ``"module:ATTR"`` string naming it (imported on first use: it pulls in the LLM-user
            machinery), or ``None`` when the task has no LLM user. Read it with :meth:`llm_user_spec`.
        success_rule: ``outcome details -> bool``, the rule :attr:`success` describes, over
            ``info["outcome"]`` (scripted user) and the LLM judge's outcome details; the contract test
            checks both users agree with it.
        replies: the scripted user's reply bank (kind -> phrasings); act-level wrappers derive keyword
            features from it (see :class:`dialgym.wrappers.FeatureSpec`). Optional.
        feature_vocabulary: pins the wrappers' keyword features instead of deriving them. Optional.
        repertoire_recognized: the task claims its scripted user hears every phrased repertoire act as its
            strategy (the part before ``":"``); the contract test holds it to that.
    """

    id: str
    env: type[DialogueEnv] | str
    acts: tuple[str, ...]
    act_repertoire: tuple[str, ...]
    phrase: PhraseFn
    persona_type: type[Persona]
    persona_card: Callable[[dict[str, Any]], str]
    sample_persona: Callable[[str, np.random.Generator], dict[str, Any]]
    success: str
    behavior_agent: type[Agent]
    oracle_agent: type[Agent]
    validate_persona: Callable[[Any], dict[str, Any]] | None = None
    adaptive_agent: type[Agent] | None = None
    # given as any sequences; stored as a read-only mapping of tuples (checked in __post_init__)
    fixed_scripts: Mapping[str, Sequence[str]] = field(default_factory=dict)
    llm_spec: Any = None
    success_rule: Callable[[Mapping[str, Any]], bool] | None = None
    replies: Mapping[str, Sequence[str]] | None = None
    feature_vocabulary: tuple[str, ...] | None = None
    repertoire_recognized: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id or ":" in self.id:
            raise ValueError(f"Task.id must be a Gymnasium env id such as 'MyTask-v0', got {self.id!r}")
        tid = self.id
        if isinstance(self.env, str):
            if ":" not in self.env:
                raise ValueError(f"Task {tid!r}: env {self.env!r} must be a class or a 'module:Class' entry point")
        elif not isinstance(self.env, type):
            raise TypeError(f"Task {tid!r}: env must be a DialogueEnv subclass or 'module:Class', got {self.env!r}")
        object.__setattr__(self, "acts", _check_acts(tid, "acts", self.acts))
        repertoire = _check_acts(tid, "act_repertoire", self.act_repertoire)
        object.__setattr__(self, "act_repertoire", repertoire)
        if not (isinstance(self.persona_type, type) and issubclass(self.persona_type, Persona)):
            raise TypeError(
                f"Task {tid!r}: persona_type must be a dialgym.core.task.Persona dataclass, got {self.persona_type!r}"
            )
        if self.validate_persona is None:
            object.__setattr__(self, "validate_persona", functools.partial(validate_persona_dict, self.persona_type))
        for name in ("phrase", "persona_card", "sample_persona", "validate_persona", "behavior_agent", "oracle_agent"):
            if not callable(getattr(self, name)):
                raise TypeError(f"Task {tid!r}: {name} must be callable, got {getattr(self, name)!r}")
        for name in ("adaptive_agent", "success_rule"):
            value = getattr(self, name)
            if value is not None and not callable(value):
                raise TypeError(f"Task {tid!r}: {name} must be callable or None, got {value!r}")
        if not isinstance(self.success, str) or not self.success.strip():
            raise ValueError(f"Task {tid!r}: success must say in words what info['success'] means")
        scripts: dict[str, tuple[str, ...]] = {}
        for name, script in dict(self.fixed_scripts).items():
            script = _check_acts(tid, f"fixed_scripts[{name!r}]", script, unique=False)
            unknown = [a for a in script if a not in repertoire]
            if unknown:
                raise ValueError(f"Task {tid!r}: fixed script {name!r} plays acts {unknown} not in act_repertoire")
            scripts[str(name)] = script
        object.__setattr__(self, "fixed_scripts", MappingProxyType(scripts))
        if self.feature_vocabulary is not None:
            object.__setattr__(self, "feature_vocabulary", tuple(str(w) for w in self.feature_vocabulary))

    # ------------------------------------------------------------------ derived
    @property
    def entry_point(self) -> str:
        """The ``"module:Class"`` string Gymnasium makes the env from."""
        if isinstance(self.env, str):
            return self.env
        return f"{self.env.__module__}:{self.env.__qualname__}"

    @property
    def env_class(self) -> type[DialogueEnv]:
        """The env class (imported from :attr:`env` when that is an entry point string)."""
        cls = load_object(self.env) if isinstance(self.env, str) else self.env
        if not isinstance(cls, type):
            raise TypeError(f"Task {self.id!r}: env {self.env!r} is not a class")
        return cls

    @property
    def description(self) -> str:
        """The agent-facing task description, normalised as the env shows it (the start of every observation).

        Training formats and exports put it in the system message, so a policy trained on several
        tasks knows which one it is in.
        """
        from dialgym.core.text import normalize_text

        return normalize_text(self.env_class.description)

    def llm_user_spec(self) -> Any:
        """The LLM-played user's spec (judge schema, role, outcome mapping); ValueError if the task has none."""
        spec = self.llm_spec
        if spec is None:
            raise ValueError(f"task {self.id!r} has no LLM user (its Task declares no llm_spec); use user='scripted'")
        if isinstance(spec, str):
            try:
                spec = load_object(spec)
            except ImportError as exc:
                raise ValueError(f"task {self.id!r}: its llm_spec {self.llm_spec!r} cannot be imported: {exc}") from exc
        return spec

    def __repr__(self) -> str:
        return f"Task({self.id!r}, env={self.entry_point!r})"


__all__ = ["Persona", "PhraseFn", "Task", "bare_env_id", "load_object", "read_data_file", "validate_persona_dict"]
