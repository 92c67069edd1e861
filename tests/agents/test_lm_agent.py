"""Checkpoint agents (bc:PATH, fbc:PATH, ilql:PATH?beta=4) and the ``dialgym train`` command."""

from __future__ import annotations

import argparse
import dataclasses
import json

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

import gymnasium as gym  # noqa: E402

import dialgym  # noqa: E402
from dialgym.agents import lm, sampling  # noqa: E402
from dialgym.agents.lm_agent import LMAgent, make_checkpoint_agent, spec_builder  # noqa: E402
from dialgym.train import build_train_parser, train_main  # noqa: E402

ENV = "Persuasion-v0"
TINY = {"n_layer": 1, "n_embd": 32, "n_head": 2, "vocab_size": 600, "threads": 1, "progress": False}


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/agents/conftest.py


def _collect(path, episodes=24):
    """Behaviour-policy episodes of Persuasion-v0 (a failure here is a real failure: no retry hides it)."""
    from dialgym.data.collect import collect

    collect(ENV, "behavior", episodes, 0, path, progress=False)
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Episodes of Persuasion-v0 and a few-step run of each algorithm on them."""
    root = tmp_path_factory.mktemp("lm_agent")
    data = _collect(root / "episodes.jsonl")
    before = torch.get_num_threads()
    out = {"data": data}
    for algo in ("bc", "fbc", "ilql"):
        summary = train_main(algo, data, "tiny", root / algo, steps=3, batch_size=4, checkpoint_every=2, **TINY)
        assert summary["steps"] == 3
        out[algo] = root / algo
    torch.set_num_threads(before)
    return out


# ----------------------------------------------------------------------------- agents


@pytest.mark.parametrize("algo", ["bc", "fbc", "ilql"])
def test_checkpoint_agents_play_persuasion(runs, algo):
    agent = make_checkpoint_agent(algo, str(runs[algo]), ENV, seed=0, max_new_tokens=12)
    result = dialgym.evaluate(agent, ENV, episodes=2, seed=0, persona_split="test")
    assert result.episodes == 2 and all(t >= 1 for t in result.turns)
    env = gym.make(ENV)
    obs, info = env.reset(seed=1)
    text = agent.act(obs, info)
    assert isinstance(text, str) and "<|" not in text and text == text.strip()
    env.step(text)  # the env accepts it


def test_act_batch_is_one_batched_generation(runs, monkeypatch):
    agent = make_checkpoint_agent("ilql", str(runs["ilql"]), ENV, seed=0, max_new_tokens=10, beta="2")
    envs = [gym.make(ENV) for _ in range(3)]
    pairs = [e.reset(seed=i) for i, e in enumerate(envs)]
    obs, infos = [o for o, _ in pairs], [i for _, i in pairs]
    for k, e in enumerate(envs[:2]):  # episodes at different turns: prompts of different lengths
        obs[k], _, _, _, infos[k] = e.step("Hello! How are you today?")
    calls = []
    original = agent.model.generate
    monkeypatch.setattr(
        agent.model, "generate", lambda prompts, **kw: calls.append(len(prompts)) or original(prompts, **kw)
    )
    replies = agent.act_batch(obs, infos)
    assert calls == [3] and len(replies) == 3 and all(isinstance(r, str) for r in replies)
    # the same seed gives the same replies; batched = one at a time when greedy
    greedy = make_checkpoint_agent("ilql", str(runs["ilql"]), ENV, seed=0, max_new_tokens=10, greedy="1")
    assert greedy.act_batch(obs, infos) == [greedy.act(o, i) for o, i in zip(obs, infos, strict=True)]


def test_agent_prompt_is_the_training_format(runs):
    from dialgym.data.io import read_episodes

    agent = make_checkpoint_agent("bc", str(runs["bc"]), ENV)
    ep = read_episodes(runs["data"])[0]
    [(segments, _)] = lm.episodes_to_trajectories([ep], agent.model.tokenizer)
    [enc] = lm.encode_trajectories([(segments, 1.0)], agent.model.tokenizer)
    second = [t for t in range(1, len(enc)) if enc.action_mask[t] and not enc.action_mask[t - 1]][1]
    assert agent.prompt({"messages": ep.messages[:2]}) == enc.input_ids[:second]


def test_the_agent_speaks_one_turn_the_generation_loop_stops_at_end_of_turn(runs, monkeypatch):
    """The checkpoint's end-of-turn ids reach the generation loop, and the reply is cut at the first one.

    The loop's own stopping rule is checked exactly in ``tests/agents/test_lm.py`` (a 3-step model here never
    emits the end token, so a check on its rows alone could not fail). Catches: an agent that generates with no
    stop ids (or the wrong ones) and a reply that runs past the end of its turn into invented user lines.
    """
    agent = make_checkpoint_agent("bc", str(runs["bc"]), ENV, max_new_tokens=40)
    tok = agent.model.tokenizer
    stops = lm.stop_token_ids(tok)
    end = tok.convert_tokens_to_ids(lm.END_TOKEN)
    hello = tok("Hello there", add_special_tokens=False)["input_ids"]
    user = tok(lm.ROLE_TOKENS["user"] + "I will not give", add_special_tokens=False)["input_ids"]
    seen = []

    def loop(model, prompts, *, stop_ids, **kwargs):
        seen.append(sorted(stop_ids))
        return [[*hello, end, *user] for _ in prompts]  # what a loop that ignored the stop would return

    monkeypatch.setattr(sampling, "generate_tokens", loop)
    env = gym.make(ENV)
    obs, info = env.reset(seed=0)
    assert agent.act(obs, info) == "Hello there"
    assert seen == [stops] and end in stops


def test_a_checkpoint_refuses_a_task_it_was_not_trained_on(runs):
    with pytest.raises(lm.CheckpointError, match=r"trained on \['Persuasion-v0'\] data, not 'TravelAgent-v0'"):
        make_checkpoint_agent("bc", str(runs["bc"]), "TravelAgent-v0")
    agent = make_checkpoint_agent("bc", str(runs["bc"]), "TravelAgent-v0", any_task="true", max_new_tokens=4)
    assert agent.env_id == "TravelAgent-v0"  # a deliberate transfer experiment is still possible
    assert make_checkpoint_agent("bc", str(runs["bc"]), "dialgym:Persuasion-v0").env_id == "dialgym:Persuasion-v0"


def test_agent_errors(runs, tmp_path):
    with pytest.raises(lm.CheckpointError, match="does not exist"):
        make_checkpoint_agent("ilql", str(tmp_path / "nope"), ENV)
    with pytest.raises(lm.CheckpointError, match="algorithm 'bc', expected 'ilql'"):
        make_checkpoint_agent("ilql", str(runs["bc"]), ENV)
    with pytest.raises(lm.CheckpointError, match="algorithm 'ilql', expected 'fbc'"):
        make_checkpoint_agent("fbc", str(runs["ilql"]), ENV)
    with pytest.raises(ValueError, match="needs a checkpoint path"):
        make_checkpoint_agent("bc", None, ENV)
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['bta'\]"):
        make_checkpoint_agent("ilql", str(runs["ilql"]), ENV, bta="4")
    with pytest.raises(ValueError, match="beta is for ilql"):
        make_checkpoint_agent("bc", str(runs["bc"]), ENV, beta="4")
    with pytest.raises(ValueError, match="beta='x' is not a valid float"):
        make_checkpoint_agent("ilql", str(runs["ilql"]), ENV, beta="x")
    (tmp_path / "empty").mkdir()
    with pytest.raises(lm.CheckpointError, match="not a dialgym agent checkpoint"):
        make_checkpoint_agent("bc", str(tmp_path / "empty"), ENV)


def test_unreadable_checkpoint_metadata_is_a_checkpoint_error(tmp_path):
    meta = tmp_path / lm.META_FILE
    meta.write_text("{not json")
    with pytest.raises(lm.CheckpointError, match="is not valid JSON"):
        lm.read_meta(tmp_path)
    meta.write_text('["bc", 1]')  # valid JSON, but not the object a checkpoint writes
    with pytest.raises(lm.CheckpointError, match="holds a JSON list, expected an object"):
        lm.read_meta(tmp_path)


def test_spec_builder_and_default_beta_from_the_checkpoint(runs):
    from dialgym.agents import parse_spec

    name, arg, options = parse_spec(f"ilql:{runs['ilql']}?beta=2&top_k=5")
    agent = spec_builder(name)(ENV, arg, 3, **options)
    assert isinstance(agent, LMAgent) and agent.beta == 2.0 and agent.top_k == 5
    assert spec_builder("ilql")(ENV, str(runs["ilql"]), None).beta == 16.0  # train's default --beta (the recipe's)


# ----------------------------------------------------------------------------- train command


def test_train_writes_losses_plot_and_a_loadable_agent(runs):
    out = runs["ilql"]
    losses = json.loads((out / "losses.json").read_text())
    assert [r["step"] for r in losses] == [1, 2, 3]
    assert {"loss", "q", "v", "cql", "pi"} <= set(losses[0])
    assert (out / "loss_curve.png").stat().st_size > 0
    meta = lm.read_meta(out, ["ilql"])
    assert meta["config"]["steps"] == 3 and meta["data"]["episodes"] == 24 and meta["polyak_updates"] == 3


@pytest.mark.parametrize("algo", ["bc", "ilql"])
def test_resume_gives_the_same_weights_as_an_uninterrupted_run(runs, tmp_path, algo):
    kwargs = dict(batch_size=4, checkpoint_every=2, **TINY)
    train_main(algo, runs["data"], "tiny", tmp_path / "straight", steps=4, **kwargs)
    train_main(algo, runs["data"], "tiny", tmp_path / "resumed", steps=2, **kwargs)
    summary = train_main(algo, runs["data"], "tiny", tmp_path / "resumed", steps=4, **kwargs)
    assert summary["resumed_from"] == 2
    a = torch.load(tmp_path / "straight" / "agent" / "trainer_state.pt", weights_only=False)
    b = torch.load(tmp_path / "resumed" / "agent" / "trainer_state.pt", weights_only=False)
    assert [r["loss"] for r in a["losses"]] == pytest.approx([r["loss"] for r in b["losses"]], rel=1e-5)
    from safetensors.torch import load_file

    wa = load_file(tmp_path / "straight" / "agent" / "model" / "model.safetensors")
    wb = load_file(tmp_path / "resumed" / "agent" / "model" / "model.safetensors")
    assert all(torch.allclose(wa[k], wb[k], atol=1e-6) for k in wa)
    if algo == "ilql":
        ha = torch.load(tmp_path / "straight" / "agent" / "heads.pt", weights_only=True)
        hb = torch.load(tmp_path / "resumed" / "agent" / "heads.pt", weights_only=True)
        assert ha["polyak_updates"] == hb["polyak_updates"] == 4
        for head in ha["heads"]:
            assert all(torch.allclose(ha["heads"][head][k], hb["heads"][head][k], atol=1e-6) for k in ha["heads"][head])


def _cli(argv):
    parser = argparse.ArgumentParser(prog="dialgym")
    build_train_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_train_runs(runs, tmp_path, capsys):
    out = tmp_path / "cli"
    rc = _cli(["train", "fbc", "--data", str(runs["data"]), "--out", str(out), "--steps", "2", "--batch-size", "2",
               "--top-fraction", "0.5", "--n-layer", "1", "--n-embd", "32", "--n-head", "2", "--vocab-size", "600",
               "--threads", "1", "--quiet"])  # fmt: skip
    assert rc == 0
    assert f"agent: fbc:{out}" in capsys.readouterr().out
    assert lm.read_meta(out, ["fbc"])["config"]["top_fraction"] == 0.5


def test_cli_ilql_action_vocab(runs, tmp_path):
    from dialgym.agents import ilql

    default = ilql.ILQLModel.from_pretrained(runs["ilql"] / "agent")  # Q over the data's agent-turn tokens
    assert default.action_ids is not None and default.q1.last.out_features == len(default.action_ids)
    assert len(default.action_ids) < len(default.tokenizer)
    assert json.loads((runs["ilql"] / "train.json").read_text())["action_vocab"] == "data"
    out = tmp_path / "full"
    _cli(["train", "ilql", "--data", str(runs["data"]), "--out", str(out), "--steps", "1", "--batch-size", "2",
          "--action-vocab", "full", "--n-layer", "1", "--n-embd", "32", "--n-head", "2", "--vocab-size", "600",
          "--threads", "1", "--quiet"])  # fmt: skip
    full = ilql.ILQLModel.from_pretrained(out / "agent")
    assert full.action_ids is None and full.q1.last.out_features == len(full.tokenizer)


def test_cli_errors_come_before_training(runs, tmp_path):
    def fails(match, algo="bc", data=None, model="tiny", out=None, **kw):
        target = out or tmp_path / "never"
        with pytest.raises((ValueError, FileNotFoundError), match=match):
            train_main(algo, data or runs["data"], model, target, steps=2, **kw)
        if out is None:
            assert not target.exists()  # nothing was written, no training started

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "task": "persuasion"}\n')
    fails(r"bad\.jsonl:1: not a valid episode", data=bad)
    fails("does not exist", data=tmp_path / "missing.jsonl")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    fails("not a", data=binary)
    fails("neither one of", model=str(tmp_path / "no-model"))
    fails("algorithm 'dqn' is not one of", algo="dqn")
    fails("--top-fraction is for fbc only", top_fraction=0.3)
    fails(r"ILQLConfig\.action_vocab='some' must be one of \['data', 'full'\]", algo="ilql", action_vocab="some")
    fails("--gamma is for ilql only, not 'fbc'", algo="fbc", gamma=0.5)
    fails(r"FBCConfig\.top_fraction=1 must be below 1", algo="fbc", top_fraction=1)
    fails(r"unknown setting\(s\) \['stpes'\]; expected some of \[", stpes=3)
    fails("TinyModelConfig.n_embd=30 must be a multiple of n_head=4", n_embd=30)
    from dialgym.agents.config import BCConfig, FBCConfig
    from dialgym.train import TrainRunConfig, train

    run = TrainRunConfig(data=str(runs["data"]), out=str(tmp_path / "never"))
    with pytest.raises(ValueError, match=r"top_fraction=0\.2 is fbc, not bc: use dialgym train fbc"):
        train("bc", run, FBCConfig())
    with pytest.raises(ValueError, match="dialgym train ilql: the learner's config must be ILQLConfig, got BCConfig"):
        train("ilql", run, BCConfig())
    assert not (tmp_path / "never").exists()
    fails("holds a checkpoint trained with algorithm 'ilql', not 'bc'", out=runs["ilql"])
    different = r"holds a run with different settings \(.*lr: run has 0\.0003, this command 0\.5"
    fails(different, algo="ilql", out=runs["ilql"], lr=0.5, **TINY)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "file.txt").write_text("x")
    fails("non-empty folder that holds no dialgym training run", out=tmp_path / "junk")


# ----------------------------------------------------------------------------- settings: dataclasses are the CLI


def _learner_fields(algo):
    from dataclasses import fields

    from dialgym.agents.config import TinyModelConfig
    from dialgym.train import HIDDEN, LEARNERS, TrainRunConfig

    for cls in (TrainRunConfig, LEARNERS[algo], TinyModelConfig):
        yield from (f for f in fields(cls) if f.name not in HIDDEN.get(algo, ()))


@pytest.mark.parametrize("algo", ["bc", "fbc", "ilql"])
def test_train_help_lists_every_setting_with_its_help_and_default(algo, capsys):
    from dialgym.cli import main
    from dialgym.utils.dataclass_cli import option_name

    with pytest.raises(SystemExit) as exit_:
        main(["train", algo, "--help"])
    assert exit_.value.code == 0
    text = "".join(capsys.readouterr().out.split())  # argparse wraps lines wherever it likes
    for f in _learner_fields(algo):
        assert option_name(f) in text, f.name
        assert "".join(f.metadata["help"].split()) in text, f.name
        if f.default is not dataclasses.MISSING:
            shown = "none" if f.default is None else f.default
            assert f"{''.join(f.metadata['help'].split())}(default:{shown})" in text, f.name
    assert ("--top-fraction" in text) == (algo == "fbc")  # plain BC has no filter: that is fbc
    assert ("--polyak-alpha" in text) == (algo == "ilql")


def test_the_train_options_are_built_without_torch_or_transformers():
    """The configs live in a torch-free module, so ``dialgym eval --help`` never pays for (or needs) torch."""
    import subprocess
    import sys

    code = "import sys; from dialgym.cli import build_parser; build_parser(); print(sorted(m for m in ('torch', " \
        "'transformers') if m in sys.modules))"  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("algo", ["bc", "fbc", "ilql"])
def test_train_configs_round_trip_through_the_command_line(algo):
    from dialgym.agents.config import TinyModelConfig
    from dialgym.train import LEARNERS, TrainRunConfig, configs_from_args
    from dialgym.utils.dataclass_cli import to_argv

    run = TrainRunConfig(data="d.jsonl", out="o", model="m", include_description=False, threads=3, progress=False)
    changed = {"steps": 7, "lr": 1e-5, "max_length": 99, "weight_decay": 0.125}
    changed |= {"top_fraction": 0.3} if algo == "fbc" else {}
    changed |= {"polyak_alpha": 0.5, "head_hidden": 0, "action_vocab": "full", "beta": 2.5} if algo == "ilql" else {}
    learner = LEARNERS[algo](**changed)
    tiny = TinyModelConfig(phrases=False, n_embd=64)
    hidden = {"top_fraction"} if algo == "bc" else set()
    argv = ["train", algo, *to_argv(run), *to_argv(learner, exclude=hidden), *to_argv(tiny)]
    parser = argparse.ArgumentParser(prog="dialgym")
    build_train_parser(parser.add_subparsers(dest="command", required=True))
    assert configs_from_args(parser.parse_args(argv)) == (run, learner, tiny)
    # the old spellings still parse
    old = ["train", algo, "--data", "d", "--out", "o", "--no-description", "--word-tokenizer", "--quiet"]
    run2, _, tiny2 = configs_from_args(parser.parse_args(old))
    assert (run2.include_description, tiny2.phrases, run2.progress) == (False, False, False)


def test_a_new_setting_is_one_field(runs, tmp_path, monkeypatch, capsys):
    """A field added to a learner config is an option, reaches the config, and is recorded and held to."""
    from dataclasses import dataclass

    from dialgym import train as train_mod
    from dialgym.agents.config import ILQLConfig
    from dialgym.utils.dataclass_cli import setting

    @dataclass
    class KnobConfig(ILQLConfig):
        knob: float = setting(0.25, "a setting added in one line")

    monkeypatch.setitem(train_mod.LEARNERS, "ilql", KnobConfig)
    with pytest.raises(SystemExit):
        _cli(["train", "ilql", "--help"])
    assert "--knob KNOB a setting added in one line (default: 0.25)" in " ".join(capsys.readouterr().out.split())
    out = tmp_path / "knob"
    argv = ["train", "ilql", "--data", str(runs["data"]), "--out", str(out), "--steps", "1", "--batch-size", "2",
            "--knob", "0.75", "--n-layer", "1", "--n-embd", "32", "--n-head", "2", "--vocab-size", "600",
            "--threads", "1", "--quiet"]  # fmt: skip
    parser = argparse.ArgumentParser(prog="dialgym")
    build_train_parser(parser.add_subparsers(dest="command", required=True))
    _, learner, _ = train_mod.configs_from_args(parser.parse_args(argv))
    assert isinstance(learner, KnobConfig) and learner.knob == 0.75
    assert _cli(argv) == 0
    assert json.loads((out / "train.json").read_text())["knob"] == 0.75
    assert lm.read_meta(out, ["ilql"])["config"]["knob"] == 0.75
    with pytest.raises(ValueError, match=r"different settings \(knob: run has 0\.75, this command 0\.5\)"):
        train_main("ilql", runs["data"], "tiny", out, steps=1, batch_size=2, knob=0.5, **TINY)


def test_the_run_folder_records_every_setting_as_asdict(runs):
    from dialgym.agents.config import BCConfig, FBCConfig, ILQLConfig, TinyModelConfig
    from dialgym.train import TrainRunConfig, run_record

    tiny = TinyModelConfig(vocab_size=600, n_layer=1, n_embd=32, n_head=2)
    for algo, cls in (("bc", BCConfig), ("fbc", FBCConfig), ("ilql", ILQLConfig)):
        learner = cls(steps=3, batch_size=4)
        run = TrainRunConfig(data=str(runs["data"]), out=str(runs[algo]), checkpoint_every=2, threads=1, progress=False)
        recorded = json.loads((runs[algo] / "train.json").read_text())
        assert recorded == json.loads(json.dumps(run_record(algo, run, learner, tiny, episodes=24)))
        assert {**dataclasses.asdict(learner), **dataclasses.asdict(tiny)}.items() <= recorded.items()
        assert "out" not in recorded and recorded["data"] == str(runs["data"].resolve())
        assert lm.read_meta(runs[algo], [algo])["config"] == dataclasses.asdict(learner)  # the checkpoint's too


def test_resume_refuses_each_changed_setting_by_name_and_accepts_older_records(runs, tmp_path):
    import shutil

    out = tmp_path / "ilql"
    shutil.copytree(runs["ilql"], out)
    kw = dict(batch_size=4, checkpoint_every=2, **TINY)
    with pytest.raises(ValueError, match=r"\(grad_clip: run has 1\.0, this command 0\.5; polyak_alpha: run has 0\.05, "
                       r"this command 0\.1\)"):  # fmt: skip
        train_main("ilql", runs["data"], "tiny", out, steps=3, grad_clip=0.5, polyak_alpha=0.1, **kw)
    # what may change on resume: more steps, how it runs, the inference beta it stores
    summary = train_main("ilql", runs["data"], "tiny", out, steps=4, beta=8.0, **{**kw, "checkpoint_every": 0})
    assert summary["resumed_from"] == 3 and lm.read_meta(out, ["ilql"])["inference"]["beta"] == 8.0
    # a record written before dialgym recorded a setting (or after it dropped one) is not held against the run,
    # but a recorded value of an old default is: the run was trained with it
    record = json.loads((out / "train.json").read_text())
    for k in ("grad_clip", "weight_decay", "beta", "head_hidden"):
        del record[k]
    (out / "train.json").write_text(json.dumps({**record, "top_fraction": 1.0}))
    assert train_main("ilql", runs["data"], "tiny", out, steps=4, **kw)["resumed_from"] == 4
    (out / "train.json").write_text(json.dumps({**record, "polyak_alpha": 0.005}))
    with pytest.raises(ValueError, match=r"polyak_alpha: run has 0\.005, this command 0\.05"):
        train_main("ilql", runs["data"], "tiny", out, steps=4, **kw)


def test_replies_never_exceed_what_the_env_accepts(runs, monkeypatch):
    from dialgym.core.env import MAX_ACTION_CHARS

    agent = make_checkpoint_agent("bc", str(runs["bc"]), ENV)
    env = gym.make(ENV)
    obs, info = env.reset(seed=0)
    monkeypatch.setattr(agent.model, "generate", lambda prompts, **kw: ["x " * MAX_ACTION_CHARS for _ in prompts])
    [reply] = agent.act_batch([obs], [info])
    assert len(reply) == MAX_ACTION_CHARS
    env.step(reply)  # accepted


def test_phrase_tokenizer_makes_recurring_utterances_single_tokens():
    texts = ["Would you consider donating to Save the Children today?"] * 5 + ["Hi there, how are you?"] * 5
    tok = lm.fit_tokenizer(texts, vocab_size=400)
    assert tok.tokenize(texts[0]) == [tok.tokenize(texts[0])[0]]  # one token
    words = lm.fit_tokenizer(texts, vocab_size=400, phrases=False)
    assert len(words.tokenize(texts[0])) > 5  # word pieces never cross a space
    for t in (tok, words):  # anything else still round-trips, byte by byte at worst
        odd = "Zürich? 42 ünïcode ✓ not in the data"
        assert t.decode(t(odd, add_special_tokens=False)["input_ids"]) == odd
