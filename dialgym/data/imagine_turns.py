"""Turn-by-turn imagination: the chat format guaranteed by construction, for small local models.

Why this mode exists: asked to write a whole ``Assistant:``/``User:`` chat, the bundled SmolLM2-135M echoes
the prompt or writes prose, so the whole-dialogue mode (:mod:`dialgym.data.imagine`) yields nothing with it.
Here the model never has to produce the format. It plays one side at a time, one utterance per call:

* the **agent** is told the task description, the target outcome of this imagined chat and, by default, a
  *move* for this turn (one of the task's own dialogue acts, drawn with the episode's RNG, so that the data
  covers many strategies, some apt and some not: the paper's "plausible but not optimal" agent), with the
  task's own phrasing of that move in this dialogue as an example (:meth:`TurnPrompts.example`);
* the **user** is told the task's persona card (the same latent persona the scripted user would draw) and the
  target outcome; a user who opens the chat is asked to write its first message and shown the task's scripted
  opening for the same persona as an example (:func:`dialgym.data.imagine.scripted_opening`).

Examples are instructions: an utterance that copies one is rejected as an echo like any copy of the prompt.

Each turn is one batched call over every episode of a chunk (a local model batches on the device, a remote
endpoint gets concurrent requests), so roles alternate because the loop alternates them, never because the
model was asked to.

**Critique and revision, adapted to turns.** The paper's LLM critic is replaced by a cheap rule critic run on
every utterance (:func:`critique`): empty, too long after a cut at a sentence end, an *echo* of the prompt, a
*parrot* of the dialogue so far, a *repetition* of the speaker's own earlier utterance or of itself, or an
agent utterance the task's recogniser hears as nothing but ``off_task``. A flagged utterance is revised by
sampling it again with a note that says what was wrong (up to ``revisions`` times, batched over the flagged
episodes). An utterance still flagged ends the episode there: the episode is kept when it already has
``min_agent_turns`` clean agent turns (counted as *repaired*: truncated) and dropped otherwise, with the
critic's reason. The dialogue's last agent message is also flagged (``no_task_act``) when no agent message
so far did any of the task's work, since the whole dialogue would be dropped for it. That message is revised
up to ``final_revisions`` times, whatever a try is flagged for, each time with a fresh move (one of the task's
acts beyond small talk) and its example, shown only the partner's last line; a model that continues a message
(:attr:`dialgym.llm.base.LLM.continues_final_message`) is also handed the first ``prefill_words`` words of the
example's main sentence as the start of its message (a *prefill*), so that it sets out on the move instead of
answering the small talk once more. The model must add at least ``min_continuation_words`` words of its own
(else ``too_short``): the given words must not make a message usable by themselves. Why rules and not an LLM
critic: a 135M model cannot judge chats, a rule costs nothing, and each rule is tested.

**Echo.** An utterance echoes a text when at least ``threshold`` of its word trigrams (lower-cased, punctuation
dropped) occur in that text (:func:`ngram_overlap`); utterances shorter than three words are never called
echoes (a "Yes, sure." may well appear in a prompt). Against the prompt's instructions (system text, persona
card, move note) the threshold is 0.5; against the dialogue so far (the partner's last words, the speaker's
own) it is 0.6, since a real reply may quote a phrase of what it answers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: First tries' sampling temperature in turn mode when the LLM config names none. Measured on SmolLM2-135M
#: (benchmarks/imagination.py): 0.4 keeps more utterances on task than the LLM default 0.7; revisions sample
#: at ``TurnSettings.revise_temperature`` so that they differ from the rejected try.
FIRST_TRY_TEMPERATURE = 0.4

#: The prompts of turn mode. Prose as data: the file's metadata records them and each episode their hashes.
TEMPLATES: dict[str, str] = {
    "agent_system": (
        "{description}\n\nIn this chat, the outcome will be: {target}.\n"
        "Write only your next chat message: one or two short sentences, in your own words."
    ),
    "agent_move": "In your next message: {move}.",
    "agent_example": 'An example of such a message: "{example}" Write your own message that does this, in other words.',
    "agent_open": "Hi. What did you want to talk to me about?",
    "user_system": (
        "{role}\n\n{card}\n\nBy the end of this chat: {target}.\n"
        "Write only your next chat message: one or two short sentences, as this person, in your own words."
    ),
    "user_open": "Write the first message of this chat. {opening}",
    "user_open_example": 'For example: "{example}" Write your own message, in other words.',
    "revise": "Your last try was rejected ({reason}). Write a new, different message.",
}

#: What the critic says to the model when it asks for a revision, by reason.
REASON_NOTES: dict[str, str] = {
    "empty": "it was empty",
    "too_long": "it was too long",
    "echo_prompt": "it copied the instructions",
    "parrot": "it repeated what was already said in the chat",
    "repetition": "it said the same thing again",
    "off_task": "it was off-topic",
    # a prefilled message whose own part is a few words: the given words, not the model, would do the move
    "too_short": "it was too short",
    # the dialogue's last agent message, when no earlier one did any of the task's work (see run_turns)
    "no_task_act": "it was only small talk: do the task now",
}
#: episode-level reason: no agent turn did any of the task's work (see :func:`does_task_work`)
NO_TASK_ACT = "no_task_act"
REASONS = tuple(REASON_NOTES)
#: acts any chat has; an imagined dialogue whose agent only does these never did the task ("others" is
#: Counseling's rapport act, ESConv's name for small talk)
SOCIAL_ACTS = frozenset({"off_task", "rapport", "others", "greeting", "thanks"})

_WORD = re.compile(r"[a-z0-9']+")
_SPEAKER = re.compile(r"^\s*[\*\"'(]*\s*(assistant|agent|user|person|me|you)\s*[\*\"')]*\s*:\s*", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?]*[.!?]+(?:[\"')\]]*)|[^.!?]+$")


def template_hashes(templates: dict[str, str] | None = None) -> dict[str, str]:
    """Short sha256 of each template (what an episode records; the file's metadata holds the full text)."""
    return {k: hashlib.sha256(v.encode()).hexdigest()[:12] for k, v in (templates or TEMPLATES).items()}


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def ngrams(tokens: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[k : k + n]) for k in range(len(tokens) - n + 1)}


def ngram_overlap(text: str, source: str, n: int = 3) -> float:
    """Share of ``text``'s word n-grams that also occur in ``source`` (0 when ``text`` has fewer than n words)."""
    grams = ngrams(words(text), n)
    if not grams:
        return 0.0
    return len(grams & ngrams(words(source), n)) / len(grams)


def is_echo(text: str, source: str, threshold: float = 0.5, n: int = 3) -> bool:
    """``text`` echoes ``source``: at least ``threshold`` of its word n-grams are copied from it."""
    return ngram_overlap(text, source, n) >= threshold


def self_repetition(text: str, n: int = 3) -> bool:
    """Degenerate repetition inside one utterance: a sentence said twice, or most n-grams occurring twice."""
    sentences = [" ".join(words(s)) for s in _SENTENCE.findall(text)]
    sentences = [s for s in sentences if s]
    if len(sentences) != len(set(sentences)):
        return True
    tokens = words(text)
    grams = [tuple(tokens[k : k + n]) for k in range(len(tokens) - n + 1)]
    return len(grams) >= 6 and len(set(grams)) <= 0.6 * len(grams)


def clean_utterance(text: str, max_chars: int, max_sentences: int = 3) -> tuple[str, bool]:
    """The utterance a reply stands for, and whether anything had to be cut (a repair).

    Keeps the first paragraph, drops a speaker label the model wrote ("Assistant: ...") and wrapping quotes,
    stops where the model starts writing the other side's line, then keeps at most ``max_sentences``
    sentences and ``max_chars`` characters (cut at a sentence end, else at a word).
    """
    original = text
    text = text.strip()
    text = re.split(r"\n\s*\n", text, maxsplit=1)[0] if text else text
    lines = text.splitlines()
    kept: list[str] = []
    for k, line in enumerate(lines):
        if k > 0 and _SPEAKER.match(line):
            break  # the model went on to write the next speaker's line
        kept.append(line.strip())
    text = " ".join(x for x in kept if x)
    text = _SPEAKER.sub("", text, count=1).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if len(sentences) > max_sentences:
        text = " ".join(sentences[:max_sentences])
    if len(text) > max_chars:
        head = text[:max_chars]
        ends = [m.end() for m in re.finditer(r"[.!?](\s|$)", head)]
        text = head[: ends[-1]].strip() if ends else head.rsplit(" ", 1)[0].strip()
    text = " ".join(text.split())
    return text, text != " ".join(original.split())


def critique(
    text: str,
    role: str,
    instructions: str,
    messages: Sequence[dict[str, str]],
    recognize: Callable[[str], Any] | None = None,
    max_chars: int = 400,
    prompt_threshold: float = 0.5,
    parrot_threshold: float = 0.6,
) -> str | None:
    """The first rule ``text`` breaks as the next ``role`` message after ``messages`` (None: it is usable).

    ``instructions``: the prompt's own text (system prompt, persona card, notes), not the dialogue.
    ``recognize``: the task's recogniser (agent turns only), to call an utterance with no task act off-task.
    """
    if not any(ch.isalpha() for ch in text):
        return "empty"
    if len(text) > max_chars:
        return "too_long"
    if is_echo(text, instructions, prompt_threshold):
        return "echo_prompt"
    norm = " ".join(words(text))
    own = [m["content"] for m in messages if m["role"] == role]
    if any(" ".join(words(o)) == norm for o in own) or self_repetition(text):
        return "repetition"
    if any(is_echo(text, m["content"], parrot_threshold) for m in messages[-4:]):
        return "parrot"
    if role == "assistant" and recognize is not None:
        acts = set(recognize(text))
        if not acts - {"off_task"}:
            return "off_task"
    return None


def does_task_work(messages: Sequence[dict[str, str]], recognize: Callable[[str], Any] | None) -> bool:
    """At least one agent turn that the task's recogniser hears as a task act beyond small talk (an appeal, a
    question about the person, an explanation, a recommendation): a dialogue of greetings and pleasantries is
    on no task, though each line of it is fine (rapport is on-task per turn, not for a whole dialogue)."""
    if recognize is None:
        return True
    return any(set(recognize(m["content"])) - SOCIAL_ACTS for m in messages if m["role"] == "assistant")


def lead_words(example: str, n: int) -> str:
    """The first ``n`` words of ``example``'s longest sentence: the move's own opening, past any lead-in.

    Why the longest: a task's phrasing may open with a short register marker ("In plain terms, from
    scratch.") before the sentence that does the move ("A good analogy: think of ...").
    """
    sentences = [m.group(0).strip() for m in _SENTENCE.finditer(example) if m.group(0).strip()]
    if n <= 0 or not sentences:
        return ""
    return " ".join(max(sentences, key=lambda x: len(x.split())).split()[:n])


def join_prefill(prefix: str, continuation: str) -> str:
    """``prefix`` and the model's continuation of it as one message (no space before punctuation)."""
    if not prefix:
        return continuation
    return prefix + ("" if continuation[:1] in ",.;:!?'" or not continuation else " ") + continuation


def target_words(target: dict[str, Any], fields: dict[str, Any]) -> str:
    """A target outcome in words: ``donation = 1.5 (dollars committed, 0 if none)``."""
    parts = []
    for name, value in target.items():
        desc = getattr(fields.get(name), "description", "")
        shown = str(value).replace("_", " ") if isinstance(value, str) else value
        parts.append(f"{name.replace('_', ' ')} = {shown}" + (f" ({desc})" if desc else ""))
    return "; ".join(parts)


def move_words(act: str) -> str:
    """A task act in words: ``offer_comparison:hiking|spa_day`` -> ``offer comparison (hiking or spa day)``."""
    name, _, arg = act.partition(":")
    text = name.replace("_", " ")
    if arg:
        text += " (" + arg.replace("_", " ").replace("|", " or ") + ")"
    return text


@dataclass
class TurnEpisode:
    """One imagined dialogue being built (what the turn loop needs to know about it)."""

    index: int
    persona: dict[str, Any]
    card: str
    target: dict[str, Any]
    rng: np.random.Generator
    messages: list[dict[str, str]] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)  # the task's own phrasing of each move, shown as an example
    #: when the user opens: the task's scripted user's opening for this persona, shown as an example (see
    #: :meth:`TurnPrompts.user`)
    opening_example: str = ""
    revisions: int = 0  # utterances regenerated after a critique
    #: the words the last agent message was started with (a prefill, see TurnSettings.prefill_words), "" if none
    prefill: str = ""
    cleaned: int = 0  # utterances cut or stripped of a speaker label
    failure: str | None = None  # the critic's reason when the episode stopped early
    stopped: bool = False


@dataclass
class TurnPrompts:
    """Builds the per-call conversations of turn mode for one task."""

    description: str
    user_role: str
    opening: str
    fields: dict[str, Any]
    templates: dict[str, str] = field(default_factory=lambda: dict(TEMPLATES))
    history: int = 4  # the last messages shown to the speaker (a small model copies less from less)
    #: the task's ``phrase(act, rng, messages)``: when given, the agent sees the task's own phrasing of its move
    #: as an example (see :meth:`example`)
    phrase: Callable[[str, np.random.Generator, Sequence[dict[str, str]]], str] | None = None

    def example(self, ep: TurnEpisode, move: str) -> str:
        """The task's own phrasing of ``move`` in this dialogue, drawn with the episode's RNG ("" without one).

        Why: told only a move's name ("explain with example (basic)"), SmolLM2 writes generic talk that the
        task's recogniser hears as small talk or nothing (measured: half of Instruction's dialogues dropped as
        off-task or without a task act). One example in the task's words shows what the move sounds like and
        carries the topic (Instruction's phrasing names the concept the learner asked about, Travel's the
        activity). The example is part of the instructions, so a copy of it is still rejected as an echo.
        """
        if self.phrase is None or not move:
            return ""
        return " ".join(self.phrase(move, ep.rng, ep.messages).split())

    def _window(
        self, messages: Sequence[dict[str, str]], roles: dict[str, str], cue: str, history: int | None = None
    ) -> list[dict[str, str]]:
        """The last ``history`` messages (default ``self.history``) as the speaker sees them (``roles`` maps each
        role), led by a user turn.

        Chat templates want a user turn first. When the window holds the dialogue's start, the ``cue`` that
        opened it leads (so no speaker loses its own opening line); a window cut mid-dialogue starts at its
        first message from the other side instead.
        """
        history = self.history if history is None else history
        shown = [{"role": roles[m["role"]], "content": m["content"]} for m in list(messages)[-history:]]
        if len(messages) <= history:
            return shown if shown and shown[0]["role"] == "user" else [{"role": "user", "content": cue}, *shown]
        while shown and shown[0]["role"] != "user":
            shown.pop(0)
        return shown or [{"role": "user", "content": cue}]

    def agent(
        self, ep: TurnEpisode, move: str | None, note: str = "", example: str = "", history: int | None = None
    ) -> tuple[list[dict[str, str]], str]:
        """``(conversation, instruction text)`` for the agent's next message: the agent is the assistant.

        ``history``: how many of the last messages it sees (default :attr:`history`).
        """
        t = self.templates
        system = t["agent_system"].format(description=self.description, target=target_words(ep.target, self.fields))
        if move:
            system += "\n" + t["agent_move"].format(move=move_words(move))
        if example:
            system += "\n" + t["agent_example"].format(example=example)
        if note:
            system += "\n" + note
        conv = self._window(ep.messages, {"assistant": "assistant", "user": "user"}, t["agent_open"], history)
        return [{"role": "system", "content": system}, *conv], system + "\n" + t["agent_open"]

    def user(self, ep: TurnEpisode, note: str = "") -> tuple[list[dict[str, str]], str]:
        """``(conversation, instruction text)`` for the user's next message: roles swapped, the user speaks."""
        t = self.templates
        system = t["user_system"].format(role=self.user_role, card=ep.card, target=target_words(ep.target, self.fields))
        if note:
            system += "\n" + note
        opener = t["user_open"].format(opening=self.opening).strip()
        if ep.opening_example:
            opener += " " + t["user_open_example"].format(example=ep.opening_example)
        conv = self._window(ep.messages, {"assistant": "user", "user": "assistant"}, opener)
        return [{"role": "system", "content": system}, *conv], system + "\n" + opener


@dataclass
class TurnSettings:
    """Knobs of the turn loop (recorded in the file's metadata)."""

    turns: int = 4  # agent messages per dialogue
    revisions: int = 3  # regenerations of a flagged utterance
    #: regenerations of the dialogue's last agent message when no agent message has done the task's work yet
    #: (``no_task_act``). Why more than ``revisions``: that one message decides whether the whole dialogue is
    #: kept, and each try costs one batched call over only the few flagged episodes (measured on SmolLM2-135M:
    #: most Travel dialogues lost were lost here, after three tries)
    final_revisions: int = 8
    min_agent_turns: int = 2  # a dialogue cut short is kept when it has this many clean agent turns
    max_chars: int = 400  # per utterance, after the cut at a sentence end
    max_sentences: int = 3
    moves: bool = True  # tell the agent a task act per turn (drawn with the episode's RNG)
    #: show the task's own phrasing of that act as an example (TurnPrompts.example), and a user who opens the
    #: scripted user's opening
    examples: bool = True
    #: first tries' sampling temperature (None: the model's own). :func:`dialgym.data.imagine.imagine` sets
    #: :data:`FIRST_TRY_TEMPERATURE` unless the LLM config names a temperature
    temperature: float | None = None
    revise_temperature: float = 0.9  # a regeneration samples harder, so it does not repeat the rejected text
    #: messages a no_task_act retry (a fresh move) sees: the partner's last line only, so that the example,
    #: not the small talk so far, sets its course
    fresh_history: int = 1
    #: words of the fresh move's example (:func:`lead_words`) a no_task_act retry's message starts with, for a
    #: model that continues a message (0: none). Why: shown only the partner's last line, SmolLM2-135M still
    #: answers "I'm so glad you ..." on most tries (measured: 16 tries did no better than 8 on Travel); three
    #: words of the move's opening ("Which sounds better", "A good analogy:") set it on the move, and the rest
    #: of the message, which must still name the move's content to be heard, is the model's.
    #: :func:`dialgym.data.imagine.imagine` sets 0 for a model that cannot continue a message
    prefill_words: int = 3
    #: the fewest words the model must add to a prefill (else ``too_short``): a recogniser cue may span the
    #: given words and one more ("Take a real" + "example."), and such a message says nothing of its own
    min_continuation_words: int = 6


def run_turns(
    model: Any,
    prompts: TurnPrompts,
    episodes: list[TurnEpisode],
    settings: TurnSettings,
    user_first: bool,
    repertoire: Sequence[str],
    recognize: Callable[[str], Any] | None,
    sample_key: Sequence[Any],
    on_turn: Callable[[int], None] | None = None,
) -> None:
    """Build ``episodes`` in place: per turn one batched call per role, then batched revisions of flagged replies.

    ``sample_key`` prefixes every call's sample ids (the run seed), so each utterance of each episode has its own
    deterministic sample whatever the batch holds.
    """
    order = ("user", "assistant") if user_first else ("assistant", "user")
    work_moves = [a for a in repertoire if a.partition(":")[0] not in SOCIAL_ACTS] if settings.moves else []
    # an agent-first dialogue ends with the user's answer to the last agent message; a user-first one as well
    for turn in range(settings.turns):
        for role in order:
            live = [ep for ep in episodes if not ep.stopped]
            if not live:
                return
            if role == "assistant":
                for ep in live:
                    ep.moves.append(repertoire[int(ep.rng.integers(len(repertoire)))] if settings.moves else "")
                    ep.examples.append(prompts.example(ep, ep.moves[-1]) if settings.examples else "")
            pending = {ep.index: "" for ep in live}  # episode -> the note for this attempt ("" = first try)
            fresh: set[int] = set()  # episodes whose next try is a fresh move (a no_task_act retry)
            last_agent = role == "assistant" and turn == settings.turns - 1
            # episodes whose last message must do the task's work or the dialogue is dropped: every retry of it
            # gets a fresh move, up to final_revisions, whatever the try was rejected for (a prefilled try that
            # copies its example is an echo, and it is no reason to give up the dialogue)
            rescue = {ep.index for ep in live if last_agent and not does_task_work(ep.messages, recognize)}
            tries = 1 + max(settings.revisions, settings.final_revisions if last_agent else 0)
            for attempt in range(tries):
                batch = [ep for ep in live if ep.index in pending]
                prefills: dict[int, str] = {}  # episode -> the words this try's message starts with
                built = [
                    prompts.agent(ep, ep.moves[-1] or None, pending[ep.index], ep.examples[-1],
                                  history=settings.fresh_history if ep.index in fresh else None)
                    if role == "assistant"
                    else prompts.user(ep, pending[ep.index])
                    for ep in batch
                ]  # fmt: skip
                if role == "assistant" and settings.prefill_words:
                    for ep, (conv, _) in zip(batch, built, strict=True):
                        lead = lead_words(ep.examples[-1], settings.prefill_words) if ep.index in fresh else ""
                        if lead:
                            conv.append({"role": "assistant", "content": lead})  # the model continues it
                            prefills[ep.index] = lead
                # a regeneration of the same request samples hotter so that it differs from the rejected try; a
                # fresh move is a new request, sampled like a first try
                temperatures = [
                    settings.revise_temperature if attempt and ep.index not in fresh else settings.temperature
                    for ep in batch
                ]
                replies = _generate_by_temperature(
                    model,
                    [conv for conv, _ in built],
                    [[*sample_key, ep.index, turn, role, attempt] for ep in batch],
                    temperatures,
                )
                pending, fresh = {}, set()
                for ep, (_, instructions), reply in zip(batch, built, replies, strict=True):
                    lead = prefills.get(ep.index, "")
                    text, cut = clean_utterance(join_prefill(lead, reply), settings.max_chars, settings.max_sentences)
                    reason = critique(text, role, instructions, ep.messages, recognize, settings.max_chars)
                    if reason is None and lead:
                        own = len(words(text)) - len(words(lead))  # the words the model added to the prefill
                        if own < settings.min_continuation_words:
                            reason = "too_short"
                    if reason is None and last_agent:
                        # the last chance to do the task: a dialogue of small talk only would be dropped whole
                        # (no_task_act), so this message is revised like any flagged one instead
                        if not does_task_work([*ep.messages, {"role": role, "content": text}], recognize):
                            reason = NO_TASK_ACT
                    if reason is None:
                        ep.messages.append({"role": role, "content": text})
                        if ep.index in prefills:
                            ep.prefill = prefills[ep.index]
                        ep.cleaned += int(cut)
                        ep.revisions += int(attempt > 0)
                        continue
                    if attempt < (settings.final_revisions if ep.index in rescue else settings.revisions):
                        pending[ep.index] = prompts.templates["revise"].format(reason=REASON_NOTES[reason])
                        if ep.index in rescue and work_moves:
                            # a fresh move that does the task's work, with its own example: asked again for
                            # the same move, a small model tends to make the same small talk again
                            ep.moves[-1] = work_moves[int(ep.rng.integers(len(work_moves)))]
                            ep.examples[-1] = prompts.example(ep, ep.moves[-1]) if settings.examples else ""
                            fresh.add(ep.index)
                    else:
                        ep.failure = reason
                        ep.stopped = True
                if not pending:
                    break
            if on_turn is not None:
                on_turn(turn)


def _generate_by_temperature(
    model: Any, convs: list[list[dict[str, str]]], sample_ids: list[list[Any]], temperatures: list[float | None]
) -> list[str]:
    """``model.generate`` over ``convs``, one batched call per distinct temperature (None: the model's own)."""
    replies: list[str] = [""] * len(convs)
    for temperature in dict.fromkeys(temperatures):
        rows = [k for k, t in enumerate(temperatures) if t == temperature]
        params = {} if temperature is None else {"temperature": temperature}
        out = model.generate([convs[k] for k in rows], sample_ids=[sample_ids[k] for k in rows], **params)
        for k, text in zip(rows, out, strict=True):
            replies[k] = text
    return replies
