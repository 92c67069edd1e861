"""Language of the Instruction task: what the learner understands, says, and what agents say.

* :data:`LEXICON` / :data:`LEVEL_LEXICON`: regular expressions (over text normalised by
  :func:`dialgym.simulators.scripted.normalize_for_matching`: lower case, contractions
  expanded, only letters, digits and ``?!.,'`` kept) that recognise the agent's teaching
  strategy and the level an explanation is pitched at.
* :data:`REPLIES`: the learner's reply bank (several phrasings per reply kind; prose, so it
  lives in ``replies.toml`` next to this file, read once at import).
* :data:`AGENT_PHRASES` and :func:`agent_utterance`: natural phrasings of every act in
  ``ACT_REPERTOIRE`` (for the random, scripted and reference agents; the phrasings and the
  concept snippets they are built from live in ``phrases.toml``).
* :data:`HINT_LEXICON`: what the ask-then-adapt agent looks for in the learner's replies.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from dialgym.core.task import read_data_file
from dialgym.simulators.scripted import (
    OFF_TASK,
    Evidence,
    IntentRecognizer,
    ReplyBank,
    SentenceReading,
    normalize_for_matching,
)

# ----------------------------------------------------------------------------- concepts
#: concept key -> how people say it
CONCEPTS: dict[str, str] = {
    "compound_interest": "compound interest",
    "photosynthesis": "photosynthesis",
    "recursion": "recursion",
    "supply_and_demand": "supply and demand",
}

#: concept key -> patterns that find it in the learner's opening message
CONCEPT_PATTERNS: dict[str, str] = {
    "compound_interest": r"\bcompound(?:ing|ed)? interest\b|\bcompounding\b",
    "photosynthesis": r"\bphotosynthe",
    "recursion": r"\brecursi(?:on|ve)\b",
    "supply_and_demand": r"\bsupply and demand\b|\bsupply demand\b",
}
_CONCEPT_RES = {k: re.compile(p) for k, p in CONCEPT_PATTERNS.items()}


def find_concept(text: str) -> str | None:
    """The concept key mentioned in ``text`` (the learner's opening), or None."""
    norm = normalize_for_matching(text)
    for key, regex in _CONCEPT_RES.items():
        if regex.search(norm):
            return key
    return None


# ----------------------------------------------------------------------------- recogniser
#: chat shorthand and common misspellings -> the word the lexicon is written for (whole words of the
#: normalised text). Why: real learners' tutors type fast ("u", "dont", "exmaple"); regexes written for
#: clean English would hear such turns as off-task, and a learner would not.
SHORTHAND: dict[str, str] = {
    "u": "you",
    "ya": "you",
    "yu": "you",
    "ur": "your",
    "youre": "you are",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ty": "thank you",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "havent": "have not",
    "im": "i am",
    "ive": "i have",
    "id": "i would",
    "ill": "i will",
    "youve": "you have",
    "youll": "you will",
    "whats": "what is",
    "thats": "that is",
    "hows": "how is",
    "lets": "let us",
    "theres": "there is",
    "heres": "here is",
    "here's": "here is",
    "there's": "there is",
    "its": "it is",
    "cuz": "because",
    "coz": "because",
    "bc": "because",
    "b4": "before",
    "kinda": "kind of",
    "sorta": "sort of",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "n": "and",
    "ppl": "people",
    "abt": "about",
    "wat": "what",
    "wut": "what",
    "tho": "though",
    "thru": "through",
    "rly": "really",
    "realy": "really",
    "ok": "okay",
    "hii": "hi",
    "hiii": "hi",
    "heyy": "hey",
    "heyyy": "hey",
    "helo": "hello",
    "hallo": "hello",
    "hellooo": "hello",
    "welcom": "welcome",
    "exmaple": "example",
    "exampel": "example",
    "exmple": "example",
    "examle": "example",
    "exampels": "examples",
    "exmaples": "examples",
    "defintion": "definition",
    "definiton": "definition",
    "defenition": "definition",
    "defintions": "definitions",
    "formaly": "formally",
    "fromally": "formally",
    "analogie": "analogy",
    "anology": "analogy",
    "summery": "summary",
    "sumary": "summary",
    "summarise": "summarize",
    "basicly": "basically",
    "bascially": "basically",
    "awsome": "awesome",
    "apreciate": "appreciate",
    "compund": "compound",
    "intrest": "interest",
    "interst": "interest",
    "recurson": "recursion",
    "recusion": "recursion",
    "photosynthsis": "photosynthesis",
    "fotosynthesis": "photosynthesis",
    "suply": "supply",
    "demnad": "demand",
    "befor": "before",
    "itsef": "itself",
    "itslef": "itself",
    "hapen": "happen",
    "hapens": "happens",
    "happend": "happened",
    "understnad": "understand",
    "undrstand": "understand",
    "explian": "explain",
    "expalin": "explain",
    "snowbal": "snowball",
    "beggining": "beginning",
    "begining": "beginning",
    "prefere": "prefer",
    "perfer": "prefer",
    "progres": "progress",
    "definately": "definitely",
    "alot": "a lot",
    "everyones": "everyone is",
}
_SHORTHAND_RE = re.compile(
    r"(?<![\w'])(" + "|".join(re.escape(k) for k in sorted(SHORTHAND, key=len, reverse=True)) + r")(?![\w'])"
)


def expand_shorthand(norm: str) -> str:
    """Rewrite chat shorthand and common misspellings in normalised text (see :data:`SHORTHAND`)."""
    return _SHORTHAND_RE.sub(lambda m: SHORTHAND[m.group(1)], norm)


#: agent strategy -> regular expressions over normalised text with shorthand expanded, one sentence at a time
LEXICON: dict[str, list[str]] = {
    "greeting": [
        r"^(?:well |oh )?(?:hi+|hello+|hey+|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)|"
        r"morning|afternoon|evening)\b",
        r"\b(?:nice|good|great|lovely|pleased|glad|happy|a pleasure|delighted) to (?:meet|see|have) you\b",
        r"^(?:and )?welcome\b|, welcome\b|\bwelcome (?:to|aboard|back|along)\b|\b(?:hi|hello|hey) and welcome\b",
        r"\b(?:glad|happy|pleased|delighted) (?:to (?:help|be working|work with)|you (?:are here|reached out|came|"
        r"could make it|made it))\b",
        r"\bhow (?:are you|is it going|has your (?:day|week|morning)|is your (?:day|week))\b|\bwhat is up\b",
        r"\bhope (?:your|you are having a good) (?:day|week|morning)\b",
        r"\bthanks? (?:you )?for (?:joining|coming|stopping by|reaching out|being here)\b",
        r"\bmy name is\b|\bi (?:am|will be) your (?:tutor|teacher|guide)\b|\bi will be helping you\b",
    ],
    "ask_background": [
        r"\bwhat (?:do|did) you (?:already |currently |actually )?(?:know|understand|remember|recall)\b",
        r"\bwhat you (?:already |currently )?(?:know|remember|understand|recall)\b",
        r"\bhow (?:much|well) (?:do |did )?you (?:already |actually )?(?:know|understand|remember)\b",
        r"\bhow much (?:do you|have you|you have|you) (?:already )?(?:know|understand|picked up|learned|learnt|"
        r"covered|remember)\b",
        r"\bhow (?:familiar|comfortable|experienced|confident|new) are you\b|\bare you (?:familiar|comfortable) with\b",
        r"\b(?:your|any) (?:background|prior (?:knowledge|exposure|experience|studies)|previous experience|"
        r"experience (?:with|in)|familiarity|starting point|current understanding)\b",
        r"\bhave you (?:ever )?(?:studied|learned|learnt|heard|come across|seen|worked with|used|taken|done|"
        r"written|had|covered|read|encountered|tried|met)\b|\bdid you (?:ever )?(?:study|learn|cover|take|do)\b",
        r"\bwhat (?:is )?your (?:level|starting point|background|experience)\b|\bwhat (?:level|stage) are you\b",
        r"\bwhere are you (?:starting|coming) from\b",
        r"\b(?:is|was) (?:this|it|that) (?:completely |totally |brand |all |entirely )?new to you\b",
        r"\b(?:rate|describe|gauge|assess) your (?:current |prior |existing )?(?:knowledge|understanding|"
        r"familiarity|level|background)\b|\bgauge your\b",
        r"\bwhat comes to mind when\b|\b(?:has|have) (?:anyone|anybody|someone|a teacher) (?:ever )?"
        r"(?:explained|taught)\b",
        r"\bprior (?:knowledge|exposure|experience)\b|\bbeginner,? (?:intermediate|or (?:do|have|are))\b",
        r"\banything you (?:already )?(?:know|understand)\b",
    ],
    "ask_preference": [
        r"\bhow (?:do|would) you (?:like|prefer|want)\b|\bhow you (?:like|prefer|want)\b",
        r"\bhow (?:do you|you) (?:usually |best )?learn\b|\bhow do you (?:usually )?like\b",
        r"\bhow should i (?:explain|teach|present|approach|go about|put)\b",
        r"\bwhat (?:kind|sort|type|style)s? of (?:explanation|teaching|learning|learner|example|approach|thing)s? "
        r"(?:works?|worked|helps?|suits?|do you|would)\b|\bwhat (?:kind|sort|type) of explanations?\b",
        r"\b(?:explanations?|teaching|approach|style|method)s? (?:works?|worked|suits?|helps?|has worked)\b"
        r"(?: \w+)? (?:for )?you\b|\bworked (?:best |well )?for you\b",
        r"\bwhat (?:helps|works|worked) (?:best |well )?(?:for )?you\b|\bwhat works best\b",
        r"\b(?:learning|teaching|explanation) style\b|\bstyles? of (?:explanation|teaching|learning)\b",
        r"\bdo you (?:prefer|learn (?:better|best|more))\b|\byou prefer (?:examples|analogies|definitions|formal|"
        r"concrete|more|a |the )",
        r"\bdo you (?:like|want|enjoy) (?:learning|examples|analogies|definitions|formal|concrete|comparisons|"
        r"the (?:formal|technical|precise|rigorous|math)|theory|things|me to)\b",
        r"\bdo you find (?:\w+ ){1,2}(?:useful|helpful)\b|\b(?:do|does|would|will) (?:examples|analogies|"
        r"definitions|comparisons|pictures|diagrams|formulas|an? (?:analogy|example|metaphor|picture|diagram)) "
        r"help\b",
        r"\bwould you (?:rather|prefer|like me to (?:use|compare|give|show|start|keep|go|stick))\b",
        r"\bwould it help (?:more |you )?(?:if|to)\b|\bwhich (?:would you|do you|are you|one would|suits|works)\b",
        r"\bwhich (?:way|kind|style|approach|option|one)s? (?:suits?|works?|helps?|do you|would you)\b",
        r"\bpreferences?\b|\bif you had to choose\b|\bchoose between\b",
        r"\b(?:a|an) (?:hands on|visual|practical|theory|reading|big picture|detail) (?:learner|person)\b",
        r"\bshould i (?:use|stick|keep|start|give)\b|\bdo you want me to (?:keep|use|start|go|give|stick)\b",
        r"\beasier for you to (?:understand|learn|follow)\b|\bhow (?:was|were) (?:it|you) taught\b",
        r"\bi (?:can|could) explain (?:this|it) in (?:a few|several|different|many|two|three) (?:different )?ways\b",
        r"\b(?:adapt|tailor) (?:this |it |my explanations? |my teaching )?to you\b",
    ],
    "explain_with_example": [
        r"\bfor (?:example|instance)\b|\be\.? ?g\.?,? ",
        r"^(?:an?|one|another|a classic|a simple|a good|my favou?rite|a quick) example\b|^example\b",
        r"\b(?:here is|take|as|consider) (?:an?|one|this|a (?:concrete|quick|real|simple|specific|practical)) "
        r"(?:example|case|instance)\b|\ban example (?:is|would be)\b|\bexample ?:",
        r"^(?:so )?(?:take|consider) (?!your time|a (?:break|breath|moment))",
        r"\b(?:let us|let me) say\b|\bsay (?:you|we|that you|your)\b|^(?:so )?say (?!it|that|this|hi|hello)",
        r"\bsuppose (?:you|that|we|a|an|your)\b|\bimagine (?:you|that you|if you|your)\b",
        r"\bin (?:a )?(?:real|concrete|practical) (?:life )?(?:case|terms|example|situation)\b|\ba real case\b|"
        r"\bin real life\b|\bin the real world\b",
        r"\b(?:walk|work) (?:you )?through a (?:case|concrete|real|worked)|\bworked example\b",
        r"\b(?:a|one) (?:concrete|real|specific|practical) (?:case|example)\b|\bconcretely\b",
        r"^think about (?:a|an|the|your|what happens)\b|\blike when (?:you|everyone|people|a|the)\b",
        # an example introduced by its structure, not a cue word: "Think about concert tickets.", "Look at
        # strawberries: ...", "Let's take a bakery." (what the case shows is judged by the concept check)
        r"^(?:so |now |okay |ok |well |just |first |and )?(?:think about|look at|take a look at|consider) "
        r"(?!(?:it|that|this|them|me|what you|how you|your (?:own |answer|level|background|time))\b)",
        r"^let us (?:look at|take|consider|think about) (?:a|an|one|some|what happens|how)\b",
        r"^(?:so |now )?(?:imagine|picture|take|consider) (?:two|three|four) \w+",  # cases set side by side
        # a small experiment the learner could run: "Put a plant in the sun and you'll see bubbles."
        r"\b(?:and|then) you (?:will|would|can|could|should) (?:see|notice|watch|find)\b",
    ],
    "explain_with_analogy": [
        r"\b(?:is|are|works?|acts?|behaves?|functions?) (?:(?:a bit|a little|kind of|sort of|basically|much|just|"
        r"rather|exactly|somewhat|pretty much|a lot|very much) )?like\b",
        r"\b(?:just|much|kind of|sort of|a bit) like\b|\bsimilar to\b|\bdoes the same\b",
        # "works the same way", "the same way a snowball grows", "just as a snowball ..." (a comparison);
        # not "count its files the same way" (a procedure repeated) nor "just as much"
        r"\b(?:works?|acts?|behaves?|goes|happens|grows?) (?:in )?(?:much |just |exactly |pretty much )?the same way\b|"
        r"\bthe same way (?:as|that|a|an|the)\b|^(?:in )?(?:much |just |exactly )?the same way\b|"
        r"\bjust as (?:a|an|the|your|you|we|when)\b|^just as\b",
        # a familiar scene set up to stand for the concept: "Imagine a seesaw: ...", "Imagine standing in a queue"
        # (a scene that is a case of the concept itself is an example: the learner decides, see scene_is_instance)
        r"^(?:so |now |okay |just )?(?:imagine|picture) (?:a|an|some|yourself|you are standing|\w+ing)\b",
        r"\bthink of (?:it|this|that|them|a|an|the)\b|\bthink of (?:\w+ ){1,3}?(?:as|like)\b",
        r"\b(?:picture|imagine|see|view|treat) (?:\w+ ){1,3}?as (?:a|an|the)\b|^picture (?:a|an|the)\b",
        r"\bimagine (?:the|a|an|that the) \w+ (?:is|are) (?:a|an|the)\b",
        r"\bcompar(?:e|ing) (?:\w+ ){0,3}?(?:to|with)\b|\bcompared to\b",
        r"\b(?:analogy|analogies|analogous|metaphor|metaphorically)\b|\bin the same way (?:that|as)\b|\bresembles?\b",
    ],
    "explain_formally": [
        r"\bformally\b|\bin (?:precise|technical|exact|rigorous|mathematical|formal|strict) terms\b",
        r"(?:^|[:,] )(?:more )?(?:technically|precisely|rigorously|strictly)\b|\bmathematically\b|"
        r"\bstrictly speaking\b|\btechnically speaking\b|\bmore rigorously\b",
        r"\b(?:state|put|define|say) (?:it|this) (?:precisely|formally|rigorously|exactly)\b",
        r"\b(?:put|stated|said|expressed|written) (?:more )?(?:precisely|formally|rigorously|exactly|technically|"
        r"mathematically)\b",
        r"\b(?:the|a|its|formal|precise|exact|textbook) definition\b|^definition\b|\bdefinition ?:",
        r"\b(?:is|are) defined (?:as|by|in terms of)\b|\bby definition\b",
        r"\bthe (?:formula|equation|law|theorem)\b|\bthe rule\b(?! of (?:thumb|\d))|\bformula (?:is|for)\b|"
        r"\bthe (?:formal|precise|exact|"
        r"technical|mathematical) (?:rule|statement|version|model)\b",
        r"\bis given by\b|\bin symbols\b|\brefers to\b|\b(?:just|simply|basically|essentially) means\b",
        r"\bis the (?:process|practice|concept|principle|conversion|synthesis|addition|model|mechanism) "
        r"(?:of|by which|where|in which|whereby)\b",
        r"\bis a (?:programming |mathematical |biological |economic )?(?:technique|method|process) "
        r"(?:in which|where|by which|of)\b|\bconsists of\b",
        # the concept as the subject of a definition: "photosynthesis is a process that ...", "in computer
        # science, recursion is when a function calls itself" (the learner still judges whether it teaches)
        r"(?:^|, |: |\bso |\bbasically |\bsimply |\bessentially )(?:compound(?:ing|ed)? interest|compounding|"
        r"photosynthesis|recursion|supply and demand) (?:is|are|means|happens) (?:basically |simply |just |"
        r"essentially |really |actually )?(?:a|an|the|when|where|what|how)\b",
    ],
    "check_understanding": [
        r"\bcheck (?:your|how much you|that you|if you|whether you)\b|\bcheck (?:your )?understanding\b",
        r"\blet me (?:just )?(?:check|make sure|see if|test)\b|\bto (?:check|make sure|see if) (?:you|that you|it)\b",
        r"\b(?:quick|pop|little|small) (?:question|quiz|check|test)\b|\bquiz\b|\bpractice (?:question|problem)\b",
        r"\btest (?:yourself|your understanding|you|it)\b|\b(?:let us) (?:test|check|see if)\b",
        r"\b(?:explain|say|put|tell|repeat) (?:it |that |this |them )?back\b|\bin your (?:own )?words\b",
        r"\bwhat (?:do you think )?would happen (?:if|to)\b|\bwhat do you think (?:would|will|happens)\b",
        r"\bhow would you (?:explain|describe|compute|work out|calculate|figure out|solve)\b",
        r"\b(?:can|could) you (?:tell me|work out|figure out|predict|guess|try|explain|say|name|think of|solve|"
        r"calculate|compute|show me|give me an example)\b",
        r"\byour turn\b|\btry (?:this|one|a quick|solving|working|answering|explaining|telling|saying)\b|"
        r"\bsee if you can\b|\blet us see if you\b",
        r"\bwhat would you (?:expect|predict|guess|say)\b",
        r"\b(?:does|did) (?:that|this|it|everything|all (?:of )?that) (?:make sense|click|land)\b|"
        r"\bmake sense so far\b",
        r"\b(?:are you|you) (?:following|with me)\b|\bdo you follow\b|\bdo you get (?:it|that|this)\b",
        r"\bis (?:everything|that|it|this|all (?:of )?(?:this|that)) clear\b|\bany questions\b",
        r"\b(?:walk|talk) me through\b|\b(?:small|quick|little) (?:problem|exercise|challenge) for you\b|"
        r"\bhere is a (?:small |quick |little )?(?:problem|question|exercise|puzzle|challenge)\b",
    ],
    "summarize": [
        r"\bto (?:sum (?:it |this |things |everything )?up|summari[sz]e|recap|wrap (?:it |this |things )?up)\b",
        r"\bin (?:summary|conclusion|a nutshell|sum)\b|\bin short\b|\bsumming up\b|\bsummary\b|\brecap\b",
        r"\b(?:wrapping|pulling|putting) (?:it |this |everything |things )?(?:all )?(?:up|together)\b|"
        r"\bpull (?:it|this|everything) (?:all )?together\b|\blet me summari[sz]e\b",
        r"\b(?:key|main|big|short|take home) (?:takeaways?|points?|ideas?|message|lesson|version|picture)\b|"
        r"\btakeaway\b|\bthe gist\b|\bbottom line\b|\ball in all\b|^overall\b|\bso overall\b|^so,? basically\b",
        r"\b(?:go|went) over what we\b|\bwhat we (?:have )?(?:covered|learned|learnt|seen|discussed|went over)\b",
    ],
    "encourage": [
        r"\byou are doing (?:\w+ )?(?:great|well|fine|good|awesome|amazing|excellent|brilliant|a (?:great|good|"
        r"fantastic) job)\b",
        r"\byou are (?:making|getting) (?:\w+ )?(?:progress|there|the hang|it)\b|\bgetting the hang\b|"
        r"\bmaking (?:\w+ )?progress\b|\bon the right track\b|\bcloser than you think\b|\b(?:almost|nearly) there\b",
        r"\b(?:do not|no need to) (?:worry|stress|panic|be (?:discouraged|hard on yourself|afraid)|give up|feel bad)"
        r"\b|\bno (?:worries|pressure|rush|shame)\b",
        r"\b(?:it is|that is) (?:totally |completely |perfectly |absolutely )?(?:normal|okay|fine|alright|natural|"
        r"understandable) (?:to|not to|if)\b|\b(?:completely|totally|perfectly) normal\b",
        r"\beveryone (?:does|struggles|finds|gets)\b|\b(?:lots|a lot) of people (?:find|struggle|get)\b|"
        r"\btrips (?:up )?(?:a lot of|lots of|many|most|everyone)\b|\btrips everyone up\b",
        r"\byou (?:have )?got this\b|\byou can (?:do|get) (?:it|this)\b|\bi believe (?:in you|you can)\b|"
        r"\byou will get (?:it|there)\b|\bit will click\b|\bhang in there\b|\bwell done\b",
        r"\b(?:good|great|nice|excellent) (?:job|work|effort|progress)\b|(?:^|, |and )keep going\b|"
        r"\bkeep (?:it up|at it|trying)\b|\bdo not give up\b",
        r"\bbe patient with yourself\b|\btakes time\b|\btake your time\b|\bas slowly as you\b|\bproud of\b",
        r"\bmistakes are\b|\bsilly question\b|\byou are learning\b|\bfaster than most\b|\bpicking (?:this|it) up\b|"
        r"\bsticking with it\b|\band it shows\b|\bhandling it well\b|\bi am impressed\b",
    ],
}

#: sentences heard as ``rapport`` (no cost) when they carry no strategy, beyond the engine's RAPPORT_LEXICON:
#: the concept itself (talking about the topic is not off-task) and praise of the learner's contributions
TOPIC_PATTERNS: tuple[str, ...] = (
    *CONCEPT_PATTERNS.values(),
    r"\b(?:smart|good|great|nice|excellent|interesting|lovely|fair|clever|sharp) (?:observation|answer|point|"
    r"question|thought|way to put it|try|guess|thinking)\b",
    r"^understood\b|\bwell put\b|\bway to put it\b",
    r"\b(?:pleasure|great|nice|lovely|fun) (?:working|talking|chatting|learning) with you\b",
    # talk about the lesson itself: "what topic would you like to learn about?", "I'm here to help you understand"
    r"\b(?:help|assist) (?:you )?(?:with|learn|understand|explain)\b|\b(?:ready|happy|glad|here) to (?:help|explain|"
    r"teach|assist)\b|\b(?:what|which|any) (?:topic|subject|concept)s?\b|\b(?:learn|know|understand) (?:about|"
    r"more)\b|\bask (?:me )?(?:anything|any questions|your (?:follow up )?questions)\b",
)


#: the level an explanation is pitched at; unmarked explanations are "intermediate"
LEVEL_LEXICON: dict[str, list[str]] = {
    "basic": [
        r"\b(?:the )?basics\b",
        r"\bbasic(?:ally)? (?:level|terms|idea|version)\b",
        r"\b(?:in )?(?:simple|simplest|plain|everyday) (?:terms|words|english|language|version)\b",
        r"\bput simply\b",
        r"\bsimply put\b",
        r"\b(?:keep|keeping) (?:it|things|this) (?:really |very |nice and |super )?simple\b",
        r"\bfrom scratch\b",
        r"\bbeginner\b",
        r"\bstart(?:ing)? (?:from|at) the (?:very )?(?:beginning|start)\b|\bfrom the (?:very )?(?:beginning|"
        r"ground up)\b",
        r"\bwithout (?:any )?jargon\b|\bno jargon\b",
        r"\blike you are five\b",
        r"\beli5\b",
        r"\bsimplified\b",
    ],
    "advanced": [
        # "skip the basics", "since you already know the basics": the basics named only to be left behind
        # (listed first so it is found at "skip", before the basic level's "the basics")
        r"\b(?:skip(?:ping)?|past|beyond|move (?:on )?(?:past|beyond|from)|get(?:ting)? past|go(?:ing)? past|"
        r"already (?:know|have|understand|got)|you know) (?:all )?(?:of )?(?:the )?basics\b",
        r"\badvanced\b",
        r"\bin (?:more )?depth\b",
        r"\bdeeper\b",
        r"\bnuances?\b",
        r"\bsubtle(?:ty|ties)?\b",
        r"\bsophisticated\b",
        r"\bedge cases?\b",
        r"\bexpert(?: |-)level\b",
        r"\bgraduate(?: |-)level\b",
        r"\bbeyond the (?:basics|textbook)\b",
        r"\b(?:more|most) technical\b",
        r"\bfiner points\b",
        r"\bunder the hood\b",
    ],
    "intermediate": [
        r"\bintermediate\b",
        r"\bbuilding on\b",
        r"\bone step (?:further|up)\b",
        r"\bmoderate (?:level|detail)\b",
    ],
}

#: strategies in the order they are listed in ``ACTS`` (off_task comes from the engine)
STRATEGIES: tuple[str, ...] = tuple(LEXICON)
EXPLAIN_ACTS: tuple[str, ...] = ("explain_with_example", "explain_with_analogy", "explain_formally")
#: explanation act -> the learning style it serves
STYLE_OF: dict[str, str] = {
    "explain_with_example": "examples",
    "explain_with_analogy": "analogies",
    "explain_formally": "formal",
}
EXPLAIN_FOR_STYLE: dict[str, str] = {v: k for k, v in STYLE_OF.items()}
LEVELS: tuple[str, ...] = ("basic", "intermediate", "advanced")

#: the act of a sentence that is ordinary conversation (acknowledgement, praise, thanks, closing, talk about
#: the topic) rather than a teaching strategy; not in ``ACT_REPERTOIRE``
RAPPORT = "rapport"

# ----------------------------------------------------------------------------- is it about the concept?
#: concept -> groups of key ideas (regexes over normalised text plus the raw lower-cased text, so symbols
#: such as "%", "$" and "(1 + r)" count); an explanation must touch the concept to teach it
KEY_IDEAS: dict[str, dict[str, str]] = {
    "compound_interest": {
        "interest": r"\binterests?\b",
        "rate": r"\brates?\b|\bper ?cent\b|%|\bannual(?:ly)?\b|\byearly\b|\bmonthly\b|\bper (?:year|month|annum)\b"
        r"|\(1 ?\+ ?r",
        "money": r"\bmoney\b|\bdollars?\b|\bbucks\b|\bpounds\b|\beuros?\b|\bcash\b|\bsav(?:e|es|ed|ing|ings)\b|"
        r"\binvest\w*|\bdeposit\w*|\bloans?\b|\bborrow\w*|\bowe[sd]?\b|\bdebts?\b|\bbanks?\b|\baccounts?\b|"
        r"\bcredit cards?\b|\bretirement\b|\bprincipal\b|\bbalance\b|\bfinanc\w*|[$\u00a3\u20ac]",
        "growth": r"\bgr[oe]w\w*|\bdoubl\w*|\bexponential\w*|\bgeometric\w*|\bsnowball\w*|\bearn\w*|\breturns?\b|"
        r"\bon (?:the|your|its) interest\b|\badded to\b|\bincreas\w*",
        "time": r"\byears?\b|\bmonths?\b|\bperiods?\b|\bover time\b|\blonger\b|\bdecades?\b|"
        r"\bstart(?:s|ing|ed)? early\b",
        # the point of compounding in everyday words: growth feeds on itself, so it speeds up
        "feedback": r"\b(?:interest|growth|gains?|returns?|earnings|money) (?:on|produces|makes|earns|breeds|"
        r"generates|brings|creates|earning) (?:more |its own |further )?(?:interest|growth|gains?|returns?|earnings|"
        r"money)\b|\bfaster and faster\b|\bbigger and bigger\b|\bfaster (?:every|each) (?:year|month)\b",
    },
    "photosynthesis": {
        "plant": r"\bplants?\b|\bleaf\b|\bleaves\b|\btrees?\b|\bgrass\b|\bflowers?\b|\bsunflowers?\b|\balgae\b|"
        r"\bpondweed\b|\bcrops?\b|\bhouseplants?\b|\bautotrophs?\b|\bgreen\b|\bseedlings?\b",
        "light": r"\bsun\w*|\blight\b|\bphotons?\b|\bsolar\b|\blamps?\b",
        "carbon": r"\bcarbon\b|\bco2\b|\bco 2\b|\bthe air\b",
        "water": r"\bwater\b|\bh2o\b|\broots?\b",
        "sugar": r"\bsugars?\b|\bglucose\b|\bfood\b|\bstarch\b|\bcarbohydrates?\b|\bc6h12o6\b",
        "oxygen": r"\boxygen\b|\bo2\b",
        "cell": r"\bchloro\w*|\bthylakoids?\b|\bcalvin\b|\bstroma\b|\batp\b|\bnadph\b|\brubisco\b",
        "energy": r"\benergy\b",
    },
    "recursion": {
        "self": r"\bitself\b|\bthemselves\b|\bthe same (?:function|thing|question|problem|recipe|steps?|way|task)\b|"
        r"\bself\w*|\bcalls? (?:itself|the same)\b|\b(?:very )?same (?:question|task|job|trick|thing|process|"
        r"rule|method|procedure|operation)\b|\bwho (?:then |in turn )?(?:asks|does|calls|opens|tells|hands|passes)\b|"
        r"\bin turn\b",
        "function": r"\bfunctions?\b|\bprocedures?\b|\bcode\b|\bprogram\w*|\bdef\b|\breturns?\b|\balgorithms?\b|"
        r"\bcalls?\b|\bcalling\b",
        "base": r"\bbase cases?\b|\buntil (?:you|it|we) (?:reach|hit|get)\w*|\band so on\b|\bstops?\b|\bstopping\b|"
        r"\bterminat\w*|\bsmallest\b|\btiny\b|\bzero\b|\bempty\b|"
        r"\bground floor\b|\bbottom\b|\b(?:simplest|easiest|simple|easy|smallest|trivial|tiniest) (?:case|version|"
        r"one|problem|step|instance)\b|\buntil (?:the|you|it|we|there|one) (?:first|last|end|smallest|simplest|"
        r"bottom|front|only|reach\w*|hit\w*|get\w*)\b",
        "smaller": r"\bsmaller\b|\bsimpler\b|\bsub\w*|\brest of\b|\bhalf\b|\breduc\w*|\bbreak\w* (?:\w+ )?down\b|"
        r"\bcop(?:y|ies)\b|\bnest\w*|\binside\b",
        # the answers combine on the way back: "the answers pass back", "each person adds one", "add them up"
        "combine": r"\b(?:answers?|results?|values?) (?:then )?(?:pass\w*|come|go|get passed|travel\w*|flow\w*|"
        r"bubble\w*|multipl\w*|add\w*|combin\w*) (?:back|up)\b|\bon the way (?:back|up|out)\b|\bback (?:up|down) "
        r"the (?:line|chain|stack|queue)\b|\bpass(?:es|ed)? (?:it |them |the answers? )?back\b|"
        r"\bcombin\w* (?:the |their )?(?:answers|results)\b|"
        r"\badd(?:s|ing)? (?:them |everything |it all |the answers )?up\b|"
        r"\beach (?:person |one |doll |step |level |call )?add(?:s|ing)\b",
        "cases": r"\bfactorials?\b|\bfib\w*|\bdolls?\b|\bmirrors?\b|\bfolders?\b|\bdirector\w*|\bstack\b|\binducti\w*|"
        r"\blists?\b|\bn ?- ?1\b|\bcountdown\b",
    },
    "supply_and_demand": {
        "supply": r"\bsuppl\w*|\bsellers?\b|\bproducers?\b|\bstock\b|\bplent\w*|\bscarc\w*|\bshortages?\b|"
        r"\babundan\w*|\bheaps of\b|\brare\b|\brun(?:s|ning)? out\b|\bsold out\b|\bsell(?:s|ing)? out\b|"
        r"\bsurplus\w*|\bavailable\b|\bonly (?:a few|one)\b|\bfewer\b|\bnot enough\b|\bproduc\w*",
        "demand": r"\bdemand\w*|\bbuyers?\b|\bconsumers?\b|\bcustomers?\b|\bwants?\b|\bwanted\b|\bpopular\b|"
        r"\bshoppers?\b|\bfans\b|\bbidders?\b|\b(?:lots|many|loads|plenty) of people\b",
        "price": r"\bpric\w*|\bcosts?\b|\bexpensive\b|\bcheap\w*|\bcharge\w*|\bpay\b|\bafford\w*|\bresale\b|"
        r"\bbargains?\b|\bdiscount\w*|\bmark(?:ed|s)? (?:up|down)\b",
        "market": r"\bmarkets?\b|\bequilibrium\b|\bauction\w*|\bsell\w*|\bsold\b|\bbuy\w*|\bgoods\b|\bquantit\w*|"
        r"\bcurves?\b|\bstores?\b|\bshops?\b",
    },
}
_KEY_IDEA_RES = {c: {g: re.compile(p) for g, p in groups.items()} for c, groups in KEY_IDEAS.items()}
_ANY_KEY_IDEA = re.compile("|".join(f"(?:{p})" for groups in KEY_IDEAS.values() for p in groups.values()))
#: an explanation counts when it names the concept and touches one key idea, or touches two key ideas
MIN_KEY_IDEAS = 2


def key_ideas(text: str, concept: str) -> list[str]:
    """The key-idea groups of ``concept`` that ``text`` touches (``"name"`` first when it names the concept).

    The concept's name is struck out before the groups are matched, so "compound interest" alone is
    one idea, not two.
    """
    if concept not in KEY_IDEAS:
        raise ValueError(f"unknown concept {concept!r}; expected one of {list(KEY_IDEAS)}")
    norm = expand_shorthand(normalize_for_matching(text))
    name = _CONCEPT_RES[concept]
    found = ["name"] if name.search(norm) else []
    hay = name.sub(" ", norm) + " | " + name.sub(" ", text.lower())
    found += [g for g, regex in _KEY_IDEA_RES[concept].items() if regex.search(hay)]
    return found


#: a reference to the concept under discussion without naming it ("this idea", "the concept")
_TOPIC_REFERENCE = re.compile(r"\b(?:this|the|that) (?:idea|concept|topic|principle|mechanism)\b")
#: the fewest words an explanation that only refers to "this idea" needs to count (cue words alone do not)
VAGUE_MIN_WORDS = 12


def vague_about_concept(text: str, concept: str) -> bool:
    """Whether ``text`` explains "this idea" in general terms, in a sentence or more, without another concept.

    Why: agents that phrase acts without knowing the concept (``agent_utterance`` without ``concept``: the
    random agent, fixed scripts, act-level RL policies) explain "this idea" in general words. A learner
    takes a vague explanation of the topic under discussion as an explanation, but a weak one (the learner
    applies a reduced gain); cue words alone, or another concept's content, are not.
    """
    norm = expand_shorthand(normalize_for_matching(text))
    if not _TOPIC_REFERENCE.search(norm) or len(norm.split()) < VAGUE_MIN_WORDS:
        return False
    return not any(len(key_ideas(text, other)) >= MIN_KEY_IDEAS for other in KEY_IDEAS if other != concept)


def about_concept(text: str, concept: str) -> bool:
    """Whether an explanation in ``text`` is about ``concept`` (at least :data:`MIN_KEY_IDEAS` ideas).

    Why: a tutor's explanation must carry the concept's content to teach it; cue words alone ("for
    example", "it's like", "formally") or an explanation of another concept teach nothing.
    """
    return len(key_ideas(text, concept)) >= MIN_KEY_IDEAS


#: a scene set up for the learner to picture: "Think of a sunflower in a garden.", "Imagine a seesaw: ..."
#: (over raw lower-cased text, so the scene stops at punctuation; group 1: what is pictured)
_SCENE_LEAD = re.compile(
    r"(?:^|[.!?]\s+)(?:so |now |okay |just )?(?:think of|imagine|picture) (?:a |an |the |some |your )?([^:;,.!?(]*)"
)
#: words that make a comparison explicit ("is like", "think of it as a", "the same way", "just as")
_COMPARISON = re.compile(
    r"\blike\b|\bas (?:a|an|the)\b|\bsimilar\b|\bsame way\b|\bjust as\b|\banalog\w*|\bmetaphor\w*|\bcompar\w*|"
    r"\bresembl\w*|\bdoes the same\b"
)


def scene_is_instance(text: str, concept: str) -> bool:
    """Whether ``text`` pictures a case of ``concept`` itself, with nothing compared: an example, not an analogy.

    Why: "think of / imagine / picture a ..." sets up either a familiar thing from elsewhere (a seesaw for
    supply and demand: an analogy) or a case of the concept itself (a sunflower for photosynthesis: an
    example). The words alone cannot tell; the learner, who knows what they asked about, can: when what is
    pictured is part of the concept (touches one of its key ideas) and the turn compares nothing with it, it
    is an example.
    """
    norm = expand_shorthand(normalize_for_matching(text))
    m = _SCENE_LEAD.search(text.lower().strip())
    if m is None or _COMPARISON.search(norm):
        return False
    pictured = " ".join(m.group(1).split()[:3])  # the thing itself, not what the scene goes on to say
    return any(regex.search(pictured) for regex in _KEY_IDEA_RES[concept].values())


# ----------------------------------------------------------------------------- the recogniser
#: intents that ask the learner something; in a question they outrank the explanation and summary
#: cues the question mentions ("do you prefer examples or definitions?", "can you sum up what you know?")
_ASKING = frozenset({"ask_background", "ask_preference", "check_understanding"})
_SHOWING = frozenset({*EXPLAIN_ACTS, "summarize"})
#: a question about the subject matter put to the learner is a quiz
_QUIZ_QUESTION = re.compile(
    r"^(?:so |and |now |then |okay |ok |alright )?(?:what|why|how|which|where|when|who|if|suppose|can you|"
    r"could you|would you|do you think)\b"
)


#: kinds of explanation a tutor may name when offering a choice ("some people want a concrete example, some a
#: comparison, and some the precise definition"); a sentence naming two or more kinds talks *about* explanations
_STYLE_KINDS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"\b(?:examples?|instances?|(?:real|concrete|specific|practical) cases?|real world|hands on|practical|"
        r"concrete|worked)\b",
        r"\b(?:analog(?:y|ies)|comparisons?|compar(?:e|ing)|metaphors?|pictures?|something (?:familiar|everyday|"
        r"you know)|everyday things?)\b",
        r"\b(?:definitions?|formal\w*|formulas?|formulae|equations?|theory|technical|precise|rigorous|math\w*|"
        r"textbook)\b",
    )
)


def names_kinds_of_explanation(sentence: str) -> bool:
    """Whether a (normalised) sentence names two or more kinds of explanation: a menu of styles, not an explanation."""
    return sum(1 for regex in _STYLE_KINDS if regex.search(sentence)) >= 2


_TOKEN_RE = re.compile(r"[a-z0-9]+")
_SYMBOL_RE = re.compile(r"(?:[b-hj-z]|\d+)")


def written_in_symbols(sentence: str) -> bool:
    """Whether a (normalised) sentence is mostly symbols, single letters and numbers ("for example f 0 1, f n 1")."""
    tokens = _TOKEN_RE.findall(sentence)
    return len(tokens) >= 4 and 2 * sum(1 for t in tokens if _SYMBOL_RE.fullmatch(t)) >= len(tokens)


class LearnerRecognizer(IntentRecognizer):
    """The engine's recogniser, with chat shorthand expanded and two rules for questions.

    In a sentence that is a question (ends with ``?``): (1) asking about the learner or testing them
    outranks the explanation / summary cues it names, and a question about the learner outranks the
    quiz cues ("could you describe your current understanding?" asks for background); (2) a
    wh-question about the subject matter ("what gas do plants release?") that names no strategy is
    a quiz, and so is a worked question ("suppose the bank compounds monthly: would you earn more?").

    And two rules across sentences (:meth:`_in_context`): in a turn that asks how the learner likes to
    learn, a sentence that lists kinds of explanation ("some people want a concrete example, some a
    comparison, and some the precise definition") is part of that question, not an explanation; in a
    formal explanation, an example written in symbols ("for example f(0) = 1, f(n) = n * f(n - 1)") is
    part of the formal account, not a second style.
    """

    def recognize_normalized(self, norm: str) -> list[str]:
        return super().recognize_normalized(expand_shorthand(norm))

    def explain_normalized(self, norm: str) -> list[SentenceReading]:
        return self._in_context(super().explain_normalized(expand_shorthand(norm)))

    def _combine(self, readings: list[SentenceReading]) -> list[str]:
        return super()._combine(self._in_context(readings))

    @staticmethod
    def _in_context(readings: list[SentenceReading]) -> list[SentenceReading]:
        """Readings with menus of styles in a preference question heard as that ask, symbolic examples as formal."""
        if any("explain_formally" in r.acts for r in readings):
            readings = [
                SentenceReading(
                    r.text,
                    tuple(dict.fromkeys("explain_formally" if a == "explain_with_example" else a for a in r.acts)),
                    tuple(e for e in r.evidence if e.act != "explain_with_example"),
                )
                if "explain_with_example" in r.acts and written_in_symbols(r.text)
                else r
                for r in readings
            ]
        if not any("ask_preference" in r.acts for r in readings):
            return readings
        out: list[SentenceReading] = []
        for r in readings:
            if any(a in EXPLAIN_ACTS for a in r.acts) and names_kinds_of_explanation(r.text):
                acts = tuple(dict.fromkeys("ask_preference" if a in EXPLAIN_ACTS else a for a in r.acts))
                evidence = tuple(e for e in r.evidence if e.act not in EXPLAIN_ACTS)
                if r.evidence:
                    why = "lists kinds of explanation in a preference question"
                    evidence += (Evidence("ask_preference", "rule", why),)
                r = SentenceReading(r.text, acts, evidence)
            out.append(r)
        return out

    def _read(self, sentence: str, *, explain: bool) -> SentenceReading:
        reading = super()._read(sentence, explain=explain)
        if not sentence.endswith("?"):
            return reading
        acts = [a for a in reading.acts if a not in (OFF_TASK, RAPPORT)]
        if not acts and reading.evidence and reading.evidence[0].source in ("gibberish", "crammed"):
            return reading
        keep = set(acts)
        if keep & _ASKING and keep & _SHOWING:
            keep -= _SHOWING
        if keep & {"ask_background", "ask_preference"}:
            keep.discard("check_understanding")
        added: list[Evidence] = []
        if (
            (not keep or keep <= set(EXPLAIN_ACTS))
            and _QUIZ_QUESTION.search(sentence)
            and _ANY_KEY_IDEA.search(sentence)
        ):
            keep = {"check_understanding"}
            if explain:
                added.append(Evidence("check_understanding", "rule", "a question about the subject matter", sentence))
        if keep == set(acts):
            return reading
        if not keep:  # pragma: no cover - every branch above keeps at least one asking act
            return reading
        kept = tuple(a for a in (*acts, "check_understanding") if a in keep)
        kept = tuple(dict.fromkeys(kept))
        evidence = tuple(e for e in reading.evidence if e.act in keep) + tuple(added)
        return SentenceReading(sentence, kept, evidence if explain else ())


RECOGNIZER = LearnerRecognizer(LEXICON, rapport_act=RAPPORT, topic=TOPIC_PATTERNS)
_LEVEL_RES = {k: re.compile("|".join(f"(?:{p})" for p in v)) for k, v in LEVEL_LEXICON.items()}


def recognize_level(norm: str) -> str:
    """The level a (normalised) explanation is pitched at: the first marker wins; none = intermediate."""
    best: tuple[int, str] | None = None
    for level, regex in _LEVEL_RES.items():
        m = regex.search(norm)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), level)
    return best[1] if best else "intermediate"


# ----------------------------------------------------------------------------- user replies
REPLIES: dict[str, list[str]] = read_data_file(__file__, "replies.toml")

REPLY_BANK = ReplyBank(REPLIES)

# ----------------------------------------------------------------------------- agent phrases
_PHRASES = read_data_file(__file__, "phrases.toml")  # phrase banks (prose) live in phrases.toml
#: concept -> style -> the core of an explanation (None = generic wording)
CONCEPT_SNIPPETS: dict[str, dict[str, list[str]]] = _PHRASES["concept_snippets"]

_GENERIC_SNIPPETS: dict[str, list[str]] = _PHRASES["generic_snippets"]

_STYLE_LEADS: dict[str, list[str]] = _PHRASES["style_leads"]

_LEVEL_LEADS: dict[str, list[str]] = _PHRASES["level_leads"]

AGENT_PHRASES: dict[str, list[str]] = _PHRASES["agent_phrases"]


def _pick(options: list[str], rng: np.random.Generator) -> str:
    return options[int(rng.integers(len(options)))]


def agent_utterance(act: str, rng: np.random.Generator, concept: str | None = None) -> str:
    """A natural phrasing of ``act`` (an entry of ``ACT_REPERTOIRE``), drawn with ``rng``.

    Explanation acts take a level argument (``"explain_with_example:basic"``); a bare
    explanation act is pitched at the intermediate level. ``concept`` (a key of
    :data:`CONCEPTS`, readable from the learner's opening with :func:`find_concept`)
    gives explanations concrete content; without it the wording is generic.
    """
    if not isinstance(act, str):
        raise TypeError(f"act must be a str, got {type(act).__name__}")
    base, _, arg = act.partition(":")
    topic = CONCEPTS.get(concept or "", "this idea")
    if base in STYLE_OF:
        level = arg or "intermediate"
        if level not in LEVELS:
            raise ValueError(f"unknown explanation level {arg!r} in act {act!r}; expected one of {list(LEVELS)}")
        style = STYLE_OF[base]
        if concept in CONCEPT_SNIPPETS:
            snippet = _pick(CONCEPT_SNIPPETS[concept][style], rng)
        else:
            snippet = _pick(_GENERIC_SNIPPETS[style], rng).format(topic=topic)
        lead = _pick(_STYLE_LEADS[style], rng)
        body = lead.format(snippet=snippet, snippet_cap=snippet[:1].upper() + snippet[1:])
        level_lead = _pick(_LEVEL_LEADS[level], rng)
        return f"{level_lead} {body}".strip()
    if arg:
        raise ValueError(f"act {act!r}: only explanation acts take a ':level' argument")
    try:
        options = AGENT_PHRASES[base]
    except KeyError:
        raise ValueError(
            f"unknown act {act!r}; expected a strategy of {list(STRATEGIES)} "
            "(explanations may carry ':basic', ':intermediate' or ':advanced')"
        ) from None
    return _pick(options, rng).format(topic=topic)


# ----------------------------------------------------------------------------- hint lexicon
#: what the ask-then-adapt agent reads in the learner's replies (normalised text)
HINT_LEXICON: dict[str, list[str]] = {
    # knowledge level the learner states (also after a failed quiz reveals the gap)
    "level_novice": [
        r"\balmost nothing\b",
        r"\bcomplete beginner\b",
        r"\ba beginner\b",
        r"\bmore of a beginner\b",
        r"\bnew to me\b",
        r"\bpretty much nothing\b",
        r"\bnot much at all\b",
        r"\bzero, really\b",
        r"\bstarting from nothing\b",
        r"\bnever learned it\b",
    ],
    "level_intermediate": [
        r"\bknow the basics\b",
        r"\bi have a rough idea\b",
        r"\bjust have a rough idea\b",
        r"\bthe gist\b",
        r"\bsort of know it\b",
        r"\ba little\. i have seen it\b",
        r"\bnever fully stuck\b",
    ],
    "level_advanced": [
        r"\bknow it (?:pretty )?well\b",
        r"\bstudied it in depth\b",
        r"\bfiner points\b",
        r"\bfairly advanced\b",
        r"\bpretty expert\b",
        r"\bwhole course\b",
    ],
    "style_examples": [
        r"\bexamples? (?:work|and i am)\b",
        r"\breal case\b",
        r"\bspecific case\b",
        r"\bpractical example\b",
        r"\bin action\b",
    ],
    "style_unsure": [
        r"\bnot sure\. nothing has ever\b",
        r"\bwhatever you think works\b",
        r"\bnever thought about it\b",
        r"\bcan not really say\. try something\b",
    ],
    "style_analogies": [r"\bcomparisons\b", r"\brelate it to\b", r"\bcompared to\b", r"\banalogies\b", r"\blikened\b"],
    "style_formal": [
        r"\bprecise definition\b",
        r"\bdefinitions, formulas\b",
        r"\brigorous\b",
        r"\bwith the math\b",
        r"\btextbook definition\b",
    ],
    # reactions to an explanation
    "too_hard": [r"\blost me\b", r"\bover my head\b", r"\bi am confused\b", r"\bdid not follow\b", r"\bbeyond me\b"],
    "too_easy": [
        r"\bknow that part\b",
        r"\bbit basic\b",
        r"\bpast that stage\b",
        r"\bobvious part\b",
        r"\bskip ahead\b",
    ],
    "wrong_style": [
        r"\bdoes not really click\b",
        r"\bcan not quite picture\b",
        r"\bnot really landing\b",
        r"\bdoes not do much for me\b",
    ],
    "quiz_pass": [r"\bi can answer that\b", r"\bmade it stick\b", r"\bcan actually do that\b", r"\bclear to me now\b"],
    "quiz_partial": [r"\bpart of the way\b", r"\bhalf know the answer\b", r"\bshaky\b"],
    "quiz_fail": [r"\bno idea yet\b", r"\bcan not answer that yet\b", r"\bno clue\b", r"\breally do not know\b"],
    "gap": [
        r"\bless than i thought\b",
        r"\boversold myself\b",
        r"\bembarrassing\b",
        r"\bnot as advanced as i said\b",
        r"\boverestimated myself\b",
        r"\bcan not fully do that\b",
    ],
}
HINT_RES: dict[str, re.Pattern[str]] = {k: re.compile("|".join(f"(?:{p})" for p in v)) for k, v in HINT_LEXICON.items()}


def read_hints(text: str) -> list[str]:
    """The hint kinds found in one learner reply (raw text)."""
    norm = normalize_for_matching(text)
    return [k for k, regex in HINT_RES.items() if regex.search(norm)]


def format_reply(key: str, rng: np.random.Generator, **slots: Any) -> str:
    """A learner reply of kind ``key`` (used by the scripted user through ``say``)."""
    return REPLY_BANK.say(key, rng, **slots)
