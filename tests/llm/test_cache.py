"""The SQLite response cache with an in-process fake backend (fast, no network, no models)."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from dialgym.llm import LLM, LLMConfig, LLMError
from dialgym.llm.cache import CachedLLM, ResponseCache


class CountingLLM(LLM):
    """A fake backend: the reply names the prompt, the call and the sample id; counts what it was asked."""

    def __init__(self, **config):
        super().__init__(LLMConfig.from_dict({"model": "fake", "temperature": 0.8, **config}))
        self.seen: list[str] = []
        self.fail_on: set[str] = set()

    def generate_partial(self, batch, params, call, sample_ids):
        out = []
        for i, (conv, sid) in enumerate(zip(batch, sample_ids, strict=True)):
            text = conv[-1]["content"]
            self.seen.append(text)
            if text in self.fail_on:
                out.append(LLMError(f"LLM call {call} failed for conversation {i} of the batch", index=i, call=call))
            else:
                out.append(f"{text}|t={params['temperature']}|s={sid}")
        return out


def conv(text):
    return [{"role": "user", "content": text}]


def test_hits_misses_and_persistence(tmp_path):
    path = tmp_path / "cache.sqlite"
    inner = CountingLLM()
    llm = CachedLLM(inner, path=path)
    first = llm.generate([conv("a"), conv("b"), conv("a")])
    assert first == ["a|t=0.8|s=0", "b|t=0.8|s=0", "a|t=0.8|s=1"]
    assert (llm.usage.cache_hits, llm.usage.cache_misses) == (0, 3)
    assert llm.generate([conv("a"), conv("c")]) == ["a|t=0.8|s=0", "c|t=0.8|s=0"]
    assert inner.seen == ["a", "b", "a", "c"]
    assert (llm.usage.cache_hits, llm.usage.cache_misses) == (1, 4)
    llm.close()

    # a new process (new objects) reads the same file; the mode can be switched to replay
    again = CachedLLM(CountingLLM(), path=path, mode="replay")
    assert again.generate([conv("b"), conv("a"), conv("a")]) == ["b|t=0.8|s=0", "a|t=0.8|s=0", "a|t=0.8|s=1"]
    assert again.inner.seen == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_key_covers_params_seed_model_and_sample(tmp_path):
    llm = CachedLLM(CountingLLM(), path=tmp_path / "c.sqlite")
    llm.generate([conv("a")])
    llm.generate([conv("a")], temperature=0.1)
    llm.generate([conv("a")], max_tokens=5)
    llm.generate([conv("a")], seed=1)
    llm.generate([conv("a")], sample_ids=["episode-7"])
    assert llm.usage.cache_misses == 5 and len(llm.store) == 5
    base = llm.request_for(conv("a"), {"temperature": 0.8, "max_tokens": 256, "seed": 0}, 0)
    keys = {ResponseCache.make_key(base)}
    for change in ({"model": "other"}, {"backend": "hf"}, {"messages": conv("b")}):
        keys.add(ResponseCache.make_key({**base, **change}))
    assert len(keys) == 4


def test_hf_dtype_is_in_the_key_only_when_not_float32(tmp_path):
    params = {"temperature": 0.8, "max_tokens": 256, "seed": 0}

    def request(**config):
        return CachedLLM(CountingLLM(**config), path=tmp_path / "d.sqlite").request_for(conv("a"), params, 0)

    # float32 keys are the keys caches had before dtype existed
    assert "dtype" not in request(backend="hf") and "dtype" not in request(backend="hf", dtype="float32")
    assert request(backend="hf", dtype="bfloat16")["dtype"] == "bfloat16"
    bf16, f32 = request(backend="hf", dtype="bfloat16"), request(backend="hf")
    assert ResponseCache.make_key(bf16) != ResponseCache.make_key(f32)


def test_replay_miss_names_the_conversation(tmp_path):
    with pytest.raises(ValueError, match="replay"):
        CachedLLM(CountingLLM(), path=tmp_path / "c.sqlite", mode="bogus")
    llm = CachedLLM(CountingLLM(), path=tmp_path / "c.sqlite", mode="replay")
    with pytest.raises(LLMError, match="conversation 0 of the batch is not in the replay cache") as info:
        llm.generate([conv("x"), conv("y")])
    assert info.value.index == 0 and "2 of 2 conversations failed" in str(info.value)
    assert llm.inner.seen == []


def test_failures_are_reindexed_and_successes_kept(tmp_path):
    inner = CountingLLM()
    inner.fail_on = {"bad"}
    llm = CachedLLM(inner, path=tmp_path / "c.sqlite")
    llm.generate([conv("cached")])
    with pytest.raises(LLMError, match="conversation 2 ") as info:
        llm.generate([conv("cached"), conv("ok"), conv("bad")])
    assert info.value.index == 2  # the backend saw it at index 1 of the misses
    inner.fail_on = set()
    inner.seen.clear()
    llm.generate([conv("cached"), conv("ok"), conv("bad")])
    assert inner.seen == ["bad"]


def test_many_threads_share_one_cache(tmp_path):
    llm = CachedLLM(CountingLLM(), path=tmp_path / "c.sqlite")
    errors = []

    def work(k):
        try:
            for j in range(20):
                assert llm.generate([conv(f"{k}-{j}"), conv("shared")])[0].startswith(f"{k}-{j}|")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(llm.store) == 8 * 20 + 1
    llm.close()
