"""Batch-first plumbing between users that need an LLM and whoever runs them.

A simulated user that needs a model call does not make it: its ``*_steps``
generators *yield* an :class:`LLMCall` and receive the reply. Whoever drives the
generator decides how calls are made: :func:`drive` makes them one at a time (a
single env), :func:`drive_batch` runs many generators in lockstep and sends each
round of calls as one batch per model (a vector env), so a local model batches on
the device and a remote endpoint gets concurrent requests. Users that need no
model (the scripted ones) return without yielding and cost nothing extra.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

T = TypeVar("T")


@dataclass
class LLMCall:
    """One request: ``llm.generate([messages], sample_ids=[sample_id], **params)``.

    ``llm`` is any object with dialgym's batch-first ``generate`` (see :mod:`dialgym.llm`).
    """

    llm: Any
    messages: list[dict[str, str]]
    sample_id: Any = None
    params: dict[str, Any] = field(default_factory=dict)


Steps = Generator[LLMCall, str, T]


def drive(gen: Steps[T]) -> T:
    """Run one generator to completion, making its calls one by one.

    A call that raises raises *inside* the generator, at the ``yield`` that asked for it, so the code that
    asked (the user, the env around it) decides what a failed call means, as it does under :func:`drive_batch`.
    """
    try:
        call = next(gen)
        while True:
            try:
                reply = call.llm.generate([call.messages], sample_ids=[call.sample_id], **call.params)[0]
            except Exception as exc:
                call = gen.throw(exc)
            else:
                call = gen.send(reply)
    except StopIteration as stop:
        # StopIteration.value is untyped; it is what ``gen`` returned, which ``Steps[T]`` declares as T
        return cast(T, stop.value)


def drive_batch(gens: Sequence[Steps[Any]]) -> list[Any]:
    """Run generators in lockstep; each round's calls go out as one batch per (model, params).

    A conversation that fails for good raises its error inside *its own* generator only (models with
    ``generate_each`` report failures per conversation; for a model with only ``generate``, an error fails
    every generator of that batch). An error a generator does not handle propagates out of this function.
    """
    results: list[Any] = [None] * len(gens)
    pending: dict[int, LLMCall] = {}
    for i, gen in enumerate(gens):
        try:
            pending[i] = next(gen)
        except StopIteration as stop:
            results[i] = stop.value
    while pending:
        groups: dict[tuple[int, str], list[int]] = {}
        for i, call in pending.items():
            key = (id(call.llm), json.dumps(call.params, sort_keys=True))
            groups.setdefault(key, []).append(i)
        replies: dict[int, str | BaseException] = {}
        for indices in groups.values():
            first = pending[indices[0]]
            batch = [pending[i].messages for i in indices]
            sample_ids = [pending[i].sample_id for i in indices]
            each = getattr(first.llm, "generate_each", None)
            out: list[Any]
            try:
                if each is not None:
                    out = each(batch, sample_ids=sample_ids, **first.params)
                else:
                    out = first.llm.generate(batch, sample_ids=sample_ids, **first.params)
            except Exception as exc:
                out = [exc] * len(indices)
            replies.update(zip(indices, out, strict=True))
        nxt: dict[int, LLMCall] = {}
        for i, reply in replies.items():
            try:
                nxt[i] = gens[i].throw(reply) if isinstance(reply, BaseException) else gens[i].send(reply)
            except StopIteration as stop:
                results[i] = stop.value
        pending = nxt
    return results
