"""Language of TravelAgent-v0: the recognizer lexicon, the user's replies, the agent's phrasings.

All recognizer patterns match the output of
:func:`dialgym.simulators.scripted.normalize_for_matching` (lower case, contractions
expanded: "do not", "i am"). Which activity a recommendation or comparison names is
found separately (:func:`dialgym.tasks.travel.catalog.find_activities`).

The prose (the user's reply bank :data:`REPLIES` in ``replies.toml``; the preference, budget and
dealbreaker phrasings and :data:`AGENT_PHRASES` in ``phrases.toml``) lives in data files next to
this module, read once at import; the rules and patterns stay here.
"""

from __future__ import annotations

import re

import numpy as np

from dialgym.core.task import read_data_file
from dialgym.tasks.travel.catalog import ACTIVITY_IDS, CATALOG, DIMS

# ------------------------------------------------------------------ agent strategies (recognizer)
LEXICON: dict[str, list[str]] = {
    "greeting": [
        r"^(?:hi+|hello+w?|helo|hey+|heya|hiya|yo|howdy|greetings|good (?:morning|afternoon|evening|day)|morning"
        r"|afternoon|evening|welcome)\b",
        r"\b(?:hi|hello|hey) there\b",
        r"\b(?:nice|great|lovely|pleased|glad|good|a pleasure) to (?:meet|hear from|see|chat with|have) (?:you|ya)\b",
        r"\bpleasure to (?:meet|assist|help|serve) you\b",
        r"\bhow (?:are|r) (?:you|u)(?: doing)?\b",
        r"\bhow is it going\b",
        r"\bthanks? (?:you )?for (?:reaching out|getting in touch|contacting|writing|stopping by|coming in|dropping by"
        r"|coming by)\b",
        r"\b(?:so |really )?(?:glad|happy) you (?:reached out|got in touch|came|stopped by|contacted us|dropped by)\b",
        r"\bwelcome (?:aboard|to (?:our|the|my))\b",
        r"\bhow (?:may|can) i (?:help|assist) you\b",
        r"\b(?:happy|glad|delighted) to help\b",
    ],
    "ask_preferences": [
        r"\bwhat (?:kind|kinds|sort|sorts|type|types) of (?:things|stuff|activities|activity|trip|experiences?"
        r"|vacation|holiday|day|fun|outing|plans|time|visit)\b",
        r"\btell me (?:a bit |a little |a little bit |more |abit )?about (?:yourself|you|what you|your (?:trip|plans"
        r"|taste|preferences|visit|day))\b",
        r"\bwhat (?:are|were) you (?:looking for|hoping|in the mood|after|thinking|picturing|planning|imagining"
        r"|wanting)\b",
        r"\b(?:get|want) out of (?:this|the|your) (?:trip|day|visit|holiday)\b",
        r"\bwhat (?:would|do|did|will) you (?:like|want|prefer|fancy|feel like|hope)(?: to do)?\b",
        r"\bwhat (?:would |will |could )?make[s]? (?:a|the|this|your|it) (?:\w+ )?(?:great|perfect|good|ideal"
        r"|memorable|special)\b",
        r"\b(?:your|any) (?:preferences|ideal day|ideal trip|wishes|wish list)\b",
        r"\bwhat sounds (?:good|fun|appealing|nice|best) to you\b",
        r"\b(?:describe|picture|imagine) (?:your|the) (?:ideal|perfect|dream)\b",
        r"\bwhat is your idea of\b",
        r"\bhow do you (?:like to|usually) (?:spend|travel)\b",
        r"\b(?:anything|something) (?:in particular|specific|special) (?:you|that you)\b",
        r"\bwhat (?:do|would) you (?:want|like|hope) (?:to )?(?:do|see|get)\b",
        r"\b(?:what|how) (?:you|you would) (?:picture|imagine|see) (?:the|your) day\b",
        r"\bwhat (?:you are|you were|you would be) (?:looking for|hoping for|after|picturing)\b",
        r"\bwhat (?:you want|you would like|you hope) (?:out of|from|to do)\b",
        r"\bwhat (?:kind|sort|type) of (?:trip|visit|day|holiday) is (?:this|it)\b",
        r"\bwhat would you (?:enjoy|love) (?:most|doing)?\b",
    ],
    # generic open questions: kept only when the sentence asks nothing more specific
    "ask_preferences~": [
        r"\b(?:have|had) in mind\b",
        r"\b(?:curious|wondering|wonder) (?:what|about what|what kind)\b",
        r"\b(?:i would|let me|i want to|i need to) (?:love to |like to )?(?:hear|know|understand) (?:what|more)\b",
        r"\bhelp me understand\b",
        r"\bwhat sort of experience\b",
        r"\b(?:let me know|tell me) what\b",
        r"\bwhat (?:would|do) you (?:enjoy|like)\b",
    ],
    "ask_budget": [
        r"\bbudgets?\b",
        r"\bhow much (?:are you|would you|do you|can you|were you|you would|you want|money|cash|to spend|have you"
        r"|you are|you can|you have)\b",
        r"\b(?:price|cost|spending|pricing|budget) ?(?:range|point|limit|level|cap|bracket|ceiling|bracket|max"
        r"|maximum)\b",
        r"\b(?:afford|splurge|splash out|expenditure|maximum amount)\b",
        r"\b(?:money|cost|price|prices|costs|expense|pricing)\b(?: [a-z]+){0,3} (?:is |are )?(?:a |an )?(?:no )?"
        r"(?:issue|concern|factor|object|matters?|problem|worry|important)\b",
        r"\bto spend\b",
        r"\b(?:want|like|willing|happy|prepared|able|planning|looking|comfortable|hoping|ready) (?:to )?"
        r"(?:spend|spending|pay|paying)\b",
        r"\b(?:cheap|affordable|pricey|expensive|luxury|luxurious|high end|upscale|free|costly|inexpensive)\b"
        r"[^.?!]{0,40}\?",
        r"\b(?:cheap|affordable|inexpensive|free)\b[^.?!]{0,30}\bor\b[^.?!]{0,30}\b(?:treat|splurge|pricey"
        r"|expensive|luxury|fancy|more)\b",
        r"\bhow (?:pricey|expensive|cheap|costly)\b",
        r"\bcash\b[^.?!]{0,20}\b(?:got|have|play|spend)\b",
    ],
    "ask_activity_level": [
        r"\bhow (?:active|energetic|fit|sporty|athletic|physical|mobile)\b",
        r"\b(?:activity|energy|fitness|exertion) levels?\b",
        r"\b(?:physically demanding|physical activity|physical effort|strenuous|exertion|break a sweat"
        r"|work up a sweat|on your feet|get moving|exercise|stamina|heart rate|on the move)\b",
        r"\b(?:are you|you are|you were) (?:pretty |quite |very |a )?(?:active|fit|sporty|athletic|energetic)\b",
        r"\b(?:active|energetic|physical|strenuous|demanding|sporty|intense)\b[^.?!]{0,40}\bor\b[^.?!]{0,40}"
        r"\b(?:easy|relaxed|laid back|chill|chilled|low key|gentle|calm|leisurely|relaxing)\b",
        r"\b(?:easy|relaxed|laid back|chill|chilled|low key|gentle|calm|leisurely)\b[^.?!]{0,40}\bor\b[^.?!]{0,40}"
        r"\b(?:active|energetic|physical|adventurous|action packed)\b",
        r"\baction packed\b[^.?!]{0,40}\bor\b",
        r"\b(?:pace|intensity)\b",
        r"\bup for (?:something |anything |a bit of |some )?(?:physical|active|energetic|strenuous|sporty)\b",
        r"\b(?:sporty|active|athletic|energetic|outdoorsy) (?:type|kind|sort)\b",
        r"\b(?:like|want|enjoy|love|prefer|fancy|mind|handle|fine with|ok with|okay with|comfortable with)"
        r"(?: [a-z]+){0,2} (?:active|energetic|physical|strenuous|walking|exercise|exertion|stamina)\b",
        r"\b(?:stay|staying|be|being|keep|keeping) (?:active|moving|on the move)\b",
        r"\b(?:lots of|a lot of|much|plenty of) (?:walking|physical|exercise)\b",
        r"\b(?:take it easy|taking it easy|energy)\b[^.?!]{0,40}\?",
        r"\b(?:pretty|very|quite|too|really) physical\b[^.?!]{0,40}\b(?:feel|ok|okay|fine|mind)\b",
        r"\bsomething energetic\b",
    ],
    "ask_interests": [
        r"\binterest(?:s|ed|ing)?\b",
        r"\b(?:hobbies|hobby|passions?|passionate)\b",
        r"\bwhat (?:are you|you are|is your|are your) (?:into|fan of|favou?rite|thing|jam)",
        r"\bwhat (?:do )?you (?:usually |normally |typically |generally |most )?(?:enjoy|like|love|are into)"
        r" (?:doing|to do|when|on|most|about)\b",
        r"\bwhat (?:kinds?|sorts?|types?) of things (?:do )?you (?:enjoy|like|love)\b",
        r"\b(?:relaxing|adventurous|cultural|outdoorsy|lively|chill|sporty|foodie)\b[^.?!]{0,40}\bor\b[^.?!]{0,40}\?",
        r"\b(?:are|were) you (?:more |much )?(?:into|a fan of|keen on|big on)\b",
        r"\bwhat (?:gets you excited|excites you|makes you happy|you are passionate)\b",
        r"\bare you (?:more )?(?:of )?(?:a|an) [a-z]+ (?:person|type|kind of person|lover|buff|fan)\b",
        r"\b(?:foodie|culture buff|history buff|nature lover|art lover|night owl|party animal|adrenaline junkie)\b",
        r"\b(?:lean|leaning|drawn|inclined|gravitate)(?: more)? (?:to|toward|towards)\b",
        r"\b(?:you|you would) find (?:fun|exciting|interesting|enjoyable)\b",
        r"\bgets you excited\b",
        r"\b(?:culture|cultural|history|historical|food|cuisine|nature|outdoors|adventure|nightlife|relaxation"
        r"|museums|the arts|art|sightseeing|shopping|music|outdoor pursuits)\b[^.?!]{0,60}\?",
    ],
    # generic "do you like ..." questions: kept only when the sentence asks nothing more specific
    "ask_interests~": [
        r"\bdo you (?:like|enjoy|love|fancy)\b",
        r"\bwhat (?:do )?you (?:usually |normally |typically |generally |most )?(?:enjoy|like|love|are into)\b",
    ],
    "ask_dealbreakers": [
        r"\bdeal ?-?brea?kers?\b",
        r"\b(?:avoid|off limits|off the table|no go|no gos|steer clear|hard no|must not|rule out|a problem"
        r" for you|out of the question|non starter|exclude|leave out)\b",
        r"\brules? (?:[a-z]+ ){0,2}out\b",
        r"\b(?:restrictions?|constraints?|limitations?|limits|allerg(?:y|ies|ic)|dietary|accessibility"
        r"|requirements)\b",
        r"\b(?:anything|something|things|stuff)(?: that)? (?:you|that you) (?:[a-z]+ ){0,2}(?:do not|would not"
        r"|will not|can not|could not|would rather not|hate|dislike|refuse|never)\b",
        r"\b(?:travell?ing|coming|here|visiting) with (?:kids|children|family|little ones|a child|your kids)\b",
        r"\b(?:kids|children|little ones) (?:with you|coming|along|in tow)\b",
        r"\bdo you drink\b",
        r"\b(?:bringing|with) (?:the |your |any )?(?:kids|children|family|little ones)\b",
        r"\b(?:kids|children|toddlers|alcohol|booze|drinking)\b[^.?!]{0,40}\?",
        r"\b(?:comfortable|ok|okay|fine|happy|alright|good) (?:with |on |in |around |about )?(?:being |going )?"
        r"(?:out )?(?:on |in |near )?(?:the )?(?:boats?|water|alcohol|drinking|kids|children|heights)\b",
        r"\b(?:can you swim|seasick|health reasons?|health issues?|injur(?:y|ies))\b",
        r"\b(?:not|never) (?:ok|okay|comfortable|fine|happy|keen) (?:with|on|about)\b",
        r"\bmust haves?\b",
        r"\bshould i (?:be aware of|watch out for|steer clear of|exclude)\b",
        r"\banything (?:else )?(?:i should|to) (?:know|keep in mind|watch out for)\b",
        r"\b(?:rather not|never want to|refuse to|hate to|hate) do(?:ing)?\b",
        r"\b(?:can not|will not|would not|do not want to) do\b",
    ],
    "offer_comparison": [
        r"\bwould you (?:rather|prefer)\b",
        r"\bdo you prefer\b",
        r"\b(?:which|what) (?:one |1 |of (?:these|those|the two|them) |option |sounds |appeals |would |do you"
        r" |is more )",
        r"\bwhich (?:one|1)\b",
        r"\b(?:compare|comparing|versus|vs)\b",
        r"\b(?:either|between)\b[^.?!]{1,80}\b(?:or|and)\b",
        r"\bor\b[^.!?]*\?",
        r"\btorn between\b",
        r"\b(?:pick|choose|prefer|take)\b[^.?!]{0,40}\bover\b",
        r"\b(?:more|rather|better)\b[^.?!]{0,40}\bthan\b",
        r"\b(?:beat|beats|instead of)\b",
        r"\bprefer\b[^.?!]{0,40}\bto\b",
        r"\b(?:whether|if)\b[^.?!]{0,60}\bor\b",
        r"^(?:the |a |an )?activity (?:or|vs|versus) (?:the |a |an )?activity\b",
    ],
    "recommend": [
        r"\b(?:i|we) (?:would |could |can |strongly |highly |really |definitely |warmly )*(?:recommend|suggest"
        r"|propose|advise)\b",
        r"\b(?:recommend|recommendation|suggestion|suggest)\b",
        r"\byou (?:should|could|might|must|ought to|would|will|d) (?:really |definitely |totally |absolutely )?"
        r"(?:try|do|go|check|book|consider|love|enjoy|like|want|adore)\b",
        r"\bif i were you\b",
    ],
    # recommendation cues that are only a recommendation when the turn names an activity
    "recommend~": [
        r"\b(?:how|what) about\b",
        r"\bwhy not\b",
        r"\bgo (?:for|on|with)\b",
        r"\b(?:perfect|ideal|great|good|best|right) (?:for you|fit|match)\b",
        r"\b(?:great|good|perfect|ideal|excellent|wonderful|top|solid|best) (?:fit|match|option|choice|pick|bet)"
        r" for you\b",
        r"\bis (?:a |an |the )?(?:great|good|perfect|ideal|excellent|wonderful|fantastic|top|solid|best) (?:choice"
        r"|option|pick|bet|fit|match|idea)\b",
        r"\bconsider\b",
        r"\bbook (?:you|it|a|an|the|yourself)\b",
        r"\bi (?:think|bet|reckon|believe|have a feeling|feel) (?:that )?(?:you|the|a|an|activity)\b",
        r"\b(?:top|best|my) (?:pick|choice|bet|recommendation|suggestion|idea|vote)\b",
        r"\b(?:try|check out|head to|visit|do|treat yourself to) (?:the|a|an|some)\b",
        r"\b(?:you will|you would|you are going to) (?:really )?(?:love|enjoy|like)\b",
        r"\b(?:the one|just the thing|right up your (?:alley|street)|would suit you|suit you)\b",
        r"\bwould be (?:perfect|ideal|great|a great fit|just right|lovely)\b",
        r"\b(?:sounds|looks|seems) (?:ideal|perfect|right|great) for you\b",
        r"^(?:maybe |perhaps |then |so |ok |okay )?(?:the |a |an )?activity(?: then| maybe| perhaps)?[?!.]?$",
        r"\b(?:definitely|deffo) go\b",
        r"\bmust (?:see|visit|do|try)\b|\bworth (?:a visit|visiting|seeing|a try|trying|doing|the trip)\b|"
        r"\bnot to be missed\b|\b(?:do not|you do not want to|you will not want to) miss\b",
    ],
}

#: Intents ignored when a negation precedes them ("I would not recommend ...").
NEGATION_SENSITIVE = ("recommend", "recommend~", "offer_comparison")

#: Weak cues ("<act>~"): generic phrasings that count as ``<act>`` only when nothing more specific is
#: heard (weak question cues: no other question in the same sentence; weak recommendation cues: the
#: turn names an activity). "I'm wondering what price range works for you" is a budget question,
#: not also an open one; "that would be perfect" is a recommendation only next to an activity.
WEAK_SUFFIX = "~"

#: Travel talk that carries no strategy but is on topic (heard as rapport, not off-task).
TOPIC: tuple[str, ...] = (
    r"\b(?:enjoy|have fun|have a (?:great|good|wonderful|lovely|fantastic) (?:time|trip|visit|stay))\b",
    r"\b(?:safe travels|bon voyage|happy travels)\b",
    r"\b(?:noted|good to know|helps a lot|that helps|very helpful|really helpful|so helpful|thx|ty)\b",
    r"\b(?:great|good|excellent|fine|nice) taste\b",
    r"\b(?:pleasure|lovely|nice|great) (?:chatting|talking|speaking|working) with you\b",
    r"\b(?:i|we) (?:appreciate|am glad|am happy|love that|hear you)\b",
    r"\b(?:completely|totally|fully) understand\b",
    r"\bmakes sense\b",
    r"\bfor (?:now|sharing|telling me|being so)\b",
    r"\b(?:trip|travels?|travell?ing|visit|holiday|vacation|stay|weather|city|flight|flying|train|hotel"
    r"|sightseeing)\b",
    r"\b(?:that|this|it) would be (?:great|perfect|lovely|wonderful|fun|nice|helpful)\b",
)

#: Claims that the traveller already chose or agreed (they have not: only they accept a suggestion).
CLAIM_CUES: tuple[str, ...] = (
    r"\byou (?:have |had )?(?:already |just )?(?:decided|chosen|chose|picked|agreed|settled|booked|selected"
    r"|gone with|made (?:your|a|the) (?:choice|decision))\b",
    r"\b(?:we have|we) (?:already )?(?:agreed|settled|decided|reached|found)\b",
    r"\b(?:that is|it is|all) (?:all )?settled\b",
    r"\byou already (?:said yes|love|like|want)\b",
)

#: Words that give a sentence structure. A sentence of three or more words without any of them that
#: still names strategies or several activities is a keyword salad ("budget interests kayak recommend").
FUNCTION_WORDS = frozenset(
    "you your yours i me my we us our it its is are am was were be been do does did would could should will can"
    " may might must shall what which how why when where who whom any anything something the a an to for of"
    " with on in at about or and but than vs versus if there this that these those not no so have has had let"
    " please tell know up out into from by as then just".split()
)

# ------------------------------------------------------------------ typos and chat shorthand
#: Chat shorthand and frequent misspellings, word -> replacement (applied to normalised text).
SHORTHAND: dict[str, str] = {
    "u": "you",
    "r": "are",
    "ur": "your",
    "ya": "you",
    "yu": "you",
    "wat": "what",
    "wut": "what",
    "whats": "what is",
    "wats": "what is",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "shud": "should",
    "shld": "should",
    "wud": "would",
    "wld": "would",
    "cud": "could",
    "thx": "thanks",
    "thnx": "thanks",
    "pls": "please",
    "plz": "please",
    "abit": "a bit",
    "alot": "a lot",
    "dont": "do not",
    "wont": "will not",
    "cant": "can not",
    "im": "i am",
    "youre": "you are",
    "isnt": "is not",
    "arent": "are not",
    "wouldnt": "would not",
    "doesnt": "does not",
    "didnt": "did not",
    "thats": "that is",
    "whatcha": "what do you",
    "lemme": "let me",
    "gimme": "give me",
    "somethin": "something",
    "anythin": "anything",
    "nothin": "nothing",
    "hopin": "hoping",
    "doin": "doing",
    "lookin": "looking",
    "walkin": "walking",
    "goin": "going",
    "kayakin": "kayaking",
    "hikin": "hiking",
    "cookin": "cooking",
    "deffo": "definitely",
    "defo": "definitely",
    "rly": "really",
    "tmrw": "tomorrow",
    "wich": "which",
    "whch": "which",
    "shoud": "should",
    "wuold": "would",
    "woud": "would",
    "coud": "could",
    "clas": "class",
    "helo": "hello",
    "welcom": "welcome",
    "gud": "good",
    "budjet": "budget",
    "buget": "budget",
    "sence": "sense",
    "awsome": "awesome",
    "intrest": "interest",
    "intrests": "interests",
    "musem": "museum",
    "musems": "museums",
    "aquarim": "aquarium",
    "aquarum": "aquarium",
    "recomend": "recommend",
    "reccomend": "recommend",
    "reccommend": "recommend",
    "sugest": "suggest",
    "activ": "active",
}

#: Words whose one-slip misspellings (a letter dropped, two swapped, one doubled) are read as the word.
TYPO_TARGETS: tuple[str, ...] = (
    "budget",
    "spend",
    "expensive",
    "afford",
    "interests",
    "interested",
    "interest",
    "hobbies",
    "passionate",
    "dealbreaker",
    "dealbreakers",
    "restrictions",
    "allergies",
    "avoid",
    "anything",
    "something",
    "recommend",
    "recommendation",
    "suggest",
    "definitely",
    "museum",
    "museums",
    "kayaking",
    "aquarium",
    "botanical",
    "garden",
    "cruise",
    "market",
    "hiking",
    "zipline",
    "cooking",
    "tasting",
    "walking",
    "historic",
    "active",
    "energetic",
    "physical",
    "strenuous",
    "exercise",
    "fitness",
    "sporty",
    "comfortable",
    "travelling",
    "children",
    "alcohol",
    "welcome",
    "morning",
    "evening",
    "afternoon",
    "hello",
    "thanks",
    "awesome",
    "holiday",
    "tomorrow",
    "culture",
    "nature",
    "adventure",
    "nightlife",
    "prefer",
    "rather",
    "between",
    "which",
    "would",
    "should",
    "could",
    "looking",
    "hoping",
    "wondering",
    "curious",
    "enjoy",
    "perfect",
    "price",
    "range",
    "limit",
    "would",
    "favourite",
    "favorite",
    "outdoors",
    "preferences",
    "experience",
    "theme",
    "class",
    "crawl",
    "night",
    "beach",
    "spa",
    "tour",
)
#: One-slip variants of the targets that are real words of their own (left alone). Checked against the
#: vocabulary of the real dialogues in ``../shared/realdata`` (PersuasionForGood, ESConv): no other slip
#: in :data:`TYPOS` occurs there as a word except misspellings of the target itself.
_REAL_WORDS = frozenset(
    "budge refer rater lass thing thank ether hinge ranger references waking rice pend send cold hell".split()
)


def _slips(word: str) -> set[str]:
    out = set()
    if len(word) >= 6:
        out |= {word[:i] + word[i + 1 :] for i in range(len(word))}
    if len(word) >= 5:
        out |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    if len(word) >= 4:
        out |= {word[:i] + word[i] + word[i:] for i in range(len(word))}
    out.discard(word)
    return out


def _build_typos() -> dict[str, str]:
    table: dict[str, str] = {}
    clash: set[str] = set()
    targets = set(TYPO_TARGETS)
    for word in TYPO_TARGETS:
        for slip in _slips(word):
            if slip in targets or slip in _REAL_WORDS:
                continue
            if slip in table and table[slip] != word:
                clash.add(slip)
            table[slip] = word
    for slip in clash:
        del table[slip]
    table.update(SHORTHAND)
    return table


TYPOS: dict[str, str] = _build_typos()
_WORD = re.compile(r"[a-z]+")


def fix_typos(norm: str) -> str:
    """Replace chat shorthand and one-slip misspellings of key words in normalised text."""
    return _WORD.sub(lambda m: TYPOS.get(m.group(0), m.group(0)), norm)


# ------------------------------------------------------------------ user replies
_PHRASES = read_data_file(__file__, "phrases.toml")  # phrase banks (prose) live in phrases.toml
#: Noun phrases for each interest dimension (what the user likes).
LIKES: dict[str, list[str]] = _PHRASES["likes"]

#: Short nouns for "something with more ...".
MORE: dict[str, list[str]] = _PHRASES["more"]

#: Noun phrases for each interest dimension (what the user does not care for).
DISLIKES: dict[str, list[str]] = _PHRASES["dislikes"]

BUDGET_PHRASES: dict[int, list[str]] = {int(k): v for k, v in _PHRASES["budget_phrases"].items()}

DEALBREAKER_PHRASES: dict[str, list[str]] = _PHRASES["dealbreaker_phrases"]

REPLIES: dict[str, list[str]] = read_data_file(__file__, "replies.toml")


def capitalize(s: str) -> str:
    return s[:1].upper() + s[1:]


# ------------------------------------------------------------------ agent phrasings
AGENT_PHRASES: dict[str, list[str]] = _PHRASES["agent_phrases"]


def agent_utterance(act: str, rng: np.random.Generator) -> str:
    """A natural phrasing of ``act`` drawn with ``rng``.

    ``act`` is a strategy name (``"ask_budget"``), ``"recommend:<activity_id>"`` or
    ``"offer_comparison:<activity_id>|<activity_id>"``.
    """
    name, _, arg = act.partition(":")
    if name not in AGENT_PHRASES:
        raise ValueError(f"unknown act {act!r}; strategies: {sorted(AGENT_PHRASES)}")
    options = AGENT_PHRASES[name]
    template = options[int(rng.integers(len(options)))]
    if name == "recommend":
        if arg not in CATALOG:
            raise ValueError(f"act {act!r} must name a catalogue activity: recommend:<id>, ids {list(CATALOG)}")
        return template.format(phrase=CATALOG[arg]["phrase"])
    if name == "offer_comparison":
        a, _, b = arg.partition("|")
        if a not in CATALOG or b not in CATALOG or a == b:
            raise ValueError(f"act {act!r} must name two different activities: offer_comparison:<id>|<id>")
        return template.format(a=CATALOG[a]["phrase"], b=CATALOG[b]["phrase"])
    if arg:
        raise ValueError(f"act {name!r} takes no argument, got {act!r}")
    return template


# ------------------------------------------------------------------ hint lexicon (for the adaptive agent)
#: Cues of each interest dimension in the user's words.
DIM_CUES: dict[str, str] = {
    "culture": r"\b(?:histor\w*|museums?|art|architecture|culture|cultural|exhibits|old buildings)\b",
    "food": r"\b(?:food\w*|eat\w*|dishes|cuisine)\b",
    "nature": r"\b(?:nature|scenery|green spaces|wildlife|landscapes?|outdoorsy|plants)\b",
    "adventure": r"\b(?:adventur\w*|adrenaline|thrills?|thrill seeking|action)\b",
    "relaxation": r"\b(?:relax\w*|unwind\w*|pamper\w*|calm|peaceful|lazing|slowing down|sitting still)\b",
    "nightlife": r"\b(?:nightlife|bars|dancing|late nights|night out|going out|partying)\b",
}
NEGATIVE_CUE = r"\b(?:not|bores?|never|rather skip|do without)\b"
SECONDARY_CUE = r"\b(?:also|too|as well|besides)\b"
BUDGET_CUES: list[tuple[int, str]] = [
    (0, r"\b(?:shoestring|free|broke|zero)\b"),
    (1, r"\b(?:cheap|inexpensive|watching my money|tight budget)\b"),
    (2, r"\b(?:mid range|not a fortune|moderate|nothing too fancy)\b"),
    (3, r"\b(?:not really an issue|splurge|does not matter much)\b"),
]
DEALBREAKER_CUES: dict[str, str] = {
    "no_physical": r"\b(?:bad knee|strenuous|nothing physical|exertion|much walking)\b",
    "no_alcohol": r"\b(?:drink|alcohol|boozy|sober)\b",
    "kid_friendly": r"\b(?:kids|children|family friendly|little ones)\b",
    "no_water": r"\b(?:swim|seasick|on the water|deep water)\b",
}
LEVEL_CUES: dict[str, str] = {
    "active": r"\b(?:being active|break a sweat|keep moving|energetic would be great|more energetic)\b",
    "easy": r"\b(?:take it easy|low key|exert myself|gentle pace)\b",
}
VAGUE_CUE = r"\b(?:i do not know|i am easy|can not decide|not sure|no idea|open to anything)\b"
NO_MORE_DEALBREAKERS_CUE = (
    r"\b(?:pretty open|nothing comes to mind|flexible about most|only thing|nothing else|that is all)\b"
)
_COMPILED: dict[str, re.Pattern[str]] = {}


def cue(pattern: str) -> re.Pattern[str]:
    """Compile (once) a hint-lexicon pattern."""
    c = _COMPILED.get(pattern)
    if c is None:
        c = _COMPILED[pattern] = re.compile(pattern)
    return c


#: The strategies the scripted user recognises (``info["agent_acts"]``).
ACTS: tuple[str, ...] = (
    "greeting",
    "ask_preferences",
    "ask_budget",
    "ask_activity_level",
    "ask_interests",
    "ask_dealbreakers",
    "offer_comparison",
    "recommend",
    "rapport",
    "off_task",
)

#: Comparison pairs in the repertoire (contrasting options; agents may compare any pair).
COMPARISON_PAIRS: tuple[tuple[str, str], ...] = (
    ("museum_tour", "kayaking"),
    ("food_tour", "spa_day"),
    ("hiking", "cooking_class"),
    ("nightlife_tour", "beach_day"),
    ("theme_park", "wine_tasting"),
    ("walking_tour", "botanical_garden"),
)

#: Concrete acts for the random agent, scripts and act-level wrappers.
ACT_REPERTOIRE: tuple[str, ...] = (
    "greeting",
    "ask_preferences",
    "ask_budget",
    "ask_activity_level",
    "ask_interests",
    "ask_dealbreakers",
    *(f"offer_comparison:{a}|{b}" for a, b in COMPARISON_PAIRS),
    *(f"recommend:{a}" for a in ACTIVITY_IDS),
)


__all__ = [
    "ACTS",
    "ACT_REPERTOIRE",
    "AGENT_PHRASES",
    "BUDGET_PHRASES",
    "COMPARISON_PAIRS",
    "DEALBREAKER_PHRASES",
    "DIMS",
    "DISLIKES",
    "LEXICON",
    "LIKES",
    "REPLIES",
    "agent_utterance",
]
