"""Escalation trigger phrasings as data: one `Rule` per way of saying each trigger."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.labels import TriggerType
from app.replies.spoken import CALL_FROM_A_SENIOR, CALL_THE_OTHER_WAY, CALL_WISHED


@dataclass(frozen=True, slots=True)
class Rule:
    """A phrasing that raises `type`, in lower case; a space matches any run of whitespace.

    Every rule is dropped inside a quoted title ('the "Cancel Anytime Plan"'); guarded rules
    also when negated ("I don't want to cancel") or echoed as a question and answered ("still
    waiting? no, ..."). Safety rules are unguarded: a missed one costs more than a false alarm.
    `praise_cancels` rules are dropped in a sentence that praises and does not complain.
    """

    type: TriggerType
    pattern: str
    confidence: float
    guarded: bool = True
    praise_cancels: bool = False


def _any(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


def _rules(type_: TriggerType, confidence: float, *patterns: str) -> list[Rule]:
    guarded = type_ != "safety_risk"
    return [Rule(type_, pattern, confidence, guarded) for pattern in patterns]


# The tables below are laid out by hand, several short phrasings to a line.
# fmt: off
_GAP = r"(?:[\w'-]+ )"  # one word, then whitespace
_YOU = r"(?:you|u|ur|ya|y'all|yall|you (?:guys|people|lot|all|two|folks))"
_COUNT = _any(
    r"\d+", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "a dozen",
    "several", "multiple", "many", "numerous", "countless", "so many", "a (?:few|bunch of|million)",
    r"like \d+", r"(?:over|more than) \d+",
)
_ORDINAL = _any(
    "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "umpteenth", "hundredth", "millionth", "nth", r"\d+(?:st|nd|rd|th)",
)
_CONTACT_VERB = _any(
    r"writ(?:e|ing)", "wr(?:ote|itten)", r"call(?:ing|ed)?", r"contact(?:ing|ed)?",
    r"e-?mail(?:ing|ed)?", r"messag(?:e|ing|ed)", r"chat(?:ting|ted)?", r"reach(?:ing|ed)? out",
    r"ask(?:ing|ed)?", r"explain(?:ing|ed)?", r"report(?:ing|ed)?", r"complain(?:ing|ed)?",
    r"follow(?:ing|ed)? up", r"r(?:ing|inging|ang)", r"phon(?:e|ing|ed)", r"sen(?:d|ding|t)",
    r"(?:get|getting|got) in touch", r"(?:open|submitt?|rais|log)(?:e|ed|ing)?",
)

# human_request: who the customer wants instead of the current agent.
_HR_ADJ = r"(?:(?:real|actual|proper|senior|fucking|f\*+ing|damn|bloody|competent|different) )?"
_HR_DET = r"(?:(?:a|an|the|your|ur|yr|some|one of your|someone's) )?"
_HR_END = (
    r"(?![\w-])(?!'s)(?! (?:account|role|seat|permission|access|login|licen[cs]e|dashboard|"
    r"view|portal|app|tool|console|position|job|vacancy|discount|plan|mode|setting|feature))"
)
_HR_CUE = _any(
    "(?:speak|speaking|talk|talking|chat|chatting) (?:to|with)", "deal(?:ing)? with",
    "(?:put|patch|send|pass) me (?:through |over )?(?:to|with)",
    "(?:transfer|connect|escalate|forward)(?:ing)? (?:me|this|my (?:call|case|ticket|chat)) "
    "(?:to|with)", "escalated? (?:this |it )?(?:up )?to",
    "(?:pass|hand|send|forward|refer|bump|kick)(?:ing)? (?:this|it|me|my (?:call|case|ticket|"
    "chat|complaint)) (?:up |on |over )?to",
    "(?:get|give|bring|fetch|find|call) me", "(?:complain|complaint|complaining) to",
    "(?:can|could|may) (?:i|we) (?:get|have)",
    "i(?: want| need| demand| request| would like|'d like| wanna| insist on| expect)",
    "(?:where|who)(?: is|'s| are)",
)
_MANAGER = _any(
    # A manager by their place: "the practice manager", "your store manager" (panel round 48).
    # Not an account manager: a sales contact asked about, not a complaint taken higher.
    "(?:line |duty |floor |shift |store |branch |general |practice |office |site |depot "
    "|restaurant |hotel |shop |area |regional |centre |center |station |clinic |sales |service "
    "|workshop |operations )?manager",
    "manger", "managr", "manageer", "mananger", "mgr",
    "supervisor", "supervisr", "superviser", "supervisior", "supervsior", "suppervisor",
    "supervisour", "boss", "superior", "team lead(?:er)?", r"higher[\s-]?ups?",
    "(?:some(?:one|body)|person) in charge",
    "some(?:one|body) (?:more senior|senior|higher up|above you|with (?:more )?authority)",
    "(?:more )?senior (?:member of staff|staff member|colleague|person|agent)",
    "whoever (?:is in charge|handles|deals with|runs)",
    "(?:complaints?|escalations?|customer relations) (?:team|department|dept|manager)",
)
_HUMAN = _any(
    "human(?: being| agent)?", "(?:real|live|actual) (?:person|human|people|agent|one)",
    "some(?:one|body) real", "person",
)
_AGENT = _any("agent", "rep", "representative", "operator", "advisor", "adviser")
_HUMAN_REQUEST = [
    *_rules("human_request", 0.9, f"{_HR_CUE} {_HR_ADJ}{_HR_DET}{_HR_ADJ}{_MANAGER}{_HR_END}"),
    *_rules(
        "human_request", 0.85,
        f"{_HR_CUE} {_HR_ADJ}{_HR_DET}{_HR_ADJ}{_HUMAN}{_HR_END}",
        f"(?:can|could|will|would|have|get|need) {_HR_DET}{_HR_ADJ}{_MANAGER} (?:to )?(?:call|ring|"
        "phone|e-?mail|contact|get back to) (?:me|us)",
        f"{_HR_DET}{_MANAGER} (?:needs to|should|must|has to) (?:call|ring|phone|e-?mail|contact) "
        "(?:me|us)",
    ),
    *_rules(
        "human_request", 0.8,
        r"(?:someone|somebody|anyone|a person) (?:with|who has) (?:\w+ )?(?:authority|power|clout)",
        f"put {_HR_DET}{_HR_ADJ}{_MANAGER} on(?! hold)", "who(?:'s| is) in charge",
        # Asking to be phoned (LABELLING.md); "they said someone would call me" is a report.
        r"(?:please|pls|plz|(?:can|could) (?:you|someone|somebody|anyone|one of you|a manager"
        r"|a supervisor)(?: (?:from|at|in|on) (?:the|your) \w+(?: team| department| desk)?"
        r"(?: or (?:the )?\w+)?)?) (?:please )?"
        r"(?:give (?:me|us) a (?:call|ring|phone call)|(?:call|ring|phone) (?:me|us"
        # "Could someone ring my son Michael and explain it to him?" (panel round 33).
        r"|my (?:son|daughter|husband|wife|partner|mum|mom|dad|carer|brother|sister)\b))",
        r"(?:call|ring|phone) me (?:back )?on (?:\+?\d|0\d)",
        # "I would also like a named person from the fees team to phone me", "can someone from
        # highways actually ring me" (panel round 52).
        r"(?:would|'d) (?:also |really )?like (?:a |an )?(?:named |specific |real )?(?:person"
        r"|someone|somebody|manager|supervisor)\b[^.!?\n]{0,40}? to (?:call|ring|phone|contact)"
        r" (?:me|us)",
        r"(?:can|could) (?:someone|somebody|anyone) from (?:the |your )?[\w-]+(?: team"
        r"| department)? (?:please |actually |just )?(?:call|ring|phone) (?:me|us)",
        # The same wish put the other way round ("if someone could ring me"), or passed
        # through the agent: "please ask the operations manager to ring me", "could you
        # arrange for a manager to phone me" (panel rounds 107 to 118).
        CALL_THE_OTHER_WAY,
        r"\b(?:ask|arrange for) (?:the|a|your) (?:[\w-]+ )?(?:manager|supervisor|team lead(?:er)?) "
        r"to (?:call|ring|phone|contact) (?:me|us)\b",
        # ...or demanded in a list: "and a phone call from a manager, not the call centre".
        CALL_FROM_A_SENIOR,
        # ...or wished however it is put: "I'd like the sales manager to ring me".
        CALL_WISHED,
        # ...or told to: "someone from your control room ring me NOW" (panel round 80; none
        # on train or dev). "Someone from your office will ring me" reports a promise.
        r"(?:someone|somebody) (?:from|in|at) (?:the |your )?[\w-]+(?: (?:team|room|department"
        r"|desk|office|centre|center))? (?:please |just )?(?:call|ring|phone) (?:me|us)\b",
        # Read against train and dev's real labels, where each was missed; a promise reported
        # ("he would have someone call me back") is not a request.
        r"(?<!would\s)(?<!will\s)(?<!to\s)(?<!'d\s)(?<!'ll\s)"
        r"(?:have|get|need|want|i need) (?:someone|somebody|a (?:person|human|manager|supervisor)|"
        r"(?:a )?supervisor|(?:a )?manager)(?:\s[\w\s]{0,40}?)? (?:to )?(?:call|ring|phone|"
        "contact) (?:me|us)",
        r"(?:have|get) (?:a |the )?(?:supervisor|manager)\b[^.!?\n]{0,50}?\bgive (?:me|us) a "
        "(?:call|ring)",
        r"get (?:an? |some )?(?:actual |real )?(?:human|person|someone|somebody|manager|supervisor)"
        r" to (?:call|ring|phone) (?:me|us)",
        r"hear (?:a |an )?(?:real |actual |live )?human(?: voice| being)?",
        # "is there someone on your merchant team I could actually talk to on the phone?"
        r"(?:is there|can i|could i|may i) (?:someone|somebody|anyone|a person)\b[^.!?\n]{0,40}?"
        r"\b(?:i|we) (?:could|can|might) (?:actually )?(?:talk|speak|chat) (?:to|with)",
        r"(?:talk|speak) (?:to|with) (?:someone|somebody|a person|a human)\b[^.!?\n]{0,20}?"
        r"\b(?:on|over) the phone",
        r"(?:use|get|hire) (?:an? |some )?(?:actual|real|live) (?:person|people|human|humans)",
        # The adviser they spoke to before, asked for again: "Ingrid I think her name was...
        # could I speak to her again?" (panel round 43; none on train or dev).
        r"(?:can|could|may) (?:i|we) (?:please )?(?:speak|talk) (?:to|with) (?:her|him|them) again",
        # "Human. Now." or "Manager!" as a sentence of its own.
        r"(?:(?<![\s\S])|(?<=[.!?\n])|(?<=[.!?\n]\s))(?:a )?(?:human|real person|live agent|agent|"
        r"operator|manager|supervisor)(?=\s*(?:[.!]|$))",
    ),
    *_rules(
        "human_request", 0.75,
        f"{_HR_CUE} {_HR_ADJ}{_HR_DET}{_HR_ADJ}{_AGENT}{_HR_END}",
        # Asked for, not told: "I escalated it to her supervisor" is a report (0 of 4 on train
        # and dev).
        "(?:please|pls|kindly|(?:can|could|will|would) you|i want you to|i need you to) "
        "escalat(?:e|ing) (?:this|it|my (?:case|ticket|complaint|issue|problem|request|query))",
        r"(?:want|need|demand|would like) (?:this|it|my \w+) escalated",
        r"please escalate(?=\s*(?:[.!]|$))",
        f"(?:{_MANAGER}|{_HUMAN}|{_AGENT}),? (?:please|pls|plz)",
    ),
    *_rules(
        "human_request", 0.7,
        f"(?:is|are) there (?:a|an|any) (?:real |actual )?(?:human|person|people|{_MANAGER})"
        f"{_HR_END}",
        "(?:stop|quit|no more) (?:sending me to |giving me |with )?(?:the |this |a |your )?"
        "(?:stupid |useless |damn )?(?:bot|robot|chatbot|automated (?:replies|responses))",
        "(?:don't|do not|dont) want (?:to (?:talk|speak|chat) (?:to|with) )?(?:a|the|this|your) "
        "(?:bot|robot|chatbot|machine|ai)",
    ),
]

# authority_exceeded, by phrasing; amounts above the limit are found by the detector itself.
_AUTHORITY = [
    *_rules(
        "authority_exceeded", 0.85,
        r"make (?:an |a one[\s-]time |one )?exception", "compensate (?:me|us|for)",
        "(?:bend|break|override|ignore|overrule|go around) (?:the|your|this|that) "
        "(?:rules?|polic(?:y|ies)|terms)",
        "(?:want|demand|expect|deserve|need|require|request|insist on|entitled to|owed|"
        f"ask(?:ing)? for|looking for|seeking|claim(?:ing)?) {_GAP}{{0,3}}?compensation",
    ),
    *_rules(
        "authority_exceeded", 0.8,
        r"waiv(?:e|ing)? (?:the |this |that |my |these |those |all |any )?(?:\w+ ){0,2}"
        "(?:fees?|charges?|penalt(?:y|ies)|interest|excess|deductible|fine)",
        "(?:financial|monetary|proper|fair|full) compensation",
        # A refund asked for in plain words, with or without an amount (LABELLING.md).
        "(?:want|need|like|demand|expect|deserve|request|requesting|give me|issue me|owe me)"
        "(?: a| my| the| our| me| a full| full)? (?:full )?(?:refund|money back|reimbursement)"
        "(?! (?:receipt|policy|status|confirmation|reference|number|form|page))",
        "refund (?:me|my money|us)", "(?:return|give back|pay back) (?:my|the|our) money",
        "(?:i|we) (?:want|need|would like|'d like|demand) (?:that )?(?:my|our|the) money "
        "(?:back|returned|refunded|(?:be|to be) (?:returned|refunded))",
        r"(?:anything|something) you can do (?:in terms of|about) (?:a |my )?refund\w*",
        # Read against train's real labels, where each was missed: credit and compensation
        # asked for without an amount.
        r"(?:i|we) (?:\w+ )?(?:should|must|need to|want to|deserve to|expect to) be "
        "(?:compensated|reimbursed|credited|refunded)",
        "(?:demand|want|would like|'d like|request|requesting|asking for|ask for|provide (?:me|us) "
        "with|expect|deserve|owed|entitled to) (?:a |some |partial |full |bill |account |service )"
        r"(?:credit|discount|partial refund)(?!\s*(?:card|report|score|file|limit|check|history|"
        "bureau|union|line|rating))",
        "(?:should|deserve to) (?:be getting|get|receive) (?:a |some )?(?:discount|credit|refund)"
        r"(?!\s*(?:card|report|score|file|limit))",
        "(?:should(?:n't| not)? i|do i|can i|could i|will i) (?:get|be given|receive) (?:a |some )?"
        "(?:discount|credit|refund|compensation|voucher)",
        "(?:give|owe) (?:me|us) (?:a |one )?(?:month|week|year)s? (?:free|for free)",
        "(?:claim|get) (?:the |my )?(?:whole|full|entire) (?:money|amount)",
        "(?:pay|reimburse|compensate|refund|cover) (?:me |us )?(?:for )?(?:my |the |our )?"
        "(?:time|lost (?:wages|earnings|income|business|revenue|work|sales|day)|hotel|taxi|cab|"
        "damages?|losses|inconvenience|trouble|distress|vet bills?|medical bills?|"
        "missed (?:day|shift|work)|day off|time off)",
    ),
    *_rules(
        "authority_exceeded", 0.75,
        "compensation (?:for|claim)",
        r"(?:past|after|outside|beyond|out of|missed) (?:the |your |my )?(?:\d+[\s-]days? )?"
        r"(?:returns?|refund|warranty|guarantee|cancellation|cooling[\s-]off|trial) "
        "(?:window|period|policy|date|deadline)",
        r"refund (?:and|plus|\+|&) (?:a |an )?(?:free|replacement|compensation|credit|voucher)",
        "(?:want|deserve|expect|demand|give me|owe me) (?:a |an |at least a |some )?"
        "(?:free|complimentary) (?:upgrade|month|year|subscription|service|night|flight)",
    ),
    *_rules(
        "authority_exceeded", 0.7,
        r"extend (?:the |my )?(?:\d+[\s-]days? )?(?:return|refund|warranty|trial|grace) "
        "(?:window|period)",
        "waiv(?:e|ing) (?:it|them|that)",
        "(?:you|you'll|you will|you should|you need to|expect you to|want you to) (?:\\w+ )?"
        "(?:cover|pay for|foot) (?:the )?(?:cost|costs|bill|expense)s?",
    ),
]

# The money a customer asks for back: a cue near an amount (see TriggerDetector).
MONEY_CUE = _any(
    r"refund\w*(?! (?:receipt|policy|polic|status|confirmation|reference|number|form|page))",
    r"reimburs\w*", r"compensat\w*", r"waiv\w*", r"discount\w*", "rebate",
    # "Money off", not a loan "paid off ... in full (final payment £1,212.66)" (panel round 51).
    "money back", r"(?<!paid\s)(?<!pay\s)(?<!paying\s)(?<!pays\s)off",
    "(?:owes?|pay|give) (?:me|us)",
    "credit(?:ed|s)?(?! card| score| check| limit| union| history| report| rating)",
    r"(?:get|want|need|like|give|send|pay|owe|expect)\w* (?:[^\s!?]*[^\s.!?] ){0,3}back",
)
_NUMBER = r"(?<![\d.,])(?:\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\d%])"
_CODE = "(?:usd|eur|gbp|cad|aud|nzd|chf|inr)"
AMOUNT = (
    rf"(?:(?<![a-z]){_CODE} ?|(?:us|ca|au|nz|[acr])?\$|€|£|¥|₹) ?(?P<a>{_NUMBER})"
    r"(?P<ak> ?k(?![a-z]))?"
    rf"|(?P<b>{_NUMBER})(?P<bk> ?k)? ?(?:\$|€|£|(?:{_CODE}|dollars?|bucks|euros?|pounds?|quid|"
    r"rupees?)(?![a-z]))"
)
# "refunds over $500" names a threshold, not the money asked for.
THRESHOLD = r"(?:over|above|under|below|up to|less than|more than|exceeding|upwards of)\s*$"
PERCENT = (
    "(?:want|need|expect|demand|deserve|give (?:me|us)|get|owe (?:me|us)|at least|"
    "offer (?:me|us)|ask(?:ing)? for|request(?:ing)?|insist on|only accept) "
    r"(?:a |an |at least |a minimum of |like )?(?P<p>\d{1,3}(?:[.,]\d+)?) ?(?:%|percent|per cent) "
    "(?:off|discount|reduction|credit|price reduction)"
)

# repeated_contact: the customer has been here before about the same thing.
_REPEATED = [
    *_rules(
        "repeated_contact", 0.9,
        rf"{_ORDINAL} time\b[^.!?\n]{{0,30}}?\b{_CONTACT_VERB}",
        rf"{_CONTACT_VERB} (?:to )?(?:you )?(?:\w+ )?for the {_ORDINAL} time",
        # Not the customer's name called out: "I'd been 'called three times'" (round 35).
        # (Spaces become runs of white space here, which a look-behind cannot hold.)
        # Nor a fault counted: "your checkout logged me out three times" (round 107).
        r"(?<!been.)(?<!been..)(?<!was.)(?<!were.)"
        "(?:called|rang|rung|phoned|e-?mailed|written|wrote|messaged|contacted|chatted|"
        "reached out|spoken|spoke|talked|complained|been in touch|sent|opened|raised|filed|"
        f"submitted|logged(?! (?:me|us|him|her|them) (?:out|off|in))) (?:[\\w']+ ){{0,4}}?"
        f"(?:{_COUNT} times|twice|repeatedly|"
        "again and again|over and over)",
        "(?:asked|explained|told you|reported|mentioned|said) (?:you |this |it |about (?:this|it) "
        f"|the same (?:question|thing) )?(?:already )?(?:{_COUNT} times|twice|repeatedly|"
        "again and again|over and over)",
        "how many (?:more )?times (?:do|must|should|will|have|am) (?:i|we)",
    ),
    *_rules(
        "repeated_contact", 0.85,
        f"(?:(?:my|this is (?:my|the)|the|a) )?{_ORDINAL} (?:e-?mail|call|message|ticket|complaint|"
        r"request|attempt|follow[\s-]?up|chat|time (?:asking|writing|calling))(?!\w)(?! address)",
        f"(?:after|sent|made|opened|written|wrote|logged|raised|filed|submitted|had) (?:you )?"
        f"{_COUNT} (?:(?:separate|different|phone|support) )?(?:calls|e-?mails|tickets|"
        "messages|chats|complaints|requests|attempts|conversations)",
        f"{_COUNT} (?:calls|phone calls|e-?mails|tickets|messages|chats|complaints) (?:later|"
        "so far|and (?:still|nothing|no))",
        rf"transferred (?:\w+ ){{0,2}}(?:{_COUNT} times|twice|again)",
        f"(?:explained|told|repeated|described) (?:this|it|my (?:story|problem|issue)) to {_COUNT} "
        "(?:different )?(?:people|agents|advisors|advisers|persons|departments)",
        "(?:passed|bounced) (?:around|from (?:one )?(?:agent|person|department) to)",
    ),
    *_rules(
        "repeated_contact", 0.8,
        # Past or ongoing contact only: "I'll call again tomorrow" is a plan, not a complaint.
        "(?:contact(?:ing|ed)|writing|wrote|e-?mail(?:ing|ed)|call(?:ing|ed)|messag(?:ing|ed)|"
        "reach(?:ing|ed) out|ask(?:ing|ed)|follow(?:ing|ed) up|chas(?:ing|ed)) (?:to )?"
        "(?:you (?:guys |people )?|support |this )?(?:yet )?again",
        "(?:keep|kept) (?:on )?(?:having to )?(?:call|writ|e-?mail|contact|chas|explain|repeat|"
        r"ask|follow)\w*",
        "still (?:not|isn't|hasn't|haven't|has not|have not|didn't|did not|doesn't|does not|"
        "don't|do not|won't|can't|cannot|wasn't|aren't|no one|nobody) (?:been |yet |even )?"
        "(?:received|receive|got|gotten|get|heard|hear|fixed|resolved|solved|sorted|working|"
        "work|arrived|arrive|shipped|delivered|refunded|credited|processed|responded|replied|"
        "answered|called|come|came|turned up|showed up|loading|load|connect|log|here)",
        "still (?:waiting|broken|unresolved|missing|down|charging|being charged|getting charged|"
        "having (?:the same|this|that)|the same (?:problem|issue|error|fault))",
        "still no (?:refund|response|reply|answer|word|update|news|sign|delivery|package|parcel|"
        "order|fix|resolution|solution|call|callback|e-?mail|money|tracking|service|internet|"
        "power|signal|connection|progress|help|contact)",
    ),
    *_rules(
        "repeated_contact", 0.7,
        "(?:nobody|no one|no-one) (?:ever |has )?(?:got|gets|gotten|called|calls|wrote|writes|"
        "e-?mailed|replied|responded|came) back",
        # "If I haven't heard back in 14 days I'll..." sets a deadline; no contact has failed yet.
        r"(?<!if\si\s)(?<!if\swe\s)(?:never|didn't|did not|haven't|have not|hasn't|has not) "
        r"(?:\w+ )?(?:got|gotten|called|e-?mailed|written|wrote|replied|responded|heard|rang) "
        "(?:me )?back",
        "as i(?: have|'ve)? (?:already )?(?:said|explained|mentioned|told you|stated|wrote) "
        "(?:before|previously|earlier|in my (?:last|previous|earlier)|(?:several|many|multiple) "
        "times|already)",
        "i(?:'ve| have)? already (?:called|contacted|e-?mailed|written to|wrote to|reported|raised|"
        "submitted|opened|complained about) (?:this|it|you|a ticket|support|about)",
        f"my (?:previous|last|earlier|prior|other) (?:{_COUNT} )?(?:e-?mails?|messages?|tickets?|"
        "calls?|complaints?|chats?|requests?|contacts?)",
        "(?:ticket|case|complaint) (?:was |got )?(?:closed|marked (?:as )?resolved) (?:but|without|"
        "even though)",
        "closed (?:my|the|this) (?:ticket|case|complaint) (?:but|without|even though|again)",
        "re-?open(?:ed|ing)? (?:my|the|this) (?:ticket|case|complaint)",
        r"chas(?:e|ing|ed) (?:this|you|it|up|my \w+)",
        # With someone: "I keep going back and forth" alone is a customer making up their mind.
        "(?:going|gone|been|went) back and forth (?:with|between)",
        r"follow(?:ing)?[\s-]?up (?:again|on my (?:previous|earlier|last))",
        "same (?:problem|issue|error|fault) (?:again|as (?:before|last))", "yet again",
        "not the first time", "still nothing", "still chasing",
        "(?:it's|it is|this is|problem is|issue is|fault is) still (?:happening|going on)",
        r"(?<!thanks\s)(?<!thank\syou\s)once again(?!,? (?:thanks|thank|cheers))",
        "every (?:single )?time (?:i|we) (?:call|contact|write|e-?mail|ring|chat|ask|phone)",
        "(?:days|weeks|months) of (?:e-?mails|calls|chasing|back and forth|phone calls|messages)",
    ),
]

# legal_threat: courts, lawyers, regulators and disputing the payment.
_REGULATOR = _any(
    "bbb", "better business bureau", "ftc", "federal trade commission", "cfpb", "fcc", "fca",
    "financial conduct authority", "ombudsman", "regulators?", "trading standards",
    "consumer (?:protection|affairs|rights (?:agency|group)|council|watchdog)",
    "attorney general", "accc", "ofcom", "ofgem", "ofwat", "ico", "information commissioner",
    "data protection (?:authority|commissioner|regulator)", "cnil", "state ag", "watchdog",
)
_LAWYER = "(?:lawyers?|attorneys?|solicitors?|legal (?:advisor|counsel))"
_CARD_ISSUER = (
    "(?:my |the )?(?:bank|paypal|amex|card|credit card|card (?:issuer|company|provider)|"
    "credit card (?:company|issuer|provider))"
)
_LEGAL = [
    *_rules(
        "legal_threat", 0.9,
        "legal (?:action|proceedings|steps|measures|route|recourse|claim)", "litigation",
        "take (?:this |it )?(?:to )?legal", "law ?suit", r"class[\s-]action",
        f"su(?:e|ing) (?:{_YOU}|your|the (?:company|business|store|pants)|this (?:company|place)|"
        r"them)\b",
        "(?:see|meet) (?:you|y'all|u) in court",
        r"tak(?:e|ing) (?:you|this|it|them|your \w+) to court",
        "court (?:action|case|claim|proceedings)", r"small[\s-]claims", r"charge-?backs?",
        f"report(?:ing|ed)? (?:you|this|your company|it|them|the company) to (?:the )?{_REGULATOR}",
        r"(?:complain(?:t|ing)?|file|filing|lodge|lodging|escalat\w+|contact\w*|writ\w+|go(?:ing)?)"
        f" (?:an? (?:formal |official )?complaint )?(?:to|with) (?:the )?{_REGULATOR}",
    ),
    *_rules(
        "legal_threat", 0.85,
        "(?:contact(?:ing)?|call(?:ing)?|hir(?:e|ed|ing)|get(?:ting)?|talk(?:ing)? to|"
        "sp(?:eak|eaking|oke|oken) (?:to|with)|talked to|consult(?:ing|ed)?|involv(?:e|ing|ed)|"
        f"retain(?:ing|ed)?|see(?:ing)?|go(?:ing)? to|been to) (?:a|an|my|our) {_LAWYER}",
        "lawyer(?:ing)? up", f"{_LAWYER} (?:will be |are |get )?involved",
        r"(?:will|gonna|going to|'ll|shall|could|should|might|to|can) sue\b",
        # Read against train and dev's real labels, where each was missed.
        r"(?:and|then|or) sue (?:all|every|them|you|the|this|everyone|both)\b",
        r"(?:go|going) to court\b", r"(?:let|tell|show) (?:a|the) judge",
        f"{_REGULATOR} complaint", "cease and desist",
        "(?:dispute|disputing|revers(?:e|ing)|contest(?:ing)?) (?:the|this|these|that|my|your) "
        r"(?:\w+ )?(?:charges?|transactions?|payments?|debits?)",
        f"(?:call|contact|ring|phone|tell|talk to|go to|ask)\\w* {_CARD_ISSUER} (?:to|and) "
        "(?:reverse|dispute|cancel|block|stop|get|claim|recover)",
        f"(?:file|open|raise) a (?:dispute|claim) (?:with|through|on) {_CARD_ISSUER}",
        f"(?:dispute|disputing) (?:it|this) (?:with|through) {_CARD_ISSUER}",
        "paypal (?:dispute|claim)",
    ),
    *_rules(
        "legal_threat", 0.8,
        # "my lawyer" as a threat, not "our lawyer reviewed the contract".
        f"(?:from|to|with|by|hear from|contact\\w*|consult\\w*|instruct\\w*|forward\\w*|pass\\w* "
        f"(?:\\w+ ){{0,3}}to|cc'?d?|copying in) (?:my|our) {_LAWYER}",
        f"(?:my|our) {_LAWYER} (?:will|is going to|are going to|'ll|says|said|advised|thinks|"
        "has advised|is (?:drafting|preparing|looking into|aware))",
        # A redress scheme is the ombudsman of a trade (lettings, estate agents).
        "breach of contract", "(?:ombudsman|regulator|redress scheme)",
        # Naming the attorney general in a complaint ("@attorneygeneral", "contacted the
        # attorney general") counts (LABELLING.md); it was missed without a verb before it.
        r"attorney ?general",
        "(?:breaks?|breaking|broken|violat\\w+|against|breach\\w*) (?:the )?(?:consumer )?(?:law|"
        "rights)",
        "consumer (?:law|rights act|protection law|contracts regulations|credit act)",
    ),
]

# churn_threat: leaving the company, not cancelling one order.
_CHURN_OBJECT = _any(
    "subscriptions?", "subscripton", "subcription", "subs?", "accounts?", "acct", "acount",
    "accnt", "memberships?", "membrship", "contracts?", "plan", "services?", "policy", "policies",
    "insurance", "coverage",
    "everything", "direct debit", r"auto[\s-]?renew\w*", "broadband", "(?:phone )?line", "package",
)
_NOT_AN_OBJECT = (
    r"(?!(?:order|item|booking|appointment|fee|request|reservation|shipment|delivery|payment|"
    r"transaction|flight|ticket|visit)\b)"
)
_CHURN = [
    *_rules(
        "churn_threat", 0.9,
        "(?:take|taking|bring|bringing|took) my (?:business|money|custom) (?:elsewhere|"
        r"somewhere else|to (?:a |your )?(?:competitor|\w+))",
        # Their phone number to another network: "I'll take my number somewhere else" (panel
        # round 39; none on train, dev or test). Not "to my new phone".
        "(?:take|taking|took) my number (?:elsewhere|somewhere else)",
        r"(?:you(?:'ve| have| just)? )?lost (?:a (?:loyal |long[\s-]time |\w+ )?customer|"
        "my business|me as a customer)",
    ),
    *_rules(
        "churn_threat", 0.85,
        "cancel(?:l?ing)? (?:of )?(?:my |our |the |this |your )?"
        f"(?:{_NOT_AN_OBJECT}[\\w'-]+ ){{0,2}}"
        f"{_CHURN_OBJECT}(?![\\s'\"]*(?:button|link|page|option|menu|tab|screen|fee|box|change|"
        r"upgrade|downgrade|add-?on|appointment|visit|order|request|form)\b)",
        f"cancell?ation of (?:my |our |the )?(?:[\\w'-]+ )?{_CHURN_OBJECT}",
        "(?:close|closing|delete|deleting|terminate|terminating|end|ending|shut down|"
        r"deactivate|deactivating) (?:all (?:\w+ )?(?:of )?)?(?:my|our|the|this) (?:\w+ )?"
        r"(?:accounts?|subscriptions?|"
        r"memberships?|contracts?|profile|service)(?![\s-]*(?:picture|photo|pic|page|name|"
        "settings|card|image))",
        r"(?:want|need|get|have) (?:my|our|the) (?:\w+ )?(?:subscription|account|membership|"
        r"contract) (?:cancell?ed|closed|terminated|deleted|shut down)",
        r"(?:switch\w*|mov(?:e|ing)|go(?:ing)?|jump(?:ing)? ship) (?:over )?to (?:a |one of )?"
        "(?:your )?(?:competitors?|the competition|rivals?|another (?:provider|company|carrier|"
        "bank|supplier|service|vendor|platform|store|retailer|airline|network)|a different "
        "(?:provider|company|carrier|bank|supplier|service|vendor|platform))",
    ),
    *_rules(
        "churn_threat", 0.8,
        "switch(?:ing|ed)? (?:providers|companies|carriers|banks|suppliers|vendors|networks)",
        "jump(?:ing)? ship", "(?:port(?:ing)?|transfer(?:ring)?) my number (?:out|to)",
        "(?:leav(?:e|ing)|quit(?:ting)?|ditch(?:ing)?|dump(?:ing)?) (?:you(?: guys)? for|your "
        "(?:company|service|platform|bank|network|app|store|brand))",
        r"(?:never|not) (?:\w+ ){0,2}?(?:order|buy|shop|purchase|use|fly|book|stay|deal|"
        r"do business|come back|return|recommend)\w*\b[^.!?\n]{0,40}?\bagain",
        "(?:i|we)(?:'ll| will)? (?:won't|will not|wont|am not|'m not|are not|'re not|not) "
        r"(?:be )?renew\w*",
        r"(?:that's|that is|this is|that was|this was) the last time i\b",
        # Said of a plan already left: "I cancelled my policy", "we have cancelled the cover".
        r"(?:i|we)(?:'ve| have)? cancell?ed (?:my |our |the )(?:\w+ ){0,2}?(?:policy|policies|"
        r"insurance|coverage|cover|account|subscription|plan|membership|service|contract)",
        r"(?:will not|won't|wont|not going to|never going to) (?:be )?renew",
        r"(?:go|going|went|gone|signed (?:on|up)|switched|moved) (?:over )?with (?:a |another )?"
        r"(?:competitor|different (?:company|provider|insurer|service|carrier|bank)"
        r"|new (?:company|provider|insurer|carrier|bank))",
        r"(?:change|changing|move|moving) (?:banks|carriers|providers|insurers|networks|companies)",
        r"(?:about to|bout to|going to|gonna|ready to|will) stop (?:using|ordering|buying|shopping"
        r"|flying|booking)",
        r"(?:last|lst) (?:time|tym) (?:i'm|im|i am|i'll|ill|i will|we're|we will|i) (?:\w+ )?"
        r"(?:buy|order|use|shop|fly|book|stay)\w*",
        r"only (?:using|use|buying|ordering|shopping|flying|booking) (?:\S+ ){1,3}from now on",
        r"(?:i'm|im|i am|we're|we are) (?:off|outta|out of) (?:that|this|your) (?:bank|company|"
        r"network|carrier|provider|service|app)",
        r"never (?:buying|ordering|shopping|using|flying|booking) (?:from|with|off|at) (?:there|"
        r"them|you|here)",
        "(?:i'm|i am|we're|we are) (?:so |totally |completely )?done with (?:you|your|this "
        "(?:company|service|app|bank|brand))",
    ),
    *_rules(
        "churn_threat", 0.75,
        "(?:find|finding|look(?:ing)? for|shop(?:ping)? (?:around )?for) (?:a )?(?:another|new|"
        r"different|better) (?:\w+ ){0,2}?(?:provider|company|supplier|bank|carrier|service|"
        "vendor|platform|store|airline|insurer|host)",
        # Already gone, said plainly: "I cancelled immediately", "I canceled the next day".
        r"(?:i|we)(?:'ve| have)? (?:\w+ )?cancell?ed(?= (?:immediately|right away|straight away|"
        r"the (?:next|same) day|it all|everything|all (?:of )?(?:my|our))\b|\s*[.!,;]|\s*$)",
        r"(?:going to|gonna|will|about to|bout to|ready to) cancel (?:with )?(?:them|you)\b",
        # "switching to verizon", but not to a plan, a setting or a way of paying, nor to do
        # something ("switch to see the email"), nor to "you". On train and dev the pattern
        # matched 47 messages, 23 of them churn; the words and the app left out since took
        # away 8 wrong matches and no right one.
        "switch(?:ing|ed)? (?:over )?to (?!(?:the|a|an|your|our|my|this|that|another|dark|light|"
        "paper|paperless|annual|yearly|monthly|weekly|direct|auto|e-?mail|card|cash|online|"
        "manual|automatic|mobile|desktop|app|web|premium|pro|basic|business|family|unlimited|"
        "e-?sim|sim|fibre|fiber|broadband|just|only|contactless|digital|electric|smart|"
        "see|turn|play|watch|view|get|use|make|check|show|high|low|student|ios|you|"
        r"standard|english|french|german|spanish|\d)\b)[a-z][\w&.-]*+(?! (?:plan|mode|tier|"
        "version|edition|account|option|package|subscription|billing|theme|payments?|delivery|"
        r"settings?|app\b))",
        "never again",
        # Leaving weighed aloud: thinking of switching, looking at other carriers, not wanting
        # to switch but about to, "fix it or I'll go elsewhere". On train and dev, 11 of the 12
        # messages these match carry the label.
        # Not moving over to the company: "thinking of moving over when my contract with the
        # other lot ends" is a prospective customer (panel round 76).
        r"thinking (?:of |about )?(?:switching|moving|leaving|changing)\b"
        r"(?! (?:over|across)\b)(?! (?:over )?to (?:you|your)\b)",
        r"looking (?:at|in|into) (?:other|another|different) (?:carrier|provider|compan|bank"
        r"|insurer|network|option)\w*",
        r"(?:don'?t|do not) want to (?:switch|move|change) (?:to|over)\b",
        r"or (?:i'?ll|i will) (?:likely |probably )?(?:go|switch|leave|move)\b",
        r"(?:i'm|im|i am|we're|we are) switching(?= (?:because|as|since|now|for good)|[.!,]|$)",
        "make the switch", r"#?boycott\w*",
        r"(?:go|going|went) back to (?:android|samsung|iphone|apple|windows)",
        r"get rid of (?:you|them|these|those)\b[^.!?\n]{0,30}\bforever",
        "(?:consider this|this is|here is|giving you|give you) (?:my|our) notice",
        "(?:i'm|i am|we're|we are) off to (?:a |your )?(?:competitor|rival|them)",
        "(?:or|otherwise|else) (?:i'm|i am|we're|i'll be|i will be) (?:gone|out|leaving|done)",
        r"(?:or|otherwise|else) (?:i|we) (?:walk|leave|go|quit)\b",
        "(?:don't|do not) expect (?:me|us) to (?:renew|stay|come back|order again|continue)",
        "(?:i'm|i am|we're|we are) leaving(?! (?:a|an|the|it|my|this|for|on|in|at|home|work|town|"
        r"soon|tomorrow|now|today|you|early|the house)\b)",
        "(?:thinking (?:of|about)|considering|ready to|about to) (?:leav(?:e|ing)|quit(?:ting)?)"
        "(?! (?:a|an|the|you a|it|my|this|that|your|them|him|her|feedback|work|now|early|at|for|"
        r"home|town)\b)",
    ),
]

# public_exposure: taking the story to social media, review sites or the press.
_SOCIAL = _any(
    "twitter", "x", "facebook", "fb", "instagram", "insta", "ig", "tik ?tok", "reddit",
    "youtube", "linkedin", "threads", "mastodon", "bluesky", "social media", "socials",
    "trustpilot", "yelp", "google(?: reviews?)?", "glassdoor", "tripadvisor", "the internet",
    "every (?:forum|platform|review site)", "review sites?", "(?:the )?app store", "online",
    "my (?:blog|channel|page|podcast|instagram|twitter|tiktok|facebook|youtube|followers)",
)
_EXPOSE_VERB = (
    r"(?:post|blast|plaster|put|tweet|writ|wrote|publish|broadcast|shar|air|expos|rant|complain|"
    r"talk|tell|told|spread|shout|screenshot|tag)\w*"
)
_BAD = (
    r"(?:(?:1|one|zero|0|no|single|half)[\s-]?stars?|bad|negative|terrible|horrible|awful|"
    r"scathing|damning|brutal|nasty|honest|poor|1/5|0/5)"
)
_PRESS = (
    "(?:the )?(?:local )?(?:press|media|news(?:papers?)?|papers|reporters?|journalists?|"
    "news (?:station|channel|outlet)s?|tv station|daily mail|sun|mirror|guardian|telegraph|"
    "times|bbc|itv|cnn|fox news|nbc|cbs|abc news|watchdog|which\\?)"
)
_SHARING = [
    # The same words share a happy unboxing; only outside praise are they a threat.
    Rule("public_exposure", pattern, confidence, praise_cancels=True)
    for confidence, pattern in (
        (0.9, r"(?:will|\w*'ll|going to|gonna|about to|not afraid to|won't hesitate to|"
              f"wont hesitate to|make sure to|happily|definitely) (?:be )?{_EXPOSE_VERB} "
              f"{_GAP}{{0,5}}?(?:on|all over|across|to|for) (?:the )?{_SOCIAL}"),
        (0.85, f"{_EXPOSE_VERB} (?:all (?:of )?)?(?:this|it|these|everything|about (?:this|you|"
               "it|your|my|how|the way)|my (?:experience|story)|(?:the|this|these|your) "
               "(?:conversation|chat|screenshots?|photos?|pictures?|videos?|e-?mails?|transcript|"
               f"response|reply|answer|treatment)) {_GAP}{{0,6}}?(?:on|all over|across|to|for) "
               f"(?:the )?{_SOCIAL}"),
    )
]
# Lookbehinds take "\s": a space in a pattern becomes a run of whitespace, not fixed-width.
_NOT_THIS_RATING = (
    r"(?<!would\s)(?<!'d\s)(?<!could\s)(?<!people\s)(?<!everyone\s)(?<!who\s)(?<!others\s)"
)
_EXPOSURE = [
    *_SHARING,
    *_rules(
        "public_exposure", 0.9,
        # Not a rating given in this very review ("I would give them a zero star rating") nor
        # other people's ("everyone giving this company a bad rating"): 0 of 6 on train and dev.
        f"{_NOT_THIS_RATING}(?:leave|leaving|left|write|writing|wrote|written|post|posting|"
        r"posted|give|giving|gave|put|putting|drop|dropping) (?:you |u |your \w+ )?"
        "(?:a |an |my |the |this )?"
        rf"(?:\w+ ){{0,2}}?{_BAD} (?:[\w-]+ )?(?:reviews?|ratings?|feedback)",
        "(?:tell|telling|contact|contacting|call|calling|go|going|alert|alerting|tip off|"
        f"write to|e-?mail|reach out to) (?:to )?{_PRESS}",
    ),
    *_rules(
        "public_exposure", 0.85,
        f"{_NOT_THIS_RATING}(?:give|giving|gave|rate|rating|rated|leave|leaving) "
        r"(?:you|u|this|it|your \w+) (?:a )?(?:1|one|zero|0|no|half a)[\s-]?stars?",
        f"{_PRESS} (?:would|will|might) (?:love|be interested|like|want)",
        f"(?:would|will|might) {_PRESS} (?:love|be interested|like|want)",
        f"(?:shar|tell|talk|speak)\\w* (?:my (?:experience|story)|this|it|everything|all of this) "
        f"(?:with|to) {_PRESS}",
        f"tag\\w* (?:you|your \\w+|the \\w+) (?:\\w+ ){{0,2}}?(?:on|in) {_SOCIAL}",
        f"(?:going|heading|go) (?:straight )?to {_SOCIAL} (?:with|about) (?:this|it)",
        # "...or this is going on every review site I can find", "Full write-up with photos
        # going on TripAdvisor tonight" (panel round 45; none on train or dev).
        f"going (?:up )?(?:on|onto) (?:the )?{_SOCIAL}",
        f"straight to {_SOCIAL}",
        "(?:this|you) will be (?:in )?my next (?:blog |youtube |tiktok )?(?:post|video|tweet|"
        "review|story|thread)",
        r"review[\s-]?bomb\w*", r"(?:your|a|my) (?:1|one|zero|0)[\s-]?star (?:reviews?|ratings?)",
        r"(?:bad|negative|terrible|horrible|awful|scathing|1[\s-]star|one[\s-]star) reviews? "
        r"(?:[\w']+ ){0,4}?(?:post|leave|write|put)\w*",
    ),
    *_rules(
        "public_exposure", 0.8,
        r"(?:go(?:es|ing)?|make (?:this|it|sure this goes)) viral", "name and shame",
        "(?:expose|exposing) (?:you|your company|this company|this scam|them)",
        r"(?:\d[\d,.]{0,12}k?|thousands of|hundreds of) (?:followers|subscribers)",
        r"(?:everyone|everybody|the whole world|the internet|people) (?:on \w+ )?(?:will|is going "
        "to|are going to|gonna) (?:know|hear|see|find out)",
        "everyone will know",
        # Their own review to come; a rating inside this message ("zero stars") is not one.
        r"(?:writ|post|leav|put)\w* (?:up )?my (?:\w+ )?review",
        "(?:people|everyone|everybody|the world|others|the public) (?:need|needs|deserve|deserves|"
        "ought|should|has|have|is going|are going|will get) to (?:know|hear|see|find out)",
        r"tweet(?:ing)? (?:about )?(?:this|it|you|your)\b",
        "(?:tell|telling|told) (?:everyone|everybody|all my (?:friends|followers|family|contacts|"
        "colleagues|neighbours)|others|other (?:people|customers)|people|my friends) (?:to avoid|"
        "not to|about (?:this|you|how|your))",
        "warn (?:everyone|everybody|all my (?:friends|followers|family|contacts|colleagues)|"
        "others|other (?:people|customers|buyers|shoppers)|people)",
    ),
]

# abuse: insults and slurs aimed at the agent, not profanity about the situation.
_INSULT = _any(
    "idiots?", "morons?", "imbeciles?", "cretins?", "stupid", "dumb", "dumb-?ass(?:es)?",
    "useless", "incompetent", "clowns?", "pathetic", "worthless", "retard(?:s|ed)?", "losers?",
    "scum(?:bags?)?", "bitch(?:es)?", r"b\*+tch(?:es)?", "biatch", "(?:ass|arse)holes?",
    r"a\*+holes?", "a-holes?", "dicks?", r"d\*+cks?", "dickheads?", "pricks?", "cunts?",
    r"c\*+nts?", "twats?", "wankers?", "jackass(?:es)?", "bastards?", r"b\*+stards?", "fools?",
    r"brain[\s-]?dead", "clueless", "halfwits?", "numpties?", "muppets?", "nitwits?",
    "dimwits?", "dipshits?", "shitheads?", "fuckwits?", "(?:mother ?)?fuckers?", r"f\*+ers?",
    r"(?:piece|pile|sack|bag) of (?:shit|sh\*t|s\*+t|crap|garbage|trash|rubbish|work)",
    "waste of (?:space|oxygen|air)",
    "subhuman", "vermin", "sods?", "pigs?", "jokes?", "disgrace",
)
_INTENSIFIER = (
    r"(?:(?:such|so|a|an|the|complete|total|absolute|utter|fucking|f\*+(?:ing|in)?|effing|"
    r"freaking|frigging|damn|bloody|goddamn|stupid|useless|incompetent|bunch of|most|biggest|"
    r"really|truly|utterly|completely|totally|just|all|clearly|obviously|seriously|lazy|lying|"
    r"thieving|worthless|pathetic|ignorant|arrogant|rude|miserable|spineless) ){0,4}"
)
_NOT_A_THING = (
    r"(?! (?:app|apps|website|site|machine|system|thing|phone|product|device|software|program|"
    r"printer|computer|bot|chatbot|service|company|process|policy|game|item|order)\b)"
)
_FUCK = r"(?:f(?:u|\*|@|#|x)?c?k|f\*{2,4}|f[u*][c*]k|phuck|fcuk|feck|fuq|eff)"
_ABUSE = [
    *_rules(
        "abuse", 0.9,
        f"{_YOU}(?: (?:are|r|were|must be|sound like|are being|are all)|'re|re)? "
        f"{_INTENSIFIER}{_INSULT}(?![\\w-]){_NOT_A_THING}",
        f"{_FUCK} {_YOU}(?!r)(?! over| with| out)", f"{_FUCK} off",
        f"go {_FUCK} (?:yourself|yourselves|urself)", r"\bf (?:off|u|you)\b(?!r)",
        "(?:stupid|dumb|fucking|useless|ignorant|lazy) (?:bitch|cunt|whore|slut|twat|"
        "dickhead|wanker|retard|bastard)",
        r"cunts?|c\*nts?|whores?|sluts?|n[i1]gg(?:er|a)s?|f[a@]gg?[o0]ts?",
    ),
    *_rules(
        "abuse", 0.85,
        rf"your {_INTENSIFIER}{_INSULT}(?![\w-])(?! [a-z])",
        f"(?:screw|damn|to hell with|sod) {_YOU}(?!r)(?! over| with| out| on| for)",
        "(?:i )?hope (?:you|u) (?:get fired|die|rot|burn in hell|choke)", "go (?:to hell|die)",
        "drop dead", "eat (?:shit|dirt)", "kiss my (?:ass|arse)", "up yours", "gfy", "stfu",
        r"shut (?:the (?:fuck|f\*+|hell) )?up(?! and take)",
        # A vocative after a comma: "get a brain, moron."
        r"(?<=,\s)(?:idiot|moron|imbecile|dumbass|clown|loser|muppet|cretin|halfwit|numpty|"
        r"genius|einstein|sweetheart|princess)(?=\s*(?:[.!?]|$))",
        "get a brain", "learn (?:how )?to read",
        # Insults for the company's people as a group: "these idiots", "bunch of liars".
        "(?:these|those|bunch of|pack of|band of|load of) (?:fucking |f\\*+ing |bloody |damn "
        "|absolute |complete )?(?:idiots|morons|liars|thieves|crooks|scammers|imbeciles)",
        f"{_YOU} (?:are|r|re|'re) (?:all )?(?:fucking |f\\*+ing |such |absolute |complete |total )?"
        "(?:trash|garbage|scum|rubbish)",
        f"{_YOU} (?:\\w+ )?sacks? of (?:shit|crap)",
    ),
    *_rules(
        "abuse", 0.75,
        r"are (?:you|u),? (?:(?:actually|really|just|this|that|so|being|seriously|completely|"
        r"totally|fucking|f\*+ing|bloody) ){0,3}(?:deaf|blind|brain[\s-]?dead|stupid|dumb|thick|"
        "slow|an idiot|a moron|illiterate|mental|retarded|incompetent)",
    ),
]

# safety_risk: self-harm, threats of harm, hazards and medical emergencies.
_THREAT_TARGET = _any(
    _YOU, "your", "him", "her", "them", "someone", "somebody", "people", "every(?:one|body)",
    "the (?:driver|courier|agent|manager|staff|technician|engineer|guy|delivery|owner)",
)
_HAZARD_THING = _any(
    "battery", "charger", "phone", "device", "laptop", "unit", "heater", "outlet", "socket",
    "plug", "cable", "wire", "wiring", "adapter", "power bank", "appliance", "scooter", "e-?bike",
    "microwave", "oven", "dryer", "stove", "toaster", "kettle", "boiler", "house", "kitchen",
    "flat", "apartment", "building", "car", "garage", "room", "meter", "fridge", "tv", "lamp",
)
# Who falls: a person, not "my wedding ring" or "our parcel".
_FALLER = (
    r"(?:i|he|she|they|we|(?:my|our) (?:\w+ )?(?:mum|mom|mother|dad|father|son|daughter|"
    r"child|kid|baby|boy|girl|wife|husband|partner|gran\w*|grand\w+|nan|nana|brother|sister|"
    r"friend|neighbou?r|colleague|aunt|uncle|carer))"
)
_SAFETY = [
    *_rules(
        "safety_risk", 0.95,
        "(?:kill|killing|hurt|hurting|harm|harming|end|ending|off|offing|shoot|hang|drown|"
        "poison|overdose|unalive) myself",
        "suicid(?:e|al)(?! squad)", "(?:end|ending|take|taking) my (?:own )?life",
        r"gas (?:leak\w*|smell)", "smell(?:s|ing)? (?:of |like )?gas",
        # A carbon monoxide leak, or its alarm going off; not an alarm out of date (a thank-you
        # for the engineer who noticed it read as a crisis: panel round 11).
        "(?:carbon monoxide|co) (?:leak\\w*|poisoning)",
        "(?:carbon monoxide|co) (?:alarm|detector)s? (?:is |was |keeps |kept |has been |just )?"
        "(?:going off|went off|goes off|gone off|beeping|sounding|sounded|triggered|ringing)",
        "chest pains?",
        "(?:call(?:ed|ing)?|dial(?:l?ed|ing)?|ring(?:ing)?|rang) (?:911|999|112|000|an ambulance|"
        "the ambulance|emergency services|poison control)",
        r"(?:caught|catch(?:es|ing)?|burst into|went up in|set (?:\w+ )?on) (?:on )?"
        "(?:fire|flames?)",
        "(?:shoot|blow|burn) (?:up|down) (?:your|the) (?:store|office|building|shop|warehouse|"
        "place|hq|headquarters)",
        "(?:having|'m having|is having) a (?:heart attack|stroke|seizure)",
        # Hiding from someone: "I'm locked in the bathroom with my daughter" (round 37).
        r"(?:i'm|im|i am|we're|we are) (?:locked|hiding) in (?:the |my |a )?(?:bathroom|bedroom|"
        r"room|toilet|car)\b",
        r"locked (?:myself|ourselves) in (?:the |my |a )?(?:bathroom|bedroom|room|toilet|car)\b",
        # Held against their will: a passenger the driver won't stop for (panel round 36).
        # Not "won't let me out of the contract". None on train or dev.
        r"where (?:he|she|they|the driver)(?:'?s| is| are) taking (?:me|us)\b",
        r"(?:won'?t|will not|wouldn'?t|refus(?:es|ed) to) let (?:me|us) (?:out|off)\b(?! of)",
    ),
    *_rules(
        "safety_risk", 0.9,
        r"self[\s-]?harm\w*", "end it all", "better off dead", "(?:not|isn't) worth living",
        # "Some nights I think everyone would be better off without me" (panel round 37).
        r"(?:everyone|everybody|they|my family|my kids|the world) (?:would be|'d be|is|are) "
        r"better off without me",
        "no (?:reason|point) (?:to|in) (?:live|living|go(?:ing)? on)",
        "i (?:just |really |honestly |literally )?(?:want|wanna) (?:to )?die",
        "(?:i'm|i am) (?:ready|going) to die",
        "(?:don't|do not|dont) want to (?:live|be alive|exist|wake up|go on|be here any ?(?:more|"
        "longer))",
        "jump (?:off|from|in front of) (?:a|the) (?:bridge|building|roof|train|cliff|balcony)",
        "(?:nothing|no one|nobody|nothing left|no reason) (?:left )?to live for",
        "(?:wish i (?:was|were) dead|wish i (?:wasn't|was not|weren't) (?:here|alive|born)|"
        "tired of (?:living|being alive)|give up on life|don't see the point (?:in|of) (?:living|"
        "going on|anything))",
        "(?:smell\\w*|stink\\w*) (?:of |like )?(?:burning|smoke|something burning|melting plastic)",
        "burning smell",
        # "...a crackling noise coming from the meter cupboard and it smells like hot plastic"
        # (panel round 48; none on train or dev says it so).
        "(?:smell\\w*|stink\\w*) (?:of |like )?(?:hot|burnt|burning|melted|melting) "
        "(?:plastic|rubber|wires?|wiring|electrics?)",
        r"(?:crackl\w+|fizz\w*) (?:\w+ ){0,5}?(?:socket|plug|meter|fuse ?box|consumer unit|wiring|"
        "outlet)s?\\b",
        "(?:i'll|i will|i'm (?:going|gonna) to?|i am going to|gonna|going to|i want to|i could|"
        r"i swear i'll|i'd like to) (?:\w+ )?(?:kill|hurt|harm|shoot|stab|murder|strangle|"
        f"beat up|punch|attack) {_THREAT_TARGET}\\b",
        "(?:he|she|they|my (?:husband|partner|ex|boyfriend|wife|girlfriend))(?:'ll| will| is going "
        "to| might| could) (?:hurt|kill|hit|beat) me",
        r"(?:know|found|find out|have) where (?:you|your \w+|he|she|they) "
        "(?:live|lives|work|works)",
        "(?:bring|com(?:e|ing) (?:down |over |round )?(?:there |here )?with) (?:a|my) "
        "(?:gun|knife|weapon|bat|rifle)",
        "(?:thinking (?:about|of)|want to|going to|planning to) end(?:ing)? "
        "(?:things|everything|it)(?! with| for| on)",
        "(?:house|kitchen|apartment|flat|building|electrical|battery|car|engine|garage) fire",
        "(?:smoke|flames?|sparks?) (?:coming|pouring|billowing|shooting|came|poured|flying) "
        "(?:out|from)",
        f"{_HAZARD_THING} (?:is |was |has |started |keeps |just |literally )*(?:smoking|sparking|"
        "melting|melted|swollen|swelling|bulging|puffed up|exploded|exploding|blew up|on fire|"
        "burning|scorched)",
        # The thing named further back: "the fan heater I bought in November (model FH-20)
        # started SMOKING last night. Plug and socket both scorched black" (panel round 40;
        # none on train, dev or test).
        "(?:started|began) (?:to )?(?:smoke|smoking|spark|sparking)",
        r"(?:plug|socket|outlet|wires?|cable|wiring)s? (?:\w+ ){0,3}(?:scorched|melted|charred)",
        "electric(?:al)? shock", r"electrocut\w+", "gave me (?:an? )?(?:electric )?shock",
        "exposed (?:live )?wires?", "live wires?",
        "(?:can't|cant|cannot|can not|couldn't|unable to|struggling to|hard to|trouble|"
        "difficulty) breath(?:e|ing)?", "short(?:ness)? of breath",
        "unconscious", "not breathing", "stopped breathing", "allergic reaction",
        # A person unresponsive, not a screen, a company or a collector: none of the 5 train
        # and dev messages with the bare word was a safety risk, and a credit dispute got the
        # crisis script for it (panel round 54).
        r"(?:he|she|they|him|her|them|baby|child|son|daughter|husband|wife|partner|mum|mom|dad"
        r"|mother|father) (?:is|was|went|became|'s|lying) (?:\w+ )?unresponsive",
        r"found (?:him|her|them|my \w+) unresponsive",
        r"anaphyla\w+", "choking", "choked", "food poisoning", "poison(?:ed|ing)",
        "swallowed (?:a |an |the |some |one |one of the |two )?(?:\\w+ ){0,2}?(?:battery|batteries|"
        "magnets?|button cell|pills?|tablets?|detergent|pods?|pieces?|parts?|bleach|chemicals?|"
        "liquid|capsules?|coins?|screws?|beads?)",
        "(?:don't|do not) know how (?:much )?(?:longer|long) i can (?:keep )?(?:go(?:ing)? on|"
        "keep going|cope|take (?:it|this)|carry on|hold on)",
        r"gas\b[^.!?\n]{0,60}?\bsmell|smell\w*[^.!?\n]{0,40}?\bgas\b",
        # Gas told by its smell alone, "a funny smell by the boiler cupboard, a bit eggy"
        # (panel round 81; none on train or dev).
        r"smell\w*[^.!?\n]{0,40}?\b(?:eggy|rotten eggs?|sulph?ur\w*)\b"
        r"|(?:eggy|rotten[\s-]eggs?|sulph?urous) smell",
        "(?:assaulted|attacked|punched|shoved|spat at|grabbed|threatened to (?:hurt|hit|kill|"
        "attack)) (?:me|us|my \\w+)",
        "threatened (?:me|us|my \\w+)(?! with (?:a |an |the )?(?:late|fee|fees|charges?|bailiffs?|"
        "debt|legal|court|collection|cancellation|disconnection|letter))",
        "(?:ate|swallowed|bit into|got into|chewed) (?:a |the |some |one of the |my )?"
        "(?:dishwasher |laundry |detergent |washing |cleaning )?(?:pods?|tablets|capsules|bleach|"
        "batteries|battery)",
        r"(?:i'm|i am|we're|we are|my \w+ is) in (?:immediate )?danger",
        "(?:don't|do not|dont) feel safe",
        "(?:fear|scared|afraid|terrified) for (?:my|our|his|her) (?:life|lives|safety)",
        "(?:someone|somebody|people) (?:is|are|will|'s|'re) (?:going to |gonna )?(?:get )?"
        "(?:hurt|killed|die)",
        "(?:my|our|the) (?:child|kid|son|daughter|baby|toddler|infant|boy|girl|dog|cat|pet) "
        r"(?:\w+ )?(?:swallowed|choked|got (?:hurt|burned|burnt|cut|shocked|sick from|injured)|"
        "was (?:hurt|burned|burnt|cut|shocked|injured|bitten)|is (?:hurt|injured|choking|"
        "bleeding))",
        r"(?:fumes|smoke)\b[^.!?\n]{0,60}?\bmaking (?:me|us|him|her|them|my \w+) (?:feel )?"
        "(?:dizzy|faint|sick|ill)",
    ),
    *_rules(
        "safety_risk", 0.85,
        "(?:passed|passing|blacked) out", "fainted", "ambulance", "paramedics", "overdose",
        "(?:rushed|taken|went|go|going|had to go) to (?:the er|a ?& ?e|(?:the )?(?:emergency room|"
        "emergency|hospital))",
        "(?:i'm|i am|we're|we are|he's|she's|he is|she is|they're|they are|ended up|now|"
        "currently|sitting|been|was|were) in (?:the er|a ?& ?e|(?:the )?(?:emergency room|"
        "casualty))",
        "(?:badly|seriously) (?:hurt|injured|burned|cut)",
        r"cut (?:my|his|her|their|our) (?:\w+ )?(?:hand|fingers?|foot|feet|leg|arm|face|head|lip)",
        "got (?:injured|electrocuted|scalded)",
        "burns? (?:from|on|to|caused by) (?:your|the|my|his|her)",
        "scald(?:ed|ing)? (?:my|his|her|their|our|the)",
        "burn(?:ed|t) (?:my|his|her|their|the kid's|our) (?:\\w+ )?(?:hand|fingers?|skin|arm|leg|"
        "face|mouth|feet|foot)",
        "(?:fire|flames?) (?:hazard|risk|department|brigade|fighters?|engine|started|broke out)",
        f"(?:it|{_HAZARD_THING}) (?:is|was|'s|has been|are|were) (?:literally |actually |now )?"
        "on fire",
        "(?:watch|better watch) your back", "(?:shooting|stabbing|bomb threat)",
        "(?:no|without|ran out of|run out of|running out of|out of|running low on|down to my last) "
        "(?:my |the )?(?:insulin|oxygen|medication|medicine|meds|inhaler|epi-?pen|prescription|"
        "heart pills|blood thinners)",
        "(?:oxygen (?:machine|concentrator)|life support|ventilator|dialysis machine)",
        # The supply failing, not only named: "the concentrator in the bedroom has stopped,
        # it's beeping" (panel round 39), not "she's on oxygen at night, the concentrator
        # thing" (round 26). None on train, dev or test.
        r"(?:concentrator|oxygen)\b[^.!?\n]{0,40}?\b(?:has stopped|stopped working|isn't working|"
        r"is not working|not working|won't (?:start|turn on|work)|has failed|failed|broken|"
        r"keeps? beeping|is beeping|'s beeping)",
        # A home dialysis that cannot run: "he's on home haemodialysis... it can't run without
        # water" (panel round 51; none on train, dev or test).
        r"(?:haemo|hemo)?dialysis\b[^.!?\n]{0,120}?\b(?:can't|cannot|won't|will not) (?:run|work|"
        r"start)\b",
        # Water reaching the electrics: "dripping out of the light fitting" (round 39; none
        # on train, dev or test).
        r"(?:water|leak\w*|dripping|drips)\b[^.!?\n]{0,60}\b(?:light fittings?|sockets?|"
        r"fuse ?box(?:es)?|consumer units?|the electrics)",
    ),
    *_rules(
        "safety_risk", 0.75,
        "(?:safety (?:hazard|risk|issue|concern|recall)|(?:choking|health|electrical) hazard)",
        "(?:having|had) a panic attack", "bleeding(?! (?:money|cash|customers|me dry))",
        # A person who can't go on, not an arrangement: "he's sleeping in with us, but that
        # can't go on" is a tenant asking for a repair (panel round 38).
        "(?:i|we) (?:just |really |honestly |simply )?can't go on",
        "can't cope any ?(?:more|longer)", "hot to (?:the )?touch",
        # A person falls: "my wedding ring slipped off on deck" is no one hurt (panel round 44).
        rf"{_FALLER} (?:\w+ )?(?:fell|had a (?:bad )?fall|tripped|slipped) (?:down|off|over|on|"
        "from|and)",
        # Where in the home or street, not "fell in love" or "fell in price" ("he's 84 and he
        # fell in the hallway", panel round 42).
        rf"{_FALLER} (?:\w+ )?(?:fell|had a (?:bad )?fall|tripped|slipped) in (?:the|his|her|my|"
        r"our|their) (?:hall\w*|bath\w*|shower|kitchen|bedroom|"
        "garden|street|road|house|home|flat|stairs?|stairwell|car park|shop|store)",
    ),
    *_rules(
        "safety_risk", 0.6,
        r"(?:is|are|was|were|looks|seems|feels) (?:\w+ )?(?:dangerous|unsafe|hazardous)",
    ),
]

# vulnerable_customer: bereavement, illness, disability, age and hardship.
_RELATIVE = _any(
    "husband", "hubby", "wife", "spouse", "partner", "mother", "mom", "mum", "mommy", "mummy",
    "father", "dad", "daddy", "son", "daughter", "child", "kid", "baby", "brother", "sister",
    "grandmother", "grandma", "gran", "nan", "nana", "granny", "grandfather", "grandpa",
    "grand-?dad", "grandad", "aunt", "auntie", "uncle", "fianc[eé]e?", "boyfriend", "girlfriend",
    "parents?", r"(?:mother|father)[\s-]in[\s-]law", "best friend", "twin", "cousin", "nephew",
    "niece", "step(?:dad|mom|mum|son|daughter)",
)
_OLD_AGE = r"(?:[7-9]\d|1[01]\d)"
_VULNERABLE = [
    *_rules(
        "vulnerable_customer", 0.9,
        f"(?:(?:my|our) (?:\\w+ )?)?{_RELATIVE} (?:\\w+ ){{0,3}}?(?:passed away|passed on|"
        "died(?! (?:his|her|my|their) hair)|"
        "has died|is dying|was killed|lost (?:his|her|their) (?:battle|fight|life)|passed"
        "(?= (?:last|this|recently|suddenly|in|on|yesterday|two|three|a few|away)))",
        f"lost (?:my|our) (?:\\w+ )?{_RELATIVE}\\b(?!['-])", f"(?:my|our) late {_RELATIVE}",
        f"(?:my|our) (?:\\w+ )?{_RELATIVE}'s (?:death|passing|funeral|illness|diagnosis|cancer|"
        "dementia|stroke)",
        "miscarriage", "still ?b(?:orn|irth)",
        r"bereave\w*", "widow(?:ed|er)?", "funeral", "death certificate", "death in the family",
        # A bare "passed away" was mostly a pet's on real reviews (1 of 5 on train and dev); a
        # person's is read by the relative rule above.
        "(?:recently )?deceased", "executor of", "passing of my", "grieving",
        "domestic (?:abuse|violence)", "abusive (?:partner|ex|husband|wife|relationship|home)",
        r"(?:fleeing|escap\w+|left) (?:an? )?(?:abusive|violent)", "restraining order",
    ),
    *_rules(
        "vulnerable_customer", 0.85,
        # The person's own illness: on real messages a bare "cancer", "hospitalized" or
        # "surgery" was mostly a pet's or a credit file's (1 in 21), never the customer's.
        r"(?:i have|i've got|i had|i was diagnosed with|i've been diagnosed with|i have been "
        r"diagnosed with|i'm (?:fighting|battling|"
        r"being treated for)|i am (?:fighting|battling|being treated for)) (?:\w+ )?cancer",
        "chemo(?:therapy)?", "radiotherapy", "terminal(?:ly)? ill",
        "terminal (?:illness|diagnosis|cancer)",
        "(?:seriously|critically|chronically|very|gravely) ill",
        r"(?:i have|i've got|i live with|living with|i suffer from|suffering from|(?:he|she) has) "
        r"(?:a |an )?(?:life[\s-]threatening|serious|chronic|long[\s-]term|terminal) "
        "(?:illness|condition|disease)",
        "in (?:the )?hospital",
        "(?:i was|i've been|i have been|i am|i'm|(?:he|she) (?:was|is|has been)) hospitali[sz]ed",
        # Care in a hospice, not a hospice named as a charity ("I give £25 a month to
        # Hollybrook Hospice" raised it: panel round 31).
        "(?:in|into|to|at|entered|receiving|under|moved to) (?:a |the )?hospice",
        "hospice (?:care|nurses?|team|services?|bills?|beds?|at home)",
        "(?:is|was|been|am|are|now|currently|still) in (?:the )?(?:icu|intensive care)",
        "dialysis", "dementia", "alzheimer'?s", "parkinson'?s", "multiple sclerosis",
        # "ms" only after a verb: "with Ms. Reyes" and "with ms again" (Microsoft) were all
        # false (0 of 3 on train and dev).
        r"(?:has|have|diagnosed with|suffers? from|living with) ms(?![.\w])",
        "(?:has|have|with|diagnosed with|suffers? from|living with) (?:als|mnd|copd|"
        "cerebral palsy|epilepsy|cystic fibrosis|lupus|sickle cell|spina bifida|down syndrome|"
        "heart failure|kidney failure|long covid|me/cfs|fibromyalgia)",
        "motor neurone?",
        # A condition named by what it is treated for, or a medicine that cannot be missed:
        # "takes levetiracetam twice a day for epilepsy... he can't miss doses" (panel round
        # 80; none on train or dev).
        r"(?:takes?|taking|needs?|needing) (?:\w+ ){1,5}for (?:his |her |my |their )?(?:epilepsy"
        r"|seizures|diabetes|(?:a |the )?heart condition)\b",
        r"(?:can't|cannot|can not|mustn't|must not) (?:miss|go without|be without) (?:a |any "
        r"|his |her |my |their )?(?:doses?|medication|meds|insulin|inhaler)",
        # Read against train and dev's real labels, where each was missed.
        r"(?:i|we) (?:fell|have fallen|had fallen|became|have been|had been|got|was|am|'m) "
        r"(?:very |seriously |really |so )?ill(?![\w-])",
        r"(?:my|my own|due to|because of) medical (?:issues|conditions?|problems|reasons|"
        "emergency|treatment)",
        r"(?:house|home|flat|apartment) (?:was |got )?(?:destroyed|flooded|burn(?:ed|t) down)",
        r"in (?:her|his|their|my|our) (?:late |mid |early )?[789]0'?s",
        # An age of 70 or more given (one train message, labelled so), "I'm eighty-one" (panel
        # round 81); not "I'm 90 minutes away".
        r"(?:i'm|i am|im) (?:[7-9]\d|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six"
        r"|seven|eight|nine))?(?: years? old| years of age)?(?=[\s,.;:!?)]|$)(?!\s*(?:minutes"
        r"|mins|miles|percent|km|pounds|dollars|days|hours|%|yards|feet|ft|calls|times|\$))",
        "(?:a|had a|her|his|my|since the|after the|after a|since a|since her|since his) stroke",
        r"(?<!almost\s)(?<!nearly\s)(?:had|has) a heart attack",
        "(?:i'm recovering from|i am recovering from|i just had|i had|i'm having|i am having|since "
        "my|after my) (?:major |a |an )?(?:surgery|operation)",
        "transplant",
        # A job lost, however spelt ("loose"), with or without "my"; not someone else's job at
        # risk ("not afraid of losing her job").
        r"(?:lost|lose|loose|losing) (?:my |a |our )?job\b",
        "(?:i|we|i've|i was|we were|i got|got|been) (?:been )?laid off",
        "(?:been |being |was |got )?made redundant",
        r"(?:i'm|i am|currently|now|been) (?:\w+ )?unemployed", "out of work",
        "on (?:benefits|welfare|disability|food stamps|social security)",
        "food ?bank", "evict(?:ed|ion)", "homeless", "insolvency",
        # Their own bankruptcy; on credit files "bankruptcy" is mostly a record in dispute.
        "(?:i|we)(?:'ve| have)? (?:had to )?(?:file|filed|filing|declare|declared|gone|went|go) "
        r"(?:for )?bankrupt\w*",
        "(?:i'm|i am|we're|we are) (?:going )?bankrupt",
        "(?:behind|fallen behind) on (?:my |the |our )?(?:rent|bills|payments|mortgage)",
        "pay ?(?:check|cheque) to pay ?(?:check|cheque)",
        "(?:can't|cannot|can not|couldn't|could not|unable to) afford(?! to (?:wait|lose|miss|be|"
        "have|keep|waste|deal|go|spend|let|ignore|take|risk))",
        "struggling (?:financially|(?:to )?(?:pay|make ends meet|afford|get by|feed)|with "
        "(?:money|bills|debt|rent|the bills))",
        "(?:no|not enough) money (?:for|to (?:buy|pay for)) (?:food|rent|groceries|my kids|"
        "medicine|heating)",
        "can't (?:feed|put food)", "drowning in debt",
        "(?:i'm|i am|we're|we are) (?:deep )?in debt",
        # Not a bare "hardship": "these inquiries are causing me hardship" is a credit dispute's
        # harm, not the customer's circumstances (2 of 10 on train and dev).
        r"financial (?:hardship|difficult\w+|trouble|crisis)",
        "hardship (?:plan|programme|program|scheme|fund|payment|assistance|support|team|grant)",
        r"(?:going (?:thru|through)|experiencing|facing) (?:a |an )?(?:\w+ )?hardship",
        f"(?:i'm|im|i am|(?:my|our) (?:\\w+ )?{_RELATIVE} is|(?:he|she) is|(?:he|she)'s|as a|"
        "being) "
        r"(?:(?!not |never )\w+ )?(?:disabled|blind|deaf|partially sighted|visually impaired|"
        r"hard of hearing|housebound|bed-?bound|bedridden|wheelchair[\s-]bound|paraly[sz]ed|"
        "autistic|non-?verbal|illiterate|vulnerable)",
        "(?:disabled|disability) (?:person|customer|veteran|child|son|daughter|adult|benefits|"
        "allowance|badge)",
        "(?:a|my|with a|have a|has a|with) disabilit(?:y|ies)", "wheelchair user",
        "(?:use|uses|in) a wheelchair", "screen reader",
        r"(?:learning|intellectual|cognitive) (?:disabilit\w+|difficult\w+|impairment)",
        f"(?:elderly|frail|aged|ageing|aging|vulnerable) (?:{_RELATIVE}|relative|neighbou?r|"
        "customer|person|adult|lady|gentleman)",
        rf"{_OLD_AGE}[\s-]?(?:year|yr)s?[\s-]?old(?: {_RELATIVE}| relative| neighbou?r| lady| "
        r"gentleman| man| woman| customer| person| widow\w*| pensioner|,? (?:and|who))",
        f"(?:my|our) (?:\\w+ )?{_RELATIVE} (?:is|who is|, who is|turned) {_OLD_AGE}\\b",
        f"(?:i'm|i am) {_OLD_AGE} (?:years?|yrs?|and)",
        # An age given of someone spoken of ("hes 84 and he fell", "she's 79 and doesn't
        # drive"): on the panels' written messages always an elderly relative; no train or dev
        # message says it.
        rf"(?:he|she)(?:'s| is|s) (?:now |only |almost |nearly )?{_OLD_AGE}\b"
        r"(?! ?(?:%|minutes|mins|hours|days|weeks|months|pounds|dollars|quid|p\b))",
        # A baby in the home: weeks or months old, and not a puppy's or a phone's age (2 of 2
        # on train and dev carry the label; pets' ages are left out).
        r"(?:a|my|our) (?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
        r"twelve)[\s-](?:month|week)s?[\s-]old\b(?![\s-](?:puppy|pup|kitten|dog|cat|lab\w*|"
        "phone|device|laptop|tv|car|order|bill|account|policy))",
        # The benefit named however the sentence runs ("until my Universal Credit comes in").
        "universal credit",
    ),
    *_rules(
        "vulnerable_customer", 0.75,
        r"(?:i'm|i am|i've been|suffer\w* (?:from|with)|diagnosed with|struggling with) (?:\w+ )?"
        r"(?:depress\w+|anxiety|panic attacks|ptsd|bipolar|mental health)",
        "mental health (?:crisis|issues|problems|condition)",
        "money(?:'s| is) (?:really |very |so |super |extremely )?tight", "pensioner", "oap",
        "on a (?:state |small |fixed |basic )?(?:pension|fixed income)",
        # Read against train and dev's real labels, where each was missed: 10 of the 11
        # messages these match carry the label (not senior citizens spoken of in general).
        "fixed incomes?", "fell on hard times",
        r"(?:i'm|i am|she is|he is|as) a (?:\w+ )?senior citizen",
        f"(?:my|our) (?:\\w+ )?{_RELATIVE} (?:\\w+ ){{0,3}}?(?:got|gets|is|was|became|becomes) "
        "(?:very |really |so |easily )?confused",
        f"(?:i care|caring) for my (?:\\w+ )?{_RELATIVE}", "(?:carer|caregiver) (?:for|of|to)",
        "doesn't understand (?:computers|technology|the internet|online|smartphones)",
        r"(?:i'm|i am|she's|she is|my wife is|my partner is) (?:\w+ )?pregnant",
        r"pregnant (?:wife|partner|girlfriend|daughter|fianc[eé]e)",
        "(?:income|pay ?check|cheque|payments?|money) from disability",
        "disability (?:benefits?|income|payments?|check|cheque|allowance|pension)",
    ),
]
# fmt: on

RULES: tuple[Rule, ...] = (
    *_HUMAN_REQUEST, *_AUTHORITY, *_REPEATED, *_LEGAL, *_CHURN, *_EXPOSURE, *_ABUSE, *_SAFETY,
    *_VULNERABLE,
)  # fmt: skip
