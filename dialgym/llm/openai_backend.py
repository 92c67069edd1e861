"""OpenAI-compatible backend: concurrent requests, our own retry policy, several endpoints.

Why a thread pool: the ``openai`` client is synchronous and thread-safe, and a batch of conversations is
I/O bound; ``concurrency`` worker threads keep up to that many requests in flight, which is what an
endpoint's throughput (concurrency / latency) needs.

Why worker processes (``processes > 1``): the client spends ~1-2 ms of CPU per request under the
interpreter lock, so one process cannot keep 64+ requests in flight at a short latency; the batch is then
split round-robin over worker processes, each with its own client and thread pool, and the replies,
errors and usage counts come back to this process (every request keeps its batch index, so seeds,
backoff jitter and error messages are the same as in one process).

Why our own retries: the client's built-in retries are set to 0 so that one documented, seeded policy
covers every fault the LLM layer must survive (429 with Retry-After, 5xx, timeouts, connection errors,
and malformed or empty replies, which the client does not retry at all), and so tests can count attempts.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import pickle
import random
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from dialgym.llm.base import LLM, Conversation, LLMConfig, LLMError, Usage, require
from dialgym.seeding import stable_seed

#: HTTP statuses worth retrying (timeouts, conflicts, rate limits, server errors).
RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class MalformedReplyError(RuntimeError):
    """The endpoint answered 200 but the reply is unusable (no choices, empty or missing content)."""


class OpenAILLM(LLM):
    """Batch-first client for any ``/v1/chat/completions`` endpoint (OpenAI, vLLM, Ollama, llama.cpp,
    ``transformers serve``). Requests are spread round-robin over ``base_url`` entries; a retry goes to
    the next endpoint, so one failing server does not sink a conversation."""

    def __init__(self, config: LLMConfig, usage: Usage | None = None) -> None:
        super().__init__(config, usage)
        openai = require("openai", "llm")
        self._openai = openai
        self._closed = False
        self._workers: ProcessPoolExecutor | None = None  # started on first use when config.processes > 1
        self._workers_lock = threading.Lock()
        urls: list[str | None] = list(config.base_url) or [None]
        self._clients = [
            openai.OpenAI(
                base_url=url,
                api_key=config.resolved_api_key(),
                timeout=config.timeout,
                max_retries=0,  # our policy below is the only one
            )
            for url in urls
        ]
        self._round_robin = itertools.count()
        self._rr_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=config.concurrency, thread_name_prefix="dialgym-llm")

    # -- public -----------------------------------------------------------------------------------------

    def generate_partial(
        self, batch: list[Conversation], params: dict[str, Any], call: int, sample_ids: list[Any]
    ) -> list[str | LLMError]:
        if self._closed:
            raise RuntimeError("this OpenAILLM was closed; build a new one with make_llm(...)")
        if self.config.processes > 1:
            return self._generate_in_workers(batch, params, call, sample_ids)
        futures: list[Future[str | LLMError]] = [
            self._pool.submit(self._complete, conv, params, call, index, sample_ids[index])
            for index, conv in enumerate(batch)
        ]
        return [f.result() for f in futures]

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._workers is not None:
            self._workers.shutdown(wait=True, cancel_futures=True)
        for client in self._clients:
            client.close()

    # -- worker processes ---------------------------------------------------------------------------------

    def _generate_in_workers(
        self, batch: list[Conversation], params: dict[str, Any], call: int, sample_ids: list[Any]
    ) -> list[str | LLMError]:
        n = self.config.processes
        with self._workers_lock:
            if self._workers is None:
                import multiprocessing

                # spawn, not fork: this process runs threads (a forked child may inherit a held lock)
                context = multiprocessing.get_context("spawn")
                self._workers = ProcessPoolExecutor(
                    n, mp_context=context, initializer=_worker_init, initargs=(self.config,)
                )
        items = [(index, conv, sample_ids[index]) for index, conv in enumerate(batch)]
        futures = [
            self._workers.submit(_worker_run, self.config, items[k::n], params, call) for k in range(n) if items[k::n]
        ]
        results: list[str | LLMError | None] = [None] * len(batch)
        for future in futures:
            done, usage = future.result()
            self.usage.add(**usage)
            for index, reply in done:
                results[index] = reply
        return results  # type: ignore[return-value]

    # -- one conversation ---------------------------------------------------------------------------------

    def _next_client(self) -> int:
        with self._rr_lock:
            return next(self._round_robin) % len(self._clients)

    def _request_seed(self, params: dict[str, Any], sample_id: Any, conv: Conversation) -> int | None:
        if params["seed"] is None:
            return None
        return stable_seed(params["seed"], conv, sample_id)

    def _complete(
        self, conv: Conversation, params: dict[str, Any], call: int, index: int, sample_id: Any
    ) -> str | LLMError:
        """Send one conversation, retrying retryable faults with exponential backoff and seeded jitter."""
        cfg = self.config
        jitter: random.Random | None = None  # seeded per conversation on the first retry (deterministic backoff)
        start = self._next_client()
        request: dict[str, Any] = {
            "model": cfg.model,
            "messages": conv,
            "temperature": params["temperature"],
            "max_tokens": params["max_tokens"],
        }
        seed = self._request_seed(params, sample_id, conv)
        if seed is not None:
            request["seed"] = seed
        last: BaseException | None = None
        attempts = 0
        for attempt in range(cfg.max_retries + 1):
            client = self._clients[(start + attempt) % len(self._clients)]
            attempts += 1
            self.usage.add(requests=1, retries=1 if attempt else 0)
            retry_after: float | None = None
            try:
                # ``client.post`` is the client's documented route for raw requests: same auth, timeouts,
                # connection pool and status-error mapping as ``chat.completions.create``, without the
                # per-call TypedDict transform of the params (~35% of the client's CPU per request, which
                # caps throughput at high concurrency on a small CPU). We validate the batch ourselves.
                response = client.post("/chat/completions", body=request, cast_to=dict)
                return self._extract(response)
            except self._openai.APIStatusError as exc:
                last = exc
                if exc.status_code not in RETRYABLE_STATUS:
                    break  # 400/401/404/422...: retrying cannot help
                retry_after = _retry_after_seconds(exc)
            except Exception as exc:  # connection errors, timeouts, malformed/truncated bodies
                last = exc
            if attempt < cfg.max_retries:
                if jitter is None:
                    jitter = random.Random(stable_seed("backoff", params["seed"], call, index))
                delay = min(cfg.retry_backoff_max, cfg.retry_backoff * 2**attempt) * (0.5 + 0.5 * jitter.random())
                if retry_after is not None:
                    delay = max(delay, min(retry_after, cfg.retry_backoff_max))
                time.sleep(delay)
        self.usage.add(failures=1)
        where = client.base_url
        return LLMError(
            f"LLM call {call} failed for conversation {index} of the batch after {attempts} attempt(s) "
            f"(model {cfg.model!r}, last endpoint {where}): {type(last).__name__}: {last}",
            index=index,
            call=call,
            attempts=attempts,
            cause=last,
        )

    def _extract(self, response: Any) -> str:
        """Return the reply text, or raise MalformedReplyError (retryable) if there is none."""
        choices = response.get("choices") if isinstance(response, dict) else None
        if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
            raise MalformedReplyError(f"reply has no choices: {response!r:.300}")
        message = choices[0].get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str) or not content.strip():
            raise MalformedReplyError(f"reply has empty content: {response!r:.300}")
        usage = response.get("usage")
        if isinstance(usage, dict):
            self.usage.add(
                prompt_tokens=int(usage.get("prompt_tokens") or 0),
                completion_tokens=int(usage.get("completion_tokens") or 0),
            )
        return content


@functools.cache
def _worker_client(config: LLMConfig) -> OpenAILLM:
    """The client of a worker process (config.processes > 1) for ``config``: built once per process and config
    (a cache keyed by the frozen config, so no module state is set from outside), with its share of concurrency."""
    share = max(1, config.concurrency // config.processes)
    return OpenAILLM(dataclasses.replace(config, processes=1, concurrency=share, cache=None))


def _worker_init(config: LLMConfig) -> None:
    """Build the worker's client as the process starts, so the first batch does not pay for it."""
    _worker_client(config)


def _worker_run(
    config: LLMConfig, items: list[tuple[int, Conversation, Any]], params: dict[str, Any], call: int
) -> tuple[list[tuple[int, str | LLMError]], dict[str, int]]:
    """Complete ``(batch index, conversation, sample id)`` items in a worker; return replies and usage counts."""
    worker = _worker_client(config)
    worker.usage.reset()
    futures = [worker._pool.submit(worker._complete, conv, params, call, index, sid) for index, conv, sid in items]
    done = [(index, _portable(future.result())) for (index, _, _), future in zip(items, futures, strict=True)]
    return done, worker.usage.as_dict()


def _portable(reply: str | LLMError) -> str | LLMError:
    """A reply that pickles back to the parent: an error's cause may hold an unpicklable HTTP response."""
    if isinstance(reply, str):
        return reply
    try:
        pickle.loads(pickle.dumps(reply.cause))  # some exceptions pickle but cannot be rebuilt (openai's)
        return reply
    except Exception:
        cause = RuntimeError(f"{type(reply.cause).__name__}: {reply.cause}")
        return LLMError(str(reply), index=reply.index, call=reply.call, attempts=reply.attempts, cause=cause)


def _retry_after_seconds(exc: Any) -> float | None:
    """Seconds from a ``Retry-After`` (or ``retry-after-ms``) header, if the server sent one."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if headers is None:
        return None
    try:
        if headers.get("retry-after-ms") is not None:
            return float(headers["retry-after-ms"]) / 1000.0
        if headers.get("retry-after") is not None:
            return float(headers["retry-after"])
    except (TypeError, ValueError):
        return None  # an HTTP-date form: fall back to our own backoff
    return None
