"""Online RL of language-model agents against dialgym's simulated users, with TRL's ``GRPOTrainer``.

Two adapters, for the two ways TRL (>= 1.8) lets a trainer talk to an environment:

* :func:`make_rollout_func` -> ``GRPOTrainer(rollout_func=...)``. dialgym plays whole dialogues with the
  model being trained: the model writes an agent turn, the simulated user answers, and so on to the end
  of the episode. The completion TRL trains on is the whole dialogue after the opening; the user's turns
  (and the chat template's role headers) are context, masked out of the loss with ``env_mask``, so the
  model learns what to say, never to imitate the user. Works with any causal LM and plain chat (no tool
  template), including dialgym's ``tiny`` model and ``bc:``/``fbc:``/``ilql:`` checkpoints: the dialogue is
  formatted exactly as :mod:`dialgym.agents.lm` formats training data (the task description as the system
  message), so GRPO can continue from imitation. All episodes of a batch advance in lockstep: one
  generation batch per turn, and LLM users' calls go out as one batch per turn
  (:func:`dialgym.core.calls.drive_batch`), so an OpenAI-compatible endpoint gets them concurrently.
* :func:`make_environment_factory` -> ``GRPOTrainer(environment_factory=...)``. For tool-calling chat
  models: ``reset`` returns the task brief and the user's opening line, the one tool ``say(message)``
  plays one agent turn and returns the user's reply, ``get_reward`` reports the episode return. TRL pools
  and reuses instances, so ``reset`` rebuilds all state. The model's chat template must support tool
  calls. TRL runs tools one episode at a time (TRL 1.16 awaits even async tools per episode), so with
  LLM users the rollout function, which batches their calls, is the faster choice.

**One persona per GRPO group.** GRPO's baseline is the mean return of a group of completions of the same
prompt; completions that met different hidden personas would make that baseline noise, not signal. Both
adapters reset the env with the ``seed`` of the dataset row, and TRL repeats a row ``num_generations``
times in a row, so a group shares the seed, hence the persona and the user's random choices. Seeds come
from :func:`episode_seeds` (dialgym's one seed derivation), so a dataset is reproducible. Build it with
the adapter's ``dataset(episodes, seed)``: TRL passes only the ``prompt`` column to a rollout function, so
there the prompt names the episode (``"Persuasion-v0 seed=123"``, what TRL's completion logs show); the
model never sees it.

**Rewards** are the env's own episode returns: ``reward_funcs=episode_return`` with the rollout function
(it reads the ``episode_return`` field the rollout returns), ``get_reward`` with the environment factory.
An episode the model leaves unfinished (it stops calling ``say``, or the rollout runs out of
``max_completion_length``) is played to its end with the agent silent (empty turns): the reward is what
the user makes of that, never a number we invent. A simulated user that fails for good (an LLM user's
judge that never answers in its schema, say: ``info["user_failure"]``) stops the rollout with a
``UserSimulatorError`` rather than hand GRPO a 0 that is no outcome.

Usage (see ``examples/trl_grpo.py``)::

    from trl import GRPOConfig, GRPOTrainer
    from dialgym.integrations.trl import episode_return, make_rollout_func

    rollout = make_rollout_func("Persuasion-v0")
    trainer = GRPOTrainer(model=model, processing_class=tokenizer, reward_funcs=episode_return,
                          train_dataset=rollout.dataset(1000, seed=0), rollout_func=rollout,
                          args=GRPOConfig(output_dir="runs/grpo", num_generations=8, bf16=False, use_cpu=True))
    trainer.train()
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from dialgym.core.calls import drive_batch
from dialgym.core.env import MAX_ACTION_CHARS, DialogueEnv
from dialgym.core.text import normalize_text
from dialgym.core.types import UserSimulatorError
from dialgym.seeding import TRAINING, episode_seed

#: the prompt of a rollout-function dataset row: the episode's name, parsed back by :func:`prompt_seed`
PROMPT_FORMAT = "{env_id} seed={seed}"
_SEED_RE = re.compile(r"seed=(-?\d+)\s*$")


def require_trl() -> None:
    """Fail with the extra to install when TRL or its dependencies are missing."""
    for module in ("trl", "datasets", "torch", "transformers"):
        try:
            __import__(module)
        except ImportError:
            raise ImportError(
                f"dialgym's TRL integration needs {module!r}; install the extra: pip install 'dialgym[trl]' "
                "(install torch first, e.g. pip install torch==2.13.0, to get the CPU build)"
            ) from None


def episode_seeds(episodes: int, seed: int = 0) -> list[int]:
    """The env seeds of ``episodes`` training episodes of a run seeded ``seed`` (dialgym's derivation).

    The same derivation as evaluation's (:func:`dialgym.seeding.episode_seed`) under another stream
    (:data:`dialgym.seeding.TRAINING`), so training personas never replay an evaluation run's sequence with
    the same run seed.
    """
    if isinstance(episodes, bool) or not isinstance(episodes, int) or episodes < 1:
        raise ValueError(f"episodes={episodes!r} must be a positive integer")
    return [episode_seed(seed, i, stream=TRAINING) for i in range(episodes)]


def prompt_seed(prompt: Any) -> int:
    """The env seed a rollout-function prompt names (``"... seed=123"``; a chat prompt's last message)."""
    text = prompt
    if isinstance(prompt, list) and prompt and isinstance(prompt[-1], dict):
        text = prompt[-1].get("content")
    match = _SEED_RE.search(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"rollout prompt {prompt!r:.120} does not name an episode seed; expected a prompt ending in "
            "'seed=<int>' as make_rollout_func(...).dataset(episodes, seed) writes them"
        )
    return int(match.group(1))


def make_env(env_id: str, env_kwargs: dict[str, Any]) -> DialogueEnv:
    """``gym.make(env_id, **env_kwargs).unwrapped``, checked to be a dialgym dialogue env."""
    import gymnasium as gym

    import dialgym  # noqa: F401  (registers the ids)

    if not isinstance(env_id, str) or not env_id:
        raise ValueError(f"env_id={env_id!r} must be a registered env id such as 'Persuasion-v0'")
    env = gym.make(env_id, **env_kwargs).unwrapped
    if not isinstance(env, DialogueEnv):
        raise TypeError(f"{env_id!r} makes a {type(env).__name__}, not a dialgym DialogueEnv")
    return env


def episode_return(
    completions: Sequence[Any], episode_return: Sequence[float] | None = None, **kwargs: Any
) -> list[float]:
    """TRL reward function for :func:`make_rollout_func`: each dialogue's return, as the env paid it.

    Also logs the success rate and the mean number of agent turns (``dialgym/success``, ``dialgym/turns``).
    """
    if episode_return is None:
        raise ValueError(
            "episode_return found no 'episode_return' field: use it with rollout_func=make_rollout_func(...), "
            "whose rollouts carry each dialogue's return"
        )
    log_metric = kwargs.get("log_metric")
    if log_metric is not None:
        for key in ("success", "turns"):
            values = kwargs.get(key)
            if values:
                log_metric(f"dialgym/{key}", sum(float(v) for v in values) / len(values))
    return [float(r) for r in episode_return]


# --------------------------------------------------------------------------- rollout function
@dataclass
class DialogueRollout:
    """One dialogue as TRL trains on it: prompt ids, completion ids with ``env_mask``, and the outcome.

    ``env_mask[k]`` is 1 where ``completion_ids[k]`` was written by the model, 0 on context (user turns,
    role headers). ``cut``: the token budget ran out and the remaining agent turns were silent.
    """

    seed: int
    prompt_ids: list[int]
    completion_ids: list[int] = field(default_factory=list)
    env_mask: list[int] = field(default_factory=list)
    reward: float = 0.0
    success: bool = False
    turns: int = 0
    cut: bool = False
    done: bool = False
    messages: list[dict[str, str]] = field(default_factory=list)


def stop_on_user_failure(info: dict[str, Any], seed: int | None) -> None:
    """Raise when the simulated user failed for good (``info["user_failure"]``).

    Why raise instead of returning the env's reward 0: that 0 is no outcome, and GRPO has no way to leave
    one completion of a group out, so it would learn from it. (Evaluation and datasets leave such
    episodes out instead; see :class:`dialgym.core.env.DialogueEnv`.)
    """
    reason = info.get("user_failure")
    if reason:
        where = f"episode seed={seed}" if seed is not None else "this episode"
        raise UserSimulatorError(
            f"GRPO rollout, {where}: the simulated user failed ({reason}); its reward is no outcome, so the "
            "rollout stops rather than train on it"
        )


class RolloutFunc:
    """``GRPOTrainer(rollout_func=...)`` for a dialgym task (see the module docstring).

    Args:
        env_id: a registered dialgym env id. env_kwargs: passed to ``gym.make`` (``user="llm"``, ``llm={...}``,
            ``persona_split``, ``max_turns``...).
        max_new_tokens: longest agent turn in tokens (a turn cut there ends without its end-of-turn token).
        include_description: put the task description in the system message (as ``dialgym train`` does).
    """

    def __init__(
        self, env_id: str, *, max_new_tokens: int = 64, include_description: bool = True, **env_kwargs: Any
    ) -> None:
        if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or max_new_tokens < 1:
            raise ValueError(f"max_new_tokens={max_new_tokens!r} must be a positive integer")
        self.env_id = env_id
        self.env_kwargs = dict(env_kwargs)
        self.max_new_tokens = max_new_tokens
        self.include_description = include_description
        first = make_env(env_id, self.env_kwargs)  # bad ids and kwargs fail here, before any training
        self._envs: list[DialogueEnv] = [first]
        self.system = normalize_text(first.description) if include_description else None
        self.__name__ = f"dialgym_rollout[{env_id}]"

    def dataset(self, episodes: int, seed: int = 0) -> Any:
        """A ``datasets.Dataset`` of ``episodes`` rows: ``prompt`` names the episode, ``seed`` is its env seed."""
        require_trl()
        from datasets import Dataset

        seeds = episode_seeds(episodes, seed)
        return Dataset.from_dict(
            {"prompt": [PROMPT_FORMAT.format(env_id=self.env_id, seed=s) for s in seeds], "seed": seeds}
        )

    def __call__(self, prompts: Sequence[Any], trainer: Any) -> dict[str, Any]:
        """Play one dialogue per prompt with the trainer's model; return what GRPOTrainer expects."""
        from dialgym.seeding import stable_seed

        seeds = [prompt_seed(p) for p in prompts]
        model = trainer.accelerator.unwrap_model(trainer.model)
        limit = trainer.max_completion_length
        mode = "train" if model.training else "eval"
        rollouts = self.play(
            model,
            trainer.processing_class,
            seeds,
            temperature=float(trainer.temperature),
            top_k=int(trainer.top_k or 0),
            top_p=float(trainer.top_p if trainer.top_p is not None else 1.0),
            max_completion_length=int(limit) if limit else None,
            sample_seed=stable_seed("dialgym-grpo", trainer.args.seed, trainer.state.global_step, mode, seeds),
        )
        return {
            "prompt_ids": [r.prompt_ids for r in rollouts],
            "completion_ids": [r.completion_ids for r in rollouts],
            "logprobs": None,  # TRL recomputes them with the model (no vLLM here)
            "env_mask": [r.env_mask for r in rollouts],
            "episode_return": [r.reward for r in rollouts],
            "success": [r.success for r in rollouts],
            "turns": [r.turns for r in rollouts],
        }

    def _pool(self, n: int) -> list[DialogueEnv]:
        """``n`` envs, reused across calls (``reset`` with a seed rebuilds an env's whole episode state)."""
        while len(self._envs) < n:
            self._envs.append(make_env(self.env_id, self.env_kwargs))
        return self._envs[:n]

    def play(
        self,
        model: Any,
        tokenizer: Any,
        seeds: Sequence[int],
        *,
        temperature: float = 1.0,
        top_k: int = 0,
        top_p: float = 1.0,
        max_completion_length: int | None = None,
        sample_seed: int | None = 0,
    ) -> list[DialogueRollout]:
        """Play one episode per seed with ``model``, all in lockstep; the engine behind :meth:`__call__`.

        The model continues exactly the token sequence it will be trained on (its own sampled ids, then the
        tokenized context after them), so TRL's recomputed log-probabilities are those of the sampled tokens.
        """
        import torch

        from dialgym.agents.lm import chat_segments, decode_turn, generate_tokens, max_positions, prompt_ids
        from dialgym.agents.lm import stop_token_ids as end_of_turn_ids

        if not seeds:
            return []
        stops = end_of_turn_ids(tokenizer)
        positions = max_positions(model)
        generator = torch.Generator().manual_seed(int(sample_seed)) if sample_seed is not None else None
        envs = self._pool(len(seeds))
        rollouts: list[DialogueRollout] = []
        opened = drive_batch([e.reset_steps(seed=int(s)) for e, s in zip(envs, seeds, strict=True)])
        for seed, (_, info) in zip(seeds, opened, strict=True):
            stop_on_user_failure(info, seed)
            segments = chat_segments(tokenizer, info["messages"], system=self.system, add_generation_prompt=True)
            rollouts.append(DialogueRollout(seed=int(seed), prompt_ids=prompt_ids(tokenizer, segments)))
        budget = [self._room(r, max_completion_length, positions) for r in rollouts]
        for r, room in zip(rollouts, budget, strict=True):
            if room < 1:
                raise ValueError(
                    f"the opening of episode seed={r.seed} is {len(r.prompt_ids)} tokens, which leaves no room for an "
                    f"agent turn (max_completion_length={max_completion_length}, model positions={positions})"
                )
        active = list(range(len(rollouts)))
        while active:
            rooms = {i: self._room(rollouts[i], max_completion_length, positions) for i in active}
            speaking = [i for i in active if rooms[i] >= 1 and not rollouts[i].cut]
            texts = {i: "" for i in active}  # out of budget: the agent stays silent
            # One generation batch per distinct room: a batch runs for its largest room, so a row near the
            # model's position limit batched with roomier rows would be driven past its position embeddings.
            groups: dict[int, list[int]] = {}
            for i in speaking:
                groups.setdefault(rooms[i], []).append(i)
            generated: dict[int, list[int]] = {}
            for room, rows in sorted(groups.items()):
                out = generate_tokens(
                    model,
                    [rollouts[i].prompt_ids + rollouts[i].completion_ids for i in rows],
                    pad_id=tokenizer.pad_token_id,
                    stop_ids=stops,
                    max_new_tokens=room,
                    temperature=temperature,
                    top_k=top_k,
                    top_p=top_p,
                    do_sample=temperature > 0,
                    generator=generator,
                )
                generated.update(zip(rows, out, strict=True))
            if speaking:
                for i, ids in ((i, generated[i]) for i in speaking):
                    ids = ids[: rooms[i]]
                    rollouts[i].completion_ids.extend(ids)
                    rollouts[i].env_mask.extend([1] * len(ids))
                    texts[i] = decode_turn(tokenizer, ids, stops)[:MAX_ACTION_CHARS]
            for i in active:
                if i not in speaking:
                    rollouts[i].cut = True
            results = drive_batch([envs[i].step_steps(texts[i]) for i in active])
            still: list[int] = []
            for i, (_, reward, terminated, truncated, info) in zip(active, results, strict=True):
                r = rollouts[i]
                stop_on_user_failure(info, r.seed)
                r.reward += float(reward)
                r.turns += 1
                r.messages = [dict(m) for m in info["messages"]]
                if terminated or truncated:
                    r.done, r.success = True, bool(info.get("success", False))
                    continue
                still.append(i)
                if r.cut:
                    continue
                segments = chat_segments(tokenizer, info["messages"], system=self.system, add_generation_prompt=True)
                last_action = max(k for k, (_, is_action) in enumerate(segments) if is_action)
                tail = prompt_ids(tokenizer, segments[last_action + 1 :])
                r.completion_ids.extend(tail)
                r.env_mask.extend([0] * len(tail))
                if self._room(r, max_completion_length, positions) < 1:
                    # no room for another turn: drop the context just added, so the sequence ends on the model's turn
                    del r.completion_ids[-len(tail) :], r.env_mask[-len(tail) :]
                    r.cut = True
            active = still
        return rollouts

    def _room(self, r: DialogueRollout, max_completion_length: int | None, positions: int | None) -> int:
        """How many tokens the next agent turn may have."""
        room = self.max_new_tokens
        if max_completion_length is not None:
            room = min(room, max_completion_length - len(r.completion_ids))
        if positions is not None:
            room = min(room, positions - len(r.prompt_ids) - len(r.completion_ids))
        return room


def make_rollout_func(env_id: str, **kwargs: Any) -> RolloutFunc:
    """A ``rollout_func`` for ``GRPOTrainer`` that plays whole dialogues on ``env_id`` (see :class:`RolloutFunc`).

    Keyword arguments: ``max_new_tokens`` and ``include_description`` for the rollout, everything else for
    ``gym.make`` (e.g. ``user="llm", llm={"backend": "openai", ...}``). Pair it with
    ``reward_funcs=episode_return`` and ``train_dataset=rollout.dataset(episodes, seed)``.
    """
    require_trl()
    return RolloutFunc(env_id, **kwargs)


# --------------------------------------------------------------------------- environment factory
class DialogueEnvironment:
    """Base of the classes :func:`make_environment_factory` returns (TRL's ``environment_factory`` protocol).

    TRL turns every public method other than ``reset`` and ``get_reward`` into a tool, so everything else
    here is private. TRL builds instances with no arguments and reuses them: :meth:`reset` starts a new
    episode from scratch (the env's reset rebuilds its state; ours is reassigned).
    """

    env_id: ClassVar[str] = ""
    env_kwargs: ClassVar[dict[str, Any]] = {}

    def __init__(self) -> None:
        self._env = make_env(self.env_id, dict(self.env_kwargs))
        self._return = 0.0
        self._done = True
        self._started = False

    @classmethod
    def dataset(cls, episodes: int, seed: int = 0) -> Any:
        """A ``datasets.Dataset`` of ``episodes`` rows: an empty user prompt (``reset`` fills it) and a ``seed``."""
        require_trl()
        from datasets import Dataset

        seeds = episode_seeds(episodes, seed)
        return Dataset.from_dict({"prompt": [[{"role": "user", "content": ""}] for _ in seeds], "seed": seeds})

    def reset(self, seed: int | None = None, **row: Any) -> str:
        """Start the episode of ``seed`` (a dataset column; None: a fresh random persona); return the brief."""
        _, info = self._env.reset(seed=None if seed is None else int(seed))
        stop_on_user_failure(info, seed)
        self._return = 0.0
        self._done = False
        self._started = True
        brief = normalize_text(self._env.description)
        howto = (
            "You talk to the user only through the say tool: each call is one turn of yours, and it returns the "
            f"user's reply. The conversation ends when the user leaves or after {self._env.max_turns} turns of yours."
        )
        opening = [m["content"] for m in info["messages"] if m["role"] == "user"]
        first = f"The user says: {opening[0]}" if opening else "The user is waiting for you to speak first."
        return f"{brief}\n\n{howto}\n\n{first}"

    def say(self, message: str) -> str:
        """Say one thing to the user (one turn of the conversation) and hear their reply.

        Args:
            message: What you say to the user.

        Returns:
            The user's reply.
        """
        if not self._started:
            raise RuntimeError("say() before reset(): the episode has not started")
        if self._done:
            raise RuntimeError("the conversation is over; the user is no longer listening")
        if not isinstance(message, str):
            raise TypeError(f"message must be a string, got {type(message).__name__}: {message!r:.80}")
        _, reward, terminated, truncated, info = self._env.step(message[:MAX_ACTION_CHARS])
        stop_on_user_failure(info, None)
        self._return += float(reward)
        last = info["messages"][-1]
        reply = last["content"] if last["role"] == "user" else ""
        if terminated or truncated:
            self._done = True
            return f"{reply}\n(The conversation is over.)".strip()
        return reply

    def get_reward(self) -> float:
        """The episode return; an unfinished episode is first played out with the agent silent."""
        if not self._started:
            raise RuntimeError("get_reward() before reset(): no episode was played")
        while not self._done:
            _, reward, terminated, truncated, info = self._env.step("")
            stop_on_user_failure(info, None)
            self._return += float(reward)
            self._done = bool(terminated or truncated)
        return self._return


def make_environment_factory(env_id: str, **env_kwargs: Any) -> type[DialogueEnvironment]:
    """An ``environment_factory`` class for ``GRPOTrainer`` on ``env_id`` (see :class:`DialogueEnvironment`).

    ``env_kwargs`` go to ``gym.make`` (``user="llm"``, ``llm={...}``, ``persona_split``, ``max_turns``...);
    they are checked now, by building one env. Use ``train_dataset=Factory.dataset(episodes, seed)``.
    """
    require_trl()
    make_env(env_id, dict(env_kwargs)).close()
    name = "Dialgym" + re.sub(r"\W", "", env_id.split(":")[-1].replace("-", "_").title().replace("_", ""))
    return type(name, (DialogueEnvironment,), {"env_id": env_id, "env_kwargs": dict(env_kwargs)})


__all__ = [
    "DialogueEnvironment",
    "DialogueRollout",
    "RolloutFunc",
    "episode_return",
    "episode_seeds",
    "make_environment_factory",
    "make_rollout_func",
    "prompt_seed",
]
