"""Your own agent, everywhere a spec is accepted: ``module:Class``, ``module.Class``, ``file.py:Class``, objects."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import dialgym
from dialgym.agents import ExternalAgent, as_agent, is_custom_spec, make_agent, parse_option_value
from dialgym.data.collect import collect
from dialgym.data.io import read_episodes
from dialgym.evaluation.leaderboard import run_leaderboard

REPO = Path(__file__).resolve().parents[2]

AGENT_SOURCE = textwrap.dedent(
    '''
    import random

    class Greeter:
        """A plain class: no dialgym base class, no registration."""

        def __init__(self, greeting="Hello", times=1, loud=False, ratio=0.5, env_id=None, seed=None):
            self.greeting, self.times, self.loud, self.ratio = greeting, times, loud, ratio
            self.env_id, self.seed = env_id, seed
            self.resets = []
            self.rng = random.Random(seed)

        def reset(self, seed=None):
            self.resets.append(seed)
            self.rng = random.Random(seed)

        def act(self, observation, info):
            word = self.greeting.upper() if self.loud else self.greeting
            ask = self.rng.choice(["Would you donate to Save the Children?", "Could you give $1 to Save the Children?"])
            return " ".join([word] * self.times) + "! " + ask

    class NoResetNoArgs:
        def act(self, observation, info):
            return "Hi! Would you donate a dollar to Save the Children?"

    class Peeker:
        requires_privileged = True

        def act(self, observation, info):
            return f"You are a {info['persona']['type']}. Would you donate?"

    class Broken:
        def act(self, observation, info):
            return 42

    class WithLLM:
        def __init__(self, llm=None):
            self.llm = llm

        def act(self, observation, info):
            return f"Hi, I run on {self.llm['model'] if self.llm else 'nothing'}. Would you donate?"
    '''
)


@pytest.fixture()
def agent_file(tmp_path, monkeypatch):
    path = tmp_path / "my_greeter.py"
    path.write_text(AGENT_SOURCE)
    monkeypatch.chdir(tmp_path)  # module specs are found from the current directory, as `python -m` would
    yield path
    sys.modules.pop("my_greeter", None)


def test_option_values_are_parsed_like_numbers_and_booleans():
    assert parse_option_value("3") == 3 and parse_option_value("0.25") == 0.25
    assert parse_option_value("true") is True and parse_option_value("False") is False
    assert parse_option_value("hi") == "hi" and parse_option_value("1e-3") == 0.001


def test_module_colon_class_dotted_and_file_specs_build_the_same_agent(agent_file):
    spec_options = "?greeting=Hey&times=2&loud=true&ratio=0.75"
    for spec in ("my_greeter:Greeter", "my_greeter.Greeter", f"{agent_file}:Greeter", "my_greeter.py:Greeter"):
        assert is_custom_spec(spec)
        agent = make_agent(spec + spec_options, "Persuasion-v0", seed=7)
        assert isinstance(agent, ExternalAgent) and agent.spec == spec + spec_options
        inner = agent.inner
        assert (inner.greeting, inner.times, inner.loud, inner.ratio) == ("Hey", 2, True, 0.75)
        assert (inner.env_id, inner.seed) == ("Persuasion-v0", 7)  # named in the constructor: passed in
        assert agent.act("obs", {"messages": []}).startswith("HEY HEY! ")
    assert make_agent("my_greeter:Greeter?seed=3", "Persuasion-v0").inner.seed == 3


def test_bad_custom_specs_say_what_is_wrong(agent_file):
    with pytest.raises(ValueError, match=r"no module named 'nowhere_xyz'.*file\.py:Class"):
        make_agent("nowhere_xyz:Agent", "Persuasion-v0")
    with pytest.raises(ValueError, match=r"has no 'Nope'.*classes there: \['Broken', 'Greeter', 'NoResetNoArgs'"):
        make_agent("my_greeter:Nope", "Persuasion-v0")
    with pytest.raises(FileNotFoundError, match=r"missing\.py"):
        make_agent("missing.py:Agent", "Persuasion-v0")
    with pytest.raises(TypeError, match=r"cannot build agent 'my_greeter:Greeter\?colour=red'.*colour"):
        make_agent("my_greeter:Greeter?colour=red", "Persuasion-v0")
    with pytest.raises(ValueError, match=r"unknown agent 'oracel'.*'oracle'.*package\.module:Class"):
        make_agent("oracel", "Persuasion-v0")
    with pytest.raises(TypeError, match=r"Broken\.act returned int 42; expected a str"):
        dialgym.evaluate("my_greeter:Broken", "Persuasion-v0", episodes=1)


def test_any_object_with_act_is_evaluated_with_seeded_resets(agent_file):
    from my_greeter import Greeter, NoResetNoArgs

    greeter = Greeter()
    result = dialgym.evaluate(greeter, "Persuasion-v0", episodes=6, seed=1)
    assert result.agent == "Greeter" and result.episodes == 6
    assert len(greeter.resets) == 6 and len(set(greeter.resets)) == 6  # one distinct seed per episode
    again = Greeter()
    assert dialgym.evaluate(again, "Persuasion-v0", episodes=6, seed=1).returns == result.returns
    assert again.resets == greeter.resets  # the same run seed gives the same episode seeds
    # without reset(), the object is simply reused; the spec form gives the same returns as the object
    assert dialgym.evaluate(NoResetNoArgs(), "Persuasion-v0", episodes=3).episodes == 3
    by_spec = dialgym.evaluate("my_greeter:Greeter", "Persuasion-v0", episodes=6, seed=1)
    assert by_spec.returns == result.returns
    with pytest.raises(TypeError, match=r"not an agent: expected an object with a method act"):
        as_agent(object())


def test_requires_privileged_on_a_plain_object_shows_it_the_persona(agent_file):
    from my_greeter import Peeker

    seen = []

    class Spy(Peeker):
        def act(self, observation, info):
            seen.append(info["persona"]["type"])
            return super().act(observation, info)

    dialgym.evaluate(Spy(), "Persuasion-v0", episodes=2)
    assert len(seen) >= 2


def test_evaluate_carries_the_normalized_score(agent_file):
    plain = dialgym.evaluate("behavior", "Persuasion-v0", episodes=30, seed=0)
    assert plain.normalized is None and plain.summary()["normalized"] is None
    measured = dialgym.evaluate("behavior", "Persuasion-v0", episodes=30, seed=0, reference=True)
    rnd = dialgym.evaluate("random", "Persuasion-v0", episodes=30, seed=0).mean_return
    orc = dialgym.evaluate("oracle", "Persuasion-v0", episodes=30, seed=0).mean_return
    assert measured.reference == (rnd, orc)
    assert measured.normalized == pytest.approx(100 * (measured.mean_return - rnd) / (orc - rnd))
    lo, hi = measured.normalized_ci95
    assert lo <= measured.normalized <= hi and "normalized=" in repr(measured)
    given = dialgym.evaluate("behavior", "Persuasion-v0", episodes=30, seed=0, reference=(0.0, 2.0))
    assert given.normalized == pytest.approx(50 * given.mean_return)
    with pytest.raises(ValueError, match=r"reference=\(1\.0,\) must be"):
        dialgym.evaluate("behavior", "Persuasion-v0", episodes=3, reference=(1.0,))


def test_run_leaderboard_takes_objects_and_specs_alike(agent_file, tmp_path):
    from my_greeter import Greeter

    entries = run_leaderboard(
        ["Persuasion-v0"], [Greeter(), "my_greeter:Greeter", "behavior"], episodes=8, seed=0, progress=False,
        out=tmp_path / "lb",
    )  # fmt: skip
    rows = {e.agent: e for e in entries}
    assert set(rows) == {"Greeter", "my_greeter:Greeter", "behavior", "random", "oracle"}
    assert rows["Greeter"].result.returns == rows["my_greeter:Greeter"].result.returns  # same seeds, same agent
    for e in entries:
        assert e.normalized is not None and e.result.normalized == e.normalized
    assert rows["random"].normalized == 0 and rows["oracle"].normalized == 100
    assert "Success (the share of episodes where)" in (tmp_path / "lb" / "leaderboard.md").read_text()
    with pytest.raises(ValueError, match="two different agents are both called 'Greeter'"):
        run_leaderboard(["Persuasion-v0"], [Greeter(), Greeter()], episodes=2, seed=0, progress=False)


def test_the_runs_llm_config_reaches_a_custom_agent_that_asks_for_it(agent_file, tmp_path):
    llm = {"backend": "openai", "model": "my-endpoint-model", "base_url": "http://127.0.0.1:9/v1"}
    run_leaderboard(
        ["Persuasion-v0"], ["my_greeter:WithLLM"], episodes=1, seed=0, progress=False, out=tmp_path / "lb", llm=llm,
        reference_scores={"Persuasion-v0": (0.0, 1.0)},
    )  # fmt: skip
    (episode,) = read_episodes(tmp_path / "lb" / "episodes" / "Persuasion-v0" / "test" / "my_greeter_WithLLM.jsonl")
    assert "my-endpoint-model" in episode.messages[0]["content"]


def test_collect_records_an_object_under_its_name_and_copies_it_per_batch_slot(agent_file, tmp_path):
    from my_greeter import Greeter

    greeter = Greeter()
    greeter.spec = "greeter-v1"
    summary = collect("Persuasion-v0", greeter, episodes=4, seed=0, out=tmp_path / "a.jsonl", progress=False)
    assert summary.written == 4
    assert {e.policy for e in read_episodes(tmp_path / "a.jsonl")} == {"greeter-v1"}
    batched = collect("Persuasion-v0", greeter, episodes=4, seed=0, out=tmp_path / "b.jsonl", progress=False, batch=2)
    assert batched.written == 4
    same = [(e.id, e.reward) for e in read_episodes(tmp_path / "a.jsonl")]
    assert sorted(same) == sorted((e.id, e.reward) for e in read_episodes(tmp_path / "b.jsonl"))


def test_a_file_spec_builds_in_a_fresh_process(agent_file, tmp_path):
    """What a spawned worker does: build the agent from the spec alone, in an interpreter that inherited nothing."""
    code = (
        "import sys; from dialgym.agents import make_agent; "
        "print(make_agent(sys.argv[1], 'Persuasion-v0', seed=0).act('obs', {'messages': []}))"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", code, f"{agent_file}:Greeter?greeting=Yo"],
        cwd=elsewhere, capture_output=True, text=True, timeout=600,  # hang guard only
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Yo! ")


def test_cli_eval_puts_the_example_agent_on_the_leaderboard_with_workers():
    """The README's "Benchmark your own agent" command, with --workers 2, from the repository root."""
    cmd = [sys.executable, "-m", "dialgym", "eval", "Persuasion-v0", "--agent", "examples/my_agent.py:MyAgent"]
    cmd += ["--agent", "behavior", "--agent", "oracle", "--episodes", "40", "--workers", "2"]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=1800)  # hang guard only
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in proc.stdout.splitlines() if "examples/my_agent.py:MyAgent" in line)
    norm = float(row.split("]")[1].split()[0])  # the column after the CI: the normalised score
    assert -100 < norm < 100
    assert "Persuasion-v0: the persuadee donates something" in proc.stdout
    # without a TTY: one progress line per agent, labelled as the evaluation it is
    assert "eval examples/my_agent.py:MyAgent on Persuasion-v0 (test): 40/40 done" in proc.stderr
    assert "collect" not in proc.stderr and proc.stderr.count("\n") <= 8
