"""Agents that play from a trained checkpoint: specs ``bc:PATH``, ``fbc:PATH``, ``ilql:PATH?beta=16``.

The prompt is built from ``info["messages"]`` and the env's task description with the very function that
formatted the training data (:func:`dialgym.agents.trajectories.chat_segments`), so the model sees at inference exactly
the kind of context it was trained on, ending with the opening of a new assistant turn. Generation stops at
the end-of-turn token and the reply is decoded without special tokens. :meth:`LMAgent.act_batch` runs one
left-padded batch for all episodes (one forward pass per generated token for the whole batch).

Spec options (after ``?``): ``beta`` (ILQL only; default: the one stored with the checkpoint, 16 unless
trained with another ``--beta``), ``temperature`` (default 1), ``top_k``
(default 0 = off), ``top_p`` (default 1 = off), ``max_new_tokens`` (default 64), ``greedy`` (0/1),
``filter_order`` (ILQL: ``before`` (default) or ``after`` the advantage is added), ``threads`` (torch
threads; default the cores idle when the agent is built, see :mod:`dialgym.utils.threads`), ``any_task``
(play a task the checkpoint was not trained on; refused by default).
Torch is imported only when such an agent is built.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialgym.agents.models import CheckpointError, max_positions, read_meta, require_torch
from dialgym.agents.sampling import prompt_ids
from dialgym.agents.trajectories import chat_segments, task_description
from dialgym.core.agent import Agent
from dialgym.core.env import MAX_ACTION_CHARS
from dialgym.core.task import bare_env_id

if TYPE_CHECKING:  # pragma: no cover
    from dialgym.agents.bc import BCModel
    from dialgym.agents.ilql import ILQLModel

ALGORITHMS = ("bc", "fbc", "ilql", "grpo")

_OPTIONS: dict[str, type] = {
    "beta": float,
    "temperature": float,
    "top_k": int,
    "top_p": float,
    "max_new_tokens": int,
    "greedy": bool,
    "filter_order": str,
    "threads": int,
    "any_task": bool,
}


def _parse(name: str, value: Any) -> Any:
    kind = _OPTIONS[name]
    if isinstance(value, kind) and not (kind is not bool and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            if text.lower() in ("1", "true", "yes"):
                return True
            if text.lower() in ("0", "false", "no"):
                return False
            raise ValueError
        return kind(text)
    except ValueError:
        raise ValueError(f"agent option {name}={value!r} is not a valid {kind.__name__}") from None


class LMAgent(Agent):
    """A dialogue agent backed by a BC, filtered-BC or ILQL checkpoint (see the module docstring)."""

    name = "lm"

    def __init__(
        self,
        env_id: str | None,
        path: str | os.PathLike[str],
        algorithm: str,
        seed: int | None = None,
        beta: float | None = None,
        temperature: float = 1.0,
        top_k: int = 0,
        top_p: float = 1.0,
        max_new_tokens: int = 64,
        greedy: bool = False,
        filter_order: str = "before",
        threads: int | None = None,
        any_task: bool = False,
    ) -> None:
        super().__init__(env_id, seed)
        if algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm={algorithm!r}; expected one of {list(ALGORITHMS)}")
        if beta is not None and algorithm != "ilql":
            raise ValueError(f"option beta is for ilql checkpoints only, not {algorithm!r}")
        if temperature < 0 or top_k < 0 or not 0 < top_p <= 1 or max_new_tokens < 1:
            raise ValueError(
                f"need temperature >= 0, top_k >= 0, 0 < top_p <= 1, max_new_tokens >= 1; got "
                f"{temperature}, {top_k}, {top_p}, {max_new_tokens}"
            )
        if filter_order not in ("before", "after"):
            raise ValueError(f"filter_order={filter_order!r}; expected 'before' or 'after'")
        meta = read_meta(path, [algorithm])  # clear errors for a missing path or another algorithm
        trained_on = meta.get("data", {}).get("env_ids") or []
        task_id = bare_env_id(env_id) if env_id else env_id
        if task_id and trained_on and task_id not in trained_on and not any_task:
            # its prompts, strategies and values are another task's: it would play, badly, and say nothing
            raise CheckpointError(
                f"checkpoint {os.fspath(path)!r} was trained on {trained_on} data, not {env_id!r}; "
                f"add ?any_task=true to the spec to play it there anyway (a transfer experiment)"
            )
        require_torch()
        from dialgym.utils.threads import set_torch_threads

        self.threads = set_torch_threads(threads)  # None: the cores idle now (dialgym.utils.threads)
        if algorithm == "ilql":
            from dialgym.agents.ilql import ILQLModel

            ilql = ILQLModel.from_pretrained(meta["path"])
            if beta is None:
                # the beta dialgym train stored; a checkpoint saved from Python has its config's (ILQLConfig.beta)
                beta = float(meta.get("inference", {}).get("beta", ilql.config.beta))
            self.model: BCModel | ILQLModel = ilql
        else:
            from dialgym.agents.bc import BCModel

            self.model = BCModel.from_pretrained(meta["path"], algorithms=[algorithm])
        self.algorithm = algorithm
        self.path = str(path)
        data = meta.get("data", {})
        self.include_description = bool(data.get("include_description", True))
        self.beta = beta
        self.temperature = temperature
        self.top_k = top_k
        self.top_p = top_p
        self.max_new_tokens = max_new_tokens
        self.greedy = greedy
        self.filter_order = filter_order
        self._system = task_description(env_id) if (env_id and self.include_description) else None

    def prompt(self, info: dict[str, Any]) -> list[int]:
        """Token ids of the prompt for the next agent turn (the training format, cut from the left if too long)."""
        messages = info.get("messages")
        if not isinstance(messages, list):
            raise ValueError("LMAgent needs info['messages'] (the dialogue so far as chat messages)")
        ids = prompt_ids(
            self.model.tokenizer,
            chat_segments(self.model.tokenizer, messages, system=self._system, add_generation_prompt=True),
        )
        limit = max_positions(self.model.lm)
        if limit is not None and len(ids) + self.max_new_tokens > limit:
            ids = ids[len(ids) + self.max_new_tokens - limit :]
        return ids

    def act(self, observation: str, info: dict[str, Any]) -> str:
        return self.act_batch([observation], [info])[0]

    def act_batch(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        """One generation batch for all episodes; sampling is seeded from :attr:`rng`."""
        if len(observations) != len(infos):
            raise ValueError(f"act_batch got {len(observations)} observations but {len(infos)} infos")
        if not infos:
            return []
        prompts = [self.prompt(info) for info in infos]
        kwargs: dict[str, Any] = {
            "max_new_tokens": self.max_new_tokens,
            "top_k": self.top_k,
            "top_p": self.top_p,
            "temperature": self.temperature,
            "do_sample": not self.greedy,
            "seed": int(self.rng.integers(2**31 - 1)),
        }
        if self.algorithm == "ilql":
            kwargs.update(beta=self.beta, filter_order=self.filter_order)
        # An env refuses utterances over MAX_ACTION_CHARS; a poorly trained model (or a phrase tokenizer,
        # where one token can be a whole sentence) can exceed that within max_new_tokens: cut, as a person would.
        return [text[:MAX_ACTION_CHARS] for text in self.model.generate(prompts, **kwargs)]

    def __repr__(self) -> str:
        extra = f" beta={self.beta}" if self.algorithm == "ilql" else ""
        return f"<LMAgent {self.algorithm}:{self.path}{extra} env_id={self.env_id!r}>"


def make_checkpoint_agent(
    algorithm: str, path: str | None, env_id: str, seed: int | None = None, **options: Any
) -> LMAgent:
    """Build the agent for spec ``ALGORITHM:PATH?options`` (the builder behind ``bc``, ``fbc``, ``ilql``)."""
    if not path:
        raise ValueError(f"agent {algorithm!r} needs a checkpoint path: {algorithm}:PATH")
    if not Path(path).expanduser().exists():
        raise CheckpointError(f"agent {algorithm}:{path}: checkpoint {path!r} does not exist")
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise ValueError(f"agent {algorithm!r}: unknown option(s) {unknown}; expected some of {sorted(_OPTIONS)}")
    parsed = {k: _parse(k, v) for k, v in options.items()}
    return LMAgent(env_id, path, algorithm, seed=seed, **parsed)


def spec_builder(algorithm: str) -> Callable[..., Agent]:
    """A builder for ``dialgym.agents.AGENTS``: ``builder(env_id, arg, seed, **options)``."""

    def build(env_id: str, arg: str | None, seed: int | None, **options: Any) -> Agent:
        return make_checkpoint_agent(algorithm, arg, env_id, seed=seed, **options)

    build.__name__ = f"build_{algorithm}"
    return build


__all__ = ["LMAgent", "make_checkpoint_agent", "spec_builder"]
