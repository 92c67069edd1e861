"""The one environment base class every dialgym task builds on.

``DialogueEnv`` owns what all tasks share: the turn loop, the history, the spaces,
input validation, truncation, rendering and the plumbing to the simulated user.
A task subclass supplies only the task: a description, a persona distribution and
a user (see ``dialgym/tasks/*``).
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from dialgym.core.calls import Steps, drive
from dialgym.core.task import Persona
from dialgym.core.text import CHARSET, DialogueText, normalize_text
from dialgym.core.types import Message, Outcome, UserSimulator, UserSimulatorError
from dialgym.llm.base import CacheMissError, LLMError
from dialgym.seeding import episode_key

PERSONA_SPLITS: tuple[str, ...] = ("train", "test", "hard")
USER_KINDS: tuple[str, ...] = ("scripted", "llm")

#: Longest agent utterance accepted, in characters.
MAX_ACTION_CHARS = 1000
#: Longest user reply kept, in characters (longer replies are cut).
MAX_USER_CHARS = 1000

_ROLE_PREFIX = {"assistant": "Assistant: ", "user": "User: "}

#: Errors that mean the simulated user failed for good, when raised while the user (or its judge) is called.
USER_FAILURES: tuple[type[Exception], ...] = (UserSimulatorError, LLMError)
#: Longest ``info["user_failure"]`` reason, in characters.
MAX_FAILURE_CHARS = 400


class DialogueEnv(gym.Env[str, str]):
    """A goal-directed dialogue with a simulated user who holds a hidden persona.

    Observation: the task description followed by the dialogue so far, one line per
    utterance (``"Assistant: ..."`` / ``"User: ..."``), normalised into
    :data:`dialgym.core.text.CHARSET`. Action: the agent's next utterance, any
    ``str`` of at most :data:`MAX_ACTION_CHARS` characters.

    Subclasses set :attr:`task_id`, :attr:`description`, :attr:`default_max_turns`
    and implement :meth:`sample_persona` and :meth:`make_scripted_user`.

    User failures: when the simulated user or its judge fails for good (a
    :class:`~dialgym.core.types.UserSimulatorError` such as an LLM user's invalid
    replies after retries, or the LLM backend's ``LLMError`` after its own retries),
    the episode ends with ``truncated=True``, reward 0, no ``outcome`` and
    ``info["user_failure"]`` naming what failed; the harness scores such episodes
    apart from the agent. If it happens at ``reset`` (the user's opening line),
    ``reset`` returns the observation so far with ``info["user_failure"]`` set and the
    first ``step`` ends the episode that way (its action unused). Scripted users never
    fail; an agent's own errors are never caught.
    """

    # gym.Env declares metadata as a plain attribute; a ClassVar here would be an incompatible override
    metadata: dict[str, Any] = {"render_modes": ["ansi", "human"], "render_fps": 1}  # noqa: RUF012

    #: short task name, e.g. ``"persuasion"``
    task_id: ClassVar[str] = ""
    #: the agent-facing task description (first part of every observation)
    description: ClassVar[str] = ""
    #: agent turns before truncation when ``max_turns`` is not given
    default_max_turns: ClassVar[int] = 10

    def __init__(
        self,
        user: str = "scripted",
        llm: dict[str, Any] | None = None,
        persona_split: str = "train",
        max_turns: int | None = None,
        privileged: bool = False,
        render_mode: str | None = None,
    ) -> None:
        if user not in USER_KINDS:
            raise ValueError(f"user={user!r} is not supported; expected one of {list(USER_KINDS)}")
        if llm is not None and not isinstance(llm, dict):
            raise TypeError(
                f"llm must be a plain dict of settings (or None), got {type(llm).__name__}; "
                "live clients break env.spec, pickling and vector envs"
            )
        if user == "llm":
            if llm is None:
                raise ValueError(
                    "user='llm' needs llm={...}: a plain dict such as "
                    "{'backend': 'openai', 'model': ..., 'base_url': ...} or {'backend': 'hf', 'model': 'smollm2-135m'}"
                )
            from dialgym.llm import LLMConfig

            LLMConfig.from_dict(llm)  # bad settings fail here, at gym.make
        if persona_split not in PERSONA_SPLITS:
            raise ValueError(f"persona_split={persona_split!r} is not a split; expected one of {list(PERSONA_SPLITS)}")
        if max_turns is None:
            max_turns = self.default_max_turns
        if isinstance(max_turns, bool) or not isinstance(max_turns, (int, np.integer)) or max_turns < 1:
            raise ValueError(f"max_turns={max_turns!r} must be a positive integer")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"render_mode={render_mode!r} is not supported; expected None or one of {self.metadata['render_modes']}"
            )
        self.user_kind = user
        self.llm_config = copy.deepcopy(llm)
        self.persona_split = persona_split
        self.max_turns = int(max_turns)
        self.privileged = bool(privileged)
        self.render_mode = render_mode

        self._header = normalize_text(self.description) + "\n\n"
        # Room for the header, an opening line, and max_turns full exchanges.
        line = len("Assistant: ") + MAX_ACTION_CHARS + len("\nUser: ") + MAX_USER_CHARS + 1
        max_obs = len(self._header) + MAX_USER_CHARS + 8 + self.max_turns * line
        self.action_space = DialogueText(max_length=MAX_ACTION_CHARS, min_length=0, charset=CHARSET)
        self.observation_space = spaces.Text(max_length=max_obs, min_length=1, charset=CHARSET)

        self._user: UserSimulator = self.make_scripted_user() if user == "scripted" else self.make_llm_user(llm or {})
        self._persona: dict[str, Any] = {}
        self._messages: list[Message] = []
        # Copies handed out in info["messages"], grown one message per turn so a step
        # costs the same at turn 30 as at turn 3 (no per-step rebuild of the history).
        self._info_messages: list[Message] = []
        self._agent_acts: list[str] = []
        self._obs = self._header
        self._turn = 0
        self._done = True
        self._outcome: Outcome | None = None
        self._episode_key = 0
        # Set when the simulated user failed for good (see _user_failed); the episode ends unscored.
        self._user_failure: str | None = None
        self._failed_reset = False

    # ------------------------------------------------------------------ task hooks
    def sample_persona(self, split: str, rng: np.random.Generator) -> dict[str, Any]:
        """Draw a latent persona (plain JSON-serialisable data) from ``split``."""
        raise NotImplementedError

    def validate_persona(self, persona: dict[str, Any]) -> dict[str, Any]:
        """Check a persona dict given through ``reset(options={"persona": ...})``; return it.

        A typed :class:`~dialgym.core.task.Persona` given to reset arrives here as its dict.
        """
        if not isinstance(persona, dict):
            raise TypeError(f"options['persona'] must be a dict, got {type(persona).__name__}")
        return persona

    def make_scripted_user(self) -> UserSimulator:
        """Build the task's scripted user (fast, offline, deterministic)."""
        raise NotImplementedError

    def make_llm_user(self, llm: dict[str, Any]) -> UserSimulator:
        """Build the LLM-played user from the task's LLM-user spec and persona card (its ``Task``)."""
        from dialgym.simulators.llm_user import LLMUser
        from dialgym.tasks import task_for_env

        task = task_for_env(type(self))
        recognizer = self.make_scripted_user().recognizer  # type: ignore[attr-defined]
        return LLMUser(task.llm_user_spec(), task.persona_card, recognizer, llm)

    # ------------------------------------------------------------------ gym API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        return drive(self.reset_steps(seed=seed, options=options))

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        return drive(self.step_steps(action))

    # The generator forms of reset/step: they yield the model calls an LLM user needs
    # (see dialgym.core.calls), so a vector env can batch them across episodes.
    def reset_steps(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> Steps[tuple[str, dict[str, Any]]]:
        super().reset(seed=seed)
        options = dict(options or {})
        unknown = set(options) - {"persona", "prefix"}
        if unknown:
            raise ValueError(f"unknown reset options {sorted(unknown)}; expected 'persona' and/or 'prefix'")
        # A persona is always drawn, even when one is given, so that the RNG stream
        # after reset depends only on the seed: ``reset(seed=s, options={"persona": p,
        # "prefix": m})`` then reproduces the episode ``reset(seed=s)`` produced.
        # A given persona may be the task's typed Persona or its dict; the env keeps the dict.
        persona = self.sample_persona(self.persona_split, self.np_random)
        given = options.get("persona")
        if given is not None:
            if isinstance(given, Persona):
                given = given.to_dict()
            persona = copy.deepcopy(self.validate_persona(given))
        prefix = self._check_prefix(options.get("prefix") or [])

        self._persona = persona
        self._episode_key = episode_key(self.np_random)
        self._messages = []
        self._info_messages = []
        self._agent_acts = []
        self._obs = self._header
        self._turn = 0
        self._outcome = None
        self._done = False
        self._user_failure = None
        self._failed_reset = False
        try:
            opening = yield from self._user.reset_steps(copy.deepcopy(persona), self.np_random)
        except USER_FAILURES as exc:
            self._user_failed("user opening", exc)
            self._failed_reset = True
            return self._obs, self._info()
        if prefix and prefix[0]["role"] == "user":
            self._append("user", prefix[0]["content"])
            prefix = prefix[1:]
        elif opening:
            self._append("user", opening)
        # Replay the prefix: agent turns drive the user's state; recorded user turns
        # replace the regenerated replies so the history is exactly the prefix.
        i = 0
        while i < len(prefix):
            agent_text = normalize_text(prefix[i]["content"])[:MAX_ACTION_CHARS]
            recorded = prefix[i + 1]["content"] if i + 1 < len(prefix) else None
            if recorded is not None:
                turn = self._user.observe(agent_text, recorded)
            else:
                try:
                    turn = yield from self._user.respond_steps(agent_text)
                except USER_FAILURES as exc:
                    self._user_failed("user reply (prefix replay)", exc)
                    self._failed_reset = True
                    return self._obs, self._info()
            self._turn += 1
            self._agent_acts = list(turn.acts)
            self._append("assistant", agent_text)
            self._append("user", recorded if recorded is not None else turn.text)
            if turn.done or self._turn >= self.max_turns:
                raise ValueError(
                    f"options['prefix'] ends the episode at agent turn {self._turn}; "
                    "a prefix must leave at least one agent turn to play"
                )
            i += 2
        if self.render_mode == "human":
            self.render()
        return self._obs, self._info()

    def step_steps(self, action: str) -> Steps[tuple[str, float, bool, bool, dict[str, Any]]]:
        if self._failed_reset:
            # The user failed at reset: the first step ends that episode (action unused), so a plain
            # reset/step loop or a vector env's autoreset sees an ordinary truncation carrying the reason.
            self._failed_reset = False
            return self._obs, 0.0, False, True, self._info()
        if self._done:
            why = f"; it ended because the simulated user failed ({self._user_failure})" if self._user_failure else ""
            raise RuntimeError(
                f"step() called on a finished episode (terminated or truncated){why}; call reset() first"
            )
        if not isinstance(action, str):
            raise TypeError(
                f"action must be a str (the agent's utterance), got {type(action).__name__}: {action!r:.80}"
            )
        if len(action) > MAX_ACTION_CHARS:
            raise ValueError(f"action is {len(action)} characters long; at most {MAX_ACTION_CHARS} are allowed")
        # Normalisation can lengthen text ("…" -> "..."); cut so observations stay in bounds.
        text = normalize_text(action)[:MAX_ACTION_CHARS]
        try:
            turn = yield from self._user.respond_steps(text)
        except USER_FAILURES as exc:
            # the agent did speak: keep its line (it may be what broke the user), then end unscored
            self._turn += 1
            self._agent_acts = []
            self._append("assistant", text)
            return self._user_failed("user reply", exc)
        self._turn += 1
        self._agent_acts = list(turn.acts)
        self._append("assistant", text)
        if turn.text:
            self._append("user", turn.text)
        terminated = bool(turn.done)
        truncated = not terminated and self._turn >= self.max_turns
        reward = 0.0
        if terminated or truncated:
            self._done = True
            try:
                self._outcome = yield from self._user.outcome_steps(truncated)
            except USER_FAILURES as exc:
                return self._user_failed("judge", exc)
            reward = float(self._outcome.reward)
        if self.render_mode == "human":
            self.render()
        return self._obs, reward, terminated, truncated, self._info()

    def render(self) -> str | None:
        if self.render_mode == "ansi":
            return self._obs
        if self.render_mode == "human":
            print(self._obs if self._turn == 0 else self._last_lines(), flush=True)
        return None

    # ------------------------------------------------------------------ helpers
    def _user_failed(self, stage: str, exc: Exception) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """End the episode because the simulated user failed for good (``stage``: what was being called).

        Why not raise: one failed user would crash a whole evaluation or collection, and why not score it:
        the failure says nothing about the agent. So the episode is truncated (not an MDP ending: the
        outcome is unknown, so no learner should take its 0 reward as a terminal value) with reward 0,
        no outcome, and ``info["user_failure"]`` naming what failed. A replay-cache miss is a setup
        error and raises.
        """
        if isinstance(exc, CacheMissError):
            raise exc
        detail = " ".join(str(exc).split()) or type(exc).__name__
        reason = f"{stage}: {type(exc).__name__}: {detail}"
        if len(reason) > MAX_FAILURE_CHARS:
            reason = reason[: MAX_FAILURE_CHARS - 3] + "..."
        self._done = True
        self._outcome = None
        self._user_failure = reason
        if self.render_mode == "human":
            self.render()
        return self._obs, 0.0, False, True, self._info()

    @property
    def messages(self) -> list[Message]:
        """A copy of the dialogue history."""
        return [Message(role=m["role"], content=m["content"]) for m in self._messages]

    @property
    def persona(self) -> dict[str, Any]:
        """The current latent persona (a copy). For oracles and tests, never for agents."""
        return copy.deepcopy(self._persona)

    def user_state(self) -> dict[str, Any]:
        """The simulated user's hidden state (a plain-data snapshot)."""
        return self._user.state_dict()

    def _append(self, role: str, content: str) -> None:
        content = normalize_text(content)
        if role == "user" and len(content) > MAX_USER_CHARS:
            content = content[:MAX_USER_CHARS]
        self._messages.append(Message(role=role, content=content))  # type: ignore[typeddict-item]
        self._info_messages.append(Message(role=role, content=content))  # type: ignore[typeddict-item]
        self._obs += ("" if self._obs.endswith("\n\n") else "\n") + _ROLE_PREFIX[role] + content

    def _last_lines(self) -> str:
        tail = self._messages[-2:] if len(self._messages) >= 2 else self._messages
        return "\n".join(_ROLE_PREFIX[m["role"]] + m["content"] for m in tail)

    def _info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "task": self.task_id,
            "episode_key": self._episode_key,
            "turn": self._turn,
            # the horizon is public: agents plan against it (and must not assume a task default)
            "max_turns": self.max_turns,
            # a new list each step; its message dicts are copies of the env's own (so
            # mutating them cannot corrupt the env), shared between successive infos
            "messages": list(self._info_messages),
            "agent_acts": list(self._agent_acts),
        }
        if self._outcome is not None:
            info["outcome"] = copy.deepcopy(self._outcome.details)
            info["success"] = bool(self._outcome.success)
        if self._user_failure is not None:
            info["user_failure"] = self._user_failure
        if self.privileged:
            info["persona"] = copy.deepcopy(self._persona)
        return info

    def _check_prefix(self, prefix: Any) -> list[Message]:
        if not isinstance(prefix, list):
            raise TypeError(f"options['prefix'] must be a list of messages, got {type(prefix).__name__}")
        out: list[Message] = []
        for k, m in enumerate(prefix):
            if (
                not isinstance(m, dict)
                or m.get("role") not in ("assistant", "user")
                or not isinstance(m.get("content"), str)
            ):
                raise ValueError(
                    f"options['prefix'][{k}] = {m!r:.120} is not a message "
                    "{'role': 'assistant'|'user', 'content': str}"
                )
            out.append(Message(role=m["role"], content=m["content"]))
        start = 1 if out and out[0]["role"] == "user" else 0
        for k in range(start, len(out)):
            expected = "assistant" if (k - start) % 2 == 0 else "user"
            if out[k]["role"] != expected:
                raise ValueError(
                    f"options['prefix'][{k}] has role {out[k]['role']!r}, expected {expected!r}: "
                    "after an optional opening user line, turns must alternate assistant/user"
                )
        return out

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} task={self.task_id!r} user={self.user_kind!r} "
            f"split={self.persona_split!r} max_turns={self.max_turns}>"
        )


def render_observation(description: str, messages: list[Message]) -> str:
    """The observation a :class:`DialogueEnv` shows after ``messages``.

    Offline tools (dataset exports, trainers) rebuild per-step observations from a
    recorded transcript with this, so they match what the agent saw live.
    """
    header = normalize_text(description) + "\n\n"
    return header + "\n".join(_ROLE_PREFIX[m["role"]] + normalize_text(m["content"]) for m in messages)
