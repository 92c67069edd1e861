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

That is the ``whole`` mode, for models that can write a formatted chat. The ``turns`` mode
(:mod:`dialgym.data.imagine_turns`) is for small local models such as the bundled SmolLM2-135M, which
cannot: the model plays the agent and the user one utterance per call, so the format holds by
construction, and a rule critic with regeneration replaces stages 2-3's LLM critique. ``mode="auto"``
(:func:`resolve_mode`) picks ``turns`` for backend ``hf`` and small model names, ``whole`` otherwise.

Generations are parsed into episodes (``source="imagination"``); an unusable one is
repaired when possible (merged same-speaker lines, stray text dropped) or dropped,
and both are counted, drops by reason. A parsed dialogue must also pass the turn critic's rules
(no echo of the prompt, no parroting or repetition, within length limits, some task act by the agent).

**Labels.** Every episode records the target outcome it was conditioned on and, for the task's own
personas, the outcome the task's scripted user gives its agent turns replayed in order
(:func:`replay_label`). ``label`` picks which one is the reward: ``target`` is the paper's label and fits
a model that writes the dialogue it was asked for; ``replay`` (turn mode's default) fits a small model,
whose dialogues rarely realise their target (``benchmarks/imagination.py`` measures the agreement), and
it rewards the agent turns by what they do to the same users dialgym evaluates agents against.
Runs are resumable and seeded like ``collect``.
"""

from __future__ import annotations

import inspect
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from dialgym.data.collect import run_key
from dialgym.data.episode import Episode
from dialgym.data.imagine_turns import (
    FIRST_TRY_TEMPERATURE,
    NO_TASK_ACT,
    TurnEpisode,
    TurnPrompts,
    TurnSettings,
    does_task_work,
    run_turns,
    template_hashes,
)
from dialgym.data.imagine_turns import TEMPLATES as TURN_TEMPLATES
from dialgym.data.imagine_turns import critique as turn_critique
from dialgym.data.io import EpisodeWriter, open_for_resume
from dialgym.evaluation.harness import episode_seed
from dialgym.simulators.llm_user import LLMUserSpec, OutcomeField
from dialgym.utils.progress import progress_bar

#: generation modes (:func:`resolve_mode`) and episode labels (:func:`imagine`)
MODES = ("auto", "turns", "whole")
LABELS = ("target", "replay")
#: model-name fragments ``auto`` takes for a small model
SMALL_MODEL_TAGS = ("smollm", "135m", "360m")
#: a whole-mode message longer than this is unusable (turn mode cuts at a sentence end instead)
MAX_WHOLE_CHARS = 1000

_LINE = re.compile(r"^\s*\**\s*(assistant|agent|user)\s*\**\s*:\s*\**\s*(.*)$", re.IGNORECASE)

CRITERIA = (
    "1. The user does not reveal who they are all at once: details come out gradually, when asked.\n"
    "2. The ending matches the target outcome exactly, and the user's final mood fits it.\n"
    "3. The assistant is plausible but not optimal: a realistic person doing this job, with some missteps.\n"
    "4. Strict turn structure: lines alternate 'Assistant:' and 'User:', one message per line, nothing else."
)


@dataclass
class ImagineSummary:
    """What one ``imagine`` run did. ``repaired`` episodes were kept after a fix (whole mode: merged or stray
    lines; turn mode: an utterance cut, revised, or the dialogue ended early); ``dropped_by_reason`` counts the
    unusable generations by the critic's reason (``unparseable``: fewer than two agent turns after repair)."""

    path: str
    requested: int
    already_there: int
    written: int
    repaired: int
    dropped: int
    seconds: float
    mode: str = "whole"
    dropped_by_reason: dict[str, int] = field(default_factory=dict)
    truncated: int = 0  # turn mode: kept, but ended early at an utterance the critic still flagged
    revised: int = 0  # turn mode: utterances regenerated after a critique

    @property
    def usable_rate(self) -> float | None:
        """Share of this run's new generations that became episodes (``None`` when nothing new was generated)."""
        made = self.written + self.dropped
        return self.written / made if made else None

    def reasons_text(self) -> str:
        """``echo_prompt 3, parrot 1`` (the drop reasons, most frequent first), or ``none``."""
        items = sorted(self.dropped_by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
        return ", ".join(f"{k} {v}" for k, v in items) or "none"

    def __str__(self) -> str:
        usable = self.written / max(1, self.written + self.dropped)
        extra = f", {self.revised} utterances revised, {self.truncated} ended early" if self.mode == "turns" else ""
        per = (
            f", {self.seconds / max(1, self.written + self.dropped):.1f}s per episode"
            if self.written + self.dropped
            else ""
        )
        return (
            f"{self.path}: {self.already_there + self.written}/{self.requested} imagined episodes ({self.mode} mode); "
            f"{self.written} new ({self.repaired} repaired{extra}), {self.dropped} generations unusable and dropped "
            f"({self.reasons_text()}) ({100 * usable:.0f}% usable) in {self.seconds:.1f}s{per}"
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
        line = _LINE.match(raw)
        if line:
            role = "user" if line.group(1).lower() == "user" else "assistant"
            content = line.group(2).strip().strip('"').strip()
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
        if f.kind in ("number", "integer"):
            if f.low is None or f.high is None:
                raise ValueError(f"outcome field {name!r} ({f.kind}) needs low and high to draw a target")
            if f.kind == "number":
                grid = np.linspace(float(f.low), float(f.high), 5)
                out[name] = round(float(grid[int(rng.integers(len(grid)))]), 2)
            else:
                out[name] = int(rng.integers(int(f.low), int(f.high) + 1))
        elif f.kind == "boolean":
            out[name] = bool(rng.integers(2))
        else:
            out[name] = f.choices[int(rng.integers(len(f.choices)))]
    return out


def _task_parts(env_id: str) -> tuple[Any, Any, LLMUserSpec, Any]:
    import dialgym
    from dialgym.explanation import recognizer_for
    from dialgym.registration import dialogue_env

    env = dialogue_env(gym.make(env_id))
    task = dialgym.get_task(env_id)
    return env, task, task.llm_user_spec(), recognizer_for(env_id)


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


def resolve_mode(mode: str, llm: dict[str, Any]) -> str:
    """The generation mode ``mode`` stands for with this LLM config.

    ``auto`` picks ``turns`` for a local model (backend ``hf``, which on dialgym's CPUs means a small one such
    as the bundled SmolLM2-135M) or a model whose name says it is small (``smollm``, ``135m``, ``360m``), and
    ``whole`` otherwise: a small model cannot write a formatted chat, a large one writes a more coherent
    dialogue when it sees all of it at once.
    """
    if mode not in MODES:
        raise ValueError(f"mode={mode!r}; expected one of {list(MODES)}")
    if mode != "auto":
        return mode
    name = str(llm.get("model", "")).lower()
    small = llm.get("backend") == "hf" or any(tag in name for tag in SMALL_MODEL_TAGS)
    return "turns" if small else "whole"


def replay_label(env_id: str, persona: dict[str, Any], messages: list[dict[str, str]], seed: int) -> dict[str, Any]:
    """The outcome the task's scripted user gives the imagined agent turns, replayed in order.

    The env is made with ``max_turns`` = the number of agent turns, so that it ends (and states an outcome) after
    the last one at the latest; the scripted user may end it sooner (a decision, lost patience), and the later
    agent turns are then not played (``turns_played``).
    """
    agent = [m["content"] for m in messages if m["role"] == "assistant"]
    env = gym.make(env_id, max_turns=len(agent))
    try:
        _, info = env.reset(seed=seed, options={"persona": persona})
        total, played, terminated = 0.0, 0, False
        for text in agent:
            _, reward, terminated, truncated, info = env.step(text)
            total += float(reward)
            played += 1
            if terminated or truncated:
                break
    finally:
        env.close()
    return {
        "reward": total,
        "success": bool(info.get("success", False)),
        "outcome": dict(info.get("outcome") or {}),
        "turns_played": played,
        "terminated": bool(terminated),
        "seed": seed,
    }


def scripted_opening(env: Any, persona: dict[str, Any], seed: int) -> str:
    """The task's scripted user's opening message for ``persona`` (what ``env.reset`` shows an agent first).

    Turn mode shows it to the user model as an example of an opening (a copy is rejected as an echo of the
    prompt): told only "ask the tutor to explain the concept you want to understand", SmolLM2 named the concept
    in about half of Instruction's openings, and a dialogue whose opening names no topic drifts off the task.
    """
    _, info = env.reset(seed=seed, options={"persona": persona})
    messages = info.get("messages") or []
    return " ".join(messages[0]["content"].split()) if messages and messages[0]["role"] == "user" else ""


def _drop_reason(messages: list[dict[str, str]], instructions: str, recognize: Any) -> str | None:
    """The critic's first objection to a parsed whole dialogue (the same rules as turn mode), or None."""
    for k, m in enumerate(messages):
        reason = turn_critique(m["content"], m["role"], instructions, messages[:k], recognize, MAX_WHOLE_CHARS)
        if reason is not None:
            return reason
    return None if does_task_work(messages, recognize) else NO_TASK_ACT


def imagine(
    env_id: str,
    llm: dict[str, Any],
    n: int,
    seed: int,
    out: str | os.PathLike[str],
    personas: str = "task",
    split: str = "train",
    turns: int | None = None,
    batch: int = 8,
    critique: bool = True,
    progress: bool = True,
    model: Any = None,
    mode: str = "auto",
    label: str | None = None,
    revisions: int = 3,
) -> ImagineSummary:
    """Imagine ``n`` dialogues for ``env_id`` with ``llm`` (a plain config dict) into ``out``.

    ``mode``: ``"whole"`` (the model writes each dialogue at once, then critiques and revises it), ``"turns"``
    (one utterance per call, the format guaranteed: :mod:`dialgym.data.imagine_turns`) or ``"auto"``
    (:func:`resolve_mode`). ``turns``: agent messages per dialogue (default 6 whole, 4 turns). ``label``: what
    the episode's reward is: ``"target"`` (the outcome the dialogue was conditioned on, the paper's label) or
    ``"replay"`` (the task's scripted user replies to the imagined agent turns: :func:`replay_label`); default
    ``"replay"`` in turn mode and ``"target"`` in whole mode. Both are recorded in ``outcome`` whenever the
    persona is the task's own. ``critique`` (whole mode) runs the LLM critique-and-revision stage;
    ``revisions`` (turn mode) caps the regenerations of an utterance the rule critic flags; the last agent
    message of a dialogue that has not yet done the task's work gets ``max(revisions, 8)`` (none when
    ``revisions`` is 0: :class:`TurnSettings`). Turn mode samples first tries at
    :data:`~dialgym.data.imagine_turns.FIRST_TRY_TEMPERATURE` unless ``llm`` names a ``temperature``.

    ``model`` may be given directly (any object with dialgym's batch-first ``generate``) for tests; otherwise
    it is built from ``llm``.
    """
    if personas not in ("task", "llm"):
        raise ValueError(f"personas={personas!r}; expected 'task' or 'llm'")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n={n!r} must be a positive integer")
    chosen = resolve_mode(mode, llm)
    if label is None:
        label = "replay" if chosen == "turns" else "target"
    if label not in LABELS:
        raise ValueError(f"label={label!r}; expected one of {list(LABELS)}")
    if label == "replay" and personas == "llm":
        raise ValueError("label='replay' needs the task's structured personas (personas='task'): the scripted user "
                         "cannot play an LLM-proposed person")  # fmt: skip
    if turns is None:
        turns = 4 if chosen == "turns" else 6
    if isinstance(turns, bool) or not isinstance(turns, int) or turns < 1:
        raise ValueError(f"turns={turns!r} must be a positive integer")
    if isinstance(revisions, bool) or not isinstance(revisions, int) or revisions < 0:
        raise ValueError(f"revisions={revisions!r} must be an integer >= 0")
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
    config: dict[str, Any] = {
        "command": "imagine",
        "env_id": env_id,
        "llm": llm,
        "seed": seed,
        "personas": personas,
        "split": split,
        "turns": turns,
        "critique": critique,
    }
    # revisions=0 turns every regeneration off, the last message's extra tries too
    final = 0 if revisions == 0 else max(revisions, TurnSettings.final_revisions)
    # a temperature the user chose wins; otherwise turn mode's measured first-try temperature
    first = None if "temperature" in llm else FIRST_TRY_TEMPERATURE
    # a prefill needs a model that continues a message; any other is asked as before (and the file says so)
    prefill = TurnSettings.prefill_words if getattr(model, "continues_final_message", False) else 0
    settings = TurnSettings(
        turns=turns, revisions=revisions, final_revisions=final, temperature=first, prefill_words=prefill
    )
    templates: dict[str, str]
    if chosen == "turns":
        templates = dict(TURN_TEMPLATES)
        config.update(mode="turns", label=label, settings=asdict(settings), templates=templates)
    else:
        # whole mode's prompts are code: an episode records the hash of their source
        templates = {f.__name__: inspect.getsource(f) for f in (_imagine_prompt, _critique_prompt, _persona_prompt)}
        if label != "target":  # a file made before labels existed stays resumable
            config["label"] = label
    key = run_key(config)
    path = Path(out)
    done = {int(episode_id.rsplit("-", 1)[1]) for episode_id in open_for_resume(path, config, "imagine")}
    todo = [i for i in range(n) if i not in done]
    t0 = time.perf_counter()
    tally = _Tally()
    chunks = [todo[k : k + batch] for k in range(0, len(todo), batch)]
    bar = progress_bar(range(len(todo)), total=len(todo), desc=f"imagine {env_id} ({chosen})") if progress else None
    fields = dict(spec.outcome_fields)
    meta = {"mode": chosen, "model": str(llm.get("model", "model")), "prompts": template_hashes(templates)}

    def finish(i: int, messages: list[dict[str, str]] | None, persona: dict[str, Any], target: dict[str, Any],
               reason: str | None, repaired: bool, extra: dict[str, Any], writer: EpisodeWriter) -> None:  # fmt: skip
        if bar is not None:
            next(bar, None)
        if messages is None:
            tally.dropped[reason or "unparseable"] = tally.dropped.get(reason or "unparseable", 0) + 1
            return
        tally.repaired += int(repaired)
        tally.revised += int(extra.get("revisions", 0))
        tally.truncated += int(extra.get("stopped") is not None)
        wanted = spec.to_outcome(target, persona, False)
        details: dict[str, Any] = {**wanted.details, "target": target}
        reward, success = wanted.reward, wanted.success
        if personas == "task":
            replay = replay_label(env_id, persona, messages, episode_seed(seed, i, stream=1))
            details["replay"] = replay
            if label == "replay":
                details = {**replay["outcome"], "target": target, "replay": replay}
                reward, success = replay["reward"], replay["success"]
        details["label"] = label
        details["imagination"] = {**meta, **extra}
        writer.write(
            Episode(
                id=f"{env.task_id}-imag{key}-{i:07d}",
                task=env.task_id,
                env_id=env_id,
                seed=None,
                persona=persona,
                messages=messages,
                reward=reward,
                outcome=details,
                success=success,
                source="imagination",
                policy=f"imagination:{chosen}({meta['model']})",
                agent_acts=[recognizer.recognize(m["content"]) for m in messages if m["role"] == "assistant"],
                terminated=True,
                env_kwargs={},
            )
        )
        tally.written += 1

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
            targets = {i: sample_target(fields, rngs[i]) for i in chunk}
            if chosen == "turns":
                _turn_chunk(
                    model, env, task, spec, recognizer, chunk, people, cards, targets, rngs, settings, seed, finish,
                    writer,
                )  # fmt: skip
                continue
            prompts = {i: _imagine_prompt(env.description, cards[i], targets[i], spec, turns) for i in chunk}
            drafts = model.generate([prompts[i] for i in chunk], sample_ids=[[seed, i, "imagine"] for i in chunk])
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
                reason = None
                if messages is not None:
                    instructions = "\n".join(m["content"] for m in prompts[i])
                    reason = _drop_reason(messages, instructions, recognizer.recognize)
                    if reason is not None:
                        messages = None
                finish(i, messages, people[i], targets[i], reason, was_repaired, {}, writer)
    env.close()
    return ImagineSummary(
        path=str(path),
        requested=n,
        already_there=len(done),
        written=tally.written,
        repaired=tally.repaired,
        dropped=sum(tally.dropped.values()),
        seconds=time.perf_counter() - t0,
        mode=chosen,
        dropped_by_reason=dict(sorted(tally.dropped.items())),
        truncated=tally.truncated,
        revised=tally.revised,
    )


@dataclass
class _Tally:
    written: int = 0
    repaired: int = 0
    truncated: int = 0
    revised: int = 0
    dropped: dict[str, int] = field(default_factory=dict)


def _turn_chunk(model, env, task, spec, recognizer, chunk, people, cards, targets, rngs, settings, seed, finish,
                writer) -> None:  # fmt: skip
    """Turn mode for one chunk of episodes: build them turn by turn, then hand each to ``finish``."""
    prompts = TurnPrompts(env.description, spec.role, spec.opening, dict(spec.outcome_fields), phrase=task.phrase)
    episodes = [TurnEpisode(i, people[i], cards[i], targets[i], rngs[i]) for i in chunk]
    if spec.opens and settings.examples:
        for ep in episodes:
            ep.opening_example = scripted_opening(env, ep.persona, episode_seed(seed, ep.index, stream=2))
    reported: set[int] = set()
    kept: dict[int, bool] = {}

    def settle(ep: TurnEpisode) -> None:
        agent_turns = sum(m["role"] == "assistant" for m in ep.messages)
        usable = ep.failure is None or agent_turns >= settings.min_agent_turns
        truncated = ep.failure is not None and usable
        if usable and not does_task_work(ep.messages, recognizer.recognize):
            usable, truncated, ep.failure = False, False, NO_TASK_ACT
        messages = ep.messages if usable else None
        extra = {
            "moves": ep.moves[:agent_turns],
            "revisions": ep.revisions,
            "cleaned": ep.cleaned,
            "stopped": ep.failure,
            "opening_example": ep.opening_example,
            "prefill": ep.prefill,
        }
        kept[ep.index] = usable
        finish(ep.index, messages, ep.persona, ep.target, ep.failure, bool(ep.revisions or ep.cleaned or truncated),
               extra, writer)  # fmt: skip

    def on_turn(_turn: int) -> None:
        # an episode the critic stopped is finished: write it now, so progress moves per episode
        for ep in episodes:
            if ep.stopped and ep.index not in reported:
                reported.add(ep.index)
                settle(ep)

    run_turns(model, prompts, episodes, settings, spec.opens, task.act_repertoire, recognizer.recognize, [seed],
              on_turn=on_turn)  # fmt: skip
    for ep in episodes:
        if ep.index not in reported:
            reported.add(ep.index)
            settle(ep)
