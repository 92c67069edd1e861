"""Prompted LLM agents: zero-shot, chain-of-thought, and proactive chain-of-thought.

* ``prompt``: the task description as the system prompt, the dialogue as chat
  messages (the agent is the assistant), the reply is the next utterance.
* ``prompt:cot``: the model first reasons privately, then writes the utterance after
  ``Response:``; only the utterance reaches the user.
* ``prompt:procot`` (proactive CoT, Deng et al. 2023): each turn the model infers the
  user's state (what they revealed, what they want), chooses the next dialogue goal
  among the task's strategies, and only then speaks.

Any dialgym LLM backend works (``llm={...}`` as for the env's LLM user). ``act_batch``
sends one batch for many episodes. What the simulated user said enters the model
only as chat messages, never into the system prompt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from dialgym.core.agent import Agent
from dialgym.core.env import MAX_ACTION_CHARS
from dialgym.registration import dialogue_env
from dialgym.tasks import get_task

MODES = ("zero", "cot", "procot")

_COT = (
    "Before you answer, think step by step about what the other person said and what would move them. "
    "Write your reasoning after 'Thoughts:' and then your message after 'Response:'. Only the text after "
    "'Response:' is sent to the person."
)
_PROCOT = (
    "Each turn, plan proactively before you speak:\n"
    "State: what the person has revealed so far about themselves, their needs and their mood.\n"
    "Goal: the dialogue goal for this turn, chosen among these strategies: {acts}.\n"
    "Response: your message to the person, pursuing that goal.\n"
    "Write the three parts in this order. Only the text after 'Response:' is sent to the person."
)
_RESPONSE = re.compile(r"response\s*:\s*(.*)", re.IGNORECASE | re.DOTALL)


def extract_response(text: str, mode: str) -> str:
    """The utterance part of a reply (everything after ``Response:`` for cot/procot)."""
    if mode != "zero":
        match = _RESPONSE.search(text)
        if match:
            text = match.group(1)
        else:  # no marker: drop obvious reasoning lines rather than leak them
            lines = [ln for ln in text.splitlines() if not re.match(r"\s*(thoughts?|state|goal)\s*:", ln, re.I)]
            text = "\n".join(lines)
    text = text.strip().strip('"').strip()
    return text[:MAX_ACTION_CHARS]


class PromptAgent(Agent):
    """An LLM prompted to act as the agent (see the module docstring)."""

    name = "prompt"

    def __init__(
        self, env_id: str, llm: dict[str, Any] | None, mode: str = "zero", seed: int | None = None, **params: Any
    ) -> None:
        super().__init__(env_id, seed)
        if mode not in MODES:
            raise ValueError(f"prompting mode {mode!r} is not one of {list(MODES)}")
        if not llm:
            raise ValueError("prompting agents need an LLM: pass llm={...} (CLI: --llm JSON)")
        from dialgym.llm import LLMConfig

        LLMConfig.from_dict(llm)
        self.llm_config = dict(llm)
        self.mode = mode
        self.params = {k: _number(v) for k, v in params.items()}
        self.task = get_task(env_id)
        import gymnasium as gym

        env = gym.make(env_id)
        self.description = dialogue_env(env).description
        env.close()
        self._llm: Any = None

    @property
    def llm(self) -> Any:
        if self._llm is None:
            from dialgym.simulators.llm_user import shared_llm

            self._llm = shared_llm(self.llm_config)
        return self._llm

    def system_prompt(self) -> str:
        base = (
            f"{self.description}\n\nYou are the assistant in this chat. Write natural, concise chat messages "
            "(one to three sentences)."
        )
        if self.mode == "cot":
            return f"{base}\n\n{_COT}"
        if self.mode == "procot":
            acts = ", ".join(a.replace("_", " ") for a in self.task.acts)
            return f"{base}\n\n{_PROCOT.format(acts=acts)}"
        return f"{base} Reply with your next message only."

    def _conversation(self, info: dict[str, Any]) -> list[dict[str, str]]:
        messages = [{"role": m["role"], "content": m["content"]} for m in info.get("messages", [])]
        if not messages or messages[0]["role"] != "user":
            # chat templates expect a user turn first; the agent opens the conversation
            messages.insert(0, {"role": "user", "content": "(The chat starts. You speak first.)"})
        return [{"role": "system", "content": self.system_prompt()}, *messages]

    def act(self, observation: str, info: dict[str, Any]) -> str:
        return self.act_batch([observation], [info])[0]

    def act_batch(self, observations: Sequence[str], infos: Sequence[dict[str, Any]]) -> list[str]:
        if len(observations) != len(infos):
            raise ValueError(f"act_batch got {len(observations)} observations but {len(infos)} infos")
        batch = [self._conversation(info) for info in infos]
        # Seeded by the episode (info["episode_key"]) and the turn only, never by agent state, so that one
        # instance can serve a whole batch and batching or resuming does not change the samples.
        ids = [[int(info.get("episode_key", i)), int(info.get("turn", 0))] for i, info in enumerate(infos)]
        replies = self.llm.generate(batch, sample_ids=ids, **self.params)
        return [extract_response(r, self.mode) for r in replies]


def _number(value: str) -> Any:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value
