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
  behind :func:`agent_utterance`): prose, so they live in ``replies.toml`` and ``phrases.toml``
  next to this file, read once at import.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from dialgym.core.task import read_data_file
from dialgym.simulators import scripted as _engine
from dialgym.simulators.intent_model import IntentModel
from dialgym.simulators.scripted import (
    OFF_TASK,
    Evidence,
    IntentRecognizer,
    SentenceReading,
    looks_like_gibberish,
    normalize_for_matching,
)

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


#: chat spellings people type in a hurry ("u", "ur", "youre", "thx"), spelled out before matching so the
#: lexicons need not list every variant
_CHAT = [
    (
        re.compile(
            r"\bur\b(?= (?:so|really|very|probably|not|doing|going|being|feeling|a|an|the|right|welcome|"
            r"stronger|better|worth|allowed|strong|brave|not|gonna|\w+ing|\w+ed)\b)"
        ),
        "you are",
    ),
    (re.compile(r"\bur\b"), "your"),
    (re.compile(r"\b(?:youre|your're|yoire)\b"), "you are"),
    (re.compile(r"\bu\b"), "you"),
    (re.compile(r"\br\b"), "are"),
    (re.compile(r"\b(?:thx|thnx|thanx|ty)\b"), "thanks"),
    (re.compile(r"\b(?:pls|plz)\b"), "please"),
    (re.compile(r"\brn\b"), "right now"),
    (re.compile(r"\b(?:bc|cuz|coz)\b"), "because"),
    (re.compile(r"\bidk\b"), "i do not know"),
    (re.compile(r"\bim\b"), "i am"),
    (re.compile(r"\bive\b"), "i have"),
    (re.compile(r"\b(do|did|does|is|was|are|were|could|would|should|have|has|had)nt\b"), r"\1 not"),
    (re.compile(r"\bcant\b"), "can not"),
    (re.compile(r"\bwont\b"), "will not"),
    (re.compile(r"\b(?:thats|thts)\b"), "that is"),
    (re.compile(r"\bwat\b"), "what"),
    (re.compile(r"\bw\b(?= \w)"), "with"),
    (re.compile(r"\bgf\b"), "girlfriend"),
    (re.compile(r"\bbf\b"), "boyfriend"),
]
_CHATTY = re.compile(
    r"\b(?:ur|youre|your're|yoire|u|r|thx|thnx|thanx|ty|pls|plz|rn|bc|cuz|coz|idk|im|ive|"
    r"\w+nt|cant|wont|thats|thts|wat|w|gf|bf)\b"
)


def _spell_out(norm: str) -> str:
    if not _CHATTY.search(norm):
        return norm
    for pattern, repl in _CHAT:
        norm = pattern.sub(repl, norm)
    return norm


@lru_cache(maxsize=1024)
def normalize(text: str) -> str:
    """:func:`normalize_for_matching`, cached, with a fast path for ASCII text.

    The recogniser, the seeker's content check and the reference agents all read the same
    utterance; the cache makes that one normalisation per utterance. For ASCII input the
    Unicode folding steps are identities and are skipped (same result, tested).
    """
    if not text.isascii():
        return _spell_out(normalize_for_matching(text))
    t = text.lower()
    for pattern, repl in _engine._CONTRACTIONS:
        t = pattern.sub(repl, t)
    t = _engine._NON_WORD.sub(" ", t)
    return _spell_out(_engine._WS.sub(" ", t).strip())


# --------------------------------------------------------------------------- strategy lexicon
# Written by hand from error analysis: how supporters actually phrase each strategy (several sentences
# per turn, casual and formal registers, questions without a question mark, advice phrased as a
# question). Every pattern needs the words around its cue (a subject, a verb frame): a lone keyword
# such as "feel" or "try" is not a strategy.
_EMO_ADJ = (
    r"anxious|worried|nervous|stressed(?: out)?|overwhelmed|on edge|panicky|uneasy|tense|depressed|empty|numb|"
    r"hopeless|helpless|worthless|drained|sad|heartbroken|hurt|hurting|down|low|lonely|isolated|upset|unhappy|"
    r"miserable|angry|mad|furious|frustrated|irritated|resentful|annoyed|bitter|scared|afraid|frightened|"
    r"terrified|ashamed|embarrassed|humiliated|guilty|disgusted|sickened|revolted|repulsed|lost|alone|"
    r"exhausted|awful|terrible|betrayed|ignored|rejected|abandoned|unappreciated|unloved|unwanted|"
    r"disappointed|discouraged|defeated|crushed|devastated|confused|torn|stuck|trapped|insecure|jealous|"
    r"uncomfortable|unsure|uncertain|concerned|bad|horrible|tired|worn out|burn(?:ed|t) out|fed up|"
    r"heartbroke|left out|taken advantage of|hurtful|sick of it|at a loss|on your own|let down|disrespected|"
    r"unheard|unseen|invisible|overlooked|pressured|cornered|blindsided|shaken|"
    # more feeling words people name: "you must be feeling very distressed", "you sound a bit disheartened"
    r"distressed|distraught|disheartened|demoralized|demotivated|unmotivated|powerless|vulnerable|shattered|gutted|"
    r"bummed(?: out)?|lethargic|restless|bored|apprehensive|conflicted|regretful|grieving|panicked|frazzled|"
    r"burdened|unsupported|misunderstood|judged|inadequate|useless|neglected|taken for granted|unfulfilled|"
    r"homesick|disconnected|overworked|underappreciated|undervalued|unimportant|out of place|on your own|"
    r"out of control|hurt and \w+|anxious and \w+"
)

_HARD_ADJ = (
    r"hard|painful|heavy|difficult|tough|rough|exhausting|lonely|isolating|overwhelming|scary|upsetting|"
    r"frustrating|awful|draining|crushing|stressful|heartbreaking|devastating|confusing|discouraging|"
    r"distressing|frightening|hurtful|unfair|terrible|horrible|sad|depressing|a lot to (?:carry|deal with|"
    r"handle|take in|go through)|a lot|so much|too much|challenging|a challenge|a struggle|frightening|"
    r"nerve.?wracking|infuriating|annoying|disappointing|tiring|a nightmare|no fun|not easy|not fun|"
    r"the worst|heartbreak|rough going|a tough spot|a hard time|tricky|complicated|worrying|concerning|"
    r"unsettling|traumati[sz]ing|traumatic|awkward|hard on you|hard for you|intimidating|daunting"
)
#: adjectives that describe how something *feels* to the person (a reflection when said of their situation),
#: as opposed to the situational "hard", "tough", "a lot" (validation: reassurance)
_FEELING_ADJ = (
    r"painful|heartbreaking|lonely|isolating|scary|frightening|terrifying|hurtful|devastating|crushing|upsetting|"
    r"frustrating|depressing|infuriating|disappointing|humiliating|embarrassing|nerve.?wracking|worrying|"
    r"unsettling|sad|heartbreak|maddening|demoralizing|discouraging|distressing|traumati[sz]ing|traumatic"
)
_ADV = (
    r"(?:(?:so|really|very|incredibly|pretty|quite|truly|deeply|extremely|completely|totally|such|total|"
    r"perfect|complete|super|a bit|kind of|a little|a really|a very|an|a|absolutely|definitely|understandably|"
    r"just|especially|particularly|terribly|awfully|rather|emotionally|mentally|physically) )*"
)
#: the opening words people put before a move ("Well, ...", "Oh, I see, so ...")
_LEAD = r"(?:(?:so|and|but|well|okay|ok|oh|ah|also|hmm+|yeah|yes|right|then|now|i see|i understand|alright),? )*"

STRATEGY_LEXICON: dict[str, list[str]] = {
    "question": [
        r"\b(?:what|how|why|when|where|who|which|whom|whose)\b[^?.!]*\?",
        r"\b(?:could|can|would|will|do|did|have|has|are|were|is|was|does|had|should|may|might)\s+(?:you|it|that|"
        r"this|there|they|he|she|anything|anyone|anybody|someone|somebody|your|things|any)\b[^?.!]*\?",
        # questions typed without a question mark, at the start of a sentence
        r"^" + _LEAD + r"(?:what|why|when|where|who|which|how)\s+(?:is|are|was|were|do|does|did|have|has|had|can|"
        r"could|would|will|should|kind|sort|made|makes|happened|else|long|often|much|many|exactly|type|part|"
        r"things|brings|led|caused|do you)\b",
        r"^" + _LEAD + r"(?:do|does|did|are|were|have|has|had|can|could|would|will|is|was)\s+(?:you|your|they|he|"
        r"she|there|anyone|anything|someone|things)\b(?!\s+(?:know what i mean|see what i mean)\b)",
        r"\btell me (?:more|a bit|a little|about|what|how|why|if|whether|a|something|anything)\b",
        r"\b(?:i am|i was|i|just) (?:wondering|curious)\b",
        r"\bwould you (?:like|mind|be willing|care) to (?:share|tell|talk|say|explain|describe|open)",
        r"\b(?:can|could|would) you (?:say|tell|share|describe|explain|walk me|elaborate|give me|expand)",
        r"\bif you (?:do not mind|are comfortable|feel comfortable|are okay with|want to share|would like to share)\b",
        r"\bwhat (?:is|has been) (?:going on|on your mind|happening|bothering you|weighing)",
        r"\bhelp me understand\b",
        r"\b(?:share|talk) (?:more|a bit|a little) (?:about|with me|more)\b",
        r"\bi would (?:like|love) to (?:hear|know|understand) (?:more|about|what|how|why)\b",
        r"\bmay i ask\b",
        r"\bwhat about (?:you|your|the|them|him|her|it)\b[^?.!]*\?",
        # asking without a question mark: "any idea how long ...", "question for you", "let me ask"
        r"\b(?:any idea|do you have any idea) (?:how|what|why|when|where|who|if|whether)\b",
        r"^(?:(?:hi|hello|hey|hiya)(?: there)?,? )+how are you\b",
        r"\b(?:question for you|let me ask(?: you)?|can i ask(?: you)?|i (?:want|wanted|would like) to ask)\b",
        r"^" + _LEAD + r"(?:how|what) (?:\w+ ){1,2}(?:is|are|was|were|do|does|did|have|has|can|could|would|will|should)"
        r" (?:you|your|the|it|this|that|they|he|she|things)\b",
        r"^" + _LEAD + r"(?:is|was|are|were|has|have|did|does|do) (?:the|this|that|it|his|her|their|any) \w+",
        # anything else typed as a question
        r"\?$",
    ],
    "restatement_or_paraphrasing": [
        r"\bso (?:you are saying|what you are saying|what i am hearing|basically|if i)\b",
        r"\bif i (?:understand|understood|heard|hear|follow|get|got|am understanding|am hearing|read) (?:you|this|"
        r"that|it|correctly|right)\b",
        r"\bwhat i am (?:hearing|understanding|getting|gathering)\b",
        r"\bwhat you are (?:carrying|dealing with|facing|going through|describing|up against|living with) "
        r"(?:right now |now |at the moment )?(?:is|are|sounds like)\b",
        r"\b(?:in other words|to paraphrase|put another way)\b",
        # ("have you told him?", "why have not you said anything?" ask whether they did)
        # ("i understand what you are saying", "after everything you told me" point at what was said, not say it back)
        r"(?<!have )(?<!had )(?<!did )(?<!not )(?<!\bwhat )(?<!\beverything )(?<!\ball )"
        r"\byou (?:mentioned|said|told me|were saying|are saying|have said|"
        r"explained|described|stated|noted)\b",
        r"\blet me (?:make sure|see if|check (?:that|if|i|whether)|repeat|recap|get this straight)\b",
        r"\b(?:have|got|get) (?:this|that|it) (?:right|straight)\b",
        r"\bjust (?:so|to make sure|to be clear|to check) (?:i|that i|we)\b",
        r"\b(?:i take it|i gather|from what i (?:can tell|understand|gather|hear|read|see)|"
        r"from what you (?:are saying|said|have said|described|have described|told me|have told me|wrote|"
        r"have written|shared|have shared))\b",
        r"\bso (?:you|your|the|things|this|it|he|she|they|there|now|basically|at|after|even|since|both|all|"
        r"even though|when)\b[^.!?]{0,80}?\b(?:has|have|had|is|are|was|were|ended|broke|lost|left|got|feel|"
        r"felt|think|want|do not|did not|can not|cannot|would|will|need|keep|kept|became|went|started|moved|quit|"
        r"found|told|said|stopped|decided|tried|made|took|heard|saw|spent|missed|failed|gave)\b",
        r"\bto (?:sum|summari[sz]e|recap)\b",
        # "so you could not go at all": what the person could not do, said back
        r"^" + _LEAD + r"so,? you (?:could|would|can|will|should|might) not\b",
        r"\b(?:am i|do i have (?:that|this|it)) (?:right|correct|understanding|getting)\b",
        r"\b(?:is|was) that (?:right|correct|accurate|true|fair|what you mean|what happened|the case|it)\b[^?.!]*\?",
        r"\b(?:does|did) (?:that|this|it) (?:sound|seem) (?:right|accurate|correct|fair|about right)\b",
        r"\bdid i (?:get|understand|hear) (?:that|this|it|you) (?:right|correctly)\b",
        r"\bcorrect me if\b",
        r"\b(?:i hear you (?:saying|say)|are you saying|you are telling me|what you are telling me)\b",
        r"\b(?:to be sure|to make sure|to ensure|to check|to see if) (?:that )?i (?:understand|understood|heard|"
        r"have|got|get|am following)\b|\b(?:understand|understood|heard|hear|follow|following|read) you "
        r"(?:correctly|right)\b",
        r"^" + _LEAD + r"(?:so|and so),? (?:sometimes|basically|really|now|then|at the moment|right now|lately|"
        r"essentially|overall|ultimately|in short|mainly|mostly),? (?:you|your)\b",
        r"^" + _LEAD + r"so,? (?:\w+ ){1,2}(?:has|have) (?:been|had|made|left|put|kept|taken|caused|gotten)\b[^?]*\?$",
        r"\b(?:is|was) that (?:a )?(?:fair|correct|accurate|right|good) (?:understanding|summary|assessment|reading|"
        r"way to put it)\b",
        r"\b(?:does|did) that seem (?:like )?(?:a )?(?:reasonable|fair|right|accurate) (?:conclusion|summary|guess)?",
        r"^" + _LEAD + r"i (?:hear|gather) (?:that )?you (?:are|have|were|had|feel|want|do not|did not|can not)\b",
        r"^" + _LEAD + r"(?:you|your)\b(?!\s+(?:want|wanna|need|think|ever|like|mind|know|have any|can|could|"
        r"would|should|are welcome)\b)[^?]*\?$",
        r"\b(?:what|which) (?:you are|you have been) (?:going through|dealing with|describing)\b",
        # sympathy that says back what happened: "sorry to hear your landlord has raised the rent again"
        r"\bsorry (?:to hear|to learn|that|to hear that) (?!(?:that|this|it|about|but|and|so)\b)(?:\w+ ){1,3}?"
        r"(?:is|are|was|were|has|have|had|got|lost|broke|ended|left|can not|could not|do not|did not|does not|will not|"
        r"keeps?|kept)\b",
    ],
    # "it sounds like / it seems" + a situation: a paraphrase, unless the sentence names a feeling (then a reflection)
    "_restate_frame": [
        # "it sounds like 2020 has been rough for you": the frame is about the situation whatever its subject
        r"\b(?:it |that )?(?:sounds|seems) (?:to me )?like (?:\w+ ){1,2}(?:has|have|is|are|was|were|had) (?:been|got|"
        r"gotten|become|made|left|put|caused|given|taken)\b",
        r"\b(?:it |that |this )?(?:sounds|seems|looks) (?:to me )?(?:like|as if|as though|that) (?:you|your|the|they|"
        r"he|she|things|this|it|there|both|someone|people|everyone|a|an|his|her|their|my)\b",
        r"\b(?:it |that )?(?:sounds|seems) (?:to me )?(?:like )?(?:you|your)\b",
        r"\bi (?:see|understand|hear|gather|get) (?:that )?(?:your|you (?:are|were|have|had|got|lost|feel|want|did|"
        r"do not|did not|can not))\b",
    ],
    "reflection_of_feelings": [
        r"\b(?:it |that |this )?(?:sounds|seems|must feel|must be|looks|feels) (?:like you are |like you have been |"
        r"like you |like )?" + _ADV + r"(?:feeling\s+)?" + _ADV + r"(?:" + _EMO_ADJ + r")\b",
        r"\byou (?:are|seem|sound|look|must be|must feel|must have (?:been|felt)|feel|felt|might be|might feel|"
        r"may be|may feel|have been|are probably|probably feel|would feel|would be|could be|could feel|"
        r"are understandably|are obviously|are clearly)\s+(?:feeling\s+)?" + _ADV + r"(?:" + _EMO_ADJ + r")\b",
        # "i can relate to that" speaks of the supporter's own experience (self-disclosure), not the seeker's feeling
        r"\bi can (?:only |\w+ly |totally |really )?(?:hear|sense|see|tell|imagine|feel|understand) "
        r"(?:how|that|the|your|why|what|this|it|you)\b",
        r"\bi can (?:only )?imagine\b|\bi (?:can not|could not) (?:even |begin to |possibly )*imagine\b",
        r"\bi (?:can )?(?:totally |completely |really |definitely |absolutely |fully )?(?:understand|get|see|hear|"
        r"feel|sense) (?:how|why|that feeling|the feeling|what you (?:mean|are going|feel|are feeling))\b",
        r"\bit makes (?:total |complete |perfect )?sense (?:that )?(?:you|to) (?:would |are |might )?(?:feel|be)",
        r"\b(?:that|this|it|which) (?:must|would|can|could|might|will) (?:really |definitely |certainly )?"
        r"(?:feel|have felt|make you feel) " + _ADV + r"(?:" + _HARD_ADJ + r"|" + _EMO_ADJ + r")\b",
        r"\b(?:that|this|it|which) (?:must|would|can|could|might|will|has got to|has to) (?:really )?(?:hurt|sting)\b",
        r"\b(?:makes?|made|making|leaves?|left) you (?:feel )?" + _ADV + r"(?:" + _EMO_ADJ + r")\b",
        r"\b(?:that|this|it|which|what you are going through|being \w+) (?:really |certainly |definitely "
        r"|truly |just )?(?:is|has been|was|must be|must have been|sounds|seems|could be|might be|"
        r"would be|can be|must feel|feels) " + _ADV + r"(?:" + _FEELING_ADJ + r")\b",
        # ("if you feel that he could help, ...": a condition, not the person's feeling said back)
        r"(?<!\bif )(?<!\bwhen )\byou (?:feel|felt|are feeling|have been feeling|must feel) " + _ADV
        + r"(?:like|that|as if|as though)\b",
        r"\b(?:is|was|has been|must be|could be|might be|would be|must have been|sounds|seems) "
        + _ADV
        + r"(?:"
        + _HARD_ADJ
        + r") (?:on|for|to) you\b",
        r"^i can (?:totally |really |completely )?(?:understand|relate)(?: that| this| it)?[.!]?$",
        # ("it is natural to feel stressed", "no reason to feel ashamed": a feeling called normal or needless is
        # reassurance, not a reflection of what the person feels)
        r"(?<!\bnatural )(?<!\bnormal )(?<!\bokay )(?<!\bok )(?<!\balright )(?<!\bfine )(?<!\breason )(?<!\bneed )"
        r"(?<!\bunderstandable )(?<!\bcommon )(?<!\bvalid )(?<!\bhuman )(?<!\breasonable )(?<!\busual )"
        r"\b(?:to|would|could|you) (?:feel|be feeling|get) " + _ADV + r"(?:" + _EMO_ADJ + r")\b",
        r"\bi (?:can )?hear (?:you|that|how|what|the)\b",
        # naming the feeling as something understandable: "I can understand being discouraged"
        r"\bi (?:can |could )?(?:totally |completely |really |definitely |fully )?(?:understand|imagine|see|relate to) "
        r"(?:you )?(?:being|feeling|getting|that feeling of) " + _ADV + r"(?:" + _EMO_ADJ + r")\b",
        r"\b(?:carrying|holding|feeling|going through|dealing with) (?:a lot of|so much|all this|all that|this|that|"
        r"some|a lot|such) (?:" + _EMO_ADJ + r"|guilt|shame|pain|anger|sadness|fear|worry|grief|stress|pressure|"
        r"emotion|hurt|loss|frustration|uncertainty)\b",
        r"\b(?:you have|you are|you have been|you are) (?:carrying|holding|dealing with|going through|handling|"
        r"juggling|under) (?:a lot|so much|too much|a great deal|all of this|a ton|plenty|a lot of)\b",
        r"\b(?:sounds|seems) like (?:a lot|so much|too much)\b",
        r"\byour (?:feelings?|frustration|pain|sadness|anger|fear|worry|worries|concerns?|anxiety|stress|hurt|"
        r"grief|disappointment|loneliness) (?:of|are|is|about|over)\b",
        r"\bi (?:understand|hear|feel|sense|see|get) your (?:frustration|pain|sadness|anger|fear|worry|worries|"
        r"concerns?|anxiety|stress|hurt|grief|disappointment|loneliness|feelings?)\b",
        r"\b(?:so much|a lot of|such) (?:pain|hurt|anger|sadness|fear|shame|worry|anxiety|guilt|stress|grief)\b",
        r"\bweighing (?:on|heavily on) you\b",
        r"\bi (?:sense|hear|notice|can feel|can hear|can sense|pick up on) (?:a lot of|so much|some|real|a great "
        r"deal of|a bit of) (?:frustration|pain|sadness|anger|fear|worry|anxiety|hurt|grief|disappointment|"
        r"loneliness|guilt|shame|stress|hopelessness|resentment)\b",
        r"\bhow much (?:this|that|it) (?:hurts|is hurting|is weighing|affects|has affected|means)\b",
        r"\bi (?:totally |completely |really |fully |definitely |do )?(?:get|understand) (?:that|it|why|how) "
        r"(?:it is|is|must|can|would|could|might)\b",
        r"\bi would (?:feel|be) (?:the same|that way|" + _ADV + r"(?:" + _EMO_ADJ + r"))\b",
        r"\b(?:anyone|anybody|everyone|most people) (?:would|could) (?:feel|be)\b",
        r"\bthe feeling of (?:being )?\w+",
        r"^(?:ouch|oh no|oh man|ugh|yikes|oof|aw+|oh dear|oh my|wow)\b[^.!?]*\b(?:"
        + _HARD_ADJ
        + r"|"
        + _EMO_ADJ
        + r"|sorry)\b",
        r"\b(?:that|this|it) (?:has|must have|probably|really) (?:taken|takes|took) (?:a|its) toll\b",
        r"\bno wonder you\b",
        # whatever the feeling is called ("it sounds like you are feeling some lethargy"), naming it is the reflection
        r"\b(?:sounds|seems) (?:to me )?(?:like|as if|as though) you (?:are|have been|were|might be|may be) "
        r"(?:feeling|experiencing)\b",
        r"\b(?:a lot|so much|too much|plenty|quite a bit) (?:to have |going )?on your (?:plate|mind|shoulders)\b",
        r"\byou (?:do not|did not|never|are not|were not|can not) (?:feel|feeling) (?:heard|listened to|valued|"
        r"appreciated|supported|respected|understood|wanted|loved|seen|safe|good enough|welcome|at home|"
        r"like yourself)\b",
        r"\b(?:has|have|must have|has really|has certainly|can) (?:taken|take|takes|took) (?:a|its|a real|a big|"
        r"a heavy|a huge) toll\b",
        r"^" + _LEAD + r"i (?:really |truly )?feel (?:so |very |really )?(?:bad|sorry|terrible|awful|sad) "
        r"(?:for|about) (?:you|that|this|what|how|your)\b",
        r"\bi feel (?:your|for you)\b",
    ],
    "self_disclosure": [
        r"\bi (?:have|had) (?:been|gone) through (?:something|that|this|a similar|the same|similar|it|a lot|a)\b",
        r"\bi (?:went|am going) through\b",
        r"\bwhen i (?:was|had|went|lost|got|felt|started|first|moved|tried|left|broke|quit|lived|worked|did|"
        r"have|feel|am|get|need|want|find|try)\b",
        r"\bi (?:also|too|myself|personally|once|actually|recently) (?:felt|feel|went|had|have|lost|struggled|"
        r"failed|got|was|am|did|do|tried|know|struggle|deal|get|find|found|used|went|live|work|worked|remember|"
        r"experienced|suffered|dealt|lived)\b",
        r"\b(?:me|mine|myself) (?:too|as well)\b",
        r"\b(?:same here|same with me|same for me|so (?:do|did|am|have|was) i)\b",
        r"\bi remember (?:when|feeling|being|how i|that|my|the)\b",
        r"\b(?:happened|has happened|happens) to me\b",
        r"\bi have been (?:there|in (?:a|your|the same|similar))\b",
        r"\bbeen there(?:,| and| myself| too| before| done that)\b",
        r"\bi (?:can )?(?:totally |really |definitely |completely )?relate\b",
        r"\bi know (?:the|that|this) feeling\b",
        # knowing from the inside what it is like speaks of the supporter's own experience
        r"\bi know (?:exactly |just )?(?:how you feel|what (?:that|it|this) (?:is|feels|was) like|what you are going "
        r"through)\b",
        r"\bin my (?:own )?(?:experience|life|case|situation|family|job|house|home|area|city|state|town|country|"
        r"twenties|teens|youth|past|younger days)\b",
        r"\b(?:personally|speaking from experience|for me),? (?:i|my|it|what|the)\b",
        r"\bmy own\b",
        r"\bmy (?:mom|mother|dad|father|husband|wife|son|sons|daughter|daughters|kids|children|child|sister|brother|"
        r"siblings|best friend|family|boss|parents|grandma|grandmother|grandpa|grandfather|partner|"
        r"boyfriend|girlfriend|fiance|ex|cousin|aunt|uncle|neighbor|neighbour|coworkers?|teenagers?|baby|dog|cat|"
        r"company|college|last job|supervisor|manager|oldest|youngest|spouse|family members?|"
        r"roommate|therapist|counsel(?:l)?or|doctor)\b",
        r"\bsomething (?:similar|like this|like that|just like this) (?:happened|to me)\b",
        r"\b(?:a|one|two|three|several|a few|many) (?:years?|months?|weeks?) ago,? i\b",
        r"\b(?:last|this) (?:year|month|week|summer|winter|spring|fall|christmas|time),? i\b",
        r"\bi (?:usually|often|always|sometimes|normally|generally|tend to|like to|love to|personally) (?:go|find|"
        r"try|do|take|write|call|listen|watch|read|play|cook|walk|run|feel|get|have|make|use|spend|talk|pray|"
        r"meditate|exercise|journal|remind|think|say|keep|put)\b",
        r"\b(?:it|that|this|which) (?:helped|helps|has helped|worked|works|has worked|really helped|always helps|"
        r"really helps) (?:for )?(?:me|my|us)\b",
        r"\bwhat (?:helps|helped|works|worked|has helped|has worked) (?:for )?me\b",
        r"\bi (?:find|found|have found|learned|have learned|realized|discovered|noticed|have noticed) (?:that|it|"
        r"myself|out|when|a|the|some|doing|talking|writing|going|taking|spending|staying|keeping|being)\b",
        r"\bi (?:had|have had|have) (?:a|the) (?:similar|same|hard|tough|rough|difficult|friend|boss|job|"
        r"coworker|partner|relationship|situation|experience|problem|issue|time|family)\b",
        r"\bi (?:lost|quit|failed|struggled|suffered|dealt|divorced|moved|grew up|used to|was fired|got fired|"
        r"was laid off|got laid off|was diagnosed|ended|broke up|survived|battled|fought)\b",
        r"\bi (?:am|was) (?:a|an) (?:mom|mother|dad|father|parent|teacher|student|nurse|single|introvert|"
        r"extrovert|college|working|stay at home|grad|graduate|veteran|manager|therapist|counsel(?:l)?or)\b",
        r"\bas an? (?:mom|mother|dad|father|parent|teacher|student|nurse|woman|man|introvert|single parent|"
        r"manager|employee|worker|person who)\b",
        r"\bi (?:have|had) (?:\d+|two|three|four|a few|kids|children|a son|a daughter|teenagers|a dog|a cat|a "
        r"husband|a wife|a partner|a boyfriend|a girlfriend|a job|anxiety|depression)\b",
        r"\bi (?:live|lived|work|worked|grew up|am from|come from|moved) (?:in|with|at|alone|from|for|as|to)\b",
        r"\bi (?:was|felt|got) (?:so |very |really |pretty |quite |also |too )?(?:" + _EMO_ADJ + r")\b",
        r"\bi (?:am|was) (?:also |too |currently |still )?(?:going|dealing|struggling|working|looking|job hunting|"
        r"in the same|in a similar)\b",
        r"\bi myself\b|\b(?:person|one|woman|man|mom|dad|parent|student) myself\b",
        r"\b(?:been|was|have been) in your (?:shoes|position|place|situation)\b",
        r"\bi (?:have|had) (?:often|also|always|sometimes|once|personally|definitely|certainly) (?:felt|been|had|"
        r"struggled|dealt|gone|lost|experienced|found|used|tried)\b",
        r"\bi (?:too|also|as well) (?:can not|could not|can|could|would|used to|struggle|hate|love|find)\b",
        r"\b(?:always |often |sometimes |also |it )?makes? me feel\b",
        # the supporter's own past feelings and lessons, and a statement of their own that ends "... too"
        r"\bi (?:have|had) (?:\w+ )?felt\b|\bi (?:have |had )?learn(?:ed|t)\b",
        r"\bi (?:am|was|have|had|do|did|get|got|feel|felt|love|like|hate|struggle|struggled) [^.?!]{0,50}"
        r"(?<!\byou )(?<!\bme )\b(?:too|as well|myself)[.!]*$",
        r"\b(?:i was|i am|i have been|i had been) (?:also |too |once |recently )?in (?:that|the same|a similar|similar|"
        r"your|those) (?:shoes?|boat|position|situation|spot|place)\b",
    ],
    "affirmation_and_reassurance": [
        r"\byou are (?:not alone|strong|stronger|brave|doing (?:your best|well|great|the best|a great|a good|an "
        r"amazing|everything|all you can|fine|good|the right|what you can|so well|really well)|capable|not a "
        r"failure|worth|enough|resilient|going to be (?:okay|ok|fine|alright|just fine)|handling|a good|a great|"
        r"a strong|a kind|a caring|smart|intelligent|talented|so strong|very strong|clearly|obviously|right|"
        r"absolutely right|totally right|so right|not (?:the only|crazy|weak|overreacting|wrong|selfish|a bad|"
        r"being|to blame|responsible|at fault))\b",
        r"\b(?:it|that) is " + _ADV + r"(?:okay|ok|alright|all right|fine|normal|understandable|natural|valid|human|"
        r"reasonable|fair|admirable|brave) (?:to|that|for|if|you|when|how)\b",
        r"\b(?:that|this|it) is " + _ADV + r"(?:understandable|valid|reasonable|fair enough|admirable|"
        r"commendable|impressive|smart|wise|brave|courageous|healthy|a good thing|a great thing|a great start|"
        r"a good start|a big step|a great step|progress)\b",
        # ("..., if that makes sense." hedges the supporter's own words; it validates nothing)
        r"\b(?:understandably|understandable|that is understandable|(?<!\bif that )(?<!\bif this )(?<!\bif it )"
        r"makes sense)\b[.!]?$",
        r"\b(?:your )?(?:feelings?|reactions?|emotions?|concerns?) (?:make|makes|are|is) "
        + _ADV
        + r"(?:sense|valid|normal|understandable|natural|justified|legitimate)\b",
        r"\bnot the only one\b",
        r"\bi am (?:always )?here (?:to listen|for you|with you|if you|whenever|to help|to support|to talk)\b",
        r"\byou (?:will|can|are going to|could|should be able to|will be able to|are gonna) (?:get through|make it|"
        r"overcome|handle|be okay|be ok|be alright|be fine|come through|do (?:it|this|that|great|well|better)|"
        r"find (?:a|another|someone|something|the right|better|your|new|a way|one)|figure (?:it|this|things) out|"
        r"get (?:a|another|back|there|past|over|better|the|it|this)|land|bounce back|pull through|beat|"
        r"manage|succeed|pass|recover|heal|move on|be happy|make (?:it|this|that) work)\b",
        r"\bi (?:believe|know|am sure|am confident|am certain|trust|have faith|have no doubt|bet|think) (?:that )?"
        r"(?:in you|you (?:can|will|are going to|could|have|are|did|would|will be|made|do|know|deserve|got))\b",
        r"\b(?:that|it) (?:takes|took|shows|showed) (?:a lot of |real |great |so much )?(?:courage|strength|guts|"
        r"bravery|maturity|character|wisdom|self.?awareness|determination)\b",
        r"\b(?:things|it|everything|life|this|that|the situation|all of this|it all) (?:will|can|are going to|is "
        r"going to|should|would|might|may|shall|is bound to|will eventually|will soon|will surely|will all) "
        r"(?:get better|improve|work out|turn around|be (?:okay|ok|fine|alright|all right|better|over)|pass|"
        r"look up|get easier|change|fall into place|come together|settle|calm down)\b",
        r"\b(?:not|never|none of (?:this|that|it) (?:is|was)|nothing (?:is|was)) your fault\b",
        r"\b(?:proud of you|i admire (?:you|your|how|that you))\b",
        r"\bi am (?:on your side|glad (?:you (?:reached out|told|shared|came|did|found|got|"
        r"decided|took|realized|opened)|to hear)|happy (?:for you|to hear))\b",
        r"\byou (?:matter|deserve|are worthy|are worth|have (?:so much|a lot|every right)|have got this|got this|"
        r"can do (?:it|this)|are allowed to)\b",
        r"\byou (?:did|have done|made) (?:nothing wrong|the right|your best|a great|a good|everything|all you|"
        r"what you could|the best|a smart|a wise|an amazing|well|great|good)\b",
        r"\b(?:that|this) (?:is|sounds|seems|was) (?:like )?(?:a |an )?" + _ADV + r"(?:great|good|wonderful|"
        r"excellent|smart|fantastic|brilliant|wise|healthy|positive|solid|reasonable|mature|sensible|"
        r"fabulous|perfect|terrific|awesome|amazing) (?:idea|plan|step|start|thing|way|attitude|choice|approach|"
        r"decision|mindset|outlook|move|option|goal|solution|thought|point|call|sign|sign of)\b",
        r"\b(?:good|great|nice|excellent|wonderful) (?:for you|idea|plan|job|thinking|work|attitude|start|"
        r"choice|decision|call|move|step|on you|that you)\b",
        r"\byour feelings are valid\b",
        r"\bbrave of you\b",
        r"\byou are (?:making|taking|on) the right (?:decision|choice|step|call|path|track|thing)\b|^" + _LEAD
        + r"there you go\b|\b(?:he|she|they) (?:clearly|obviously|really|truly) (?:loves?|cares? about|values?) you\b",
        r"\b(?:do not|try not to|you should not|no need to|you do not need to|you do not have to|never) "
        r"(?:be so hard|be too hard|be hard|blame yourself|feel (?:bad|guilty|ashamed|sorry|like a failure)|"
        r"give up|lose hope|beat yourself up|worry|be ashamed|be afraid|be sad|be embarrassed|doubt yourself|"
        r"let (?:it|this|that|them|him|her) (?:get|bring|define|ruin|make))\b",
        r"\b(?:hang in there|keep (?:your head up|your chin up|going|it up|pushing|fighting|at it|the faith|your "
        r"spirits up|positive|smiling)|stay (?:strong|positive|hopeful|optimistic|the course)|chin up|head up|"
        r"you can do it|you got this|you have got this|you have this|one day at a time|take heart)\b",
        r"\b(?:give yourself (?:some |more )?(?:credit|grace|a pat)|be proud of yourself)\b",
        # "at least" consoles when a clause follows ("at least you found out now"), not as a quantity ("at least an hour
        # a day", "at least talk to them"); "for the best to ..." is advice
        r"\b(?:at least,? (?=(?:you|your|he|she|they|it|we|now|there|that|this|the|i|my|his|her|their|someone|"
        r"nobody|no one)\b)|the good news is|the good thing is|on the bright side|on the plus side|the upside|silver "
        r"lining|bright side|better days|light at the end|a blessing in disguise|for the best(?! to\b)|"
        r"every cloud)",
        r"\byou (?:seem|sound|appear) (?:like )?(?:a |an |such a |very |really |so |quite )*(?:strong|capable|"
        r"smart|caring|kind|good|nice|great|thoughtful|wonderful|hard.?working|resilient|determined|mature|"
        r"sensible|responsible|dedicated|loving|intelligent|brave|reasonable|level.?headed|wise|genuine|"
        r"generous|sweet|talented|motivated|organi[sz]ed|confident|positive|self.?aware|understanding|"
        r"compassionate|patient|amazing|awesome|lovely|loyal|considerate|great|sincere|honest|good|"
        r"strong)\b",
        r"\b(?:everything|all|it all|it) (?:will|is going to|shall) (?:be )?(?:okay|ok|fine|alright|all right|work "
        r"out)\b",
        r"\bnothing (?:is )?wrong with (?:you|that|it|feeling)\b",
        r"\b(?:no one|nobody) (?:can|could|should) blame you\b",
        r"\b(?:there is|it is) no shame\b",
        r"\bi (?:really )?(?:hope|wish) (?:that )?(?:things|it|everything|this|that|the situation|life) (?:will|gets?|"
        r"works?|turns?|improves?|goes|settles?)\b",
        r"\bi am (?:so |very |really )?(?:proud (?:of|that)|(?:glad|happy|thrilled|relieved) (?:to hear|for you|"
        r"that you (?:reached|told|shared|did|found|got|decided|took|opened|have|had|made)))\b",
        r"\b(?:that|this|it) is (?:so |very |really )?(?:good|great|wonderful|nice|awesome|fantastic|amazing|"
        r"lovely|encouraging) to (?:hear|know|see)\b",
        r"\b(?:that|this|it|which) (?:counts|matters|is enough|is a start|is progress|is a big deal|says a lot)\b",
        # empathic validation of the situation ("that is rough", "it can be really tough"): ESConv's annotators
        # call this reassurance; naming the person's *feeling* is the reflection
        r"\b(?:that|this|it|which|what you are going through|your situation) (?:is|has been|was|can be|gets|"
        r"really is|definitely is|must be|would be|can|could be|must have been|sounds|seems|has got to be|"
        r"has to be|is just|was just) " + _ADV + r"(?!(?:" + _FEELING_ADJ + r")\b)(?:" + _HARD_ADJ + r")\b",
        r"\b(?:(?:many|most|a lot of|lots of|so many|plenty of|other|millions of|tons of) (?:people|folks|others|"
        r"of us|students|men|women|parents|couples|families|individuals|employees|workers)|everyone|everybody|"
        r"we all|most of us|a lot of us|anyone|anybody) (?:are|have|feel|go|going|struggle|struggling|"
        r"experience|deal|dealing|in|who|would|is|has|gets|get|understand|goes|feels|can relate|face|"
        r"facing|had|were|lost|find|found)\b",
        r"\b(?:is|are|can be) (?:a |an )?(?:very )?(?:common|normal|natural|typical|understandable|usual|healthy) "
        r"(?:reaction|response|experience|feeling|thing|emotion|way to feel)\b",
        r"\b(?:be|you are) (?:more|a lot|much|so much|far) (?:than|stronger|better|more capable)\b",
        r"\b(?:plenty of|lots of|other|more) (?:fish|opportunities|jobs|people|options|chances) (?:in the sea|out "
        r"there)\b",
        r"\bsomeone (?:better|special|out there|who will)\b",
        r"\bit is (?:not|never) too late\b",
        r"\b(?:lucky|blessed|fortunate) to have (?:someone like |a person like |a \w+ like )?you\b",
        r"\byou (?:seem to be|seem like|must be|have been|were|are) (?:a |an |such a |a such a |one )?"
        r"(?:real |true )?"
        + _ADV
        + r"(?:go.?getter|good person|good friend|great person|great friend|good parent|great parent|good mom|"
        r"good dad|great mom|great dad|good (?:partner|wife|husband|son|daughter|employee|worker|student)|"
        r"caring person|kind person|strong person|hard worker|fighter|survivor|catch|keeper|treasure|gem|"
        r"blessing|inspiration)\b",
        r"\bstronger than (?:you|we|they|he|she|most people) (?:think|give|realize|know|believe|imagine)\b",
        r"\b(?:those|these|both|they|all|those both|these both|both of those|both of these) (?:both |all )?"
        r"(?:sound|seem|are|look) (?:like )?(?:" + _ADV + r")(?:great|good|wonderful|excellent|smart|fantastic|"
        r"solid|healthy|reasonable|helpful) (?:ideas|plans|steps|options|choices|things|ways|decisions|goals)\b",
        r"\b(?:that is|what|such|this is|it is) (?:" + _ADV + r")(?:great|good|wonderful|fantastic|amazing|"
        r"excellent|awesome|exciting|happy) news\b",
        r"\b\w+ing (?:\w+ )?(?:is|are) (?:totally |perfectly |completely |absolutely |so |very |also )?(?:fine|okay|ok|"
        r"normal|natural|understandable|valid|human|healthy|nothing to be ashamed of)\b",
        r"\bthere (?:is|will be) (?:always |still |definitely |certainly )*(?:hope|reason to (?:hope|keep)|"
        r"a way|an alternative|a light|light|time|another|someone|something better|better days)\b",
        # praise framed as an impression ("it sounds like you have been working so hard", "seems like you are a
        # caring partner"): the frame is the supporter's, the content is a compliment, so it affirms
        r"\b(?:sounds|seems|looks) (?:to me )?(?:like|as if|as though) you (?:are|have been|were) (?:a |an |such a |"
        r"such an )?(?:very |really |so |quite |truly |pretty )?(?:thoughtful|generous|caring|kind|strong|brave|smart|"
        r"determined|resilient|hard.?working|good|great|wonderful|responsible|dedicated|loving|capable|mature|wise|"
        r"level.?headed|self.?aware|motivated|committed|supportive|patient|considerate|compassionate|on the right "
        r"track|in a good place|doing (?:well|great|fine|good|your best|a (?:good|great|wonderful) job|everything|all "
        r"you can|the right thing|so well|really well|what you can))\b",
        r"\b(?:sounds|seems|looks) (?:to me )?(?:like|as if|as though) you (?:have been |are )?(?:working "
        r"(?:so |really |very )?hard|making (?:good|great|smart|the right|wise|healthy)|trying (?:so |really |your )?"
        r"(?:hard|best)|"
        r"handling (?:it|this|things|everything) (?:well|really well|so well|better)|put (?:a lot of|so much|real) "
        r"(?:thought|effort|work)|take (?:a lot of |great |real )?pride|care (?:a lot|so much|deeply))\b",
        # praise of a step the person took or means to take: "just reaching out is a great first step"
        r"\b(?:is|was|would be|can be) (?:a |an )?(?:really |very |such a )?(?:great|good|big|important|huge|positive|"
        r"brave|healthy) (?:first )?step\b",
        r"\b(?:nothing|no reason|no need) (?:to be|to feel) (?:so |at all )?(?:ashamed|embarrassed|worried|afraid|"
        r"sorry|guilty|bad|silly|stupid)\b",
        # approval of the person's idea in any words: "baking with your kids sounds like a good way to unwind"
        r"\b(?:sounds|seems|looks) like (?:a |an |such a )?" + _ADV + r"(?:great|good|wonderful|excellent|smart|"
        r"fantastic|brilliant|wise|healthy|positive|solid|reasonable|lovely|fun|nice|perfect|terrific|awesome|amazing) "
        r"(?:idea|plan|step|start|way|choice|approach|decision|move|option|thing to do|solution|outlet)\b",
        r"\byou (?:should|will|would) (?:be|feel) (?:just )?(?:fine|okay|ok|alright|all right)\b",
    ],
    "providing_suggestions": [
        r"\b(?:maybe|perhaps|possibly) (?:there is a way|you|it|try|talk|look|consider|ask|start|find|take|get|go|"
        r"reach|write|"
        r"think|spend|set|make|join|call|see|speak|a|an|some|just|if|doing|talking|trying|getting|going|taking|"
        r"finding|looking|reaching|writing|setting|making|keeping|focusing|start|focus|keep|let|give|plan|"
        r"check|search|apply|volunteer|reconnect|put)\b",
        # "have you talked to her?" asks what happened; "have you tried talking to her?" proposes it. Talking to a
        # helper (a counsellor, a doctor, a professional) is proposed either way
        r"\bhave you (?:ever |already |yet |also )?(?:tried|considered|thought (?:about|of)|looked (?:into|at|for)|"
        r"reached out|checked|explored|gone to|joined|seen a|visited|contacted|applied|been to|called|sought|"
        r"researched|attempted|tried)\b",
        r"\bhave you (?:ever |already |yet |also )?(?:talked|talk|spoken|speak|reached out) (?:to|with) "
        r"(?:a |an |any |some )?"
        r"(?:\w+ )?(?:therapist|counsel(?:l)?or|doctor|professional|psychologist|psychiatrist|coach|mentor|advisor|"
        r"adviser|support group|hotline|helpline|pastor|priest|hr|human resources|teacher|professor|tutor)s?\b",
        r"\bwhy (?:not|do you not|not just) (?:try|talk|reach|make|take|go|get|write|ask|call|see|look|join|give|"
        r"start|spend|set|find|tell|plan|focus)\b",
        r"\b(?:it|that|this|which) (?:might|may|could|would|can|should|will|usually|often) (?:really |also |"
        r"definitely |probably |possibly |actually )?(?:help|be (?:helpful|useful|beneficial|worth|wise|smart|a "
        r"good idea|good|a great idea|nice|best|worthwhile))\b",
        r"\b(?:it|that) (?:is|would be|might be|could be|may be|will be) (?:a )?(?:good idea|great idea|best|wise|"
        r"smart|helpful|useful|important|beneficial|worth it|worthwhile|good|better|a good step) (?:to|if|for you "
        # "that is good to hear" is glad news, not advice
        r"to)\b(?! (?:hear|know|see|read)\b)",
        r"\byou (?:could|should|might|may want to|might want to|could also|should also|can also|may also|"
        r"could always|can always|could maybe|can maybe|could even|can even|might consider|need to|have to|"
        r"ought to|could just|should just|might try|may need to|"
        r"might need to|would do well to|would benefit from)\s+(?!(?:not|never|no longer|be feeling|feel|have felt|"
        # "you might have on your mind", "you could have known": a possibility or a regret, not a proposal
        r"have (?!(?:a|an|some|another|more|the|your|them|him|her|it|someone|people|friends|family|fun)\b)|"
        r"have been|tell me|"
        r"talk to me|imagine|do (?:it|this|that)\b|get through|make it|handle|overcome|be proud|find better|be "
        r"sure|trust me|always talk to me|message me|end the|close the|let me|count on me|see why|see how|"
        r"understand|relate|never)\b)(?:[a-z]+)\b",
        r"\bi (?:would |will |strongly |highly |really |do |might |definitely )*(?:suggest|recommend|advise|"
        r"encourage|urge|propose)\b",
        r"\bif i (?:were|was) you\b",
        r"\bi (?:wonder|am wondering|was wondering) (?:if|whether) you (?:could|can|might|should) (?:try|contact|talk|"
        r"ask|reach|speak|go|look|get|make|take|call|see|email|write|join|find|set|start)\b",
        # "i would say ..." and "i would be ..." give an opinion or a feeling; only "i would be careful" advises.
        # "i will ..." is the supporter's own plan ("i will definitely say a prayer for you")
        r"\bi would (?:try|start|consider|look|go|talk|reach|ask|make|take|focus|think about|get|"
        r"find|definitely|probably|just|first|also|say to|be (?:careful|cautious|wary|honest|upfront|direct))\b",
        r"\bi think (?:you|it|that) (?:should|need to|ought|may want|might want|could try|would be (?:best|good|wise|"
        r"smart|a good idea|helpful))\b",
        r"\b(?:what|how) about (?:trying|talking|reaching|making|taking|going|writing|getting|setting|a|an|some|"
        r"finding|looking|joining|asking|speaking|doing|starting|calling|spending|giving|focusing|volunteering|"
        r"applying|checking|seeing|telling|planning)\b",
        r"\bwhat if you\b",
        # "things start to look up" is a wish about things, not advice to the person
        r"(?<!things )(?<!it )(?<!they )(?<!that )(?<!will )\b(?:try|consider|think about|start|keep|practice|focus on|"
        r"look into) (?:to )?(?:talking|reaching|making|"
        r"taking|going|writing|getting|setting|breaking|sleeping|resting|walking|doing|finding|looking|joining|"
        r"asking|speaking|spending|calling|keeping|reading|listening|starting|focusing|volunteering|applying|"
        r"exercising|meditating|journaling|practicing|learning|using|giving|being|a\b|an\b|some|one|to)\b",
        r"^" + _LEAD + r"(?:just |maybe |perhaps |please |first,? |then |and |also |so )?(?:try|consider|take|go|talk|"
        r"reach|make|find|look|ask|call|tell|write|keep|focus|remember|get|give|spend|join|start|stop|set|think "
        r"about|stay(?! (?:safe|strong|positive|optimistic|hopeful|blessed|well|healthy|warm|tuned)\b)|avoid|learn|"
        r"practice|search|check|see if|put|use|treat|remind|allow|plan|read|listen to|"
        r"watch|sign up|apply|contact|speak|seek|volunteer|exercise|meditate|journal|walk|rest|sleep|eat|drink|"
        # "enjoy your evening!" and "keep up the good work!" are a farewell and praise, not advice
        r"breathe|leave|move|hire|save|explore|enjoy(?! (?:your|the rest|it|!|\.))|show|express|share|reconnect|"
        r"let (?:him|her|them|it|go|"
        r"yourself)|do not (?:let|forget|hesitate|stop|be afraid to)|be (?:honest|open|patient|kind|gentle|"
        r"careful|nice|calm|assertive|direct|clear|yourself|there)|open up|opt|pick|choose|schedule|organi[sz]e|"
        r"prioriti[sz]e|visit|google|update|prepare|practise|lean on|surround|document|buy|pray|"
        r"forgive|accept|distract|note|list|cut|limit|turn|create|head (?:to|out|over|outside)|work on|hang out|"
        r"meet up|take up|pick up|jot|write down|look for|think of|consult|attend"
        r")\b(?! (?:care(?! of)|me\b|us\b|it easy on me|up the "
        r"(?:good|great|amazing|hard) work))",
        r"\bone (?:thing|option|idea|way|suggestion|approach|step|tip|strategy|trick|method) (?:that )?(?:you could|"
        r"that might|that could|which might|to try|is|would be|might be|could be|you might|you can|that "
        r"helps|that works|to consider)\b",
        # ("that is a great idea!", "teaching them is a good way", "that may be a good thing": praise of the person's
        # own idea or step, which is reassurance, not a proposal of the supporter's)
        r"(?<!\bis )(?<!\bwas )(?<!\bbe )(?<!\blike )(?<!\bsuch )(?<!\bas )(?<!\bdefinitely )(?<!\breally )"
        r"(?<!\bindeed )(?<!\bactually )(?<!\bstill )\b"
        r"(?:another|a good|a great|a helpful|a useful|one good|the best|a better|an easy|a simple|a healthy) "
        r"(?:option|idea|thing|suggestion|way|approach|step|first step|tip|strategy|place to start|resource|"
        r"outlet|method|solution|route|alternative)\b",
        r"\bmy (?:suggestion|advice|recommendation|tip|two cents)\b",
        r"\b(?:it|that) (?:is|might be|could be|may be) worth (?:trying|talking|reaching|making|taking|a|it|"
        r"looking|considering|asking|exploring|checking|a shot|a try)\b",
        r"\bhow about\b",
        r"\b(?:would|could|might|will|do you think it would|do you think it might|do you think that would) "
        r"(?:it|that|this) help (?:to|if|you)?\b",
        r"\bis (?:it|there) (?:possible|a way|any way|anyway|some way|something|anything|anyone|someone|a "
        r"chance|an option) (?:for you to|to|you (?:could|can|might)|that you (?:could|can|might)|for you)\b",
        r"\b(?:could|can|would) you (?:try|consider|maybe|perhaps|possibly|reach out)\b",
        r"\b(?:have you thought about|are you open to|would you "
        r"be open to|would you consider|would you like to try|do you think it would help to) (?:you could|trying|"
        r"talking|asking|reaching|making|taking|going|writing|getting|setting|joining|finding|looking|calling|"
        r"speaking|seeing|starting|that|it|doing|consider|try|talk|ask|reach|make|take|go|write|get|set|join|"
        r"find|look|call|speak|see|start|do|applying|apply)\b",
        r"\b(?:you need|you have|try) to (?:take|find|talk|focus|get|make|be|remember|stay|keep|try|let|move|put|"
        r"start|stop|look|think|learn|accept|forgive|reach|ask|tell|give|set|spend|consider|reconnect|see|go)\b",
        r"\b(?:it is|its) (?:always |often |usually )?(?:good|best|wise|smart|helpful|important|useful|healthy|better) "
        r"(?:to|if you|for you to)\b",
        r"\bthe best (?:thing|way|option|approach|bet|course|advice) (?:to|is|would be|might be|you can|for you)\b",
        r"\b(?:i think|i feel like|i believe) (?:talking|reaching|making|taking|going|writing|getting|setting|"
        r"finding|looking|joining|doing|spending|focusing|trying) \w+",
        r"\byour best (?:bet|option|choice)\b",
        # pointing to help the person may already have: "do you have a cousin you could call?" ("... anyone you can
        # lean on?" asks about their support and stays a question)
        r"\bdo you (?:have|know) (?:any|anyone|someone|somebody|a|an|people|friends|family)\b[^?]*?\b(?:who|that|you) "
        r"(?:could|might|could maybe|might be able to) (?!not\b)\w+",
        # a tentative proposal with a rising tone: "maybe a short walk after dinner?", "perhaps call her tonight?"
        r"^" + _LEAD + r"(?:or |well,? )?(?:maybe|perhaps),? (?!(?:\d|one|two|three|four|five|a few|a couple|some time|"
        r"sometime|later|not|he|she|they|it was|that was|this was)\b)[^?]*\?$",
        r"\b(?:it is|it might be|it may be|it could be|maybe it is|perhaps it is) (?:about |high |probably )?time "
        r"(?:to|for you to|you)\b",
        # advice asked as a question: "could you meet them outside?", "what do you think about writing to her?"
        r"\b(?:could|can) you (?:maybe |possibly |perhaps |also |just )?(?:talk|speak|reach|see (?:a|your|if|whether)|"
        r"visit|call|ask|spend|meet|join|find|look|go|take|get|make|write|start|set|schedule|plan|contact|text|email|"
        r"lean on|volunteer|apply|move|save|use)\b(?! (?:to me|with me|me|about it|more|about what|about how))",
        r"\bhave you (?:guys |all |both )?(?:contemplated|gotten help|had a (?:talk|conversation|chat)|discussed|"
        r"thought about)\b",
        r"\bwhat do you think (?:about|of) (?:\w+ing|the idea)\b",
        r"\bis (?:this|that|it) something you (?:would|could|might) (?:be willing to |like to |want to )?(?:consider|"
        r"try|do)\b",
        # a habit recommended by what it does for you: "a planner may keep you organised", "walks can help with stress"
        # ("anything else i could help you with?" is no habit)
        r"^" + _LEAD + r"(?:(?!(?:any|some|no|every)thing\b)\w+ing|having|a|an) (?:\w+ ){0,5}?"
        r"(?:can|may|might|could|will|would|should) "
        r"(?:really |also |definitely |probably |often |usually )?(?:help (?:you|with|to|a lot|your)|keep you|"
        r"make you feel|give you|calm you|relax you)\b",
        r"\b(?:is|are) (?:really |very |also |so )?(?:good|great|helpful|wonderful|therapeutic) for (?:sleep|stress|"
        r"anxiety|relaxing|relaxation|the mind|your mind|your health|your mood|clearing|calming|unwinding|"
        r"coping|healing)\b",
        r"\b(?:is|are) (?:a |an )?(?:really |very |so |also )?(?:great|good|amazing|wonderful|excellent|helpful|"
        r"fantastic|effective) (?:stress relievers?|outlets?|ways? to|for (?:getting|taking|keeping|clearing|relieving|"
        r"reducing|calming|making|meeting|finding)|coping (?:skills?|mechanisms?|tools?|strategies))\b",
        # a habit recommended by what it does: "getting outside every day really helps", "it helps to write it down"
        r"\b(?!(?:any|some|no|every)thing\b)\w+ing\b(?: \w+){0,6} (?:also |really |usually |often |always |definitely |"
        r"sometimes )?(?:helps|works wonders)\b(?! (?:me|us)\b)",
        r"\bit (?:really |also |usually |often |always |sometimes |definitely )?helps (?:to|if|when)\b",
        # a proposal put as a question about its worth or feasibility: "would it be possible to take a day off?"
        r"\bwould it (?:be possible|help|be worth|be a good idea|make sense) (?:for you )?(?:to|if)\b",
        r"\bwhat about (?:something|trying something|maybe|perhaps|getting|going)\b",
        r"\b(?:can you|could you) think of (?:something|anything|some|a|ways?)\b",
        r"\bdo you have (?:a|an|any|some) [a-z ]{1,30}? (?:you|that you) (?:can|could) (?:use|keep|try|talk|call|"
        r"turn|reach|go|do)\b",
        r"\b(?:maybe|perhaps) \w+ly (?:(?!(?:any|some|no|every)thing\b)\w+ing|you|try|talk|call|ask|go|get|take)\b",
        r"\b(?:it is|it can be|it might be|it may be) (?:for the best|better|best|wise|smart) (?:to|if you)\b",
        # "just" before an imperative in the middle of a sentence: "if she does, just leave it alone and move on"
        r"(?<!\bi )(?<!\bwe )(?<!\bhe )(?<!\bshe )(?<!\bthey )(?<!\bit )(?<!\byou )\bjust (?:leave|let (?:it|him|her|"
        r"them|go)|walk away|put it|focus|ignore|accept|move on|forget|be yourself|breathe|relax|take (?:a|some|it|"
        r"time)|give (?:it|him|her|them|yourself))\b",
    ],
    "information": [
        r"\b(?:research|studies|a study|science|data|evidence|surveys?|statistics|numbers|reports?|articles?|"
        r"psychologists|scientists|doctors|therapists|experts?|professionals) (?:shows?|suggests?|says?|has shown|"
        r"have shown|showed|found|find|indicates?|proves?|agree|recommend|believe|tell us|show that|point)\b",
        r"\bit is (?:(?:very|really|quite|actually|pretty|so|also|extremely|incredibly|fairly|not un) )*"
        r"(?:common|typical|known|proven|a fact|well known|estimated|reported|documented) "
        r"(?:for|to|after|when|that|in|with|during|these days|nowadays)\b",
        r"\b(?:many|lots of|most|plenty of|a lot of|alot of|some|millions of|thousands of|so many|countless|tons of|"
        r"more and more|fewer) (?:employers|companies|businesses|schools|colleges|universities|places|jobs|"
        r"states|cities|stores|restaurants|organi[sz]ations|websites|sites|apps|programs|agencies|therapists|"
        r"counsel(?:l)?ors|areas|countries|studies|experts|doctors|hospitals|clinics|communities|churches|"
        r"libraries|employers are|industries|positions|openings)\b",
        r"\b(?:according to|did you know|fun fact|in fact|the fact is|as a matter of fact|statistically|"
        r"it turns out|it has been shown|it is proven|it is known|it is a fact)\b",
        r"\bstatistic",
        # a rate or a share told as a fact: "the survival rate is around 99%", "a large percent of the population"
        r"\b(?:percent|per cent|(?:survival|survivor|success|recovery|unemployment|death|divorce|"
        r"infection|mortality) rates?|(?:on|the) average|the (?:population|majority of (?:people|adults|us)))\b",
        r"\b(?:is|are|can be) (?:a |an )?(?:very )?(?:common|frequent|known|typical) (?:problem|issue|symptom|"
        r"occurrence|side effect|process|stage|phase|cause|condition|disorder)\b",
        r"\bthe brain\b",
        # a domain term is information when the sentence tells something about it ("melatonin is a safe sleep aid"),
        # not when it is only mentioned ("my mother was diagnosed", "did they give you severance?")
        r"\b(?:treatable|therapy works|counsel(?:l)?ing works|the cdc (?:says|recommends|reports)|legally|by law)\b",
        r"\b(?:symptoms?|side effects?|medications?|melatonin|serotonin|dopamine|endorphins|cortisol|"
        r"the immune system|unemployment (?:benefits|offices?|insurance)|severance(?: pay)?|hr|the hr department|"
        r"human resources|(?:the )?stimulus(?: checks?| payments?)?|interest rates?|credit scores?|financial aid|"
        r"scholarships?) (?:\w+ly )?"
        r"(?:is|are|can|could|may|might|will|usually|often|tend|works?|helps?|makes?|has|have|covers?|lasts?|pays?|"
        r"gives?|includes?|depends?)\b",
        r"\b(?:is|are|as) (?:a |an |one of the |the |common |typical |known )*(?:symptoms?|side effects?|signs?|"
        r"stages?|causes?) of\b",
        r"\b(?:works|acts|helps) by \w+ing\b",
        r"\b(?:many|most|some|lots of|plenty of) (?:people |folks |of them |others )?(?:have found|find|report|say) "
        r"(?:that )?(?:\w+ ){1,3}(?:helps?|works?|can|relieves?|reduces?|improves?|eases?)\b",
        r"\b(?:usually|often|tends? to|typically|generally|eventually|over time|with time) (?:fade|ease|pass|get "
        r"easier|improve|lessen|heal|go away|get better|subside)\b",
        r"\bwith (?:time|support) ,?(?:and support )?(?:these|this|it|most)\b",
        r"\b(?:hotlines?|helplines?|crisis lines?|free counsel(?:l)?ing|campus counsel(?:l)?ing|resources "
        r"(?:like|such as|available|online|for)|support groups? (?:for|like|are|exist|available|online)|online "
        r"(?:courses?|classes|groups|forums|programs|resources|communities|support|therapy|counsel(?:l)?ing)|"
        r"websites? (?:like|such as|called|where|that)|apps? (?:like|such as|called|that)|"
        r"(?:a|the) (?:website|site|app|program|service|organi[sz]ation|group|hotline|forum|platform) (?:called|"
        r"named|where|that|which))\b",
        r"\bthere (?:are|is) (?:many|a lot of|lots of|plenty of|several|various|numerous|so many|some|a number "
        r"of|tons of|free|online|local|programs|resources|organi[sz]ations|groups|websites|sites|apps|places|"
        r"ways|services|options|jobs|companies|people|different|hotlines?|support)\b",
        r"\b(?:people|humans|kids|children|men|women|employers|companies|teenagers|students|the body|your body) "
        r"(?:usually|often|tend to|typically|generally|commonly) \w+",
        r"\b(?:can|may|might|could|does|do|often|usually) (?:cause|lead to|trigger|increase|reduce|"
        r"contribute to|result in|release|boost|lower|raise|worsen)\b",
        r"\b(?:this|that|it) (?:year|season|time of year) (?:has been|is|was)\b",
        r"\b(?:is|are) (?:known|proven|shown|supposed|considered|believed|said|thought) to\b",
        r"\b\d+(?: point \d+| \d+)? percent\b|\b\d+ (?:out of|in) (?:\d+|ten|a hundred)\b",
        r"\b(?:survival|success|recovery|unemployment|divorce|infection|death|suicide) rates?\b",
        r"\b(?:are|is) (?:legally )?(?:required|obligated|entitled|eligible|allowed|not allowed) to\b|"
        r"\b(?:qualify|eligible) for\b|\bby law\b",
        r"\b(?:have|has) (?:increased|decreased|risen|dropped|doubled|tripled|surged|spiked|gone up|gone down)\b",
        r"\bit is (?:(?:very|really|quite|actually|perfectly|completely|only) )?(?:natural|normal) for "
        r"(?:people|most people|many people|anyone|someone|everyone|humans|us|a person|employees|parents)\b",
        r"\b(?:grief|depression|anxiety|stress|loneliness|burnout|trauma|panic|ptsd|addiction|insomnia|exercise|"
        r"therapy|meditation|nicotine|caffeine|alcohol) (?:is a|is an|is one of|affects|causes|releases|is known|"
        r"tends to|comes in|has been shown)\b",
        # what a service or place offers: "the library offers free classes", "help is available around the clock"
        r"\b(?:offers|provides|(?:is|are|have been|has been) (?:now |also |even |still )?(?:offering|providing)|"
        r"(?:they|which|that|who|places|companies|schools|colleges|groups|clinics|sites|apps) "
        r"(?:also |often |usually |now )?(?:offer|provide)|"
        r"(?<!i )(?:is|are|will be) (?:also |now |still |freely |readily |often )?available|"
        r"available (?:online|around the clock|24)|for free|free of charge|at no cost|no cost to)\b",
        # passing on what one has heard or read: "I read that ...", "I have heard of a program ..."
        r"\bi (?:have |had |once |recently )?(?:heard|read|seen|saw|learned|learnt) (?:that|of|about|somewhere|"
        r"online|an? (?:article|study|report|story|book|post|program|podcast))\b",
        # a general truth told as such: "it is true that ...", "a common misconception", "it is human nature"
        r"\b(?:it is (?:true|a fact|well known|no secret) that|(?:a )?(?:common )?misconception|(?:it is )?a myth|"
        r"(?:human|our) nature|(?:is|are|has become|have become) (?:much |far |a lot |way )?(?:more|less) (?:common|"
        r"popular|accepted|normal|usual) (?:now|nowadays|these days|today|than)\b)",
        # what the supporter has seen or heard, passed on: "from what i have seen, most firms hire again in spring"
        r"\bfrom what i (?:have |had )?(?:seen|know|heard|read|learned|experienced)\b",
        r"\b(?:can|could|will|does|do|may|might) (?:have|has) (?:a |an )?(?:big |huge |real |major |serious |lasting |"
        r"positive |negative |large |great )?(?:impact|effect|influence) on\b",
    ],
    "others": [
        r"^(?:hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening|day)|greetings|welcome)\b",
        r"\b(?:i am|i|am|we are|so|really|very|truly) (?:so |really |very |truly |deeply |terribly |sincerely )?"
        r"sorry (?:to hear|you|that|for|about|this|it|to|,|$)",
        r"^(?:so |very |really |i am |oh,? |aw+,? )?sorry[.!]*$",
        r"\btake (?:your|all the) time\b",
        r"^i (?:totally |completely )?(?:understand|see)[.!]",
        r"\bthank(?:s| you| u)\b",
        r"\b(?:take care(?! of)|goodbye|bye|see you|talk (?:to you )?soon|have a (?:good|nice|great|wonderful|"
        r"blessed|lovely|happy|safe)|good night|goodnight)\b",
        r"\b(?:nice|good|glad|great|a pleasure|pleasure) (?:to )?(?:meet|talk|hear from|chat|speak|meeting|"
        r"talking|chatting|speaking)\b",
        r"\bhow are you(?: doing| feeling)?(?: today| tonight| this (?:morning|evening|afternoon))?\b",
        r"\bi am (?:so |really |very )?glad (?:to (?:meet|talk|chat|hear from)|you (?:are here|came|wrote|stopped by)|"
        r"we (?:can|could|are|got))\b",
        r"\b(?:you are welcome|your welcome|my pleasure|no problem|no worries|anytime|you bet|of course)\b",
        r"^(?:okay|ok|alright|i see|mm+|hmm+|right|got it|sure|oh|ah|yes|yeah|yep|no|nope|wow|cool|great|"
        r"good|nice|awesome|lol|haha+|indeed|exactly|true|agreed|i agree|me too)[.!]*$",
        r"\b(?:how|what) (?:can|may|could) i (?:help|do for|assist|support)\b",
        r"\bwhat (?:brings|brought) you (?:here|in|to)\b",
        r"\b(?:let me know|feel free|is there anything else|anything else (?:i|you|on))\b",
        r"\b(?:merry christmas|happy (?:holidays|new year|thanksgiving|birthday|hanukkah|easter)|season.?s "
        r"greetings)\b",
        r"\b(?:glad|happy) (?:i could|i was able to|to) (?:help|be of|be there|assist|chat|talk|listen)\b",
        r"\b(?:my name is|i am your|i will be your|nice to e.?meet)\b",
        r"\b(?:good luck|best of luck|all the best|best wishes|be well|stay safe|god bless|bless you|stay blessed)\b",
        r"\bi (?:really |truly )?(?:hope|wish) (?:you|that you|your)\b",
        r"\b(?:end|close|finish) (?:the|this|our) (?:chat|conversation|session|discussion)\b",
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
# sentence also carries a support cue (a film suggested "to take your mind off things" is support).
_OFF_TOPIC = re.compile(
    r"\b(?:weather|football|soccer|basketball|baseball|movies?|films?|recipes?|pizza|stock market|stocks|"
    r"crypto|bitcoin|capital of|favou?rite (?:colou?r|food|movie|band|song|team)|tv shows?|video games?|"
    r"politics|election|the news|math|algebra|sandwich|lottery|horoscope|celebrit\w+|smartphone|laptop|"
    r"car insurance|discount|sale|buy|purchase|translate|programming|python|javascript)\b"
)
_SUPPORT_CUE = re.compile(
    r"\b(?:feel|feeling|feelings|felt|emotion\w*|going on|happened|hard|sorry|understand|alone|support|help|"
    r"helps|helped|cope|coping|you are|your (?:situation|day|week|life|mind|mood|family|friends?|partner|job)|"
    r"struggl\w+|okay|ok|stress\w*|relax\w*|calm\w*|mind|distract\w*|cheer|mood|lonely|sad|anxi\w+|"
    r"worr\w+|better|comfort\w*|enjoy|self.?care|treat yourself|break)\b"
)
#: chit-chat questions about the day ("how was your weekend?") and the closing offer ("is there anything else I can
#: help you with?"): small talk, not an exploratory question. "How are you (doing today)?" is not among them: asked of a
#: help-seeker it is the opening invitation to say how they are (real seekers answer it with their trouble, and
#: ESConv's annotators label it a question)
_SMALLTALK_Q = re.compile(
    r"^(?:(?:hi|hello|hey|good (?:morning|afternoon|evening))\b[ ,!]*)*(?:well|and|so|okay|ok)?[ ,]*"
    r"(?:is there anything else (?:i can (?:do|help)(?: you)?(?: with)?)|"
    r"how is (?:your|the) (?:day|evening|morning|week)(?: going)?|"
    r"how (?:was|has been) your (?:day|week|weekend|holiday))[ ?!.]*$"
)
#: weaker cues, consulted only for a sentence in which no strategy was heard: first-person news about the
#: supporter's own life is self-disclosure; "you can <do something>" is advice; a hard-sounding general remark
#: ("breakups can be brutal") is validation. They keep a supportive sentence from being heard as mere small talk.
_FALLBACK: dict[str, re.Pattern[str]] = {
    # "i understand." / "i totally get it." said on its own is the supporter showing they feel with the person (a
    # reflection); beside a rule-heard move in the same turn it is only the lead-in to that move (and is left out)
    "reflection_of_feelings": re.compile(
        r"^(?:(?:oh|yes|yeah|okay|ok|well|i see|hmm+|i know|aw+),? )*i (?:totally |completely |really |definitely |"
        r"absolutely |fully |truly |can |do |can totally |can really |can definitely )*(?:understand|get it|hear you|"
        r"feel you|get you)(?: that| this| it| you)?(?: completely| totally| fully| now)?[.!]*$"
    ),
    "self_disclosure": re.compile(
        r"^(?:(?:well|yes|yeah|no|honestly|actually|personally|and|but|so|oh|also|luckily|sadly),? )*i (?:have|had|was|"
        r"did|went|got|live|work|only|also|never|always|still|recently|once|used|took|lost|made|spent|started|"
        r"tried|moved|ended|left|know someone|know a|picked|keep|try|do not|did not|can not|could not)\b"
        # an opinion, a disbelief or a short yes/no answer is not news about the supporter's life
        r"(?! (?:to ask|a question|no idea|not been|been wondering|been thinking about you|to say|a feeling|"
        r"think|know|believe|imagine|mean|agree|see|understand|advise|blame|want to (?:pry|assume|intrude|push)|"
        r"end|leave|quit|finish|close)\b)(?! ?[.!]?$)"
        r"|\bmine\b|\bmy (?:own|first|last|old|current|partner|wife|husband|kids?|family|parents)\b"
    ),
    "providing_suggestions": re.compile(
        r"(?<!hope )(?<!wish )\byou (?:can|could) (?:also |always |just |maybe |even )?(?:try|talk|ask|call|look|"
        r"contact|discuss|speak|"
        r"reach|join|apply|go|write|start|find|use|check|search|get|take|make|set|provide|visit|meet|request|"
        r"schedule|sign|text|email|message|consider|plan|spend|volunteer|focus|keep|put|give|show|tell (?:him|"
        r"her|them|your))\b"
    ),
    "affirmation_and_reassurance": re.compile(
        r"\b(?:can|could|will|would|must|is going to) be " + _ADV + r"(?:" + _HARD_ADJ + r"|taxing|a big "
        r"adjustment|a lot to take in)\b|\b(?:is|it is) not (?:going to be )?easy\b|\bi (?:wish|hope) you (?:well|"
        r"the best|all the best)\b|\bi am (?:sure|certain|confident) (?:that )?(?:your|it|things|they|he|she|this|"
        r"everything)\b|\byou (?:clearly|obviously|really|truly) (?:care|love|are|have|know|tried|want|did)\b|"
        r"\b(?:congratulations|congrats|well done|way to go|kudos)\b"
    ),
}
#: a sentence opening with a wh-word is a question even when it mentions the person's situation
_WH_START = re.compile(r"^(?:(?:and|so|but|okay|ok|well),? )?(?:what|how|why|when|where|who|which)\b")
#: a sentence shaped as a question from its first words (a wh-word, or a verb before its subject); a statement
#: that only ends in "?" is not
_ASKS = re.compile(
    r"^" + _LEAD + r"(?:(?:what|how|why|when|where|who|which|whom|whose)\b|(?:could|can|would|will|do|did|have|has|are|"
    r"were|is|was|does|had|should|may|might|shall|any|anything|anyone|tell me)\b|you (?:know|think|feel like)\b)"
)
#: a question that carries a fact: "did you know that ...?", "are you aware there are ...?"
_TELLS = re.compile(r"\b(?:did you know|do you know that|are you aware|have you heard)\b")
class _WeakReading(SentenceReading):
    """A sentence whose strategy only a fallback cue or the backstop model heard (see ``_combine``)."""


#: internal rule families that are reported under another act name, or not at all
_INTERNAL = {"_restate_frame": "restatement_or_paraphrasing"}


#: the strategies the learned backstop may report. Reflections and paraphrases are left to the rules: they
#: are judged by what they name (a feeling, the person's situation), which the rules check and an n-gram
#: model guessing from style does not; questions the rules already hear by their shape, and the model's extra
#: ones were greetings ("hey how are you"). On real supporters its guesses for these three were mostly wrong
BACKSTOP_ACTS = frozenset({"self_disclosure", "affirmation_and_reassurance", "providing_suggestions", "information"})


class CounselingRecognizer(IntentRecognizer):
    """:class:`IntentRecognizer` with the Counseling task's per-sentence rules on top.

    Per sentence, after the lexicon has matched:

    * *advice or a paraphrase phrased as a question* ("Have you tried a walk?", "So he left, is that
      right?") is that strategy, not an exploratory question: ``question`` yields to
      ``providing_suggestions`` and ``restatement_or_paraphrasing`` in the same sentence;
    * *"it sounds like ..."* frames a paraphrase of the situation, unless the sentence names a feeling
      (then it is a reflection of feelings);
    * *chit-chat questions* ("how was your weekend?", "anything else I can help with?") are small talk
      (``others``), not questions; "how are you?" asked of a help-seeker invites them to say how they are (a question);
    * *unrelated small talk* (weather, sports, shopping...) with no support cue is off-task, sentence by
      sentence, so one stray remark does not erase the rest of a supportive turn;
    * a sentence naming more than ``max_acts_per_sentence`` strategies is a keyword salad (off-task).
    """

    def __init__(
        self, *args: object, max_acts_per_sentence: int = 3, model: IntentModel | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, max_acts_per_sentence=10**6, **kwargs)  # type: ignore[arg-type]
        self.salad_limit = int(max_acts_per_sentence)
        #: consulted here, after the task's own rules and fallbacks, not by the engine (which would ask it first)
        self.backstop = model

    def recognize(self, text: str) -> list[str]:
        return self.recognize_normalized(normalize(text))  # the task's cached normalisation

    def _combine(self, readings: list[SentenceReading]) -> list[str]:
        # the fallbacks and the backstop fill gaps: once a rule has heard a strategy elsewhere in the turn, their
        # weaker guesses on the turn's remaining sentences are left out (they were mostly wrong there)
        if any(not isinstance(r, _WeakReading) and set(r.acts) - {"others", OFF_TASK} for r in readings):
            readings = [r for r in readings if not isinstance(r, _WeakReading)]
        return super()._combine(readings)

    def explain(self, text: str) -> list[SentenceReading]:
        return self.explain_normalized(normalize(text))

    def _read(self, sentence: str, *, explain: bool) -> SentenceReading:
        r = super()._read(sentence, explain=explain)
        acts = list(r.acts)
        if acts == [OFF_TASK] and looks_like_gibberish(sentence):
            return r
        if _OFF_TOPIC.search(sentence) and not _SUPPORT_CUE.search(sentence):
            ev = (Evidence(OFF_TASK, "off_topic", "unrelated small talk with no support cue", sentence),)
            return SentenceReading(sentence, (OFF_TASK,), ev if explain else ())
        if not set(acts) - {"others", OFF_TASK}:
            for act, regex in _FALLBACK.items():
                m = regex.search(sentence)
                if m:
                    ev = (Evidence(act, "rule", "fallback: " + regex.pattern[:60], m.group(0)),)
                    return _WeakReading(sentence, (act,), ev if explain else ())
            if self.backstop is not None:
                pred = self.backstop.predict(sentence, explain=explain)
                if pred is not None and pred[0] in BACKSTOP_ACTS:
                    ev = (Evidence(pred[0], "model", pred[1]),)
                    return _WeakReading(sentence, (pred[0],), ev if explain else ())
            return r
        drop: set[str] = set()
        if "_restate_frame" in acts and {
            "reflection_of_feelings",
            "affirmation_and_reassurance",
            "providing_suggestions",
        } & set(acts):
            drop.add("_restate_frame")
        heard = {_INTERNAL.get(a, a) for a in acts if a not in drop}
        if "question" in heard and (
            "providing_suggestions" in heard
            or ("restatement_or_paraphrasing" in heard and not _WH_START.match(sentence))
        ):
            drop.add("question")
        if "question" in heard and not _ASKS.match(sentence) and "reflection_of_feelings" in heard:
            # a statement said with a rising tone ("you must be exhausted?", "so he just left?"): a tentative
            # reflection checking itself, not an exploratory question
            drop.add("question")
        if "question" in heard and "question" not in drop:
            # a feeling or a reassurance named inside a question is what the question asks about ("are you
            # feeling anxious about it?", "do you think things will get better?"): the sentence asks. A fact told as a
            # question ("did you know ...?") stays information
            drop |= {"reflection_of_feelings", "affirmation_and_reassurance"} & heard
            if _ASKS.match(sentence) and not _TELLS.search(sentence):
                # "what do you think is causing it?" asks about causes; it tells nothing
                drop |= {"information"} & heard
        if "providing_suggestions" in heard and "reflection_of_feelings" in heard:
            # a feeling named inside advice is what the advice is for ("talk to a friend when your anxiety is bad",
            # "tell him how much it hurts you"): the sentence advises; it does not reflect the feeling back
            drop.add("reflection_of_feelings")
        if "question" in heard and _SMALLTALK_Q.match(sentence):
            drop.add("question")
            if "others" not in heard:
                acts.append("others")
        out: list[str] = []
        for a in acts:
            name = _INTERNAL.get(a, a)
            if a not in drop and name not in out:
                out.append(name)
        if len(out) > self.salad_limit:
            detail = f"{len(out)} strategies in one sentence (at most {self.salad_limit}): " + ", ".join(out)
            return SentenceReading(sentence, (OFF_TASK,), (Evidence(OFF_TASK, "crammed", detail),) if explain else ())
        evidence = tuple(
            dataclasses.replace(e, act=_INTERNAL.get(e.act, e.act)) for e in r.evidence if e.act not in drop
        )
        return SentenceReading(sentence, tuple(out), evidence)


#: the backstop model, fitted on our own paraphrase corpus only (benchmarks/fit_counseling_model.py)
INTENT_MODEL_PATH = Path(__file__).with_name("intent_model.json")

RECOGNIZER = CounselingRecognizer(STRATEGY_LEXICON, rapport_act="others", model=IntentModel.load(INTENT_MODEL_PATH))

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
REPLIES: dict[str, list[str]] = read_data_file(__file__, "replies.toml")

# --------------------------------------------------------------------------- agent phrases
_PHRASES = read_data_file(__file__, "phrases.toml")  # phrase banks (prose) live in phrases.toml
_EMOTION_ADJ: dict[str, list[str]] = _PHRASES["emotion_adj"]
_PROBLEM_PHRASE: dict[str, list[str]] = _PHRASES["problem_phrase"]

AGENT_PHRASES: dict[str, list[str]] = _PHRASES["agent_phrases"]


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
