"""Wrappers that turn a text dialogue env into a small numeric MDP for act-level online RL.

Libraries such as stable-baselines3 have no text spaces, and learning to write free text
from a scalar end-of-episode reward is hopeless at the sample budgets of a laptop. These
wrappers give the standard tools an honest, fixed-size problem instead:

* :class:`DialogueActActions`: the action is an index into the task's
  ``act_repertoire``; it is phrased as a natural utterance with the task's
  ``phrase(act, rng, messages)`` (the scripted user still has to *recognise* it from text,
  exactly as for any other agent).
* :class:`DialogueFeatures`: the observation is a float32 vector computed from the dialogue
  so far (never from the persona): turn fraction, which strategies the user recognised and
  which acts were played, and keyword features of the user's replies. The same pure
  function, :func:`dialogue_features`, is used by the trained agent
  (:class:`dialgym.agents.sb3.SB3Agent`) to rebuild the vector from ``info["messages"]``,
  so a policy trained in the wrapper runs unchanged inside :func:`dialgym.evaluate`.

``make_act_env(env_id, **kwargs)`` builds ``DialogueFeatures(DialogueActActions(gym.make(...)))``.

Only gymnasium and numpy are needed here (the core must stay light).
"""

from __future__ import annotations

import functools
import math
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from dialgym.core.task import Task, bare_env_id
from dialgym.core.types import Message
from dialgym.registration import dialogue_env
from dialgym.seeding import utterance_seed, vocabulary_seed
from dialgym.tasks import get_task, task_for_env

#: Bump when the feature layout changes; saved with trained models and checked on load.
FEATURE_VERSION = 1
#: Keywords kept per task at most (two features each: last reply, any reply so far).
MAX_VOCABULARY = 192
#: Buckets of the hashed bag of words used when a task exposes no reply bank.
HASH_BUCKETS = 64
#: A user reply this long (characters) or longer has length feature 1.0.
_LENGTH_SCALE = 300.0

_TOKEN = re.compile(r"[a-z]+")
_SLOT = re.compile(r"\{[^{}]*\}")
#: Function words never worth a feature: they occur in every kind of reply.
_STOPWORDS: frozenset[str] = frozenset(
    """a about above after again all also am an and any are as at be because been before being below between
    both but by can could did do does doing don down during each few for from further had has have having he her
    here hers him his how i if in into is it its itself just let ll me more most much my myself no nor not now of
    off on once only or other our ours out over own re really same she should so some such than that the their
    them then there these they this those through to too under until up ve very was we were what when where which
    while who whom why will with would you your yours yourself""".split()
)


def utterance_rng(seed: int) -> np.random.Generator:
    """The RNG :class:`DialogueActActions` phrases acts with after ``reset(seed=seed)``.

    Why a separate stream (``SeedSequence([seed, 1])``) and not the env's own: the
    env's RNG drives the simulated user; drawing phrasings from it would make the user's
    behaviour depend on how many phrasing draws happened. A fixed derivation keeps both
    reproducible and independent.
    """
    return np.random.default_rng(utterance_seed(seed))


def tokenize(text: str) -> list[str]:
    """Lower-case alphabetic tokens (contractions split: ``"don't"`` -> ``don``, ``t``)."""
    return _TOKEN.findall(text.lower())


# --------------------------------------------------------------------------- vocabulary
def derive_vocabulary(
    replies: Mapping[str, Sequence[str]], max_words: int = MAX_VOCABULARY, per_kind: int = 4
) -> tuple[str, ...]:
    """Keywords that tell the kinds of a user's reply bank apart.

    For each reply kind (``"hint_logic"``, ``"concern"``, ...), greedily pick up to
    ``per_kind`` words that cover as many of that kind's phrasings as possible while being
    specific to few kinds (weight ``log(kinds / kinds containing the word)``). Why a cover
    rather than the globally most frequent words: every hint the user can give should light
    up at least one feature whatever phrasing the user drew, and rare kinds (a skeptic's
    concern) matter as much as frequent ones. Deterministic: ties break alphabetically.
    """
    kinds = [k for k, v in replies.items() if v]
    if not kinds:
        return ()
    docs: dict[str, list[set[str]]] = {}
    for k in kinds:
        docs[k] = [
            {w for w in tokenize(_SLOT.sub(" ", str(t))) if len(w) >= 3 and w not in _STOPWORDS} for t in replies[k]
        ]
    kind_df: dict[str, int] = {}
    for k in kinds:
        for w in set().union(*docs[k]):
            kind_df[w] = kind_df.get(w, 0) + 1
    n = len(kinds)
    max_kinds = max(2, n // 5)
    idf = {w: math.log((n + 1) / c) for w, c in kind_df.items() if c <= max_kinds}
    vocab: list[str] = []
    seen: set[str] = set()
    for k in kinds:
        uncovered = [d for d in docs[k] if d]
        for _ in range(per_kind):
            if not uncovered:
                break
            scores: dict[str, float] = {}
            for d in uncovered:
                for w in d:
                    if w in idf:
                        scores[w] = scores.get(w, 0.0) + idf[w]
            if not scores:
                break
            best = min(scores, key=lambda w: (-scores[w], w))
            if best not in seen:
                seen.add(best)
                vocab.append(best)
            uncovered = [d for d in uncovered if best not in d]
    return tuple(vocab[:max_words])


@functools.lru_cache(maxsize=16)
def rollout_vocabulary(
    env_id: str, max_turns: int, episodes: int = 200, seed: int = 0, min_df: int = 5, max_df: float = 0.3
) -> tuple[str, ...]:
    """Content words of the user's replies met while playing random acts, most frequent first.

    Why: a reply bank alone misses words that reach replies through template slots
    (a traveller's "museums", "scenery", "bad knee"), and some tasks have no bank at all.
    Playing the task's ``act_repertoire`` at random on the ``train`` split for ``episodes``
    seeded episodes and keeping words that occur in at least ``min_df`` replies and at most
    a ``max_df`` fraction of them (so neither typos nor filler) finds them for any task.
    Only transcripts are read, never personas. Cached per process (a few hundred ms).
    """
    task = get_task(env_id)
    repertoire = list(task.act_repertoire)
    env = gym.make(bare_env_id(env_id), persona_split="train", max_turns=max_turns)
    rng = np.random.default_rng(seed)
    df: dict[str, int] = {}
    n_replies = 0
    try:
        for ep in range(episodes):
            _, info = env.reset(seed=vocabulary_seed(seed, ep))
            done = False
            while not done:
                act = repertoire[int(rng.integers(len(repertoire)))]
                _, _, terminated, truncated, info = env.step(task.phrase(act, rng, info["messages"]))
                done = terminated or truncated
            for m in info["messages"]:
                if m["role"] == "user":
                    n_replies += 1
                    for w in {w for w in tokenize(m["content"]) if len(w) >= 3 and w not in _STOPWORDS}:
                        df[w] = df.get(w, 0) + 1
    finally:
        env.close()
    keep = [w for w, c in df.items() if min_df <= c <= max_df * n_replies]
    return tuple(sorted(keep, key=lambda w: (-df[w], w)))


# --------------------------------------------------------------------------- feature spec
@dataclass(frozen=True)
class FeatureSpec:
    """Everything that fixes the layout of the feature vector of one task.

    Saved next to a trained model (``to_dict``) so that the agent rebuilds exactly the
    vector the policy was trained on, even if the task's word lists change later.

    Attributes:
        env_id: the registered env id.
        max_turns: agent turns per episode (normalises the turn and count features).
        acts: the strategies the user recognises (the task's ``acts``).
        actions: the concrete acts of the action space (the task's ``act_repertoire``).
        vocabulary: keywords of the user's replies; empty means hashed bag of words.
        hash_buckets: buckets of the hashed bag of words (used only without a vocabulary).
        version: :data:`FEATURE_VERSION` when the spec was made.
    """

    env_id: str
    max_turns: int
    acts: tuple[str, ...]
    actions: tuple[str, ...]
    vocabulary: tuple[str, ...]
    hash_buckets: int = HASH_BUCKETS
    version: int = FEATURE_VERSION
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_turns < 1:
            raise ValueError(f"FeatureSpec.max_turns={self.max_turns!r} must be a positive integer")
        if not self.actions:
            raise ValueError(f"FeatureSpec for {self.env_id!r} has no actions (empty act_repertoire)")
        self._index.update({w: i for i, w in enumerate(self.vocabulary)})

    @classmethod
    def for_task(cls, env_id: str, max_turns: int) -> FeatureSpec:
        """The spec of ``env_id``, derived from its :class:`~dialgym.core.task.Task`.

        Keywords: the task's ``feature_vocabulary`` when it declares one, so a task can pin
        its vocabulary. Otherwise the words that tell apart the kinds of the user's reply
        bank (the task's ``replies``, see
        :func:`derive_vocabulary`), then the commonest content words of replies met in
        random play (:func:`rollout_vocabulary`), up to :data:`MAX_VOCABULARY` words. That
        works for every task; an empty vocabulary switches to a hashed bag of words.
        """
        task = get_task(env_id)
        vocab: Sequence[str] | None = task.feature_vocabulary
        if vocab is None:
            replies = task.replies
            words = list(derive_vocabulary(replies)) if isinstance(replies, Mapping) else []
            seen = set(words)
            for w in rollout_vocabulary(bare_env_id(env_id), int(max_turns)):
                if len(words) >= MAX_VOCABULARY:
                    break
                if w not in seen:
                    seen.add(w)
                    words.append(w)
            vocab = words[:MAX_VOCABULARY]
        return cls(
            env_id=bare_env_id(env_id),
            max_turns=int(max_turns),
            acts=task.acts,
            actions=task.act_repertoire,
            vocabulary=tuple(str(w) for w in vocab),
        )

    @property
    def n_words(self) -> int:
        return len(self.vocabulary) if self.vocabulary else self.hash_buckets

    @property
    def dim(self) -> int:
        """Length of the feature vector."""
        return 1 + 2 * len(self.acts) + 2 * len(self.actions) + 2 * self.n_words + 3

    def word_slots(self, text: str) -> list[int]:
        """Feature slots (within the word block) lit by ``text``."""
        tokens = tokenize(text)
        if self.vocabulary:
            return sorted({self._index[t] for t in tokens if t in self._index})
        return sorted({zlib.crc32(t.encode()) % self.hash_buckets for t in tokens})

    def layout(self) -> dict[str, tuple[int, int]]:
        """Name -> ``(start, stop)`` of each block of the vector (for inspection and tests)."""
        sizes = [
            ("turn_fraction", 1),
            ("act_counts", len(self.acts)),
            ("last_acts", len(self.acts)),
            ("action_counts", len(self.actions)),
            ("last_action", len(self.actions)),
            ("words_last_reply", self.n_words),
            ("words_any_reply", self.n_words),
            ("last_reply_meta", 3),
        ]
        out: dict[str, tuple[int, int]] = {}
        start = 0
        for name, size in sizes:
            out[name] = (start, start + size)
            start += size
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "env_id": self.env_id,
            "max_turns": self.max_turns,
            "acts": list(self.acts),
            "actions": list(self.actions),
            "vocabulary": list(self.vocabulary),
            "hash_buckets": self.hash_buckets,
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureSpec:
        version = int(data.get("version", -1))
        if version != FEATURE_VERSION:
            raise ValueError(
                f"feature spec version {version} is not supported; this dialgym computes version {FEATURE_VERSION}"
            )
        return cls(
            env_id=str(data["env_id"]),
            max_turns=int(data["max_turns"]),
            acts=tuple(data["acts"]),
            actions=tuple(data["actions"]),
            vocabulary=tuple(data["vocabulary"]),
            hash_buckets=int(data.get("hash_buckets", HASH_BUCKETS)),
            version=version,
        )


def dialogue_features(
    spec: FeatureSpec,
    messages: Sequence[Message] | Sequence[Mapping[str, str]],
    turn_acts: Sequence[Sequence[str] | None],
    turn_actions: Sequence[int | None],
) -> np.ndarray:
    """The feature vector of a dialogue: a pure function of what the agent has seen.

    Args:
        spec: the layout.
        messages: the history (``info["messages"]``).
        turn_acts: per agent turn (in order), the strategies the user recognised
            (``info["agent_acts"]`` after that turn); ``None`` where unknown.
        turn_actions: per agent turn, the action index played; ``None`` where unknown
            (a free-text turn, a replayed prefix).

    Why no persona argument: the persona is hidden; anything not derivable from the
    transcript and the agent's own choices must not reach the policy.

    When ``turn_acts``/``turn_actions`` are shorter than the number of agent turns in
    ``messages`` they describe the *last* turns (earlier ones are unknown).
    """
    vec = np.zeros(spec.dim, dtype=np.float32)
    lay = spec.layout()
    turns = sum(1 for m in messages if m["role"] == "assistant")
    inv = 1.0 / spec.max_turns
    vec[0] = min(turns * inv, 1.0)

    act_pos = {a: i for i, a in enumerate(spec.acts)}
    s_counts, s_last = lay["act_counts"][0], lay["last_acts"][0]
    for k, acts in enumerate(turn_acts):
        for a in set(acts or ()):
            i = act_pos.get(a)
            if i is None:
                continue
            vec[s_counts + i] = min(vec[s_counts + i] + inv, 1.0)
            if k == len(turn_acts) - 1:
                vec[s_last + i] = 1.0

    n_act = len(spec.actions)
    a_counts, a_last = lay["action_counts"][0], lay["last_action"][0]
    for k, idx in enumerate(turn_actions):
        if idx is None or not 0 <= int(idx) < n_act:
            continue
        vec[a_counts + int(idx)] = min(vec[a_counts + int(idx)] + inv, 1.0)
        if k == len(turn_actions) - 1:
            vec[a_last + int(idx)] = 1.0

    w_last, w_any = lay["words_last_reply"][0], lay["words_any_reply"][0]
    last_reply = ""
    if messages and messages[-1]["role"] == "user":
        last_reply = messages[-1]["content"]
    for m in messages:
        if m["role"] == "user":
            for s in spec.word_slots(m["content"]):
                vec[w_any + s] = 1.0
    for s in spec.word_slots(last_reply):
        vec[w_last + s] = 1.0
    meta = lay["last_reply_meta"][0]
    vec[meta] = 1.0 if last_reply else 0.0
    vec[meta + 1] = min(len(last_reply) / _LENGTH_SCALE, 1.0)
    vec[meta + 2] = 1.0 if "?" in last_reply else 0.0
    return vec


# --------------------------------------------------------------------------- wrappers
def task_of(env: gym.Env) -> tuple[str, Task]:
    """``(env_id, Task)`` of a (possibly wrapped) dialgym env (see :func:`dialgym.tasks.task_for_env`)."""
    task = task_for_env(env)
    return task.id, task


class DialogueActActions(gym.ActionWrapper, gym.utils.RecordConstructorArgs):
    """Discrete dialogue-act actions: index ``i`` plays the task's ``act_repertoire[i]`` in natural words.

    The phrasing is drawn with :func:`utterance_rng` ``(seed)`` from ``reset(seed=...)``
    (a reset without a seed continues the stream; the first one, if unseeded, uses the
    env's own seed), so equal seeds and actions give equal episodes. ``info`` gains
    ``"act"`` (the act name) and ``"utterance"`` (the text sent) after each step.
    """

    def __init__(self, env: gym.Env) -> None:
        gym.utils.RecordConstructorArgs.__init__(self)
        gym.ActionWrapper.__init__(self, env)
        self.env_id, self.task = task_of(env)
        self.acts: tuple[str, ...] = self.task.act_repertoire
        self.action_space = spaces.Discrete(len(self.acts))
        self._rng: np.random.Generator | None = None
        self._last: tuple[str, str] = ("", "")

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        obs, info = self.env.reset(seed=seed, options=options)
        if seed is not None:
            self._rng = utterance_rng(seed)
        elif self._rng is None:
            self._rng = utterance_rng(max(int(self.env.unwrapped.np_random_seed), 0))
        return obs, info

    def action(self, action: Any) -> str:
        index = self.index_of(action)
        if self._rng is None:
            raise RuntimeError("step() before reset(): call reset() first")
        act = self.acts[index]
        # TODO(core/task.py owner): PhraseFn's messages should accept Message (a TypedDict is no Mapping[str, str])
        text = self.task.phrase(act, self._rng, dialogue_env(self.env).messages)  # type: ignore[arg-type]
        self._last = (act, text)
        return text

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(self.action(action))
        info["act"], info["utterance"] = self._last
        return obs, reward, terminated, truncated, info

    def index_of(self, action: Any) -> int:
        """Validate ``action`` (an int or a 0-d/1-element integer array) and return it as an int."""
        value = action
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.reshape(()).item()
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(
                f"action must be an integer act index in [0, {len(self.acts)}), got {type(action).__name__}: "
                f"{action!r:.80}"
            )
        if not 0 <= int(value) < len(self.acts):
            raise ValueError(f"action {int(value)} is out of range; expected an act index in [0, {len(self.acts)})")
        return int(value)


class DialogueFeatures(gym.Wrapper, gym.utils.RecordConstructorArgs):
    """Fixed-size float32 features of the dialogue so far, never of the persona.

    A full :class:`gymnasium.Wrapper` rather than an ``ObservationWrapper`` because the
    features need more than the observation: the per-turn ``info["agent_acts"]`` (which
    the env reports for the last turn only, so the wrapper accumulates them) and the
    action indices played. See :func:`dialogue_features` for the layout.

    Applied to a text env (no :class:`DialogueActActions` inside), the action-index
    features stay zero and everything else works.
    """

    def __init__(self, env: gym.Env, spec: FeatureSpec | Mapping[str, Any] | None = None) -> None:
        if isinstance(spec, Mapping):
            spec = FeatureSpec.from_dict(spec)
        # Recorded as plain data so that ``env.spec`` stays JSON-serialisable and re-makeable.
        gym.utils.RecordConstructorArgs.__init__(self, spec=None if spec is None else spec.to_dict())
        gym.Wrapper.__init__(self, env)
        env_id, _ = task_of(env)
        max_turns = int(dialogue_env(env).max_turns)
        if spec is None:
            spec = FeatureSpec.for_task(env_id, max_turns)
        elif spec.env_id != env_id:
            raise ValueError(f"feature spec is for {spec.env_id!r}, but the env is {env_id!r}")
        self.feature_spec = spec
        self.observation_space = spaces.Box(low=0.0, high=1.0, shape=(spec.dim,), dtype=np.float32)
        self._discrete = isinstance(env.action_space, spaces.Discrete)
        self._acts: list[list[str] | None] = []
        self._actions: list[int | None] = []
        self._messages: list[Message] = []

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        _, info = self.env.reset(seed=seed, options=options)
        self._messages = list(info["messages"])
        prefix_turns = sum(1 for m in self._messages if m["role"] == "assistant")
        # A replayed prefix: only its last turn's acts are reported by the env.
        self._acts = [None] * max(prefix_turns - 1, 0) + ([list(info["agent_acts"])] if prefix_turns else [])
        self._actions = [None] * prefix_turns
        return self._features(), info

    def step(self, action: Any) -> tuple[np.ndarray, SupportsFloat, bool, bool, dict[str, Any]]:
        index: int | None = None
        if self._discrete and not isinstance(action, str):
            value = action.reshape(()).item() if isinstance(action, np.ndarray) and action.size == 1 else action
            if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
                index = int(value)
        _, reward, terminated, truncated, info = self.env.step(action)
        self._messages = list(info["messages"])
        self._acts.append(list(info["agent_acts"]))
        self._actions.append(index)
        return self._features(), reward, terminated, truncated, info

    def _features(self) -> np.ndarray:
        return dialogue_features(self.feature_spec, self._messages, self._acts, self._actions)


def make_act_env(env_id: str, spec: FeatureSpec | None = None, **kwargs: Any) -> DialogueFeatures:
    """``DialogueFeatures(DialogueActActions(gym.make(env_id, **kwargs)))``: the SB3-ready env.

    ``kwargs`` are the usual ``gym.make`` kwargs (``persona_split``, ``max_turns``, ...);
    ``spec`` pins the feature layout (as saved with a trained model).
    """
    get_task(env_id)  # names the bad id before gym does
    env = gym.make(bare_env_id(env_id), **kwargs)
    return DialogueFeatures(DialogueActActions(env), spec=spec)


__all__ = [
    "FEATURE_VERSION",
    "DialogueActActions",
    "DialogueFeatures",
    "FeatureSpec",
    "derive_vocabulary",
    "dialogue_features",
    "make_act_env",
    "task_of",
    "tokenize",
    "utterance_rng",
]
