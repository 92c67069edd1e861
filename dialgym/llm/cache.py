"""On-disk response cache (SQLite) in front of any backend.

Why: LLM users must replay byte for byte (same seed, same episode), experiments must be resumable
without paying twice, and CI must run LLM-user code paths without an endpoint. ``replay`` mode turns
a cache into a recorded fixture: any request that was not recorded is an error instead of a silent call.

The key is the sha256 of a canonical JSON of everything that determines a reply: backend, model, the
messages, the sampling parameters, the seed, and the sample id (by default the index of the repetition of
an identical request within the batch), so two identical prompts at temperature > 0 still get two
different, reproducible replies.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from dialgym.llm.base import LLM, CacheMissError, Conversation, LLMError, canonical_json

SCHEMA_VERSION = 1


class ResponseCache:
    """A key -> reply store in SQLite with WAL, one connection per thread (SQLite connections are not
    shareable across threads by default), safe for several threads and processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        conn = self._conn()
        with conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS responses ("
                " key TEXT PRIMARY KEY, response TEXT NOT NULL, request TEXT NOT NULL, created REAL NOT NULL)"
            )
            conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @staticmethod
    def make_key(request: dict[str, Any]) -> str:
        return hashlib.sha256(canonical_json(request).encode("utf-8")).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        conn = self._conn()
        for start in range(0, len(keys), 500):  # stay under SQLite's bound-parameter limit
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, response in conn.execute(f"SELECT key, response FROM responses WHERE key IN ({marks})", chunk):
                found[key] = response
        return found

    def put_many(self, items: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Store ``(key, response, request)`` rows in one transaction (all or nothing)."""
        if not items:
            return
        now = time.time()
        conn = self._conn()
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO responses (key, response, request, created) VALUES (?, ?, ?, ?)",
                [(key, response, canonical_json(request), now) for key, response, request in items],
            )

    def __len__(self) -> int:
        return int(self._conn().execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()


class CachedLLM(LLM):
    """Wraps a backend: cached conversations are answered from disk, only the misses reach the backend
    (as one smaller batch, so batching still pays), and successful replies are stored even if other
    conversations of the batch fail."""

    def __init__(self, inner: LLM, path: str | Path | None = None, mode: str | None = None) -> None:
        super().__init__(inner.config, inner.usage)
        self.inner = inner
        self.continues_final_message = inner.continues_final_message
        path = path if path is not None else inner.config.cache
        if path is None:
            raise ValueError("CachedLLM needs a cache path (config 'cache' or the path argument)")
        self.mode = mode or inner.config.cache_mode
        if self.mode not in ("readwrite", "replay"):
            raise ValueError(f"cache mode {self.mode!r} is invalid: expected 'readwrite' or 'replay'")
        self.store = ResponseCache(path)

    def request_for(self, conv: Conversation, params: dict[str, Any], sample_id: Any) -> dict[str, Any]:
        """Everything that determines the reply, as plain data (hashed into the key, stored for audit)."""
        request = {
            "backend": self.config.backend,
            "model": self.config.model,
            "messages": conv,
            "temperature": params["temperature"],
            "max_tokens": params["max_tokens"],
            "seed": params["seed"],
            "sample": sample_id,
        }
        if self.config.backend == "hf" and self.config.dtype != "float32":
            request["dtype"] = self.config.dtype  # only when set, so float32 caches keep their keys
        return request

    def generate_partial(
        self, batch: list[Conversation], params: dict[str, Any], call: int, sample_ids: list[Any]
    ) -> list[str | LLMError]:
        requests = [self.request_for(conv, params, sid) for conv, sid in zip(batch, sample_ids, strict=True)]
        keys = [ResponseCache.make_key(r) for r in requests]
        found = self.store.get_many(keys)
        results: list[str | LLMError | None] = [found.get(k) for k in keys]
        missing = [i for i, r in enumerate(results) if r is None]
        self.usage.add(cache_hits=len(batch) - len(missing), cache_misses=len(missing))
        if missing and self.mode == "replay":
            for i in missing:
                results[i] = CacheMissError(
                    f"LLM call {call}: conversation {i} of the batch is not in the replay cache {self.store.path} "
                    f"(cache_mode='replay' never calls the model; key {keys[i][:16]}..., last message: "
                    f"{batch[i][-1]['content'][:80]!r}). Record it first with cache_mode='readwrite'.",
                    index=i,
                    call=call,
                )
        elif missing:
            replies = self.inner.generate_partial(
                [batch[i] for i in missing], params, call, [sample_ids[i] for i in missing]
            )
            to_store = []
            for i, reply in zip(missing, replies, strict=True):
                if isinstance(reply, LLMError):
                    # Re-index: the inner backend saw only the misses.
                    reply.args = (reply.args[0].replace(f"conversation {reply.index} ", f"conversation {i} ", 1),)
                    reply.index = i
                else:
                    to_store.append((keys[i], reply, requests[i]))
                results[i] = reply
            self.store.put_many(to_store)
        return results  # type: ignore[return-value]

    def close(self) -> None:
        self.inner.close()
        self.store.close()

    @property
    def closed(self) -> bool:
        return self.inner.closed
