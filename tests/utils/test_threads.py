"""Torch threads follow the idle cores unless told: dialgym.utils.threads."""

from __future__ import annotations

import pytest

from dialgym.utils import threads as th


@pytest.fixture()
def two_cores(monkeypatch):
    monkeypatch.delenv(th.ENV_VAR, raising=False)
    monkeypatch.setattr(th.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)


@pytest.mark.parametrize(("load", "expected"), [(0.0, 2), (0.4, 2), (0.6, 1), (1.0, 1), (3.7, 1), (9.0, 1)])
def test_the_default_is_the_idle_cores_and_never_zero(two_cores, monkeypatch, load, expected):
    monkeypatch.setattr(th.os, "getloadavg", lambda: (load, load, load))
    assert th.idle_cores() == expected
    assert th.choose_threads() == expected


def test_an_explicit_number_or_the_environment_variable_wins(two_cores, monkeypatch):
    monkeypatch.setattr(th.os, "getloadavg", lambda: (5.0, 5.0, 5.0))
    assert th.choose_threads(3) == 3  # told: even more than the cores (the user's call)
    monkeypatch.setenv(th.ENV_VAR, "2")
    assert th.choose_threads() == 2
    assert th.choose_threads(1) == 1  # an explicit argument beats the environment


def test_bad_values_name_themselves(monkeypatch):
    with pytest.raises(ValueError, match=r"threads=0 must be a positive integer"):
        th.choose_threads(0)
    with pytest.raises(ValueError, match=r"threads=True must be"):
        th.choose_threads(True)
    monkeypatch.setenv(th.ENV_VAR, "many")
    with pytest.raises(ValueError, match=r"DIALGYM_THREADS='many' must be a positive integer"):
        th.choose_threads()
    monkeypatch.setenv(th.ENV_VAR, "-1")
    with pytest.raises(ValueError, match=r"DIALGYM_THREADS=-1"):
        th.choose_threads()


def test_set_torch_threads_sets_and_reports(monkeypatch):
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    try:
        assert th.set_torch_threads(1) == 1 and torch.get_num_threads() == 1
        monkeypatch.setenv(th.ENV_VAR, "2")
        assert th.set_torch_threads() == 2 and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_worker_processes_get_a_share_of_the_cores(monkeypatch):
    """A worker of dialgym.runner (collect, evaluate --workers) sets its share of the cores for torch agents."""
    import queue

    from dialgym import runner

    monkeypatch.delenv(th.ENV_VAR, raising=False)
    jobs, results = queue.Queue(), queue.Queue()
    jobs.put((0, runner.EpisodeSpec(0, 1, 2)))
    jobs.put(runner._DONE)
    setup = runner._Setup("Persuasion-v0", "random", {}, None, None)
    runner._worker_main(setup, 1, jobs, results)
    assert th.os.environ[th.ENV_VAR] == "1"
    kind, position, rollout = results.get_nowait()
    assert (kind, position) == ("ok", 0) and rollout.reward >= 0.0
    monkeypatch.delenv(th.ENV_VAR, raising=False)
