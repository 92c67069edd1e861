"""Exports load back: Hugging Face datasets (TRL messages) and Minari (Text spaces)."""

from __future__ import annotations

import json
import os

import pytest

from dialgym.cli import main
from dialgym.data.collect import collect
from dialgym.data.io import read_episodes

ENV = "Persuasion-v0"


@pytest.fixture(scope="module")
def episodes_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("data") / "b.jsonl"
    collect(ENV, "behavior", episodes=15, seed=0, out=out, progress=False)
    return out


def test_hf_export_round_trip(episodes_file, tmp_path, capsys):
    import datasets

    out = tmp_path / "hf"
    assert main(["data", "export", str(episodes_file), "--format", "hf", "--out", str(out)]) == 0
    ds = datasets.load_from_disk(str(out))
    eps = read_episodes(episodes_file)
    assert len(ds) == len(eps)
    row = ds[0]
    from dialgym.tasks import get_task

    # TRL conversational: list of {role, content}, led by the task description as dialgym's training format has it
    assert row["messages"][0] == {"role": "system", "content": get_task(ENV).description}
    assert row["messages"][1:] == eps[0].messages
    assert set(row["messages"][0]) == {"role", "content"}
    bare = tmp_path / "bare"
    assert main(["data", "export", str(episodes_file), "--format", "hf", "--out", str(bare), "--no-system"]) == 0
    assert datasets.load_from_disk(str(bare))[0]["messages"] == eps[0].messages
    assert row["reward"] == pytest.approx(eps[0].reward)
    assert json.loads(row["persona"]) == eps[0].persona and json.loads(row["outcome"]) == eps[0].outcome


def test_minari_export_round_trip(episodes_file, tmp_path, monkeypatch):
    import warnings

    import minari

    out = tmp_path / "minari"
    with warnings.catch_warnings():
        # no nagging about metadata the export cannot know (code_permalink, author)
        warnings.filterwarnings("error", message=r".*is set to None")
        assert main(["data", "export", str(episodes_file), "--format", "minari", "--out", str(out)]) == 0
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(out))
    ds = minari.load_dataset("dialgym/persuasion/behavior-v0")
    eps = read_episodes(episodes_file)
    assert ds.total_episodes == len(eps)
    first = next(iter(ds.iterate_episodes()))
    ep = eps[0]
    assert list(first.actions) == [m["content"] for m in ep.messages if m["role"] == "assistant"]
    assert len(first.observations) == ep.turns + 1
    assert float(sum(first.rewards)) == pytest.approx(ep.reward)
    env = ds.recover_environment()
    assert env.spec.id == ENV
    assert all(env.observation_space.contains(o) for o in first.observations)
    # live env observations match the rebuilt ones
    obs, _ = env.reset(seed=ep.seed)
    assert obs == first.observations[0]
    # exporting again refuses to clobber; nothing half-written is left by a failure
    assert main(["data", "export", str(episodes_file), "--format", "minari", "--out", str(out)]) == 2
    assert os.path.isdir(out / "dialgym" / "persuasion" / "behavior-v0")
