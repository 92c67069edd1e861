"""drive / drive_batch: lockstep batches for batching models, pipelined calls for concurrent endpoints."""

from __future__ import annotations

import threading
import time

import pytest

from dialgym.core.calls import LLMCall, drive, drive_batch


class FakeLLM:
    """Replies ``upper(last message)``; sleeps ``delay[text]`` seconds; records every call's batch and timing."""

    def __init__(self, concurrent: bool, delay: dict[str, float] | None = None) -> None:
        self.concurrent_calls = concurrent
        self.delay = delay or {}
        self.batches: list[list[str]] = []
        self.events: list[tuple[str, str, float]] = []
        self.lock = threading.Lock()

    def generate(self, batch, sample_ids=None, **params):
        texts = [conv[-1]["content"] for conv in batch]
        with self.lock:
            self.batches.append(texts)
            self.events += [("start", t, time.perf_counter()) for t in texts]
        time.sleep(max((self.delay.get(t, 0.0) for t in texts), default=0.0))
        with self.lock:
            self.events += [("end", t, time.perf_counter()) for t in texts]
        return [f"{t.upper()}#{sid}" for t, sid in zip(texts, sample_ids or [None] * len(texts), strict=True)]


def chain(llm, *texts, sample=0):
    """A generator making one call per text, each after the previous reply; returns the replies."""
    replies = []
    for text in texts:
        replies.append((yield LLMCall(llm, [{"role": "user", "content": text}], sample_id=sample)))
    return replies


def no_calls(value):
    return value
    yield  # pragma: no cover - makes this a generator


@pytest.mark.parametrize("mode", ["lockstep", "pipelined", "auto"])
def test_every_mode_gives_the_same_results(mode):
    for concurrent in (False, True):
        llm = FakeLLM(concurrent)
        gens = [chain(llm, "a", "b", sample=1), no_calls(7), chain(llm, "c", sample=2), chain(llm, "d", "e", "f")]
        assert drive_batch(gens, mode=mode) == [["A#1", "B#1"], 7, ["C#2"], ["D#0", "E#0", "F#0"]]
    assert drive(chain(FakeLLM(False), "x", "y")) == ["X#0", "Y#0"]


def test_auto_batches_rounds_for_a_batching_model():
    llm = FakeLLM(concurrent=False)
    drive_batch([chain(llm, "a", "b"), chain(llm, "c"), chain(llm, "d", "e")])
    assert llm.batches == [["a", "c", "d"], ["b", "e"]]  # one batch per round


def test_auto_pipelines_for_a_concurrent_endpoint():
    # "slow" takes 0.3 s; the other episode's second call must not wait for it (in lockstep it would)
    llm = FakeLLM(concurrent=True, delay={"slow": 0.3, "fast": 0.0, "judge": 0.0})
    assert drive_batch([chain(llm, "slow"), chain(llm, "fast", "judge")]) == [["SLOW#0"], ["FAST#0", "JUDGE#0"]]
    assert all(len(b) == 1 for b in llm.batches)  # one call at a time per driver
    t = {(kind, text): at for kind, text, at in llm.events}
    assert t[("end", "judge")] < t[("end", "slow")]
    lockstep = FakeLLM(concurrent=True, delay={"slow": 0.3})
    drive_batch([chain(lockstep, "slow"), chain(lockstep, "fast", "judge")], mode="lockstep")
    t = {(kind, text): at for kind, text, at in lockstep.events}
    assert t[("start", "judge")] >= t[("end", "slow")]


def test_pipelined_errors_surface_after_every_driver_finished():
    llm = FakeLLM(concurrent=True, delay={"long": 0.2})
    finished = []

    def failing():
        yield LLMCall(llm, [{"role": "user", "content": "boom"}])
        raise RuntimeError("episode 3, turn 2: the judge gave up")

    def slow():
        reply = yield LLMCall(llm, [{"role": "user", "content": "long"}])
        finished.append(reply)
        return reply

    with pytest.raises(RuntimeError, match="episode 3, turn 2"):
        drive_batch([failing(), slow()])
    assert finished == ["LONG#None"]


def test_bad_mode():
    with pytest.raises(ValueError, match="mode='parallel'"):
        drive_batch([], mode="parallel")


def test_backends_declare_whether_calls_overlap():
    from dialgym.llm.base import LLM
    from dialgym.llm.openai_backend import OpenAILLM

    assert OpenAILLM.concurrent_calls is True
    assert LLM.concurrent_calls is False
