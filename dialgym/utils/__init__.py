"""Small shared utilities."""

from __future__ import annotations

import json
from typing import Any


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
