"""Words of the persuasion task: what the user recognises, what it says, what agents say.

Three lexicons live here, written side by side so they stay consistent:

* :data:`LEXICON`: regular expressions per persuasion strategy, matched against
  :func:`dialgym.simulators.scripted.normalize_for_matching` output (lower case,
  contractions expanded, so ``"do not"`` rather than ``"don't"``);
* :data:`REPLIES`: the scripted user's reply bank, several phrasings per reply kind;
* :data:`AGENT_PHRASES`: natural phrasings of every act (``agent_utterance``);
* :data:`HINT_LEXICON`: what a persona-blind agent can read from the user's replies
  (the adaptive and behavior agents use it; the user's replies are written so that
  these cues are there to find, in ordinary words).
"""

from __future__ import annotations

import numpy as np

#: the persuasion strategies (PersuasionForGood), plus the engine's ``off_task``
ACTS: tuple[str, ...] = (
    "logical_appeal",
    "emotion_appeal",
    "credibility_appeal",
    "foot_in_the_door",
    "self_modeling",
    "personal_story",
    "donation_information",
    "source_related_inquiry",
    "task_related_inquiry",
    "personal_related_inquiry",
    "greeting",
    "proposition_of_donation",
    "thanks",
    "rapport",
    "off_task",
)

#: the acts an agent can choose: every strategy, not the engine's ``rapport`` (conversation that
#: carries no strategy: acknowledgements, praise, closings, topical remarks) or ``off_task``
ACT_REPERTOIRE: tuple[str, ...] = tuple(a for a in ACTS if a not in ("rapport", "off_task"))

_CHARITY = r"(?:save the children|this charity|the charity|this organi[sz]ation|the organi[sz]ation|them|it)"

LEXICON: dict[str, list[str]] = {
    "greeting": [
        r"^(?:hi|hello|hey|hiya|howdy|greetings|yo)\b",
        r"\b(?:hi|hello|hey) (?:there|friend|again)\b",
        r"\bgood (?:morning|afternoon|evening|day)\b",
        r"\bnice to (?:meet|chat with|talk to|talk with|e ?meet) you\b",
        r"\bhow are you(?: doing)?(?: today)?\b",
        r"\bhow (?:is it going|are things|is your day going)\b",
        r"\bhope you are (?:doing )?(?:well|good|great)\b",
    ],
    "thanks": [
        r"\bthank(?:s| you| u)\b",
        r"\bmany thanks\b",
        r"\b(?:i )?(?:really |truly )?appreciate (?:it|that|this|you|your)\b",
        r"\bmuch appreciated\b",
        r"\bi am (?:so |very |really )?grateful\b",
        r"\bcheers\b",
    ],
    "proposition_of_donation": [
        r"\b(?:would|will|could|can|might) you (?:like to |be willing to |consider |want to |please |maybe |perhaps )?"
        r"(?:donate|give|contribute|chip in|pledge|spare|part with)\b",
        r"\bhow much (?:would|will|could|can|do|might) you (?:like to |want to |be willing to |be able to )?"
        r"(?:donate|give|contribute|pledge|spare|part with)\b",
        r"\b(?:willing|ready|happy|able) to (?:donate|give|contribute|chip in|pledge|make a donation)\b",
        r"\b(?:would|will|could|are|were) you (?:be )?(?:open|up|willing|ready|happy|able|interested) (?:to|for|in) "
        r"(?:donat|giv|contribut|mak|chip|help)",
        r"\bconsider(?:ing)? (?:donating|giving|contributing|a donation|making a donation|a small donation)\b",
        r"\b(?:please|so) (?:donate|give|contribute|chip in)\b",
        r"\b(?:donate|give|contribute|pledge) (?:some|part|a part|a portion|any|all|half) of your\b",
        r"\bpart of your (?:task )?(?:payment|earnings|pay|bonus|reward|money)\b",
        r"\b(?:make|making) a (?:small |little )?donation (?:today|now|to)\b",
        r"\bwhat do you say\b.{0,30}\b(?:donat|give|giving|contribut)",
        r"\b(?:can|could|may) i (?:count on you|ask you) (?:for|to)\b.{0,25}\b(?:donat|give|contribut|support|gift|"
        r"dollar|cents|money|something)",
        r"\bhow about (?:donating|giving|a donation|contributing)\b",
        r"\bwhy not (?:donate|give|contribute|chip in)\b",
        r"\b(?:join|help) me (?:in )?(?:donating|giving|supporting)\b",
    ],
    "foot_in_the_door": [
        r"\b(?:even|just|only) (?:0?\.\d+|\d+ cents?|[a-z]+ cents|a few cents|a little|a small (?:amount|sum|"
        r"donation|gift)|a tiny|a dime|a quarter|a penny|a nickel|a dollar|a couple of cents|pennies|cents)\b",
        r"\b(?:any|every) (?:amount|little bit|little|bit|cent|penny|dime)s? (?:helps|counts|matters|"
        r"makes a difference|is welcome|is fine|is great|will help|would help)\b",
        r"\b(?:small|tiny|little|modest) (?:amount|donation|contribution|gift|sum)s? (?:(?:is|are|would be|will be|"
        r"still|totally|perfectly|really|also|just|more than) )*(?:fine|okay|ok|great|enough|welcome|"
        r"appreciated|helps?|counts?|matters?)\b",
        r"\bstart (?:small|with (?:a )?(?:small|little|tiny|few))\b",
        r"\b(?:even|just) \d+(?:\.\d+)? (?:dollars? |bucks? |cents? )?"
        r"(?:would|will|can|could|helps?|makes?|is|counts?)\b",
        r"\bno (?:amount|donation|gift|contribution) is too small\b",
        r"\bdoes not (?:have|need) to be (?:much|a lot|big|large|all of it|the whole)\b",
        r"\bwhatever you can (?:spare|afford)\b",
        r"\b(?:a few|ten|twenty|fifty) cents (?:would|will|can|could) (?:help|make|go|buy)\b",
    ],
    "self_modeling": [
        r"\bi (?:have |already |just |also |personally |myself |will |am going to |plan to |intend to |always |"
        r"regularly |usually )+(?:donated|donate|given|gave|give|contribute|contributed|pledged|donating|giving)\b",
        r"\bi (?:donated|gave|contributed|pledged)\b",
        r"\bi (?:donate|give|contribute) (?:to|\d|regularly|monthly|every|each|part|some|a |my|all|half|whatever)",
        r"\bi am (?:also |already |going to be |myself )?(?:donating|giving|a (?:regular |monthly )?donor|"
        r"a supporter)\b",
        r"\bmy (?:own )?(?:donation|contribution|pledge|gift)\b",
        r"\bi (?:support|sponsor) (?:save the children|them|this charity|the charity|a child)\b",
        r"\b(?:i|we) (?:put|set aside) (?:some|part|a portion) of my\b",
        # what others like them did (PersuasionForGood's example-donation)
        r"\b(?:many|lots of|most|other|so many|plenty of|a lot of) (?:people|workers|participants|turkers|folks|"
        r"others)\b(?: \w+){0,5} (?:have |had )?(?:already |also |just )?(?:donated|given|gave|"
        r"done (?:exactly )?(?:this|that|the same)|chipped in|contributed|pitched in)\b",
    ],
    "personal_story": [
        r"\bwhen i was (?:a |young|little|in|growing|traveling|travelling|younger|abroad)",
        r"\bi (?:once |also |actually )?(?:met|visited|volunteered|travell?ed|worked|lived|spent (?:a|some) time) "
        r"(?:with|at|in|for|a|an|abroad|overseas)\b",
        r"\bmy (?:friend|best friend|sister|brother|mother|mom|father|dad|cousin|neighbou?r|daughter|son|family|aunt|"
        r"uncle|grandmother|grandma|grandfather|niece|nephew|colleague|coworker)\b.{0,60}\b(?:was|were|had|grew up|"
        r"lived|got|saw|volunteered|worked|told|received|benefited|went|needed|used to)\b",
        # "let me tell you a little about them" introduces facts about the charity, not a story
        r"\blet me (?:tell|share)(?: with)? (?:you )?(?!a (?:little |bit |few things )?(?:more )?about "
        r"(?:them|it|the charity|this charity|save the children|the organi[sz]ation|what they))"
        r"(?:a|my|about a|about my|something|a quick)",
        r"\b(?:something|what) (?:that )?happened to (?:me|my)\b",
        r"\b(?:a few|some|many|two|three|\d+) (?:years|months|weeks) ago,? (?:i|my|we)\b",
        r"\b(?:a|my) (?:true |short |quick |little )?(?:personal )?(?:story|experience) "
        r"(?:of mine|from my|about|that)\b",
        r"\bi (?:still )?remember (?:when|the|a|seeing|meeting|visiting)\b",
        r"\bi grew up\b",
        r"\bi have seen (?:it |this )?(?:first ?hand|with my own eyes|up close)\b",
        r"\b(?:years|months) ago,? i\b",
    ],
    "emotion_appeal": [
        r"\b(?:imagine|picture) (?:a|the|those|these|how|being|what|little|young|kids|children|yourself|if|your)\b",
        r"\b(?:just )?think (?:of|about) (?:the |those |these |all the |all those )?(?:children|kids|little|families|"
        r"babies|child|how (?:it|they|you))\b",
        r"\b(?:heart ?breaking|heart ?wrenching|tragic|devastating|devastated|suffer|suffering|suffers|starving|"
        r"starve|dying|desperate|helpless|innocent|frightened|terrified|orphaned|orphans?|malnourished|miserable)\b",
        r"\b(?:children|kids|child|families|little ones|babies|girls|boys)\b.{0,50}\b(?:in danger|at risk|alone|crying|"
        r"cry|scared|hungry|go to bed hungry|without food|without a home|without shelter|war zones?|fleeing|"
        r"lost everything|have nothing|need you|need our help|need your help|deserve)\b",
        r"\bhow would you feel\b",
        r"\b(?:die|dies|died) (?:of|from|every|each|before)\b",
        r"\bput yourself in\b",
        r"\b(?:touch|warm|break|breaks|tug at) (?:your|my|the|our) heart",
        r"\bfeel (?:good|great|wonderful|proud) (?:about|knowing)\b",
        r"\b(?:a|an|their|the) (?:child's|childs|kid's|kids) (?:smile|life|future|eyes)\b",
        r"\bno (?:child|kid|parent|family) should\b",
    ],
    "logical_appeal": [
        r"\b(?:logically|logical|rational(?:ly)?|evidence|research(?! team| study| hit)|studies|study shows|"
        r"statistics|stats|proven|cost ?effective(?:ness)?|efficient(?:ly)?|efficiency|measurable|quantifiable)\b",
        r"\bit (?:just |simply )?makes (?:a lot of )?(?:sense|logical sense)\b",
        r"\b(?:the )?(?:numbers|math|data|figures) (?:show|shows|say|says|are clear|speak|tell)\b",
        r"\bif (?:everyone|everybody|each of us|we all|all of us)\b",
        r"\b(?:saves?|prevents?|saving|preventing) (?:\w+ ){0,2}(?:lives|deaths|diseases?)\b",
        r"\b(?:therefore|thus|hence|consequently)\b",
        r"\bin the long (?:run|term)\b",
        r"\b(?:educat\w+|healthy|vaccinated) (?:children|kids)\b.{0,50}\b(?:economy|economies|society|societies|"
        r"communities|earn|productive|break the cycle)\b",
        r"\b(?:break|breaking) the cycle of poverty\b",
        r"\bthe (?:reason|fact|point) is\b",
        r"\b(?:a|one|single|\d+|every|each|just one|only one) (?:single )?(?:dollar|dollars) (?:can|could|"
        r"will|would|buys?|provides?|pays? for|feeds?|covers?)\b",
        r"\bpreventable\b",
        # cost-effectiveness: what a small sum buys, the return on a gift
        r"\b(?:a few|a couple of|\d+|one|two|three|five|ten|twenty) (?:dollars?|bucks|cents) (?:can |could |will |"
        r"would )?(?:buys?|pays? for|provides?|covers?|feeds?|vaccinates?|treats?)\b",
        # "$2 pays for a week of meals": the currency sign is gone after normalisation, the number stays
        r"\b\d+(?:\.\d+)? (?:a (?:month|week|day) )?(?:can |could |will |would )?(?:buys?|pays? for|provides?|"
        r"covers?|feeds?|vaccinates?|keeps? \w+ in school)\b",
        r"\b(?:the )?return on (?:a |your |every |each |the )?(?:small |single )?(?:gift|donation|dollar|investment)\b",
        r"\bfor (?:just |only )?(?:\d+|\d+ dollars?|[a-z]+ dollars?),? (?:you|one|we) can\b",
    ],
    "credibility_appeal": [
        r"\b(?:reputable|trustworthy|trusted|credible|credibility|transparent|transparency|accountable|"
        r"accountability|audited|audits|legitimate|well[- ]?respected|highly rated)\b",
        r"\b(?:charity navigator|givewell|better business bureau|bbb|four stars?|4 stars?|four-star|4-star)\b",
        r"\btrack record\b",
        r"\b(?:founded|started|established|around|operating|working) (?:in|since|for) (?:1919|over a century|more than "
        r"a century|a century|over 100 years|over a hundred years|100 years|a hundred years)\b",
        r"\b(?:over|more than|nearly|almost) (?:a )?(?:century|hundred years|100 years)\b",
        r"\b\d{2} ?(?:%|percent|per cent)\b.{0,40}\b(?:goes|go|spent|used|reaches|directly|programs?)\b",
        r"\b(?:low|small|minimal) (?:overhead|administrative costs?|admin costs?)\b",
        r"\b(?:partners?|partnered|works?) with (?:unicef|the united nations|the un|governments|the who)\b",
        r"\b(?:governments?|the un|the united nations|unicef|the who)\b(?: \w+){0,4} (?:work|works|worked|partner|"
        r"partners|partnered) (?:directly )?with (?:them|it|save the children|the charity)\b",
        r"\b(?:you can )?(?:check|verify|look up) (?:their|its) (?:finances|reports?|ratings?|accounts)\b",
        r"\b(?:annual|financial|audit) reports?\b",
        # facts about the organisation: what it does, where (P4G's provide-org-facts)
        r"\bworks? in (?:over |more than |about )?\d+ countries\b",
        r"\b(?:save the children|the charity|this charity|the organi[sz]ation|this organi[sz]ation|they|it) "
        r"(?:helps?|provides?|supports?|protects?|delivers?|runs?|focuses|focus|feeds?|builds?|offers?|"
        r"gives?|brings?|sends?|funds?) (?:\w+ ){0,3}(?:children|kids|families|education|schools?|food|health ?care|"
        r"medicine|medical|shelter|vaccines?|aid|help|support|programs?)\b",
        r"\b(?:save the children|it|this) is an? (?:\w+ ){0,3}(?:charity|organi[sz]ation|non ?profit|ngo)\b",
        r"\b(?:charity|organi[sz]ation|non ?profit|ngo) (?:that|which|who) (?:\w+ )?(?:helps?|provides?|supports?|"
        r"protects?|works?|feeds?|runs?|fights?|focuses)\b",
    ],
    "donation_information": [
        r"\b(?:deducted|taken|subtracted|come out) (?:directly |straight )?(?:from|of) your (?:task )?"
        r"(?:payment|earnings|pay|bonus|reward)\b",
        r"\b(?:your|the|any|each|every) (?:donation|contribution|money)s? (?:will|would|can|could|goes|go|gets?) "
        r"(?:go |be )?(?:straight |directly )?(?:to|towards|toward|used|spent|paid|sent)\b",
        r"\b(?:you can|you could|you may|you are free to) (?:choose|pick|decide|give|donate) (?:any|the|how much|"
        r"whatever|an) (?:amount|much)?",
        r"\b(?:anywhere|any amount) (?:from|between) (?:0|0|zero|nothing)\b",
        r"\b(?:research(?:ers| team)|the (?:team|requesters?|researchers)|we|they) (?:will |would |can )?"
        r"(?:collect|send|forward|pass|process|deliver|transfer)\w* (?:\w+ ){0,3}(?:donations?|money|contributions?)\b",
        r"\b(?:comes?|taken|deducted) (?:\w+ ){0,2}(?:out of|from) your (?:bonus|payment|earnings|pay)\b",
        r"\b(?:here is|let me explain|this is) how (?:the |your )?(?:donation|money|it) (?:works|is used|helps)\b",
    ],
    "source_related_inquiry": [
        r"\b(?:have|had) you (?:ever )?(?:heard|hear|read|learned) (?:of|about)\b",
        r"\b(?:do|did) you know (?:about |of |anything about |much about |what )?" + _CHARITY + r"\b",
        r"\bare you (?:familiar|aware) (?:with|of)\b",
        r"\bwhat do you (?:know|think) (?:about|of) " + _CHARITY + r"\b",
        r"\bwhat (?:is|are) your (?:impression|thoughts|opinion|view)s? (?:of|on|about) " + _CHARITY + r"\b",
        r"\b(?:ever|do you ever) come across " + _CHARITY + r"\b",
        r"\bdo you trust (?:charities|this charity|the charity|save the children|them)\b",
    ],
    "task_related_inquiry": [
        r"\b(?:have|had) you (?:ever )?(?:donated|given|contributed|volunteered|supported)\b",
        r"\bdo you (?:ever |usually |often |normally |regularly |sometimes |typically )?(?:donate|give to|"
        r"give money|contribute to|volunteer|support (?:any|a|some) (?:charit|cause))",
        r"\b(?:how|what) do you (?:feel|think) about (?:donating|giving|donations|charity|charities|this task|the task|"
        r"helping|charitable giving)\b",
        r"\bwhat (?:is|are) your (?:view|opinion|take|thoughts|feelings?)s? (?:of|on|about) (?:donating|giving|"
        r"donations|charity|charities|charitable giving)\b",
        r"\bwould you (?:ever )?(?:call|consider|describe) yourself\b",
        r"\bhow (?:is|are you finding|are you liking|do you like) (?:the|this) (?:task|study|hit|survey|experiment)\b",
        r"\b(?:any|a) (?:favou?rite) (?:charity|charities|cause|causes)\b",
        r"\b(?:what|which) (?:kinds? of |sorts? of |types? of )?(?:causes?|charities|organi[sz]ations) "
        r"(?:do |would |matter to |mean the most to )?you\b",
        r"\b(?:is there|are there) (?:a|any) (?:cause|causes|charity|charities) (?:you|that)\b",
        r"\bwhat (?:usually )?(?:makes|would make) you (?:donate|give)\b",
        r"\bwhen you (?:do )?(?:give|donate)(?: to (?:a |any )?(?:cause|charity|charities))?,? what\b",
        r"\bwhat (?:usually )?(?:makes|made) you (?:decide|feel|think) (?:a cause|a charity|it) is worth\b",
        r"\bhow do you (?:usually )?decide (?:whether|when|where|if) to (?:donate|give)\b",
        r"\bwhat do you think (?:of|about) (?:this|the) (?:task|study|cause)\b",
        r"\bwhat (?:made|makes) you (?:decide|want|choose) to (?:take part|join|do|participate|sign up)\b",
        r"\bwhy did you (?:join|take part|sign up|decide to)\b",
    ],
    "personal_related_inquiry": [
        r"\b(?:tell me|can you tell me|could you tell me|would you tell me|share) (?:a (?:little|bit) |a little bit )?"
        r"(?:more )?about (?:yourself|you)\b",
        r"\bdo you have (?:any )?(?:kids|children|a family|family|a job|siblings|nieces|nephews)\b",
        r"\bwhat do you do (?:for (?:a )?(?:living|work|fun))?\b",
        r"\bwhat (?:is|are) your (?:job|work|profession|occupation|hobbies|interests|background|line of work|"
        r"situation|story)\b",
        r"\bwhere are you (?:from|based)\b",
        r"\bare you (?:a )?(?:parent|student|mom|dad|working|employed|retired)\b",
        r"\bwhat (?:matters|is important) (?:most )?to you\b",
        r"\bwhat (?:moves|motivates|convinces|persuades|inspires) you\b",
        r"\bwhat (?:kind of|kinds of|sort of|sorts of) (?:arguments?|reasons?|things?|information) (?:\w+ ){0,2}"
        r"(?:convinces?|convince|persuades?|persuade|moves?|move|matters? to|speaks? to|appeals? to|works? on|"
        r"works? for) you\b",
        r"\bwhat about you\b",
        r"\bhow (?:do|would) you (?:usually )?(?:make|reach) (?:decisions|up your mind|a decision)\b",
        r"\bwhat (?:is|has been) (?:life|your life|your week) like\b",
        r"\bwhat (?:kind of|sort of) (?:person|work) \w+ you\b",
    ],
}

#: words that put a sentence on the task's topic: such a sentence carries no strategy the rules or the
#: model can name, but it is about the conversation (heard as ``rapport``, never as ``off_task``)
TOPIC: tuple[str, ...] = (
    r"\b(?:charit\w*|donat\w*|children|kids?|child|save the children|organi[sz]ation|cause|help\w*|"
    r"money|payment|dollars?|cents?|poverty|families|family|world|countries|task|survey|study)\b",
    # introducing the charity ("let me tell you a little about them") announces facts to come
    r"\blet me (?:tell|share with) you (?:a (?:little|bit|few things) )?(?:more )?about (?:them|it|the "
    r"(?:charity|organi[sz]ation|group|cause))\b",
)

#: strategies whose match is dropped after a nearby negation ("I am not asking you to donate")
NEGATION_SENSITIVE: tuple[str, ...] = ("proposition_of_donation", "self_modeling")


# ----------------------------------------------------------------------- user replies
REPLIES: dict[str, list[str]] = {
    # -- answers to a personal-related inquiry: what moves this person
    "hint_emotion": [
        "I have two little kids at home, so anything about children hits home for me.",
        "I'm a mom. Honestly, stories about kids in trouble get to me every time.",
        "I'm a dad of three. When I hear about a child struggling, it really touches my heart.",
        "I teach kindergarten, so kids are my whole world. I'm a softie for a good story.",
        "Family is everything to me. I've got a little girl, and I tend to follow my heart.",
    ],
    "hint_logic": [
        "I'm an accountant, so I like to see the numbers before I decide anything.",
        "I work in data analysis. Show me evidence and facts, and I'll listen.",
        "I'm an engineer. I care about what actually works and can be measured.",
        "I'm a pretty rational person; I go by the facts, not by feelings.",
        "I do research for a living, so I want proof that something makes a difference.",
    ],
    "hint_credibility": [
        "I'm a journalist, and I've seen my share of shady organizations, so I'm careful.",
        "To be honest, I've been burned before by a so-called charity, so I don't trust easily.",
        "I'm a bit of a skeptic. There are a lot of scams out there.",
        "I audit companies for a living. I don't take anyone's word for anything.",
        "I read the news a lot, and I've become wary of organizations asking for money.",
    ],
    "hint_social": [
        "I'm pretty easygoing; I usually go along with what my friends and coworkers do.",
        "I'm a people person. If others are pitching in, I like to join in too.",
        "I work on a big team, and we tend to do things together, you know?",
        "Honestly, I'm influenced by the people around me. If everyone's doing it, I'm in.",
        "I like being part of something. When my friends support a cause, so do I.",
    ],
    # -- budget (personal or task inquiry)
    "hint_budget_tight": [
        "Money's really tight for me right now, honestly.",
        "I'm a student, so every dollar counts for me.",
        "Things are a bit tough financially at the moment; I don't have much to spare.",
        "I'm doing these tasks because I need the money, to be honest.",
    ],
    "hint_budget_moderate": [
        "I'm okay money-wise. Nothing fancy, but I get by.",
        "I'm doing alright, not rich, not poor.",
        "Money's fine, I guess; I just have to keep an eye on it.",
    ],
    "hint_budget_comfortable": [
        "I'm doing fine financially; a couple of dollars won't break me.",
        "Money isn't really an issue for me; I do these tasks for fun.",
        "I'm comfortable, thankfully. This payment is just pocket change.",
    ],
    "hint_filler": [
        "Not much else to say. I like hiking and cooking on weekends.",
        "I enjoy reading and the occasional movie. Pretty normal life.",
        "I play a bit of guitar in my free time. That's about it.",
        "I like gardening, and I walk my dog a lot.",
    ],
    # -- task-related inquiry: donation habits
    "hint_inclined": [
        "I do give to charity now and then, when a cause feels right.",
        "I donated to a food bank last year, so I'm not against it.",
        "I try to help out when I can, yeah.",
    ],
    "hint_disinclined": [
        "I don't usually donate, to be honest.",
        "I can't remember the last time I gave to a charity.",
        "Giving money away isn't really something I do often.",
    ],
    # -- source-related inquiry: knowledge of the charity
    "hint_knows": [
        "Yes, I know Save the Children. They work with kids around the world, right?",
        "Sure, I've heard of them. I saw one of their campaigns a while ago.",
        "Yeah, I'm familiar with them.",
    ],
    "hint_unknown": [
        "No, I've never heard of them. What do they do?",
        "Not really. Who are they?",
        "I don't know much about them, to be honest. What do they do?",
    ],
    # -- a skeptic voicing the concern (task/source inquiry, a push, a guilt trip)
    "concern": [
        "Honestly, my worry is how much of the money actually reaches the kids and not the overhead.",
        "My problem with charities is that so much goes to admin. How do I know it isn't wasted?",
        "I've read that some charities spend most of what they get on salaries. How do I know this one is different?",
        "I just don't trust that the money goes where they say it goes.",
    ],
    "deflect": [
        "Hmm, I'd rather not get into that.",
        "That's a bit personal. Let's keep it about the task.",
        "I'd prefer to keep that to myself, if you don't mind.",
        "Why do you want to know?",
        "Eh, nothing interesting to tell.",
    ],
    "nothing_more": [
        "I think I've already told you all there is to tell.",
        "You asked me that already.",
        "Like I said, there's not much more to it.",
    ],
    # -- reactions to appeals
    "moved_emotion": [
        "Oh, that really gets to me. Those poor kids.",
        "That's heartbreaking. As a parent, I can't stop thinking about it.",
        "Wow. That touches my heart, honestly.",
        "That hits home. No kid should go through that.",
    ],
    "moved_logic": [
        "Okay, that's a solid argument. I like facts like that.",
        "Now you're talking. Those numbers make sense to me.",
        "That's convincing; the evidence is hard to argue with.",
        "Good point. That's the kind of reasoning I appreciate.",
    ],
    "moved_credibility": [
        "Okay, that actually reassures me about where the money goes.",
        "That helps. If they're transparent about it, I'm less worried.",
        "Good to know. That makes me trust them more.",
        "Alright, that addresses my worry about the overhead.",
    ],
    "moved_social": [
        "Oh, you're giving too? Then I might join in.",
        "If other people are chipping in, I'm more tempted.",
        "That's nice to hear. I like being part of something together.",
        "Really? Well, if everyone's doing it, count me in maybe.",
    ],
    "moved_foot": [
        "Well, a small amount I could probably manage.",
        "Okay, if a little really helps, that's doable for me.",
        "That's reassuring; I can't give much, but a bit I could.",
    ],
    "anchored": [
        "Sure, a little something, I guess.",
        "Oh, just a few cents? Okay, that's easy.",
        "Alright, a token amount then.",
    ],
    "mild": [
        "Hm, okay. That's a fair point.",
        "I see. That's nice.",
        "Okay, good to know.",
        "Interesting.",
    ],
    "flat": [
        "Okay.",
        "Hm, sure.",
        "Alright.",
        "I guess.",
    ],
    "informed": [
        "Oh, I didn't know that. Sounds like good work.",
        "Ah, okay, now I get what they do.",
        "Thanks for explaining; I had no idea.",
    ],
    "already_known": [
        "Yeah, I know that part already.",
        "Right, I've heard that before.",
    ],
    "repeat": [
        "You already said that.",
        "Yes, you mentioned that before.",
        "I heard you the first time.",
        "We're going in circles here.",
    ],
    "dislike_emotion_logic": [
        "Feelings don't really sway me; I'd rather see hard facts.",
        "That's a bit of a sob story. Do you have any actual data?",
        "I get it, but emotional pitches don't work on me. Show me the facts.",
    ],
    "dislike_emotion_credibility": [
        "That sounds like the usual guilt trip. How do I know the money actually gets there?",
        "Every charity has sad stories. What I want to know is where the money goes.",
        "Please, don't guilt-trip me. I just want to know my money isn't wasted.",
    ],
    "dislike_social_credibility": [
        "What other people do is their business. It doesn't tell me the charity is any good.",
        "I don't really care who else gives. I care where the money ends up.",
    ],
    "dislike_social_logic": [
        "Whether you gave doesn't really matter to me; I'd rather see the numbers.",
        "That's nice for you, but it isn't an argument.",
    ],
    "dislike_other": [
        "Hmm, that doesn't really do much for me.",
        "I'm not sure that's a great argument.",
        "Eh, that doesn't really speak to me.",
    ],
    # -- small talk
    "greet_back": [
        "Hi! I'm doing well, thanks.",
        "Hello! Nice to meet you.",
        "Hey there. Doing okay, how about you?",
        "Hi. Good, thanks for asking.",
    ],
    "greet_again": [
        "Hi again... we've already said hello.",
        "Yes, hello. What did you want to talk about?",
    ],
    # -- conversation that carries no strategy (acknowledgements, praise, remarks)
    "rapport_reply": [
        "Sure.",
        "Okay.",
        "Yeah.",
        "Mm-hm.",
        "Right.",
        "Ha, okay.",
    ],
    "pitch_dump": [
        "Whoa, that's a lot at once. Slow down.",
        "That's quite the sales pitch.",
        "Okay, that's a wall of arguments. One thing at a time, please.",
    ],
    "thanks_reply": [
        "Sure, no problem.",
        "You're welcome.",
        "No worries.",
    ],
    "thanks_again": [
        "Sure, no problem.",
        "Okay, you're welcome.",
        "Ha, sure.",
    ],
    "off_task": [
        "Sorry, I'm not sure what you mean.",
        "What does that have to do with anything?",
        "Huh? I'm a bit lost.",
        "Okay... can we get to the point?",
    ],
    # -- a proposition of donation
    "too_early": [
        "Whoa, you're asking me for money already? I barely know what this is about.",
        "Slow down, we just started talking and you want my money?",
        "That's a bit pushy. Give me a reason first.",
    ],
    "counter": [
        "Maybe later. I'm not convinced yet, ask me again in a bit.",
        "I'm still thinking about it. Tell me a bit more first.",
        "Not yet. I'm not sure it's worth it.",
        "Hmm, let me think about it a little longer.",
    ],
    "what_do_they_do": [
        "I don't even know what they do, though.",
        "Before I give anything, what does this charity actually do?",
    ],
    "donate": [
        "Okay, I'll donate ${amount}.",
        "Alright, you convinced me. Put me down for ${amount}.",
        "Sure, I'll give ${amount} of my payment.",
        "Fine, let's do ${amount}.",
        "Okay, ${amount} it is. I hope it helps.",
    ],
    "refuse": [
        "Sorry, I think I'll keep my money this time.",
        "No, I'll pass on donating, thanks.",
        "I'm going to say no to this one.",
        "I'd rather not donate, sorry.",
    ],
    "leave": [
        "Sorry, I have to go now.",
        "I need to get going, bye.",
        "I've got to run. Bye.",
        "Okay, I'm done here. Bye.",
    ],
    "time_warning": [
        "I don't have much time left, though.",
        "I need to wrap this up soon, by the way.",
        "I have to go in a minute.",
    ],
}


# ----------------------------------------------------------------------- agent phrases
AGENT_PHRASES: dict[str, list[str]] = {
    "greeting": [
        "Hi there! How are you doing today?",
        "Hello! Nice to meet you.",
        "Hey, how is it going?",
        "Good afternoon! Hope you are doing well.",
        "Hi! How are you?",
    ],
    "thanks": [
        "Thank you so much for chatting with me.",
        "Thanks for your time, I really appreciate it.",
        "I appreciate you hearing me out.",
        "Many thanks for listening.",
    ],
    "proposition_of_donation": [
        "Would you be willing to donate part of your task payment to Save the Children?",
        "How much of your payment would you like to donate?",
        "Would you consider donating some of your earnings to Save the Children today?",
        "Could you donate some of your $2 payment to help these kids?",
        "So, how about donating a part of your payment? Whatever you like.",
        "Would you like to make a donation to Save the Children from this task?",
    ],
    "self_modeling": [
        "I am donating part of my own payment to Save the Children as well.",
        "I already gave some of my earnings to them myself.",
        "I personally donate to Save the Children every month.",
        "Just so you know, I will give my whole payment to the cause too.",
        "I gave a dollar myself earlier today.",
    ],
    "personal_story": [
        "Let me tell you a story: when I was in college, I volunteered at a clinic and met a girl "
        "who could not afford medicine.",
        "My sister worked with refugee families for a year, and she still talks about the children she met.",
        "I remember visiting a village where the only school had been rebuilt with donations.",
        "Years ago, I traveled abroad and saw firsthand how little some families had.",
        "My neighbor grew up in an orphanage and says a charity paid for her school books.",
    ],
    "emotion_appeal": [
        "Imagine a little girl going to bed hungry every night, with no one to help her.",
        "Think about the children in war zones who have lost everything.",
        "It is heartbreaking: millions of innocent kids are suffering right now.",
        "How would you feel if your own child had no food or shelter?",
        "These children are scared and alone, and they need our help.",
    ],
    "logical_appeal": [
        "Research shows that vaccines and basic nutrition save thousands of lives for very little money.",
        "It makes sense: a small donation here has a bigger impact than the same money spent at home.",
        "If everyone gave a little, the numbers add up to millions for education and health.",
        "Educated children grow up to strengthen their communities and economies, so it pays off in the long run.",
        "The data is clear: treating malnutrition early is one of the most cost-effective ways to help.",
    ],
    "credibility_appeal": [
        "Save the Children is an international charity that helps children with food, education and health care.",
        "They run schools and provide medicine for kids in poor regions.",
        "The charity works in over 100 countries, supporting children and families in need.",
        "Save the Children has been around for over a century and is highly rated by Charity Navigator.",
        "They are very transparent: you can check their annual reports, and about 86% goes to programs.",
        "It is a trusted, audited charity with a strong track record, founded in 1919.",
        "They partner with UNICEF and have low overhead, so your money is used well.",
        "It is one of the most reputable charities out there, with four stars on Charity Navigator.",
    ],
    "donation_information": [
        "Your donation will be deducted directly from your task payment, so it is very easy.",
        "You can choose any amount, anywhere from $0 to your full $2.",
        "The research team collects the donations and sends them straight to the charity.",
        "Whatever you decide to give is taken out of your bonus at the end of the task.",
        "Here is how it works: your donation goes directly to Save the Children once the task is over.",
    ],
    "foot_in_the_door": [
        "Even a few cents would help, it does not have to be much.",
        "Any amount helps, even just ten cents.",
        "A small donation is totally fine; every little bit counts.",
        "You could start small, even a dime makes a difference.",
        "No amount is too small, honestly.",
    ],
    "source_related_inquiry": [
        "Have you ever heard of Save the Children?",
        "Are you familiar with Save the Children?",
        "What do you know about Save the Children?",
        "Do you know anything about this charity?",
        "What is your impression of Save the Children?",
    ],
    "task_related_inquiry": [
        "Have you ever donated to a charity before?",
        "Do you usually give to charities?",
        "How do you feel about donating to charity in general?",
        "Is there any cause that you care about?",
        "What usually makes you donate to a cause?",
    ],
    "personal_related_inquiry": [
        "Tell me a bit about yourself. What do you do?",
        "Do you have any kids?",
        "What matters most to you?",
        "What kind of arguments usually convince you?",
        "What do you do for a living?",
        "Could you tell me a little about you?",
    ],
}


def agent_utterance(act: str, rng: np.random.Generator) -> str:
    """A natural phrasing of ``act`` (a name from ``ACT_REPERTOIRE``), drawn with ``rng``."""
    try:
        options = AGENT_PHRASES[act]
    except KeyError:
        raise ValueError(f"unknown act {act!r}; expected one of {list(ACT_REPERTOIRE)}") from None
    return options[int(rng.integers(len(options)))]


# ----------------------------------------------------------------------- reading the user
#: cue name -> regexes over the user's normalised replies (for persona-blind agents)
HINT_LEXICON: dict[str, list[str]] = {
    "credibility": [
        r"\b(?:skeptic|scams?|shady|burned|trust|trustworthy|wary|careful|audit|guilt)",
        r"\b(?:overhead|admin|salaries|wasted|reaches the kids|where the money goes|where they say|"
        r"actually gets there|where the money ends up)\b",
    ],
    "emotion": [
        r"\b(?:kids at home|little kids|a mom|a dad|a parent|as a parent|kindergarten|little girl|my heart|"
        r"softie|gets to me|touches my heart|hits home|heartbreaking|poor kids|family is everything)\b",
    ],
    "logic": [
        r"\b(?:accountant|numbers|data|evidence|facts|engineer|measured|rational|proof|research for a living|"
        r"solid argument|reasoning)\b",
    ],
    "social": [
        r"\b(?:friends and coworkers|people person|join in|pitching in|big team|people around me|"
        r"everyone is doing it|everyone's doing it|part of something|you are giving too|chipping in|count me in)\b",
    ],
    "budget_tight": [
        r"\b(?:tight|student|every dollar counts|tough financially|much to spare|need the money|can not give much|"
        r"could probably manage)\b",
    ],
    "budget_comfortable": [
        r"\b(?:doing fine financially|will not break me|not really an issue|pocket change|i am comfortable|"
        r"comfortable, thankfully)\b",
    ],
    "knows": [r"\b(?:i know save the children|i have heard of them|i am familiar with them)\b"],
    "unknown": [r"\b(?:never heard of them|who are they|what do they do|do not know much about them)\b"],
    "informed": [r"\b(?:did not know that|now i get what they do|had no idea|know that part)\b"],
    "concern": [
        r"\b(?:overhead|admin|salaries|wasted|reaches the kids|where they say|actually gets there|"
        r"money ends up|money is not wasted|money goes)\b",
    ],
    "deflect": [r"\b(?:rather not|a bit personal|keep that to myself|why do you want to know|nothing interesting)\b"],
    "leaving_soon": [r"\b(?:much time left|wrap this up soon|go in a minute)\b"],
    "counter": [r"\b(?:maybe later|not convinced yet|still thinking|not yet|think about it a little)\b"],
    "repeat": [r"\b(?:already said|mentioned that before|first time|going in circles|asked me that already)\b"],
}
