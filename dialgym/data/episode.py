"""The episode record: one JSON object per line, the one format every dialgym tool reads.

Fields (DESIGN.md's contract, plus a few that stats and exports need):

=============  ===============================================================
id             unique id (run key + index for collections; parent id + suffix for regenerations)
task           task name (``"persuasion"``)
env_id         ``"Persuasion-v0"``
seed           the env seed of the episode (``reset(seed=...)``)
persona        the latent persona (hidden metadata: never shown to agents)
messages       ``[{"role": "assistant"|"user", "content": str}, ...]``
reward         the episode return
outcome        the task outcome dict (``info["outcome"]``)
success        the task's success flag
source         ``"rollout"``, ``"imagination"``, ``"hindsight"`` or ``"human"`` (real people, e.g. imported
               PersuasionForGood: its persona holds the participants' traits and a simulator stand-in)
parent_id      for regenerations: the id of the episode it was regenerated from
prefix_len     for regenerations: number of messages kept from the parent
policy         the agent spec (or the generator) that produced the agent turns
created        ISO-8601 UTC time of writing
agent_acts     per agent turn, the strategies the user recognised (may be empty for imagined data)
terminated     the user ended the episode (False: truncated at max_turns)
env_kwargs     the gym.make kwargs of the env it was played in
user_failure   None, or why the simulated user (or its judge) failed for good (``info["user_failure"]``):
               the episode ended unscored, its reward 0 is not an outcome. Readers skip such episodes unless
               asked (:func:`dialgym.data.io.iter_episodes`); files written before the field existed read as None
=============  ===============================================================
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any

SOURCES: tuple[str, ...] = ("rollout", "imagination", "hindsight", "human")


class EpisodeFormatError(ValueError):
    """A record that is not a valid episode (the message names the field)."""


@dataclass
class Episode:
    id: str
    task: str
    env_id: str
    seed: int | None
    persona: dict[str, Any]
    messages: list[dict[str, str]]
    reward: float
    outcome: dict[str, Any]
    success: bool
    source: str = "rollout"
    parent_id: str | None = None
    prefix_len: int | None = None
    policy: str = ""
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    agent_acts: list[list[str]] = field(default_factory=list)
    terminated: bool = True
    env_kwargs: dict[str, Any] = field(default_factory=dict)
    user_failure: str | None = None

    @property
    def turns(self) -> int:
        """Number of agent turns."""
        return sum(1 for m in self.messages if m["role"] == "assistant")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if data["user_failure"] is None:
            # absent means None: files of episodes that did not fail stay readable by older dialgym versions
            del data["user_failure"]
        return data

    def to_json(self) -> str:
        """One line of JSON (no newline inside: JSON escapes them)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Any) -> Episode:
        """Validate and build; raises :class:`EpisodeFormatError` naming the bad field."""
        if not isinstance(data, dict):
            raise EpisodeFormatError(f"an episode must be a JSON object, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        required = ("id", "task", "env_id", "messages", "reward")
        missing = [k for k in required if k not in data]
        if missing:
            raise EpisodeFormatError(f"missing field(s) {missing}")
        unknown = sorted(set(data) - known)
        if unknown:
            raise EpisodeFormatError(f"unknown field(s) {unknown}; expected a subset of {sorted(known)}")
        ep = cls(
            **{
                "seed": None,
                "persona": {},
                "outcome": {},
                "success": False,
                **data,
            }
        )
        ep.validate()
        return ep

    def validate(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise EpisodeFormatError(f"field 'id' must be a non-empty string, got {self.id!r}")
        # a user that failed at reset (its opening line) leaves an episode with no message at all
        if not isinstance(self.messages, list) or (not self.messages and self.user_failure is None):
            raise EpisodeFormatError("field 'messages' must be a non-empty list of messages")
        for k, m in enumerate(self.messages):
            if (
                not isinstance(m, dict)
                or set(m) != {"role", "content"}
                or m["role"] not in ("assistant", "user")
                or not isinstance(m["content"], str)
            ):
                raise EpisodeFormatError(
                    f"messages[{k}] = {m!r:.100} is not {{'role': 'assistant'|'user', 'content': str}}"
                )
        if isinstance(self.reward, bool) or not isinstance(self.reward, (int, float)):
            raise EpisodeFormatError(f"field 'reward' must be a number, got {self.reward!r}")
        self.reward = float(self.reward)
        if self.source not in SOURCES:
            raise EpisodeFormatError(f"field 'source' is {self.source!r}; expected one of {list(SOURCES)}")
        if self.source == "hindsight" and (self.parent_id is None or self.prefix_len is None):
            raise EpisodeFormatError("a hindsight episode needs 'parent_id' and 'prefix_len'")
        if self.user_failure is not None and (not isinstance(self.user_failure, str) or not self.user_failure):
            raise EpisodeFormatError(
                f"field 'user_failure' must be null or a non-empty string (why the user failed), "
                f"got {self.user_failure!r:.80}"
            )
        for name in ("persona", "outcome", "env_kwargs"):
            if not isinstance(getattr(self, name), dict):
                raise EpisodeFormatError(f"field {name!r} must be an object, got {getattr(self, name)!r:.80}")


def simulator_persona(persona: dict[str, Any]) -> dict[str, Any]:
    """The persona a task's simulator can play for an episode.

    Real people's episodes (``source="human"``) record their traits, which no simulator reads, and a
    simulator stand-in under ``persona["simulator"]`` (see :mod:`dialgym.data.p4g`): prefix replay and
    hindsight resume the scripted user with that. Any other persona is a simulator persona already.
    """
    inner = persona.get("simulator")
    return inner if isinstance(inner, dict) else persona
