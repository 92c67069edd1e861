"""Real persuaders replayed open loop: ``human-replay:PATH``.

Where do real people land on a task's normalised scale? This agent says the persuader turns of
recorded human dialogues, in order, whatever the simulated user answers (open loop: it never reads the
replies). ``PATH`` is an episode file made by ``dialgym data import p4g`` (its ``human`` episodes are
replayed) or anything that command reads (PersuasionForGood's CSVs or the JSONL layout, a file or a
folder), so no import is needed just to replay.

Which dialogue an episode replays: dialogue ``info["episode_key"] mod N`` (``N`` dialogues in the
file). The key is drawn from the env's seeded RNG at ``reset``, so the choice is the same for every
agent met on that episode seed, for any number of workers or lockstep slots, and the agent stays
Markov in ``(observation, info)`` as reference agents must. Over many episodes it is a seeded draw
with replacement, so the mean estimates the mean over the file's dialogues. A dialogue shorter than
the horizon ends politely ("Thank you.") and turns longer than the env accepts are cut at a word.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dialgym.core.agent import Agent
from dialgym.core.env import MAX_ACTION_CHARS

#: said once a recorded dialogue has no persuader turn left (a short dialogue ends politely)
CLOSING = "Thank you."


def clip_action(text: str) -> str:
    """Real turns longer than the env accepts are cut at a word boundary."""
    if len(text) <= MAX_ACTION_CHARS:
        return text
    cut = text[:MAX_ACTION_CHARS]
    return cut[: cut.rfind(" ")] if " " in cut else cut


class HumanReplayAgent(Agent):
    """Says recorded dialogues' persuader turns in order; episode ``k`` replays dialogue ``episode_key mod N``."""

    name = "human-replay"

    def __init__(self, env_id: str | None, dialogues: Sequence[Sequence[str]], seed: int | None = None) -> None:
        super().__init__(env_id, seed=seed)
        self.dialogues = [[clip_action(t) for t in turns if t.strip()] for turns in dialogues]
        empty = [i for i, turns in enumerate(self.dialogues) if not turns]
        if not self.dialogues or empty:
            raise ValueError(
                f"human-replay needs dialogues with at least one agent turn each; got {len(self.dialogues)} "
                f"dialogue(s), {len(empty)} without one (first at index {empty[0] if empty else None})"
            )

    def dialogue_for(self, info: dict[str, Any]) -> list[str]:
        return self.dialogues[int(info.get("episode_key", 0)) % len(self.dialogues)]

    def act(self, observation: str, info: dict[str, Any]) -> str:
        turns = self.dialogue_for(info)
        turn = int(info["turn"])
        return turns[turn] if turn < len(turns) else CLOSING


def load_replay_dialogues(path: str | Path) -> list[list[str]]:
    """The persuader turns of every human dialogue in ``path`` (an episode file or a P4G layout)."""
    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFoundError(f"human-replay: {path!r} does not exist (expected an episode file or P4G data)")
    if p.is_file() and p.suffix == ".jsonl" and _is_episode_file(p):
        from dialgym.data.io import iter_episodes

        episodes = [e for e in iter_episodes(p) if e.source == "human"]
        if not episodes:
            raise ValueError(f"human-replay: {path} holds no episodes with source 'human' (import them first)")
        return [[m["content"] for m in e.messages if m["role"] == "assistant"] for e in episodes]
    from dialgym.data.p4g import read_p4g

    dialogues = read_p4g(p).dialogues
    return [[m["content"] for m in d.messages if m["role"] == "assistant"] for d in dialogues]


def _is_episode_file(path: Path) -> bool:
    """Whether the first record of a JSONL file is a dialgym episode (rather than a raw P4G dialogue)."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                try:
                    first = json.loads(line)
                except json.JSONDecodeError:
                    return True  # let the episode reader report the bad line with its number
                return isinstance(first, dict) and "env_id" in first and "dialogue_id" not in first
    return True


def build_human_replay(env_id: str, arg: str | None, seed: int | None, llm: Any = None, **options: Any) -> Agent:
    """The ``human-replay:PATH`` spec's builder."""
    if not arg:
        raise ValueError("agent 'human-replay' needs a path: human-replay:PATH (an episode file or P4G data)")
    if options:
        raise ValueError(f"agent 'human-replay' takes no options, got {options}")
    if env_id != "Persuasion-v0":
        raise ValueError(f"human-replay replays PersuasionForGood persuaders: it plays Persuasion-v0, not {env_id!r}")
    return HumanReplayAgent(env_id, load_replay_dialogues(arg), seed=seed)
