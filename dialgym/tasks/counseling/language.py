"""Words of the Counseling task: the strategy lexicon, the content lexicons, the reply bank.

Four lexicons live here:

* :data:`STRATEGY_LEXICON`: regular expressions per ESConv support strategy, matched over
  :func:`dialgym.simulators.scripted.normalize_for_matching` output (lower case,
  contractions expanded). :class:`CounselingRecognizer` adds an off-topic filter on top.
* :data:`EMOTION_WORDS` / :data:`PROBLEM_WORDS` / :data:`SUGGESTION_WORDS`: which emotion,
  problem or kind of suggestion an utterance *names*. The scripted user checks the agent's
  reflections and paraphrases against its persona with them, and the reference agents read
  the seeker's disclosures with them.
* :data:`USER_HINTS`: cues in the seeker's replies (guarded deflections, premature-advice
  complaints, what kind of help they want) that the adaptive agent reads.
* :data:`REPLIES` (the seeker's reply bank) and :data:`AGENT_PHRASES` (the agent phrase bank
  behind :func:`agent_utterance`).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from dialgym.simulators import scripted as _engine
from dialgym.simulators.scripted import OFF_TASK, IntentRecognizer, normalize_for_matching

# --------------------------------------------------------------------------- names
STRATEGIES: tuple[str, ...] = (
    "question",
    "restatement_or_paraphrasing",
    "reflection_of_feelings",
    "self_disclosure",
    "affirmation_and_reassurance",
    "providing_suggestions",
    "information",
    "others",
)
EMOTIONS: tuple[str, ...] = ("anxiety", "depression", "sadness", "anger", "fear", "shame", "disgust")
PROBLEMS: tuple[str, ...] = (
    "job_crisis",
    "breakup_with_partner",
    "problems_with_friends",
    "academic_pressure",
    "ongoing_depression",
)
SUGGESTION_TYPES: tuple[str, ...] = ("talk_to_someone", "practical_plan", "self_care")


@lru_cache(maxsize=1024)
def normalize(text: str) -> str:
    """:func:`normalize_for_matching`, cached, with a fast path for ASCII text.

    The recogniser, the seeker's content check and the reference agents all read the same
    utterance; the cache makes that one normalisation per utterance. For ASCII input the
    Unicode folding steps are identities and are skipped (same result, tested).
    """
    if not text.isascii():
        return normalize_for_matching(text)
    t = text.lower()
    for pattern, repl in _engine._CONTRACTIONS:
        t = pattern.sub(repl, t)
    t = _engine._NON_WORD.sub(" ", t)
    return _engine._WS.sub(" ", t).strip()


# --------------------------------------------------------------------------- strategy lexicon
_EMO_ADJ = (
    r"anxious|worried|nervous|stressed|overwhelmed|on edge|panicky|uneasy|depressed|empty|numb|hopeless|"
    r"worthless|drained|sad|heartbroken|hurt|hurting|down|lonely|upset|unhappy|miserable|angry|mad|furious|"
    r"frustrated|irritated|resentful|annoyed|scared|afraid|frightened|terrified|ashamed|embarrassed|"
    r"humiliated|guilty|disgusted|sickened|revolted|repulsed|lost|alone|exhausted|awful|terrible"
)

_HARD_ADJ = (
    r"hard|painful|heavy|difficult|tough|rough|exhausting|lonely|isolating|overwhelming|scary|upsetting|"
    r"frustrating|awful|draining|crushing|stressful|heartbreaking|devastating|confusing|discouraging|"
    r"distressing|frightening|hurtful|unfair|terrible|a lot to (?:carry|deal with|handle)"
)
_ADV = (
    r"(?:(?:so|really|very|incredibly|pretty|quite|truly|deeply|extremely|completely|totally|such|total|"
    r"perfect|complete) )*"
)

STRATEGY_LEXICON: dict[str, list[str]] = {
    "question": [
        r"\b(?:what|how|why|when|where|who|which)\b[^?.!]*\?",
        r"\b(?:could|can|would|will|do|did|have|has|are|were|is|was|does)\s+(?:you|it|that|this|there|anything|"
        r"anyone|someone)\b[^?.!]*\?",
        r"\btell me (?:more|a bit|a little|about|what|how|why|if)",
        r"\b(?:i am|i was|i) (?:wondering|curious)\b",
        r"\bwould you (?:like|mind|be willing|care) to (?:share|tell|talk|say|explain|describe)",
        r"\b(?:can|could) you (?:say|tell|share|describe|explain|walk me)",
        r"\bif you (?:do not mind|are comfortable|feel comfortable|are okay with)\b",
        r"\bwhat (?:is|has been) (?:going on|on your mind|happening|bothering you|weighing)",
        r"\bhelp me understand\b",
        r"\bshare (?:more|a bit|a little) (?:about|with me)",
    ],
    "restatement_or_paraphrasing": [
        r"\bso (?:you are saying|what you are saying|what i am hearing|basically|it seems|if i)\b",
        r"\bif i (?:understand|heard|hear|follow|get) (?:you|this|that|it)\b",
        r"\bwhat i am hearing\b",
        r"\bin other words\b",
        r"\byou (?:mentioned|said|told me|were saying)\b",
        r"\blet me (?:make sure|see if|check that) i (?:understand|got|get|follow)",
        r"\bsounds like (?:what happened|the situation|things|your|you have been|you had|you lost|you are "
        r"dealing|you are going through|you got|you went)\b",
        r"\bso (?:your|the|things|this|it|you)\b.{0,60}\b(?:has|have|had|is|are|was|were|ended|broke)\b",
        r"\bto (?:sum|summari[sz]e)\b",
        r"\bam i (?:right|correct|understanding) (?:that|in)\b",
    ],
    "reflection_of_feelings": [
        r"\b(?:it |that )?(?:sounds|seems|must feel|must be|looks) (?:like you are |like you have been |like "
        r"you )?(?:feeling|really|very|so|pretty|quite)?\s*(?:" + _EMO_ADJ + r")\b",
        r"\byou (?:are|seem|sound|must be|must feel|feel|might be|might feel|may be|may feel|have been|"
        r"are probably)\s+(?:feeling\s+|really\s+|very\s+|so\s+|quite\s+|pretty\s+|a bit\s+|a little\s+|"
        r"kind of\s+|a lot of\s+|deeply\s+){0,3}(?:" + _EMO_ADJ + r")\b",
        r"\bi can (?:hear|sense|see|tell|imagine) (?:how|that|the|your)\b",
        r"\bit makes sense (?:that )?(?:you|to) (?:would )?feel",
        r"\b(?:that|this|it|which) (?:must|would|can|could|might) (?:be|feel|have been|have felt) "
        + _ADV
        + r"(?:"
        + _HARD_ADJ
        + r")\b",
        r"\b(?:sounds|seems|looks) (?:like (?:this|that|it) (?:has been|was|is) )?" + _ADV + "(?:" + _HARD_ADJ + ")\\b",
        r"\b(?:that|this|it|which) (?:is|has been|was) " + _ADV + r"(?:" + _HARD_ADJ + r")\b",
        r"\b(?:to|would|could|you) (?:feel|be feeling) " + _ADV + r"(?:" + _EMO_ADJ + r")\b",
        r"\byou (?:feel|felt|are feeling|have been feeling) (?:like|that|as if)\b",
        r"\bi (?:can )?hear (?:you|that|how|what)\b",
        r"\bi (?:understand|get|see) (?:how|why|that you|what you)\b",
        r"\b(?:carrying|holding|feeling) (?:a lot of|so much|all this|all that|this|that) (?:"
        + _EMO_ADJ
        + r"|guilt|shame|pain|anger|sadness|fear|worry|grief)\b",
        r"\b(?:sounds|seems) like (?:a lot|so much|too much)\b",
        r"\byour feelings? (?:of|are|is)\b",
        r"\bfeeling (?:" + _EMO_ADJ + r")\b",
        r"\b(?:so much|a lot of) (?:pain|hurt|anger|sadness|fear|shame|worry|anxiety|guilt|stress)\b",
        r"\bweighing (?:on|heavily on) you\b",
        r"\bhow much (?:this|that|it) (?:hurts|is hurting|is weighing|affects|has affected)\b",
    ],
    "self_disclosure": [
        r"\bi (?:have|had) (?:been|gone) through (?:something|that|this|a similar|the same)",
        r"\bi went through\b",
        r"\bwhen i was\b",
        r"\bi (?:also|too|once) (?:felt|went|had|lost|struggled|failed|got)\b",
        r"\bi remember (?:when|feeling|being|how i)\b",
        r"\b(?:happened|has happened) to me\b",
        r"\bi have been there\b",
        r"\bin my (?:own )?(?:experience|life)\b",
        r"\b(?:personally|speaking from experience),? i\b",
        r"\bi know (?:what|how) (?:that|it|this) (?:is|feels?) like\b.{0,30}\b(?:i|me|my)\b",
        r"\bmy own\b",
        r"\bsomething similar happened\b",
        r"\ba few years ago,? i\b",
        r"\b(?:sometimes )?when i (?:feel|felt|was|get|got|am)\b",
        r"\bi (?:usually|often|always|sometimes) (?:go|find|try|do|take|write|call)\b",
        r"\b(?:it|that|this) (?:helped|helps) me\b",
    ],
    "affirmation_and_reassurance": [
        r"\byou are (?:not alone|strong|stronger|brave|doing (?:your best|well|great|the best|a great)|"
        r"capable|not a failure|worth|enough|resilient|going to be okay|going to be ok|handling)\b",
        r"\bit is " + _ADV + r"(?:okay|ok|alright|normal|understandable|natural|valid|human) (?:to|that|for|if)\b",
        r"\b(?:your )?(?:feelings?|reactions?|emotions?) (?:make|makes) " + _ADV + r"sense\b",
        r"\bnot the only one\b",
        r"\bi am here (?:to listen|for you|with you|if you need|whenever)\b",
        r"\byou (?:will|can|are going to) (?:get through|make it|overcome|handle|be okay|be ok|be alright|"
        r"come through)\b",
        r"\bi believe in you\b",
        r"\b(?:that|it) takes (?:courage|strength|guts)\b",
        r"\b(?:things|it) (?:will|can|are going to|is going to) get better\b",
        r"\bnot your fault\b",
        r"\bproud of you\b",
        r"\bi am (?:on your side|glad you (?:reached out|told|shared|came))\b",
        r"\byou (?:matter|deserve)\b",
        r"\byou did (?:nothing wrong|the right thing|your best)\b",
        r"\bthat is (?:completely |totally |perfectly )?(?:valid|understandable|okay|normal)\b",
        r"\byour feelings are valid\b",
        r"\bbrave of you\b",
        r"\b(?:good|great|brave) (?:on you|that you|step)\b",
        r"\bdo not be (?:so )?hard on yourself\b",
    ],
    "providing_suggestions": [
        r"\b(?:maybe|perhaps) (?:you|it) (?:could|can|should|might|would)\b",
        r"\bhave you (?:tried|considered|thought about|thought of)\b",
        r"\bwhy (?:not|do you not) (?:try|talk|reach|make|take|go|get|write)\b",
        r"\bit (?:might|may|could|would) help (?:to|if)\b",
        r"\byou (?:could|should|might|may want to|might want to|could also) (?:try|consider|start|talk|reach|"
        r"make|take|go|write|get|give|set|plan|spend|join|see|call|ask|list|focus|open|do|be|rest|eat|sleep)\b",
        r"\bi (?:would )?(?:suggest|recommend|encourage you)\b",
        r"\b(?:what|how) about (?:trying|talking|reaching|making|taking|going|writing|getting|setting)\b",
        r"\bwhat if you\b",
        r"\b(?:try|consider) (?:to )?(?:talking|reaching|making|taking|going|writing|getting|setting|"
        r"breaking|sleeping|resting|walking|a\b|an\b|some|one|to)\b",
        r"\bone thing (?:that )?(?:you could|that might|that could|which might|to try)\b",
        r"\bmy (?:suggestion|advice)\b",
        r"\ba (?:good|helpful) (?:idea|step|first step|thing) (?:would be|might be|could be|is)\b",
        r"\b(?:it is|it could be|it might be) worth (?:trying|talking|reaching|making|taking)\b",
        r"\bhow about\b",
        r"\b(?:would|could|might) it help (?:to|if)\b",
    ],
    "information": [
        r"\b(?:research|studies|science|data|evidence) (?:shows?|suggests?|says|has shown|have shown)\b",
        r"\bit is (?:(?:very|really|quite|actually|pretty|so|also) )*(?:common|normal|typical) (?:for|to|after|when)\b",
        r"\b(?:many|lots of|most|plenty of|a lot of) (?:people|students|workers|folks|others)\b",
        r"\baccording to\b",
        r"\bdid you know\b",
        r"\bstatistic",
        r"\b(?:is|are) a (?:common|normal|natural|typical) (?:reaction|response|part|experience|feeling)\b",
        r"\bthe brain\b",
        r"\b(?:symptoms?|treatable|therapy works|counsel(?:l)?ing works)\b",
        r"\bexperts?\b",
        r"\b(?:usually|often|tends? to) (?:fade|ease|pass|get easier|improve|lessen)\b",
        r"\bwith (?:time|support) ,?(?:and support )?(?:these|this|it|most)\b",
        r"\b(?:hotlines?|helplines?|crisis lines?|free counsel(?:l)?ing|campus counsel(?:l)?ing|resources "
        r"(?:like|such as|available))\b",
    ],
    "others": [
        r"^(?:hi|hello|hey|good (?:morning|afternoon|evening)|greetings|welcome)\b",
        r"\bi am (?:so |really |very |truly )?sorry (?:to hear|you|that|for|about)\b",
        r"\btake (?:your|all the) time\b",
        r"^i (?:totally |completely )?(?:understand|see)[.!]",
        r"\bthank(?:s| you) (?:for (?:sharing|reaching|telling|opening|talking|trusting|coming|being)|so much)\b",
        r"\b(?:take care(?! of)|goodbye|bye|see you|talk (?:to you )?soon|have a (?:good|nice|great))\b",
        r"\b(?:nice|good|glad) to (?:meet|talk|hear from|chat)\b",
        r"\bhow are you(?: doing)?(?: today)?\b",
        r"\bi am glad you (?:reached out|came|are here|wrote)\b",
        r"\b(?:you are welcome|my pleasure|no problem)\b",
        r"^(?:okay|ok|alright|i see|mm+|hmm+|right|got it|sure)[.!]*$",
    ],
}

# --------------------------------------------------------------------------- content lexicons
EMOTION_WORDS: dict[str, str] = {
    "anxiety": r"anxious|anxiety|worried|worry|worrying|worries|nervous|on edge|panic|panicky|uneasy|restless",
    "depression": r"depressed|depression|empty|numb|hopeless|worthless|nothing matters|no energy",
    "sadness": r"sad|sadness|heartbroken|heartbreak|grief|grieving|tearful|crying|unhappy|"
    r"feeling down|feel down|so down|really down|blue|lonely",
    "anger": r"angry|anger|mad|furious|frustrated|frustration|irritated|resentful|resentment|rage|"
    r"annoyed|pissed",
    "fear": r"scared|afraid|fear|fears|frightened|terrified|fearful",
    "shame": r"ashamed|shame|embarrassed|embarrassment|humiliated|humiliating|humiliation|"
    r"guilty|guilt|like a failure",
    "disgust": r"disgusted|disgust|disgusting|sickened|sickening|revolted|repulsed|grossed out|"
    r"sick to (?:my|your) stomach",
}

PROBLEM_WORDS: dict[str, str] = {
    "job_crisis": r"jobs?|laid off|lay ?offs?|fired|boss|career|unemploy\w*|at work|your work|my work|workplace|"
    r"co-?workers?|colleagues?|the company|your position|my position|let go",
    "breakup_with_partner": r"break ?up|broke up|breaking up|split up|partner|boyfriend|girlfriend|husband|"
    r"wife|ex|your relationship|my relationship|relationship ended|divorce|dumped|ended things|"
    r"losing a relationship|end of a relationship|the relationship (?:ended|is over)",
    "problems_with_friends": r"friends?|friendships?|friend group|left out|excluded|falling out|falling-out",
    "academic_pressure": r"exams?|school|college|university|grades?|studying|studies|class|classes|courses?|"
    r"thesis|assignments?|homework|professors?|semester|finals|degree",
    "ongoing_depression": r"for months|months now|for years|for a long time|such a long time|so long now|"
    r"can not shake|every single day|long-term|long term|ongoing|chronic|persistent|struggling like this|"
    r"feeling this way for",
}

SUGGESTION_WORDS: dict[str, str] = {
    "talk_to_someone": r"talk(?:ing)? (?:to|with|it through|things through)|reach(?:ing)? out|open(?:ing)? up|"
    r"someone you trust|a friend|family|counsel(?:l)?or|therapist|support group|share (?:it|this|how)|"
    r"call (?:someone|a)",
    "practical_plan": r"plan|planning|a list|write down|step by step|small steps?|next steps?|one (?:thing|step) "
    r"at a time|break it (?:down|into)|schedule|to-?do|prioriti[sz]e|set (?:a |small |some )?goals?|"
    r"organi[sz]e|concrete",
    "self_care": r"sleep|rest|walk|exercise|eat (?:something|well|properly|a proper)|meals?|breath(?:e|ing)|"
    r"meditat\w*|journal\w*|bath|self-?care|be (?:gentle|kind) (?:to|with) yourself|take care of yourself|"
    r"nature|fresh air|yoga|look after yourself",
}

_NEG = re.compile(r"\b(?:not|never|no)\b(?:\s+\S+){0,2}\s*$")


def _compile(words: dict[str, str]) -> dict[str, re.Pattern[str]]:
    return {k: re.compile(r"\b(?:" + v + r")\b") for k, v in words.items()}


_EMOTION_RE = _compile(EMOTION_WORDS)
_PROBLEM_RE = _compile(PROBLEM_WORDS)
_SUGGESTION_RE = _compile(SUGGESTION_WORDS)


_NAMED_MEMO: dict[tuple[str, int, bool], tuple[str, ...]] = {}


def _named(norm: str, table: dict[str, re.Pattern[str]], negation: bool = True) -> list[str]:
    """The table's names found in ``norm`` (memoised: policies re-read every earlier turn each turn)."""
    key = (norm, id(table), negation)  # the tables are the module's constants
    found = _NAMED_MEMO.get(key)
    if found is None:
        if len(_NAMED_MEMO) >= 8192:
            _NAMED_MEMO.clear()
        found = _NAMED_MEMO[key] = tuple(_find_named(norm, table, negation))
    return list(found)


def _find_named(norm: str, table: dict[str, re.Pattern[str]], negation: bool) -> list[str]:
    out = []
    for name, regex in table.items():
        for m in regex.finditer(norm):
            if negation and _NEG.search(norm[: m.start()]):
                continue
            out.append(name)
            break
    return out


def named_emotions(text: str, normalized: bool = False) -> list[str]:
    """The emotions an utterance names (not negated), in :data:`EMOTIONS` order."""
    return _named(text if normalized else normalize(text), _EMOTION_RE)


def named_problems(text: str, normalized: bool = False) -> list[str]:
    """The problems an utterance names, in :data:`PROBLEMS` order."""
    return _named(text if normalized else normalize(text), _PROBLEM_RE, negation=False)


def named_suggestions(text: str, normalized: bool = False) -> list[str]:
    """The kinds of suggestion an utterance names, in :data:`SUGGESTION_TYPES` order."""
    return _named(text if normalized else normalize(text), _SUGGESTION_RE, negation=False)


# Unrelated small talk (weather, sports, films, shopping ...) is off-task unless the
# utterance also carries a support cue.
_OFF_TOPIC = re.compile(
    r"\b(?:weather|football|soccer|basketball|baseball|movies?|films?|recipes?|pizza|stock market|stocks|"
    r"crypto|bitcoin|capital of|favou?rite (?:colou?r|food|movie|band|song|team)|tv shows?|video games?|"
    r"politics|election|the news|math|algebra|sandwich|lottery|horoscope|celebrit\w+|smartphone|laptop|"
    r"car insurance|discount|sale|buy|purchase|translate|programming|python|javascript)\b"
)
_SUPPORT_CUE = re.compile(
    r"\b(?:feel|feeling|feelings|emotion\w*|going on|happened|hard|sorry|understand|alone|support|help you|"
    r"cope|coping|you are|your (?:situation|day|week|life)|struggl\w+|okay|ok)\b"
)


class CounselingRecognizer(IntentRecognizer):
    """:class:`IntentRecognizer` plus an off-topic filter (unrelated chit-chat is off-task)."""

    def recognise(self, text: str) -> list[str]:
        norm = normalize(text)  # the task's cached normalisation
        acts = self.recognise_normalised(norm)
        if acts != [OFF_TASK] and _OFF_TOPIC.search(norm) and not _SUPPORT_CUE.search(norm):
            return [OFF_TASK]
        return acts


RECOGNIZER = CounselingRecognizer(STRATEGY_LEXICON)

# --------------------------------------------------------------------------- hints in seeker replies
USER_HINTS: dict[str, re.Pattern[str]] = {
    # the seeker needs more trust (reassurance) before opening up
    "guarded": re.compile(
        r"\b(?:hard to talk about|not sure i want to|do not really know you|do not know if i can|"
        r"not ready to|rather not say|difficult to open up|do not usually talk about)\b"
    ),
    # the seeker needs more questions before opening up
    "slow": re.compile(r"\b(?:complicated|where do i (?:even )?start|hard to explain|it is a lot|a long story)\b"),
    # advice came before the seeker felt understood
    "premature": re.compile(
        r"\b(?:do not even know|do not need advice|just need someone to listen|you do not get it|"
        r"not ready for advice|you barely know|fix me|you are not listening)\b"
    ),
    # the agent already heard everything there is to tell
    "nothing_new": re.compile(r"\b(?:told you|already said|already told|that is (?:pretty much )?everything)\b"),
    # a suggestion missed the mark
    "wrong_suggestion": re.compile(
        r"\b(?:not sure that is for me|do not think that would|not really what i need|"
        r"that is not me|would not work for me)\b"
    ),
}

#: How the seeker says what kind of help works for them (matched over their replies).
HELP_HINTS: dict[str, re.Pattern[str]] = {
    "talk_to_someone": re.compile(
        r"\b(?:talking (?:it|things) through|someone to talk to|talk to someone|so alone|someone who gets it|"
        r"hearing another voice|someone i trust|not being alone)\b"
    ),
    "practical_plan": re.compile(
        r"\b(?:a plan|some kind of plan|something concrete|next steps?|what to do next|organi[sz]ed|"
        r"a list|to do next|a clear)\b"
    ),
    "self_care": re.compile(
        r"\b(?:taking care of myself|not sleeping|barely (?:eating|sleeping)|run down|running on empty|"
        r"look after myself|body|slow down|rest)\b"
    ),
}


def read_help(text: str) -> str | None:
    """The kind of help a seeker's reply asks for, if it says."""
    norm = normalize(text)
    for name, regex in HELP_HINTS.items():
        if regex.search(norm):
            return name
    return None


def read_hints(text: str) -> list[str]:
    """The :data:`USER_HINTS` present in a seeker's reply."""
    norm = normalize(text)
    return [name for name, regex in USER_HINTS.items() if regex.search(norm)]


# --------------------------------------------------------------------------- seeker replies
# Reveal lines must name their problem/emotion/help with the content lexicons above and
# must not name any other emotion or problem (the reference agents read them).
REPLIES: dict[str, list[str]] = {
    "opening": [
        "Hi... I'm not really okay right now.",
        "Hey. Honestly, I'm not doing great.",
        "Hi. I don't really know why I'm here, I just... I'm not okay.",
        "Hello. Things aren't good with me at the moment.",
        "Hi, sorry. I'm having a really rough time and didn't know who else to talk to.",
        "Hey... I've been better. A lot better.",
        "Hi. I just needed to get this off my chest, I guess. I'm not in a good place.",
    ],
    # --- disclosures of the problem
    "reveal_job_crisis": [
        "I lost my job last month and I have no idea what comes next.",
        "It's work. They're cutting my position and I'll probably be let go.",
        "My boss told me last week that I might be fired.",
        "I got laid off. Just like that, after six years at the company.",
    ],
    "reveal_breakup_with_partner": [
        "My partner and I broke up a few weeks ago.",
        "My girlfriend ended things with me. Out of nowhere.",
        "It's my relationship. Well, my ex now. We split up.",
        "My boyfriend left. We'd been together four years.",
    ],
    "reveal_problems_with_friends": [
        "It's my friends. They've kind of shut me out.",
        "I had a big falling-out with my best friend and now the whole friend group takes her side.",
        "My friends have been making plans without me and I only find out afterwards.",
        "Things with my friends fell apart and I'm not even sure why.",
    ],
    "reveal_academic_pressure": [
        "It's school. I'm failing one of my classes and exams start next week.",
        "My grades have been slipping all semester and my parents expect so much.",
        "I have finals coming up and I'm so far behind on my thesis.",
        "College is crushing me. Assignments keep piling up and I can't keep up.",
    ],
    "reveal_ongoing_depression": [
        "It's not one thing. I've just felt like this for months now and I can't shake it.",
        "Honestly it's been going on for a long time. Every single day feels the same.",
        "It's not new. I've been struggling like this for years, on and off.",
        "Nothing happened, really. It's just been like this for months.",
    ],
    # --- disclosures of the feeling
    "reveal_anxiety": [
        "I just feel anxious all the time, like my chest is tight.",
        "I'm so worried, I can't stop my mind from racing.",
        "I'm constantly on edge. I can't relax at all.",
        "I feel nervous every minute of the day.",
    ],
    "reveal_depression": [
        "Mostly I just feel empty. Like nothing matters.",
        "I feel numb. Hopeless, kind of.",
        "I don't feel anything really, just empty and drained.",
        "I feel hopeless. Like there's no point in trying.",
    ],
    "reveal_sadness": [
        "I'm just so sad. I cry about it almost every night.",
        "I feel really sad, like something's been ripped out of me.",
        "I'm heartbroken, honestly.",
        "I keep crying. I'm just really sad.",
    ],
    "reveal_anger": [
        "Honestly? I'm angry. Really angry.",
        "I'm furious about how it all happened.",
        "I'm so frustrated I could scream.",
        "I'm mad. At them, at everything.",
    ],
    "reveal_fear": [
        "I'm scared. Really scared of what happens next.",
        "I'm afraid everything is going to fall apart.",
        "Mostly I'm just terrified.",
        "I feel frightened all the time, like something bad is coming.",
    ],
    "reveal_shame": [
        "I feel so ashamed. I can't even tell my family.",
        "I'm embarrassed. I feel like such a failure.",
        "Honestly I feel humiliated.",
        "I just feel ashamed of myself, all the time.",
    ],
    "reveal_disgust": [
        "Honestly I'm disgusted. With them, with all of it.",
        "It makes me sick to my stomach, I'm so disgusted.",
        "I feel revolted when I think about how it went.",
        "I'm just disgusted by the whole thing.",
    ],
    "reveal_more_emotion": [
        "And there's something else too.",
        "It's not just one feeling, though.",
        "But it's more than that.",
    ],
    # --- what helps (only when asked, after the problem and the feeling are out)
    "reveal_talk_to_someone": [
        "When I get like this, talking it through with someone usually helps more than anything.",
        "I think I just need someone to talk to. I've felt so alone with it.",
        "What helps me most is talking things through with someone I trust.",
    ],
    "reveal_practical_plan": [
        "I think what I need is some kind of plan. Something concrete.",
        "I feel better when I know what to do next.",
        "Honestly, I need a plan. Next steps, anything.",
    ],
    "reveal_self_care": [
        "I haven't been taking care of myself at all. Barely sleeping, barely eating.",
        "I'm so run down. I think I need to look after myself better.",
        "I've been neglecting myself. Not sleeping, not eating right.",
    ],
    # --- not opening up (yet)
    "deflect_guarded": [
        "I don't know... it's hard to talk about.",
        "I'm not sure I want to get into it yet.",
        "Sorry, I don't really know you. It's hard to talk about.",
        "I'm not ready to say, I think.",
    ],
    "deflect_slow": [
        "It's... complicated.",
        "Where do I even start.",
        "It's hard to explain.",
        "It's a long story, honestly.",
    ],
    "nothing_new": [
        "I think I've told you pretty much everything.",
        "I already said, that's everything really.",
        "I've told you what's going on.",
    ],
    # --- reflections and paraphrases
    "reflect_right": [
        "Yes. Exactly. That's how it feels.",
        "Yeah... that's it. Thank you for getting it.",
        "Exactly. Nobody has said it like that before.",
        "Yes, that's really how I feel.",
    ],
    "reflect_repeat": ["Yeah.", "Mm, yeah. Like I said.", "Right."],
    "reflect_guess": [
        "Maybe... I don't know.",
        "I guess? I don't really know what I feel.",
        "Could be. I haven't really thought about it.",
    ],
    "reflect_wrong": [
        "Hmm, no. That's not really it.",
        "That's not what I feel, no.",
        "No... I wouldn't say that.",
        "I don't think that's it at all.",
    ],
    "reflect_generic": [
        "Yeah... it is hard.",
        "It really is.",
        "Yeah. It's heavy.",
    ],
    "restate_right": [
        "Yes, that's what happened.",
        "Right, exactly.",
        "Yeah, that's it.",
        "Yes. You get it.",
    ],
    "restate_guess": ["Sort of, I guess.", "Hmm, maybe something like that.", "Kind of."],
    "restate_wrong": [
        "No, that's not what happened.",
        "No... that's not it at all.",
        "That's not it. Were you even listening?",
    ],
    "restate_generic": ["Yeah, pretty much.", "I suppose so.", "Something like that."],
    # --- reassurance, self-disclosure, information, small talk
    "affirm_ok": [
        "Thanks. That means something.",
        "Thank you. I needed to hear that.",
        "Okay... thanks.",
        "That's kind of you to say.",
    ],
    "affirm_hollow": [
        "You keep saying that.",
        "Easy for you to say.",
        "Okay, but words only go so far.",
    ],
    "disclose_ok": [
        "Really? I didn't know other people go through it too.",
        "Oh. It helps a bit to hear that.",
        "Huh. So I'm not the only one.",
    ],
    "disclose_early": [
        "Okay... but this isn't really about you.",
        "Right. Well, it's different for me.",
    ],
    "disclose_bad": [
        "Can we talk about me, please?",
        "I'm not sure why you keep telling me about yourself.",
    ],
    "info_ok": [
        "I didn't know that. It helps a little.",
        "Huh. That's actually good to know.",
        "Okay. That makes it feel a bit less weird.",
    ],
    "info_early": [
        "Facts don't really help right now.",
        "Okay... but facts aren't what I need right now.",
    ],
    "info_repeat": ["I know, you said.", "Right, okay."],
    "others_ok": ["Hi.", "Hey. Thanks.", "Hi... thanks for talking to me.", "Okay."],
    "others_repeat": ["Um, okay.", "Sure.", "Okay..."],
    # --- suggestions
    "sugg_premature": [
        "You don't even know what's going on with me.",
        "I don't need advice right now. I just need someone to listen.",
        "You don't get it. It's not that simple.",
        "Please, I'm not ready for advice. You barely know what happened.",
    ],
    "sugg_right": [
        "That actually sounds like it could help.",
        "Yeah... I think I could do that.",
        "You know, that might really help. Thank you.",
        "I like that. I think I'll try it.",
    ],
    "sugg_right_again": [
        "Yeah, I'll do that.",
        "Okay. I can see myself doing that.",
        "That helps to hear too.",
    ],
    "sugg_wrong": [
        "I'm not sure that's for me.",
        "I don't think that would work for me.",
        "Hmm. That's not really what I need.",
    ],
    "sugg_generic": [
        "Maybe. I'll think about it.",
        "I guess I could try something.",
        "Okay... maybe.",
    ],
    "off_task": [
        "Sorry, what? I don't see how that's related.",
        "Um... I don't follow.",
        "What? I'm trying to talk about something serious here.",
        "I don't understand what you mean.",
    ],
    "overwhelmed": ["That's a lot at once.", "Hold on, that's too much at once."],
    # --- endings
    "leave_better": [
        "Thank you, really. I feel a lot lighter. I think I'll be okay.",
        "This helped more than I expected. Thank you. I'm going to try what we talked about.",
        "I feel so much better now. Thanks for listening.",
    ],
    "leave_upset": [
        "I don't think this is helping. I'm going to go.",
        "Forget it. I'll figure it out myself.",
        "I think I'm done talking for now.",
    ],
}

# --------------------------------------------------------------------------- agent phrases
_EMOTION_ADJ: dict[str, list[str]] = {
    "anxiety": ["anxious", "worried", "on edge"],
    "depression": ["empty", "hopeless", "numb"],
    "sadness": ["sad", "heartbroken", "deeply sad"],
    "anger": ["angry", "frustrated", "furious"],
    "fear": ["scared", "afraid", "frightened"],
    "shame": ["ashamed", "embarrassed", "humiliated"],
    "disgust": ["disgusted", "sickened", "revolted"],
}
_PROBLEM_PHRASE: dict[str, list[str]] = {
    "job_crisis": [
        "things at work have fallen apart and your job is on the line",
        "losing your job has turned everything upside down",
        "your job situation is in crisis right now",
    ],
    "breakup_with_partner": [
        "the breakup with your partner has hit you hard",
        "your relationship ended and you are trying to make sense of it",
        "you and your partner split up recently",
    ],
    "problems_with_friends": [
        "things with your friends have become really difficult",
        "your friends have pulled away from you",
        "there's been a rift in your friend group",
    ],
    "academic_pressure": [
        "school and your exams are putting a huge amount of pressure on you",
        "your classes and grades have become overwhelming to keep up with",
        "the pressure of your studies keeps piling up",
    ],
    "ongoing_depression": [
        "you've been struggling like this for months now, not just recently",
        "this has been going on for a long time and it won't lift",
        "you've been carrying this for such a long time",
    ],
}

AGENT_PHRASES: dict[str, list[str]] = {
    "question": [
        "Can you tell me a bit more about what's been going on?",
        "What happened, if you don't mind me asking?",
        "How have you been feeling about all of it?",
        "What's been the heaviest thing for you lately?",
        "Would you like to share a little more about it?",
        "What do you think usually helps you when things get like this?",
        "I'm wondering what's been the hardest part for you?",
        "How long has it been like this?",
    ],
    "restatement_or_paraphrasing": [
        "So if I understand you correctly, a lot has been piling up on you.",
        "What I'm hearing is that things have been really rough lately.",
        "So you're saying it's all been building up.",
        "In other words, it's been a hard stretch and it hasn't let up.",
    ],
    "restatement_or_paraphrasing:arg": [
        "So if I understand you correctly, {p}.",
        "What I'm hearing is that {p}.",
        "So you're saying {p}.",
        "Let me make sure I understand: {p}.",
    ],
    "reflection_of_feelings": [
        "That sounds really hard to carry.",
        "I can hear how much this is weighing on you.",
        "That must be so difficult.",
        "It sounds like this has been really painful.",
    ],
    "reflection_of_feelings:arg": [
        "It sounds like you're feeling really {e}.",
        "I can hear how {e} you are.",
        "It makes sense that you'd feel {e}.",
        "You must be feeling so {e} right now.",
    ],
    "self_disclosure": [
        "I went through something similar once, and I remember how hard it was.",
        "When I was in a tough spot a few years ago, I felt a lot of the same things.",
        "Honestly, I have been there too, and it took me a while to find my feet.",
    ],
    "affirmation_and_reassurance": [
        "You're not alone in this.",
        "It takes courage to reach out, and I'm glad you did.",
        "You're stronger than you think, and you will get through this.",
        "It's okay to feel the way you do. You're doing your best.",
        "None of this means something is wrong with you. I'm here for you.",
    ],
    "providing_suggestions": [
        "Maybe you could try one small thing today that usually makes you feel a bit better.",
        "It might help to do something that has helped you before.",
        "You could also consider trying something different this week, even something small.",
    ],
    "providing_suggestions:talk_to_someone": [
        "Maybe you could reach out to a friend or someone you trust and talk it through.",
        "It might help to talk to someone close to you, or a counselor, about how you're doing.",
        "You might want to open up to family or a friend about this.",
    ],
    "providing_suggestions:practical_plan": [
        "It might help to make a simple plan: write down the next few steps and take them one at a time.",
        "Maybe you could break it down into small steps and make a plan for this week.",
        "You could write a list of what needs doing and set one small goal for tomorrow.",
    ],
    "providing_suggestions:self_care": [
        "Maybe you could be gentle with yourself: get some sleep, eat properly, go for a walk.",
        "It might help to take care of yourself first: rest, fresh air, regular meals.",
        "You could give yourself some rest, maybe a walk outside or a bath before bed.",
    ],
    "information": [
        "A lot of people go through this, and research shows these feelings usually ease with time and support.",
        "It's actually very common to feel this way after something like this.",
        "Most people who go through something like this feel much better within a few months.",
        "Reactions like yours are a normal response to a hard time; experts see it all the time.",
    ],
    "others": [
        "Hi there, thanks for reaching out.",
        "Hello, I'm glad you're here.",
        "Thank you for sharing that with me.",
        "Hi! Good to talk with you.",
    ],
}


def _repertoire() -> list[str]:
    acts: list[str] = []
    for s in STRATEGIES:
        acts.append(s)
        if s == "reflection_of_feelings":
            acts += [f"{s}:{e}" for e in EMOTIONS]
        elif s == "restatement_or_paraphrasing":
            acts += [f"{s}:{p}" for p in PROBLEMS]
        elif s == "providing_suggestions":
            acts += [f"{s}:{t}" for t in SUGGESTION_TYPES]
    return acts


ACT_REPERTOIRE: list[str] = _repertoire()


def _pick(options: list[str], rng: np.random.Generator) -> str:
    return options[int(rng.integers(len(options)))]


def agent_utterance(act: str, rng: np.random.Generator) -> str:
    """A natural phrasing of ``act`` (a strategy or ``"strategy:argument"``), drawn with ``rng``."""
    strategy, _, arg = act.partition(":")
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown act {act!r}; expected one of {ACT_REPERTOIRE}")
    if not arg:
        return _pick(AGENT_PHRASES[strategy], rng)
    if strategy == "reflection_of_feelings" and arg in _EMOTION_ADJ:
        return _pick(AGENT_PHRASES[f"{strategy}:arg"], rng).format(e=_pick(_EMOTION_ADJ[arg], rng))
    if strategy == "restatement_or_paraphrasing" and arg in _PROBLEM_PHRASE:
        return _pick(AGENT_PHRASES[f"{strategy}:arg"], rng).format(p=_pick(_PROBLEM_PHRASE[arg], rng))
    if strategy == "providing_suggestions" and arg in SUGGESTION_TYPES:
        return _pick(AGENT_PHRASES[act], rng)
    raise ValueError(f"unknown act {act!r}; expected one of {ACT_REPERTOIRE}")
