"""``dialgym play``: a person plays the agent against a simulated user, or the user against an agent.

* ``--as agent`` (default): you write the agent's messages; the simulated user (scripted, or an LLM with
  ``--env-kwargs '{"user": "llm", "llm": {...}}'``) answers. At the end the hidden persona and the outcome
  are revealed.
* ``--as user``: you are shown a persona card (drawn from the task's persona distribution) and play that
  person against an agent (``--agent SPEC``). At the end a short questionnaire (task success, naturalness,
  helpfulness, each 1-5), the transcript and the persona are appended to a JSONL file: the user-study mode
  of Hong et al.

Commands at any prompt: ``/quit`` ends the session, ``/restart`` starts a new episode; with ``--as user``,
``/end`` ends the conversation (as the person walking away would) and goes to the questionnaire. Standard
input may be piped (one line per message); end of input quits cleanly. A message the env cannot take (over
1,000 characters) is refused with the reason and asked for again: the dialogue so far is never lost.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import gymnasium as gym

from dialgym.core.agent import Agent
from dialgym.core.env import MAX_ACTION_CHARS, MAX_USER_CHARS, render_observation
from dialgym.core.types import Message
from dialgym.registration import dialogue_env
from dialgym.rollout import play_episode
from dialgym.seeding import session_seed

QUESTIONS = (
    ("task_success", "Did the assistant achieve its goal with you? (1 = not at all, 5 = completely)"),
    ("naturalness", "How natural was the assistant? (1-5)"),
    ("helpfulness", "How helpful or considerate was the assistant? (1-5)"),
)


class _Quit(Exception):
    pass


class _Restart(Exception):
    pass


def _read(prompt: str, stdin: TextIO, stdout: TextIO) -> str:
    stdout.write(prompt)
    stdout.flush()
    line = stdin.readline()
    if not line:  # end of piped input
        raise _Quit
    text = line.rstrip("\n")
    if text.strip() == "/quit":
        raise _Quit
    if text.strip() == "/restart":
        raise _Restart
    return text


def _rating(question: str, stdin: TextIO, stdout: TextIO) -> int:
    while True:
        answer = _read(f"{question} ", stdin, stdout).strip()
        if answer in {"1", "2", "3", "4", "5"}:
            return int(answer)
        stdout.write(f"please answer with a number from 1 to 5 (got {answer!r})\n")


def _user_line(messages: list[dict[str, str]]) -> str:
    """What the user just said, as the terminal shows it."""
    if messages and messages[-1]["role"] == "user":
        return f"User: {messages[-1]['content']}\n"
    return "(the user said nothing)\n"


class _Typist(Agent):
    """You, as the agent: each turn shows what the user said and reads your reply from the terminal.

    Being an agent, you play through the same episode code as every other agent (:func:`play_episode`).
    """

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        super().__init__()
        self.stdin, self.stdout = stdin, stdout

    def act(self, observation: str, info: dict[str, Any]) -> str:
        if info["turn"] == 0:
            self.stdout.write(observation + "\n(/restart starts a new episode, /quit ends)\n")
        else:
            self.stdout.write(_user_line(info["messages"]))
        while True:
            text = _read("you> ", self.stdin, self.stdout)
            if len(text) <= MAX_ACTION_CHARS:
                return text
            # refused before the env sees it, so the episode is unchanged: ask again
            self.stdout.write(
                f"(not sent: action is {len(text)} characters long; at most {MAX_ACTION_CHARS} are allowed)\n"
            )


def play_as_agent(env_id: str, seed: int | None, env_kwargs: dict[str, Any], stdin: TextIO, stdout: TextIO) -> int:
    """You write the agent's turns. Returns the number of finished episodes."""
    env = gym.make(env_id, privileged=True, **env_kwargs)
    you = _Typist(stdin, stdout)
    finished = 0
    for episode in itertools.count():
        try:
            rollout = play_episode(env, you, session_seed(seed, episode), None)
        except _Restart:
            stdout.write("-- restarting\n\n")
            continue
        except _Quit:
            stdout.write("-- bye\n")
            return finished
        info = rollout.info
        if not rollout.turns:  # the user failed at reset: no conversation to have; say why, stop rather than retry
            stdout.write(render_observation(dialogue_env(env).description, rollout.messages))
            stdout.write("\n(/restart starts a new episode, /quit ends)\n")
            stdout.write(f"\n-- the simulated user failed before the chat began: {info['user_failure']}\n")
            return finished
        stdout.write(_user_line(info["messages"]))
        why = "the user ended the conversation" if rollout.terminated else "out of turns"
        outcome = json.dumps(info.get("outcome"))
        if rollout.user_failure:
            why, outcome = f"the simulated user failed: {rollout.user_failure}", "none (not scored)"
        stdout.write(
            f"\n-- episode over ({why}): reward {rollout.reward:.3f}, outcome {outcome}\n"
            f"-- the hidden persona was: {json.dumps(info['persona'])}\n\n"
        )
        finished += 1
    raise AssertionError("unreachable")  # pragma: no cover


def play_as_user(
    env_id: str,
    agent_spec: str,
    seed: int | None,
    split: str,
    out: str,
    llm: dict[str, Any] | None,
    stdin: TextIO,
    stdout: TextIO,
) -> int:
    """You play a persona against an agent; a questionnaire per episode goes to ``out``. Returns episodes saved."""
    import numpy as np

    import dialgym
    from dialgym.agents import make_agent

    task = dialgym.get_task(env_id)
    env = dialogue_env(gym.make(env_id))
    agent = make_agent(agent_spec, env_id, seed=seed, llm=llm)
    if agent.requires_privileged:
        raise ValueError(f"agent {agent_spec!r} reads the persona; play against an agent that does not")
    rng = np.random.default_rng(seed)
    saved = 0
    while True:
        persona = env.sample_persona(split, rng)
        agent.reset(seed=int(rng.integers(2**31)))
        messages: list[Message] = []
        stdout.write(
            f"You play this person (the assistant cannot see this):\n{task.persona_card(persona)}\n"
            "(/end ends the conversation and goes to the questions; /restart, /quit)\n\n"
        )
        try:
            user_first = env.make_scripted_user().reset(persona, np.random.default_rng(0)) is not None
            if user_first:
                messages.append({"role": "user", "content": _read("you> ", stdin, stdout)})
            for turn in range(env.max_turns):
                info = {
                    "task": env.task_id,
                    "turn": turn,
                    "max_turns": env.max_turns,
                    "messages": [dict(m) for m in messages],
                    "agent_acts": [],
                }
                reply = agent.act(render_observation(env.description, messages), info)
                messages.append({"role": "assistant", "content": reply})
                stdout.write(f"Assistant: {reply}\n")
                text = _read("you> ", stdin, stdout)
                while len(text) > MAX_USER_CHARS:  # the env caps user turns at this length too
                    stdout.write(f"(not sent: {len(text)} characters; at most {MAX_USER_CHARS}, please shorten)\n")
                    text = _read("you> ", stdin, stdout)
                if text.strip() == "/end":
                    break
                messages.append({"role": "user", "content": text})
            stdout.write("\n-- the conversation is over; three questions:\n")
            ratings = {key: _rating(question, stdin, stdout) for key, question in QUESTIONS}
        except _Restart:
            stdout.write("-- restarting (nothing saved)\n\n")
            continue
        except _Quit:
            stdout.write(f"-- bye ({saved} questionnaire(s) saved to {out})\n")
            return saved
        record = {
            "env_id": env_id,
            "agent": agent_spec,
            "persona": persona,
            "messages": messages,
            "ratings": ratings,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with open(out, "a", encoding="utf-8") as f:  # one whole line per questionnaire
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        saved += 1
        stdout.write(f"-- saved to {out}\n\n")


def play_main(args: Any, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    from dialgym.utils import json_object_arg

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    env_kwargs = json_object_arg(args.env_kwargs, "--env-kwargs")
    if args.as_ == "agent":
        play_as_agent(args.env_id, args.seed, {"persona_split": args.split, **env_kwargs}, stdin, stdout)
    else:
        play_as_user(
            args.env_id,
            args.agent,
            args.seed,
            args.split,
            args.out,
            json_object_arg(args.llm, "--llm") or None,
            stdin,
            stdout,
        )
    return 0


def add_play_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("play", help="play the agent (or the user) yourself, in the terminal")
    p.add_argument("env_id")
    p.add_argument("--as", dest="as_", choices=["agent", "user"], default="agent", help="the role you play")
    p.add_argument("--agent", default="behavior", help="with --as user: the agent you talk to")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--split", choices=["train", "test", "hard"], default="test")
    p.add_argument("--out", default="play_questionnaires.jsonl", help="with --as user: questionnaire file")
    p.add_argument("--env-kwargs", default=None, help="with --as agent: JSON gym.make kwargs (e.g. an LLM user)")
    p.add_argument("--llm", default=None, help="JSON LLM config for an LLM agent (prompt, ...)")
    p.set_defaults(func=lambda a: play_main(a))
