"""Escalation trigger phrasings as data: one `Rule` per way of saying each trigger."""

from __future__ import annotations

from dataclasses import dataclass

from app.labels import TriggerType


@dataclass(frozen=True, slots=True)
class Rule:
    """A phrasing that raises `type`; a space in `pattern` matches any run of whitespace.

    Guarded rules are dropped when negated ("I don't want to cancel"), when quoted as a title
    ("the 'Cancel Account' button") or when echoed as a question and answered ("still waiting?
    no, ..."). Safety rules are unguarded: a missed one costs far more than a false alarm.
    """

    type: TriggerType
    pattern: str
    confidence: float
    guarded: bool = True


def _any(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


def _rules(type_: TriggerType, confidence: float, *patterns: str) -> list[Rule]:
    return [Rule(type_, pattern, confidence) for pattern in patterns]


def _safety(confidence: float, *patterns: str) -> list[Rule]:
    return [Rule("safety_risk", pattern, confidence, guarded=False) for pattern in patterns]


_GAP = r"(?:[\w'-]+ )"  # one word, then whitespace
_YOU = r"(?:you|u|ya|y'all|yall|you (?:guys|people|lot|all|two|folks))"
_COUNT = _any(
    r"\d+", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "a dozen",
    "several", "multiple", "many", "numerous", "countless", "so many", "a (?:few|bunch of|million)",
    r"like \d+", r"(?:over|more than) \d+",
)  # fmt: skip
_ORDINAL = _any(
    "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "umpteenth", "hundredth", "millionth", "nth", r"\d+(?:st|nd|rd|th)",
)  # fmt: skip
_CONTACT_VERB = _any(
    r"writ(?:e|ing)", "wr(?:ote|itten)", r"call(?:ing|ed)?", r"contact(?:ing|ed)?",
    r"e-?mail(?:ing|ed)?", r"messag(?:e|ing|ed)", r"chat(?:ting|ted)?", r"reach(?:ing|ed)? out",
    r"ask(?:ing|ed)?", r"explain(?:ing|ed)?", r"report(?:ing|ed)?", r"complain(?:ing|ed)?",
    r"follow(?:ing|ed)? up", r"r(?:ing|inging|ang)", r"phon(?:e|ing|ed)", r"sen(?:d|ding|t)",
    r"(?:get|getting|got) in touch", r"(?:open|submitt?|rais|log)(?:e|ed|ing)?",
)  # fmt: skip

# human_request: who the customer wants instead of the current agent.
_HR_ADJ = r"(?:(?:real|actual|proper|senior|fucking|f\*+ing|damn|bloody|competent|different) )?"
_HR_DET = r"(?:(?:a|an|the|your|ur|yr|some|one of your|someone's) )?"
_HR_END = (
    r"(?![\w-])(?!'s)(?! (?:account|role|seat|permission|access|login|licen[cs]e|dashboard|"
    r"view|portal|app|tool|console|position|job|vacancy|discount|plan|mode|setting|feature))"
)
_HR_CUE = _any(
    "(?:speak|speaking|talk|talking|chat|chatting) (?:to|with)",
    "(?:put|patch|send|pass) me (?:through |over )?(?:to|with)",
    "(?:transfer|connect|escalate|forward)(?:ing)? (?:me|this|my (?:call|case|ticket|chat)) (?:to|with)",
    "(?:get|give|bring|fetch|find|call) me",
    "i (?:want|need|demand|request|would like|'d like|wanna|insist on|expect)",
    "(?:where|who) (?:is|'s|are)",
)
_MANAGER = _any(
    "manager", "manger", "managr", "manageer", "mananger", "mgr", "supervisor", "supervisr",
    "superviser", "supervisior", "supervsior", "suppervisor", "supervisour", "boss", "superior",
    "team lead(?:er)?", r"higher[\s-]?ups?", "(?:some(?:one|body)|person) in charge",
    "some(?:one|body) (?:more senior|senior|higher up|above you|with (?:more )?authority)",
)  # fmt: skip
_HUMAN = _any(
    "human(?: being| agent)?", "(?:real|live|actual) (?:person|human|people|agent|one)", "person",
)
_AGENT = _any("agent", "rep", "representative", "operator", "advisor", "adviser")
_HUMAN_REQUEST = [
    *_rules("human_request", 0.9, f"{_HR_CUE} {_HR_ADJ}{_HR_DET}{_HR_ADJ}{_MANAGER}{_HR_END}"),
    *_rules("human_request", 0.85, f"{_HR_CUE} {_HR_ADJ}{_HR_DET}{_HR_ADJ}{_HUMAN}{_HR_END}"),
    *_rules(
        "human_request", 0.75,
        f"{_HR_CUE} {_HR_ADJ}{_HR_DET}{_HR_ADJ}{_AGENT}{_HR_END}",
        "escalat(?:e|ing) (?:this|it|my (?:case|ticket|complaint|issue|problem|request|query))",
        r"(?:want|need|demand|would like) (?:this|it|my \w+) escalated",
        "please escalate",
        f"(?:{_MANAGER}|{_HUMAN}|{_AGENT}),? (?:please|pls|plz)",
    ),  # fmt: skip
    *_rules(
        "human_request", 0.7,
        f"(?:is|are) there (?:a|an|any) (?:real |actual )?(?:human|person|people|{_MANAGER})"
        f"{_HR_END}",
        "(?:stop|quit|no more) (?:sending me to |giving me |with )?(?:the |this |a |your )?"
        "(?:stupid |useless |damn )?(?:bot|robot|chatbot|automated (?:replies|responses))",
        "(?:don't|do not|dont) want (?:to (?:talk|speak|chat) (?:to|with) )?(?:a|the|this|your) "
        "(?:bot|robot|chatbot|machine|ai)",
    ),  # fmt: skip
]

# authority_exceeded, by phrasing; amounts above the limit are found by the detector itself.
_AUTHORITY = [
    *_rules(
        "authority_exceeded", 0.85,
        "make (?:an |a one[\\s-]time |one )?exception",
        "(?:bend|break|override|ignore|overrule|go around) (?:the|your|this|that) "
        "(?:rules?|polic(?:y|ies)|terms)",
        "compensate (?:me|us|for)",
        f"(?:want|demand|expect|deserve|need|require|request|insist on|entitled to|owed|"
        f"ask(?:ing)? for|looking for|seeking|claim(?:ing)?) {_GAP}{{0,3}}?compensation",
    ),  # fmt: skip
    *_rules(
        "authority_exceeded", 0.8,
        r"waiv(?:e|ing)? (?:the |this |that |my |these |those |all |any )?(?:\w+ )?"
        "(?:fees?|charges?|penalt(?:y|ies)|interest|excess|deductible|fine)",
        "(?:financial|monetary|proper|fair|full) compensation",
        "(?:pay|reimburse|compensate|refund|cover) (?:me |us )?(?:for )?(?:my |the |our )?"
        "(?:time|lost (?:wages|earnings|income|business|revenue|work|sales|day)|hotel|taxi|cab|"
        "damages?|losses|inconvenience|trouble|distress|vet bills?|medical bills?|"
        "missed (?:day|shift|work)|day off|time off)",
    ),  # fmt: skip
    *_rules(
        "authority_exceeded", 0.75,
        "compensation (?:for|claim)",
        r"(?:past|after|outside|beyond|out of|missed) (?:the |your |my )?(?:\d+[\s-]days? )?"
        r"(?:returns?|refund|warranty|guarantee|cancellation|cooling[\s-]off|trial) "
        "(?:window|period|policy|date|deadline)",
        "refund (?:and|plus|\\+|&) (?:a |an )?(?:free|replacement|compensation|credit|voucher)",
        "(?:want|deserve|expect|demand|give me|owe me) (?:a |an |at least a |some )?"
        "(?:free|complimentary) (?:upgrade|month|year|subscription|service|night|flight)",
    ),  # fmt: skip
    *_rules(
        "authority_exceeded", 0.7,
        r"extend (?:the |my )?(?:\d+[\s-]days? )?(?:return|refund|warranty|trial|grace) "
        "(?:window|period)",
    ),  # fmt: skip
]

# The money a customer asks for back: a cue near an amount (see TriggerDetector).
MONEY_CUE = _any(
    r"refund\w*", r"reimburs\w*", r"compensat\w*", r"waiv\w*", r"discount\w*", "rebate",
    "voucher", "gift card", "money back", "off", "(?:owes?|pay|give) (?:me|us)",
    "credit(?:ed|s)?(?! card| score| check| limit| union| history| report| rating)",
    r"(?:get|want|need|give|send|pay|owe)\w* (?:[^\s.!?]+ ){0,3}back",
)  # fmt: skip
_NUMBER = r"(?<![\d.,])(?:\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\d%])"
_CODE = "(?:usd|eur|gbp|cad|aud|nzd|chf|inr)"
AMOUNT = (
    rf"(?:(?<![a-z]){_CODE} ?|(?:us|ca|au|nz|[acr])?\$|€|£|¥|₹) ?(?P<a>{_NUMBER})"
    r"(?P<ak> ?k(?![a-z]))?"
    rf"|(?P<b>{_NUMBER})(?P<bk> ?k)? ?(?:\$|€|£|(?:{_CODE}|dollars?|bucks|euros?|pounds?|quid|"
    r"rupees?)(?![a-z]))"
)
PERCENT = (
    r"(?:want|need|expect|demand|deserve|give (?:me|us)|get|owe (?:me|us)|at least|"
    r"offer (?:me|us)|ask(?:ing)? for|request(?:ing)?|insist on|only accept) "
    r"(?:a |an |at least |a minimum of |like )?(?P<p>\d{1,3}(?:[.,]\d+)?) ?(?:%|percent|per cent) "
    r"(?:off|discount|reduction|credit|price reduction)"
)

_REPEATED = [
    *_rules(
        "repeated_contact", 0.9,
        rf"{_ORDINAL} time\b[^.!?\n]{{0,30}}?\b{_CONTACT_VERB}",
        rf"(?:called|rang|phoned|e-?mailed|written|wrote|messaged|contacted|chatted|reached out|"
        rf"spoken|spoke|talked|complained|been in touch|sent|opened|raised|filed|submitted|logged)"
        rf"(?: (?:to |with )?(?:{_YOU}|your (?:team|support|company|staff|agents?|people|helpline)|"
        rf"support|customer (?:service|support|care)|them|in|about (?:this|it)|"
        rf"(?:an? )?(?:emails?|tickets?|messages?|complaints?|requests?)))?"
        rf"(?: (?:already|now|so far|about this))? (?:{_COUNT} times|twice|repeatedly|"
        r"again and again|over and over)",
        "how many (?:more )?times (?:do|must|should|will|have|am) (?:i|we)",
    ),  # fmt: skip
    *_rules(
        "repeated_contact", 0.85,
        rf"(?:my|this is (?:my|the)|the) {_ORDINAL} (?:e-?mail|call|message|ticket|complaint|"
        r"request|attempt|follow[\s-]?up|chat|time (?:asking|writing|calling))(?!\w)(?! address)",
        rf"(?:after|sent|made|opened|written|wrote|logged|raised|filed|submitted|had) (?:you )?"
        rf"{_COUNT} (?:(?:separate|different|phone|support) )?(?:calls|e-?mails|tickets|"
        r"messages|chats|complaints|requests|attempts|conversations)",
        r"transferred (?:\w+ ){0,2}(?:" + _COUNT + " times|twice|again)",
        "(?:passed|bounced) (?:around|from (?:one )?(?:agent|person|department) to)",
    ),  # fmt: skip
    *_rules(
        "repeated_contact", 0.8,
        r"(?:contact(?:ing|ed)?|writ(?:ing|e)|e-?mail(?:ing)?|call(?:ing)?|messag(?:ing|e)|"
        r"reach(?:ing)? out|ask(?:ing)?|follow(?:ing)? up|chas(?:e|ing)) (?:to )?"
        r"(?:you (?:guys |people )?|support |this )?(?:yet )?again",
        "(?:keep|kept) (?:on )?(?:having to )?(?:call|writ|e-?mail|contact|chas|explain|repeat|"
        r"ask|follow)\w*",
        r"still (?:not|isn't|hasn't|haven't|has not|have not|didn't|did not|doesn't|does not|"
        r"don't|do not|won't|can't|cannot|wasn't|aren't|no one|nobody) (?:been |yet |even )?"
        r"(?:received|receive|got|gotten|get|heard|hear|fixed|resolved|solved|sorted|working|"
        r"work|arrived|arrive|shipped|delivered|refunded|credited|processed|responded|replied|"
        r"answered|called|come|came|turned up|showed up|loading|load|connect|log|here)",
        "still (?:waiting|broken|unresolved|missing|down|charging|being charged|getting charged|"
        "having (?:the same|this|that)|the same (?:problem|issue|error|fault))",
        "still no (?:refund|response|reply|answer|word|update|news|sign|delivery|package|parcel|"
        "order|fix|resolution|solution|call|callback|e-?mail|money|tracking|service|internet|"
        "power|signal|connection|progress|help|contact)",
    ),  # fmt: skip
    *_rules(
        "repeated_contact", 0.7,
        "(?:nobody|no one|no-one) (?:ever |has )?(?:got|gets|gotten|called|calls|wrote|writes|"
        "e-?mailed|replied|responded|came) back",
        r"(?:never|didn't|did not|haven't|have not|hasn't|has not) (?:\w+ )?(?:got|gotten|called|"
        "e-?mailed|written|wrote|replied|responded|heard|rang) (?:me )?back",
        r"as i(?: have|'ve)? (?:already )?(?:said|explained|mentioned|told you|stated|wrote) "
        r"(?:before|previously|earlier|in my (?:last|previous|earlier)|(?:several|many|multiple) "
        "times|already)",
        "i(?:'ve| have)? already (?:called|contacted|e-?mailed|written to|wrote to|reported|raised|"
        "submitted|opened|complained about) (?:this|it|you|a ticket|support|about)",
        "my (?:previous|last|earlier|prior|other) (?:e-?mails?|messages?|tickets?|calls?|"
        "complaints?|chats?|requests?|contacts?)",
        "(?:ticket|case|complaint) (?:was |got )?(?:closed|marked (?:as )?resolved) (?:but|without|"
        "even though)",
        "re-?open(?:ed|ing)? (?:my|the|this) (?:ticket|case|complaint)",
        r"chas(?:e|ing|ed) (?:this|you|it|up|my \w+)",
        "follow(?:ing)?[\\s-]?up (?:again|on my (?:previous|earlier|last))",
        rf"(?:same (?:problem|issue|error|fault) (?:again|as (?:before|last))|yet again|"
        rf"{_ORDINAL} time (?:in a row|this (?:week|month))|{_ORDINAL} time (?:this|it) "
        r"(?:has )?happen\w*|not the first time)",
    ),  # fmt: skip
]

# legal_threat: courts, lawyers, regulators and disputing the payment.
_REGULATOR = _any(
    "bbb", "better business bureau", "ftc", "federal trade commission", "cfpb", "fcc", "fca",
    "financial conduct authority", "ombudsman", "regulators?", "trading standards",
    "consumer (?:protection|affairs|rights (?:agency|group)|council|watchdog)",
    "attorney general", "accc", "ofcom", "ofgem", "ofwat", "ico", "information commissioner",
    "data protection (?:authority|commissioner|regulator)", "cnil", "state ag", "watchdog",
)  # fmt: skip
_LEGAL = [
    *_rules(
        "legal_threat", 0.9,
        "legal (?:action|proceedings|steps|measures|route|recourse|claim)",
        "take (?:this |it )?(?:to )?legal", "law ?suit", "class[\\s-]action", "litigation",
        f"su(?:e|ing) (?:{_YOU}|your|the (?:company|business|store|pants)|this (?:company|place)|"
        r"them)\b",
        "(?:see|meet) (?:you|y'all|u) in court",
        r"take (?:you|this|it|them|your \w+) to court",
        "court (?:action|case|claim|proceedings)", "small[\\s-]claims",
        f"report(?:ing|ed)? (?:you|this|your company|it|them|the company) to (?:the )?{_REGULATOR}",
        f"(?:complain(?:t|ing)?|file|filing|lodge|lodging|escalat\\w+|contact\\w*|writ\\w+|go(?:ing)?)"
        f" (?:an? (?:formal |official )?complaint )?(?:to|with) (?:the )?{_REGULATOR}",
        r"charge[\s-]?backs?",
    ),  # fmt: skip
    *_rules(
        "legal_threat", 0.85,
        r"(?:contact(?:ing)?|call(?:ing)?|hir(?:e|ing)|get(?:ting)?|talk(?:ing)? to|"
        r"speak(?:ing)? (?:to|with)|consult(?:ing)?|involv(?:e|ing)|retain(?:ing)?|see(?:ing)?|"
        "go(?:ing)? to) (?:a|an|my|our) (?:lawyer|attorney|solicitor|legal (?:advisor|counsel))",
        "lawyer(?:ing)? up", "(?:lawyers?|attorneys?|solicitors?) (?:will be )?involved",
        r"(?:will|gonna|going to|'ll|shall|could|should|might|to|can) sue\b",
        f"{_REGULATOR} complaint", "cease and desist",
        r"(?:dispute|disputing|revers(?:e|ing)|contest(?:ing)?) (?:the|this|these|that|my|your) "
        r"(?:\w+ )?(?:charges?|transactions?|payments?|debits?)",
        "(?:call|contact|ring|phone|tell|talk to|go to|ask) (?:my )?(?:bank|credit card "
        "(?:company|issuer|provider)|card (?:issuer|company|provider)|paypal) (?:to|and) "
        "(?:reverse|dispute|cancel|block|stop|get)",
        "(?:file|open|raise) a (?:dispute|claim) (?:with|through|on) (?:my bank|paypal|my card)",
        "paypal (?:dispute|claim)",
    ),  # fmt: skip
    *_rules(
        "legal_threat", 0.8,
        "(?:my|our) (?:lawyers?|attorneys?|solicitors?)", "breach of contract",
        "(?:ombudsman|regulator)",
    ),  # fmt: skip
]

# churn_threat: leaving the company, not cancelling one order.
_CHURN_OBJECT = _any(
    "subscriptions?", "subscripton", "subcription", "subs?", "accounts?", "acct", "acount",
    "accnt", "memberships?", "contracts?", "plan", "services?", "policy", "everything",
    "direct debit", "auto[\\s-]?renew\\w*", "broadband", "(?:phone )?line", "package", "membrship",
)  # fmt: skip
_NOT_AN_OBJECT = (
    r"(?!(?:order|item|booking|appointment|fee|request|reservation|shipment|delivery|payment|"
    r"transaction|flight|ticket|visit)\b)"
)
_CHURN = [
    *_rules(
        "churn_threat", 0.9,
        "(?:take|taking|bring|bringing|took) my (?:business|money|custom) (?:elsewhere|"
        r"somewhere else|to (?:a |your )?(?:competitor|\w+))",
        "(?:you(?:'ve| have| just)? )?lost (?:a (?:loyal |long[\\s-]time |\\w+ )?customer|"
        "my business|me as a customer)",
    ),  # fmt: skip
    *_rules(
        "churn_threat", 0.85,
        f"cancel(?:l?ing)? (?:of )?(?:my |our |the |this |your )?(?:{_NOT_AN_OBJECT}[\\w'-]+ ){{0,2}}"
        f"{_CHURN_OBJECT}(?![\\s'\"]*(?:button|link|page|option|menu|tab|screen|fee|"
        r"appointment|visit|order|request|form)\b)",
        f"cancell?ation of (?:my |our |the )?(?:[\\w'-]+ )?{_CHURN_OBJECT}",
        r"(?:close|closing|delete|deleting|terminate|terminating|end|ending|shut down|"
        r"deactivate|deactivating) (?:my|our|the) (?:\w+ )?(?:accounts?|subscriptions?|"
        "memberships?|contracts?|profile|service)(?![\\s-]*(?:picture|photo|pic|page|name|"
        "settings|card|image))",
        r"(?:want|need|get|have) (?:my|our|the) (?:\w+ )?(?:subscription|account|membership|"
        r"contract) (?:cancell?ed|closed|terminated|deleted|shut down)",
        r"(?:switch\w*|mov(?:e|ing)|go(?:ing)?|jump(?:ing)? ship) (?:over )?to (?:a |one of )?"
        "(?:your )?(?:competitors?|the competition|rivals?|another (?:provider|company|carrier|"
        "bank|supplier|service|vendor|platform|store|retailer|airline|network)|a different "
        "(?:provider|company|carrier|bank|supplier|service|vendor|platform))",
    ),  # fmt: skip
    *_rules(
        "churn_threat", 0.8,
        "switch(?:ing|ed)? (?:providers|companies|carriers|banks|suppliers|vendors|networks)",
        "jump(?:ing)? ship", "(?:port(?:ing)?|transfer(?:ring)?) my number (?:out|to)",
        "(?:leav(?:e|ing)|quit(?:ting)?|ditch(?:ing)?|dump(?:ing)?) (?:you(?: guys)? for|your "
        "(?:company|service|platform|bank|network|app|store|brand))",
        "(?:never|not) (?:\\w+ ){0,2}?(?:order|buy|shop|purchase|use|fly|book|stay|deal|"
        r"do business|come back|return|recommend)\w*\b[^.!?\n]{0,40}?\bagain",
        r"(?:i|we)(?:'ll| will)? (?:won't|will not|wont|am not|'m not|are not|'re not|not) "
        r"(?:be )?renew\w*",
        r"(?:that's|that is|this is|that was|this was) the last time i\b",
        "(?:i'm|i am|we're|we are) (?:so |totally |completely )?done with (?:you|your|this "
        "(?:company|service|app|bank|brand))",
    ),  # fmt: skip
    *_rules(
        "churn_threat", 0.75,
        "(?:find|finding|look(?:ing)? for|shop(?:ping)? (?:around )?for) (?:a )?(?:another|new|"
        "different|better) (?:provider|company|supplier|bank|carrier|service|vendor|platform|"
        "store|airline|insurer|host)",
        r"switch(?:ing|ed)? (?:over )?to (?-i:[A-Z])[\w&.-]+(?! (?:plan|mode|tier|version|edition|"
        "account|option|package|subscription|monthly|annual|billing|theme))",
        "never again",
    ),  # fmt: skip
]

# public_exposure: taking the story to social media, review sites or the press.
_SOCIAL = _any(
    "twitter", "(?-i:X)", "facebook", "fb", "instagram", "insta", "ig", "tik ?tok", "reddit",
    "youtube", "linkedin", "threads", "mastodon", "bluesky", "social media", "socials",
    "trustpilot", "yelp", "google(?: reviews?)?", "glassdoor", "tripadvisor", "the internet",
    "every (?:forum|platform|review site)", "review sites?", "(?:the )?app store", "online",
    "my (?:blog|channel|page|podcast|instagram|twitter|tiktok|facebook|youtube|followers)",
)  # fmt: skip
_EXPOSE_VERB = (
    r"(?:post|blast|plaster|put|tweet|write|publish|broadcast|share|air|expose|rant|complain|"
    r"talk|tell|spread|shout)\w*"
)
_EXPOSURE = [
    *_rules(
        "public_exposure", 0.9,
        "(?:will|'ll|going to|gonna|about to|not afraid to|won't hesitate to|wont hesitate to|"
        f"make sure to|happily|definitely) (?:be )?{_EXPOSE_VERB} {_GAP}{{0,5}}?"
        f"(?:on|all over|across|to) (?:the )?{_SOCIAL}",
        "(?:leave|leaving|left|write|writing|wrote|written|post|posting|posted|give|giving|gave|"
        r"put|putting|drop|dropping) (?:you |u |your \w+ )?(?:a |an |my |the |this )?"
        r"(?:\w+ ){0,2}?(?:(?:1|one|zero|0|no|single|half)[\s-]?stars?|bad|negative|terrible|"
        r"horrible|awful|scathing|damning|brutal|nasty|honest|poor|1/5|0/5) (?:[\w-]+ )?"
        r"(?:reviews?|ratings?|feedback)",
        "(?:tell|telling|contact|contacting|call|calling|go|going|alert|alerting|tip off|"
        "write to|e-?mail|reach out to) (?:to )?(?:the )?(?:local )?(?:press|media|"
        "news(?:papers?)?|reporters?|journalists?|news (?:station|channel|outlet)s?|tv station)",
    ),  # fmt: skip
    *_rules(
        "public_exposure", 0.85,
        f"{_EXPOSE_VERB} (?:all )?(?:this|it|these|everything|about (?:this|you|it|your|my|how|"
        "the way)|my (?:experience|story)|(?:the|this|these|your) (?:conversation|chat|"
        "screenshots?|photos?|pictures?|videos?|e-?mails?|transcript|response|reply|answer|"
        f"treatment)) {_GAP}{{0,3}}?(?:on|all over|across|to) (?:the )?{_SOCIAL}",
        r"(?:give|giving|gave|rate|rating|rated|leave|leaving) (?:you|u|this|it|your \w+) "
        r"(?:a )?(?:1|one|zero|0|no|half a)[\s-]?stars?",
        "(?:the )?(?:press|media|journalists|reporters) (?:would|will|might) (?:love|be "
        "interested|like|want)",
        "review[\\s-]?bomb\\w*",
    ),  # fmt: skip
    *_rules(
        "public_exposure", 0.8,
        r"(?:go(?:es|ing)?|make (?:this|it|sure this goes)) viral",
        "name and shame", "(?:expose|exposing) (?:you|your company|this company|this scam|them)",
        "everyone will know", r"tweet(?:ing)? (?:about )?(?:this|it|you|your)\b",
        "warn (?:everyone|everybody|all my (?:friends|followers|family|contacts|colleagues)|"
        "others|other (?:people|customers|buyers|shoppers)|people)",
    ),  # fmt: skip
]

# abuse: insults and slurs aimed at the agent, not profanity about the situation.
_INSULT = _any(
    "idiots?", "morons?", "imbeciles?", "cretins?", "stupid", "dumb", "dumb-?ass(?:es)?",
    "useless", "incompetent", "clowns?", "pathetic", "worthless", "retard(?:s|ed)?", "losers?",
    "scum(?:bags?)?", "bitch(?:es)?", r"b\*+tch(?:es)?", "biatch", "(?:ass|arse)holes?",
    r"a\*+holes?", "a-holes?", "dicks?", r"d\*+cks?", "dickheads?", "pricks?", "cunts?",
    r"c\*+nts?", "twats?", "wankers?", "jackass(?:es)?", "bastards?", r"b\*+stards?", "fools?",
    "brain[\\s-]?dead", "clueless", "halfwits?", "numpties?", "muppets?", "nitwits?",
    "dimwits?", "dipshits?", "shitheads?", "fuckwits?", "(?:mother ?)?fuckers?", r"f\*+ers?",
    "piece of (?:shit|sh\\*t|s\\*+t|crap|garbage|trash|work)", "waste of (?:space|oxygen|air)",
    "subhuman", "vermin", "pigs?", "a joke", "a disgrace", "garbage", "trash",
)  # fmt: skip
_INTENSIFIER = (
    r"(?:(?:such|so|a|an|the|complete|total|absolute|utter|fucking|f\*+(?:ing|in)?|effing|"
    r"freaking|frigging|damn|bloody|goddamn|stupid|useless|incompetent|bunch of|most|biggest|"
    r"really|truly|utterly|completely|totally|just|all|clearly|obviously|seriously|lazy) ){0,4}"
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
        f"{_FUCK} (?:{_YOU}|off)(?!r)(?! over| with| out)",
        f"go {_FUCK} (?:yourself|yourselves|urself)", r"\bf (?:off|u|you)\b(?!r)",
        r"(?:stupid|dumb|fucking|useless|ignorant|lazy) (?:bitch|cunt|whore|slut|twat|"
        r"dickhead|wanker|retard|bastard)",
        r"cunts?|c\*nts?|whores?|sluts?|n[i1]gg(?:er|a)s?|f[a@]gg?[o0]ts?",
    ),  # fmt: skip
    *_rules(
        "abuse", 0.85,
        r"your (?:such |so |a |an |totally |completely |fucking |f\*+ing |absolutely )*"
        rf"{_INSULT}(?![\w-])(?! [a-z])",
        f"(?:screw|damn|to hell with|sod) {_YOU}(?!r)(?! over| with| out| on| for)",
        "(?:i )?hope (?:you|u) (?:get fired|die|rot|burn in hell|choke)",
        "go (?:to hell|die)", "drop dead", "eat (?:shit|dirt)", "kiss my (?:ass|arse)",
        "up yours", "gfy", "stfu", r"shut (?:the (?:fuck|f\*+|hell) )?up(?! and take)",
    ),  # fmt: skip
    *_rules(
        "abuse", 0.75,
        "are (?:you|u) (?:deaf|blind|brain[\\s-]?dead|stupid|dumb|thick|slow|an idiot|a moron|"
        "illiterate|mental|retarded|incompetent)",
    ),  # fmt: skip
]

# safety_risk: self-harm, threats of harm, hazards and medical emergencies.
_THREAT_TARGET = _any(
    _YOU, "your", "him", "her", "them", "someone", "somebody", "people", "every(?:one|body)",
    "the (?:driver|courier|agent|manager|staff|technician|engineer|guy|delivery|owner)",
)
_SAFETY = [
    *_safety(
        0.95,
        "(?:kill|killing|hurt|hurting|harm|harming|end|ending|off|offing|shoot|hang|drown|"
        "poison|overdose|unalive) myself",
        "suicid(?:e|al)(?! squad)", "(?:end|ending|take|taking) my (?:own )?life",
        "gas (?:leak\\w*|smell)", "smell(?:s|ing)? (?:of |like )?gas", "carbon monoxide",
        "co (?:alarm|detector|leak|poisoning)", "chest pains?",
        "(?:call(?:ed|ing)?|dial(?:l?ed|ing)?|ring(?:ing)?|rang) (?:911|999|112|000|an ambulance|"
        "the ambulance|emergency services|poison control)",
        "(?:caught|catch(?:es|ing)?|burst into|went up in|set (?:\\w+ )?on) (?:on )?(?:fire|flames?)",
        "(?:shoot|blow|burn) (?:up|down) (?:your|the) (?:store|office|building|shop|warehouse|"
        "place|hq|headquarters)",
        "(?:having|'m having|is having) a (?:heart attack|stroke|seizure)",
    ),  # fmt: skip
    *_safety(
        0.9,
        "self[\\s-]?harm\\w*", "end it all", "better off dead", "(?:not|isn't) worth living",
        "no (?:reason|point) (?:to|in) (?:live|living|go(?:ing)? on)",
        "(?:want|wanna|going|ready) (?:to )?die\\b",
        "(?:don't|do not|dont) want to (?:live|be alive|exist|wake up|go on|be here any ?(?:more|"
        "longer))",
        "jump (?:off|from|in front of) (?:a|the) (?:bridge|building|roof|train|cliff|balcony)",
        "(?:i'll|i will|i'm (?:going|gonna) to?|i am going to|gonna|going to|i want to|i could|"
        "i swear i'll|i'd like to) (?:\\w+ )?(?:kill|hurt|harm|shoot|stab|murder|strangle|"
        f"beat up|punch|attack) {_THREAT_TARGET}\\b",
        "(?:know|found|find out|have) where (?:you|your \\w+|he|she|they) (?:live|lives|work|works)",
        "(?:bring|coming (?:down |over )?(?:there )?with) (?:a|my) (?:gun|knife|weapon|bat|rifle)",
        "(?:house|kitchen|apartment|flat|building|electrical|battery|car|engine|garage) fire",
        "(?:smoke|flames?|sparks?) (?:coming|pouring|billowing|shooting|came|poured|flying) "
        "(?:out|from)",
        "(?:battery|charger|phone|device|laptop|unit|heater|outlet|socket|plug|cable|wire|wiring|"
        "adapter|power bank|appliance|scooter|e-?bike|microwave|oven|dryer|stove|toaster|kettle|"
        "boiler) (?:is |was |has |started |keeps |just |literally )*(?:smoking|sparking|melting|"
        "melted|swollen|swelling|exploded|exploding|blew up|on fire|burning|scorched)",
        "electric(?:al)? shock", "electrocut\\w+", "gave me (?:an? )?(?:electric )?shock",
        "exposed (?:live )?wires?", "live wires?",
        r"(?:can't|cant|cannot|can not|couldn't|unable to|struggling to|hard to|trouble|"
        r"difficulty) breath(?:e|ing)?", "short(?:ness)? of breath",
        "unconscious", "not breathing", "stopped breathing", "unresponsive",
        "allergic reaction", "anaphyla\\w+", "choking", "choked",
        "swallowed (?:a |the |some |one |an )?(?:battery|batteries|magnets?|button cell|pills?|"
        "detergent|pods?|pieces?)",
        "food poisoning", "poison(?:ed|ing)",
        "(?:i'm|i am|we're|we are|my \\w+ is) in (?:immediate )?danger",
        "(?:don't|do not|dont) feel safe",
        "(?:fear|scared|afraid|terrified) for (?:my|our|his|her) (?:life|lives|safety)",
        "(?:someone|somebody|people) (?:is|are|will|'s|'re) (?:going to |gonna )?(?:get )?"
        "(?:hurt|killed|die)",
        r"(?:my|our|the) (?:child|kid|son|daughter|baby|toddler|infant|boy|girl|dog|cat|pet) "
        r"(?:\w+ )?(?:swallowed|choked|got (?:hurt|burned|burnt|cut|shocked|sick from|injured)|"
        r"was (?:hurt|burned|burnt|cut|shocked|injured|bitten)|is (?:hurt|injured|choking|bleeding))",
    ),  # fmt: skip
    *_safety(
        0.85,
        "(?:passed|passing|blacked) out", "fainted", "ambulance", "paramedics", "overdose",
        "(?:rushed|taken|went|go|going|had to go) to (?:the )?(?:(?-i:ER)|a ?& ?e|emergency room|"
        "emergency|hospital)",
        "(?:badly|seriously) (?:hurt|injured|burned|cut)", "got (?:injured|electrocuted|scalded)",
        r"burn(?:ed|t) (?:my|his|her|their|the kid's|our) (?:\w+ )?(?:hand|fingers?|skin|arm|leg|"
        "face|mouth|feet|foot)",
        "(?:fire|flames?) (?:hazard|risk|department|brigade|fighters?|engine|started|broke out)",
        r"(?:is|was|are|were|'s|it's|its) (?:literally |actually |now )?on fire",
        "(?:watch|better watch) your back",
        "(?:shooting|stabbing|bomb threat)",
        "(?:no|without|ran out of|run out of|running out of|out of|running low on|down to my last) "
        "(?:my |the )?(?:insulin|oxygen|medication|medicine|meds|inhaler|epi-?pen|prescription|"
        "heart pills|blood thinners)",
        "(?:oxygen (?:machine|concentrator)|life support|ventilator|dialysis machine)",
    ),  # fmt: skip
    *_safety(
        0.75,
        "(?:safety (?:hazard|risk|issue|concern|recall)|(?:choking|health|electrical) hazard)",
        "(?:having|had) a panic attack", "bleeding(?! (?:money|cash|customers|me dry))",
        "can't go on",
    ),  # fmt: skip
    *_safety(
        0.6,
        r"(?:is|are|was|were|looks|seems|feels) (?:\w+ )?(?:dangerous|unsafe|hazardous)",
    ),  # fmt: skip
]
# vulnerable_customer: bereavement, illness, disability, age and hardship.
_RELATIVE = _any(
    "husband", "hubby", "wife", "spouse", "partner", "mother", "mom", "mum", "mommy", "mummy",
    "father", "dad", "daddy", "son", "daughter", "child", "kid", "baby", "brother", "sister",
    "grandmother", "grandma", "gran", "nan", "nana", "granny", "grandfather", "grandpa",
    "grand-?dad", "aunt", "auntie", "uncle", "fianc[eé]e?", "boyfriend", "girlfriend",
    "parents?", "(?:mother|father)[\\s-]in[\\s-]law", "best friend", "twin", "cousin", "nephew",
    "niece", "step(?:dad|mom|mum|son|daughter)",
)  # fmt: skip
_OLD_AGE = r"(?:[7-9]\d|1[01]\d)"
_VULNERABLE = [
    *_rules(
        "vulnerable_customer", 0.9,
        f"(?:my|our) (?:\\w+ )?{_RELATIVE} (?:\\w+ ){{0,3}}?(?:passed away|passed on|died|"
        "has died|is dying|was killed|lost (?:his|her|their) (?:battle|fight|life)|passed "
        "(?=last|this|recently|suddenly|in|on|yesterday|two|three|a few|away))",
        f"lost my (?:\\w+ )?{_RELATIVE}\\b(?!['-])",
        "bereave\\w*", "widow(?:ed|er)?", "funeral", "death certificate", "death in the family",
        "(?:recently )?deceased", "executor of", "passing of my", "passed away", "grieving",
        "domestic (?:abuse|violence)",
        "abusive (?:partner|ex|husband|wife|relationship|home)",
        "(?:fleeing|escap\\w+|left) (?:an? )?(?:abusive|violent)", "restraining order",
    ),  # fmt: skip
    *_rules(
        "vulnerable_customer", 0.85,
        "cancer", "chemo(?:therapy)?", "radiotherapy", "terminal(?:ly)? ill",
        "terminal (?:illness|diagnosis|cancer)",
        "(?:seriously|critically|chronically|very|gravely) ill",
        "(?:life[\\s-]threatening|serious|chronic|long[\\s-]term|terminal) (?:illness|condition|"
        "disease)",
        "in (?:the )?hospital", "hospitali[sz]ed", "hospice", "intensive care", "(?-i:ICU)",
        "dialysis", "dementia", "alzheimer'?s", "parkinson'?s", "multiple sclerosis",
        "(?-i:ALS)", "motor neurone?", "(?:a|had a|her|his|my) stroke", "(?:had|has) a heart attack",
        "(?:recovering from|just had|having|had|after) (?:major |my |a |an )?(?:surgery|operation)",
        "transplant",
        "(?:lost|losing) my job", "laid off", "(?:been |being |was |got )?made redundant",
        "(?:i'm|i am|currently|now|been) (?:\\w+ )?unemployed", "out of work",
        "on (?:benefits|welfare|universal credit|disability|food stamps|social security)",
        "food ?bank", "evict(?:ed|ion)", "homeless", "bankrupt(?:cy)?", "insolvency",
        "(?:behind|fallen behind) on (?:my |the |our )?(?:rent|bills|payments|mortgage)",
        "pay ?(?:check|cheque) to pay ?(?:check|cheque)",
        "(?:can't|cannot|can not|couldn't|could not|unable to) afford(?! to (?:wait|lose|miss|be|"
        "have|keep|waste|deal|go|spend|let|ignore|take|risk))",
        "struggling (?:financially|(?:to )?(?:pay|make ends meet|afford|get by|feed)|with "
        "(?:money|bills|debt|rent|the bills))",
        "(?:no|not enough) money (?:for|to (?:buy|pay for)) (?:food|rent|groceries|my kids|"
        "medicine|heating)",
        "can't (?:feed|put food)", "(?:in|drowning in) debt", "debt collectors?",
        "financial (?:hardship|difficult\\w+|trouble|crisis)", "hardship",
        f"(?:i'm|i am|(?:my|our) (?:\\w+ )?{_RELATIVE} is|(?:he|she) is|(?:he|she)'s|as a|being) "
        "(?:\\w+ )?(?:disabled|blind|deaf|partially sighted|visually impaired|hard of hearing|"
        "housebound|bed-?bound|bedridden|wheelchair[\\s-]bound|paraly[sz]ed|autistic|"
        "non-?verbal|illiterate|vulnerable)",
        "(?:disabled|disability) (?:person|customer|veteran|child|son|daughter|adult|benefits|"
        "allowance|badge)",
        "(?:a|my|with a|have a|has a|with) disabilit(?:y|ies)",
        "wheelchair user", "(?:use|uses|in) a wheelchair", "screen reader",
        "(?:learning|intellectual|cognitive) (?:disabilit\\w+|difficult\\w+|impairment)",
        f"(?:elderly|frail|aged|ageing|aging|vulnerable) (?:{_RELATIVE}|relative|neighbou?r|"
        "customer|person|adult|lady|gentleman)",
        f"{_OLD_AGE}[\\s-]?(?:year|yr)s?[\\s-]?old(?: {_RELATIVE}| relative| neighbou?r| lady| "
        "gentleman| man| woman| customer| person| widow\\w*| pensioner|,? (?:and|who))",
        f"(?:my|our) (?:\\w+ )?{_RELATIVE} (?:is|who is|, who is|turned) {_OLD_AGE}\\b",
        f"(?:i'm|i am) {_OLD_AGE} (?:years?|yrs?|and)",
    ),  # fmt: skip
    *_rules(
        "vulnerable_customer", 0.75,
        "(?:i'm|i am|i've been|suffer\\w* (?:from|with)|diagnosed with|struggling with) (?:\\w+ )?"
        "(?:depress\\w+|anxiety|panic attacks|ptsd|bipolar|mental health)",
        "mental health (?:crisis|issues|problems|condition)", "pensioner", "(?-i:OAP)",
        f"(?:my|our) (?:\\w+ )?{_RELATIVE} (?:\\w+ ){{0,3}}?(?:got|gets|is|was|became|becomes) "
        "(?:very |really |so |easily )?confused",
        "(?:i care|caring) for my (?:\\w+ )?" + _RELATIVE, "(?:carer|caregiver) (?:for|of|to)",
        "doesn't understand (?:computers|technology|the internet|online|smartphones)",
        "(?:i'm|i am|she's|she is|my wife is|my partner is) (?:\\w+ )?pregnant",
    ),  # fmt: skip
]

RULES: tuple[Rule, ...] = (
    *_HUMAN_REQUEST, *_AUTHORITY, *_REPEATED, *_LEGAL, *_CHURN, *_EXPOSURE, *_ABUSE, *_SAFETY,
    *_VULNERABLE,
)  # fmt: skip
