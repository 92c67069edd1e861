"""Words of the persuasion task: what the user recognises, what it says, what agents say.

Three lexicons live here, written side by side so they stay consistent:

* :data:`LEXICON`: regular expressions per persuasion strategy, matched against
  :func:`dialgym.simulators.scripted.normalize_for_matching` output (lower case,
  contractions expanded, so ``"do not"`` rather than ``"don't"``);
* :data:`REPLIES`: the scripted user's reply bank, several phrasings per reply kind
  (prose, so it lives in ``replies.toml`` next to this file, read once at import);
* :data:`AGENT_PHRASES`: natural phrasings of every act (``agent_utterance``; in ``phrases.toml``);
* :data:`HINT_LEXICON`: what a persona-blind agent can read from the user's replies
  (the adaptive and behavior agents use it; the user's replies are written so that
  these cues are there to find, in ordinary words).
"""

from __future__ import annotations

import numpy as np

from dialgym.core.task import read_data_file

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

#: the cause out in the world, for questions about the person's views on it (task-related inquiries). Not
#: charities or giving: a view on those is, as PersuasionForGood mostly labels it, a personal-related inquiry,
#: and the user answers it with what it thinks of giving
_WORLD = (
    r"(?:children|kids|child\w*|aid|poverty|the world|people|wars?|disasters?|education|schools?|labou?r|hunger|"
    r"famine|refugees?|governments?|countries|developing|foreign|vaccin\w*|malaria|health|water)"
)
_CHARITY = r"(?:save the children|(?:this|the) (?:particular |specific )?(?:charity|organi[sz]ation)|them|it)"

#: questions about the person's own giving (history, habits, favourite causes): PersuasionForGood labels them
#: personal-related inquiries, and so does the recogniser; the user answers them with what it thinks of giving
#: (its inclination), as a person answers the question asked (see ``PersuasionUser._inquiry``)
GIVING_QUESTIONS: tuple[str, ...] = (
    r"\b(?:have|had) you (?:ever )?(?:donated|given|contributed|volunteered|supported)\b",
    r"\bdo you (?:ever |usually |often |normally |regularly |sometimes |typically )?(?:donate|give to|give money|"
    r"contribute to|volunteer|support (?:any|a|some) (?:charit|cause))",
    r"\b(?:any|a) (?:favou?rite) (?:charity|charities|cause|causes)\b",
    r"\b(?:what|which) (?:kinds? of |sorts? of |types? of )?(?:causes?|charities|organi[sz]ations) (?:do |would |"
    r"matter to |mean the most to )?you\b",
)
#: a personal-related inquiry that asks about giving, in the rules' words or others the learned model hears
#: ("do you make donations?"): the user answers it with what it thinks of giving, not with its personal life
ASKS_GIVING: tuple[str, ...] = (
    *GIVING_QUESTIONS,
    r"\b(?:do|did|have|would|will) you (?:\w+ ){0,3}(?:donat\w*|charit\w*|give to)\b",
)

LEXICON: dict[str, list[str]] = {
    "greeting": [
        r"^(?:hi|hello|hey|hiya|howdy|greetings|yo)\b",
        r"\b(?:hi|hello|hey) (?:there|friend|again)\b",
        r"\bgood (?:morning|afternoon|evening|day)\b",
        r"\bnice to (?:meet|chat with|talk to|talk with|e ?meet) you\b",
        r"\bhow are you(?: doing)?(?: today)?\b",
        r"\bhow (?:is it going|are things|is your day going)\b",
        r"\bhope you are (?:doing )?(?:well|good|great)\b",
        r"^(?:hii+|helo|hallo|heya|hey+)\b",
        r"\bhow is your (?:day|morning|evening|afternoon|week)\b",
        r"\b(?:say|saying) (?:hello|hi)\b",
        r"\b(?:trust|hope|hopefully) you are (?:doing )?(?:well|good|great|alright|all right|ok|okay|fine)\b",
    ],
    "thanks": [
        r"\bthank(?:s| you| u)\b",
        r"\bmany thanks\b",
        r"\b(?:i )?(?:really |truly )?appreciate (?:it|that|this|you|your)\b",
        r"\bmuch appreciated\b",
        r"\bi am (?:so |very |really |truly |deeply |incredibly |most )?grateful\b",
        r"\b(?:means|meant) (?:a lot|so much|the world|a great deal) to (?:me|us)\b",
        r"\bhow much (?:\w+ ){1,4}(?:has meant|means) to (?:me|us)\b",
        r"\bcheers\b",
    ],
    "proposition_of_donation": [
        r"\b(?:would|will|could|can|might) you (?:like to |be willing to |consider |want to |please |maybe |"
        r"perhaps )?(?:donate|give|contribute|chip in|pledge|spare|part with)\b",
        r"\bhow much (?:would|will|could|can|do|might) you (?:like to |want to |be willing to |be able to )?(?:donate|"
        r"give|contribute|pledge|spare|part with)\b",
        r"\b(?:willing|ready|happy|able) to (?:donate|give|contribute|chip in|pledge|make a donation)\b",
        r"\b(?:would|will|could|are|were) you (?:be )?(?:open|up|willing|ready|happy|able|interested) (?:to|for|"
        r"in) (?:donat|giv|contribut|mak|chip|help)",
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
        # asking in so many words ("I would like you to donate", "I encourage you to give", "we need you to ...")
        r"\b(?:i|we) (?:really |also |just |truly |strongly )?(?:would (?:really |truly |so )?like|want|need|"
        r"encourage|urge|invite|am asking|are asking|ask|recommend|suggest that) (?:you|"
        r"that you) (?:to )?(?:(?:really|please|kindly|also|just|seriously|consider|think about) )*(?:donate|give|"
        r"contribute|chip in|kick in|make a (?:small )?donation|pledge)\b",
        r"\b(?:writing to ask|here to ask|wondering (?:if|whether)|hoping) (?:you|you would|you could|"
        r"you might) (?:\w+ ){0,3}?(?:donat|giv|contribut|chip in|kick in)",
        # a question about the person's own intention to give now ("do you plan on donating?", "wanna chip in?")
        r"\b(?:(?:do|would) you (?:want|plan|intend|mean|think you will|think you would)|you wanna)(?: on|"
        r" to)? (?:(?:maybe|also|just|perhaps|still|really|go ahead and) )?(?:donat|giv|contribut|chip in|kick in|"
        r"pledg)",
        r"\b(?:are you|you) (?:gonna|going to|planning to|planning on|about to) (?:donat|giv|contribut|chip in|pledg)",
        r"\bwhat (?:amount|sum) (?:are|were|would|will|do|did) you\b",
        r"\bwhat do you think you (?:will|would|might) (?:be )?(?:donat|giv|contribut)",
        r"\b(?:could|can|would) you (?:afford|spare|manage|make|do) (?:\w+ ){0,3}?(?:cents?|dollars?|bucks?|donation|"
        r"contribution|gift|of it)\b",
        # a commitment asked for, about the donation the conversation is on
        r"\b(?:can|could|may) (?:i|we|they|the (?:kids|children)|save the children) (?:count|"
        r"rely) on (?:your (?:support|help|donation|generosity|contribution)\b|you(?: today| now| here|"
        r" then)?\s*[?.!]*$)",
        r"\bis (?:that|this|it) something (?:you|you would|you could|you might) (?:be )?(?:willing|like|want|consider|"
        r"able|open)\b",
        r"\b(?:how|what) about (?:just )?(?:half|all of it|the whole (?:thing|amount)|a (?:dollar|buck|quarter|dime)|"
        r"\d+(?:\.\d+)? ?(?:cents?|dollars?|bucks?)?|one dollar|fifty cents|twenty cents|"
        r"ten cents)(?: then)?\s*[?.!]*$",
        # "care to chip in?", "you would be open to giving", "putting part of your earnings toward them"
        r"^(?:(?:would|do) you )?care to (?:chip in|pitch in|donate|give|contribute)\b",
        r"\byou (?:would|might|could) be (?:open|up|willing|ready|happy|able|interested) (?:to|for|in) (?:donat|giv|"
        r"contribut|chip|pitch)",
        r"\b(?:putting|put|set aside|setting aside) (?:some|part|a (?:bit|little|portion|part|share)) of (?:your|"
        r"today's|todays|the|what you)\b.{0,40}\b(?:toward|towards|to|for) (?:the charity|this charity|them|the kids|"
        r"the children|save the children|the cause|a good cause)\b",
        r"\b(?:they|the (?:children|kids|charity)|save the children) (?:could|can|would) (?:really |truly |"
        r"definitely )?use (?:some|a (?:bit|little|part)|part) of (?:it|your|that)\b",
    ],
    "foot_in_the_door": [
        r"\b(?:even|just|only) (?:0?\.\d+|\d+ cents?|[a-z]+ cents|a few cents|a little|(?:a|one) single (?:penny|cent|"
        r"dime|coin|dollar)|a small (?:amount|sum|donation|gift)|a tiny|a dime|a quarter|a penny|a nickel|a dollar|"
        r"a couple of cents|pennies|cents)\b",
        r"\b(?:any|every) (?:amount|little bit|little|bit|cent|penny|dime)s? (?:helps|counts|matters|"
        r"makes a difference|is welcome|is fine|is great|will help|would help)\b",
        r"\b(?:small|tiny|little|modest) (?:amount|donation|contribution|gift|sum|portion|part|"
        r"share)s? (?:(?:of \w+ \w+ )?(?:is|are|would be|will be|still|totally|perfectly|really|also|just|"
        r"more than) )*(?:fine|okay|ok|great|enough|welcome|appreciated|helps?|counts?|matters?)\b",
        r"\bstart (?:small|with (?:a )?(?:small|little|tiny|few))\b",
        r"\b(?:even|just) \d+(?:\.\d+)? (?:dollars? |bucks? |cents? )?(?:would|will|can|could|helps?|makes?|is|"
        r"counts?)\b",
        r"\bno (?:amount|donation|gift|contribution) is too small\b",
        r"\bdoes not (?:have|need) to be (?:much|a lot|big|large|all of it|the whole)\b",
        r"\bwhatever you can (?:spare|afford)\b",
        r"\b(?:a few|ten|twenty|fifty) cents (?:would|will|can|could) (?:help|make|go|buy)\b",
        # "you need not give the full amount", "I would not ask for much", "maybe just a quarter?"
        r"\b(?:need not|do not have to|does not have to|no need to|do not need to) (?:give|donate|"
        r"be) (?:the )?(?:full|whole|entire|all|much|a lot)\b",
        r"\b(?:would not|will not|am not|i do not) ask(?:ing)? (?:you )?for (?:much|a lot|the whole|everything|"
        r"all of it)\b",
        r"\b(?:merely|just|only)? ?a (?:small|tiny|little|modest) (?:fraction|part|portion|bit|share|slice|sliver|"
        r"piece) of\b",
        r"\b(?:maybe|perhaps|how about|what about) (?:just |jus |only )?(?:a (?:quarter|dime|nickel|penny|few cents|"
        r"couple of cents|little)|\d+ cents|[a-z]+ cents)\b",
        r"\b(?:would not|will not|would hardly|will hardly) (?:even )?(?:be missed|be noticed|notice)\b",
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
        # "I already put my earnings toward them", "my own bonus is going to them", "putting in fifty cents myself"
        r"\bi (?:already |just |also |recently |personally )?(?:put|sent|gave)\b.{0,40}\b(?:to|toward|"
        r"towards) (?:them|save the children|this charity|the charity|the cause)\b",
        r"\bi (?:\w+ )?made (?:a|my) (?:\w+ )?(?:donation|contribution|gift)\b",
        r"\bi (?:\w+ )?(?:signed up|set up) (?:for )?(?:a )?(?:monthly |regular |yearly |recurring )?(?:gift|donation|"
        r"payment|debit|contribution)s?\b",
        r"\b(?:i will|ill) be (?:giving|donating|contributing|putting)\b",
        r"\bi (?:am )?(?:gonna|going to|will|plan to) (?:throw|chip|pitch|put) in\b",
        r"\b(?:throw|throwing|chip|chipping|pitch|pitching|put|putting) in (?:\w+ ){0,3}(?:of my own|myself)\b",
        r"\bi (?:already |just )?(?:typed|entered|put) in my (?:own )?(?:amount|donation|gift)\b",
        r"\b(?:putting|giving|sending|donating) my (?:own )?(?:bonus|earnings|payment|pay|reward|money|\w+ dollars?|"
        r"\d+ cents)\b",
        r"\bmy (?:own )?(?:bonus|earnings|payment|pay|reward|money|two dollars|\d+(?: dollars?|"
        r" cents)?) (?:from \w+ \w+ )?(?:is|are|will be) (?:going|headed|being sent|being donated)\b",
        r"\b(?:putting|put|giving|give|gave|donating|donate|donated|chipping|pitching)\b.{0,30}\bmyself\b",
        # what others like them did (PersuasionForGood's example-donation)
        r"\b(?:many|lots of|most|other|so many|plenty of|a lot of) (?:people|workers|participants|turkers|folks|"
        r"others)\b(?: \w+){0,5} (?:have |had )?(?:already |also |just )?(?:donated|given|gave|"
        r"done (?:exactly )?(?:this|that|the same)|chipped in|contributed|pitched in)\b",
    ],
    "personal_story": [
        r"\bwhen i was (?:a |young|little|in|growing|traveling|travelling|younger|abroad)",
        r"\bi (?:once |also |actually )?(?:met|visited|volunteered|travell?ed|worked|lived|spent (?:a|"
        r"some) time) (?:with|at|in|for|a|an|abroad|overseas)\b",
        r"\bmy (?:fr(?:ie|ei)nd|best fr(?:ie|ei)nd|sister|brother|mother|mom|mum|father|dad|cousin|neighbou?r|"
        r"daughter|son|family|aunt|uncle|grandmother|grandma|granny|grandfather|grandpa|niece|nephew|colleague|"
        r"coworker|wife|husband|partner|roommate|boss|teacher|kid|baby|child|buddy|pal)(?:'?s)?\b.{0,60}\b(?:was|were|"
        r"had|grew up|lived|got|saw|volunteered|worked|told|received|benefited|went|needed|used to|fostered|adopted|"
        r"lost|nearly|almost|taught|moved|spent|came back|fled|survived|did|immigrated|emigrated|relied|depended|work|"
        r"works)\b",
        r"\b(?:a|one) (?:\w+ )?(?:friend|colleague|coworker|neighbou?r|relative|cousin|classmate) of mine\b",
        r"\bi (?:once |also |actually )?(?:visited|went to|travell?ed to|was in|lived in)\b.{0,60}\b(?:and|"
        r"where) (?:i )?(?:met|saw|watched|noticed|learned)\b",
        r"\bi (?:once |also )?went on (?:a |an )?(?:mission|volunteer|service|aid|relief) trip\b",
        r"\b(?:last|this past|one) (?:summer|winter|spring|fall|autumn|year|christmas)\b,? i\b",
        r"\bmy (?:own )?(?:interest|involvement|passion|connection)\b.{0,20}\b(?:started|began|comes from|goes back)\b",
        r"\bi (?:have )?(?:once |actually |personally )(?:seen|saw|met|watched)\b",
        r"\bmy (?:view|mind|perspective|outlook)s? (?:\w+ )?changed (?:after|when)\b",
        # "let me tell you a little about them" introduces facts about the charity, not a story
        r"\blet me (?:tell|share)(?: with)? (?:you )?(?!a (?:little |bit |few things )?(?:more )?about (?:them|it|"
        r"the charity|this charity|save the children|the organi[sz]ation|what they))(?:a|my|about a|about my|"
        r"something|a quick)",
        r"\b(?:something|what) (?:that )?happened to (?:me|my)\b",
        r"\b(?:a few|some|many|two|three|\d+) (?:years|months|weeks) ago,? (?:i|my|we)\b",
        r"\b(?:a|my) (?:true |short |quick |little )?(?:personal )?(?:story|experience) (?:of mine|from my|about|"
        r"that)\b",
        r"\bi (?:still )?remember (?:when|the|a|seeing|meeting|visiting)\b",
        r"\b(?:i|^) ?grew up\b",
        r"\bi have seen (?:it |this )?(?:first ?hand|with my own eyes|up close)\b",
        r"\b(?:years|months) ago,? i\b",
    ],
    "emotion_appeal": [
        r"\b(?:imagine|picture) (?:a|the|those|these|how|being|what|little|young|kids|children|yourself|if|your)\b",
        r"\b(?:just )?think (?:of|about) (?:the |those |these |all the |all those )?(?:children|kids|little|families|"
        r"babies|child|how (?:it|they|you))\b",
        r"\b(?:heart ?breaking|heart ?wrenching|tragic|devastating|devastated|suffer|suffering|suffers|starving|"
        r"starve|dying|desperate|helpless|innocent|frightened|terrified|orphaned|orphans?|malnourished|miserable)\b",
        r"\b(?:children|kids|child|families|little ones|babies|girls|boys)\b.{0,50}\b(?:in danger|at risk|alone|"
        r"crying|cry|scared|hungry|go to bed hungry|without food|without a home|without shelter|fleeing|"
        r"lost everything|have nothing)\b",
        r"\bhow would you feel\b",
        r"\b(?:die|dies|died) (?:of|from|every|each|before)\b",
        r"\bput yourself in\b",
        r"\b(?:touch|warm|break|breaks|tug at) (?:your|my|the|our) heart",
        r"\bfeel (?:good|great|wonderful|proud) (?:about|knowing)\b",
        # a child's smile, not "a difference in a child's life" (people say that of an impact claim)
        r"\b(?:a|an|their|the) (?:child's|childs|kid's|kids) (?:smile|eyes)\b",
        r"\bno (?:child|kid|parent|family) should\b",
        r"\b(?:gets|get|got) to me\b",
        r"\bgives? me (?:the )?(?:chills|goosebumps|shivers)\b",
        r"\blost everything\b",
        r"\b(?:frightening|scary|terrifying|lonely|awful|hard|painful|heartbreaking) (?:it )?(?:must be|"
        r"would be) for (?:a|the|those|these|them|him|her|kids|children)\b",
        r"\b(?:envision|pictur)\b",
        r"\b(?:eyes|smile|face|faces|tears) of (?:a |the |these |those )?(?:little |young )?(?:child|children|kid|"
        r"kids|little ones)\b",
        r"\bhow (?:a|the|those|these) (?:little ones?|child|children|kids?) (?:copes?|feels?|survives?|manages?)\b",
    ],
    "logical_appeal": [
        r"\b(?:logically|logical|rational(?:ly)?|evidence|research(?! team| study| hit)|studies|study shows|"
        r"statistics|stats|proven|cost ?effective(?:ness)?|efficient(?:ly)?|efficiency|measurable|quantifiable)\b",
        r"\bit (?:just |simply )?makes (?:a lot of )?(?:sense|logical sense)\b",
        r"\b(?:the )?(?:numbers|math|data|figures) (?:show|shows|say|says|are clear|speak|tell)\b",
        # reading the figures out: "looking at the numbers, ...", "child deaths have halved since 1990"
        r"\b(?:looking at|if you look at|based on|going by|according to) the (?:numbers|data|figures|statistics|"
        r"stats)\b",
        r"\b(?:has|have|had) (?:roughly |nearly |almost |more than |about |been )?(?:halved|doubled|tripled|fallen|"
        r"dropped|declined|decreased|gone down|come down|been cut in half) (?:by|since|over|in|from)\b",
        r"\bif (?:everyone|everybody|each of us|we all|all of us)\b",
        r"\b(?:saves?|prevents?|saving|preventing) (?:\w+ ){0,2}(?:lives|deaths|diseases?)\b",
        r"\b(?:therefore|thus|hence|consequently)\b",
        r"\bin the long (?:run|term)\b",
        r"\b(?:educat\w+|healthy|vaccinated) (?:children|kids)\b.{0,50}\b(?:economy|economies|society|societies|"
        r"communities|earn|productive|break the cycle)\b",
        r"\b(?:break|breaking) the cycle of poverty\b",
        r"\bthe (?:reason|fact|point) is\b",
        r"\b(?:a|one|single|\d+|every|each|just one|only one) (?:single )?(?:dollar|dollars) (?:can|could|will|would|"
        r"buys?|provides?|pays? for|feeds?|covers?)\b",
        r"\bpreventable\b",
        # cost-effectiveness: what a small sum buys, the return on a gift
        r"\b(?:a few|a couple of|\d+|one|two|three|five|ten|twenty) (?:dollars?|bucks|cents) (?:can |could |will |"
        r"would )?(?:buys?|pays? for|provides?|covers?|feeds?|vaccinates?|treats?)\b",
        # "$2 pays for a week of meals": the currency sign is gone after normalisation, the number stays
        r"\b\d+(?:\.\d+)? (?:a (?:month|week|day) )?(?:can |could |will |would )?(?:buys?|pays? for|provides?|covers?|"
        r"feeds?|vaccinates?|keeps? \w+ in school)\b",
        r"\b(?:the )?return on (?:a |your |every |each |the )?(?:small |single )?(?:gift|donation|dollar|investment)\b",
        r"\bfor (?:just |only )?(?:\d+|\d+ dollars?|[a-z]+ dollars?),? (?:you|one|we) can\b",
        # aggregation, unit costs and comparisons: "a thousand people each giving a dollar", "it costs under a dollar"
        r"\b(?:a (?:hundred|thousand|million)|\d+) (?:people|persons|donors|of us)\b.{0,30}\b(?:each|giving|gave|"
        r"donating|donate)\b",
        r"\bcosts? (?:less than|under|only|just|about|around|roughly) (?:a |one |\d+ )?(?:dollars?|cents?|bucks?|"
        r"penny|pennies)\b",
        r"\b(?:cheap|inexpensive|affordable) to (?:feed|vaccinate|treat|educate|protect|save|help|buy|provide)\b",
        r"\b\d+ cents (?:a|per) (?:meal|day|dose|child|kid|week)\b",
        r"\b(?:go|goes|stretch|stretches) (?:\w+ )?(?:further|farther)\b",
        r"\b(?:less|more) (?:costly|expensive) than\b|\b(?:cheaper|costlier) than\b",
        r"\b(?:benefits?|effects?|returns?) (?:compound|multiply|last|ripple)\b|\b(?:for|across) generations\b",
        r"\bbang for (?:the|your) buck\b",
        r"\b(?:that|this|it|which) (?:alone |amount |sum )?(?:could|can|would|will) (?:fund|pay for|buy|cover)\b",
        r"\bsaves? (?:\w+ )?(?:costs?|money)\b",
        r"\bcosts? (?:only |just )?(?:a )?few (?:dollars|cents|bucks)\b",
        r"\b(?:the )?math (?:checks out|works out|adds up)\b",
        r"\b(?:can|could|will|would) (?:actually |really |easily )?(?:cover|pay for|buy|fund)\b.{0,30}\b(?:course|"
        r"meals?|vaccines?|treatment|supplies|nets?|school|medicine|meds)\b",
        r"\b(?:most|more|very|highly) effective\b",
        r"\b(?:numbers|math|data|figures|facts) (?:do not lie|speak for themselves)\b",
        r"\b(?:is|are|become|becomes) (?:\w+ )?(?:more|less) likely to\b",
        r"\b(?:a handful of|a couple of|two|a few) (?:dollers?|cents|pennies|coins) (?:can |could |will |"
        r"would )?(?:buys?|pays? for|provides?|covers?|feeds?|vaccinates?|treats?|stop|stops)\b",
        r"\bdollers? (?:can |could |will |would )?(?:buys?|pays? for|provides?|covers?|feeds?)\b",
    ],
    "credibility_appeal": [
        r"\b(?:reputable|trustworthy|trusted|credible|credibility|transparent|transparency|accountable|accountability|"
        r"auditors?|audit|audited|audits|auditing|legitimate|well[- ]?respected|highly rated|watchdogs?|oversight|"
        r"trustees)\b",
        # who checks the books: "outside auditors go through their accounts every year"
        r"\b(?:checks?|checked|reviews?|reviewed|inspects?|inspected|goes through|go through|went through) (?:their|"
        r"its|the (?:charity's|organi[sz]ation's)) (?:books|finances|accounts|spending|records)\b",
        r"\b(?:their|its) (?:books|finances|accounts|spending|records) (?:are|is|get|gets) (?:\w+ ){0,2}(?:checked|"
        r"reviewed|audited|inspected|published|public|open)\b",
        r"\b(?:independent|outside|external|third[- ]party) (?:auditors?|reviewers?|evaluators?|raters?|review|"
        r"reviews|monitors?|firms?|groups?|agencies|experts|inspectors?|organi[sz]ations)\b",
        r"\boverhead (?:is|are|stays|remains|costs are) (?:\w+ )?(?:low|small|minimal|tiny)\b",
        r"\bpublish(?:es)? (?:their|its|all|every|the) (?:\w+ )?(?:finances|accounts|reports?|spending|budgets?|"
        r"figures|results|expenses)\b",
        r"\b(?:rate|rates|rated|rank|ranks|ranked|grade|grades|graded) (?:them|it|save the children)? ?(?:highly|"
        r"very highly|near the top|at the top|among the best|well)\b|\btop (?:marks|ratings?|scores?|grades)\b",
        r"\b(?:charity navigator|givewell|better business bureau|bbb|four stars?|4 stars?|four-star|4-star)\b",
        r"\btrack record\b",
        r"\b(?:founded|started|established|around|operating|working) (?:in|since|for) (?:1919|over a century|"
        r"more than a century|a century|over 100 years|over a hundred years|100 years|a hundred years)\b",
        r"\b(?:over|more than|nearly|almost) (?:a )?(?:century|hundred years|100 years)\b",
        # "86% of the donations go to the programs": the "%" is gone after normalisation, the number stays
        r"\b(?:\d{1,3} ?(?:percent|per cent)?|most|the majority|nearly all|almost all|all|\d+ out of \d+) of (?:the |"
        r"your |all |every |each )?(?:donations?|money|funds?|proceeds|contributions?)\b.{0,30}\b(?:goes|go|is spent|"
        r"are spent|is used|are used|reaches|reach)\b",
        r"\b(?:low|small|minimal) (?:overhead|administrative costs?|admin costs?)\b",
        r"\b(?:partners?|partnered|works?) with (?:unicef|the united nations|the un|governments|the who)\b",
        r"\b(?:governments?|the un|the united nations|unicef|the who)\b(?: \w+){0,4} (?:work|works|worked|partner|"
        r"partners|partnered) (?:directly )?with (?:them|it|save the children|the charity)\b",
        r"\b(?:you can )?(?:check|verify|look up) (?:their|its) (?:finances|reports?|ratings?|accounts)\b",
        r"\b(?:annual|financial|audit) reports?\b",
        # facts about the organisation: what it does, where (P4G's provide-org-facts)
        r"\bworks? in (?:over |more than |about )?\d+ countries\b",
        r"\b(?:save the children|the charity|this charity|the organi[sz]ation|this organi[sz]ation|they|it) (?:helps?|"
        r"provides?|supports?|protects?|delivers?|runs?|focuses|focus|feeds?|builds?|offers?|gives?|brings?|sends?|"
        r"funds?) (?:\w+ ){0,3}(?:children|kids|families|education|schools?|food|health ?care|medicine|medical|"
        r"shelter|vaccines?|aid|help|support|programs?)\b",
        r"\b(?:save the children|it|this) is an? (?:\w+ ){0,3}(?:charity|organi[sz]ation|non ?profit|ngo)\b",
        r"\b(?:charity|organi[sz]ation|non ?profit|ngo) (?:that|which|who) (?:\w+ )?(?:helps?|provides?|supports?|"
        r"protects?|works?|feeds?|runs?|fights?|focuses)\b",
    ],
    "donation_information": [
        r"\b(?:deducted|taken|subtracted|come out) (?:directly |straight )?(?:from|of) your (?:task )?(?:payment|"
        r"earnings|pay|bonus|reward)\b",
        # how the money travels to the charity; what it pays for once there ("goes towards food", "86% goes to
        # the programs") is a fact about the organisation (credibility), as people and PersuasionForGood read it
        r"\b(?:your|the|any|each|every) (?:donation|contribution|money)s?(?: \w+){0,3} (?:will |would |can |"
        r"could )?(?:be |gets? |is |are )?(?:paid|sent|forwarded|transferred|passed on)\b",
        r"\b(?:your|the|any|each|every) (?:donation|contribution|money)s? (?:will |would |can |could )?(?:go|goes|"
        r"gets?) (?:straight |directly )?to (?:save the children|the charity|this charity|them)(?! (?:to|for) )(?:$|"
        r"[ ,.!?](?!.{0,30}\b(?:help|helping|programs?|kids|children)\b))",
        r"\b(?:you can|you could|you may|you are free to) (?:choose|pick|decide|give|donate) (?:any|the|how much|"
        r"whatever|an) (?:amount|much)?",
        r"\b(?:anywhere|any amount) (?:from|between) (?:0|0|zero|nothing)\b",
        r"\b(?:res[ea]{1,2}rch(?:ers| team)|the (?:team|requesters?|researchers)|we|they) (?:will |would |"
        r"can )?(?:collect|send|forward|pass|process|deliver|transfer)\w* (?:\w+ ){0,3}(?:donations?|money|"
        r"contributions?)\b",
        r"\b(?:comes?|taken|deducted) (?:\w+ ){0,2}(?:out of|from) your (?:bonus|payment|earnings|pay)\b",
        r"\b(?:comes?|taken|deducted) (?:\w+ ){0,2}(?:off|out of|from) (?:your|the) (?:\w+ ){0,2}(?:dollars?|bonus|"
        r"payment|earnings|pay)\b",
        r"\b(?:here is|let me explain|this is) how (?:the |your )?(?:donation|money|it) (?:works|is used|helps)\b",
        # the range, what happens to the rest, where the amount is chosen
        r"\b(?:anywhere|anywere|any amount) (?:from |between )?(?:0|zero|nothing) (?:to|and|up to)\b",
        r"\bfrom (?:0|zero|nothing|none)(?: at all)?(?: dollars?)? (?:up )?(?:to|through) (?:the )?(?:full |whole |"
        r"entire )?(?:2|two|all|everything|amount|payment|bonus)\b",
        r"\b(?:do not|does not|will not|would not) (?:have|need) to pay (?:anything|any|a cent|"
        r"a penny)(?: \w+)? (?:extra|more|yourself|out of pocket)\b",
        r"\b(?:a|the) (?:box|field|form|slider|screen|page|question|prompt|pop ?up)\b.{0,40}\b(?:at the end|"
        r"after (?:this|the|our) (?:chat|conversation|task))\b",
        r"\byou (?:still )?(?:get|keep|receive) (?:paid|payed|the rest|whatever (?:you do not|is left)|your (?:full|"
        r"whole|regular|normal) (?:pay|payment))\b",
        r"\b(?:res[ea]{1,2}rch(?:ers| team)|the (?:team|requesters?|researchers)) (?:will |would |can )?(?:collect|"
        r"send|forward|pass|process|deliver|transfer)\w* (?:everything|it all|all of it|every cent|every penny|it)\b",
    ],
    "source_related_inquiry": [
        r"\b(?:have|had) you (?:ever )?(?:heard|hear|read|learned) (?:of|about)\b",
        r"\b(?:do|did) you know (?:about |of |anything about |much about |what )?" + _CHARITY + r"\b",
        r"\bare you (?:familiar|aware) (?:with|of)\b",
        r"\bwhat do you (?:know|think) (?:about|of) " + _CHARITY + r"\b",
        r"\bwhat (?:is|are) your (?:impression|thoughts|opinion|view)s? (?:of|on|about) " + _CHARITY + r"\b",
        r"\b(?:ever|do you ever) come across " + _CHARITY + r"\b",
        r"\bdo you trust (?:charities|this charity|the charity|save the children|them)\b",
        r"\bwhat (?:\w+ )?(?:\w+ )?(?:do )?you (?:are |already |really |actually )?(?:know|knowing) (?:about|of) "
        + _CHARITY
        + r"\b",
        r"(?:^|\b(?:do|did) )you (?:already )?know (?:about|of) (?:save the children|this charity|the charity|"
        r"this organi[sz]ation|the organi[sz]ation)\b",
        r"\b(?:do|did) you know (?:much|anything) about what (?:they|it|the charity|save the children) (?:do|does|"
        r"did)\b",
        r"\b(?:ever|you) (?:\w+ )?(?:heard|herd) (?:of|about) (?:save the children|this charity|the charity|"
        r"this organi[sz]ation|the organi[sz]ation)\b",
        r"\b(?:are you|whether you are|if you are|how) (?:\w+ )?(?:familiar|familar|aware) (?:you are )?(?:with|of) "
        + _CHARITY
        + r"\b",
        r"\bhow (?:much )?(?:familiar )?you (?:are|might|may) (?:already )?(?:know|be)? ?(?:about|with) "
        + _CHARITY
        + r"\b",
        r"\b(?:what|how much) you (?:already |might |may )?(?:\w+ )?(?:know|have heard) (?:about|of) "
        + _CHARITY
        + r"\b",
        r"\b(?:a name|something|an organi[sz]ation|a charity) (?:you|that you) (?:have |might have |"
        r"may have )?(?:come across|heard of|heard)\b",
        r"\b(?:whether|if) you (?:have )?(?:ever )?(?:seen|read|come across) (?:\w+ ){0,3}(?:save the children|"
        r"their work|this charity|the charity)\b",
    ],
    # opinions and expectations about giving and the task (PersuasionForGood's task-related inquiry);
    # questions about the person's own giving are personal-related, as the corpus labels them
    "task_related_inquiry": [
        r"\b(?:how|what) do you (?:feel|think) about (?:donating|giving|donations|charity|charities|this task|"
        r"the task|helping|charitable giving)\b",
        r"\bwhat (?:is|are) your (?:view|opinion|take|thoughts|feelings?)s? (?:of|on|about) (?:donating|giving|"
        r"donations|charity|charities|charitable giving)\b",
        r"\bwould you (?:ever )?(?:call|consider|describe) yourself\b",
        r"\bhow (?:is|are you finding|are you liking|do you like) (?:the|this) (?:task|study|hit|survey|experiment)\b",
        r"\b(?:is there|are there) (?:a|any) (?:cause|causes|charity|charities) (?:you|that)\b",
        r"\bwhat (?:usually )?(?:makes|would make) you (?:donate|give)\b",
        r"\bwhen you (?:do )?(?:give|donate)(?: to (?:a |any )?(?:cause|charity|charities))?,? what\b",
        r"\bwhat (?:usually )?(?:makes|made) you (?:decide|feel|think) (?:a cause|a charity|it) is worth\b",
        r"\bhow do you (?:usually )?decide (?:whether|when|where|if) to (?:donate|give)\b",
        r"\bwhat do you think (?:of|about) (?:this|the) (?:task|study|cause)\b",
        r"\bwhat (?:made|makes) you (?:decide|want|choose) to (?:take part|join|do|participate|sign up)\b",
        r"\bwhy did you (?:join|take part|sign up|decide to)\b",
        # the person's views on the cause itself: "do you think charities make a difference?"
        r"(?<!how )\b(?:do|would) you (?:ever )?(?:think|believe|feel|reckon|agree|wonder)\b(?! (?:you|that you|i|we|"
        r"if)\b).{0,60}\b" + _WORLD + r"\b",
        r"\b(?:whether you (?:think|believe|feel)|if you (?:think|believe))\b(?! (?:you|that you|i|we)\b).{0,60}\b"
        + _WORLD
        + r"\b",
        r"\b(?:how do you feel|what do you think|what are your thoughts|your (?:thoughts|views?|opinions?|"
        r"take)) (?:about|on) (?!yourself\b|you\b).{0,40}\b" + _WORLD + r"\b",
        r"\bwhat (?:do you (?:consider|think is|believe is|see as)|would you say is) (?:the )?(?:most|biggest|"
        r"greatest|main|worst)\b",
        r"^(?:do you )?reckon\b.{0,40}\b" + _WORLD + r"\b",
        r"\b(?:have you been following|did you (?:see|hear|read) (?:about )?)(?:\w+ ){0,3}(?:news|story|crisis|"
        r"reports?)\b",
        r"\bsomething you (?:have )?(?:ever )?(?:thought|think|wondered|worry|worried|care|cared) about\b",
        r"\b" + _WORLD + r"\b.{0,80}\b(?:you think|you reckon|do you think)\s*[?.!]*$",
    ],
    "personal_related_inquiry": [
        *GIVING_QUESTIONS,
        r"\b(?:tell me|can you tell me|could you tell me|would you tell me|share) (?:a (?:little|bit) |"
        r"a little bit )?(?:more )?about (?:yourself|you)\b",
        r"\bdo you have (?:any )?(?:kids|children|a family|family|a job|siblings|nieces|nephews)\b",
        r"\bwhat do you do\b(?: for (?:a )?(?:living|work|fun))?",
        r"\bwhat (?:is|are) your (?:job|work|profession|occupation|hobbies|interests|background|line of work|"
        r"situation|story)\b",
        r"\bwhere are you (?:from|based)\b",
        r"\bare you (?:a )?(?:parent|student|mom|dad|working|employed|retired)\b",
        r"\bwhat (?:matters|is important) (?:most )?to you\b",
        r"\bwhat (?:moves|motivates|convinces|persuades|inspires) you\b",
        r"\bwhat (?:kind of|kinds of|sort of|sorts of) (?:arguments?|reasons?|things?|"
        r"information) (?:\w+ ){0,2}(?:convinces?|convince|persuades?|persuade|moves?|move|matters? to|speaks? to|"
        r"appeals? to|works? on|works? for) you\b",
        r"\bwhat about you\b",
        r"\bhow (?:do|would) you (?:usually )?(?:make|reach) (?:decisions|up your mind|a decision)\b",
        r"\bwhat (?:is|has been) (?:life|your life|your week) like\b",
        r"\bwhat (?:kind of|sort of) (?:person|work) \w+ you\b",
        r"\b(?:closest|close|dear|dearest|nearest) to your heart\b",
        r"\byou have (?:any )?(?:kids|children|little ones|a family|nieces|nephews|siblings)\b[^.!]*\?$",
        r"\bwhat (?:kind|sort|type|line) of (?:work|job)\b",
        r"\bwhat is your (?:usual |typical )?(?:approach|process|habit|routine)\b",
        r"\b(?:have|had) you (?:ever )?(?:travell?ed|lived|worked|stayed|been (?:to|abroad|overseas))\b",
        r"\bdo you (?:do (?:this|these|that|a lot of|many|much)|work|study|live)\b",
        r"\b(?:little ones|kids|children|a family) of your own\b",
        r"\b(?:whether|if) you have (?:any )?(?:kids|children|little ones|a family)\b",
        r"\b(?:whether you (?:have )?(?:ever )?|if you have (?:ever )?|if you ever )(?:donated|given|contributed|"
        r"volunteered|supported|lived|travell?ed|worked|been involved|had much to do with|done (?:any|much))\b",
    ],
}

#: words that put a sentence on the task's topic: such a sentence carries no strategy the rules or the
#: model can name, but it is about the conversation (heard as ``rapport``, never as ``off_task``)
TOPIC: tuple[str, ...] = (
    r"\b(?:charit\w*|donat\w*|children|kids?|child|save the children|organi[sz]ation|cause|help\w*|money|payment|"
    r"dollars?|cents?|poverty|families|family|world|countries|task|survey|study)\b",
    # introducing the charity ("let me tell you a little about them") announces facts to come
    r"\blet me (?:tell|share with) you (?:a (?:little|bit|few things) )?(?:more )?about (?:them|it|the (?:charity|"
    r"organi[sz]ation|group|cause))\b",
)

#: strategies whose match is dropped after a nearby negation ("I am not asking you to donate")
NEGATION_SENSITIVE: tuple[str, ...] = ("proposition_of_donation", "self_modeling")


# ----------------------------------------------------------------------- user replies
REPLIES: dict[str, list[str]] = read_data_file(__file__, "replies.toml")


# ----------------------------------------------------------------------- agent phrases
_PHRASES = read_data_file(__file__, "phrases.toml")  # phrase banks (prose) live in phrases.toml
AGENT_PHRASES: dict[str, list[str]] = _PHRASES["agent_phrases"]


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
        r"\b(?:kids at home|little kids|a mom|a dad|a parent|as a parent|kindergarten|little girl|my heart|softie|"
        r"gets to me|touches my heart|hits home|heartbreaking|poor kids|family is everything)\b",
    ],
    "logic": [
        r"\b(?:accountant|numbers|data|evidence|facts|engineer|measured|rational|proof|research for a living|"
        r"solid argument|reasoning)\b",
    ],
    "social": [
        r"\b(?:friends and coworkers|people person|join in|pitching in|big team|people around me|everyone is doing it|"
        r"everyone's doing it|part of something|you are giving too|chipping in|count me in)\b",
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
        r"\b(?:overhead|admin|salaries|wasted|reaches the kids|where they say|actually gets there|money ends up|"
        r"money is not wasted|money goes)\b",
    ],
    "deflect": [r"\b(?:rather not|a bit personal|keep that to myself|why do you want to know|nothing interesting)\b"],
    "leaving_soon": [r"\b(?:much time left|wrap this up soon|go in a minute)\b"],
    "counter": [r"\b(?:maybe later|not convinced yet|still thinking|not yet|think about it a little)\b"],
    "repeat": [r"\b(?:already said|mentioned that before|first time|going in circles|asked me that already)\b"],
}
