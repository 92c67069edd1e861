"""Configuration, errors, usage counters and the batch-first ``LLM`` interface.

Everything that talks to a language model in dialgym goes through :class:`LLM.generate`, which takes
a *batch* of conversations: vector envs and dataset tools send one batch per turn, so a local model can
batch on the device and a remote endpoint gets concurrent requests. Configuration is plain data (a dict)
because live clients in ``gym.make`` kwargs break ``env.spec``, pickling, vector envs and Minari.

Heavy libraries (openai, torch, transformers) are imported lazily by the backends, so ``import dialgym``
and ``import dialgym.llm`` stay light and work without the extras.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dialgym.seeding import stable_seed  # noqa: F401  (its home is dialgym.seeding; kept here for old imports)

Message = dict[str, str]
Conversation = list[Message]

BACKENDS = ("openai", "hf")
CACHE_MODES = ("readwrite", "replay")
ROLES = ("system", "user", "assistant")

#: pip extra that provides each lazily imported module (named in the error when it is missing).
EXTRA_FOR_MODULE = {"openai": "llm", "torch": "hf", "transformers": "hf", "gguf": "hf", "accelerate": "hf"}


class LLMError(RuntimeError):
    """An LLM call failed for good (retries exhausted, non-retryable error, or a replay-cache miss).

    Attributes:
        index: position of the failing conversation in the batch passed to ``generate`` (None if the whole
            batch failed, e.g. a local model error).
        call: which ``generate`` call of this LLM object failed (0-based), so logs can be matched to episodes.
        attempts: how many requests were made for this conversation.
        cause: the last underlying exception (also chained as ``__cause__``).
    """

    def __init__(
        self,
        message: str,
        *,
        index: int | None = None,
        call: int | None = None,
        attempts: int = 0,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.index = index
        self.call = call
        self.attempts = attempts
        self.cause = cause
        if cause is not None:
            self.__cause__ = cause  # tracebacks show the underlying fault even when the error is raised later

    def __reduce__(self) -> tuple[Any, ...]:
        # a plain exception pickles only its message; keep the fields (errors cross process boundaries)
        return (_rebuild_llm_error, (type(self), str(self), self.index, self.call, self.attempts, self.cause))


class CacheMissError(LLMError):
    """A replay-only response cache has no reply for a request (``cache_mode="replay"`` never calls the model).

    A setup error, not a model failure: the run differs from the one recorded (another seed, prompt or
    config), so the environment lets it raise instead of counting the episode as a simulated-user failure.
    """


def _rebuild_llm_error(
    cls: type[LLMError], message: str, index: int | None, call: int | None, attempts: int, cause: Any
) -> LLMError:
    return cls(message, index=index, call=call, attempts=attempts, cause=cause)


def require(module: str, extra: str | None = None) -> Any:
    """Import ``module`` or raise an ImportError that names the pip extra providing it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra = extra or EXTRA_FOR_MODULE.get(module, "llm")
        raise ImportError(
            f"dialgym.llm needs the '{module}' package for this backend, which is not installed; "
            f"install it with: pip install 'dialgym[{extra}]'"
        ) from exc


@dataclass
class Usage:
    """Counters of what the LLM layer did; thread-safe because backends update it from worker threads.

    ``requests`` counts requests actually sent (HTTP requests or local generation rows), including
    retried ones; ``retries`` counts the re-sends; cache hits/misses count conversations.
    """

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0
    failures: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        with self._lock:
            return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if not f.name.startswith("_")}

    def reset(self) -> None:
        with self._lock:
            for f in dataclasses.fields(self):
                if not f.name.startswith("_"):
                    setattr(self, f.name, 0)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


#: torch dtypes the hf backend runs a model in
HF_DTYPES = ("float32", "bfloat16")


@dataclass(frozen=True)
class LLMConfig:
    """Validated LLM settings, built from a plain dict with :meth:`from_dict`.

    Keys (all optional except as noted):
        backend: ``"openai"`` (any OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, llama.cpp,
            ``transformers serve``) or ``"hf"`` (a local transformers causal LM). Default ``"openai"``.
        model: model name for the endpoint; for ``hf`` a local folder, a ``.gguf`` file, or the preset
            ``"smollm2-135m"``. Required.
        base_url: endpoint URL, or a list of URLs over which requests are spread (openai only).
        api_key: API key; defaults to ``$OPENAI_API_KEY``, then to ``"EMPTY"`` for local servers.
        temperature: sampling temperature >= 0 (0 = greedy). Default 0.7.
        max_tokens: maximum new tokens per reply (> 0). Default 256.
        concurrency: openai: requests in flight at once; hf: conversations per forward batch. Default 8.
        timeout: seconds before one request is abandoned and retried (> 0). Default 60.
        max_retries: re-sends per conversation after the first attempt (>= 0). Default 5.
        retry_backoff: base delay in seconds of the exponential backoff (>= 0). Default 0.5.
        retry_backoff_max: cap of one backoff delay, also caps a server's Retry-After (>= 0). Default 30.
        cache: path of an SQLite response cache, or None. Default None.
        cache_mode: ``"readwrite"`` or ``"replay"`` (a cache miss is an error). Default ``"readwrite"``.
        seed: integer seed for sampling, backoff jitter and cache keys, or None. Default 0.
        threads: hf only: torch CPU threads (``torch.set_num_threads``), or None (default) for the cores idle
            when the model loads (``$DIALGYM_THREADS`` if set): on a shared, oversubscribed CPU one thread can
            be several times faster than spinning threads (:mod:`dialgym.utils.threads`).
        processes: openai only: client processes the requests are spread over (default 1). One Python
            process spends ~1-2 ms of CPU per request in the openai client, under one interpreter lock, which
            caps it well below what a fleet of servers at high concurrency can serve; with ``processes=N``
            each of N worker processes (started with ``spawn`` on first use: scripts need the
            ``if __name__ == "__main__":`` guard) keeps ``concurrency // N`` requests in flight.
        dtype: hf only: ``"float32"`` (default; a GGUF is de-quantized to it) or ``"bfloat16"``. On CPUs with
            bfloat16 matrix units (Intel AMX, avx512_bf16) bfloat16 makes batched generation ~1.5x faster;
            elsewhere it can be slower. Replies differ from float32 ones, so it is part of the cache key.
    """

    model: str
    backend: str = "openai"
    base_url: tuple[str, ...] = ()
    api_key: str | None = None
    temperature: float = 0.7
    max_tokens: int = 256
    concurrency: int = 8
    timeout: float = 60.0
    max_retries: int = 5
    retry_backoff: float = 0.5
    retry_backoff_max: float = 30.0
    cache: str | None = None
    cache_mode: str = "readwrite"
    seed: int | None = 0
    threads: int | None = None
    dtype: str = "float32"
    processes: int = 1

    @classmethod
    def from_dict(cls, config: Mapping[str, Any] | LLMConfig) -> LLMConfig:
        """Validate a plain dict; raise ValueError naming the bad key/value and what was expected."""
        if isinstance(config, LLMConfig):
            return config
        if not isinstance(config, Mapping):
            raise ValueError(f"LLM config must be a dict, got {type(config).__name__}: {config!r}")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValueError(f"unknown LLM config key(s) {unknown}; expected some of {sorted(known)}")
        values = dict(config)

        def bad(key: str, expected: str) -> ValueError:
            return ValueError(f"LLM config {key!r}={values[key]!r} is invalid: expected {expected}")

        if "model" not in values or not isinstance(values["model"], str) or not values["model"].strip():
            values.setdefault("model", None)
            raise bad("model", "a non-empty model name (or, for backend 'hf', a local folder or 'smollm2-135m')")
        backend = values.setdefault("backend", "openai")
        if backend not in BACKENDS:
            raise bad("backend", f"one of {list(BACKENDS)}")

        urls = values.get("base_url")
        if urls is None:
            urls = ()
        elif isinstance(urls, str):
            urls = (urls,)
        elif isinstance(urls, Sequence) and urls and all(isinstance(u, str) for u in urls):
            urls = tuple(urls)
        else:
            raise bad("base_url", "a URL string, a non-empty list of URL strings, or None")
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"LLM config 'base_url' entry {url!r} is invalid: expected an http(s):// URL")
        values["base_url"] = urls

        api_key = values.get("api_key")
        if api_key is not None and not isinstance(api_key, str):
            raise bad("api_key", "a string or None (then $OPENAI_API_KEY is used)")

        checks: dict[str, tuple[Any, str]] = {
            "temperature": (lambda v: _is_number(v) and 0 <= v <= 10, "a number >= 0 (0 = greedy)"),
            "max_tokens": (lambda v: _is_int(v) and v > 0, "an integer > 0"),
            "concurrency": (lambda v: _is_int(v) and v > 0, "an integer > 0"),
            "timeout": (lambda v: _is_number(v) and v > 0, "a number of seconds > 0"),
            "max_retries": (lambda v: _is_int(v) and v >= 0, "an integer >= 0"),
            "retry_backoff": (lambda v: _is_number(v) and v >= 0, "a number of seconds >= 0"),
            "retry_backoff_max": (lambda v: _is_number(v) and v >= 0, "a number of seconds >= 0"),
            "seed": (lambda v: v is None or _is_int(v), "an integer or None"),
            "threads": (lambda v: v is None or (_is_int(v) and v > 0), "an integer > 0 or None"),
            "cache": (lambda v: v is None or isinstance(v, str | os.PathLike), "a file path or None"),
            "cache_mode": (lambda v: v in CACHE_MODES, f"one of {list(CACHE_MODES)}"),
            "dtype": (lambda v: v in HF_DTYPES, f"one of {list(HF_DTYPES)}"),
            "processes": (lambda v: _is_int(v) and v > 0, "an integer > 0"),
        }
        for key, (ok, expected) in checks.items():
            if key in values and not ok(values[key]):
                raise bad(key, expected)
        processes = values.get("processes", 1)
        if processes != 1 and backend != "openai":
            raise bad("processes", f"1 for backend {backend!r} (client processes are for the openai backend)")
        if processes > values.get("concurrency", cls.concurrency):
            raise bad("processes", f"at most 'concurrency' ({values.get('concurrency', cls.concurrency)})")
        if values.get("cache") is not None:
            values["cache"] = os.fspath(values["cache"])
        if values.get("cache_mode") == "replay" and values.get("cache") is None:
            raise ValueError("LLM config 'cache_mode'='replay' needs 'cache' set to the path of a response cache")
        for key in ("temperature", "timeout", "retry_backoff", "retry_backoff_max"):
            if key in values:
                values[key] = float(values[key])
        return cls(**values)

    def resolved_api_key(self) -> str:
        """The key to send: explicit, else ``$OPENAI_API_KEY``, else a placeholder local servers accept."""
        return self.api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (for logs and episode metadata); the API key is never included."""
        data = dataclasses.asdict(self)
        data["base_url"] = list(self.base_url)
        data.pop("api_key")
        return data


#: Per-call sampling parameters ``generate`` accepts as keyword arguments.
SAMPLING_PARAMS = ("temperature", "max_tokens", "seed")


def canonical_json(value: Any) -> str:
    """Canonical JSON (sorted keys, no whitespace) so equal requests hash equally across runs and machines."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)




def default_sample_ids(batch: Sequence[Conversation], params: Mapping[str, Any]) -> list[Any]:
    """Sample id k for the k-th repetition of an identical conversation within a batch.

    Why: with temperature > 0, a batch that asks the same question twice (e.g. two episodes at the same
    state) should get two different samples, yet the same two samples on every run; the occurrence index
    makes their cache keys and request seeds differ deterministically.
    """
    seen: dict[str, int] = {}
    ids: list[Any] = []
    for conv in batch:
        key = canonical_json(conv)
        ids.append(seen.get(key, 0))
        seen[key] = ids[-1] + 1
    return ids


def validate_batch(batch: Any) -> list[Conversation]:
    """Check the shape of a batch so that errors name the conversation and message at fault."""
    if not isinstance(batch, list | tuple):
        raise ValueError(f"generate expects a list of conversations, got {type(batch).__name__}")
    for i, conv in enumerate(batch):
        if not isinstance(conv, list | tuple) or not conv:
            raise ValueError(f"conversation {i} of the batch must be a non-empty list of messages, got {conv!r:.200}")
        for j, msg in enumerate(conv):
            if not isinstance(msg, Mapping) or not isinstance(msg.get("content"), str) or msg.get("role") not in ROLES:
                raise ValueError(
                    f"message {j} of conversation {i} must be a dict with 'role' in {list(ROLES)} and a string "
                    f"'content', got {msg!r:.200}"
                )
    return [[{"role": m["role"], "content": m["content"]} for m in conv] for conv in batch]


class LLM:
    """Batch-first LLM interface: ``generate(batch) -> replies`` (one per conversation, same order).

    Subclasses implement :meth:`_generate`; this class validates inputs, resolves per-call sampling
    parameters and counts calls so errors can say which call failed.
    """

    #: Whether a conversation that ends with an ``assistant`` message is *continued*: the reply is the rest of
    #: that message (a prefill), not a new one. A local model does this through its chat template; an
    #: OpenAI-compatible endpoint may not (servers differ: some ignore the last message's role, some need a
    #: server-specific flag), so callers check this before they prefill and send nothing else otherwise.
    continues_final_message: bool = False

    def __init__(self, config: LLMConfig, usage: Usage | None = None) -> None:
        self.config = config
        self.usage = usage if usage is not None else Usage()
        self._calls = 0
        self._calls_lock = threading.Lock()

    def sampling_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Merge per-call overrides into the config's sampling parameters, validating them."""
        unknown = sorted(set(params) - set(SAMPLING_PARAMS))
        if unknown:
            raise ValueError(f"unknown generate() parameter(s) {unknown}; expected some of {list(SAMPLING_PARAMS)}")
        merged = {key: getattr(self.config, key) for key in SAMPLING_PARAMS}
        merged.update(params)
        # Reuse the config validation so per-call values get the same checks and messages.
        LLMConfig.from_dict({"model": self.config.model, **{k: merged[k] for k in SAMPLING_PARAMS}})
        merged["temperature"] = float(merged["temperature"])
        return merged

    def next_call(self) -> int:
        with self._calls_lock:
            call = self._calls
            self._calls += 1
        return call

    def generate(
        self,
        batch: Sequence[Sequence[Mapping[str, str]]],
        *,
        sample_ids: Sequence[Any] | None = None,
        **params: Any,
    ) -> list[str]:
        """Return one reply per conversation of ``batch``, in order.

        Args:
            batch: conversations, each a list of ``{"role", "content"}`` messages.
            sample_ids: optional per-conversation sample keys (e.g. ``(episode_seed, turn)``) used by the cache
                and by seeded sampling so that identical prompts at temperature > 0 can differ deterministically.
                By default the k-th repetition of an identical request within a batch gets sample id k.
            **params: per-call overrides of ``temperature``, ``max_tokens``, ``seed``.
        """
        results = self.generate_each(batch, sample_ids=sample_ids, **params)
        for result in results:
            if isinstance(result, BaseException):
                failed = [i for i, r in enumerate(results) if isinstance(r, BaseException)]
                if len(failed) > 1 and isinstance(result, LLMError):
                    note = f"{len(failed)} of {len(results)} conversations failed: {failed}"
                    result.args = (f"{result.args[0]} ({note})",)
                raise result
        return results  # type: ignore[return-value]

    def generate_each(
        self,
        batch: Sequence[Sequence[Mapping[str, str]]],
        *,
        sample_ids: Sequence[Any] | None = None,
        **params: Any,
    ) -> list[str | LLMError]:
        """Like :meth:`generate`, but a conversation that failed for good gets its :class:`LLMError` in place of
        a reply instead of failing the whole batch.

        Why: a vector env batches the calls of many episodes; one episode's failure must end that episode
        only (see :func:`dialgym.core.calls.drive_batch`), and the others' replies are already paid for.
        Bad arguments still raise.
        """
        conversations = validate_batch(batch)
        if sample_ids is not None and len(sample_ids) != len(conversations):
            raise ValueError(f"sample_ids has {len(sample_ids)} entries but the batch has {len(conversations)}")
        merged = self.sampling_params(params)
        if not conversations:
            return []
        call = self.next_call()
        ids = list(sample_ids) if sample_ids is not None else default_sample_ids(conversations, merged)
        return self.generate_partial(conversations, merged, call, ids)

    def generate_partial(
        self, batch: list[Conversation], params: dict[str, Any], call: int, sample_ids: list[Any]
    ) -> list[str | LLMError]:
        """Backend hook: one reply or one :class:`LLMError` per conversation.

        Returning per-conversation errors instead of raising lets the cache keep the replies that did
        succeed, so a resumed run does not pay for them twice.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release clients, thread pools and cache connections (the object is unusable afterwards)."""

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has made this object unusable (backends that can close say so)."""
        return bool(getattr(self, "_closed", False))

    def __enter__(self) -> LLM:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_llm(config: Mapping[str, Any] | LLMConfig) -> LLM:
    """Build an LLM from a plain config dict: the backend, with the response cache in front if configured."""
    cfg = LLMConfig.from_dict(config)
    llm: LLM
    if cfg.backend == "openai":
        from dialgym.llm.openai_backend import OpenAILLM

        llm = OpenAILLM(cfg)
    else:
        from dialgym.llm.hf_backend import HFLLM

        llm = HFLLM(cfg)
    if cfg.cache is not None:
        from dialgym.llm.cache import CachedLLM

        llm = CachedLLM(llm)
    return llm
