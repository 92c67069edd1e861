"""dialgym.simulators: simulated users.

* :mod:`dialgym.simulators.scripted`: the scripted-user engine (intent recognition,
  varied replies, the :class:`ScriptedUser` base the tasks build their users on).
"""

from dialgym.simulators.scripted import (
    OFF_TASK,
    IntentRecognizer,
    ReplyBank,
    ScriptedUser,
    looks_like_gibberish,
    looks_like_salad,
    normalize_for_matching,
)

__all__ = [
    "OFF_TASK",
    "IntentRecognizer",
    "ReplyBank",
    "ScriptedUser",
    "looks_like_gibberish",
    "looks_like_salad",
    "normalize_for_matching",
]
