"""The openai backend against the fake server: faults, retries, concurrency, several endpoints, caching."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("openai", reason="the openai backend needs the 'llm' extra")

from fake_openai_server import FAULT_KINDS, FakeOpenAIServer, echo_reply

from dialgym.llm import LLMError, make_llm


def conv(text: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": "You are a user."}, {"role": "user", "content": text}]


def config(base_url, **overrides):
    cfg = {
        "backend": "openai",
        "model": "fake",
        "base_url": base_url,
        "api_key": "test",
        "temperature": 0.0,
        "max_tokens": 16,
        "concurrency": 8,
        "timeout": 5.0,
        "max_retries": 3,
        "retry_backoff": 0.01,
        "retry_backoff_max": 0.1,
        "seed": 0,
    }
    cfg.update(overrides)
    return cfg


def test_replies_come_back_in_order_with_usage():
    with FakeOpenAIServer() as server, make_llm(config(server.base_url)) as llm:
        batch = [conv(f"q{i}") for i in range(10)]
        assert llm.generate(batch) == [f"reply to: q{i}" for i in range(10)]
        usage = llm.usage.as_dict()
        assert usage["requests"] == 10 and server.requests == 10
        assert usage["retries"] == 0 and usage["completion_tokens"] == 30  # "reply to: qi" = 3 words
        assert usage["prompt_tokens"] == 10 * 5
        assert llm.generate([]) == []
        body = server.bodies[0]
        assert body["model"] == "fake" and body["max_tokens"] == 16 and body["temperature"] == 0.0
        assert isinstance(body["seed"], int)


def test_every_conversation_completes_despite_faults_of_every_kind():
    """~25% of requests fail, spread over all seven fault kinds; every conversation still gets its own reply.

    The client's timeout (3 s) is far above a healthy request's time, so only the injected stalls (held for
    60 s, released when the server stops) time out; even so the counts are checked as inequalities where a very
    slow machine could add a timeout of its own: each injected fault costs at least one retry, and every retry is
    one more request.
    """
    faults = {f"p_{kind}": 0.25 / len(FAULT_KINDS) for kind in FAULT_KINDS}
    with FakeOpenAIServer(stall_seconds=60.0, seed=1, **faults) as server:
        cfg = config(server.base_url, concurrency=16, timeout=3.0, max_retries=8)
        with make_llm(cfg) as llm:
            batch = [conv(f"question {i}") for i in range(96)]
            replies = llm.generate(batch)
        assert replies == [f"reply to: question {i}" for i in range(96)]
        kinds = {k for k, n in server.outcomes.items() if n and k != "ok"}
        assert kinds == set(FAULT_KINDS), server.outcomes
        faults_seen = sum(n for k, n in server.outcomes.items() if k != "ok")
        assert llm.usage.retries >= faults_seen
        assert llm.usage.requests == 96 + llm.usage.retries
        assert 96 + faults_seen <= server.requests <= llm.usage.requests


def test_retries_exhausted_names_the_conversation_and_call():
    poison = lambda body: "500" if "poison" in body["messages"][-1]["content"] else None  # noqa: E731
    with FakeOpenAIServer(fault_fn=poison) as server, make_llm(config(server.base_url, max_retries=2)) as llm:
        llm.generate([conv("fine")])  # call 0
        with pytest.raises(LLMError) as info:
            llm.generate([conv("a"), conv("b"), conv("poison"), conv("c")])  # call 1
        err = info.value
        assert err.index == 2 and err.call == 1 and err.attempts == 3
        assert "conversation 2" in str(err) and "call 1" in str(err) and "InternalServerError" in str(err)
        assert server.outcomes["500"] == 3  # the first try and max_retries=2 retries, no hidden client retries
        assert llm.usage.failures == 1


def test_non_retryable_status_fails_at_once():
    bad = lambda body: None  # noqa: E731
    with FakeOpenAIServer(fault_fn=bad) as server, make_llm(config(server.base_url.replace("/v1", "/nope"))) as llm:
        with pytest.raises(LLMError, match="conversation 0") as info:
            llm.generate([conv("x")])
        assert info.value.attempts == 1 and server.requests == 0  # a 404 is not retried


def test_connection_refused_is_retried_then_reported():
    with FakeOpenAIServer() as server:
        url = server.base_url
    with make_llm(config(url, max_retries=2)) as llm, pytest.raises(LLMError) as info:
        llm.generate([conv("x")])
    assert info.value.attempts == 3 and "APIConnectionError" in str(info.value)


def test_retry_after_is_honored():
    state = {"n": 0}

    def once(body):
        state["n"] += 1
        return "429" if state["n"] == 1 else None

    with FakeOpenAIServer(fault_fn=once, retry_after=0.3) as server:
        with make_llm(config(server.base_url, retry_backoff=0.0, retry_backoff_max=5.0)) as llm:
            start = time.perf_counter()
            assert llm.generate([conv("x")]) == ["reply to: x"]
            assert time.perf_counter() - start >= 0.3
            assert llm.usage.retries == 1


@pytest.mark.parametrize(("concurrency", "n"), [(1, 6), (8, 32)])
def test_requests_really_run_concurrently(concurrency, n):
    """``concurrency`` requests are in flight at once, never more: checked with counters, not a clock.

    The server holds each request at a barrier until ``concurrency`` of them have arrived, so a client that
    sent fewer at once would never get an answer (the barrier's 120 s timeout is only a hang guard; a broken
    barrier answers "barrier broken" and the reply check fails). ``max_in_flight`` bounds it from above.
    """
    barrier = threading.Barrier(concurrency)

    def held(messages, body):
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            return "barrier broken"
        return echo_reply(messages, body)

    with FakeOpenAIServer(held) as server:
        with make_llm(config(server.base_url, concurrency=concurrency, timeout=300, max_retries=0)) as llm:
            replies = llm.generate([conv(f"q{i}") for i in range(n)])
    assert replies == [f"reply to: q{i}" for i in range(n)]
    assert server.max_in_flight == concurrency and server.requests == n


def test_several_base_urls_are_all_used():
    servers = [FakeOpenAIServer().start() for _ in range(3)]
    try:
        with make_llm(config([s.base_url for s in servers])) as llm:
            replies = llm.generate([conv(f"q{i}") for i in range(30)])
        assert replies == [f"reply to: q{i}" for i in range(30)]
        assert [s.requests for s in servers] == [10, 10, 10]  # round-robin
    finally:
        for s in servers:
            s.stop()


def test_a_retry_moves_to_the_next_endpoint():
    down = FakeOpenAIServer(fault_fn=lambda body: "503").start()
    up = FakeOpenAIServer().start()
    try:
        with make_llm(config([down.base_url, up.base_url], max_retries=1)) as llm:
            assert llm.generate([conv(f"q{i}") for i in range(6)]) == [f"reply to: q{i}" for i in range(6)]
        assert down.requests == 3 and up.requests == 6
    finally:
        down.stop()
        up.stop()


def seeded_reply(messages, body):
    """Stands in for a sampling server: the reply depends on the request seed."""
    return f"{messages[-1]['content']} #{body.get('seed')}"


def test_replay_cache_makes_zero_requests_and_returns_identical_outputs(tmp_path):
    cache = str(tmp_path / "llm-cache.sqlite")
    batch = [conv("same"), conv("other"), conv("same"), conv("same")]
    with FakeOpenAIServer(reply=seeded_reply) as server:
        with make_llm(config(server.base_url, temperature=0.9, cache=cache)) as llm:
            first = llm.generate(batch)
            assert llm.usage.cache_misses == 4 and llm.usage.cache_hits == 0
        assert server.requests == 4
        # identical prompts at temperature > 0 got distinct, deterministic samples
        assert len({first[0], first[2], first[3]}) == 3

        server.reset_counts()
        with make_llm(config(server.base_url, temperature=0.9, cache=cache, cache_mode="replay")) as replay:
            second = replay.generate(batch)
            assert replay.usage.cache_hits == 4 and replay.usage.requests == 0
            assert server.requests == 0
            assert second == first
            with pytest.raises(LLMError, match=r"conversation 1 .*not in the replay cache") as info:
                replay.generate([conv("same"), conv("never asked")])
            assert info.value.index == 1
            with pytest.raises(LLMError, match="replay cache"):  # other sampling params are other keys
                replay.generate(batch, temperature=0.5)
        assert server.requests == 0


def test_readwrite_cache_only_sends_misses_and_keeps_partial_successes(tmp_path):
    cache = str(tmp_path / "c.sqlite")
    poison = lambda body: "500" if body["messages"][-1]["content"] == "bad" else None  # noqa: E731
    with FakeOpenAIServer(fault_fn=poison) as server:
        with make_llm(config(server.base_url, cache=cache, max_retries=0)) as llm:
            with pytest.raises(LLMError) as info:
                llm.generate([conv("a"), conv("bad"), conv("b")])
            assert info.value.index == 1
            server.reset_counts()
            assert llm.generate([conv("a"), conv("b"), conv("c")]) == ["reply to: a", "reply to: b", "reply to: c"]
            assert server.requests == 1  # only "c" was not cached


def test_per_call_params_are_validated():
    with FakeOpenAIServer() as server, make_llm(config(server.base_url)) as llm:
        with pytest.raises(ValueError, match="top_k"):
            llm.generate([conv("x")], top_k=3)
        with pytest.raises(ValueError, match="max_tokens"):
            llm.generate([conv("x")], max_tokens=0)
        with pytest.raises(ValueError, match="sample_ids"):
            llm.generate([conv("x")], sample_ids=[1, 2])
        llm.generate([conv("x")], max_tokens=3, temperature=0.5)
        assert server.bodies[-1]["max_tokens"] == 3 and server.bodies[-1]["temperature"] == 0.5


def test_worker_processes_keep_order_usage_retries_and_error_details():
    """``processes=2``: the batch is split over two spawned client processes; nothing observable changes."""
    faults = {f"p_{kind}": 0.2 / 5 for kind in ("429", "500", "truncated", "empty", "no_choices")}

    def poison(body):
        return "500" if "poison" in body["messages"][-1]["content"] else None

    with FakeOpenAIServer(seed=3, **faults) as server:
        cfg = config(server.base_url, concurrency=8, processes=2, max_retries=8)
        with make_llm(cfg) as llm:
            batch = [conv(f"question {i}") for i in range(40)]
            assert llm.generate(batch) == [f"reply to: question {i}" for i in range(40)]
            faults_seen = sum(n for k, n in server.outcomes.items() if k != "ok")
            assert faults_seen > 0 and llm.usage.retries == faults_seen
            assert llm.usage.requests == server.requests == 40 + faults_seen
            assert llm.usage.completion_tokens > 0
            assert server.max_in_flight <= 8  # 4 per process
    with FakeOpenAIServer(fault_fn=poison) as server:
        with make_llm(config(server.base_url, concurrency=4, processes=2, max_retries=1)) as llm:
            with pytest.raises(LLMError) as info:
                llm.generate([conv("a"), conv("b"), conv("c"), conv("poison")])
            err = info.value
            # index and call are the parent's (the item kept its batch index in the worker)
            assert err.index == 3 and err.call == 0 and err.attempts == 2
            assert "conversation 3" in str(err) and "InternalServerError" in str(err.cause)
            assert llm.usage.failures == 1


def test_a_closed_shared_client_is_replaced_not_handed_out():
    from dialgym.simulators.llm_user import shared_llm

    with FakeOpenAIServer() as server:
        cfg = config(server.base_url)
        first = shared_llm(cfg)
        assert shared_llm(cfg) is first and not first.closed
        first.close()
        assert first.closed
        second = shared_llm(cfg)
        assert second is not first and second.generate([conv("x")]) == ["reply to: x"]
        second.close()
