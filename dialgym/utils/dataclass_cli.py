"""Command-line options generated from config dataclasses: a field *is* its option.

CleanRL's ``Args`` and TRL's configs work this way: each setting is one dataclass field with its help text
and default, and the parser is built from the fields, so adding an option is adding a field, and ``--help``,
the run record (``dataclasses.asdict``) and the Python API can never disagree. ``dialgym train
{bc,fbc,ilql,grpo,ppo-acts}`` use it.

Why not ``transformers.HfArgumentParser``, which does the same: building ``dialgym``'s parser must stay
cheap and work without the ``hf`` extra (``dialgym eval --help`` should not import transformers), and a
``dialgym train`` subcommand is a sub-parser of ``dialgym``'s, which HfArgumentParser cannot be. The rules
follow HfArgumentParser's where they overlap:

* ``--field-name`` (underscores become dashes; ``metadata["flag"]`` renames it, e.g. ``--env`` for ``env_id``);
* a field without a default is a required option;
* ``bool``: ``--name`` turns it on and ``--no-name`` off (``metadata["off"]`` lists more spellings of "off",
  such as ``--quiet`` for ``progress``);
* ``X | None``: the value ``none`` gives None (for ``int``/``float``; a ``str | None`` takes any text);
* ``Literal["a", "b"]``: the values become the option's choices;
* ``dict[str, ...]``: a JSON object (``--env-kwargs '{"persona_split": "test"}'``), so the Python API takes a
  dict and the run record stores one; other JSON is refused naming the option;
* the help is ``metadata["help"]`` followed by the default.

Anything else (a list, a set) is refused when the parser is built, naming the field, rather than parsed
wrongly.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import types
import typing
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

#: a dataclass type (``dataclasses.fields`` takes only those)
T = TypeVar("T", bound="DataclassInstance")
_MISSING: Any = dataclasses.MISSING


def setting(
    default: Any = _MISSING,
    help: str = "",
    *,
    default_factory: Any = _MISSING,
    flag: str | None = None,
    off: Iterable[str] = (),
) -> Any:
    """A dataclass field that documents itself: ``steps: int = setting(1500, "optimizer steps")``.

    ``flag`` renames the command-line option; ``off`` adds spellings that turn a ``bool`` off.
    """
    metadata: dict[str, Any] = {"help": help}
    if flag is not None:
        metadata["flag"] = flag
    if off:
        metadata["off"] = list(off)
    return dataclasses.field(default=default, default_factory=default_factory, metadata=metadata)


def option_name(f: dataclasses.Field[Any]) -> str:
    """The field's command-line option (``--batch-size`` for ``batch_size``)."""
    return f.metadata.get("flag") or "--" + f.name.replace("_", "-")


def _field_type(cls: type, f: dataclasses.Field[Any]) -> tuple[Any, bool]:
    """``(type, optional)``: the field's resolved annotation, with ``| None`` taken off."""
    hint = typing.get_type_hints(cls)[f.name]
    args = typing.get_args(hint)
    if (typing.get_origin(hint) in (typing.Union, types.UnionType)) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            raise TypeError(f"{cls.__name__}.{f.name}: {hint} has more than one type besides None")
        return rest[0], True
    return hint, False


def _converter(kind: Any, optional: bool) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        if optional and kind is not str and text.strip().lower() == "none":
            return None
        return kind(text)

    convert.__name__ = kind.__name__  # argparse names the type in its error: "invalid int value: 'x'"
    return convert


def _is_dict(kind: Any) -> bool:
    """A ``dict`` a JSON object can be: its keys are text (``dict[int, ...]`` would be parsed wrongly)."""
    return kind is dict or (typing.get_origin(kind) is dict and typing.get_args(kind)[:1] == (str,))


def _json_object(optional: bool) -> Callable[[str], Any]:
    """Parse a JSON object; argparse prefixes the error with the option (``argument --env-kwargs: ...``)."""

    def convert(text: str) -> Any:
        if optional and text.strip().lower() == "none":
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise argparse.ArgumentTypeError(f"not valid JSON ({exc}): {text!r}; expected a JSON object") from None
        if not isinstance(value, dict):
            raise argparse.ArgumentTypeError(f"expected a JSON object such as '{{\"key\": 1}}', got {text!r}")
        return value

    return convert


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return _MISSING


def add_dataclass_arguments(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    cls: type,
    *,
    exclude: Iterable[str] = (),
) -> list[str]:
    """Add one option per field of the dataclass ``cls`` (except ``exclude``); return the field names added."""
    skip = set(exclude)
    added = []
    for f in dataclasses.fields(cls):
        if f.name in skip or not f.init:
            continue
        kind, optional = _field_type(cls, f)
        default = _default(f)
        help_text = str(f.metadata.get("help", "")).replace("%", "%%")
        name = option_name(f)
        kwargs: dict[str, Any] = {"dest": f.name}
        if default is _MISSING:
            kwargs["required"] = True
        else:
            kwargs["default"] = default
            shown = "none" if default is None else default
            help_text = f"{help_text} (default: {shown})".strip()
        if kind is bool and not optional:
            parser.add_argument(name, action="store_true", help=help_text, **kwargs)
            kwargs.pop("required", None)
            kwargs.pop("default", None)
            negative = ["--no-" + name[2:], *f.metadata.get("off", [])]
            parser.add_argument(*negative, action="store_false", help=f"turn {name} off", **kwargs)
        elif typing.get_origin(kind) is Literal:
            choices = list(typing.get_args(kind))
            parser.add_argument(name, choices=choices, type=type(choices[0]), help=help_text, **kwargs)
        elif kind in (int, float, str):
            parser.add_argument(name, type=_converter(kind, optional), help=help_text, **kwargs)
        elif _is_dict(kind):
            parser.add_argument(name, type=_json_object(optional), metavar="JSON", help=help_text, **kwargs)
        else:
            raise TypeError(
                f"{cls.__name__}.{f.name} has type {kind!r}; a command-line setting must be bool, int, float, "
                "str, a Literal of those, a dict (JSON object), or one of them | None"
            )
        added.append(f.name)
    return added


def from_namespace(cls: type[T], args: argparse.Namespace, **overrides: Any) -> T:
    """``cls`` built from the parsed options that are its fields (``overrides`` win)."""
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls) if f.init and hasattr(args, f.name)}
    return cls(**{**values, **overrides})


def to_argv(config: Any, *, exclude: Iterable[str] = (), changed_only: bool = False) -> list[str]:
    """The options that parse back into ``config`` (its inverse: a config -> argv -> config round trip).

    ``changed_only`` leaves out the fields at their default (a short, readable command line).
    """
    skip = set(exclude)
    argv: list[str] = []
    for f in dataclasses.fields(config):
        if f.name in skip or not f.init:
            continue
        value = getattr(config, f.name)
        if changed_only and value == _default(f):
            continue
        kind, optional = _field_type(type(config), f)
        name = option_name(f)
        if kind is bool and not optional:
            argv.append(name if value else "--no-" + name[2:])
        elif value is not None and _is_dict(kind):
            argv.append(f"{name}={json.dumps(value)}")
        elif value is None:
            if kind is str:
                if _default(f) is not None:
                    raise ValueError(f"{type(config).__name__}.{f.name}=None cannot be written as an option")
                continue  # the default: leaving the option out gives None
            argv.append(f"{name}=none")
        else:  # --opt=VALUE: a value such as -1e-05 or -inf would otherwise be read as an option
            argv.append(f"{name}={value!r}" if isinstance(value, float) else f"{name}={value}")
    return argv


def split_settings(settings: dict[str, Any], classes: dict[str, type]) -> dict[str, dict[str, Any]]:
    """Sort keyword settings to the dataclasses that have them as fields (the first one listed wins).

    Raises ``ValueError`` naming the settings none of them has, and what they accept.
    """
    out: dict[str, dict[str, Any]] = {key: {} for key in classes}
    known: dict[str, str] = {}
    for key, cls in classes.items():
        for f in dataclasses.fields(cls):
            known.setdefault(f.name, key)
    unknown = sorted(k for k in settings if k not in known)
    if unknown:
        raise ValueError(f"unknown setting(s) {unknown}; expected some of {sorted(known)}")
    for k, v in settings.items():
        out[known[k]][k] = v
    return out


__all__ = ["add_dataclass_arguments", "from_namespace", "option_name", "setting", "split_settings", "to_argv"]
