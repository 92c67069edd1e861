"""dialgym core: types, text spaces, the DialogueEnv base class and the Agent interface."""

from dialgym.core.agent import Agent
from dialgym.core.env import MAX_ACTION_CHARS, PERSONA_SPLITS, DialogueEnv
from dialgym.core.text import CHARSET, DialogueText, normalize_text
from dialgym.core.types import Message, Outcome, UserSimulator, UserSimulatorError, UserTurn

__all__ = [
    "CHARSET",
    "MAX_ACTION_CHARS",
    "PERSONA_SPLITS",
    "Agent",
    "DialogueEnv",
    "DialogueText",
    "Message",
    "Outcome",
    "UserSimulator",
    "UserSimulatorError",
    "UserTurn",
    "normalize_text",
]
