"""Importing PersuasionForGood (both layouts), hindsight on real people, and the human-replay agent.

The data is the attributed three-dialogue sample from the development split
(``tests/benchmarks/p4g_sample``) and the CSV layout written from it (``tests/data/p4g_sample``);
nothing here reads ``shared/``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import gymnasium as gym
import pytest

import dialgym  # noqa: F401
from dialgym.cli import main
from dialgym.data.episode import simulator_persona
from dialgym.data.hindsight import OracleController, PolicyController, SimulatorForwardModel, hindsight
from dialgym.data.io import EpisodeFileError, read_episodes
from dialgym.data.p4g import (
    P4GFormatError,
    import_p4g,
    read_p4g,
    split_inclination,
    stays_through,
    trait_quantile,
)
from dialgym.tasks.persuasion.personas import validate_persona

HERE = Path(__file__).resolve().parent
JSONL = HERE.parent / "benchmarks" / "p4g_sample" / "p4g_dialogues_dev.jsonl"
CSV_DIR = HERE / "p4g_sample"
SENTINEL = "Zorblaxian-trait-7731"  # a trait value no dialogue contains


def rows() -> list[dict]:
    return [json.loads(line) for line in JSONL.read_text().splitlines() if line.strip()]


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def comparable(ep) -> dict:
    d = ep.to_dict()
    d.pop("created")
    return d


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("p4g") / "human.jsonl"
    import_p4g(JSONL, out)
    return out


def test_jsonl_import_makes_human_episodes(imported):
    eps = read_episodes(imported)
    source = rows()
    assert [e.id for e in eps] == [f"p4g-{r['dialogue_id']}" for r in source]
    for e, r in zip(eps, source, strict=True):
        assert (e.env_id, e.task, e.source, e.policy) == ("Persuasion-v0", "persuasion", "human", "human:p4g")
        assert e.reward == r["persuadee_donation"] and e.success == (r["persuadee_donation"] > 0)
        assert [m["role"] for m in e.messages] == [m["role"] for m in r["messages"]]
        assert e.messages[0]["content"] == " ".join(r["messages"][0]["content"].split())
        assert e.persona["persuadee_traits"] == r["persuadee_traits"]
        assert e.persona["persuader_traits"] == r["persuader_traits"]
        assert e.persona["dialogue_id"] == r["dialogue_id"]
        stand_in = validate_persona(simulator_persona(e.persona))
        assert stand_in["patience"] >= e.turns
        assert len(e.agent_acts) == e.turns and all(e.agent_acts)
        assert e.env_kwargs["max_turns"] >= e.turns


def test_stand_in_is_what_the_recorded_seed_draws(imported):
    """The stand-in is reproducible: reset(seed=episode.seed) on the recorded split draws it, and only the
    matched parameters differ (patience from what the real turns cost, inclination from the survey)."""
    for ep in read_episodes(imported):
        split = ep.env_kwargs["persona_split"]
        env = gym.make("Persuasion-v0", persona_split=split)
        env.reset(seed=ep.seed)
        drawn = env.unwrapped.persona
        stand_in = dict(ep.persona["simulator"])
        assert ep.persona["matched"] == ["patience", "inclination"]  # every sample dialogue has a survey
        same = [k for k in drawn if k not in ep.persona["matched"]]
        assert {k: drawn[k] for k in same} == {k: stand_in[k] for k in same}
        turns = [m["content"] for m in ep.messages if m["role"] == "assistant"]
        assert stand_in["patience"] >= max(drawn["patience"], ep.turns)
        assert stays_through(stand_in, turns, ep.seed)  # they stayed for the whole real dialogue
        if stand_in["patience"] > max(drawn["patience"], ep.turns):  # raised no further than that needs
            assert not stays_through({**stand_in, "patience": stand_in["patience"] - 1}, turns, ep.seed)
        q = trait_quantile(ep.persona["persuadee_traits"])
        assert stand_in["inclination"] == split_inclination(split, q)


def test_trait_quantile_orders_people_by_the_survey():
    """A caring, loyal person ranks above a hedonistic, achievement-driven one; no survey means no guess."""
    base = {k: "4.0" for k in ("extrovert", "agreeable", "conscientious", "neurotic", "open")}
    base |= {k: "3.5" for k in ("care", "fairness", "loyalty", "authority", "purity", "freedom", "conform")}
    base |= {k: "4.0" for k in ("tradition", "benevolence", "universalism", "self_direction", "stimulation")}
    base |= {k: "4.0" for k in ("hedonism", "achievement", "power", "security", "rational", "intuitive")}
    base |= {"age": "35", "income": "3"}
    giver = base | {"care": "6.0", "loyalty": "6.0", "hedonism": "1.0", "achievement": "1.0"}
    keeper = base | {"care": "1.0", "loyalty": "1.0", "hedonism": "6.0", "achievement": "6.0"}
    q_giver, q_base, q_keeper = (trait_quantile(t) for t in (giver, base, keeper))
    assert q_giver is not None and q_base is not None and q_keeper is not None
    assert 0 < q_keeper < q_base < q_giver < 1
    assert trait_quantile({}) is None
    assert trait_quantile({"care": "6.0", "age": "n/a"}) is None  # too few answers to place anyone
    lo, hi = split_inclination("test", 0.01), split_inclination("test", 0.99)
    assert 0.1 <= lo < split_inclination("test", 0.5) < hi <= 0.4  # the split's own range (0.1 to 0.4)


def test_csv_layout_imports_to_the_same_episodes(imported, tmp_path):
    out = tmp_path / "csv.jsonl"
    summary = import_p4g(CSV_DIR, out)
    assert summary.layout == "csv" and summary.written == 3
    from_csv = read_episodes(out)
    for a, b in zip(read_episodes(imported), from_csv, strict=True):
        # the CSV cuts each message into sentences: merging them back gives the same messages
        assert a.messages == b.messages
        assert (a.id, a.reward, a.seed, a.agent_acts) == (b.id, b.reward, b.seed, b.agent_acts)
        assert a.persona["persuadee_traits"] == b.persona["persuadee_traits"]
        assert a.persona["simulator"] == b.persona["simulator"]
        assert b.persona["persuadee_id"].startswith("sample_persuadee_")
    # full_dialog.csv itself is a valid PATH too
    ids = [d.dialogue_id for d in read_p4g(CSV_DIR / "full_dialog.csv").dialogues]
    assert ids == [r["dialogue_id"] for r in rows()]


def test_corrupt_line_is_reported_with_file_and_line(tmp_path):
    src = rows()
    path = write_jsonl(tmp_path / "d.jsonl", [src[0], '{"dialogue_id": "x", "messages": [', src[1], src[2]])
    out = tmp_path / "out.jsonl"
    with pytest.raises(P4GFormatError, match=r"d\.jsonl:2: not JSON .*--skip-invalid"):
        import_p4g(path, out)
    assert not out.exists()  # nothing written before the whole input was read
    summary = import_p4g(path, out, skip_invalid=True)
    assert summary.written == 3 and summary.skipped_invalid == 1 and "d.jsonl:2" in summary.problems[0]
    assert main(["data", "import", "p4g", str(path), "--out", str(tmp_path / "cli.jsonl")]) == 2


def test_missing_field_is_reported(tmp_path):
    src = rows()
    broken = {k: v for k, v in src[1].items() if k != "persuadee_donation"}
    path = write_jsonl(tmp_path / "d.jsonl", [src[0], broken])
    with pytest.raises(P4GFormatError, match=r"d\.jsonl:2: missing field\(s\) \['persuadee_donation'\]"):
        import_p4g(path, tmp_path / "o.jsonl")
    # CSV: a dialogue without its persuadee's full_info row, and a donation that is not a number
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "full_dialog.csv").write_text((CSV_DIR / "full_dialog.csv").read_text())
    info = list(csv.reader((CSV_DIR / "full_info.csv").open()))
    first_id, third_id = info[1][1], info[5][1]
    info = [r for r in info if not (r[1] == first_id and r[3] == "1")]
    info[-1][4] = "lots"
    with (folder / "full_info.csv").open("w", newline="") as f:
        csv.writer(f).writerows(info)
    data = read_p4g(folder)
    assert len(data.dialogues) == 1
    reasons = {p.dialogue_id: str(p) for p in data.problems}
    assert "full_dialog.csv:2:" in reasons[first_id] and "no persuadee row" in reasons[first_id]
    assert "full_info.csv:" in reasons[third_id] and "'lots' is not a dollar amount" in reasons[third_id]


def test_bad_csv_row_names_its_line(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "full_info.csv").write_text((CSV_DIR / "full_info.csv").read_text())
    lines = (CSV_DIR / "full_dialog.csv").read_text().splitlines()
    lines[4] = lines[4].rsplit(",", 2)[0] + ",2," + lines[4].rsplit(",", 1)[1]  # B4 = 2
    (folder / "full_dialog.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(P4GFormatError, match=r"full_dialog\.csv:5: B4='2': expected 0 \(persuader\) or 1"):
        import_p4g(folder, tmp_path / "o.jsonl")


def test_donation_above_two_dollars_is_clipped(tmp_path):
    src = rows()
    src[0]["persuadee_donation"] = 700.0
    out = tmp_path / "o.jsonl"
    summary = import_p4g(write_jsonl(tmp_path / "d.jsonl", src), out)
    ep = read_episodes(out)[0]
    assert ep.reward == 2.0 and ep.success
    assert ep.outcome["real_donation"] == 700.0 and ep.outcome["clipped"] is True
    assert summary.clipped == 1
    src[1]["persuadee_donation"] = -1
    with pytest.raises(P4GFormatError, match=r"d2\.jsonl:2: persuadee_donation=-1: expected a dollar amount >= 0"):
        import_p4g(write_jsonl(tmp_path / "d2.jsonl", src), tmp_path / "o2.jsonl")


def test_a_persuadee_who_speaks_first(tmp_path):
    src = rows()
    src[0]["messages"] = [{"role": "user", "content": "Hi there!"}, {"role": "user", "content": "Who is this?"}] + src[
        0
    ]["messages"]
    out = tmp_path / "o.jsonl"
    import_p4g(write_jsonl(tmp_path / "d.jsonl", src), out)
    ep = read_episodes(out)[0]
    assert ep.messages[0] == {"role": "user", "content": "Hi there! Who is this?"}
    assert ep.messages[1]["role"] == "assistant" and len(ep.agent_acts) == ep.turns
    # the env's prefix replay takes the real opening, and hindsight regenerates such a dialogue
    env = gym.make("Persuasion-v0", **ep.env_kwargs)
    _, info = env.reset(seed=1, options={"persona": simulator_persona(ep.persona), "prefix": ep.messages[:3]})
    assert info["messages"] == ep.messages[:3] and info["turn"] == 1
    hs = tmp_path / "h.jsonl"
    summary = hindsight(out, hs, factor=3, seed=0, progress=False)
    regens = [e for e in read_episodes(hs) if e.source == "hindsight" and e.parent_id == ep.id]
    assert summary.regenerations > 0 and regens
    assert all(r.messages[: r.prefix_len] == ep.messages[: r.prefix_len] for r in regens)


def test_import_is_resumable_and_idempotent(imported, tmp_path):
    out = tmp_path / "o.jsonl"
    import_p4g(JSONL, out)
    lines = out.read_text().splitlines()
    out.write_text(lines[0] + "\n" + lines[1][:40])  # killed mid-write: one whole line, one partial
    summary = import_p4g(JSONL, out)
    assert (summary.already_there, summary.written) == (1, 2)
    assert [comparable(e) for e in read_episodes(out)] == [comparable(e) for e in read_episodes(imported)]
    again = import_p4g(JSONL, out)
    assert again.written == 0 and len(read_episodes(out)) == 3
    with pytest.raises(EpisodeFileError, match="seed"):
        import_p4g(JSONL, out, seed=1)
    with pytest.raises(EpisodeFileError, match="input_sha256"):
        import_p4g(CSV_DIR, out)


def test_cli_import_then_stats(tmp_path, capsys):
    out = tmp_path / "o.jsonl"
    assert main(["data", "import", "p4g", str(JSONL.parent), "--out", str(out)]) == 0
    assert "3 new" in capsys.readouterr().out
    assert main(["data", "stats", str(out), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["sources"] == {"human": 3} and stats["persona_types"] == {"p4g_human": 3}
    hs = tmp_path / "h.jsonl"
    assert main(["hindsight", str(out), "--factor", "2", "--seed", "0", "--out", str(hs), "--quiet"]) == 0
    assert "regenerations" in capsys.readouterr().out
    sources = {e.source for e in read_episodes(hs)}
    assert sources == {"human", "hindsight"}


@pytest.fixture
def secret(tmp_path) -> Path:
    """The sample with a trait value that appears nowhere else, to trace where traits go."""
    src = rows()
    for r in src:
        r["persuadee_traits"]["religion"] = SENTINEL
        r["persuader_traits"]["ideology"] = SENTINEL
    out = tmp_path / "secret.jsonl"
    import_p4g(write_jsonl(tmp_path / "d.jsonl", src), out)
    assert SENTINEL in out.read_text()
    return out


def test_no_trait_reaches_an_observation(secret, tmp_path, monkeypatch):
    """Traits are metadata: not in what hindsight's agents see, nor in the learners' or exports' text."""
    from dialgym.agents.replay import HumanReplayAgent
    from dialgym.tasks import get_task

    seen: list[str] = []
    for cls in (HumanReplayAgent, get_task("Persuasion-v0").adaptive_agent, get_task("Persuasion-v0").oracle_agent):
        original = cls.act

        def spy(self, observation, info, _original=original):
            seen.append(observation + json.dumps(info, default=str))
            return _original(self, observation, info)

        monkeypatch.setattr(cls, "act", spy)
    hs = tmp_path / "h.jsonl"
    hindsight(secret, hs, factor=2, seed=0, progress=False)
    hindsight(secret, tmp_path / "o.jsonl", factor=1, seed=0, progress=False, controller=OracleController())
    assert len(seen) > 10 and not any(SENTINEL in s for s in seen)
    # the oracle controller is told the simulator stand-in, never the traits
    assert any('"moved_by"' in s for s in seen)

    from dialgym.agents.lm import dialogue_texts

    episodes = read_episodes(hs)
    assert not any(SENTINEL in t for t in dialogue_texts(episodes))
    assert not any(SENTINEL in m["content"] for e in episodes for m in e.messages)


def test_hindsight_on_human_episodes(imported, tmp_path):
    out = tmp_path / "h.jsonl"
    summary = hindsight(imported, out, factor=3, seed=0, progress=False)
    eps = read_episodes(out)
    parents = {e.id: e for e in eps if e.source == "human"}
    regens = [e for e in eps if e.source == "hindsight"]
    assert len(parents) == 3 and len(regens) == summary.regenerations > 0
    changed = 0
    for r in regens:
        p = parents[r.parent_id]
        assert r.messages[: r.prefix_len] == p.messages[: r.prefix_len]  # the real prefix, human turns verbatim
        assert r.persona == p.persona and r.policy == "hindsight(human:p4g)"
        assert 0.0 <= r.reward <= 2.0 and len(r.agent_acts) == r.turns
        changed += r.messages[r.prefix_len] != p.messages[r.prefix_len]
        # after the rewritten turn the real persuader's own later turns continue (open loop)
        real_turns = [m["content"] for m in p.messages if m["role"] == "assistant"]
        later = [m["content"] for m in r.messages[r.prefix_len + 1 :] if m["role"] == "assistant"]
        k = sum(m["role"] == "assistant" for m in r.messages[: r.prefix_len]) + 1
        assert later == (real_turns + ["Thank you."] * 50)[k : k + len(later)]
    assert changed > 0
    again = hindsight(imported, out, factor=3, seed=0, progress=False)
    assert again.regenerations == 0 and again.skipped_existing == len(eps)
    # an explicit continuation plays the simulator's policy instead
    other = tmp_path / "b.jsonl"
    hindsight(imported, other, factor=1, seed=0, progress=False, forward=SimulatorForwardModel("behavior"))
    assert any(e.source == "hindsight" for e in read_episodes(other))
    assert PolicyController().spec == "adaptive"


def test_human_replay_agent(imported, tmp_path):
    from dialgym.agents import make_agent
    from dialgym.rollout import play_episode
    from dialgym.seeding import episode_seed

    agent = make_agent(f"human-replay:{imported}", "Persuasion-v0")
    raw = make_agent(f"human-replay:{JSONL}", "Persuasion-v0")
    assert agent.dialogues == raw.dialogues and len(agent.dialogues) == 3
    env = gym.make("Persuasion-v0")
    replayed = set()
    for i in range(12):
        r = play_episode(env, agent, episode_seed(0, i), episode_seed(0, i, 1))
        said = [m["content"] for m in r.messages if m["role"] == "assistant"]
        match = [d for d in agent.dialogues if (d + ["Thank you."] * 10)[: len(said)] == said]
        assert match, said[:2]
        replayed.add(agent.dialogues.index(match[0]))
    assert len(replayed) > 1  # episodes replay different dialogues
    with pytest.raises(ValueError, match="plays Persuasion-v0, not 'Counseling-v0'"):
        make_agent(f"human-replay:{imported}", "Counseling-v0")
    with pytest.raises(FileNotFoundError, match=r"nowhere\.jsonl"):
        make_agent("human-replay:nowhere.jsonl", "Persuasion-v0")
    with pytest.raises(ValueError, match="needs a path"):
        make_agent("human-replay", "Persuasion-v0")


def test_a_refused_prefix_does_not_break_later_regenerations(imported):
    """The user of the stand-in leaves inside a real prefix: that regeneration fails, the next ones still play."""
    import numpy as np

    ep = read_episodes(imported)[0]
    ep.persona["simulator"]["patience"] = 1
    forward = SimulatorForwardModel()
    with pytest.raises(ValueError, match="prefix must leave at least one agent turn"):
        forward.complete(ep, 4, "Have you heard of Save the Children?", np.random.default_rng(0))
    done = forward.complete(ep, 0, "Have you heard of Save the Children?", np.random.default_rng(1))
    assert done.messages[0]["content"] == "Have you heard of Save the Children?"
