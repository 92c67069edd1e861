"""Small shared utilities."""

from __future__ import annotations

import json
from typing import Any


class SetupError(RuntimeError):
    """Something the user's machine lacks or refuses (a missing package file, a server that never came up).

    The command line prints it as a one-line error, like a bad value; other ``RuntimeError`` s are bugs
    and keep their traceback.
    """


class AgentError(TypeError, ValueError):
    """The user's agent spec or agent object is unusable (a constructor that rejects the spec's options,
    an ``act`` that returns no string): a ``TypeError`` for Python callers, a one-line error on the
    command line."""


def json_object_arg(text: str | None, flag: str) -> dict[str, Any]:
    """Parse a command-line JSON object (``--env-kwargs '{...}'``); errors name the flag and the text."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{flag} is not valid JSON ({exc}): {text!r}") from None
    if not isinstance(value, dict):
        raise ValueError(f"{flag} must be a JSON object, got {text!r}")
    return value
