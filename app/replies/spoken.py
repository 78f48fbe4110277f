"""What the playbook speaks to: which of the message's triggers, whether it hands over,
which requests it answers, and whether a safety trigger is a hazard told after the fact.

A trigger is a decision for the lead (page someone, or not); a reply that names it is a claim
made to the customer. "It sounds like you've had to contact us more than once" to a first
contact tells them they were not read (the review panel's round 6 judged three such
playbooks unusable). So the playbook's words follow the message's own words: the model's
repeat-contact reading is spoken to only where the message says it came back, and a
customer who writes to praise is thanked, not treated as vulnerable for a condition they
mention in passing, nor talked round when they thank us on their way out. Likewise a refund
already promised is chased, not asked for anew, and a request for a copy of one's data is
not an erasure. The escalation and the requests in the answer are untouched.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection

from app.core.domain import Escalation, Trigger
from app.core.labels import RequestLabel, TriggerType
from app.replies.facts import PRAISE_OF_STAFF, REWARD_WISHED, sentence_around

# What a customer who has come back writes. Flat alternations only: this runs on any text.
# On dev, the model's repeat-contact readings with none of these words were mostly wrong
# (26 of 35 false ones had none; 63 of 137 true ones had none, and get a plain line instead).
CONTACTED_AGAIN = re.compile(
    r"\b(?:again|twice|(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time"
    # Tickets raised, not tickets counted in a screen or a day ("15 tickets per screen", panel
    # round 81).
    r"|(?:several|multiple|many|numerous|countless|\d+|two|three|four|five|six) (?:times|calls"
    r"|e-?mails|messages|attempts|chats|tickets(?! per| a day| an? hour| each| to the| for the))"
    r"|already (?:called|contacted|e-?mailed|written|wrote|spoke|spoken|tried|reported|raised"
    r"|asked|sent|disputed|complained|filed)"
    r"|still (?:no|not|haven't|hasn't|have not|has not|waiting|nothing|unresolved)"
    r"|no (?:reply|replies|response|responses|answer|answers|resolution"
    r"|one (?:called|got back|replied|responded|answered))"
    # Days spent trying to reach the company, calls tried again and again (panel round 39):
    # 25 of the 30 labelled train and dev messages that say it are a repeat contact.
    r"|tried\b[^.!?\n]{0,30}\b(?:reaching|contacting|calling|to\s+reach|to\s+contact|to\s+call"
    r"|to\s+get\s+(?:through|hold|in\s+touch)|getting\s+(?:through|hold|in\s+touch))"
    r"|never (?:heard|got back|replied|responded|called back|received a (?:reply|response|call))"
    r"|(?:called|contacted|e-?mailed|wrote|spoke|chatted|messaged|rang|phoned|reached out"
    r"|disputed|complained)\b[^.!?\n]{0,50}\b(?:before|previously|last (?:week|month|time|year)"
    r"|earlier|already|several|multiple|times|twice|again|numerous|repeatedly|months|weeks)"
    r"|repeatedly|on hold|hung up|follow(?:ed)?[- ]up|chas(?:e|ed|ing)|every time|each time"
    r"|yet another|keep (?:calling|asking|getting|being|telling)"
    r"|kept (?:calling|asking|getting|being|telling)|nobody|no-one|no one|ignor(?:ed|ing)"
    r"|tried (?:everything|that|this|again)|same (?:answer|response|reply|thing)"
    r"|(?:months|weeks) of)\b",
    re.IGNORECASE,
)
# How sure the model must be of a repeat contact for the playbook to say so. On dev, of its
# readings the words bear out, 6 of 13 under 0.6 were repeats and 48 of 53 at 0.6 or more;
# below it, "you've had to contact us more than once" said to a first message drew five
# notes and three 'no' verdicts (panel rounds 26 and 27). The escalation itself is unchanged.
SPOKEN_REPEAT_CONFIDENCE = 0.6
# "Again" about the future is no earlier contact: "so it doesn't happen again", "I'll never
# fly with you again" (a first email read as a repeat contact, panel round 22).
_AGAIN_AHEAD = re.compile(
    r"\b(?:happen(?:s|ed|ing)?|occur(?:s|red|ring)?|recur)\s+again\b"
    r"|\bnever\s+(?!heard|got|received|replied|responded|called)[^.!?\n]{0,40}?\bagain\b"
    # "I do not want to be contacted again" refuses contact to come (panel round 28).
    r"|\b(?:not|don't|never)\s+(?:want\s+)?(?:to\s+)?(?:be\s+)?(?:contacted|called|emailed"
    r"|rung|phoned|texted|contact\s+me|call\s+me|email\s+me)\s+again\b",
    re.IGNORECASE,
)
# A customer who asks not to be contacted, or wants no reply: a later check-in ("I'll be in
# touch in a couple of days") is the very thing they asked us to stop. Debt-collection
# complaints say it often.
REFUSES_CONTACT = re.compile(
    r"\b(?:stop|cease)\s+(?:all\s+)?(?:contacting|calling|emailing|e-mailing|texting|messaging"
    r"|phoning|ringing|harassing|bothering)\s+(?:me|us)\b"
    r"|\bcease\s+(?:and\s+desist|all\s+(?:contact|communications?)|(?:contact|communications?)"
    r"\s+with\s+me)\b"
    r"|\b(?:do\s+not|don't|dont|never)\s+(?:contact|call|email|e-mail|text|phone|ring|message)"
    r"\s+(?:me|us)\s+(?:again|anymore|any\s+more|ever)\b"
    r"|\bno\s+(?:further|more)\s+(?:contact|calls|emails|e-mails|texts|communications?)\b"
    # Or who writes wanting no answer at all: "I'm not writing for any reply".
    r"|\bno\s+need\s+(?:to\s+(?:reply|respond|get\s+back)|for\s+(?:a|any)\s+(?:reply|response))\b"
    r"|\bno\s+(?:reply|response)\s+(?:is\s+)?(?:needed|necessary|required|expected)\b"
    r"|\bnot\s+(?:writing|asking|looking)\s+for\s+(?:a|any)\s+(?:reply|response|answer)\b"
    r"|\b(?:don't|do\s+not)\s+(?:need|want|expect)\s+(?:a|any)\s+(?:reply|response)\b"
    r"|\b(?:don't|do\s+not)\s+want\s+to\s+be\s+(?:contacted|called|emailed|phoned|rung)\b"
    # "I'm not writing for an apology... please don't offer me a voucher" (round 35).
    r"|\bnot\s+(?:writing|asking|looking)\s+for\s+(?:an?\s+)?(?:apology|voucher|compensation)\b"
    # "I'm not asking for anything and I don't want a DM" (panel round 33).
    r"|\b(?:don't|do\s+not)\s+(?:want|need)\s+(?:a|any|to)\s+(?:dm|direct\s+message|pm"
    r"|private\s+message)",
    re.IGNORECASE,
)
# A customer who says nothing went wrong ("Nothing wrong at all, your young man's always
# been lovely, it's just I'm moving", "No complaints at all, I've enjoyed it for years") is
# owed no apology for leaving: "sorry for the trouble" told them we had not read that (panel
# round 31). Not "I had no complaints until...": that is a complaint now.
NO_COMPLAINT = re.compile(
    r"(?<!had\s)(?<!until\s)\b(?:no\s+complaints?(?:\s+at\s+all)?"
    # Said by the customer, a clause of its own: not "they tell me there is nothing wrong".
    r"|(?:^|(?<=[.,;:!?(\n]\s)|(?<=[.,;:!?(\n]))nothing(?:'s|\s+is|\s+was)?\s+wrong(?:\s+at\s+all)?"
    r"|(?:isn't|is\s+not|not)\s+a\s+complaint)(?=\s*(?:[,.;:!)\u2013\u2014-]|$|\s+(?:here|from\s+me|at\s+all|with"
    r"\s+(?:you|the\s+service))))",
    re.IGNORECASE,
)
# A wait gone past what was promised, or a service gone: what a customer chasing an order, a
# case or their money writes when they were let down. "No apology for the missed 48 hours",
# "a sorry for the long wait" (20 of 53 notes on calm chases without one, panel rounds 40 to
# 84); none for a parcel to be sent elsewhere tomorrow, a bag left on a bus, a question
# about a gig that moved. Not a bare "yet" ("have the results come back yet?"), nor a bare
# "still" ("is it still pending?"), nor "lost property". Flat alternations only: this runs on
# any text.
LET_DOWN = re.compile(
    r"\b(?:still\s+(?:no|not|nothing|waiting|hasn'?t|haven'?t|isn'?t|doesn'?t|down|says|saying"
    r"|stuck|in\s+review|at)|not\s+yet|overdue|(?<!too\s)late(?!\s+(?:mother|father|husband"
    r"|wife|son|daughter|mum|dad|partner))|delay(?:ed|s)?|no\s+(?:update|news|sign|word|reply"
    r"|response|one\s+(?:has|rang|called))|nobody|nothing(?:'s|\s+has|\s+is)?\s+(?:back"
    r"|come|arrived|changed|happened|showing)|since\s+(?:about\s+|around\s+)?(?:\d|yesterday"
    r"|this\s+morning|last|mon|tue|wed|thu|fri|sat|sun|the\s+\d)"
    r"|(?:was|were)\s+(?:due|meant|supposed|promised)|promised|told\s+(?:me|us)\s+(?:it|they"
    r"|you|he|she)?\s*(?:would|'d|will)|said\s+(?:it|they|you|he|she)\s*(?:would|'d|will)"
    r"|it(?:'?s|\s+is)\s+now|heard\s+nothing|now\s+(?:day|the\s+\d)|day\s+\d+|(?:\d+|two|three|four|five|six|seven"
    r"|eight|nine|ten|several|a\s+few)\s+(?:days|weeks|months)\s+(?:now|later|on|ago|and)"
    r"|hasn'?t\s+(?:moved|changed|arrived|come|updated)|haven'?t\s+(?:received|heard|had|got)"
    r"|not\s+(?:arrived|received|heard|come)|(?:went|gone|is|been)\s+down|dead|outage"
    r"|not\s+working|no\s+(?:service|internet|power|signal|connection|wi-?fi)"
    r"|lost(?!\s+property)|missing|never|cancell?ed|wrong|broken|damaged|faulty|twice"
    r"|without)\b",
    re.IGNORECASE,
)
# What any agent can answer in the same reply: a question, where an order is, a small change.
ROUTINE_ASKS: frozenset[RequestLabel] = frozenset({"information", "status", "change_something"})
# A refund the customer was already promised, and is chasing: what they ask is where it is,
# not for someone to decide it. "I'm putting what you've asked for to a team lead, who can
# decide on it" and "here is what I can do: {decision}" answered a refund agreed in March
# as if it were new (panel rounds 16 and 17).
AGREED_REFUND = re.compile(
    r"\b(?:promised|agreed|approved|confirmed|assured|told|said)\b[^.!?\n]{0,40}"
    r"\b(?:would|will|'d|'ll)\s+(?:be\s+)?(?:refund|credit|reimburs)"
    # "...told me in writing that the £186.40 would be back on my card within 5 days"
    r"|\b(?:promised|agreed|approved|confirmed|assured|told|said)\b"
    r"(?:[^.!?\n]|(?<=\d)\.(?=\d)){0,120}?\b(?:would|will|'d|'ll)\s+be\s+back\s+"
    r"(?:on|in|to|into)\s+(?:my|our|the)\s+(?:card|account|bank)"
    r"|\b(?:promised|agreed|approved|confirmed|assured)\s+(?:me\s+|us\s+)?(?:a\s+|the\s+|my\s+)?"
    r"(?:full\s+|partial\s+)?(?:refund|reimbursement)"
    # "...a refund of £44.99 would reach my card within 5 working days" (panel round 19)
    r"|\brefund\b(?:[^.!?\n]|(?<=\d)\.(?=\d)){0,40}?\b(?:would|will|should)\s+(?:reach|arrive"
    r"|appear|show|land|be\s+(?:back|with|in|on))\b"
    # "refund for cancelled flight NB774 approved 21 days ago", "I took the refund rather than
    # rebooking" (panel round 57: "drop the 'more than I'm able to agree' escalation").
    r"|\brefund\b(?:[^.!?\n]|(?<=\d)\.(?=\d)){0,40}?\b(?:approved|agreed|confirmed|authori[sz]ed)"
    r"\s+(?:\d+|an?|two|three|four|five|six|several)\s+(?:days?|weeks?|months?)\s+ago\b"
    r"|\b(?:took|accepted|chose|opted\s+for)\s+(?:the\s+|a\s+)?(?:full\s+)?refund\b"
    r"|\brefund\s+(?:was|has\s+been|had\s+been|is)\s+(?:approved|processed|issued|agreed"
    r"|confirmed|authori[sz]ed|initiated)"
    r"|\bstill\s+(?:waiting|haven't\s+(?:got|received)|not\s+received)\s+(?:for\s+)?"
    r"(?:my|the|a|on\s+my)\s+refund",
    re.IGNORECASE,
)
# A privacy request for a copy of one's data, not its erasure: the privacy team takes both,
# but "your request to delete your personal data" to someone who wrote "I'm not asking you
# to delete anything" contradicts them (panel rounds 17 and 18).
ACCESS_REQUEST = re.compile(
    r"\bcopy\s+of\s+(?:all\s+)?(?:of\s+)?(?:the\s+|my\s+|our\s+)?(?:personal\s+)?(?:data|information"
    r"|info|records|details)\b"
    r"|\b(?:what|which)\s+(?:personal\s+)?(?:data|information|info)\s+(?:(?:do|does)\s+)?"
    r"(?:you|your\s+company)\s+"
    r"(?:still\s+)?(?:hold|have|keep|store)"
    r"|\b(?:subject|data)\s+access\s+request\b|\bdsar\b|\bright\s+of\s+access\b",
    re.IGNORECASE,
)
_ERASURE_WORD = re.compile(r"\b(?:delet|eras|wip|remov|forget|forgott|purg)\w*", re.IGNORECASE)
_NOT_ERASURE = re.compile(
    r"(?:\bnot|n't|\bnever|\bno\s+need\s+to)\s+(?:\w+\s+){0,4}?(?:delet|eras|wip|remov|purg)\w*",
    re.IGNORECASE,
)
# A safety trigger raised by a thing that sparked, smoked, burned or shocked, told after the
# fact ("sparks came out of where the cable goes in... I've unplugged it"): the customer is
# owed care, a safety report to a lead and an answer to what they asked, not the crisis
# script ("I'm staying right here until a team lead joins"), which left the refund and the
# report unanswered (panel round 18). A threat, self-harm or an emergency in the same words
# stays a crisis.
_HAZARD = re.compile(
    r"\b(?:fire|flames?|smok\w*|sparks?|sparking|melt\w*|burn\w*|scorch\w*|shock\w*|electrocut\w*"
    r"|wires?|wiring|swollen|swelling|bulging|puffed|explod\w*|blew\s+up|hot\s+to\s+(?:the\s+)?touch"
    r"|hazard\w*|unsafe|dangerous|hot\s+plastic|crackl\w*"
    # Water in the electrics: a repair to make safe, not a crisis ("a crisis template... never
    # acknowledges the leak", panel round 74).
    r"|light\s+fittings?|sockets?|fuse\s?box(?:es)?|consumer\s+units?|electrics)\b",
    re.IGNORECASE,
)
_GAS = re.compile(
    r"\b(?:smell\w*|smelt|whiff|stink\w*|leak\w*|hiss\w*)\b[^.!?]{0,40}\bgas\b"
    r"|\bgas\b[^.!?]{0,40}\b(?:smell\w*|smelt|leak\w*|hiss\w*|escap\w*)"
    # Gas told by its smell alone: "a funny smell by the boiler cupboard, a bit eggy" (panel
    # round 81).
    r"|\b(?:smell\w*|smelt|whiff)\b[^.!?]{0,40}\b(?:eggy|rotten\s+eggs?|sulph?ur\w*)\b"
    r"|\b(?:eggy|rotten[\s-]eggs?|sulph?urous)\s+smell",
    re.IGNORECASE,
)
# A death told of: a person's, a pregnancy's or a pet's, however long ago ("my dog passed away
# in surgery", "in March I lost the baby"). A condolence was asked for in four playbooks
# (panel rounds 24 and 26). Not a device that "died", nor a near miss ("I almost died") or a
# choice not made ("we don't want to put her to sleep for dental work").
_DEVICE = (
    r"(?:phone|iphone|battery|batteries|laptop|computer|pc|car|tv|router|modem|engine|screen"
    r"|console|xbox|device|tablet|ipad|fridge|boiler|printer|app|account|card|hard|drive"
    r"|server|internet|wifi|signal|connection|line|macbook|mac|kindle|watch|headphones"
    r"|airpods|beats\w*|charger|cable|box|remote|speaker|camera|bike|washer|dryer|oven"
    r"|heater|furnace|system|service|plan|network|game|controller|software|samsung|galaxy)"
)
_LOSS = re.compile(
    r"\b(?:(?:my|our|his|her|their)\s+(?:(?!" + _DEVICE + r"\b)[\w'-]+\s+){1,3}?"
    r"(?:died|passed\s+away|passed\s+on|was\s+put\s+to\s+sleep|had\s+to\s+be\s+put\s+down)"
    r"|passed\s+away|miscarriage|lost\s+(?:the|our|my)\s+baby|still\s?b(?:orn|irth)|funeral"
    # "Tom's dad, Graham, died very suddenly" (panel round 29): 19 of 20 real messages with
    # a relative and a death this close are a loss.
    r"|(?:dad|mum|mom|father|mother|husband|wife|partner|son|daughter|brother|sister"
    r"|grandmother|grandfather|gran|grandad|nan|nana|grandma|grandpa|uncle|aunt|auntie|baby)\b"
    r"[^.!?\n]{0,25}?\b(?:died|passed\s+away|passed\s+on)"
    # "my mum's phone contract. She died on the 9th" (panel round 31): a person, or a pet,
    # dies; a device "dies" as "it", which this leaves out.
    r"|\b(?:she|he)\s+(?:had\s+)?died"
    # Told as news: "I'm so sorry to tell you that Ray died suddenly" (panel round 61).
    r"|(?:sorry|sad)\s+to\s+(?:tell\s+you|say|let\s+you\s+know|inform\s+you)\s+(?:that\s+)?"
    r"[^.!?\n]{0,30}?\b(?:died|passed\s+away)"
    # "We said goodbye to our old cat Moss at the vets on Saturday" (panel round 75).
    r"|\b(?:said|say|saying)\s+(?:(?:our|my)\s+)?(?:final\s+|last\s+)?goodbyes?\s+to\s+(?:my|our)\s+"
    r"(?:[\w'-]+\s+){0,2}?(?:cat|dog|pet|puppy|kitten|rabbit|horse|pony|mum|mom|dad|mother"
    r"|father|husband|wife|partner|nan|gran|grandma|grandad)\b"
    r"|bereave\w*|death\s+of\s+(?:my|our)|(?:my|our)\s+late\s+(?:husband|wife|partner|mother"
    r"|father|mum|mom|dad|son|daughter|brother|sister)"
    r"|(?<!want to )(?<!instead of )(?:had\s+to\s+)?(?:put|putting)\s+(?:him|her)\s+(?:down"
    # Not one still to come: a claim refused ahead for whenever the dog might need to be put
    # to sleep (a real review, panel round 81) is no loss.
    r"|to\s+sleep)|(?<!want to )(?<!needs to be )(?<!need to be )(?<!will be )(?<!would be )"
    r"(?<!might be )(?<!may be )(?<!going to be )put\s+to\s+sleep|euthani[sz]ed)\b",
    re.IGNORECASE,
)
_NEAR_MISS = re.compile(r"\b(?:almost|nearly)\s+died\b", re.IGNORECASE)
# A word every loss above holds, to pass over most messages at once: this runs on every one.
_LOSS_WORD = re.compile(
    r"\b(?:died|passed|funeral|bereave|miscarriage|baby|still\s?b|death|late|sleep|down"
    r"|euthani[sz]ed|goodbyes?)",
    re.IGNORECASE,
)
_HARM = re.compile(
    r"\b(?:kill\w*|harm\w*|hurt\w*|suicid\w*|die|dying|dead|life|lives|breath\w*|unconscious"
    r"|ambulance|emergency|overdose|threat\w*|attack\w*|assault\w*|gas|carbon|allergic"
    r"|anaphyla\w*|chok\w*|bleed\w*|panic|poison\w*|swallow\w*|danger|safe|gun|knife|weapon"
    r"|insulin|oxygen|medication|meds)\b",
    re.IGNORECASE,
)
# Praise, alone or with a routine ask: answered by thanks first (the reply carries the
# answer), and not handed over for what it mentions in passing. Beside praise, a complaint
# with no ask is a gripe the customer names as one ("only gripe is the wifi", requests.py):
# thanked first and the gripe passed on, not heard out as a complaint ("I can see why this
# has left you unhappy" to a message of thanks, panel rounds 74 and 75).
PRAISE_ASKS: frozenset[RequestLabel] = ROUTINE_ASKS | {"praise", "complaint_only"}
# What a praising customer mentions is not what they raise: a condition in passing, a happy
# departure ("we're moving abroad, thank you for three lovely years"), or the chasing that is
# now over ("thank you for chasing it... after the last few months": a team lead taking
# ownership of a case the customer had just closed, panel round 50).
PRAISE_UNSPOKEN: frozenset[TriggerType] = frozenset(
    {"vulnerable_customer", "churn_threat", "repeated_contact", "worsening_sentiment"}
)
# A danger told in thanks is over: "I fainted at my last blood test", "they called an ambulance
# and stayed with him" drew an urgent hand-over and an emergency number for praise (panel
# rounds 24 and 25), and LABELLING.md's safety risk is an emergency happening now. Only the
# patterns' word is set aside: where the model reads a risk too, it is spoken to.
PAST_DANGER: frozenset[TriggerType] = frozenset({"safety_risk"})
# So is one told of as past beside a routine question or in a complaint that asks for
# nothing: "Dad has dementia and he had a fall on 9 July" in a care-home invoice query drew
# "if anyone is in immediate danger" (panel round 29), and so did "I walked out with my mouth
# bleeding" (round 30). The sentence tells the tense, since the patterns' evidence is often
# one word; a past tense in it is a weak sign ("since then there's a smell of gas" follows
# "serviced"), so a customer asking for a fix is always heard, and violence, self-harm, a
# hazard or gas stay a risk, past tense or not ("a driver assaulted me" was labelled one).
# On train and dev, 3 messages lose the crisis line this way, none labelled a safety risk;
# the 4 that were keep it. The escalation itself stands.
NOTHING_URGENT_ASKED: frozenset[RequestLabel] = PRAISE_ASKS | {
    "explain_charge",
    "talk_to_person",
    "complaint_only",
}
_NEVER_PAST = re.compile(
    r"\b(?:assault\w*|attack\w*|threat\w*|shov\w*|punch\w*|stab\w*|gun|knife|weapon\w*"
    r"|hit\s+(?:me|us|him|her|them)|kill\s+(?:myself|himself|herself|themselves)|suicid\w*"
    r"|self[\s-]harm\w*|overdos\w*|end\s+(?:my|his|her|their)\s+life)\b",
    re.IGNORECASE,
)
_TOLD_AS_PAST = re.compile(r"\b(?:had|was|were|did|\w{3,}ed)\b", re.IGNORECASE)
# A customer who asks to close the account or be erased has decided: their leaving is the
# request, answered by the cancellation or the privacy route, not a threat for a lead to talk
# them out of ("team-lead hand-over unexplained and unneeded", panel rounds 16 and 17).
DECIDED_ASKS: frozenset[RequestLabel] = frozenset({"cancel_or_close", "delete_data"})
# Triggers for which a customer who has not asked for someone else is cared for by the agent
# who answers, not handed to a lead: a person is already reading them, which is what a
# vulnerable customer is owed ("a human at once"). A lead "looking after your case
# personally" to move a delivery for someone on chemotherapy or check an order for a carer
# was "unnecessary" to the panel (round 17, three of three such playbooks), and so was one
# for a bereaved customer's refund, a disabled customer's complaint or a prescription to
# trace ("overkill", "can be dropped", "blurs who owns it": 8 of the 31 such playbooks of
# rounds 38 to 46).
CARED_FOR_HERE: frozenset[TriggerType] = frozenset({"vulnerable_customer"})


# A customer who says they want nothing back: "I'm not after anything, I just think someone
# should know". A remedy offered to them ("here is what I can offer: {options}") pushes what
# they said they did not want (panel rounds 45 and 46), and so does a request for details to
# look into it ("push process onto someone who said they want nothing", rounds 32, 48, 49).
# None of the labelled train or dev messages says it this way; the panel's writers often do:
# "not even asking for anything, just want it on record" (round 49).
ASKS_NOTHING = re.compile(
    r"\b(?:not|n't)\s+(?:even\s+)?(?:after|asking\s+for|looking\s+for|expecting|wanting)\s+"
    r"anything\b|\bnot\s+making\s+a\s+claim\b"
    r"|\b(?:want|wanted|need|needed)\s+(?:it|this|that)\s+on\s+(?:the\s+)?record\b"
    # "I'm not ringing for money", "not after money back", "I don't want a voucher or
    # anything, I just want it noted", "I just want this written down" (panel rounds 70 to
    # 73: five playbooks offered a remedy to callers who had turned one down).
    r"|\bnot\s+(?:ringing|calling|phoning|writing|emailing|here|after)\s+(?:for\s+|about\s+)?"
    r"(?:money|anything|compensation|a\s+(?:refund|voucher))\b(?!\s+else)"
    # "I'm not looking for a refund or a replacement or anything" (panel round 74).
    r"|\b(?:not\s+(?:looking\s+for|after|asking\s+for|wanting|expecting)|(?:don't|do\s+not)"
    r"\s+want)\s+(?:an?\s+|any\s+)?(?:voucher|refund|replacement|compensation|money|apology)"
    r"(?:,?\s+(?:or\s+)?(?:an?\s+)?\w+){0,2}?\s+or\s+anything\b"
    r"|\b(?:just|only)\s+(?:want|wanted|need)\s+(?:it|this|that)\s+(?:noted|written\s+down"
    r"|recorded|logged)\b"
    # "No, I don't need anything booked, I just want to feed something back" (panel round
    # 87: offered {options} to make it right; no train or dev message says either).
    r"|\b(?:don't|do\s+not)\s+need\s+anything\s+(?:booked|done|doing|sorting|fixed|sorted)\b"
    r"|\b(?:just|only)\s+(?:want|wanted|wanting)\s+to\s+(?:feed\s+(?:something|this|it)\s+back"
    r"|give\s+(?:you\s+)?(?:some\s+)?feedback)\b",
    re.IGNORECASE,
)


def _says(pattern: re.Pattern[str], text: str | None) -> bool:
    """Whether the message says what the pattern reads (no message says nothing)."""
    return bool(text) and pattern.search(text or "") is not None


def spoken_to(
    escalation: Escalation, requests: Collection[RequestLabel], text: str | None
) -> Escalation:
    """The escalation as the playbook speaks to it: the triggers its words may name, and
    whether it hands over (not where every trigger was left out, nor where the only triggers
    left are cared for by the agent and no one else was asked for).

    `text`: the message (None: every trigger is spoken to).
    """
    if text is None:
        return escalation
    praising = "praise" in requests and set(requests) <= PRAISE_ASKS
    nothing_urgent = bool(requests) and set(requests) <= NOTHING_URGENT_ASKED
    decided = bool(set(requests) & DECIDED_ASKS)
    complaint = set(requests) == {"complaint_only"}
    # The whole-text patterns run only where their answer can matter: on the hot path.
    agreed = any(t.type == "authority_exceeded" for t in escalation.triggers) and (
        AGREED_REFUND.search(text) is not None
    )
    kept = tuple(
        t
        for t in escalation.triggers
        if not _unspoken(
            t,
            text,
            praising=praising,
            nothing_urgent=nothing_urgent,
            decided=decided,
            agreed=agreed,
            complaint=complaint,
        )
    )
    cared_for = (
        "talk_to_person" not in requests and bool(kept) and {t.type for t in kept} <= CARED_FOR_HERE
    )
    if len(kept) == len(escalation.triggers) and not cared_for:
        return escalation
    # Nor is a hand-over said when no trigger is left for its words: "I'm bringing in a team
    # lead" with no reason the customer can see, for a repeat the model alone read in a tweet
    # about trying a website on another computer, was "unasked for and out of place",
    # "unneeded" and "after the fix" to the panel (rounds 38 to 46: 55 playbooks, 15% as is
    # against 28%).
    # The decision stands: the lead is paged and reads the case.
    escalate = escalation.escalate and bool(kept) and not cared_for
    return dataclasses.replace(escalation, triggers=kept, escalate=escalate)


# Money back turned down in so many words: "not after a refund or a voucher, just want it on
# record", "I know it says non-refundable so I'm not expecting any money back" (panel round
# 75: an offer or a refund step for both). No labelled real message says it so.
_NO_REFUND_WANTED = re.compile(
    r"(?:\b(?:I'?m|I\s+am|we'?re|we\s+are)\s+|(?:^|(?<=[.!?:;]\s)))not\s+(?:even\s+)?"
    r"(?:after|looking\s+for|asking\s+for|expecting|chasing)\s+(?:a\s+|any\s+|my\s+)?"
    r"(?:refund|money(?:\s+back)?|compensation|voucher)\b",
    re.IGNORECASE,
)


def asks_spoken_to(
    requests: Collection[RequestLabel], text: str | None
) -> tuple[RequestLabel, ...]:
    """The requests the playbook answers: a refund already agreed is chased, so its status is
    what is asked, and one turned down is not asked at all (what is left of a complaint is
    the complaint); a privacy request for a copy of one's data, with no word of erasing it,
    is a question for the privacy team, not an erasure."""
    asked = tuple(requests)
    if text is None:
        return asked
    if "refund_or_compensation" in asked and _NO_REFUND_WANTED.search(text):
        asked = tuple(r for r in asked if r != "refund_or_compensation") or ("complaint_only",)
    if "refund_or_compensation" in asked and AGREED_REFUND.search(text):
        asked = _instead(asked, "refund_or_compensation", "status")
    if (
        "delete_data" in asked
        and ACCESS_REQUEST.search(text)
        and not _ERASURE_WORD.search(_NOT_ERASURE.sub(" ", text))
    ):
        asked = _instead(asked, "delete_data", "information")
    return asked


def _instead(
    asked: tuple[RequestLabel, ...], old: RequestLabel, new: RequestLabel
) -> tuple[RequestLabel, ...]:
    return tuple(dict.fromkeys(new if r == old else r for r in asked))


def _unspoken(
    trigger: Trigger,
    text: str,
    *,
    praising: bool,
    nothing_urgent: bool,
    decided: bool,
    agreed: bool,
    complaint: bool,
) -> bool:
    if trigger.type == "vulnerable_customer" and complaint and _LIVED_WITH.search(trigger.evidence):
        # A complaint about how someone with a condition was treated ("told my partner, a
        # wheelchair user, to wait for a less busy one") is heard as the complaint it is: the
        # care script ("we'll take it one step at a time", "your circumstances") read as
        # "borrowed from a hardship template" (panel rounds 59, 65 and 74).
        return True
    if trigger.type == "repeated_contact" and trigger.source == "model":
        if trigger.confidence < SPOKEN_REPEAT_CONFIDENCE:
            return True
        return CONTACTED_AGAIN.search(_AGAIN_AHEAD.sub(" ", text)) is None
    if trigger.type == "churn_threat" and decided:
        return True
    if trigger.type == "authority_exceeded" and agreed:
        return True
    if trigger.type in PAST_DANGER:
        sentence = _sentence_of(text, trigger)
        past = (
            nothing_urgent
            and _TOLD_AS_PAST.search(sentence) is not None
            and not any(p.search(sentence) for p in (_NEVER_PAST, _HAZARD, _GAS))
        )
        return trigger.source == "pattern" and (praising or past)
    return trigger.type in PRAISE_UNSPOKEN and praising


def _sentence_of(text: str, trigger: Trigger) -> str:
    """The sentence of the message that holds the trigger's evidence (the evidence itself
    where its offsets do not point into this text)."""
    if text[trigger.start : trigger.end] != trigger.evidence:
        return trigger.evidence
    return sentence_around(text, trigger.start, trigger.end)


def gas_smelled(escalation: Escalation, text: str | None) -> bool:
    """Whether a message that raised a safety risk tells of gas smelled or leaking: the
    caller may still be in the building, so what to do now comes with the hand-over."""
    fired = any(t.type == "safety_risk" for t in escalation.triggers)
    return fired and bool(text) and _GAS.search(text or "") is not None


# Thanks that open the message, to a company or a crew as much as to a person: "Massive
# thanks to @Pharmacy on Fenn Road...", "Hats off to @airline!" (panel round 43). Of the five
# on train and dev, one is praise; the other four thank for something bad, read as sarcasm.
# Or thanks said to be the point of writing: "I'm not ringing with a problem... I wanted to
# say thank you" (round 44; the one on train and dev is praise), or a reward wished on
# someone for their work.
_THANKS_SAID = re.compile(
    r"^\W*(?:@\w+\W+)*(?:(?:a\s+)?(?:massive|huge|big|special|heartfelt)\s+(?:thanks"
    r"|thank\s+you|shout\s*-?\s*out)|shout\s*-?\s*out|kudos|hats\s+off|props)\s+to\b"
    r"|\bi\s+(?:just\s+|really\s+)?(?:wanted|want)\s+to\s+say\s+(?:a\s+)?(?:big\s+|huge\s+"
    r"|massive\s+)?(?:thanks|thank\s+you)\b"
    # "...your driver Idris deserves a pay rise", "she deserves a medal" (round 45; none on
    # train or dev says it).
    rf"|\b{REWARD_WISHED}"
    # "Give that man a pay rise" (round 110; 9 hand-written messages say so, all praise, and
    # none on train or dev).
    r"|\bgive\s+(?:that|this|the|him|her|them|these)\s+(?:\w+\s+){0,2}?(?:a\s+)?(?:pay\s*rise"
    r"|raise|medal|promotion|bonus)\b"
    # "Can't say enough good things about Marek" (round 60; none on train or dev says it).
    r"|\bcan(?:'t|not|\s+not)\s+say\s+enough\s+(?:good|nice|kind)\s+things\b"
    r"|\bcan(?:'t|not|\s+not)\s+(?:thank|recommend|praise)\s+(?:\w+\s+){1,3}?enough\b",
    re.IGNORECASE,
)


def thanks_said(text: str | None) -> bool:
    """Whether the message opens on thanks, says it was written to thank, wishes someone a
    reward for their work, or cannot praise them enough."""
    return _says(_THANKS_SAID, text)


# Someone else using the customer's identity or getting into their account: "my identity was
# stolen", "my account got hacked", a loan "fraudulently opened". Not fraud the customer
# lays at the company's door ("they put fraudulent charges on my bill"), which an empathy
# line about fraud would seem to concede. On train and dev 109 messages say it, mostly
# credit-file disputes over identity theft; the panel asked for empathy for such a victim
# ("no empathy for an identity-theft victim", rounds 42 and 43; "'frustrated' and a stock
# apology undersell a security scare", round 42).
_FRAUD = re.compile(
    r"\bidentity\s+(?:theft|thief|fraud)\b|\b(?:stole|stolen)\s+(?:my\s+)?identity\b"
    r"|\bidentity\s+(?:was|has\s+been|had\s+been|got)\s+stolen\b|\bvictim\s+of\s+identity\b"
    r"|\b(?:account|email|profile)\s+(?:was|has\s+been|had\s+been|got|is)\s+(?:hacked"
    r"|compromised)\b|\b(?:i|we)(?:'ve|\s+have|\s+had)?\s+(?:been|was|were|got)\s+hacked\b"
    r"|\bfraudulent(?:ly)?\s+opened\b|\bsomeone\s+(?:opened|used|took\s+out)\b[^.!?]{0,40}"
    r"\bin\s+my\s+name\b"
    # Items on a credit file from unauthorised use of someone's social security number, or
    # accounts opened in their name (panel round 47): the 5 train and dev messages that say it
    # are identity-theft disputes.
    r"|\bunauthori[sz]ed\s+use\s+of\s+my\s+(?:social\s+security|identity|name|ssn|personal"
    r"|details|information)|\b(?:accounts?|loans?|cards?)\s+(?:\w+\s+){0,3}?(?:were|was|been"
    r"|being)\s+(?:taken\s+out|opened|applied\s+for)\s+in\s+my\s+name\b",
    re.IGNORECASE,
)


def fraud_told(text: str | None) -> bool:
    """Whether the customer tells of someone else using their identity or their account."""
    return _says(_FRAUD, text)


# A legal step threatened only if the answer does not come: "explain it or I'm taking it to
# the ombudsman", "I want it back, or I'm raising a chargeback". The lead is still paged; the
# reply answers first and hands over if that does not settle it: "escalating before giving
# the explanation muddles the order; answer first, then escalate if needed" (panel rounds 60
# to 73, five such notes). On train and dev, the 6 messages that match all ask for a fix or
# a refund; none asks for a person.
_LEGAL_STEP = (
    r"ombudsman|lawyer|solicitor|attorney|court|small\s+claims|chargeback|regulator|ofcom"
    r"|ofgem|fca|trading\s+standards|legal\s+action|sue|cfpb|bbb|fcc"
)
_ULTIMATUM = re.compile(
    r"\b(?:or|otherwise|or\s+else)\s*,?\s+(?:I'?m|I\s+am|I'?ll|I\s+will|we'?ll|we\s+will"
    rf"|we'?re|I\s+shall)\b[^.!?\n]{{0,80}}?\b(?:{_LEGAL_STEP})",
    re.IGNORECASE,
)


def ultimatum_given(text: str | None) -> bool:
    """Whether the customer threatens a legal step only if they are not answered."""
    return _says(_ULTIMATUM, text)


# A call asked for: "please call me", "can someone from your team ring me on 07...", "have
# a manager call me", "give me a call", "I'd like the claims manager responsible for it to
# ring me", "get your branch manager to ring me". Not a call back promised and never made,
# which is a repeat contact. On train and dev, 9 of the 16 messages that match ask for a
# person; the hand-over that answers it says a lead will ring ("say they'll ring the number
# given", "confirm the callback number", panel rounds 43 to 46). The one to ring named at
# length ("someone from the claims team to ring me") was missed on 45 panel messages, all
# asking for a person, and the call went unanswered ("should explicitly offer the requested
# phone call back", seven notes over rounds 89 to 92); no train or dev message says it so.
# "Call us" is left out: it is mostly the company's own invitation to call, quoted back in
# a review.
_CALL_VERB = r"(?:call|ring|phone|telephone)"
# A call wished for from someone, however the wish is put: "I'd like the sales manager to
# ring me", "can the service manager give me a ring back", "could somebody actually ring me
# back today". All 73 panel messages that say it so asked for a person (of the 43 in rounds
# 40 to 118, 8 had been read without one); on train and dev, 3 of the 4 are labelled so, and
# the fourth tells of a wish made on an earlier call, which the triggers leave to the model.
CALL_WISHED = (
    r"\b(?:can|could|please|like|want|need)\s+(?:you\s+)?(?:ask\s+|get\s+|have\s+)?"
    r"(?:someone|somebody|a\s+(?:real\s+)?person|(?:the|a|an|your)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:manager|supervisor|team\s+lead(?:er)?))\s+(?:(?:please|actually|just|also|personally)"
    r"\s+)?(?:to\s+)?(?:(?:call|ring|phone)\s+(?:me|us)\b|give\s+(?:me|us)\s+a\s+(?:call|ring))"
)
# The wish put the other way round: "I'd be grateful if someone could ring me on my
# landline" (panel rounds 107 to 118: 6 of 6 hand-written matches asked for a person; 1 of 1
# on train and dev).
CALL_THE_OTHER_WAY = (
    r"\b(?:someone|somebody|anyone|a\s+manager|a\s+supervisor|your\s+manager)\s+"
    r"(?:could|can|might)\s+(?:please\s+)?(?:call|ring|phone)\s+(?:me|us)\b"
)
# A call from someone senior put in a list of what the customer wants: "I want two things:
# the repair paid for, and a phone call from a manager (not another claim form)". All 19
# hand-written panel messages that say it so asked for a person; none on train or dev, where
# "I was promised a call back from a supervisor" tells of one instead.
CALL_FROM_A_SENIOR = (
    r"(?:\b(?:want|need|like|expect|demand|request|and|also|second(?:ly)?|third(?:ly)?"
    r"|first(?:ly)?|plus)\b[,:]?\s+|[:;(\u2013\u2022-]\s*|\d[.)]\s*)(?:a|an)\s+(?:phone\s+)?call"
    r"(?:\s+back)?\s+from\s+(?:a|an|the|your)\s+(?:[\w-]+\s+){0,2}?(?:manager|supervisor"
    r"|team\s+lead(?:er)?|senior\s+\w+|person|human)\b"
)
_CALL_ASKED = re.compile(
    r"(?:\bplease|\bpls|\bplz|\bcan\s+(?:someone|somebody|you|anyone|an?\s+\w+)"
    r"|\bcould\s+(?:someone|somebody|you|an?\s+\w+)|\bhave\s+(?:someone|somebody|an?\s+\w+)"
    rf"|\b(?:need|want|like)\s+(?:someone|somebody|an?\s+\w+|you)\s+to|\bor)\s+(?:\w+\s+){{0,4}}?"
    rf"{_CALL_VERB}\s+me\b|\bgive\s+me\s+a\s+(?:call|ring|phone\s+call)\b"
    rf"|\b(?:want|like|need|get|ask(?:ed|ing)?(?:\s+for)?|arrange\s+for)\s+"
    rf"(?:someone|somebody|anyone|an?|the|your)\b\s*(?:[\w'-]+\s+){{0,5}}?to\s+{_CALL_VERB}\s+(?:me|us)\b"
    rf"|\b(?:can|could)\s+(?:someone|somebody|anyone|an?\s+\w+|you)\s+(?:[\w'-]+\s+){{0,5}}?"
    rf"{_CALL_VERB}\s+us\b"
    rf"|{CALL_FROM_A_SENIOR}|{CALL_WISHED}|{CALL_THE_OTHER_WAY}",
    re.IGNORECASE,
)


def call_asked(text: str | None) -> bool:
    """Whether the customer asks to be called."""
    return _says(_CALL_ASKED, text)


# A number to ring given in the message ("ring me on 07700 900418", "my mobile is ..."): the
# call is made to it, and "if you'd like us to use a different number from the one on your
# account" asked again for what was given ("confirm the mobile she already gave", eight
# notes over panel rounds 51 to 77).
_NUMBER_GIVEN = re.compile(
    r"\b(?:on|at|number\s+is|mobile(?:\s+is)?|phone(?:\s+is)?|tel(?:ephone)?)[:\s]+"
    # Which line it is may come first: "on my landline (01423 558 091)".
    r"(?:my\s+(?:landline|mobile|home\s+(?:phone|number)|work\s+(?:phone|number))\s*\(?)?"
    r"(?:\+\d{1,3}\s?)?\(?0?\d{2,5}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}\b"
    # A mobile number on its own, as a post signs off with one ("... 07391 662 018").
    r"|(?<![\d-])(?:\+44\s?7|07)\d{3}\s?\d{3}\s?\d{3}(?![\d-])",
    re.IGNORECASE,
)


def number_given(text: str | None) -> bool:
    """Whether the message gives a phone number to be called on."""
    return _says(_NUMBER_GIVEN, text)


# A customer who writes that the problem went away or was theirs after all: "ignore me,
# it's just come back on", "ignore my DM from earlier, it was in my coat pocket" (panel
# messages). Read as a complaint, they were apologised to and offered options (panel rounds
# 51, 56 and 57: three 'no' verdicts). Not a company said to ignore them, nor a fix still
# awaited ("...until it is sorted"): of the labelled messages that say it so, 7, all train,
# one is a complaint about how long the fix took and none asks for anything more.
_RESOLVED = re.compile(
    r"(?<![a-z]\s)\b(?:ignore|disregard)\s+(?:me|that|this|my\s+(?:last\s+|earlier\s+"
    r"|previous\s+|other\s+)?(?:message|dm|email|e-mail|tweet|post|question))\b"
    r"|\bno\s+longer\s+need\s+(?:any\s+)?(?:help|assistance)\b"
    # "So nothing needed after all, sorry to bother you!" (panel round 59).
    r"|\b(?:nothing|no\s+help|no\s+action)\s+(?:is\s+)?needed\s+after\s+all\b"
    r"|\b(?:it's|it\s+is|its|all|everything's|everything\s+is|seems\s+to\s+be)\s+"
    r"(?:(?!not\b)\w+\s+)?(?:sorted|fixed|resolved|working(?:\s+again)?|back\s+on)\s+now\b",
    re.IGNORECASE,
)
_LEADING_HANDLES = re.compile(r"^(?:\s*@\w+)+")


def resolved_told(text: str | None) -> bool:
    """Whether the customer says the problem went away, asking nothing more."""
    if not text or "?" in text:
        return False
    return _RESOLVED.search(_LEADING_HANDLES.sub("", text)) is not None


# A post that passes a link or a retweet on rather than writing to the company: "RT @...", a
# news link whose headline asks something. Where nothing is read, the type's usual ask
# stood in, and a question mark made it one: "Thanks for your question... {answer}" to a
# news share (nine notes over panel rounds 57 to 96, three 'no'; of the ten panel posts it
# reads so, one asked for information). Of the 33 train and dev tweets it reads so, all ask
# nothing. A post opening on the company's handle is written to it.
_SHARED = re.compile(r"^\s*RT\s+@|\bhttps?://", re.IGNORECASE)


def shared_post(text: str | None) -> bool:
    """Whether a post passes a link or a retweet on, not written to the company."""
    if not text:
        return False
    return not text.lstrip().startswith("@") and _SHARED.search(text) is not None


# A customer on a public channel who says they have already messaged us privately: "I've sent
# you a DM", "check your DMs", "DM sent". Asked for a direct message all the same, they were
# told to write again ("say we will check the DMs and reply there rather than asking them
# to write again", panel round 59). On train and dev 11 messages say it so, all tweets; not
# a message sent somewhere else, such as a Facebook page.
_MESSAGE_SENT = re.compile(
    # ...or asked whether it was read: "has anyone checked your inbox since Monday?" (a real
    # tweet in panel round 103 was asked to send one again).
    r"\bcheck(?:ed|ing)?\s+(?:your|ur)\s+(?:dms?|inbox|direct\s+messages|pms?)\b"
    # "DM sent", "a DM has been sent", and the same without "been" (a real reply in panel
    # round 73 put it so).
    r"|\b(?:dm|pm)s?\s+(?:(?:has|have|is|was|were)\s+(?:been\s+|now\s+|just\s+)?)?sent\b"
    # Counted: "Three DMs, zero replies" (panel round 60).
    r"|\b(?:two|three|four|five|several|multiple|\d+)\s+(?:dms|pms|direct\s+messages)\b"
    r"|\bsent\s+(?:you\s+|u\s+)?(?:an?\s+)?(?:dm|pm|direct\s+message|private\s+message)\b"
    r"|\b(?:i|we)(?:'ve|\s+have|ve)?\s+(?:just\s+|already\s+)?(?:dm'?e?d|pm'?e?d|messaged"
    r"|inboxed)\s+(?:you|u)\b(?!\s+(?:\w+\s+){0,2}on\s+(?:facebook|instagram|whatsapp))"
    # A reply that opens on it: "DMed, ty" (panel round 88: thanked as praise; both train and
    # dev messages that open so ask nothing).
    r"|^\W*(?:@\w+\W+)*(?:just\s+)?(?:dm'?e?d|pm'?e?d|inboxed)\b",
    re.IGNORECASE,
)


def message_sent(text: str | None) -> bool:
    """Whether the customer says they have already sent us a private message."""
    return _says(_MESSAGE_SENT, text)


# A repeat contact counted in the customer's own words ("this is my third email", "I've asked
# in your app twice", "I have to keep chasing"), not a wait ("still waiting") or a fix tried
# ("we've tried it twenty times"). Said so, it is acknowledged as said: "'It sounds as
# though' hedges a contact count the customer stated plainly" (panel rounds 48 to 57, nine
# notes). Where only the reading says it, "You've had to bring this up more than once"
# asserted a history nobody checked (round 58).
_CONTACTS_COUNTED = re.compile(
    r"\b(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+(?:time|call|email|e-mail"
    r"|message|letter|chase|request|complaint|attempt)\b"
    r"|\b(?:asked|called|phoned|rung|rang|emailed|e-mailed|written|wrote|contacted|chased"
    r"|messaged|complained|been\s+through\s+this)\b(?:\s+\w+){0,4}?\s+(?:twice|(?:two|three"
    r"|four|five|six|several|many|multiple|\d+)\s+times)\b"
    r"|\bkeep\s+(?:chasing|calling|asking|emailing|ringing|writing)\b",
    re.IGNORECASE,
)


def repeat_stated(escalation: Escalation) -> bool:
    """Whether a repeat contact is told, by the customer's count or the conversation."""
    return any(
        t.type == "repeated_contact"
        and (t.source == "conversation" or _CONTACTS_COUNTED.search(t.evidence) is not None)
        for t in escalation.triggers
    )


def loss_told(text: str | None) -> bool:
    """Whether the customer tells of a death: their empathy is a condolence."""
    if not text or not _LOSS_WORD.search(text):
        return False
    return _LOSS.search(_NEAR_MISS.sub(" ", text)) is not None


# A hard moment told beside the thanks: a fall, a dash to hospital, a child sick on a flight,
# a pet's last half hour. Thanked "That's really lovely to hear" and closed "Have a great
# day!", such praise read breezy ("too cheerful after a pet's death", "says nothing about the
# father's fall", panel rounds 91 to 94): over rounds 60 to 94, 2 of 12 such playbooks were
# sent as is, against 18 of 56 for other praise alone. It is thanked as care at a hard time,
# as at a death, without the condolence. Of the 46 train and dev messages that say so, none
# is labelled praise: posts that praise and mention a dead phone or a treatment in passing
# are not caught.
_HARD_TIME = re.compile(
    r"\b(?:ambulance|hospital|a\s?&\s?e|paramedics?|panick(?:ed|ing)"
    r"|in\s+a\s+(?:total\s+|real\s+|blind\s+)?panic|in\s+tears|crying|sobbing|terrified"
    r"|frightened|scared|collapsed|(?:had|took)\s+a\s+(?:bad\s+)?fall|fell\s+(?:over|down|in|on)"
    r"|(?:was|were|been|being)\s+(?:violently\s+)?sick|passed\s+away|put\s+to\s+sleep"
    r"|last\s+(?:half\s+)?(?:hour|moments|days)|funeral|stranded|injured|bleeding|seizure"
    r"|heart\s+attack)\b",
    re.IGNORECASE,
)


def hard_time_told(text: str | None) -> bool:
    """Whether the customer tells of a hard moment: a fall, an illness, a fright, a loss."""
    return _says(_HARD_TIME, text)


# Thanks asked to be passed on: "please pass this on to the crew", "make sure they hear this
# from you", "let her manager know". A public thank-you answered "That's really lovely to
# hear" left the one thing asked undone ("ignores the one request, to make sure the crew
# hears the praise", panel rounds 63 and 94). The email thanks passes it on already. Of the
# 20 train and dev messages that say so, none is labelled praise.
_PASS_ON = re.compile(
    r"\b(?:pass(?:ed)?\s+(?:this|it|that|these|my\s+thanks|our\s+thanks|them|along|on)"
    r"|make\s+sure\s+(?:they|he|she|the\s+\w+|this|it|that)\s+(?:hears?|knows?|gets?)"
    r"|let\s+(?:his|her|their|the)\s+(?:manager|boss|supervisor|team|crew)\s+know"
    r"|tell\s+(?:him|her|them|their\s+manager)|hear\s+this\s+from\s+you)\b",
    re.IGNORECASE,
)


def pass_on_asked(text: str | None) -> bool:
    """Whether the customer asks for their thanks to be passed on."""
    return _says(_PASS_ON, text)


# Praise beside another ask, where the head reads the other ask alone: the thanks said in
# the asking ("please tell him thank you from me"), praise told just before or after a wish
# that it be passed on ("she was so gentle... could you tell her that?"), or praise before
# the message turns to its business ("...the curry was still piping hot. While I'm here: do
# you deliver to Kelvinside?"). Panel rounds 96 to 106 left such thanks unanswered in ten
# playbooks ("never thanks them for the praise or passes it to the crew"). None of the 7,147
# train and dev messages says it so; of the 59 hand-written panel messages that do, 57 were
# written as praise.
_THANKS_TO_PASS = re.compile(
    r"\b(?:tell|give)\s+(?:him|her|them)\s+(?:a\s+(?:big|huge|massive)\s+)?(?:thank\s+you|thanks)\b",
    re.IGNORECASE,
)
# The thanks themselves asked to be passed on: "please pass on my thanks to Bev".
_THANKS_PASSED_ON = re.compile(
    r"\bpass\s+(?:on\s+)?(?:my|our|a)\s+(?:\w+\s+)?(?:thanks|thank[- ]you|compliments"
    r"|gratitude)\b",
    re.IGNORECASE,
)
_PRAISE_NEAR_PASS_ON = (250, 100)  # characters before and after the wish read for praise
# A telling told of, not wished for: "I phoned to tell them", "you never told them" (a harsh
# review was thanked for its kind words, panel round 119).
_TOLD_NOT_WISHED = re.compile(r"(?:\bto|n't(?:\s+even)?|\bnot|\bnever|\bdid)\s+$", re.IGNORECASE)
_TURN_TO_BUSINESS = re.compile(
    r"\b(?:while\s+I(?:'m|\s+am)\s+(?:here|at\s+it)|while\s+I(?:'ve|\s+have)\s+got\s+you"
    # "One question though", "Small q though" (panel round 119).
    r"|(?:one|small|quick|tiny|little)\s+(?:question|q|query|thing|small\s+thing)\b"
    r"[^.?!\n]{0,30}\bthough"
    r"|(?:now|on)\s+(?:to\s+)?the\s+(?:practical|boring|actual|real|less\s+fun)\s+bit"
    r"|the\s+(?:actual|real|main)\s+reason\s+I(?:'m|\s+am)\s+(?:writing|getting\s+in\s+touch)"
    r"|before\s+I\s+get\s+to\s+(?:my|the)|on\s+a\s+(?:separate|different|practical)\s+note)\b",
    re.IGNORECASE,
)


def thanks_passed_on(text: str | None) -> bool:
    """Whether the customer asks for their thanks to be passed on, in so many words."""
    return _says(_THANKS_PASSED_ON, text)


def praise_beside_ask(text: str | None) -> bool:
    """Whether the customer praises, or thanks, beside what else they ask: thanks to be
    passed on, or praise before the message turns to its business."""
    if not text:
        return False
    if _THANKS_TO_PASS.search(text) or thanks_passed_on(text):
        return True
    before, after = _PRAISE_NEAR_PASS_ON
    for wish in _PASS_ON.finditer(text):
        if _TOLD_NOT_WISHED.search(text[max(0, wish.start() - 20) : wish.start()]):
            continue
        if PRAISE_OF_STAFF.search(text[max(0, wish.start() - before) : wish.end() + after]):
            return True
    turn = _TURN_TO_BUSINESS.search(text)
    return turn is not None and PRAISE_OF_STAFF.search(text[: turn.start()]) is not None


# A change asked of what the company offers, not of the customer's own account: a feature,
# a show or a product withdrawn or wished for ("Bring it back please!!!", "can you add the
# skip intro button", "why would you get rid of such a useful feature"). The agent cannot
# make it happen; "here's what I can do, and when it would take effect" promised that it
# would (panel rounds 28, 29 and 30). On the labelled train and dev messages, 16 of the 17 it
# matches are labelled a change asked for (the other asks why an option was taken away).
# "Please add a fraud alert to my file" and "if it needs adding as a named item, please add
# it" are the customer's own account, left out here.
_SUGGESTION = re.compile(
    r"(?:^|[.!?]\s*|(?:please|pls|plz|can\s+you|could\s+you)\s+|@\w+\s+)bring\s+"
    r"(?:back\b|(?:it|them|the\s+[\w-]+(?:\s+[\w-]+)?)\s+back\b)"
    r"|\b(?:please|pls|plz|can\s+you|could\s+you|you\s+should|y'all\s+should)\s+"
    r"(?:please\s+)?add\s+(?!(?:it|them|this|that|him|her)\b)"
    r"(?!(?:[\w@#'-]+\s+){0,6}?(?:my|me|our|us)\b)"
    # "could you add whichever roaming add-on makes most sense to my account" (round 33).
    r"(?![^.!?]{0,80}?\bto\s+(?:my|our)\s+(?:account|plan|policy|booking|order|line|file|bill"
    r"|subscription)\b)"
    r"|\bfeature\s+request\b|\b(?:small|quick|little|one|feature)\s+suggestion\b"
    r"|\bsuggestion\s*(?:[,:]|-\s|for\s+@)"
    # "could we get a way to pin 'home' and 'work' stops?" (panel round 30), "any chance
    # you'll add a way to split one transaction?" (round 31)
    r"|\b(?:(?:could|can|will|would)\s+(?:we|you)|any\s+chance\s+(?:you'?ll|you\s+(?:will|could"
    r"|can)|of))\s+(?:please\s+)?(?:get|have|add)(?:ing)?\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}"
    r"(?:way|option|feature|button|setting|function)\b"
    # "could you let us log sets per side? is that on the roadmap at all?" (panel round 88;
    # no train or dev message says either).
    r"|\bon\s+(?:the|your)\s+roadmap\b|\b(?:could|can|will|would)\s+you\s+(?:please\s+)?"
    r"(?:let|allow)\s+(?:us|users|people)\s+(?:to\s+)?(?!know\b|in\b)\w+"
    r"|\bwhy\s+(?:would|did|are|have)\s+(?:you|u|y'all|they)\s+(?:\w+\s+)?(?:get(?:ting)?\s+"
    r"rid\s+of|remov\w+|discontinu\w+|tak(?:e|ing|en)\s+away|scrap\w*)",
    re.IGNORECASE,
)


def suggestion_made(text: str | None) -> bool:
    """Whether the customer asks for a change to what the company offers, which the agent
    can pass on but not promise."""
    return _says(_SUGGESTION, text)


# A condition the customer lives with, or their age, as the vulnerability: needs to be met,
# not a hardship to be pitied ("a wheelchair user", "I'm profoundly deaf", "I'm 81").
_LIVED_WITH = re.compile(
    r"\b(?:wheelchair|deaf|blind|partially\s+sighted|hard\s+of\s+hearing|visually\s+impaired"
    r"|disab\w*|autis\w*|dyslexi\w*|elderly|pensioner|[6-9]\d|eighty|ninety)\b",
    re.IGNORECASE,
)


def lived_with(escalation: Escalation) -> bool:
    """Whether every vulnerable-customer trigger names a condition or an age, no hardship."""
    evidence = [t.evidence for t in escalation.triggers if t.type == "vulnerable_customer"]
    return bool(evidence) and all(_LIVED_WITH.search(e) for e in evidence)


def hazard_reported(escalation: Escalation) -> bool:
    """Whether every safety trigger was raised by a thing's hazard, none by a person's harm."""
    evidence = [t.evidence for t in escalation.triggers if t.type == "safety_risk"]
    return bool(evidence) and all(_HAZARD.search(e) and not _HARM.search(e) for e in evidence)
