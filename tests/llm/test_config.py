"""LLMConfig validation, the make_llm factory and lazy-import errors (fast, no network, no models)."""

from __future__ import annotations

import sys

import pytest

from dialgym.llm import LLMConfig, LLMError, make_llm
from dialgym.llm.base import default_sample_ids, require, stable_seed, validate_batch


def test_defaults_and_normalization():
    cfg = LLMConfig.from_dict({"model": "m", "base_url": "http://127.0.0.1:1/v1", "temperature": 0})
    assert cfg.backend == "openai"
    assert cfg.base_url == ("http://127.0.0.1:1/v1",)
    assert cfg.temperature == 0.0 and isinstance(cfg.temperature, float)
    cfg2 = LLMConfig.from_dict({"model": "m", "base_url": ["http://a/v1", "http://b/v1"]})
    assert cfg2.base_url == ("http://a/v1", "http://b/v1")
    assert "api_key" not in cfg2.to_dict()


def test_api_key_from_env(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    assert LLMConfig.from_dict({"model": "m"}).resolved_api_key() == "sk-from-env"
    assert LLMConfig.from_dict({"model": "m", "api_key": "x"}).resolved_api_key() == "x"
    monkeypatch.delenv("OPENAI_API_KEY")
    assert LLMConfig.from_dict({"model": "m"}).resolved_api_key() == "EMPTY"


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"model": "m", "bogus": 1}, ["bogus", "expected"]),
        ({"model": "m", "backend": "vllm"}, ["backend", "vllm", "openai", "hf"]),
        ({"backend": "openai"}, ["model"]),
        ({"model": ""}, ["model"]),
        ({"model": "m", "temperature": -1}, ["temperature", "-1", ">= 0"]),
        ({"model": "m", "temperature": "hot"}, ["temperature", "hot"]),
        ({"model": "m", "max_tokens": 0}, ["max_tokens", "0", "> 0"]),
        ({"model": "m", "max_tokens": 1.5}, ["max_tokens", "1.5", "integer"]),
        ({"model": "m", "concurrency": True}, ["concurrency", "True"]),
        ({"model": "m", "timeout": 0}, ["timeout", "0"]),
        ({"model": "m", "max_retries": -1}, ["max_retries", "-1"]),
        ({"model": "m", "seed": "0"}, ["seed", "'0'", "integer"]),
        ({"model": "m", "base_url": "localhost:8000"}, ["base_url", "localhost:8000", "http"]),
        ({"model": "m", "base_url": []}, ["base_url"]),
        ({"model": "m", "base_url": [1]}, ["base_url"]),
        ({"model": "m", "cache_mode": "write"}, ["cache_mode", "write", "replay"]),
        ({"model": "m", "cache_mode": "replay"}, ["replay", "cache"]),
        ({"model": "m", "api_key": 5}, ["api_key"]),
        ({"model": "m", "threads": 0}, ["threads"]),
        ({"model": "m", "dtype": "float16"}, ["dtype", "float16", "bfloat16"]),
        ({"model": "m", "processes": 0}, ["processes", "0", "> 0"]),
        ({"model": "m", "processes": 9, "concurrency": 8}, ["processes", "9", "at most 'concurrency' (8)"]),
        ({"model": "m", "backend": "hf", "processes": 2}, ["processes", "openai backend"]),
    ],
)
def test_bad_config_names_key_and_expectation(config, words):
    with pytest.raises(ValueError) as info:
        make_llm(config)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_config_must_be_a_dict():
    with pytest.raises(ValueError, match="dict"):
        LLMConfig.from_dict(["model", "m"])  # type: ignore[arg-type]


def test_missing_extra_names_the_pip_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "openai", None)  # makes `import openai` raise ImportError
    with pytest.raises(ImportError, match=r"dialgym\[llm\]"):
        make_llm({"model": "m", "base_url": "http://127.0.0.1:1/v1"})
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"dialgym\[hf\]"):
        require("torch")


def test_validate_batch_names_the_bad_message():
    with pytest.raises(ValueError, match="message 1 of conversation 0"):
        validate_batch([[{"role": "user", "content": "hi"}, {"role": "robot", "content": "x"}]])
    with pytest.raises(ValueError, match="conversation 1"):
        validate_batch([[{"role": "user", "content": "hi"}], []])
    with pytest.raises(ValueError, match="list of conversations"):
        validate_batch("hello")


def test_sample_ids_count_repeats_within_a_batch():
    a = [{"role": "user", "content": "a"}]
    b = [{"role": "user", "content": "b"}]
    assert default_sample_ids([a, b, a, a, b], {}) == [0, 0, 1, 2, 1]


def test_stable_seed_is_stable():
    assert stable_seed(1, "x", [1, 2]) == stable_seed(1, "x", [1, 2])
    assert stable_seed(1, "x") != stable_seed(2, "x")
    assert 0 <= stable_seed("anything") < 2**31


def test_llm_error_carries_context():
    err = LLMError("boom", index=3, call=7, attempts=2, cause=ValueError("x"))
    assert (err.index, err.call, err.attempts) == (3, 7, 2)
