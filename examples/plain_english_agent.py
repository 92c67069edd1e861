"""A plain-English "ask-then-adapt" agent for the four dialgym tasks.

This agent is written the way an outsider would write one: from the task docstrings and
common sense only, never from the scripted users' phrase banks or recognisers. It talks in
ordinary, varied English (several sentences a turn where that is natural), first asks
questions to learn about the person, then reads the replies with its own simple keyword
cues and adapts. It therefore doubles as a test of whether the simulated users understand
fresh English that nobody tuned to them.

    python examples/plain_english_agent.py --episodes 200 --json /tmp/plain_english.json

For each task it evaluates the agent next to the ``random`` and ``oracle`` reference agents
on the same seeds (paired episodes, held-out ``test`` personas) and prints the mean return,
its bootstrap 95% CI and the normalised score ``100 * (agent - random) / (oracle - random)``.

Only ``dialgym``, ``numpy``, ``gymnasium`` and the standard library are used.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from dialgym.core.agent import Agent

ENV_IDS: tuple[str, ...] = ("Persuasion-v0", "Counseling-v0", "Instruction-v0", "TravelAgent-v0")

# --------------------------------------------------------------------------------------
# Small helpers shared by all four agents
# --------------------------------------------------------------------------------------

_NEGATIONS = ("not ", "n't ", "no ", "never ", "nothing ", "hate ", "without ", "avoid ", "rather not ")


def _messages(info: dict[str, Any]) -> list[dict[str, str]]:
    return list(info.get("messages") or [])


def _user_turns(info: dict[str, Any]) -> list[str]:
    return [m["content"] for m in _messages(info) if m.get("role") == "user"]


def _agent_turns(info: dict[str, Any]) -> list[str]:
    return [m["content"] for m in _messages(info) if m.get("role") == "assistant"]


def _turn(info: dict[str, Any]) -> int:
    """How many times the agent has spoken so far (``info["turn"]`` when the env gives it)."""
    turn = info.get("turn")
    if isinstance(turn, int) and not isinstance(turn, bool):
        return turn
    return len(_agent_turns(info))


def _max_turns(info: dict[str, Any], default: int) -> int:
    value = info.get("max_turns", default)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def _norm(text: str) -> str:
    return " " + re.sub(r"\s+", " ", text.lower().replace("’", "'")) + " "


def _has(text: str, cues: Iterable[str]) -> bool:
    """True if any cue (a lower-case word or phrase) occurs in the text."""
    t = _norm(text)
    return any(cue in t for cue in cues)


def _count(text: str, cues: Iterable[str]) -> int:
    t = _norm(text)
    return sum(1 for cue in cues if cue in t)


def _clauses(text: str) -> list[str]:
    """Split a reply into rough clauses, so a negation only colours its own clause."""
    parts = re.split(r"[.;!?,]| but | though | although | except ", _norm(text))
    return [" " + p.strip() + " " for p in parts if p.strip()]


def _negated(clause: str) -> bool:
    return any(neg in clause for neg in _NEGATIONS)


class _PlainAgent(Agent):
    """Common machinery: remembers which of its own utterances served which purpose.

    The agent is Markov in ``info["messages"]``: to know what it did before it looks its
    past utterances up in ``_purpose`` (text -> purposes), filled when it speaks. The table
    only grows with the distinct sentences the agent can build, so it stays small.
    """

    default_max_turns: ClassVar[int] = 10

    def __init__(self, env_id: str | None = None, seed: int | None = None) -> None:
        super().__init__(env_id, seed)
        self._purpose: dict[str, tuple[str, ...]] = {}

    def say(self, *parts: tuple[str, str | Sequence[str]]) -> str:
        """Join ``(purpose, phrasing-or-choices)`` parts into one utterance and remember the purposes."""
        sentences: list[str] = []
        purposes: list[str] = []
        for purpose, phrasing in parts:
            if isinstance(phrasing, str):
                sentences.append(phrasing)
            else:
                sentences.append(str(phrasing[int(self.rng.integers(len(phrasing)))]))
            purposes.append(purpose)
        text = " ".join(s.strip() for s in sentences if s.strip())[:1000]
        self._purpose[text] = tuple(dict.fromkeys(purposes))
        return text

    def pick(self, options: Sequence[str]) -> str:
        return str(options[int(self.rng.integers(len(options)))])

    def done(self, info: dict[str, Any]) -> list[str]:
        """Purposes of every utterance the agent has made so far in this episode."""
        out: list[str] = []
        for text in _agent_turns(info):
            out.extend(self._purpose.get(text, ()))
        return out

    def turns_left(self, info: dict[str, Any]) -> int:
        return _max_turns(info, self.default_max_turns) - _turn(info)


# --------------------------------------------------------------------------------------
# Persuasion: ask about the charity, their giving and what moves them; then argue in their
# language, handle doubts about money, and ask at the right moment.
# --------------------------------------------------------------------------------------

_P_UNKNOWN = (
    "never heard",
    "not heard",
    "haven't heard",
    "not familiar",
    "don't know them",
    "don't know much",
    "no idea",
    "what is it",
    "what do they do",
    "who are they",
    "not really",
    "don't know what",
)
_P_KNOWN = (
    "heard of them",
    "i know",
    "familiar with",
    "know them",
    "campaign",
    "seen their",
    "heard of it",
    "know about them",
    "they work",
)
_P_DISTRUST = (
    "trust",
    "admin",
    "overhead",
    "wasted",
    "waste",
    "scam",
    "where the money",
    "where my money",
    "skeptic",
    "sceptic",
    "suspicious",
    "pocket",
    "salar",
    "corrupt",
    "how do i know",
    "fraud",
    "actually reach",
    "actually get",
    "middlem",
    "bureaucra",
)
_P_EMOTION = (
    "heart",
    " feel",
    "touch",
    "moved",
    "story",
    "stories",
    "suffer",
    "my kids",
    "my children",
    "my son",
    "my daughter",
    "mom",
    "mother",
    "father",
    "parent",
    "compassion",
    "empath",
    "sad",
    "emotional",
    "cry",
    "kids of my own",
    "little ones",
)
_P_LOGIC = (
    "fact",
    "number",
    "data",
    "evidence",
    "statistic",
    "efficien",
    "impact",
    "measur",
    "research",
    "proof",
    "logic",
    "results",
    "percent",
    "concrete",
    "cost-effective",
    "math",
    "figures",
    "rational",
)
_P_CREDIBLE = (
    "reputable",
    "reputation",
    "rating",
    "audit",
    "transparen",
    "accountab",
    "track record",
    "credib",
    "legit",
    "established",
    "accredit",
)
_P_SOCIAL = (
    "others",
    "other people",
    "everyone",
    "friends",
    "together",
    "team",
    "community",
    "colleague",
    "what people",
    "group",
    "church",
    "neighbo",
    "coworker",
    "family does",
    "we all",
)
_P_TIGHT = (
    "tight",
    "afford",
    "broke",
    "need the money",
    "every dollar",
    "every cent",
    "bills",
    "rent",
    "student",
    "short on",
    "can't spare",
    "not much money",
    "need it",
    "struggl",
    "paycheck",
    "every penny",
    "low income",
    "on a budget",
    "need every",
)
_P_LEAVING = (
    "wrap",
    "hurry",
    "have to go",
    "gotta go",
    "quick",
    "leave soon",
    "running out of time",
    "busy",
    "get going",
    "soon",
    "short on time",
    "move on",
    "time left",
    "in a minute",
    "not much time",
    "got to run",
    "done here",
    "running late",
)
_P_POSITIVE = (
    "good point",
    "makes sense",
    "that's good",
    "interesting",
    "i like",
    "fair",
    "convinc",
    "true",
    "nice",
    "glad",
    "didn't know",
    "good to know",
    "reassur",
    "that helps",
    "wow",
    "touching",
    "that's great",
    "impressive",
    "i see",
    "you're right",
    "okay, that",
    "moving",
)
_P_NEGATIVE = (
    "not convinced",
    "don't care",
    "doesn't move",
    "so what",
    "whatever",
    "pushy",
    "guilt",
    "not interested",
    "annoy",
    "stop",
    "already said",
    "repeating",
)
_P_REFUSE = ("no thanks", "not going to", "won't donate", "i'll pass", "not donating")


class PersuasionAgent(_PlainAgent):
    default_max_turns = 10

    def act(self, observation: str, info: dict[str, Any]) -> str:
        done = self.done(info)
        replies = _user_turns(info)
        heard = " ".join(replies)
        last = replies[-1] if replies else ""
        left = self.turns_left(info)
        leaving = any(_has(r, _P_LEAVING) for r in replies)
        knows = _has(heard, _P_KNOWN)
        asks = done.count("ask")

        # 1. Open: say hello and find out whether they know the charity.
        if not done:
            return self.say(
                (
                    "greeting",
                    (
                        "Hi there, thanks for chatting with me!",
                        "Hello! I hope your day is going well.",
                        "Hey, nice to meet you.",
                    ),
                ),
                (
                    "source",
                    (
                        "Have you ever come across Save the Children before?",
                        "Do you happen to know the charity Save the Children?",
                        "Before anything else, have you heard of Save the Children?",
                    ),
                ),
            )

        # Ask for the gift when time is short, the person is about to leave, or an argument just landed.
        appeals = [p for p in done if p in ("emotion", "logic", "credibility", "social", "story", "info")]
        landed = (
            bool(appeals)
            and done[-1] in ("emotion", "logic", "credibility", "social", "story", "info")
            and _has(last, _P_POSITIVE)
            and not _has(last, _P_NEGATIVE)
        )
        if asks < 3 and (
            left <= 1
            or (leaving and appeals)
            or (landed and len(appeals) >= 2)
            or (left <= 3 and asks == 0 and appeals)
        ):
            return self.ask_for_donation(heard, asks)
        # Short on time and nothing said yet: make the single best case and ask in the same breath.
        if leaving and not appeals:
            scores = self.scores(heard)
            kind = max(scores, key=lambda k: scores[k]) if any(scores.values()) else "emotion"
            if _has(heard, _P_DISTRUST):
                kind = "credibility"
            argument = self.appeal(kind, done)
            return self.say(
                ("brief", "I know you're short on time, so just quickly."),
                (kind, argument),
                ("ask", "Would you be willing to give part of your $2 to help?"),
            )

        # 2. Learn about them: their giving habits and what matters to them, then something personal.
        if "giving" not in done and not leaving:
            return self.say(
                ("ack", ("Okay, thanks.", "Got it.", "I appreciate you chatting with me.")),
                (
                    "giving",
                    (
                        "Do you usually give to charity? I'm curious what kinds of causes you care about most.",
                        "Have you donated to any charities in the past? What sort of causes speak to you?",
                        "When you do give to a cause, what makes you decide it's worth it?",
                    ),
                ),
            )
        if "personal" not in done and not leaving and left > 4:
            return self.say(
                ("ack", ("I hear you.", "That makes sense.", "Thanks, that helps me understand.")),
                (
                    "personal",
                    (
                        "If you don't mind me asking, do you have children yourself, or little ones in your family?",
                        "Can I ask a bit about you? Do you have kids, or young people in your life you're close to?",
                        "Out of curiosity, what's your own situation "
                        "like - do you have family or children you look after?",
                    ),
                ),
            )

        # 3. Adapt: answer worries first, then argue in the way that suits them.
        # If they never said whether they know the charity, a short introduction does no harm.
        need_info = (_has(heard, _P_UNKNOWN) or not knows) and "info" not in done
        worried = _has(heard, _P_DISTRUST)
        if worried and done.count("credibility") < 2:
            return self.credibility(done)
        if need_info:
            return self.say(
                (
                    "ack",
                    (
                        "Let me tell you a little about them, in case you haven't come across them.",
                        "Just so you know who they are:",
                    ),
                ),
                (
                    "info",
                    (
                        "Save the Children is an international charity that has worked for about a hundred "
                        "years to give children food, medical care and schooling, and to protect them in "
                        "wars and disasters. They run programs in more than a hundred countries, including "
                        "here at home.",
                        "They are a large international organisation, founded over a century ago, that gets "
                        "children in poor and war-torn places things like vaccines, meals, clean water and "
                        "a chance to go to school.",
                    ),
                ),
            )
        scores = self.scores(heard)
        # Tight money: make the ask feel small before anything else.
        if _has(heard, _P_TIGHT) and "small" not in done:
            return self.say(
                ("ack", ("I completely understand that money is tight.", "I get it, every dollar counts for you.")),
                (
                    "small",
                    (
                        "You don't have to give much at all - even a few cents from this task helps, and it "
                        "adds up when lots of people chip in.",
                        "Even something tiny, like ten or twenty "
                        "cents, genuinely makes a difference when many people do it.",
                    ),
                ),
            )
        ranked = sorted(scores, key=lambda k: (-scores[k], done.count(k)))
        best = ranked[0]
        if scores[best] == 0 and "what_moves" not in done and left > 3:
            return self.say(
                (
                    "what_moves",
                    (
                        "Can I ask what usually convinces you that a cause is worth supporting? Is it a "
                        "personal story, hard numbers, or knowing that people you respect are behind it?",
                        "What kind of thing tends to persuade you - the facts and figures, the human "
                        "side of it, or seeing that lots of other people are taking part?",
                    ),
                ),
            )
        for kind in ranked:
            if done.count(kind) < 2 and (scores[kind] > 0 or kind == best):
                return self.appeal(kind, done)
        if asks < 3:
            return self.ask_for_donation(heard, asks)
        return self.say(("thanks", "Thank you so much for hearing me out, I really appreciate your time."))

    @staticmethod
    def scores(heard: str) -> dict[str, int]:
        """How strongly their words point at each kind of argument."""
        return {
            "emotion": _count(heard, _P_EMOTION),
            "logic": _count(heard, _P_LOGIC),
            "credibility": _count(heard, _P_CREDIBLE),
            "social": _count(heard, _P_SOCIAL),
        }

    def credibility(self, done: list[str]) -> str:
        first = "credibility" not in done
        return self.say(
            (
                "ack",
                ("That's a really reasonable concern.", "I understand the worry, a lot of people share it.")
                if first
                else ("To add to that:", "And one more thing on trust:"),
            ),
            (
                "credibility",
                (
                    "Save the Children is independently audited every year and gets top marks from "
                    "charity watchdogs like Charity Navigator. Around 85 to 90 cents of every dollar goes "
                    "straight to programs for children, and they publish their financial reports openly.",
                    "They've been around for over a century, their accounts are public and audited, "
                    "and groups that rate charities consistently rank them as efficient and "
                    "transparent about where donations go.",
                )
                if first
                else (
                    "Their annual reports list exactly which programs get the money, and the big rating agencies check "
                    "them regularly.",
                    "Governments and the UN work with them directly, which they would not do with "
                    "an organisation that wasted money.",
                ),
            ),
        )

    def appeal(self, kind: str, done: list[str]) -> str:
        second = kind in done
        if kind == "emotion":
            return self.say(
                (
                    "emotion",
                    (
                        "Picture a little girl in a refugee camp who hasn't had a proper meal in days and has "
                        "never seen the inside of a classroom. For her, a bit of help is the difference "
                        "between getting sick and getting a chance at life.",
                        "Right now millions of children go to bed hungry, and many of them die from things "
                        "we could easily prevent, like diarrhoea or malaria. It's heartbreaking, because a "
                        "small amount of help really does save them.",
                    )
                    if not second
                    else (
                        "Every one of those children is somebody's son or daughter, just as precious as any child we "
                        "know.",
                        "Imagine how it would feel as a parent to be unable to feed your child. That's what "
                        "these families live with every day.",
                    ),
                ),
            )
        if kind == "logic":
            return self.say(
                (
                    "logic",
                    (
                        "Here's the practical side: a few dollars buys a course of antibiotics or a week of "
                        "therapeutic food for a malnourished child, so the return on a small gift is huge.",
                        "Looking at the numbers, child deaths worldwide have roughly halved since 1990, and "
                        "programs like vaccinations and nutrition are a big part of why. Money given to them "
                        "has a measurable effect.",
                    )
                    if not second
                    else (
                        "Dollar for dollar, basic health care for children is one of the most cost-effective ways to "
                        "do good that researchers have found.",
                        "Even one dollar covers oral rehydration salts for "
                        "several children, which is often all it takes to survive a bad illness.",
                    ),
                ),
            )
        if kind == "credibility":
            return self.credibility(done)
        if kind == "social":
            return self.say(
                (
                    "social",
                    (
                        "A lot of the other people taking part in this study have chosen to give a part of "
                        "their payment, and I've donated some of mine as well.",
                        "You'd be in good company: millions of ordinary people support Save the Children, "
                        "and I give to them myself.",
                    )
                    if not second
                    else (
                        "When lots of us each put in a little, together it adds up to something big.",
                        "Many people in your position have done exactly this today.",
                    ),
                ),
            )
        return self.say(
            (
                "story",
                (
                    "I'll be honest, I started giving after seeing a friend come back from volunteering abroad "
                    "with stories about kids who walked miles just to get to a clinic.",
                ),
            ),
        )

    def ask_for_donation(self, heard: str, asks: int) -> str:
        tight = _has(heard, _P_TIGHT)
        if tight:
            amount = (
                "Would you be willing to give even a small part of your $2, say 50 cents?",
                "Could you spare just a little of today's payment, maybe a quarter or fifty cents?",
            )
        elif asks == 0:
            amount = (
                "Would you be willing to donate some of your $2 payment to Save the Children today?",
                "Would you consider giving part of your $2 from this task to the children?",
            )
        else:
            amount = (
                "So what do you think - would you donate a dollar or two of your payment?",
                "How much of your $2 would you be willing to give? Even a dollar would go a long way.",
            )
        return self.say(
            ("ack", ("Thank you for listening.", "I really appreciate you hearing me out.")),
            ("ask", amount),
        )


# --------------------------------------------------------------------------------------
# Counseling: explore (what happened, how they feel), comfort (say it back to them), then
# ask what helps and suggest that.
# --------------------------------------------------------------------------------------

_C_PROBLEMS: dict[str, tuple[str, ...]] = {
    "job": (
        " job",
        " work",
        "boss",
        "fired",
        "laid off",
        "layoff",
        "career",
        "unemploy",
        "office",
        "manager",
        "coworker",
        "colleague",
        "let go",
        "redundan",
    ),
    "breakup": (
        "boyfriend",
        "girlfriend",
        "partner",
        "broke up",
        "break up",
        "breakup",
        "relationship",
        "husband",
        "wife",
        " ex ",
        "divorce",
        "dumped",
        "left me",
        "together for",
        "been together",
    ),
    "friends": ("friend", "friendship", "left out", "excluded", "lonely", "my group"),
    "academic": (
        "exam",
        "school",
        "class",
        "grade",
        "thesis",
        "university",
        "college",
        "study",
        "studies",
        "professor",
        "semester",
        "course",
        "assignment",
        "finals",
        "degree",
    ),
    "depression": (
        "for months",
        "can't shake",
        "empty",
        "get out of bed",
        "no energy",
        "nothing matters",
        "for a long time",
        "numb",
        "every day feels",
        "pointless",
        "always like this",
        "for years",
        "on and off",
        "like this for",
        "nothing changes",
    ),
}
_C_PROBLEM_WORDS = {
    "job": "everything that's going on with your job",
    "breakup": "the end of your relationship",
    "friends": "what's happening with your friends",
    "academic": "all the pressure from your studies",
    "depression": "feeling low for such a long time without it lifting",
}
_C_EMOTIONS: dict[str, tuple[str, ...]] = {
    "anxiety": (
        "anxious",
        "anxiety",
        "worried",
        "worry",
        "nervous",
        "panic",
        "on edge",
        "can't relax",
        "stress",
        "restless",
        "tense",
        "overthink",
    ),
    "depression": (
        "depressed",
        "hopeless",
        "empty",
        "numb",
        "worthless",
        "no point",
        "down all the time",
        "can't feel",
    ),
    "sadness": (
        "sad",
        "heartbroken",
        "cry",
        "crying",
        "tears",
        "grief",
        "hurt",
        "miss him",
        "miss her",
        "lonely",
        "devastated",
    ),
    "anger": ("angry", "furious", " mad ", "frustrat", "pissed", "rage", "resent", "annoyed", "unfair"),
    "fear": ("scared", "afraid", "terrified", "fear", "frightened"),
    "shame": ("ashamed", "shame", "embarrass", "humiliat", "stupid", "failure", "guilty", "my fault"),
    "disgust": ("disgust", "sickened", "revolted", "gross", "sick to my stomach"),
}
_C_FEELING_WORDS = {
    "anxiety": "anxious and on edge",
    "depression": "really low and empty",
    "sadness": "deeply sad",
    "anger": "angry",
    "fear": "scared",
    "shame": "ashamed",
    "disgust": "disgusted",
}
_C_HELP: dict[str, tuple[str, ...]] = {
    "talk_to_someone": (
        "talk",
        "someone i trust",
        "listen",
        "not alone",
        "open up",
        "share",
        "friend",
        "family",
        "company",
        "someone to",
    ),
    "practical_plan": (
        "plan",
        "steps",
        "practical",
        "organi",
        "fix",
        "concrete",
        "to-do",
        "list",
        "sort it out",
        "figure out",
        "strategy",
        "structure",
        "what to do next",
        "action",
    ),
    "self_care": (
        "rest",
        "sleep",
        "walk",
        "breathe",
        "exercise",
        "take care of myself",
        "break",
        "kind to myself",
        "slow down",
        "time for me",
        "bath",
        "music",
        "self-care",
        "myself",
    ),
}
_C_AGREE = (
    "yes",
    "yeah",
    "exactly",
    "that's it",
    "that's how",
    "right",
    "true",
    "that's what",
    "you get it",
    "said it like that",
    "thank you for getting",
    "mm-hm",
    "uh-huh",
)
_C_PUSHBACK = (
    "not ready for advice",
    "don't get it",
    "don't need advice",
    "just need someone to listen",
    "barely know",
    "not that simple",
    "don't understand",
    "don't even know",
    "not listening",
    "too soon",
    "easy for you to say",
)
_C_DEFLECT = (
    "hard to talk",
    "hard to explain",
    "don't know",
    "not sure",
    "rather not",
    "don't want to",
    "hard to say",
    "complicated",
    "i guess",
    "can't explain",
    "it's hard",
)


def _found(text: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    t = _norm(text)
    return [key for key, cues in table.items() if any(c in t for c in cues)]


class CounselingAgent(_PlainAgent):
    default_max_turns = 12

    def act(self, observation: str, info: dict[str, Any]) -> str:
        done = self.done(info)
        replies = _user_turns(info)
        last = replies[-1] if replies else ""
        # The opening line is vague by design; what they tell us afterwards is what counts.
        told = replies[1:] if len(replies) > 1 else []
        problems: list[str] = []
        emotions: list[str] = []
        helps: list[str] = []
        for reply in told:
            for p in _found(reply, _C_PROBLEMS):
                if p not in problems:
                    problems.append(p)
            for e in _found(reply, _C_EMOTIONS):
                if e not in emotions:
                    emotions.append(e)
            for h in _found(reply, _C_HELP):
                if h not in helps and "ask_help" in done:
                    helps.append(h)
        # Which help they named in answer to our "what helps" question counts most
        # (told[k] is the reply to our k-th utterance).
        help_answers = [
            r for a, r in zip(_agent_turns(info), told, strict=False) if "ask_help" in self._purpose.get(a, ())
        ]
        for reply in reversed(help_answers):
            named = _found(reply, _C_HELP)
            if named:
                helps = [named[0], *[h for h in helps if h != named[0]]]
                break

        # 1. Exploration: find out what happened.
        if not done:
            return self.say(
                (
                    "greet",
                    (
                        "Hi, I'm really glad you reached out.",
                        "Hello, thank you for telling me.",
                        "Hey, I'm here for you.",
                    ),
                ),
                (
                    "ask_what",
                    (
                        "Would you like to tell me what's been going on?",
                        "What has been happening lately?",
                        "Can you tell me a little about what's been weighing on you?",
                    ),
                ),
            )
        problem = next((p for p in problems if p != "depression"), problems[0] if problems else None)
        if problem is None:
            if _has(last, _C_DEFLECT) or done.count("ask_what") >= 2:
                return self.say(
                    (
                        "reassure",
                        (
                            "That's completely okay. There's no pressure here, and nothing you say will be judged.",
                            "Take all the time you need. It's safe to talk here, and I'm not going anywhere.",
                            "It's okay if it's hard to put into words. I'm here to listen, whenever you're ready.",
                        ),
                    ),
                    (
                        "ask_what",
                        (
                            "Whenever you feel ready, what's been the hardest part?",
                            "Is there something in particular that set this off?",
                            "What has been on your mind the most?",
                        ),
                    ),
                )
            return self.say(
                (
                    "ask_what",
                    (
                        "I'd like to understand. What happened?",
                        "Could you tell me a bit more about what's going on in your life right now?",
                        "What's been the hardest thing for you lately?",
                    ),
                ),
            )

        # 2. Comforting: say the problem back, then ask how they feel, then name the feeling.
        if "paraphrase" not in done:
            return self.say(
                (
                    "paraphrase",
                    (
                        f"So if I understand you, you're dealing with {_C_PROBLEM_WORDS[problem]}.",
                        f"It sounds like {_C_PROBLEM_WORDS[problem]} has really hit you hard.",
                        f"So what you're carrying right now is {_C_PROBLEM_WORDS[problem]}.",
                    ),
                ),
                (
                    "ask_feel",
                    (
                        "How has that been making you feel?",
                        "How are you feeling about it all?",
                        "What has that been like for you emotionally?",
                    ),
                ),
            )
        reflected = [e for e in emotions if f"reflect:{e}" in done]
        fresh = [e for e in emotions if e not in reflected]
        if not emotions and done.count("ask_feel") < 2:
            return self.say(
                (
                    "reassure",
                    (
                        "That's a lot to deal with, and it makes sense that it's taking a toll.",
                        "Anyone in your position would find this hard.",
                    ),
                ),
                (
                    "ask_feel",
                    (
                        "What feelings come up for you when you think about it?",
                        "If you had to name the feeling, what would it be?",
                    ),
                ),
            )
        if fresh:
            words = " and ".join(_C_FEELING_WORDS[e] for e in fresh[:2])
            return (
                self.say(
                    *(("reflect:" + e, "") for e in fresh[:2]),
                    (
                        "reflect",
                        (
                            f"It sounds like you're feeling {words}, and that's completely understandable.",
                            f"I can hear how {words} you've been feeling. That makes a lot of sense given "
                            "what you've been through.",
                            f"Feeling {words} after all this is a very natural reaction.",
                        ),
                    ),
                    (
                        "ask_help",
                        (
                            "When you've gone through hard times before, what has helped you most?",
                            "What do you think might help you feel even a little better right now?",
                            "What usually helps you when things get this heavy?",
                        ),
                    ),
                )
                if "ask_help" not in done or done.count("ask_help") < 2
                else self.say(
                    *(("reflect:" + e, "") for e in fresh[:2]),
                    ("reflect", (f"It sounds like you've also been feeling {words}. That's really understandable.",)),
                )
            )

        # 3. Action: find out what helps them, then suggest that kind of thing.
        if not helps and done.count("ask_help") < 2:
            return self.say(
                (
                    "affirm",
                    (
                        "You've been handling a lot, and reaching out took courage.",
                        "I want you to know your feelings are valid.",
                    ),
                ),
                (
                    "ask_help",
                    (
                        "What kind of support tends to help you most?",
                        "When you've felt like this before, what made a difference?",
                        "Is there anything that has helped you cope in the past?",
                    ),
                ),
            )
        # Advice only lands once they feel understood: if they haven't agreed with how we put it, or they
        # push back on advice, slow down and say back the problem and the feeling once more.
        pushback = _has(last, _C_PUSHBACK)
        if (pushback or not self.confirmed(info, bool(emotions))) and done.count("comfort_again") < 2:
            feeling = " and ".join(_C_FEELING_WORDS[e] for e in emotions[:2]) or "overwhelmed"
            return self.say(
                (
                    "comfort_again",
                    ("I'm sorry, I think I jumped ahead.", "Let me slow down for a moment.")
                    if pushback
                    else ("I want to make sure I really understand you.", "Let me check I've got this right."),
                ),
                (
                    "paraphrase",
                    (
                        f"You've been going through {_C_PROBLEM_WORDS[problem]}, and it has been a lot.",
                        f"What you're facing is {_C_PROBLEM_WORDS[problem]}, and that is hard.",
                    ),
                ),
                (
                    "reflect",
                    (
                        f"And you've been feeling {feeling}, which is completely understandable.",
                        f"No wonder you've been feeling {feeling}.",
                    ),
                ),
            )
        kind = (
            helps[0]
            if helps
            else {
                "job": "practical_plan",
                "academic": "practical_plan",
                "breakup": "talk_to_someone",
                "friends": "talk_to_someone",
                "depression": "self_care",
            }[problem]
        )
        suggested = done.count("suggest")
        if suggested >= 2 and "disclose" not in done:
            return self.say(
                (
                    "disclose",
                    ("I went through something similar a few years ago, and it took time, but it did get easier.",),
                ),
                ("affirm", ("You're stronger than you feel right now.", "You're doing better than you think.")),
            )
        if suggested >= 3:
            late = [p for p in ("information", "affirm_late", "closing") if p not in done]
            if late and late[0] == "information":
                return self.say(
                    (
                        "information",
                        (
                            "It might help to know that what you're feeling is really "
                            "common, and that it usually eases with time and support.",
                        ),
                    )
                )
            if late and late[0] == "affirm_late":
                return self.say(
                    (
                        "affirm_late",
                        (
                            "I really believe you can get through this. You've already "
                            "taken a good step by talking about it.",
                        ),
                    )
                )
            return self.say(
                ("closing", ("I'm glad we talked. Please be kind to yourself, and come back any time you need to.",))
            )
        return self.say(("suggest", self.suggestion(kind, problem, suggested)))

    def confirmed(self, info: dict[str, Any], need_feeling: bool) -> bool:
        """Did they agree when we said back their problem (and, if they named one, their feeling)?"""
        agreed: set[str] = set()
        for text, reply in zip(_agent_turns(info), _user_turns(info)[1:], strict=False):
            if _has(reply, _C_AGREE) and not _has(reply, _C_PUSHBACK):
                agreed.update(p for p in self._purpose.get(text, ()) if p in ("paraphrase", "reflect"))
        return "paraphrase" in agreed and ("reflect" in agreed or not need_feeling)

    @staticmethod
    def suggestion(kind: str, problem: str, nth: int) -> tuple[str, ...]:
        if kind == "talk_to_someone":
            return (
                (
                    "Maybe you could reach out to someone you trust, a close friend or a family member, and tell "
                    "them what you've told me. You don't have to carry this alone.",
                    "Would it help to talk this through with someone close to you, or a counsellor? Sharing it "
                    "with a person who cares about you can make it feel lighter.",
                )
                if nth == 0
                else ("Perhaps you could call or meet up with a friend this week, just to talk and feel less alone.",)
            )
        if kind == "practical_plan":
            return (
                (
                    "It might help to make a small plan: write down what's worrying you, pick one thing you can "
                    "do about it this week, and break it into simple steps.",
                    "How about we think of a few concrete steps? Start with one small, manageable task for "
                    "tomorrow, and take it one step at a time.",
                )
                if nth == 0
                else ("You could set aside half an hour to list your options and decide on the very first step.",)
            )
        return (
            (
                "Please try to be gentle with yourself. Get some rest, go for a short walk, and give yourself time "
                "to do something that calms you.",
                "Taking care of yourself matters right now: try to sleep well, eat something nourishing and take "
                "a break to do something you enjoy.",
            )
            if nth == 0
            else ("Maybe tonight you could do one kind thing for yourself, like a warm bath or a walk outside.",)
        )


# --------------------------------------------------------------------------------------
# Instruction: find out what they know and how they like to learn, then explain in that
# style at that level, check with a question, and fill the gaps.
# --------------------------------------------------------------------------------------

_I_CONCEPTS: dict[str, tuple[str, ...]] = {
    "compound_interest": ("compound", "interest"),
    "photosynthesis": ("photosynth", "plants"),
    "recursion": ("recursion", "recursive"),
    "supply_and_demand": ("supply", "demand"),
}
_I_NAMES = {
    "compound_interest": "compound interest",
    "photosynthesis": "photosynthesis",
    "recursion": "recursion",
    "supply_and_demand": "supply and demand",
}
_I_NOVICE = (
    "nothing",
    "no idea",
    "never learned",
    "never studied",
    "never heard",
    "new to",
    "beginner",
    "not much",
    "heard the word",
    "clueless",
    "from scratch",
    "total",
    "don't know anything",
    "barely",
)
_I_ADVANCED = (
    "pretty well",
    "very well",
    "in depth",
    "studied",
    "expert",
    "advanced",
    "a lot about",
    "quite familiar",
    "know it well",
    "comfortable with",
    "use it",
    "professional",
    "deep",
)
_I_STYLE: dict[str, tuple[str, ...]] = {
    "example": (
        "example",
        "concrete",
        "real world",
        "real-world",
        "show me",
        "practical",
        "hands-on",
        "case",
        "specific",
    ),
    "analogy": (
        "analog",
        "compar",
        "metaphor",
        "picture",
        "like something",
        "everyday",
        "relate",
        "imagine",
        "similar to",
    ),
    "formal": (
        "definition",
        "formal",
        "precise",
        "exact",
        "formula",
        "math",
        "rigor",
        "rigour",
        "rules",
        "technical",
        "equation",
        "theory",
    ),
}
_I_CONFUSED = (
    "confus",
    "lost",
    "don't follow",
    "too much",
    "over my head",
    "slow down",
    "don't get",
    "don't understand",
    "complicated",
    "not following",
    "what does that mean",
)
_I_BORED = (
    "basic",
    "already know",
    "obvious",
    "too simple",
    "boring",
    "i know that",
    "knew that",
    "elementary",
    "aware of that",
    "skip ahead",
    "move on",
    "past that",
    "heard this",
    "know this",
)
_I_GOT_IT = (
    "got it",
    "makes sense",
    "can answer",
    "know this one",
    "got that",
    "because",
    "it would",
    "it goes",
    "the answer",
    "easy",
    "i see",
    "right,",
    "so the",
    "so it",
    "clear",
    "understand",
)
_I_GAP = ("not sure", "i think", "no idea", "half", "don't know", "maybe", "guess", "wrong", "hmm", "?")

_LESSONS: dict[str, dict[str, tuple[str, str]]] = {
    "compound_interest": {
        "example": (
            "Say you put $100 in a savings account that pays 10% a year. After the first year you have "
            "$110. In the second year you earn 10% on $110, not on $100, so you get $11 and end with "
            "$121. Each year the interest itself starts earning interest.",
            "Take a $1,000 loan on a credit card at 20% a year that you never pay down: after one year "
            "you owe $1,200, after two $1,440, after four more than $2,000. The debt grows faster every "
            "year because last year's interest is charged interest too.",
        ),
        "analogy": (
            "Think of a snowball rolling down a hill. It picks up snow, and the bigger it gets, the more "
            "snow it picks up on each turn. Your money works the same way: the interest you earn joins "
            "the pile, and the bigger pile earns more.",
            "It's a bit like a tree that drops seeds which grow into new trees, which drop seeds of their "
            "own. Growth produces more growth, so the forest spreads faster and faster.",
        ),
        "formal": (
            "Formally, with principal P, an annual rate r and n years, the balance is A = P(1 + r)^n. If "
            "interest is added k times a year it becomes A = P(1 + r/k)^(nk). The exponent is the point: "
            "the balance grows geometrically, not linearly as with simple interest, P(1 + rn).",
            "Put precisely, compound interest is interest computed on the principal plus all interest "
            "accrued so far. Each period multiplies the balance by (1 + r), so after n periods it is "
            "P(1 + r)^n; as compounding becomes continuous this tends to P e^(rn).",
        ),
    },
    "photosynthesis": {
        "example": (
            "Think of a sunflower in a garden. Its leaves take in sunlight, pull carbon dioxide from the "
            "air and draw water up from the soil through the roots. Using the light's energy it turns "
            "those into sugar to grow, and it releases oxygen, the oxygen we breathe.",
            "Put a pond plant in a glass of water in the sun and you'll see little bubbles on its leaves. "
            "That's oxygen being given off while the plant uses light to make sugar out of water and "
            "carbon dioxide. Put it in the dark and the bubbles stop.",
        ),
        "analogy": (
            "A leaf is like a tiny solar-powered kitchen. Sunlight is the power supply, water and carbon "
            "dioxide are the ingredients, chlorophyll is the cook, and the meal is sugar, with oxygen "
            "coming out as the leftover steam.",
            "You can think of a plant as a solar panel attached to a factory: the panel catches light, "
            "and the factory uses that energy to build sugar from air and water, venting oxygen.",
        ),
        "formal": (
            "Formally, photosynthesis is 6 CO2 + 6 H2O + light energy -> C6H12O6 + 6 O2. In the "
            "light-dependent reactions in the thylakoids, chlorophyll absorbs light, water is split and "
            "ATP and NADPH are made; in the Calvin cycle in the stroma, that energy fixes CO2 into sugar.",
            "Precisely, it is the process by which autotrophs convert light energy into chemical energy: "
            "the light reactions produce ATP, NADPH and O2, and the Calvin cycle, via the enzyme RuBisCO, "
            "uses them to reduce carbon dioxide to glucose.",
        ),
    },
    "recursion": {
        "example": (
            "Here's an example: to compute 5 factorial, you say 5! = 5 x 4!. And 4! = 4 x 3!, and so on "
            "down to 1! = 1, which we just know. So the function calls itself on a smaller number until "
            "it reaches that simple case, then the answers multiply back up: 120.",
            "Consider counting the files in a folder: count the files directly inside it, and for every "
            "subfolder, count its files the same way, then add everything up. A folder with no "
            "subfolders is the easy case where you stop.",
        ),
        "analogy": (
            "It's like Russian nesting dolls. To find the smallest doll, you open a doll and do the very "
            "same thing with the doll inside, until you reach one that doesn't open. Then you're done.",
            "Imagine standing in a long queue and wanting to know your position. You ask the person in "
            "front, who asks the person in front of them, and so on, until the first person says 'I'm "
            "number one'. The answers then pass back, each person adding one.",
        ),
        "formal": (
            "Formally, a recursive function is defined in terms of itself: it has a base case that is "
            "answered directly, and a recursive case that reduces the problem to a strictly smaller "
            "instance. For example f(0) = 1, f(n) = n * f(n - 1). Termination follows because every call "
            "moves towards the base case.",
            "Precisely, recursion solves a problem by combining solutions of smaller instances of the "
            "same problem. Correctness is usually proved by induction: show the base case is right, and "
            "that the recursive step is right assuming the smaller calls are. Each call uses a stack "
            "frame, so depth matters.",
        ),
    },
    "supply_and_demand": {
        "example": (
            "Think about concert tickets. When a famous band plays a small venue, lots of people want "
            "tickets but there are only a few, so prices shoot up. When an unknown band plays a huge "
            "stadium, there are more seats than fans, so tickets get cheap.",
            "Look at strawberries: in summer there are heaps of them, so they're cheap. In winter they're "
            "scarce and have to be shipped in, so the price goes up, even though people want them just "
            "as much.",
        ),
        "analogy": (
            "It's a bit like a tug of war. Buyers pull the price down because they want to pay less, "
            "sellers pull it up because they want to earn more, and the rope settles where the pulls "
            "balance: the price at which the amount people want equals the amount on offer.",
            "Imagine a seesaw: on one side how much people want something, on the other how much of it "
            "is available. When one side gets heavier, the price tips until things balance again.",
        ),
        "formal": (
            "Formally, demand is a function Qd(P) that falls as the price rises, and supply a function "
            "Qs(P) that rises with the price. The market clears at the equilibrium price P* where "
            "Qd(P*) = Qs(P*). A shift of either curve, from income, costs or tastes, moves P* and Q*.",
            "Precisely, the law of demand says quantity demanded is inversely related to price, the law "
            "of supply that quantity supplied is positively related to it. Equilibrium is where the "
            "curves intersect; away from it there is a surplus or a shortage that pushes the price back.",
        ),
    },
}
_QUIZ = {
    "compound_interest": (
        "Quick check: if you put $100 in at 10% a year, how much do you have after two years, and "
        "why isn't it just $120?"
    ),
    "photosynthesis": (
        "Let me check: what three things does a plant need for photosynthesis, and what does it give off?"
    ),
    "recursion": (
        "Let me test that: why does a recursive function need a base case, and what would happen without one?"
    ),
    "supply_and_demand": (
        "Here's a question for you: if a new phone becomes hugely popular but the factory can "
        "only make a few, what happens to its price, and why?"
    ),
}
_SUMMARY = {
    "compound_interest": "To sum up: interest is earned on earlier interest too, so the balance grows faster and "
    "faster over time.",
    "photosynthesis": "To sum up: plants use light energy to turn water and carbon dioxide into sugar, and they "
    "release oxygen as a by-product.",
    "recursion": "To sum up: a recursive solution handles a simple base case directly and reduces everything "
    "else to a smaller version of the same problem.",
    "supply_and_demand": "To sum up: price settles where what buyers want matches what sellers offer; scarcity "
    "pushes prices up and abundance pushes them down.",
}
_LEVEL_INTRO = {
    "basic": (
        "Let's start from the very beginning, in simple terms.",
        "I'll keep this really simple, no jargon.",
        "Let's build it up from scratch, step by step.",
    ),
    "intermediate": ("", "Okay, here's how it works.", "Let me explain."),
    "advanced": (
        "Since you already know the basics, let's go deeper into the finer points.",
        "Let's skip the basics and look at the nuances.",
        "Let's get into the more subtle details.",
    ),
}
_LEVEL_EXTRA = {
    "compound_interest": (
        "That's why starting early matters so much: time does most of the work.",
        "A useful nuance: what matters is the effective annual rate, and the rule of 72 "
        "(72 divided by the rate) gives the years to double.",
    ),
    "photosynthesis": (
        "So leaves are basically where plants make their own food.",
        "One nuance: C4 and CAM plants separate carbon fixation in space or time to avoid "
        "photorespiration, which is why they thrive in hot, dry places.",
    ),
    "recursion": (
        "The key idea is just: solve a smaller version of the same problem.",
        "A nuance: tail recursion can be turned into a loop, and memoising overlapping subcalls turns "
        "exponential recursions like naive Fibonacci into linear ones.",
    ),
    "supply_and_demand": (
        "So scarcity pushes prices up and plenty pushes them down.",
        "A nuance: elasticity decides how far price versus quantity moves after a shift, and "
        "price ceilings or floors create persistent shortages or surpluses.",
    ),
}


class InstructionAgent(_PlainAgent):
    default_max_turns = 8

    def act(self, observation: str, info: dict[str, Any]) -> str:
        done = self.done(info)
        replies = _user_turns(info)
        opening = replies[0] if replies else observation
        concept = next((c for c, cues in _I_CONCEPTS.items() if _has(opening, cues)), None)
        if concept is None:
            concept = next((c for c, cues in _I_CONCEPTS.items() if _has(observation, cues)), "recursion")
        name = _I_NAMES[concept]
        heard = " ".join(replies[1:])
        last = replies[-1] if len(replies) > 1 else ""
        left = self.turns_left(info)

        # What they say about themselves.
        level = "intermediate"
        if _has(heard, _I_NOVICE):
            level = "basic"
        elif _has(heard, _I_ADVANCED):
            level = "advanced"
        style_votes = {s: _count(heard, cues) for s, cues in _I_STYLE.items()}
        style = max(style_votes, key=lambda s: style_votes[s]) if any(style_votes.values()) else None
        # What the explanations so far did to them.
        for text, reply in zip(_agent_turns(info), replies[1:], strict=False):
            purposes = self._purpose.get(text, ())
            if any(p.startswith("explain") or p == "quiz" for p in purposes):
                if _has(reply, _I_CONFUSED) or ("quiz" in purposes and _has(reply, _I_GAP)):
                    level = {"advanced": "intermediate", "intermediate": "basic", "basic": "basic"}[level]
                elif _has(reply, _I_BORED):
                    level = {"basic": "intermediate", "intermediate": "advanced", "advanced": "advanced"}[level]

        if not done:
            return self.say(
                (
                    "greet",
                    (
                        "Hi! I'd be glad to help you with that.",
                        "Hello! Great topic, happy to go through it with you.",
                        "Hi there, sure thing.",
                    ),
                ),
                (
                    "background",
                    (
                        f"Before I start, what do you already know about {name}?",
                        f"To pitch this right, how familiar are you with {name} already?",
                        f"Have you come across {name} before, or is it completely new to you?",
                    ),
                ),
            )
        if style is None and "preference" not in done:
            return self.say(
                ("ack", ("Thanks, that helps.", "Great, good to know.", "Okay, got it.")),
                (
                    "preference",
                    (
                        "How do you like to learn new things? Some people want a concrete example, some "
                        "a comparison with something familiar, and some the precise definition.",
                        "What kind of explanation works best for you: real-world examples, analogies, or "
                        "the exact technical definition?",
                    ),
                ),
            )
        style = style or "example"
        explained = [p for p in done if p.startswith("explain")]
        quizzes = done.count("quiz")
        claimed_advanced = _has(heard, _I_ADVANCED)
        last_purposes = self._purpose.get(_agent_turns(info)[-1], ()) if _agent_turns(info) else ()
        # Check early when someone claims expertise; otherwise after two explanations, and near the end.
        if (
            explained
            and "quiz" not in last_purposes
            and (
                (claimed_advanced and quizzes == 0)
                or (len(explained) >= 2 and quizzes == 0)
                or (left <= 2 and quizzes < 2 and "quiz" not in done[-2:])
            )
        ):
            return self.say(
                ("encourage", ("Nice work so far.", "You're doing great.", "Good.")), ("quiz", _QUIZ[concept])
            )
        answered = _has(last, _I_GOT_IT) and not _has(last, _I_GAP)
        if explained and "quiz" in last_purposes and answered and "summary" not in done:
            return self.say(
                ("praise", ("Exactly right!", "That's it, well done.", "Spot on.")), ("summary", _SUMMARY[concept])
            )
        n = explained.count(f"explain:{style}")
        lesson = _LESSONS[concept][style][n % 2]
        extra = _LEVEL_EXTRA[concept][1 if level == "advanced" else 0] if level != "intermediate" else ""
        return self.say(
            ("level", _LEVEL_INTRO[level]),
            (f"explain:{style}", lesson),
            ("extra", extra),
        )


# --------------------------------------------------------------------------------------
# Travel: ask about interests, budget, energy and dealbreakers; score the catalogue with
# common-sense attributes; recommend the best fit, and learn from any rejection.
# --------------------------------------------------------------------------------------

# name, cost (0 free - 3 pricey), effort (0 easy - 2 strenuous), water, kids, alcohol, interests
_ACTIVITIES: dict[str, tuple[int, int, bool, bool, bool, tuple[str, ...]]] = {
    "museum tour": (1, 0, False, True, False, ("culture",)),
    "historic walking tour": (0, 1, False, True, False, ("culture",)),
    "street food tour": (1, 1, False, True, False, ("food", "culture")),
    "cooking class": (2, 0, False, True, False, ("food",)),
    "wine tasting": (2, 0, False, False, True, ("food", "relaxation")),
    "kayaking trip": (2, 2, True, False, False, ("nature", "adventure")),
    "guided hike": (1, 2, False, False, False, ("nature", "adventure")),
    "zipline adventure": (3, 2, False, False, False, ("adventure",)),
    "city bike tour": (1, 2, False, False, False, ("culture", "adventure")),
    "spa day": (3, 0, False, False, False, ("relaxation",)),
    "beach day": (0, 0, True, True, False, ("relaxation", "nature")),
    "botanical garden": (1, 0, False, True, False, ("nature", "relaxation")),
    "sunset cruise": (2, 0, True, False, True, ("relaxation", "nightlife")),
    "bar crawl": (2, 1, False, False, True, ("nightlife",)),
    "live jazz night": (2, 0, False, False, True, ("nightlife", "culture")),
    "theme park": (3, 1, False, True, False, ("adventure",)),
    "night market": (0, 1, False, True, False, ("food", "nightlife")),
    "aquarium": (2, 0, False, True, False, ("nature",)),
}
_T_INTERESTS: dict[str, tuple[str, ...]] = {
    "culture": (
        "art",
        "museum",
        "history",
        "historic",
        "architecture",
        "culture",
        "heritage",
        "old building",
        "old town",
        "galler",
        "monument",
        "ancient",
        "local life",
    ),
    "food": (
        "food",
        " eat",
        "cuisine",
        "cook",
        "taste",
        "restaurant",
        "dishes",
        "foodie",
        "snack",
        "flavo",
        "chef",
        "wine",
    ),
    "nature": (
        "nature",
        "outdoor",
        "plants",
        "garden",
        "wildlife",
        "animal",
        "scenery",
        "landscape",
        "park",
        "forest",
        "flowers",
        "mountain",
        "fresh air",
        "fish",
        "sea life",
    ),
    "adventure": (
        "adventure",
        "thrill",
        "adrenaline",
        "exciting",
        "sport",
        "extreme",
        "rush",
        "daring",
        "challenge",
        "action",
        "ride",
    ),
    "relaxation": (
        "relax",
        "unwind",
        "calm",
        "chill",
        "peace",
        "slow",
        "spa",
        "beach",
        "lazy",
        "recharge",
        "massage",
        "easy day",
        "sun",
    ),
    "nightlife": (
        "night out",
        "nightlife",
        "bars",
        " bar ",
        "music",
        "party",
        "club",
        "dancing",
        "late",
        "jazz",
        "drinks",
        "evening",
    ),
}
_T_VAGUE = (
    "not sure",
    "anything is fine",
    "anything works",
    "don't know",
    "whatever",
    "no idea",
    "hard to say",
    "either",
    "up to you",
    "can't decide",
    "hmm",
    "open to",
)
_T_BUDGET: tuple[tuple[int, tuple[str, ...]], ...] = (
    (0, ("free", "broke", "no money", "zero budget", "nothing to spend", "can't spend", "not spend")),
    (
        1,
        (
            "cheap",
            "tight",
            "not much",
            "limited",
            "low budget",
            "small budget",
            "careful with money",
            "modest",
            "inexpensive",
            "affordable",
            "budget-friendly",
            "save money",
            "backpack",
        ),
    ),
    (2, ("moderate", "reasonable", "mid", "average", "some money", "within reason", "not too expensive", "decent")),
    (
        3,
        (
            "no limit",
            "splurge",
            "no object",
            "treat myself",
            "whatever it costs",
            "money isn't",
            "don't care about the cost",
            "expensive is fine",
            "generous",
            "plenty",
            "luxury",
            "not an issue",
            "not a problem",
        ),
    ),
)
_T_LOW_ENERGY = (
    "gentle",
    "easy",
    "take it easy",
    "not physical",
    "low-key",
    "relaxed",
    "slow",
    "not active",
    "nothing strenuous",
    "not sporty",
    "lazy",
    "calm",
    "not too active",
    "rest",
)
_T_HIGH_ENERGY = (
    "active",
    "physical",
    "energetic",
    "on the move",
    "workout",
    "sweat",
    "sporty",
    "love moving",
    "challenge",
    "fit",
)
_T_DEALBREAKERS: dict[str, tuple[str, ...]] = {
    "alcohol": ("don't drink", "no alcohol", "sober", "not drink", "alcohol", "teetotal", "no booze"),
    "kids": ("kids", "children", "my son", "my daughter", "little ones", "family", "toddler", "child"),
    "water": ("water", "swim", "boat", "seasick", "sea", "drown", "wet"),
    "physical": (
        "knee",
        "back pain",
        "can't walk",
        "mobility",
        "nothing strenuous",
        "nothing physical",
        "wheelchair",
        "injur",
        "hip",
        "not physically",
        "bad back",
    ),
}
_T_REJECT = (
    "not ",
    "n't",
    "rather",
    "too ",
    "prefer",
    "instead",
    "close, but",
    "more ",
    "less ",
    "something else",
    "no ",
)
_T_ACCEPT = ("sounds perfect", "let's do", "sounds great", "i'll take", "book it", "perfect", "love it")


class TravelAgent(_PlainAgent):
    default_max_turns = 10

    def read(self, info: dict[str, Any]) -> dict[str, Any]:
        """Everything the traveller has told us, read with plain keyword cues."""
        prefs = dict.fromkeys(_T_INTERESTS, 0.0)
        budget: int | None = None
        energy = 0  # -1 take it easy, +1 likes being active
        dealbreakers: set[str] = set()
        rejected: list[str] = []
        unheard: list[str] = []
        vague = 0
        agent_turns = _agent_turns(info)
        replies = _user_turns(info)[1:]
        for i, reply in enumerate(replies):
            asked = self._purpose.get(agent_turns[i], ()) if i < len(agent_turns) else ()
            weight = 1.0 if not any(prefs.values()) else 0.6
            for clause in _clauses(reply):
                neg = _negated(clause)
                for dim, cues in _T_INTERESTS.items():
                    if any(c in clause for c in cues):
                        prefs[dim] += -1.0 if neg else weight
                for db, cues in _T_DEALBREAKERS.items():
                    if any(c in clause for c in cues):
                        # "kids" is a dealbreaker when they travel with kids; the others when ruled out
                        if db == "kids" and not neg:
                            dealbreakers.add(db)
                        elif db != "kids" and (neg or db == "physical" or "dealbreakers" in asked):
                            dealbreakers.add(db)
                if "budget" in asked or any(
                    w in clause
                    for w in ("budget", "money", "cost", "price", "spend", "afford", "expensive", "cheap", "free")
                ):
                    for level, cues in _T_BUDGET:
                        if any(c in clause for c in cues):
                            budget = level if budget is None else min(budget, level)
                if any(c in clause for c in _T_LOW_ENERGY):
                    energy = -1
                elif any(c in clause for c in _T_HIGH_ENERGY) and not neg:
                    energy = 1
            if _has(reply, _T_VAGUE):
                vague += 1
            named = [n for n in _ACTIVITIES if n in agent_turns[i].lower()] if "recommend" in asked else []
            # A reply that neither takes nor turns down the idea (and just asks for one) means they missed it.
            missed = (
                named
                and not _has(reply, _T_ACCEPT)
                and not _has(reply, _T_REJECT)
                and _has(reply, ("suggest", "idea", "recommend"))
                and not any(n.split()[-1] in reply.lower() for n in named)
            )
            if missed:
                unheard = named
            elif named and not _has(reply, _T_ACCEPT):
                unheard = []
                rejected.extend(named)
                if _has(reply, ("expensive", "pricey", "cost", "afford", "budget")):
                    budget = 0 if budget is None else max(0, budget - 1)
                if _has(reply, ("tiring", "too active", "exhausting", "strenuous", "physical")):
                    energy = -1
        return {
            "prefs": prefs,
            "budget": budget,
            "energy": energy,
            "dealbreakers": dealbreakers,
            "rejected": rejected,
            "vague": vague,
            "unheard": unheard,
        }

    @staticmethod
    def score(name: str, seen: dict[str, Any]) -> float:
        cost, effort, water, kids, alcohol, tags = _ACTIVITIES[name]
        prefs: dict[str, float] = seen["prefs"]
        s = sum(prefs[t] for t in tags) / len(tags) ** 0.5
        dbs: set[str] = seen["dealbreakers"]
        if (
            ("water" in dbs and water)
            or ("alcohol" in dbs and alcohol)
            or ("kids" in dbs and not kids)
            or ("physical" in dbs and effort >= 2)
        ):
            s -= 10
        if seen["budget"] is not None and cost > seen["budget"]:
            s -= 1.5 * (cost - seen["budget"])
        if seen["energy"] < 0:
            s -= 0.7 * effort
        elif seen["energy"] > 0:
            s += 0.3 * effort
        if name in seen["rejected"]:
            s -= 100
        return s

    def act(self, observation: str, info: dict[str, Any]) -> str:
        done = self.done(info)
        seen = self.read(info)
        left = self.turns_left(info)
        ranked = sorted(_ACTIVITIES, key=lambda n: -self.score(n, seen))
        questions = [p for p in done if p in ("interests", "budget", "energy", "dealbreakers", "anything_else")]

        if not done:
            return self.say(
                (
                    "greeting",
                    (
                        "Hi, welcome! I'd love to help you plan your day.",
                        "Hello! Happy to help you find something great to do.",
                        "Hi there, let's find you something fun.",
                    ),
                ),
                (
                    "interests",
                    (
                        "What kinds of things do you enjoy most when you travel?",
                        "What are you usually into on a trip: sights, food, the outdoors, or something else?",
                        "Tell me a bit about what you like to do when you're away.",
                    ),
                ),
            )
        if seen["vague"] and "compare" not in done and left > 2 and not seen["rejected"]:
            a, b = self.contrasting_pair(ranked)
            return self.say(
                ("ack", ("No worries, let's narrow it down.", "That's fine, let me make it easier.")),
                (
                    "compare",
                    (
                        f"Would you rather spend the day on a {a} or a {b}?",
                        f"If you had to choose between a {a} and a {b}, which sounds better?",
                    ),
                ),
            )
        asks = (
            (
                "budget",
                (
                    "What kind of budget are you working with for the day?",
                    "Roughly how much would you like to spend?",
                    "Are you looking to keep costs down, or is money not a big concern?",
                ),
            ),
            (
                "energy",
                (
                    "How active do you want to be? Are you up for something physical, or would you rather "
                    "take it easy?",
                    "Do you like being on the move, or would you prefer a relaxed pace?",
                ),
            ),
            (
                "dealbreakers",
                (
                    "Is there anything you'd rather avoid, or anything I should know about, like travelling with kids?",
                    "Are there any no-gos for you, things you definitely don't want to do?",
                ),
            ),
        )
        if not seen["rejected"] and left > 1:
            for purpose, phrasings in asks:
                if purpose not in questions:
                    return self.say(("ack", ("Okay.", "Got it.", "Good to know.", "Thanks.")), (purpose, phrasings))
            if not any(v > 0 for v in seen["prefs"].values()) and "anything_else" not in questions:
                return self.say(("anything_else", ("And what would make the day really memorable for you?",)))
        if seen["unheard"] and "restate" not in done[-2:]:
            again = seen["unheard"][0]
            return self.say(
                ("restate", ("Sorry, I should have been clearer.", "Let me put it plainly.")),
                ("recommend", (f"My recommendation is the {again}.", f"I recommend the {again}.")),
            )
        best = ranked[0]
        reasons = self.reasons(best, seen)
        return self.say(
            (
                "ack",
                ("Thanks, that's really helpful.", "Okay, I think I have a good picture now.", "Understood.")
                if not seen["rejected"]
                else ("Fair enough.", "No problem, let me think again.", "Got it."),
            ),
            (
                "recommend",
                (
                    f"I'd recommend the {best}{reasons}.",
                    f"I think the {best} would suit you best{reasons}.",
                    f"My suggestion is the {best}{reasons}.",
                ),
            ),
        )

    @staticmethod
    def contrasting_pair(ranked: list[str]) -> tuple[str, str]:
        first = ranked[0]
        tags = set(_ACTIVITIES[first][5])
        second = next((n for n in ranked[1:] if not tags & set(_ACTIVITIES[n][5])), ranked[1])
        return first, second

    @staticmethod
    def reasons(name: str, seen: dict[str, Any]) -> str:
        cost, effort, _water, kids, _alcohol, tags = _ACTIVITIES[name]
        bits = []
        liked = [t for t in tags if seen["prefs"][t] > 0]
        if liked:
            bits.append("it matches your interest in " + " and ".join(liked))
        if seen["budget"] is not None and cost <= seen["budget"]:
            bits.append("it fits your budget")
        if "kids" in seen["dealbreakers"] and kids:
            bits.append("it's great for kids")
        if seen["energy"] < 0 and effort == 0:
            bits.append("it's nice and easy-going")
        return (": " + ", and ".join(bits)) if bits else ""


# --------------------------------------------------------------------------------------
# One agent for all four tasks, and the evaluation
# --------------------------------------------------------------------------------------

_AGENTS: dict[str, type[_PlainAgent]] = {
    "Persuasion-v0": PersuasionAgent,
    "Counseling-v0": CounselingAgent,
    "Instruction-v0": InstructionAgent,
    "TravelAgent-v0": TravelAgent,
}


class PlainEnglishAgent(Agent):
    """Dispatches on ``env_id`` to the task's plain-English agent."""

    name: ClassVar[str] = "plain_english"

    def __init__(self, env_id: str, seed: int | None = None) -> None:
        super().__init__(env_id, seed)
        base = env_id.split(":")[-1]
        if base not in _AGENTS:
            raise ValueError(f"no plain-English agent for {env_id!r}; known: {sorted(_AGENTS)}")
        self.inner = _AGENTS[base](env_id, seed)
        self.spec = "plain_english"

    def reset(self, seed: int | None = None) -> None:
        super().reset(seed)
        self.inner.reset(seed)

    def act(self, observation: str, info: dict[str, Any]) -> str:
        return self.inner.act(observation, info)


def _summary(result: Any) -> dict[str, Any]:
    lo, hi = result.ci95
    return {
        "mean": result.mean_return,
        "ci95": [lo, hi],
        "success_rate": result.success_rate,
        "mean_turns": result.mean_turns,
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    import dialgym

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--split", default="test", choices=("train", "test", "hard"))
    parser.add_argument("--env", action="append", dest="envs", help="env id (repeatable; default: all four)")
    parser.add_argument("--json", dest="json_path", default=None, help="write the numbers to this JSON file")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {"episodes": args.episodes, "seed": args.seed, "split": args.split, "tasks": {}}
    print(f"{'task':<16} {'agent':>24} {'random':>7} {'oracle':>7} {'normalised':>10} {'success':>8}")
    for env_id in args.envs or ENV_IDS:
        start = time.perf_counter()
        row: dict[str, Any] = {}
        for spec in ("random", "oracle", "plain_english"):
            agent: Agent | str = PlainEnglishAgent(env_id, seed=args.seed) if spec == "plain_english" else spec
            res = dialgym.evaluate(agent, env_id, episodes=args.episodes, seed=args.seed, persona_split=args.split)
            row[spec] = _summary(res)
        lo_r, hi_r = row["random"]["mean"], row["oracle"]["mean"]
        mine = row["plain_english"]
        norm = 100.0 * (mine["mean"] - lo_r) / (hi_r - lo_r) if hi_r != lo_r else float("nan")
        row["normalised"] = norm
        row["seconds"] = time.perf_counter() - start
        results["tasks"][env_id] = row
        ci = f"{mine['mean']:.2f} [{mine['ci95'][0]:.2f}, {mine['ci95'][1]:.2f}]"
        print(f"{env_id:<16} {ci:>24} {lo_r:>7.2f} {hi_r:>7.2f} {norm:>10.1f} {mine['success_rate']:>8.2f}")
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)
        print(f"wrote {args.json_path}")
    return results


if __name__ == "__main__":
    main()
