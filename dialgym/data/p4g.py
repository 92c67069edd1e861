"""Import PersuasionForGood (Wang et al., ACL 2019) as dialgym episodes: real people as offline data.

    dialgym data import p4g PATH --out FILE [--skip-invalid] [--persona-split train] [--seed 0]

``PATH`` is the corpus as users have it, in one of two layouts (nothing is downloaded):

* **CSV** (the public repository's ``data/FullData``): ``full_dialog.csv`` (an index column, ``Unit``: one
  sentence, ``Turn``, ``B4``: 0 persuader / 1 persuadee, ``B2``: dialogue id) and ``full_info.csv`` beside
  it (``B2``, ``B3``: user id, ``B4``, ``B6``: the donation actually made, ``B7``: turns, and trait columns
  ending in ``.x``). ``PATH`` is that folder or ``full_dialog.csv``.
* **JSONL** (one dialogue per line: ``dialogue_id``, ``messages`` with ``assistant`` = persuader and
  ``user`` = persuadee, ``persuadee_donation``, ``persuader_donation``, ``persuadee_traits``,
  ``persuader_traits``). ``PATH`` is that file or a folder holding ``p4g_dialogues*.jsonl``.

Each dialogue becomes one episode of ``Persuasion-v0``: the persuader's turns are the agent's, the
persuadee's the user's (consecutive sentences of one speaker merge into one message; a persuadee who
speaks first keeps that opening line, as the env's prefix replay allows), ``reward`` is the donation the
persuadee actually made, clipped to the task's [0, 2] (a few gave more than the $2 the task is about; the
raw amount stays in ``outcome["real_donation"]``), ``source="human"``, ``policy="human:p4g"``, id
``p4g-<dialogue id>``. ``agent_acts`` is what the task's recogniser hears in each real turn.

The persona (hidden metadata, never in an observation) is::

    {"type": "p4g_human", "dialogue_id": ..., "persuadee_traits": {...}, "persuader_traits": {...},
     "persuadee_id": ..., "persuader_id": ...,        # CSV layout only (B3)
     "simulator": {...a Persuasion-v0 persona...}}

Why ``simulator``: hindsight regeneration and prefix replay resume the task's *scripted* user from a real
prefix, and that user needs a simulator persona (``moved_by``, ``budget``, ...). Big Five scores and moral
foundations do not say which appeals move someone in the simulator's sense, and inventing a mapping would
pass guesswork off as data. So each dialogue gets a stand-in drawn from ``--persona-split`` (default
``train``: evaluation uses ``test`` and ``hard``) exactly as ``gym.make("Persuasion-v0",
persona_split=split).reset(seed=episode.seed)`` draws it, with ``episode.seed`` derived from ``--seed``
and the dialogue id (reproducible, independent of file order). Two parameters are then matched to what is
known of the real person, and ``persona["matched"]`` names them:

* ``patience`` is raised until the stand-in hears every real persuader turn without leaving, because the
  real persuadee stayed that long (:func:`match_stand_in`);
* ``inclination`` takes the same quantile of the split's inclination distribution as the persuadee's
  pre-task survey score takes among real persuadees (:func:`trait_quantile`, a ridge regression of the
  real donation on the survey fitted on the development split's fit part by
  ``benchmarks/fit_p4g_traits.py``: Spearman +0.29 with the real donation on the held-out part). The
  survey was filled in before the chat, so nothing of the dialogue or its outcome goes into it. Without
  a usable survey the drawn inclination stays.

The stand-in is still *not* the real person: a regeneration's reward is a simulated outcome continuing a
real prefix. ``env_kwargs`` holds that split and a horizon of at least the dialogue's own length, so every
real turn can be a cut point.

The import is resumable and idempotent like ``collect``: ``FILE.meta.json`` records the input's content
hash and the settings, episodes already in ``FILE`` are kept, and running it again adds nothing. Bad
input is reported as ``file:line``; ``--skip-invalid`` skips the dialogues it touches and counts them.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dialgym.core.env import MAX_USER_CHARS
from dialgym.core.text import normalize_text
from dialgym.data.episode import Episode
from dialgym.data.io import EpisodeWriter, open_for_resume
from dialgym.registration import dialogue_env
from dialgym.seeding import stand_in_seed

ENV_ID = "Persuasion-v0"
POLICY = "human:p4g"
PERSONA_TYPE = "p4g_human"
#: the task's donation range: a real donation above it is clipped into it
DONATION_RANGE = (0.0, 2.0)
DIALOG_COLUMNS = ("Unit", "Turn", "B4", "B2")
INFO_COLUMNS = ("B2", "B4", "B6")


class P4GFormatError(ValueError):
    """Input that is not PersuasionForGood in either layout (the message names the file and line)."""


@dataclass
class Dialogue:
    """One PersuasionForGood dialogue as read, before it becomes an episode."""

    dialogue_id: str
    messages: list[dict[str, str]]
    persuadee_donation: float
    persuader_donation: float | None = None
    persuadee_traits: dict[str, str] = field(default_factory=dict)
    persuader_traits: dict[str, str] = field(default_factory=dict)
    persuadee_id: str | None = None
    persuader_id: str | None = None
    where: str = ""  # file:line of its first row


@dataclass
class Problem:
    """A dialogue (or a row that belongs to none) that could not be read."""

    where: str
    reason: str
    dialogue_id: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class P4GData:
    layout: str  # "csv" or "jsonl"
    files: list[Path]
    dialogues: list[Dialogue]
    problems: list[Problem]


# --------------------------------------------------------------------------- reading
def read_p4g(path: str | os.PathLike[str]) -> P4GData:
    """Read PersuasionForGood from ``path`` in either layout; bad dialogues are listed, not raised."""
    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFoundError(f"{path}: no such file or folder (expected PersuasionForGood's CSVs or JSONL)")
    if p.is_dir():
        if (p / "full_dialog.csv").is_file():
            return _read_csv(p / "full_dialog.csv", p / "full_info.csv")
        jsonl = sorted(p.glob("p4g_dialogues*.jsonl"))
        if jsonl:
            return _read_jsonl(jsonl)
        raise P4GFormatError(
            f"{p} holds neither full_dialog.csv (+ full_info.csv) nor p4g_dialogues*.jsonl; "
            "point PATH at the corpus's FullData folder or the JSONL file"
        )
    if p.suffix.lower() == ".csv":
        if p.name == "full_info.csv":
            raise P4GFormatError(f"{p}: give full_dialog.csv (or its folder); full_info.csv is read from beside it")
        return _read_csv(p, p.with_name("full_info.csv"))
    return _read_jsonl([p])


def _merge(turns: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """(role, text) in order -> messages: consecutive texts of one role join, empty ones drop."""
    out: list[dict[str, str]] = []
    for role, text in turns:
        text = normalize_text(text)
        if not text:
            continue
        if out and out[-1]["role"] == role:
            out[-1]["content"] += " " + text
        else:
            out.append({"role": role, "content": text})
    for m in out:
        if m["role"] == "user" and len(m["content"]) > MAX_USER_CHARS:
            m["content"] = m["content"][:MAX_USER_CHARS]
    return out


def _donation(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{name}={value!r} is not a dollar amount")
    try:
        amount = float(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a dollar amount") from None
    if not math.isfinite(amount) or amount < 0:
        raise ValueError(f"{name}={value!r}: expected a dollar amount >= 0")
    return amount


def _traits(value: Any, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be an object of trait -> value, got {type(value).__name__}")
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def _check_dialogue(d: Dialogue) -> None:
    if not any(m["role"] == "assistant" for m in d.messages):
        raise ValueError(f"dialogue {d.dialogue_id!r} has no persuader turn with text")


def _read_jsonl(files: list[Path]) -> P4GData:
    dialogues: list[Dialogue] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in files:
        with path.open(encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                did = None
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise ValueError(f"a dialogue must be a JSON object, got {type(row).__name__}")
                    missing = [k for k in ("dialogue_id", "messages", "persuadee_donation") if k not in row]
                    if missing:
                        raise ValueError(f"missing field(s) {missing}")
                    did = row["dialogue_id"]
                    if not isinstance(did, (str, int)) or isinstance(did, bool) or not str(did).strip():
                        raise ValueError(f"dialogue_id={did!r} must be a non-empty string")
                    did = str(did).strip()
                    msgs = row["messages"]
                    if not isinstance(msgs, list):
                        raise ValueError(f"messages must be a list, got {type(msgs).__name__}")
                    for k, m in enumerate(msgs):
                        if (
                            not isinstance(m, dict)
                            or m.get("role") not in ("assistant", "user")
                            or not isinstance(m.get("content"), str)
                        ):
                            raise ValueError(
                                f"messages[{k}] = {m!r:.100} is not {{'role': 'assistant'|'user', 'content': str}}"
                            )
                    pd = row.get("persuader_donation")
                    d = Dialogue(
                        dialogue_id=did,
                        messages=_merge((m["role"], m["content"]) for m in msgs),
                        persuadee_donation=_donation(row["persuadee_donation"], "persuadee_donation"),
                        persuader_donation=None if pd is None else _donation(pd, "persuader_donation"),
                        persuadee_traits=_traits(row.get("persuadee_traits"), "persuadee_traits"),
                        persuader_traits=_traits(row.get("persuader_traits"), "persuader_traits"),
                        where=where,
                    )
                    _check_dialogue(d)
                    if did in seen:
                        raise ValueError(f"dialogue_id {did!r} already read at {seen[did]}")
                except (json.JSONDecodeError, ValueError) as exc:
                    reason = f"not JSON ({exc})" if isinstance(exc, json.JSONDecodeError) else str(exc)
                    problems.append(Problem(where, reason, did))
                    continue
                seen[did] = where
                dialogues.append(d)
    return P4GData("jsonl", files, dialogues, problems)


def _csv_rows(path: Path, required: tuple[str, ...]) -> Iterable[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV with a header that has ``required``; a short or long row raises per row."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise P4GFormatError(f"{path}:1: empty file; expected a header with {list(required)}") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise P4GFormatError(f"{path}:1: header {header} lacks column(s) {missing}; expected {list(required)}")
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                yield reader.line_num, {"__error__": f"{len(values)} fields, the header has {len(header)}"}
                continue
            yield reader.line_num, dict(zip(header, values, strict=True))


def _checked_role(row: dict[str, str], did: str) -> int:
    """The speaker (``B4``) of a CSV row that parsed and names its dialogue; ``ValueError`` saying what is wrong."""
    if "__error__" in row:
        raise ValueError(row["__error__"])
    if not did:
        raise ValueError("B2 (dialogue id) is empty")
    return _role(row["B4"])


def _role(value: str) -> int:
    try:
        role = float(value)
    except ValueError:
        role = -1.0
    if role not in (0.0, 1.0):
        raise ValueError(f"B4={value!r}: expected 0 (persuader) or 1 (persuadee)")
    return int(role)


def _turn(value: str) -> int:
    try:
        turn = float(value)
    except ValueError:
        turn = -1.0
    if not turn.is_integer() or turn < 0:
        raise ValueError(f"Turn={value!r}: expected a turn number >= 0")
    return int(turn)


def _read_csv(dialog_path: Path, info_path: Path) -> P4GData:
    if not dialog_path.is_file():
        raise FileNotFoundError(f"{dialog_path}: no such file (PersuasionForGood's full_dialog.csv)")
    if not info_path.is_file():
        raise FileNotFoundError(
            f"{info_path}: no such file; full_info.csv (donations and traits) must sit beside full_dialog.csv"
        )
    problems: list[Problem] = []
    bad: dict[str, Problem] = {}
    # full_info.csv: (dialogue id, role) -> (line, row)
    info: dict[tuple[str, int], tuple[int, dict[str, str]]] = {}
    for lineno, row in _csv_rows(info_path, INFO_COLUMNS):
        where = f"{info_path}:{lineno}"
        did = (row.get("B2") or "").strip()
        try:
            role = _checked_role(row, did)
        except ValueError as exc:
            problem = Problem(where, str(exc), did or None)
            if did:
                bad.setdefault(did, problem)
            else:
                problems.append(problem)
            continue
        if (did, role) in info:
            bad.setdefault(did, Problem(where, f"a second full_info.csv row for dialogue {did!r}, B4={role}", did))
            continue
        info[(did, role)] = (lineno, row)
    # full_dialog.csv: sentences in file order, grouped by dialogue
    order: list[str] = []
    sentences: dict[str, list[tuple[int, int, str]]] = {}
    first_line: dict[str, int] = {}
    for lineno, row in _csv_rows(dialog_path, DIALOG_COLUMNS):
        where = f"{dialog_path}:{lineno}"
        did = (row.get("B2") or "").strip()
        try:
            role = _checked_role(row, did)
            turn = _turn(row["Turn"])
        except ValueError as exc:
            problem = Problem(where, str(exc), did or None)
            if did:
                bad.setdefault(did, problem)
                first_line.setdefault(did, lineno)
                if did not in sentences:
                    order.append(did)
                    sentences[did] = []
            else:
                problems.append(problem)
            continue
        if did not in sentences:
            order.append(did)
            sentences[did] = []
            first_line[did] = lineno
        sentences[did].append((turn, role, row["Unit"]))
    dialogues: list[Dialogue] = []
    for did in order:
        where = f"{dialog_path}:{first_line[did]}"
        if did in bad:
            problems.append(bad[did])
            continue
        try:
            if (did, 1) not in info:
                raise ValueError(
                    f"dialogue {did!r} has no persuadee row (B2={did}, B4=1) in {info_path.name}: "
                    "its donation is unknown"
                )
            ee_line, ee = info[(did, 1)]
            try:
                donation = _donation(ee["B6"].strip(), "B6 (the persuadee's donation)")
            except ValueError as exc:
                problems.append(Problem(f"{info_path}:{ee_line}", str(exc), did))
                continue
            er = info.get((did, 0), (0, {}))[1]
            try:
                er_donation = _donation(er["B6"].strip(), "B6") if er.get("B6", "").strip() else None
            except ValueError:
                er_donation = None  # the persuader's own gift is context, not the reward: unreadable means unknown
            ordered = sorted(sentences[did], key=lambda s: s[0])  # stable: file order within a turn
            d = Dialogue(
                dialogue_id=did,
                messages=_merge(("assistant" if role == 0 else "user", text) for _, role, text in ordered),
                persuadee_donation=donation,
                persuader_donation=er_donation,
                persuadee_traits=_csv_traits(ee),
                persuader_traits=_csv_traits(er),
                persuadee_id=(ee.get("B3") or "").strip() or None,
                persuader_id=(er.get("B3") or "").strip() or None,
                where=where,
            )
            _check_dialogue(d)
        except ValueError as exc:
            problems.append(Problem(where, str(exc), did))
            continue
        dialogues.append(d)
    return P4GData("csv", [dialog_path, info_path], dialogues, problems)


def _csv_traits(row: dict[str, str]) -> dict[str, str]:
    return {k[: -len(".x")]: v.strip() for k, v in row.items() if k.endswith(".x")}


# --------------------------------------------------------------------------- converting
#: the survey -> donation model (benchmarks/fit_p4g_traits.py)
INCLINATION_MODEL_PATH = Path(__file__).with_name("p4g_inclination.json")


@functools.cache
def _inclination_model() -> dict[str, Any]:
    """The fitted model, read once per process (a cache: the file does not change while dialgym runs)."""
    return json.loads(INCLINATION_MODEL_PATH.read_text(encoding="utf-8"))


@functools.cache
def _split_inclinations(split: str) -> tuple[float, ...]:
    """4,000 fixed draws of ``split``'s persona inclinations, sorted (computed once per split and process)."""
    import numpy as np

    from dialgym.tasks.persuasion.personas import sample_persona

    rng = np.random.default_rng(0)
    return tuple(sorted(float(sample_persona(split, rng)["inclination"]) for _ in range(4000)))


def trait_quantile(traits: dict[str, Any]) -> float | None:
    """Where a persuadee's pre-task survey places them among real persuadees, as a quantile in (0, 1).

    High means the kind of person who gave more (:data:`INCLINATION_MODEL_PATH`: care, loyalty and
    authority go with giving; hedonism, achievement and stimulation against). None when fewer than half
    of the survey answers are numbers: a guess from a few answers would look like data.
    """
    model = _inclination_model()
    score, known = 0.0, 0
    for name, mean, sd, weight in zip(model["features"], model["mean"], model["sd"], model["weights"], strict=True):
        try:
            value = float(traits.get(name))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue  # a missing answer counts as the average one
        if math.isfinite(value):
            score += weight * (value - mean) / sd
            known += 1
    if known * 2 < len(model["features"]):
        return None
    ref = model["reference_scores"]
    below = sum(1 for r in ref if r < score) + 0.5 * sum(1 for r in ref if r == score)
    return (below + 0.5) / (len(ref) + 1)


def split_inclination(split: str, quantile: float) -> float:
    """The ``quantile`` of ``split``'s inclination distribution (from 4,000 fixed draws of its personas)."""
    values = _split_inclinations(split)
    return round(values[min(len(values) - 1, int(quantile * len(values)))], 3)


#: the most patience a persona may have (:class:`~dialgym.tasks.persuasion.personas.PersuasionPersona`)
MAX_PATIENCE = 50


@functools.cache
def _stay_env(max_turns: int) -> Any:
    """One Persuasion-v0 env per horizon, reused to replay real persuader turns (:func:`stays_through`)."""
    import gymnasium as gym

    import dialgym  # noqa: F401  (registers the envs)

    return gym.make(ENV_ID, max_turns=max_turns)


def stays_through(persona: dict[str, Any], agent_turns: Sequence[str], seed: int) -> bool:
    """Whether the scripted user with ``persona`` hears every one of ``agent_turns`` without leaving.

    Replays the turns as the env would (``reset(seed=seed, options={"persona": persona})``, each turn
    clipped like an action); a decision (a gift or a refusal) before the end counts as staying.
    """
    from dialgym.agents.replay import clip_action

    env = _stay_env(max(1, len(agent_turns)))
    env.reset(seed=seed, options={"persona": persona})
    for text in agent_turns:
        _, _, terminated, truncated, info = env.step(clip_action(text))
        if terminated or truncated:
            return (info.get("outcome") or {}).get("decision") != "left"
    return True


def match_stand_in(
    drawn: dict[str, Any], traits: dict[str, Any], agent_turns: Sequence[str], split: str, seed: int
) -> tuple[dict[str, Any], list[str]]:
    """A drawn Persuasion-v0 persona matched to what is known of a real persuadee, and the matched keys.

    ``patience`` is the least (at least as drawn, at most :data:`MAX_PATIENCE`) with which the stand-in
    hears all the real persuader's ``agent_turns`` without leaving, replayed from episode ``seed``
    (:func:`stays_through`): the real persuadee stayed that long, whatever the simulator charges for
    what was said (a request before any argument landed, an argument that does not suit the person, ...).
    Counting turns alone left more than half of the stand-ins walking out of their own dialogue, and
    every cut point after that unusable for hindsight regeneration. ``inclination`` takes the
    ``split``'s quantile that the persuadee's pre-task survey takes among real persuadees (kept as drawn
    without a usable survey). The one definition behind ``dialgym data import p4g`` and the ``matched``
    replay of ``benchmarks/realdata.py``.
    """
    from dialgym.tasks.persuasion.personas import PersuasionPersona

    # built as a typed persona, so a matched value out of range fails here, by name
    persona = PersuasionPersona.from_dict(drawn)
    matches: dict[str, Any] = {}
    quantile = trait_quantile(traits)
    if quantile is not None:
        matches["inclination"] = split_inclination(split, quantile)
    patience = min(MAX_PATIENCE, max(int(persona.patience), len(agent_turns)))
    while patience < MAX_PATIENCE and not stays_through(
        dataclasses.replace(persona, patience=patience, **matches).to_dict(), agent_turns, seed
    ):
        patience += 1
    matched = dataclasses.replace(persona, patience=patience, **matches).to_dict()
    return matched, ["patience", *matches]


class _Converter:
    """Dialogue -> Episode, with one env (to draw stand-ins) and one recogniser (to label turns)."""

    def __init__(self, persona_split: str, seed: int) -> None:
        import gymnasium as gym

        import dialgym  # noqa: F401  (registers the envs)
        from dialgym.explanation import recognizer_for

        self.split = persona_split
        self.seed = seed
        self.env = gym.make(ENV_ID, persona_split=persona_split)
        self.default_turns = int(dialogue_env(self.env).max_turns)
        self.recognizer = recognizer_for(ENV_ID)

    def episode(self, d: Dialogue) -> Episode:
        from dialgym.agents.replay import clip_action

        messages = [
            {"role": m["role"], "content": clip_action(m["content"]) if m["role"] == "assistant" else m["content"]}
            for m in d.messages
        ]
        agent_turns = [m["content"] for m in messages if m["role"] == "assistant"]
        turns = len(agent_turns)
        draw = stand_in_seed(self.seed, d.dialogue_id)
        self.env.reset(seed=draw)
        simulator, matched = match_stand_in(
            dialogue_env(self.env).persona, d.persuadee_traits, agent_turns, self.split, draw
        )
        persona: dict[str, Any] = {
            "type": PERSONA_TYPE,
            "dialogue_id": d.dialogue_id,
            "persuadee_traits": dict(d.persuadee_traits),
            "persuader_traits": dict(d.persuader_traits),
        }
        if d.persuadee_id is not None:
            persona["persuadee_id"] = d.persuadee_id
        if d.persuader_id is not None:
            persona["persuader_id"] = d.persuader_id
        persona["simulator"] = simulator
        persona["matched"] = matched
        lo, hi = DONATION_RANGE
        reward = min(hi, max(lo, d.persuadee_donation))
        return Episode(
            id=f"p4g-{d.dialogue_id}",
            task="persuasion",
            env_id=ENV_ID,
            seed=draw,
            persona=persona,
            messages=messages,
            reward=reward,
            outcome={
                "donation": reward,
                "real_donation": d.persuadee_donation,
                "clipped": d.persuadee_donation > hi,
                "persuader_donation": d.persuader_donation,
            },
            success=reward > 0,
            source="human",
            policy=POLICY,
            agent_acts=[self.recognizer.recognize(m["content"]) for m in messages if m["role"] == "assistant"],
            terminated=True,
            env_kwargs={"persona_split": self.split, "max_turns": max(self.default_turns, turns)},
        )


# --------------------------------------------------------------------------- the command
@dataclass
class ImportSummary:
    path: str
    layout: str
    dialogues: int
    already_there: int
    written: int
    skipped_invalid: int
    clipped: int
    problems: list[str]

    def __str__(self) -> str:
        parts = [
            f"{self.path}: {self.already_there + self.written} episodes from {self.dialogues} valid "
            f"{self.layout.upper()} dialogues ({self.written} new, {self.already_there} already there)"
        ]
        if self.clipped:
            parts.append(f"{self.clipped} donation(s) above $2 clipped to $2")
        if self.skipped_invalid:
            shown = "; ".join(self.problems[:5]) + ("; ..." if len(self.problems) > 5 else "")
            parts.append(f"skipped {self.skipped_invalid} invalid: {shown}")
        return "; ".join(parts)


def _fingerprint(files: list[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode() + b"\0")
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def import_p4g(
    path: str | os.PathLike[str],
    out: str | os.PathLike[str],
    skip_invalid: bool = False,
    persona_split: str = "train",
    seed: int = 0,
) -> ImportSummary:
    """Write PersuasionForGood's dialogues in ``path`` to the episode file ``out`` (resumable, idempotent).

    Raises :class:`P4GFormatError` naming ``file:line`` at the first bad dialogue unless ``skip_invalid``;
    nothing is written before the whole input has been read, so an error leaves ``out`` as it was.
    """
    if persona_split not in ("train", "test", "hard"):
        raise ValueError(f"persona_split={persona_split!r}: expected 'train', 'test' or 'hard'")
    data = read_p4g(path)
    if data.problems and not skip_invalid:
        first = data.problems[0]
        more = f" (and {len(data.problems) - 1} more)" if len(data.problems) > 1 else ""
        raise P4GFormatError(f"{first}{more}; use --skip-invalid to skip such dialogues")
    if not data.dialogues:
        raise P4GFormatError(f"{path}: no valid dialogue to import ({len(data.problems)} invalid)")
    config = {
        "command": "import p4g",
        "layout": data.layout,
        "input_sha256": _fingerprint(data.files),
        "persona_split": persona_split,
        "seed": seed,
    }
    target = Path(out)
    done = open_for_resume(target, config, "import")
    converter = _Converter(persona_split, seed)
    written = 0
    try:
        with EpisodeWriter(target) as writer:
            for d in data.dialogues:
                if f"p4g-{d.dialogue_id}" in done:
                    continue
                writer.write(converter.episode(d))
                written += 1
    finally:
        converter.env.close()
    return ImportSummary(
        path=str(target),
        layout=data.layout,
        dialogues=len(data.dialogues),
        already_there=len(data.dialogues) - written,
        written=written,
        skipped_invalid=len(data.problems),
        clipped=sum(d.persuadee_donation > DONATION_RANGE[1] for d in data.dialogues),
        problems=[str(p) for p in data.problems],
    )
