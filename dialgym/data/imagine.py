"""The imagination engine (Hong, Levine, Dragan 2023): dialogues an LLM imagines, labelled by their outcome.

Three stages per dialogue, each a batched LLM call (:mod:`dialgym.llm`):

1. **Reasoning**: a persona. By default it is drawn from the task's own persona
   distribution and rendered in words (the task's ``persona_card``), so imagined
   data covers the same people the environment simulates; ``personas="llm"`` asks
   the model to propose a person instead.
2. **Imagination**: a whole dialogue conditioned on the task, the persona and a
   *target outcome*. Targets are drawn uniformly from the task judge's outcome
   schema (the same schema an LLM user's judge answers), so the data spans good and
   bad endings, and the episode's reward is the task's reward for that target.
3. **Critique and revision**: the model checks the task's criteria (the user does not
   reveal the persona at once; the ending matches the target; the assistant is
   plausible but not optimal; strict turn structure) and writes a revised dialogue.

Generations are parsed into episodes (``source="imagination"``); an unusable one is
repaired when possible (merged same-speaker lines, stray text dropped) or dropped,
and both are counted. Runs are resumable and seeded like ``collect``.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from dialgym.data.collect import run_key
from dialgym.data.episode import Episode
from dialgym.data.io import EpisodeWriter, open_for_resume
from dialgym.evaluation.harness import episode_seed
from dialgym.simulators.llm_user import LLMUserSpec, OutcomeField
from dialgym.utils.progress import progress_bar

_LINE = re.compile(r"^\s*\**\s*(assistant|agent|user)\s*\**\s*:\s*\**\s*(.*)$", re.IGNORECASE)

CRITERIA = (
    "1. The user does not reveal who they are all at once: details come out gradually, when asked.\n"
    "2. The ending matches the target outcome exactly, and the user's final mood fits it.\n"
    "3. The assistant is plausible but not optimal: a realistic person doing this job, with some missteps.\n"
    "4. Strict turn structure: lines alternate 'Assistant:' and 'User:', one message per line, nothing else."
)


@dataclass
class ImagineSummary:
    path: str
    requested: int
    already_there: int
    written: int
    repaired: int
    dropped: int
    seconds: float

    @property
    def usable_rate(self) -> float | None:
        """Share of this run's new generations that became episodes (``None`` when nothing new was generated)."""
        made = self.written + self.dropped
        return self.written / made if made else None

    def __str__(self) -> str:
        usable = self.written / max(1, self.written + self.dropped)
        return (
            f"{self.path}: {self.already_there + self.written}/{self.requested} imagined episodes; "
            f"{self.written} new ({self.repaired} repaired), {self.dropped} generations unusable and dropped "
            f"({100 * usable:.0f}% usable) in {self.seconds:.1f}s"
        )


def parse_dialogue(text: str, user_first: bool) -> tuple[list[dict[str, str]] | None, bool]:
    """Parse ``Assistant:``/``User:`` lines into messages; return ``(messages or None, repaired)``.

    Repairs: continuation lines join the message above; consecutive lines of one
    speaker merge; text before the first speaker line and a wrong opening speaker
    are dropped. Unusable: fewer than two agent turns after repair.
    """
    messages: list[dict[str, str]] = []
    repaired = False
    for raw in text.splitlines():
        m = _LINE.match(raw)
        if m:
            role = "user" if m.group(1).lower() == "user" else "assistant"
            content = m.group(2).strip().strip('"').strip()
            if messages and messages[-1]["role"] == role:
                messages[-1]["content"] = f"{messages[-1]['content']} {content}".strip()
                repaired = True
            else:
                messages.append({"role": role, "content": content})
        elif raw.strip():
            if messages:
                messages[-1]["content"] = f"{messages[-1]['content']} {raw.strip()}".strip()
            repaired = True
    first = "user" if user_first else "assistant"
    while messages and messages[0]["role"] != first:
        messages.pop(0)
        repaired = True
    messages = [m for m in messages if m["content"]]
    # merging may be needed again after dropping empties
    merged: list[dict[str, str]] = []
    for m in messages:
        if merged and merged[-1]["role"] == m["role"]:
            merged[-1]["content"] += " " + m["content"]
            repaired = True
        else:
            merged.append(dict(m))
    if sum(m["role"] == "assistant" for m in merged) < 2:
        return None, repaired
    return merged, repaired


def sample_target(fields: dict[str, OutcomeField], rng: np.random.Generator) -> dict[str, Any]:
    """A target outcome drawn uniformly from the judge schema (numbers on a coarse grid)."""
    out: dict[str, Any] = {}
    for name, f in fields.items():
        if f.kind == "number":
            grid = np.linspace(float(f.low), float(f.high), 5)
            out[name] = round(float(grid[int(rng.integers(len(grid)))]), 2)
        elif f.kind == "integer":
            out[name] = int(rng.integers(int(f.low), int(f.high) + 1))
        elif f.kind == "boolean":
            out[name] = bool(rng.integers(2))
        else:
            out[name] = f.choices[int(rng.integers(len(f.choices)))]
    return out


def _task_parts(env_id: str) -> tuple[Any, Any, LLMUserSpec, Any]:
    import dialgym

    env = gym.make(env_id).unwrapped
    task = dialgym.get_task(env_id)
    return env, task, task.llm_user_spec(), env.make_scripted_user().recognizer


def _format_example(first: str) -> str:
    second = "Assistant" if first == "user" else "User"
    head = "User" if first == "user" else "Assistant"
    return "\n".join(f"{who}: <{who.lower()}'s message>" for who in (head, second, head, second))


def _imagine_prompt(description: str, card: str, target: dict[str, Any], spec: LLMUserSpec, turns: int) -> list:
    # The format comes first and the context after it: small models copy the first thing they read.
    first = "user" if spec.opens else "assistant"
    schema = "; ".join(f.schema_text(k) for k, f in spec.outcome_fields.items())
    return [
        {
            "role": "system",
            "content": "You write realistic example chats for training a dialogue assistant. Output only the chat.",
        },
        {
            "role": "user",
            "content": (
                f"Write a chat of about {turns} assistant messages. {'The user' if spec.opens else 'The assistant'} "
                "speaks first. Use exactly this format, one message per line:\n"
                f"{_format_example(first)}\n...\n\n"
                f"The assistant's task:\n{description}\n\nThe user's profile (hidden from the assistant):\n{card}\n\n"
                f"How the chat must end: {target} (meaning: {schema}).\n\nRules:\n{CRITERIA}"
            ),
        },
    ]


def _critique_prompt(draft: str, target: dict[str, Any], card: str) -> list:
    return [
        {"role": "system", "content": "You are a careful editor of example chats."},
        {
            "role": "user",
            "content": (
                f"Here is a draft chat:\n\n{draft}\n\nThe user's profile:\n{card}\nTarget outcome: {target}.\n\n"
                f"Check it against these criteria:\n{CRITERIA}\n\n"
                "First list the problems briefly after 'PROBLEMS:'. Then write the full revised chat after "
                "'REVISED:', in the same line format."
            ),
        },
    ]


def _persona_prompt(description: str) -> list:
    return [
        {"role": "system", "content": "You invent realistic, varied people for role-play."},
        {
            "role": "user",
            "content": (
                f"An assistant will chat with a person for this task:\n{description}\n\nDescribe one specific person "
                "the assistant might meet, in 3-5 sentences written to that person ('You are ...'): their "
                "background, personality, what would and would not persuade or help them."
            ),
        },
    ]


def imagine(
    env_id: str,
    llm: dict[str, Any],
    n: int,
    seed: int,
    out: str | os.PathLike[str],
    personas: str = "task",
    split: str = "train",
    turns: int = 6,
    batch: int = 8,
    critique: bool = True,
    progress: bool = True,
    model: Any = None,
) -> ImagineSummary:
    """Imagine ``n`` dialogues for ``env_id`` with ``llm`` (a plain config dict) into ``out``.

    ``model`` may be given directly (any object with dialgym's batch-first
    ``generate``) for tests; otherwise it is built from ``llm``.
    """
    if personas not in ("task", "llm"):
        raise ValueError(f"personas={personas!r}; expected 'task' or 'llm'")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n={n!r} must be a positive integer")
    env, task, spec, recognizer = _task_parts(env_id)
    if personas == "llm":
        try:  # the reward of some tasks needs the structured persona (e.g. travel utilities)
            spec.to_outcome(sample_target(dict(spec.outcome_fields), np.random.default_rng(0)), {"type": "x"}, False)
        except (KeyError, TypeError):
            raise ValueError(
                f"personas='llm' is not supported for {env_id}: its reward needs the task's structured persona; "
                "use personas='task'"
            ) from None
    if model is None:
        from dialgym.llm import LLMConfig
        from dialgym.simulators.llm_user import shared_llm

        LLMConfig.from_dict(llm)
        model = shared_llm(llm)
    config = {
        "command": "imagine",
        "env_id": env_id,
        "llm": llm,
        "seed": seed,
        "personas": personas,
        "split": split,
        "turns": turns,
        "critique": critique,
    }
    key = run_key(config)
    path = Path(out)
    done = {int(episode_id.rsplit("-", 1)[1]) for episode_id in open_for_resume(path, config, "imagine")}
    todo = [i for i in range(n) if i not in done]
    t0 = time.perf_counter()
    written = repaired = dropped = 0
    chunks = [todo[k : k + batch] for k in range(0, len(todo), batch)]
    bar = progress_bar(range(len(todo)), total=len(todo), desc=f"imagine {env_id}") if progress else None
    with EpisodeWriter(path) as writer:
        for chunk in chunks:
            rngs = {i: np.random.default_rng(episode_seed(seed, i)) for i in chunk}
            people: dict[int, dict[str, Any]] = {}
            cards: dict[int, str] = {}
            if personas == "task":
                for i in chunk:
                    people[i] = env.sample_persona(split, rngs[i])
                    cards[i] = task.persona_card(people[i])
            else:
                replies = model.generate(
                    [_persona_prompt(env.description) for _ in chunk], sample_ids=[[seed, i, "persona"] for i in chunk]
                )
                for i, text in zip(chunk, replies, strict=True):
                    cards[i] = text.strip()
                    people[i] = {"type": "llm_proposed", "card": cards[i]}
            targets = {i: sample_target(dict(spec.outcome_fields), rngs[i]) for i in chunk}
            drafts = model.generate(
                [_imagine_prompt(env.description, cards[i], targets[i], spec, turns) for i in chunk],
                sample_ids=[[seed, i, "imagine"] for i in chunk],
            )
            finals = dict(zip(chunk, drafts, strict=True))
            if critique:
                revised = model.generate(
                    [_critique_prompt(finals[i], targets[i], cards[i]) for i in chunk],
                    sample_ids=[[seed, i, "critique"] for i in chunk],
                )
                for i, text in zip(chunk, revised, strict=True):
                    _, sep, after = text.partition("REVISED:")
                    if sep and parse_dialogue(after, spec.opens)[0] is not None:
                        finals[i] = after
            for i in chunk:
                messages, was_repaired = parse_dialogue(finals[i], spec.opens)
                if bar is not None:
                    next(bar, None)
                if messages is None:
                    dropped += 1
                    continue
                repaired += int(was_repaired)
                outcome = spec.to_outcome(targets[i], people[i], False)
                writer.write(
                    Episode(
                        id=f"{env.task_id}-imag{key}-{i:07d}",
                        task=env.task_id,
                        env_id=env_id,
                        seed=None,
                        persona=people[i],
                        messages=messages,
                        reward=outcome.reward,
                        outcome={**outcome.details, "target": targets[i]},
                        success=outcome.success,
                        source="imagination",
                        policy=f"imagination({llm.get('model', 'model')})",
                        agent_acts=[recognizer.recognise(m["content"]) for m in messages if m["role"] == "assistant"],
                        terminated=True,
                        env_kwargs={},
                    )
                )
                written += 1
    env.close()
    return ImagineSummary(
        path=str(path),
        requested=n,
        already_there=len(done),
        written=written,
        repaired=repaired,
        dropped=dropped,
        seconds=time.perf_counter() - t0,
    )
