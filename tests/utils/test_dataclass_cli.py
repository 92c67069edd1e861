"""dialgym.utils.dataclass_cli: options generated from dataclass fields, and back."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialgym.utils.dataclass_cli import add_dataclass_arguments, from_namespace, setting, split_settings, to_argv


@dataclass
class Demo:
    name: str = setting(help="required: no default")
    steps: int = setting(10, "how many steps")
    rate: float = setting(0.5, "a rate of 50%")
    limit: int | None = setting(None, "none: no limit")
    label: str | None = setting(None, "free text or nothing")
    mode: Literal["fast", "slow"] = setting("fast", "how to run")
    verbose: bool = setting(False, "say more")
    progress: bool = setting(True, "show progress", off=["--quiet"])
    env_id: str = setting("X-v0", "the env", flag="--env")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="demo")
    add_dataclass_arguments(p, Demo)
    return p


def parse(argv: list[str]) -> Demo:
    return from_namespace(Demo, parser().parse_args(argv))


def test_every_field_is_an_option_with_its_type_and_default():
    d = parse(["--name", "a"])
    assert d == Demo(name="a")
    d = parse(["--name", "a", "--steps", "3", "--rate", "0.25", "--limit", "7", "--label", "none", "--mode", "slow",
               "--verbose", "--quiet", "--env", "Y-v0"])  # fmt: skip
    assert d == Demo("a", 3, 0.25, 7, "none", "slow", True, False, "Y-v0")  # a str | None takes any text
    assert parse(["--name", "a", "--limit", "none"]).limit is None
    assert parse(["--name", "a", "--no-progress"]).progress is False
    assert parse(["--name", "a", "--verbose", "--no-verbose"]).verbose is False  # the last one wins


@pytest.mark.parametrize(
    "argv, error",
    [
        ([], "the following arguments are required: --name"),
        (["--name", "a", "--steps", "x"], "invalid int value: 'x'"),
        (["--name", "a", "--mode", "medium"], "invalid choice: 'medium'"),
        (["--name", "a", "--env-id", "Y"], "unrecognized arguments: --env-id"),
    ],
)
def test_bad_command_lines_are_refused_by_name(argv, error, capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(argv)
    assert error in capsys.readouterr().err


def test_help_shows_each_help_and_default(capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["--help"])
    text = "".join(capsys.readouterr().out.split())
    for expected in ["required:nodefault--steps", "howmanysteps(default:10)", "arateof50%(default:0.5)",
                     "none:nolimit(default:none)", "{fast,slow}", "showprogress(default:True)", "--no-progress,--quiet",
                     "--envENV_ID", "theenv(default:X-v0)"]:  # fmt: skip
        assert expected in text, expected


def test_unsupported_field_types_are_refused_when_the_parser_is_built():
    @dataclass
    class Bad:
        names: list[str] = field(default_factory=list, metadata={"help": "a list"})

    with pytest.raises(TypeError, match=r"Bad\.names has type list\[str\]"):
        add_dataclass_arguments(argparse.ArgumentParser(), Bad)

    @dataclass
    class IntKeys:
        table: dict[int, str] = field(default_factory=dict, metadata={"help": "JSON keys are text, not ints"})

    with pytest.raises(TypeError, match=r"IntKeys\.table has type dict\[int, str\]"):
        add_dataclass_arguments(argparse.ArgumentParser(), IntKeys)


@given(
    st.builds(
        Demo,
        name=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1),
        steps=st.integers(-(10**6), 10**6),
        rate=st.floats(allow_nan=False, allow_infinity=True),
        limit=st.none() | st.integers(0, 10**9),
        label=st.none() | st.sampled_from(["x", "none", "a b"]),
        mode=st.sampled_from(["fast", "slow"]),
        verbose=st.booleans(),
        progress=st.booleans(),
        env_id=st.sampled_from(["X-v0", "Y-v0"]),
    )
)
def test_config_to_argv_to_config_round_trips(config):
    assert parse(to_argv(config)) == config
    assert parse([f"--name={config.name}", *to_argv(config, exclude={"name"}, changed_only=True)]) == config


def test_split_settings_names_what_no_config_has():
    @dataclass
    class A:
        x: int = setting(1, "x")

    @dataclass
    class B:
        y: int = setting(2, "y")

    assert split_settings({"x": 3, "y": 4}, {"a": A, "b": B}) == {"a": {"x": 3}, "b": {"y": 4}}
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['z'\]; expected some of \['x', 'y'\]"):
        split_settings({"z": 1}, {"a": A, "b": B})


@dataclass
class WithJSON:
    kwargs: dict[str, Any] = setting(default_factory=dict, help="a JSON object")
    extra: dict[str, Any] | None = setting(None, "a JSON object or none")


def test_dict_fields_take_a_json_object_and_refuse_other_json_by_option(capsys):
    p = argparse.ArgumentParser(prog="demo")
    add_dataclass_arguments(p, WithJSON)
    assert from_namespace(WithJSON, p.parse_args([])) == WithJSON({}, None)
    parsed = from_namespace(WithJSON, p.parse_args(["--kwargs", '{"a": [1, 2], "b": null}', "--extra", "none"]))
    assert parsed == WithJSON({"a": [1, 2], "b": None}, None)
    for argv, error in [
        (["--kwargs", "[1]"], "argument --kwargs: expected a JSON object"),
        (["--kwargs", "{a: 1}"], "argument --kwargs: not valid JSON"),
        (["--extra", "3"], "argument --extra: expected a JSON object"),
    ]:
        with pytest.raises(SystemExit):
            p.parse_args(argv)
        assert error in capsys.readouterr().err, argv
    config = WithJSON({"x": {"y": "z w"}, "n": 1.5}, {"k": True})
    assert from_namespace(WithJSON, p.parse_args(to_argv(config))) == config
    assert to_argv(WithJSON(), changed_only=True) == []
