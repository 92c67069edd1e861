"""Batch-first plumbing between users that need an LLM and whoever runs them.

A simulated user that needs a model call does not make it: its ``*_steps``
generators *yield* an :class:`LLMCall` and receive the reply. Whoever drives the
generator decides how calls are made: :func:`drive` makes them one at a time (a
single env), :func:`drive_batch` runs many generators at once (a vector env). Users
that need no model (the scripted ones) return without yielding and cost nothing extra.

:func:`drive_batch` has two ways to run, picked from the models it meets:

* **lockstep** (any model, e.g. a local ``hf`` model): each round's calls go out as one
  batch per model, so the device batches them; a generator that needs a second call
  (the judge after the user's last reply) waits for the round to end.
* **pipelined** (models whose ``concurrent_calls`` is true, e.g. an OpenAI-compatible
  endpoint): every generator runs on its own driver thread and sends its next call the
  moment its previous reply arrives. The endpoint's ``concurrency`` slots never idle
  while a round drains, which is what keeps throughput near concurrency / latency.

Both give the same results: the replies depend on each call's messages and sample id,
never on the order in which calls are made.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

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
    """Run one generator to completion, making its calls one by one."""
    try:
        call = next(gen)
        while True:
            reply = call.llm.generate([call.messages], sample_ids=[call.sample_id], **call.params)[0]
            call = gen.send(reply)
    except StopIteration as stop:
        return stop.value


MODES = ("auto", "lockstep", "pipelined")

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _driver_pool() -> ThreadPoolExecutor:
    """Driver threads for pipelined runs, made once and reused (threads are created as needed)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4096, thread_name_prefix="dialgym-drive")
        return _pool


def _concurrent(llm: Any) -> bool:
    return bool(getattr(llm, "concurrent_calls", False))


def drive_batch(gens: Sequence[Steps[Any]], mode: str = "auto") -> list[Any]:
    """Run generators to completion, all at once; return their results in order.

    ``mode``: ``"lockstep"`` sends each round of calls as one batch per (model, params); ``"pipelined"``
    gives every generator a driver thread that makes its calls one by one as soon as they are ready;
    ``"auto"`` (the default) pipelines when every model of the first round has ``concurrent_calls``
    (an endpoint that serves many requests at once gains nothing from batches) and uses lockstep otherwise.
    """
    if mode not in MODES:
        raise ValueError(f"mode={mode!r}; expected one of {MODES}")
    results: list[Any] = [None] * len(gens)
    pending: dict[int, LLMCall] = {}
    for i, gen in enumerate(gens):
        try:
            pending[i] = next(gen)
        except StopIteration as stop:
            results[i] = stop.value
    if not pending:
        return results
    if mode == "pipelined" or (mode == "auto" and all(_concurrent(c.llm) for c in pending.values())):
        return _drive_pipelined(gens, pending, results)
    return _drive_lockstep(gens, pending, results)


def _finish(gen: Steps[Any], call: LLMCall) -> Any:
    """Continue one generator from its pending call: :func:`drive` after the first ``next``."""
    try:
        while True:
            reply = call.llm.generate([call.messages], sample_ids=[call.sample_id], **call.params)[0]
            call = gen.send(reply)
    except StopIteration as stop:
        return stop.value


def _drive_pipelined(gens: Sequence[Steps[Any]], pending: dict[int, LLMCall], results: list[Any]) -> list[Any]:
    pool = _driver_pool()
    futures = {i: pool.submit(_finish, gens[i], call) for i, call in pending.items()}
    error: BaseException | None = None
    for i, fut in futures.items():
        try:
            results[i] = fut.result()
        except BaseException as exc:  # wait for every driver before raising: no generator is left mid-call
            error = error or exc
    if error is not None:
        raise error
    return results


def _drive_lockstep(gens: Sequence[Steps[Any]], pending: dict[int, LLMCall], results: list[Any]) -> list[Any]:
    while pending:
        groups: dict[tuple[int, str], list[int]] = {}
        for i, call in pending.items():
            key = (id(call.llm), json.dumps(call.params, sort_keys=True))
            groups.setdefault(key, []).append(i)
        replies: dict[int, str] = {}
        for indices in groups.values():
            first = pending[indices[0]]
            out = first.llm.generate(
                [pending[i].messages for i in indices],
                sample_ids=[pending[i].sample_id for i in indices],
                **first.params,
            )
            replies.update(zip(indices, out, strict=True))
        nxt: dict[int, LLMCall] = {}
        for i, reply in replies.items():
            try:
                nxt[i] = gens[i].send(reply)
            except StopIteration as stop:
                results[i] = stop.value
        pending = nxt
    return results
