import json

import pytest

from dialgym.data.episode import Episode, EpisodeFormatError
from dialgym.data.io import (
    EpisodeFileError,
    EpisodeWriter,
    check_or_write_meta,
    filter_episodes,
    iter_episodes,
    merge_episodes,
    read_episodes,
    repair_partial_line,
    split_episodes,
    top_fraction,
    write_episodes,
)


def ep(i: int, reward: float = 0.0, **kw) -> Episode:
    return Episode(
        id=f"t-{i}",
        task="toy",
        env_id="Toy-v0",
        seed=i,
        persona={"type": "a_b"},
        messages=[{"role": "assistant", "content": "hi"}, {"role": "user", "content": "hello \u00e9"}],
        reward=reward,
        outcome={"x": reward},
        success=reward > 0,
        **kw,
    )


def test_round_trip_and_one_line_per_episode(tmp_path):
    path = tmp_path / "e.jsonl"
    with EpisodeWriter(path) as w:
        for i in range(3):
            w.write(ep(i, reward=i))
    lines = path.read_text().splitlines()
    assert len(lines) == 3 and all(json.loads(line)["id"] == f"t-{i}" for i, line in enumerate(lines))
    back = read_episodes(path)
    assert [e.id for e in back] == ["t-0", "t-1", "t-2"]
    assert back[2].reward == 2.0 and back[0].messages[1]["content"] == "hello \u00e9"


def test_partial_last_line_is_cut_before_appending(tmp_path):
    path = tmp_path / "e.jsonl"
    with EpisodeWriter(path) as w:
        w.write(ep(0))
    with open(path, "a") as f:
        f.write('{"id": "t-1", "task": "to')  # a writer killed mid-line
    assert repair_partial_line(path) > 0
    with EpisodeWriter(path) as w:
        w.write(ep(2))
    assert [e.id for e in read_episodes(path)] == ["t-0", "t-2"]


def test_corrupt_line_names_file_and_line_and_can_be_skipped(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text(ep(0).to_json() + "\nnot json\n" + ep(1).to_json() + "\n")
    with pytest.raises(EpisodeFileError, match=r"e.jsonl:2: not a valid episode.*--skip-invalid"):
        read_episodes(path)
    stats: dict[str, int] = {}
    assert [e.id for e in iter_episodes(path, skip_invalid=True, stats=stats)] == ["t-0", "t-1"]
    assert stats["invalid"] == 1


@pytest.mark.parametrize(
    "change, match",
    [
        ({"messages": []}, "non-empty list"),
        ({"messages": [{"role": "system", "content": "x"}]}, r"messages\[0\]"),
        ({"reward": "high"}, "'reward' must be a number"),
        ({"source": "dream"}, "'source' is 'dream'"),
        ({"source": "hindsight"}, "parent_id"),
        ({"colour": 1}, r"unknown field\(s\) \['colour'\]"),
    ],
)
def test_validation_names_the_field(change, match):
    with pytest.raises(EpisodeFormatError, match=match):
        Episode.from_dict({**ep(0).to_dict(), **change})


def test_meta_refuses_a_different_configuration(tmp_path):
    path = tmp_path / "e.jsonl"
    check_or_write_meta(path, {"command": "collect", "seed": 0})
    check_or_write_meta(path, {"command": "collect", "seed": 0})  # same: fine
    with pytest.raises(EpisodeFileError, match="seed: file has 0, this run has 1"):
        check_or_write_meta(path, {"command": "collect", "seed": 1})
    other = tmp_path / "o.jsonl"
    other.write_text(ep(0).to_json() + "\n")
    with pytest.raises(EpisodeFileError, match=r"no o\.jsonl\.meta\.json"):
        check_or_write_meta(other, {"command": "collect"})


def test_filter_split_merge_top_fraction(tmp_path):
    eps = [ep(i, reward=i) for i in range(10)]
    assert [e.id for e in top_fraction(eps, 0.3)] == ["t-9", "t-8", "t-7"]
    assert [e.id for e in filter_episodes(eps, lambda e: e.reward >= 8)] == ["t-8", "t-9"]
    a, b = split_episodes(eps, [0.8, 0.2], seed=1)
    assert len(a) == 8 and len(b) == 2 and {e.id for e in a} | {e.id for e in b} == {e.id for e in eps}
    assert split_episodes(eps, [0.8, 0.2], seed=1)[1] == b
    with pytest.raises(ValueError, match="sum to 1"):
        split_episodes(eps, [0.5, 0.2])
    with pytest.raises(ValueError, match="'t-1' appears in more than one input"):
        merge_episodes(eps[:2], eps[1:3])
    path = tmp_path / "w.jsonl"
    assert write_episodes(path, eps) == 10 and len(read_episodes(path)) == 10


def test_resuming_writers_stop_at_a_corrupt_line_and_say_what_to_do(tmp_path):
    """collect appends to its file, so a corrupt line in it is reported (file, line, remedy), never skipped."""
    from dialgym.data.collect import collect

    out = tmp_path / "c.jsonl"
    collect("Persuasion-v0", "random", episodes=3, seed=0, out=out, progress=False)
    lines = out.read_text().splitlines()
    out.write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n")
    with pytest.raises(EpisodeFileError, match=r"c\.jsonl:2: .*collect resumes by appending to c\.jsonl.*new --out"):
        collect("Persuasion-v0", "random", episodes=4, seed=0, out=out, progress=False)
