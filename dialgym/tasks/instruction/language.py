"""Language of the Instruction task: what the learner understands, says, and what agents say.

* :data:`LEXICON` / :data:`LEVEL_LEXICON`: regular expressions (over text normalised by
  :func:`dialgym.simulators.scripted.normalize_for_matching`: lower case, contractions
  expanded, only letters, digits and ``?!.,'`` kept) that recognise the agent's teaching
  strategy and the level an explanation is pitched at.
* :data:`REPLIES`: the learner's reply bank (several phrasings per reply kind).
* :data:`AGENT_PHRASES` and :func:`agent_utterance`: natural phrasings of every act in
  ``ACT_REPERTOIRE`` (for the random, scripted and reference agents).
* :data:`HINT_LEXICON`: what the ask-then-adapt agent looks for in the learner's replies.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from dialgym.simulators.scripted import IntentRecognizer, ReplyBank, normalize_for_matching

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
#: agent strategy -> regular expressions (see the module docstring for the normal form)
LEXICON: dict[str, list[str]] = {
    "greeting": [
        r"^(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening))\b",
        r"\bnice to meet you\b",
        r"\bwelcome\b",
        r"\b(?:glad|happy) to (?:help|meet)\b",
    ],
    "ask_background": [
        r"\bwhat do you (?:already |currently )?know\b",
        r"\bhow (?:much|well) do you (?:already )?(?:know|understand)\b",
        r"\bhow (?:familiar|comfortable|experienced) are you\b",
        r"\bare you (?:familiar|comfortable) with\b",
        r"\b(?:your|any) (?:background|prior knowledge|previous experience|experience with|familiarity)\b",
        r"\bhave you (?:ever )?(?:studied|learned|learnt|heard of|come across|seen|worked with|used|taken)\b",
        r"\bwhat is your (?:level|starting point|background)\b",
        r"\b(?:tell|let) me (?:know )?what you (?:already )?know\b",
        r"\bwhere are you starting from\b",
        r"\bhow new (?:are you|is this)\b",
        r"\bis this (?:new|brand new) to you\b",
        r"\bwhat do you understand (?:about|of)\b",
        r"\bhow deep(?:ly)? do you know\b",
        r"\b(?:about|tell me|share|know) what you (?:already |currently )?know\b",
    ],
    "ask_preference": [
        r"\bhow do you (?:like|prefer|want) (?:to learn|things|it|me to)\b",
        r"\bhow (?:would|should) (?:you like me to|i) (?:explain|teach|present)\b",
        r"\bwhat (?:kind|sort|type) of explanations?\b",
        r"\bwhat (?:helps|works (?:best )?for) you\b",
        r"\bwhat works best\b",
        r"\blearning style\b",
        r"\bdo you (?:prefer|like|want) (?:examples|analogies|definitions|formal|concrete|comparisons|the formal)",
        r"\bwould you (?:rather|prefer)\b",
        r"\bwhich do you prefer\b",
        r"\bhow do you learn best\b",
        r"\bhow you (?:like|prefer) to learn\b",
        r"\bwhat style\b",
        r"\bwhat is the best way (?:for me )?to explain\b",
        r"\bwhether you (?:prefer|like|want|learn)\b",
        r"\byou prefer (?:examples|analogies|definitions|formal|concrete|more|a |the )",
    ],
    "explain_with_example": [
        r"\bfor (?:example|instance)\b",
        r"\b(?:here is|take|as|consider) (?:an|a concrete|one|a quick|a real) (?:example|case)\b",
        r"\ban example (?:is|would be)\b",
        r"\bexample ?:",
        r"\b(?:let us|let's) say\b",
        r"\bsay you\b",
        r"\bsuppose (?:you|that|we|a)\b",
        r"\bimagine you (?:have|put|want|buy|are)\b",
        r"\bin (?:a )?(?:real|concrete|practical) (?:life )?(?:case|terms|example|situation)\b",
        r"\b(?:walk|work) (?:you )?through a (?:case|concrete|real|worked)",
        r"\bworked example\b",
        r"\b(?:a|one) (?:concrete|real|specific|practical) (?:case|example)\b",
        r"\bconcretely\b",
    ],
    "explain_with_analogy": [
        r"\b(?:it|this|that) is (?:a bit |kind of |sort of |a lot |rather )?like\b",
        r"\bthink of (?:it|this|that|them|a|an|the)\b",
        r"\b(?:an|the|my|a good|a simple) analogy\b",
        r"\banalogy ?:",
        r"\banalogous\b",
        r"\b(?:just|much|kind of|sort of|a bit) like\b",
        r"\bis similar to\b",
        r"\bsimilar to how\b",
        r"\b(?:compare|comparing) it to\b",
        r"\bin the same way (?:that|as)\b",
        r"\b(?:works?|acts?|behaves?|functions?) (?:a bit |kind of |sort of |just |much |a lot )?like\b",
        r"\b(?:is|are) (?:a bit |kind of |sort of |just |much |a lot )?like (?:a|an|the|when|how|having)\b",
        r"\bresembles?\b",
        r"\bpicture (?:it|this) as\b",
        r"\bmetaphor\b",
    ],
    "explain_formally": [
        r"\bformally\b",
        r"\bin formal terms\b",
        r"\b(?:the|a|its|formal|precise|exact|textbook) definition\b",
        r"\bdefinition ?:",
        r"\bis defined (?:as|by)\b",
        r"\bby definition\b",
        r"\bthe (?:formula|equation|rule|law|theorem)\b",
        r"\bmathematically\b",
        r"\bprecisely,",
        r"\bstrictly speaking\b",
        r"\btechnically speaking\b",
        r"\bis given by\b",
        r"\bin symbols\b",
        r"\brefers to\b",
        r"\b(?:just|simply|basically|essentially) means\b",
        r"\bis the (?:process|practice|concept|principle) (?:of|by which|where|in which)\b",
        r"\bis a (?:programming |mathematical |biological |economic )?(?:technique|method|process) "
        r"(?:in which|where|by which|of)\b",
    ],
    "check_understanding": [
        r"\bcheck (?:your|how much you|that you|if you|whether you)\b",
        r"\bcheck (?:your )?understanding\b",
        r"\bquick (?:question|quiz|check|test)\b",
        r"\bquiz\b",
        r"\btest (?:yourself|your understanding|you)\b",
        r"\b(?:explain|say|put) (?:it|that|this) (?:back|in your own words)\b",
        r"\bin your own words\b",
        r"\bwhat (?:do you think )?would happen (?:if|to)\b",
        r"\bhow would you (?:explain|describe|compute|work out|calculate|figure out|solve)\b",
        r"\bcan you (?:tell me|work out|figure out|predict|guess|try)\b",
        r"\byour turn\b",
        r"\btry (?:this|one|a quick)\b",
        r"\blet us see if you\b",
        r"\bsee if you can\b",
        r"\bwhat would you (?:expect|predict|guess|say)\b",
        r"\bwhat do you think (?:would|will) happen\b",
    ],
    "summarize": [
        r"\bto (?:sum up|summari[sz]e|recap|wrap up)\b",
        r"\bin summary\b",
        r"\bsumming up\b",
        r"\b(?:quick |short |brief )?recap\b",
        r"\bin a nutshell\b",
        r"\bthe (?:key|main|big) (?:takeaway|point|idea)s? (?:is|are|here)\b",
        r"\bthe bottom line\b",
        r"\bin short,",
        r"\bso overall\b",
        r"\blet me summari[sz]e\b",
        r"\bputting it (?:all )?together\b",
    ],
    "encourage": [
        r"\byou are doing (?:great|well|fine|really well|a great job)\b",
        r"\b(?:good|great|nice) (?:job|work|question|progress|thinking)\b",
        r"\bwell done\b",
        r"\bdo not worry\b",
        r"\bno worries\b",
        r"\byou have got this\b",
        r"\byou got this\b",
        r"\b(?:that is|it is) (?:totally |completely |perfectly )?(?:normal|okay|fine) to\b",
        r"\bkeep (?:going|it up)\b",
        r"\bdo not give up\b",
        r"\byou will get (?:it|there)\b",
        r"\byou are (?:making|getting) (?:progress|there)\b",
        r"\bi believe in you\b",
        r"\blots of people find\b",
    ],
}

#: the level an explanation is pitched at; unmarked explanations are "intermediate"
LEVEL_LEXICON: dict[str, list[str]] = {
    "basic": [
        r"\b(?:the )?basics\b",
        r"\bbasic(?:ally)? (?:level|terms|idea|version)\b",
        r"\b(?:in )?(?:simple|simplest|plain|everyday) (?:terms|words|english|language|version)\b",
        r"\bput simply\b",
        r"\bsimply put\b",
        r"\b(?:keep|keeping) (?:it|things) (?:really |very )?simple\b",
        r"\bfrom scratch\b",
        r"\bbeginner\b",
        r"\bstart(?:ing)? (?:from|at) the (?:beginning|very start)\b",
        r"\bwithout (?:any )?jargon\b",
        r"\blike you are five\b",
        r"\beli5\b",
        r"\bsimplified\b",
    ],
    "advanced": [
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

RECOGNIZER = IntentRecognizer(LEXICON)
_LEVEL_RES = {k: re.compile("|".join(f"(?:{p})" for p in v)) for k, v in LEVEL_LEXICON.items()}


def recognise_level(norm: str) -> str:
    """The level a (normalised) explanation is pitched at: the first marker wins; none = intermediate."""
    best: tuple[int, str] | None = None
    for level, regex in _LEVEL_RES.items():
        m = regex.search(norm)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), level)
    return best[1] if best else "intermediate"


# ----------------------------------------------------------------------------- user replies
REPLIES: dict[str, list[str]] = {
    "opening": [
        "Hi! Could you help me understand {topic}?",
        "Hello, I'd like to learn about {topic}. Can you explain it to me?",
        "Hey, can you teach me {topic}? I keep running into it.",
        "Hi there. I want to finally get my head around {topic}.",
        "Can you explain {topic} to me? I need to understand it for something.",
        "Hi! I'm trying to learn {topic}, could you walk me through it?",
    ],
    # answers to ask_background (what they say, not necessarily the truth)
    "bg_novice": [
        "Honestly, almost nothing. I've heard the word, that's about it.",
        "I'm a complete beginner here, it's all new to me.",
        "Pretty much nothing, I never learned it in school.",
        "Not much at all. I couldn't even tell you what it is.",
        "Zero, really. I'm starting from nothing.",
    ],
    "bg_intermediate": [
        "I know the basics, but I get fuzzy on the details.",
        "I have a rough idea, I studied it a bit years ago.",
        "Some. I could give you the gist but not much more.",
        "I sort of know it, the general idea, but I couldn't explain it properly.",
        "A little. I've seen it before but it never fully stuck.",
    ],
    "bg_advanced": [
        "I know it pretty well actually, I've studied it in depth.",
        "Quite a lot, I use it all the time. I'm after the finer points.",
        "I'm fairly advanced on this, I just want to go deeper.",
        "I'd say I know it well, I've taken a whole course on it.",
        "Oh, I'm pretty expert already, skip the obvious stuff.",
    ],
    # answers to ask_preference
    "pref_examples": [
        "Concrete examples work best for me.",
        "Show me a real case with actual numbers and I'll get it.",
        "I learn by seeing it worked through on a specific case.",
        "Honestly, give me a practical example and I'm happy.",
        "I need to see it in action, a real-life case helps most.",
    ],
    "pref_analogies": [
        "Comparisons to everyday things help me most.",
        "If you can relate it to something I already know, that's ideal.",
        "I like it when things are compared to stuff from daily life.",
        "Analogies! Tell me what it's similar to.",
        "I get things when they're likened to something familiar.",
    ],
    "pref_formal": [
        "Give me the precise definition and I'll work from there.",
        "I like things exact: definitions, formulas, the rules.",
        "I prefer the rigorous version, no hand-waving.",
        "Just state it properly, with the math if there is any.",
        "The textbook definition works best for me, precise wording.",
    ],
    "ask_again": [
        "Like I said,",
        "As I mentioned,",
        "I already told you, but",
    ],
    # reactions to explanations
    "expl_good": [
        "Oh, that helps a lot!",
        "Okay, that makes sense, I think it's clicking.",
        "Ah, nice, I can see it now.",
        "That was really clear, thanks.",
        "Oh I like that, it's starting to make sense.",
    ],
    "expl_meh": [
        "Hmm, I sort of follow, but it doesn't really click for me.",
        "Okay... I get the words, but I can't quite picture it.",
        "I guess? It's not really landing, to be honest.",
        "Mm, kind of. That way of putting it doesn't do much for me.",
    ],
    "expl_confused": [
        "Sorry, you lost me there.",
        "That went over my head a bit.",
        "Wait, that's too much at once, I'm confused.",
        "Um, I didn't follow that at all, that's a lot of jargon.",
        "Slow down, that's way beyond me.",
    ],
    "expl_bored": [
        "Yeah, I know that part already.",
        "That's a bit basic for me, honestly.",
        "I'm past that stage, I know that much.",
        "Sure, but that's the obvious part, I knew that.",
        "Right, I'm aware of that, can we skip ahead?",
    ],
    "expl_pretend": [
        "Right, sure, makes sense.",
        "Yeah, yeah, obviously.",
        "Mm-hm, sure, that's what I figured.",
        "Right, of course. Got it.",
    ],
    "expl_tired": [
        "Hmm, you've explained it that way a few times now.",
        "I think I've gotten what I can from that kind of explanation.",
        "Same sort of explanation again... okay.",
    ],
    # answers to check_understanding
    "quiz_pass": [
        "Let me think... yes, I can answer that! Working it out myself really helped.",
        "Okay, I think I've got it, and saying it out loud made it stick.",
        "Oh, I can actually do that one. Nice, that helped it sink in.",
        "I think the answer is clear to me now. Good exercise.",
    ],
    "quiz_partial": [
        "Hmm, I can get part of the way there, but not all of it.",
        "I think I half know the answer... not completely sure.",
        "Partly, I think? I'm a bit shaky on the end of it.",
    ],
    "quiz_fail": [
        "Honestly, I have no idea yet.",
        "I can't answer that yet, sorry.",
        "Um, no clue. I'm not there yet.",
        "I really don't know, that's why I'm asking you.",
    ],
    "quiz_gap_novice": [
        "Huh. I actually can't answer that. I guess I know less than I thought, I'm really more of a beginner here.",
        "Oh. Okay, that's embarrassing, I couldn't do it. I think I'm pretty much starting from nothing.",
        "Hmm, no, I can't. I may have oversold myself, I'm a beginner at this honestly.",
    ],
    "quiz_gap_intermediate": [
        "Hmm, I only half know that. Maybe I'm not as advanced as I said, I know the basics at best.",
        "Oh, I got stuck. Okay, I overestimated myself, I just have a rough idea really.",
        "I can't fully do that. Honestly, I know the gist, but not much more.",
    ],
    # summaries, encouragement, greetings, off-task
    "summary_good": [
        "Thanks, that recap helps tie it together.",
        "Nice, having it all in one place helps.",
        "Good, that's a useful summary.",
    ],
    "summary_early": [
        "Summarize what, though? We haven't really started.",
        "Um, a summary already? You haven't explained anything yet.",
    ],
    "summary_again": [
        "You summarized that already.",
        "Yes, I heard the summary before.",
    ],
    "encourage_good": [
        "Thanks, that's nice to hear.",
        "Aw, thanks, that helps my motivation.",
        "Thanks! I needed that.",
    ],
    "encourage_again": [
        "Okay, I appreciate it, but let's keep going.",
        "Thanks, but the pep talk isn't really teaching me anything.",
    ],
    "greeting_reply": [
        "Hi! So, where do we start?",
        "Hello! Great, let's get going.",
        "Hi, thanks for helping.",
    ],
    "greeting_again": [
        "Hi again... we already said hello.",
        "Um, hello? We're already talking.",
    ],
    "off_task": [
        "Um, what does that have to do with {topic}?",
        "Sorry, I'm not sure what you mean.",
        "Can we get back to {topic}?",
        "I don't follow. Weren't we talking about {topic}?",
        "Okay... and how does that help me with {topic}?",
    ],
    # endings
    "end_understood": [
        "Oh, I think I finally get it! Thanks so much, that's all I needed.",
        "Got it now, I really understand it. Thank you!",
        "That's it, it makes sense to me now. Thanks a lot!",
        "Great, I'm confident I've got it. Thanks for your help!",
    ],
    "end_give_up": [
        "Sorry, I don't think this is working for me. I'll look it up somewhere else.",
        "I think I'll give up for today, this isn't sinking in.",
        "Let's stop here, I'm just getting frustrated. Thanks anyway.",
        "I'm going to call it quits, I'm not getting anywhere.",
    ],
}

REPLY_BANK = ReplyBank(REPLIES)

# ----------------------------------------------------------------------------- agent phrases
#: concept -> style -> the core of an explanation (None = generic wording)
CONCEPT_SNIPPETS: dict[str, dict[str, list[str]]] = {
    "compound_interest": {
        "examples": [
            "say you put $100 in a savings account at 10% a year: after one year you have $110, "
            "and the next year you earn 10% on $110, so you end with $121 instead of $120.",
            "say you borrow $1,000 on a credit card at 20% a year and pay nothing: after two years you "
            "owe $1,440, not $1,400, because the second year charges interest on the interest.",
        ],
        "analogies": [
            "it is like a snowball rolling downhill: the bigger it gets, the more snow it picks up on each turn.",
            "think of it as a tree that drops seeds: each new tree drops seeds too, so the forest grows "
            "faster every year.",
        ],
        "formal": [
            "the balance after t periods is A = P(1 + r)^t, where P is the principal and r "
            "the interest rate per period.",
            "with n compounding periods a year the balance is A = P(1 + r/n)^(nt), which tends to P e^(rt) as n grows.",
        ],
    },
    "photosynthesis": {
        "examples": [
            "say you keep a tomato plant on a windowsill: it takes in water through its roots "
            "and carbon dioxide from the air, and in sunlight it turns them into sugar to grow, giving off oxygen.",
            "take a tree in summer: all day its leaves pull carbon dioxide from the air and the "
            "wood it adds that year is mostly carbon that came from the air.",
        ],
        "analogies": [
            "think of a leaf as a tiny solar-powered kitchen: sunlight is the stove, water and "
            "carbon dioxide are the ingredients, and sugar is the meal it cooks.",
            "it is like charging a battery with a solar panel: the leaf catches light and stores the "
            "energy in sugar to use later.",
        ],
        "formal": [
            "6 CO2 + 6 H2O + light energy gives C6H12O6 + 6 O2; the light reactions make ATP and "
            "NADPH, which the Calvin cycle uses to fix carbon.",
            "chlorophyll absorbs photons, water is split to release O2, and the enzyme RuBisCO fixes "
            "CO2 into three-carbon sugars in the stroma.",
        ],
    },
    "recursion": {
        "examples": [
            "say you want 4 factorial: you compute 4 times 3 factorial, which is 3 times "
            "2 factorial, down to 1 factorial, which is just 1.",
            "say you want to count the files in a folder: you count the files directly inside, then ask "
            "the same question of each subfolder and add up the answers.",
        ],
        "analogies": [
            "it is like a set of Russian nesting dolls: you open each doll to find a smaller "
            "one inside until you reach the smallest, which does not open.",
            "think of a line of people where each one asks the person in front how many are ahead, "
            "until the first person says zero and the answers pass back down the line.",
        ],
        "formal": [
            "a recursive function is defined in terms of itself on smaller inputs, with a base "
            "case that stops it: f(n) = n * f(n - 1) and f(0) = 1.",
            "a recursive definition has a base case and a recursive case that reduces the input, so by "
            "induction on the input size every call terminates.",
        ],
    },
    "supply_and_demand": {
        "examples": [
            "say you want the new game console everyone is talking about, but stores only have a "
            "few: prices on resale sites shoot up until fewer people are willing to pay.",
            "say a frost ruins half the orange harvest: with fewer oranges and the same number of buyers, "
            "orange juice gets pricier at your supermarket.",
        ],
        "analogies": [
            "think of it as a tug of war between buyers and sellers: the price is the flag in "
            "the middle, and it settles where both sides pull equally hard.",
            "it is like a seesaw: more buyers push the price up on one side, more sellers push it "
            "down on the other, and it balances in between.",
        ],
        "formal": [
            "the equilibrium price p* solves Qd(p) = Qs(p), where the quantity demanded Qd falls "
            "with price and the quantity supplied Qs rises with it.",
            "excess demand Qd(p) - Qs(p) is positive below the equilibrium price and negative above "
            "it, so the market price moves toward p* where it is zero.",
        ],
    },
}

_GENERIC_SNIPPETS: dict[str, list[str]] = {
    "examples": [
        "say you watch {topic} happen in one small, everyday situation, step by step, with real numbers.",
        "suppose you follow a single real case of {topic} from start to finish and see what changes.",
    ],
    "analogies": [
        "it is like a familiar everyday process: each step feeds the next, the way a snowball grows.",
        "think of {topic} as a machine you already know from daily life, with inputs going in and results coming out.",
    ],
    "formal": [
        "the definition of {topic} is a precise rule relating the inputs to the result, stated in symbols.",
        "{topic} is defined by a small set of exact rules, and everything else follows from them.",
    ],
}

_STYLE_LEADS: dict[str, list[str]] = {
    "examples": [
        "For example, {snippet}",
        "Here is an example: {snippet}",
        "Let me give you a concrete case. {snippet}",
        "Take a real example: {snippet}",
    ],
    "analogies": [
        "Here's an analogy: {snippet}",
        "{snippet_cap}",
        "A good analogy: {snippet}",
        "Picture it this way, {snippet}",
    ],
    "formal": [
        "Formally, {snippet}",
        "The precise definition: {snippet}",
        "In formal terms, {snippet}",
        "Mathematically, {snippet}",
    ],
}

_LEVEL_LEADS: dict[str, list[str]] = {
    "basic": [
        "Let's start with the basics.",
        "Put simply:",
        "Let me keep it really simple.",
        "In plain terms, from scratch.",
        "Starting from the very beginning, without jargon.",
    ],
    "intermediate": [
        "",
        "Okay.",
        "Building on the core idea:",
        "Alright, here goes.",
    ],
    "advanced": [
        "Let's go deeper.",
        "At a more advanced level:",
        "Going into more depth, including the nuances:",
        "Here's the more technical angle, beyond the basics.",
        "Let me get into the finer points.",
    ],
}

AGENT_PHRASES: dict[str, list[str]] = {
    "greeting": [
        "Hi! Nice to meet you.",
        "Hello! Happy to help you with {topic}.",
        "Hey there, welcome!",
        "Good morning! Glad to help.",
    ],
    "ask_background": [
        "Before we start, what do you already know about {topic}?",
        "How familiar are you with {topic}?",
        "Have you studied {topic} before?",
        "Tell me what you know so far about {topic}, so I can pitch this right.",
        "What's your background with {topic}? Is this new to you?",
        "How much do you know about {topic} already?",
    ],
    "ask_preference": [
        "How do you like to learn: examples, analogies, or formal definitions?",
        "What kind of explanation works best for you?",
        "Do you prefer concrete examples, comparisons to everyday things, or precise definitions?",
        "What helps you learn best when you're picking up something new?",
        "Would you rather I use examples, analogies, or the formal version?",
        "What's your learning style, roughly?",
    ],
    "check_understanding": [
        "Quick question to check your understanding: how would you explain {topic} to a friend?",
        "Let me check: can you put it in your own words?",
        "Your turn: what would happen if we doubled the starting amount?",
        "Here's a quick quiz question: can you tell me the key idea behind {topic}?",
        "Let's see if you can apply it: how would you work out a small case yourself?",
        "Try this one to test yourself: what would happen to the result if one input grew?",
    ],
    "summarize": [
        "To sum up: {topic} comes down to one core mechanism, and the rest follows from it.",
        "Quick recap of what we covered about {topic}.",
        "In a nutshell, the key idea is what we just went through.",
        "Let me summarize the main points so far.",
        "So overall, the bottom line is that one simple rule drives {topic}.",
    ],
    "encourage": [
        "You're doing great, this stuff takes time.",
        "Good question! Don't worry, lots of people find {topic} tricky at first.",
        "Keep going, you're making progress.",
        "Nice work so far, you've got this.",
        "It's totally normal to find this confusing at first, you'll get there.",
    ],
}


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
