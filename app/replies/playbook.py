"""Turn a customer profile, their requests and an escalation decision into an ordered playbook."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType

from app.core.domain import CustomerProfile, Escalation, Playbook, PlaybookResponse, PlaybookStep
from app.core.labels import (
    REQUEST_LABELS,
    Channel,
    CustomerType,
    RequestLabel,
    Route,
    Step,
    TriggerType,
)
from app.replies.bank import DEFAULT_LANGUAGE, BankEntry, ResponseBank, fill, open_slots
from app.replies.facts import praise_said
from app.replies.questions import asked_note, questions_asked
from app.replies.restate import DEADLINE_NOTE, after_line, deadline_of, restate
from app.replies.spoken import (
    ASKS_NOTHING,
    LET_DOWN,
    NO_COMPLAINT,
    PRAISE_ASKS,
    REFUSES_CONTACT,
    ROUTINE_ASKS,
    asks_spoken_to,
    call_asked,
    fraud_told,
    gas_smelled,
    hard_time_told,
    hazard_reported,
    lived_with,
    loss_told,
    message_sent,
    number_given,
    pass_on_asked,
    praise_beside_ask,
    repeat_stated,
    resolved_told,
    shared_post,
    spoken_to,
    suggestion_made,
    thanks_said,
    ultimatum_given,
)
from app.replies.trouble import loss_told_in, trouble_told

CALM_TYPES: frozenset[CustomerType] = frozenset({"satisfied", "neutral"})
# Who rings back a calm customer about something routine: not a lead.
COLLEAGUE = "a colleague"

# What each difficult type needs, from DOMAIN.md's "what helps" column. Every customer is
# acknowledged first: a playbook that opens on the answer reads curt (the review panel
# asked for an opening line on questions, confusions and plain requests alike).
TYPE_STEPS: Mapping[CustomerType, frozenset[Step]] = {
    "angry": frozenset({"acknowledge", "empathize", "apologize", "solve"}),
    "dissatisfied": frozenset({"acknowledge", "apologize", "solve"}),
    "demanding": frozenset({"acknowledge", "solve", "set_boundary"}),
    "indecisive": frozenset({"acknowledge", "clarify", "recommend"}),
    # Confused: restated in the acknowledgement, answered plainly, understanding checked in
    # the close; a question first only when the problem itself is not yet known.
    "confused": frozenset({"acknowledge", "solve"}),
    "satisfied": frozenset({"acknowledge"}),
    "neutral": frozenset({"acknowledge", "solve"}),
}

# A customer who had to come back, or is getting more upset, is owed an apology.
REPEAT_TRIGGERS: frozenset[TriggerType] = frozenset({"repeated_contact", "worsening_sentiment"})
# Asking for a person or bringing in a lawyer: hand over first, do not negotiate.
HAND_OVER_FIRST: frozenset[TriggerType] = frozenset({"human_request", "legal_threat"})
# A lead who takes over a case that has failed before owns the plan: named before it, not
# after it as an afterthought. A lead who decides what is above the agent's limit comes
# after what the agent can do now ("What I can do right away is {offer}; anything beyond
# needs a team lead's sign-off"): the offer after the hand-over muddled who owns the case
# (panel rounds 12, 19, 21 and 23). A lead brought in for a risk (a customer leaving, a
# public post) comes after the answer too.
LEAD_OWNS_PLAN: frozenset[TriggerType] = REPEAT_TRIGGERS
# Safety replies must not be padded with a cheerful generic line when a specific one exists.
SAFETY_TRIGGERS: frozenset[TriggerType] = frozenset({"safety_risk", "vulnerable_customer"})
# A customer leaving or taking their data back is not talked out of it: no retention pitch.
NO_RETENTION: frozenset[RequestLabel] = frozenset({"cancel_or_close", "delete_data"})
# Asks a customer makes without anything having gone wrong: asked calmly, they are answered,
# not apologised for. A calm cancellation too: a move abroad, an alcove the table does not
# fit ("drop the needless apology", five notes over panel rounds 44 to 73).
CALM_ASKS: frozenset[RequestLabel] = frozenset(
    {"information", "praise", "change_something", "cancel_or_close"}
)
# Asks that chase something late or money owed: the customer was let down, whatever the
# type head reads of their mood. A calm chase got no apology from the neutral, confused or
# demanding types ("no apology for the missed 48 hours", "a sorry for the long wait": 20
# of the 53 notes on such playbooks over panel rounds 40 to 84 asked for one).
OWED_AN_APOLOGY: frozenset[RequestLabel] = frozenset({"status", "refund_or_compensation"})
# Asks that say something went wrong, whatever else the customer says of the service.
COMPLAINED: frozenset[RequestLabel] = frozenset(
    {"complaint_only", "fix_problem", "refund_or_compensation"}
)
# What a customer of each type most likely wants answered, for a model without the request
# head (requests unknown); with the head, the customer's own requests are used.
TYPE_ASKS: Mapping[CustomerType, RequestLabel] = {
    "angry": "fix_problem",
    "dissatisfied": "complaint_only",
    "demanding": "fix_problem",
    "indecisive": "information",
    "confused": "information",
    "satisfied": "praise",
    "neutral": "information",
}
# When nothing fits exactly, give up the criteria that matter least to the customer first.
# What they asked for, the triggers and the topic are never given up: a reply written for
# another request or another topic is worse than no reply for that step.
RELAX_ORDER = ("intensity", "channel", "customer_types")
# Requests for something to be done, which a solve reply answers in words of its own: a
# request for a person is answered by the hand-over, praise by thanks, a complaint with no
# ask by the acknowledgement, and a question by the answer the agent writes into any solve.
SOLVED_IN_WORDS: frozenset[RequestLabel] = frozenset(REQUEST_LABELS) - {
    "talk_to_person",
    "praise",
    "complaint_only",
    "information",
}
# A question beside a request that its own reply does not answer: "I need to cancel... and
# is there an early exit fee?" was given the cancellation's next steps and no sentence for
# the fee (seven notes over panel rounds 95 to 104: "add a sentence for the early
# termination charge question, which has no sentence of its own").
ANSWERED_APART: Mapping[RequestLabel, frozenset[RequestLabel]] = {
    "information": frozenset({"cancel_or_close"}),
}
_OPENS_ON_THANKS = re.compile(r"(?:thanks|thank you)\b", re.IGNORECASE)
# Thanks for a question, owed only to a message that asks one.
_THANKS_FOR_ASKING = re.compile(
    r"\b(?:thanks|thank\s+you)\s+for\s+(?:your\s+question|asking)\b", re.IGNORECASE
)
SORRY = re.compile(r"\bsorry\b", re.IGNORECASE)
# What a customer making a suggestion may ask beside it, none of which needs their account.
SUGGESTION_ASKS: frozenset[RequestLabel] = frozenset(
    {"change_something", "praise", "information", "complaint_only"}
)
# Answers that leave no need for a second one: closing an account is the change asked for,
# a customer leaving needs no fix, a charge explained is put right in the same reply, and a
# plan for putting something right is the change it needs and says where things stand ("two
# overlapping solve steps", panel rounds 17 and 19).
COVERED_BY: Mapping[RequestLabel, frozenset[RequestLabel]] = {
    "change_something": frozenset({"cancel_or_close", "fix_problem"}),
    "status": frozenset({"fix_problem"}),
    # Questions about the data an erasure covers go to the privacy team with it.
    "information": frozenset({"delete_data"}),
    "fix_problem": frozenset(
        {"cancel_or_close", "delete_data", "explain_charge", "change_something"}
    ),
}
# Solve replies added for requests the first left unanswered: one, or the playbook turns into
# a list of overlapping answers (the review panel's round 4).
MAX_EXTRA_ANSWERS = 1
# A line sharing this many words in a row with one already said repeats it.
REPEAT_WORDS = 5
# Fields an agent fills once per playbook: a second "{eta}" or "{offer}" asks for the same
# time or offer again (panels 13 and 14: "merge the two ETAs", "the repeated {offer}"), and
# the problem named in the empathy is not named again in the apology.
ONCE_SLOTS: frozenset[str] = frozenset({"eta", "offer", "issue"})
# A promise said once per playbook in whatever words: "your original issue stays open" in the
# hand-over, then "your case stays open" in the close ("'stays open' is said twice", panel
# round 32). Not "you won't need to repeat it" as well: the repeat-contact acknowledgement and
# nearly every hand-over say it, and with both filtered the hand-over left was the one
# repeating the acknowledgement word for word.
KEPT_OPEN = re.compile(r"\bstays?\s+open\b", re.IGNORECASE)
# Asking the customer what they would like done is said once too: after "Here's what I can
# offer: {options}", a close asking "if there's anything you'd like us to do about it" asks
# again ("the close repeats the offer", panel rounds 51 to 55: seven notes), and so does a
# follow-up asking for "something you'd like done" ("close and follow-up repeat each other").
ASKS_WHAT_THEY_WANT = re.compile(
    r"\b(?:like us to do|(?:you'd|you would) like done)\b", re.IGNORECASE
)
# A remedy put on the table: offered before the agent has asked what went wrong, it reads as
# a script ("options offered before the streaming problem is known", panels 14 and 15).
OFFER_SLOTS: frozenset[str] = frozenset({"options", "offer"})
# A reply that waits on the details the clarifying question asks for ("as soon as we have
# those details"): without the question it would answer one never put.
WAITS_ON_DETAILS = re.compile(r"\b(?:those|these)\s+details\b", re.IGNORECASE)
# A hand-over made only if it turns out to be needed ("If what you've asked for is more than
# I'm able to agree, I'll put it to a team lead"): nothing after it may take the lead as
# brought in ("the follow-up assumes a team lead took it even though escalation was
# conditional", panel round 52).
IF_NEEDED = re.compile(r"^\s*If\b")
# Acknowledge, let them feel understood, then apologise: the steps that speak to feelings.
FEELINGS: tuple[Step, ...] = ("acknowledge", "empathize", "apologize")
# How many of those steps may speak to one trigger ("you've had to ask again" twice at most).
MAX_FRAMINGS = 2
NO_VALUES: Mapping[str, str] = MappingProxyType({})
# Asks the agent answers from the customer's account, which a public thread must not show:
# on a public channel a question moving to private messages comes first.
ACCOUNT_ASKS: frozenset[RequestLabel] = frozenset(
    {
        "fix_problem",
        "change_something",
        "refund_or_compensation",
        "status",
        "explain_charge",
        "cancel_or_close",
    }
)
# Asks answered by what the agent looks up: where something is, what a charge was, a fact.
QUESTIONS: frozenset[RequestLabel] = frozenset({"status", "information", "explain_charge"})
PUBLIC_CHANNELS: frozenset[Channel] = frozenset({"social"})
# A message this long can bury a question; a shorter one is its question.
QUESTIONS_IN_WORDS = 40
# Triggers whose close says something of its own (the case kept open for a legal threat,
# the door left open to a leaver, the thanks after a boundary, the care for someone at risk):
# kept even where a public reply ends on the move to private messages.
OWN_CLOSES: frozenset[TriggerType] = frozenset(
    {"legal_threat", "churn_threat", "abuse", "safety_risk", "vulnerable_customer"}
)
# Fewer words than this, handles, tags and links aside, tell no problem an agent could name
# in {issue}: "SHAME ON YOU! #comcast #ripoff #liars" says how they feel, not what happened.
PROBLEM_TOLD_IN_WORDS = 10
# In a language the model cannot read, the playbook keeps to what holds for any message: the
# message was read, the answer the agent writes, a lead where patterns raised a trigger, a
# close. Lines written for a request or a feeling would rest on a reading nobody can trust.
PLAIN_STEPS: tuple[Step, ...] = ("acknowledge", "apologize", "escalate", "solve", "close")


Ranker = Callable[[Step, tuple[BankEntry, ...]], tuple[BankEntry, ...]]


def build_playbook(
    bank: ResponseBank,
    *,
    profile: CustomerProfile,
    escalation: Escalation,
    channel: Channel,
    values: Mapping[str, str] = NO_VALUES,
    told: Collection[str] = (),
    root_causes: Collection[str] = (),
    cause_read: bool = False,
    requests: Collection[RequestLabel] | None = None,
    route: Route | None = None,
    text: str | None = None,
    responses_per_step: int = 1,
    peak_anger_intensity: float = 0.55,
    mild_intensity: float = 0.45,
    secondary_type_score: float = 0.5,
    exclude: Collection[str] = (),
    rank: Ranker | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> Playbook:
    """Pick the steps for this customer, in order, each with its best-matching replies.

    `values`: caller values and the message's own facts (amount, order_id...); a reply
    that needs a fact is offered only when it is here. `told`: the placeholders the message
    has facts for even where no value is fit to quote (several sums, none asked about): the
    plan counts them as known, so the customer is not asked for them. `requests`: what the
    customer asked for, answered first (None: not known, the customer type's usual ask stands
    in).
    `root_causes`: the causes replies may speak to; `cause_read`: whether the problem's
    cause is read at all, even where no reply may name it (root_causes count as read), so
    no clarifying question asks for it. `route`: the team that takes the message over.
    `text`: the message, from which the acknowledgement restates the customer's point.
    `exclude`: entry ids already offered in this conversation, skipped while others fit;
    `rank`: reorders a step's candidates (the learning loop), best first. `language`: the
    message's, when the model cannot read it:
    the playbook keeps to PLAIN_STEPS and untagged lines, in that language where the bank
    has it, else in English.

    >>> build_playbook(bank, profile=profile, escalation=escalation, channel="chat")
    """
    if responses_per_step < 1:
        raise ValueError(f"responses_per_step must be at least 1, got {responses_per_step}")
    # The words follow the message: a trigger it does not bear out is decided, not said.
    escalation = spoken_to(escalation, requests or (), text)
    if requests is not None:
        requests = asks_spoken_to(requests, text)
    fired = _trigger_types(escalation)
    types = customer_types(profile, secondary_type_score=secondary_type_score)
    if language != DEFAULT_LANGUAGE:
        return _plain_playbook(
            bank,
            language if bank.speaks(language) else DEFAULT_LANGUAGE,
            escalate=escalation.escalate,
            trouble=trouble_told(text, language),
            loss=loss_told_in(text, language),
            channel=channel,
            values=values,
            avoid=bank.avoid_for(types, fired),
            route=route,
            responses_per_step=responses_per_step,
        )
    if hazard_reported(escalation):
        # The hazard's own lines (a safety report, "please keep it out of use") are tagged so.
        root_causes = (*root_causes, "hazard")
    elif gas_smelled(escalation, text):
        # The crisis script, with what to do about the gas while help comes.
        root_causes = (*root_causes, "gas")
    if loss_told(text):
        # A customer who tells of a death is offered condolences before anything else.
        root_causes = (*root_causes, "bereavement")
    if fraud_told(text):
        # Someone else in their name or their account: heard as the worry it is.
        root_causes = (*root_causes, "fraud")
    if repeat_stated(escalation):
        # "My third email", or a conversation that shows it: acknowledged as said.
        root_causes = (*root_causes, "repeat_stated")
    if channel in PUBLIC_CHANNELS and message_sent(text):
        # "I've sent you a DM": the move to private messages picks it up, not asks again.
        root_causes = (*root_causes, "dm_sent")
        if requests is None and not fired and profile.label == "satisfied":
            # "I've DMed you :)" and no more: its cheer is no praise to thank ("treats a note
            # that the customer has sent a DM as praise", panel round 67). Read as asking
            # nothing, it is told the message will be picked up in private.
            profile = _read_as(profile, "neutral")
            types = customer_types(profile, secondary_type_score=secondary_type_score)
    if (
        requests is None
        and not fired
        and profile.label == "satisfied"
        and channel in PUBLIC_CHANNELS
        and shared_post(text)
        and not praise_said(text)
    ):
        # A link passed on with a cheer (a prize draw, a survey, signed off with thanks)
        # praises nothing: thanked with "lovely to hear" (panel round 105, a 'no'), it is
        # read as asking nothing, and asked in private what it needs.
        profile = _read_as(profile, "neutral")
        types = customer_types(profile, secondary_type_score=secondary_type_score)
    asked = _explained_first(_asked(requests, profile, fired, text))
    if "complaint_only" in asked and profile.label in CALM_TYPES:
        # A complaint is no satisfied or neutral customer's, whatever the type head read: "If
        # anything could have gone better" to an outage or an angry post (panel rounds 51 and
        # 55, two 'no' verdicts); a calm one told of a failed delivery or a missed pickup
        # drew "no apology" in 6 of the 15 neutral readings over rounds 40 to 55, and none
        # was sent as is. The reading is reported as it was; the replies are a complaint's.
        profile = _as_complaint(profile)
        types = customer_types(profile, secondary_type_score=secondary_type_score)
    # The customer type's usual ask stood in for a question the message does not ask.
    questions_asked = text is not None and "?" in text
    # A shared post asks the company nothing, whatever its headline asks; a question put
    # in the customer's own words is still answered.
    shared = (
        requests is None
        and channel in PUBLIC_CHANNELS
        and shared_post(text)
        and not _asks_something(text)
    )
    no_question = requests is None and text is not None and (not questions_asked or shared)
    # Nothing read and nothing asked of a calm customer: a fault half-told, a reply in a
    # thread, a remark. Over rounds 40 to 55, 24 of the 28 such playbooks answered
    # "Here's what I can tell you: {answer}" to no question, and the notes asked for what
    # the customer needs to be asked first ("there is nothing to answer").
    unstated = no_question and profile.label == "neutral" and not fired
    if unstated:
        root_causes = (*root_causes, "unstated")
    # The problem went away, or was never ours ("ignore me, it's just come back on"): thanked
    # and left, whatever the heads read of the complaint it began as.
    settled = not fired and resolved_told(text)
    if settled:
        root_causes = (*root_causes, "resolved")
    if "change_something" in asked and suggestion_made(text):
        # A change to what the company offers is passed on, never promised.
        root_causes = (*root_causes, "suggestion")
    known = frozenset(told) | {name for name, value in values.items() if str(value).strip()}
    contact_refused = text is not None and REFUSES_CONTACT.search(text) is not None
    nothing_wanted = contact_refused or (text is not None and ASKS_NOTHING.search(text) is not None)
    # A complaint told only to be heard: no remedy put to it, no details asked for it.
    wants_nothing = nothing_wanted and set(asked) <= {"complaint_only"}
    ultimatum = "legal_threat" in fired and ultimatum_given(text)
    # A loss is answered by the condolence, never by the customer's words back.
    restatement = (
        None if "bereavement" in root_causes else _restatement(text, profile, fired, asked, channel)
    )
    noted = _acknowledgement_notes(text, channel, profile, fired, asked, restatement)
    # Read only where it can matter: a chase of an order, a case or money.
    let_down = (
        bool(set(asked) & OWED_AN_APOLOGY)
        and text is not None
        and LET_DOWN.search(text) is not None
    )
    plan = plan_steps(
        profile,
        escalation,
        requests=asked,
        requests_known=requests is not None,
        route=route,
        known=known | ({"root_cause", *root_causes} if cause_read or root_causes else set()),
        restated=restatement is not None,
        public=channel in PUBLIC_CHANNELS,
        emailed=channel == "email",
        contact_refused=contact_refused,
        wants_nothing=wants_nothing,
        ultimatum=ultimatum,
        no_complaint=text is not None and NO_COMPLAINT.search(text) is not None,
        let_down=let_down,
        questions_asked=questions_asked,
        unstated=unstated,
        settled=settled,
        peak_anger_intensity=peak_anger_intensity,
        mild_intensity=mild_intensity,
        secondary_type_score=secondary_type_score,
    )
    if (
        "apologize" in plan
        and let_down
        and "status" in asked
        and not root_causes
        and not set(types) & {"angry", "dissatisfied"}
    ):
        # A calm chase of an order or a case is apologised to for the wait alone: the lines
        # for a confused or a demanding customer ("I'm sorry this wasn't clearer") were
        # written for another situation, and an upset customer's own apology already fits.
        # A refund asked for keeps the plain apology: it may be owed for a double charge, not
        # a wait. Tagged once the steps are planned.
        root_causes = (*root_causes, "waiting")
    if set(asked) == {"praise", "complaint_only"}:
        # Praise and a gripe beside it (requests.py): answered in one reply, the thanks
        # first. Tagged once the steps are planned: a gripe is no cause to ask about.
        root_causes = (*root_causes, "gripe")
    if set(asked) == {"praise"}:
        # Praise alone, thanked as it was given (spoken.py); tagged once the steps are
        # planned, as the gripe. Thanks told at a death already has its own lines.
        if "bereavement" not in root_causes and hard_time_told(text):
            root_causes = (*root_causes, "hard_time")
        # The staff member's own thanks line passes it on by name.
        if "person" not in values and pass_on_asked(text):
            root_causes = (*root_causes, "pass_on")
    if ultimatum:
        # Tagged once the steps are planned, as the call below: it tells nothing of what
        # went wrong.
        root_causes = (*root_causes, "ultimatum")
    if call_asked(text):
        # A call asked for is answered by a hand-over that says the lead will ring. Tagged
        # once the steps are planned: it tells nothing of what went wrong, so it must not
        # stand in for a cause the clarifying question would ask about.
        root_causes = (*root_causes, "callback")
        if number_given(text):
            root_causes = (*root_causes, "number_given")
        if (
            set(asked) <= ROUTINE_ASKS | {"talk_to_person"}
            and fired <= {"human_request"}
            and profile.intensity <= mild_intensity
        ):
            # A calm call asked for to sort out something routine is rung back by whoever
            # handles it: "escalating a routine rebooking to a team lead as if someone senior
            # was requested is off" (panel round 51). Whom the customer named still wins.
            values = {"lead_name": COLLEAGUE, **values}
    # Once a lead or another team takes the case, no reply may keep it with the agent.
    handed_over = "escalate" in plan or route is not None
    # A customer who asks to close or be erased has decided: replies written for someone
    # threatening to leave ("whatever you decide") would misread them.
    situation = fired - {"churn_threat"} if set(asked) & NO_RETENTION else fired
    # A customer who asked for money back is owed the offer with the question; anyone else is
    # asked what went wrong before a remedy is put to them.
    offer_waits = "clarify" in plan and "refund_or_compensation" not in asked
    issue_told = _problem_told(text)
    steps: list[PlaybookStep] = []
    # What the playbook has said so far: its runs of words, and whether it opened on thanks.
    said = _Said()

    def candidates(step: Step, answering: tuple[RequestLabel, ...]) -> tuple[BankEntry, ...]:
        return _select(
            bank,
            step,
            types=types,
            intensity=profile.intensity,
            fired=situation,
            channel=channel,
            root_causes=tuple(root_causes),
            requests=answering,
            route=route,
            known=known,
            handed_over=handed_over,
        )

    # A lead brought in after the answer whose line gives the time they will be in touch
    # ("They'll be in touch {eta}") is the time: an answer with a time of its own before it
    # reads as two owners with two times ("merge the two ETAs", panel rounds 21 and 22).
    lead_after_answer = "escalate" in plan and "solve" in plan[: plan.index("escalate")]
    lead_times_it = lead_after_answer and _gives_time(candidates("escalate", asked))

    def choose(step: Step, answering: tuple[RequestLabel, ...]) -> tuple[BankEntry, ...]:
        entries = candidates(step, answering)
        if step == "close":
            entries = _closing_all(entries, asked)
        if settled:
            # The reading's own replies (a complaint's, a praise's) score higher by request;
            # a customer whose problem went away is answered as such.
            entries = tuple(e for e in entries if "resolved" in e.root_causes) or entries
        if step == "acknowledge" and text is not None and not questions_asked:
            # "Thanks for your question" to a remark added to a thread, which asks none
            # (panel rounds 41 and 48).
            entries = tuple(e for e in entries if not _THANKS_FOR_ASKING.search(e.text)) or entries
        if step == "acknowledge" and ((set(asked) & SOLVED_IN_WORDS) - QUESTIONS or no_question):
            # "Thanks for your question" to a customer reporting a fault as well reads curt
            # (panel round 18): a line for questions only acknowledges only questions. Nor is
            # a message with no ask read and no question thanked for one: mostly a reply in
            # a thread ("iPhone 7 Plus.", "it's 12:32pm now"), or a vent ("'Thanks for your
            # question' treats a complaint as a query", panel rounds 26 and 30).
            entries = (
                tuple(e for e in entries if not (e.requests and set(e.requests) <= QUESTIONS))
                or entries
            )
        if step == "recommend":
            # The recommendation that answers the customer's own questions first is for a
            # customer who asked some; the others are for one who only weighs it up.
            entries = (
                tuple(e for e in entries if ("information" in e.requests) == questions_asked)
                or entries
            )
        if step == "solve":
            # "I'll close your account as you asked" to someone who asked only for a copy of
            # their data (panel round 17): a reply that closes or erases something is offered
            # only to a customer who asked for that, with no fallback.
            entries = tuple(e for e in entries if not (set(e.requests) & NO_RETENTION) - set(asked))
            if offer_waits:
                entries = (
                    tuple(e for e in entries if not OFFER_SLOTS & set(open_slots(e.text)))
                    or entries
                )
            if lead_times_it:
                entries = tuple(e for e in entries if "eta" not in open_slots(e.text)) or entries
            if "clarify" not in plan:
                entries = (
                    tuple(e for e in entries if not WAITS_ON_DETAILS.search(e.text)) or entries
                )
            if wants_nothing:
                # "I don't need a reply, but you should know": a remedy offered back pushes
                # process on someone who asked for nothing (panel rounds 32, 33 and 45).
                entries = (
                    tuple(e for e in entries if not OFFER_SLOTS & set(open_slots(e.text)))
                    or entries
                )
        if not issue_told:
            # A line naming the problem in {issue} has a twin that does not, for the agent
            # who has nothing to name yet.
            entries = tuple(e for e in entries if "issue" not in open_slots(e.text)) or entries
        used = {r.id for s in steps for r in s.responses}
        # Saying the same line twice in one conversation sounds scripted; so does saying the
        # same words twice in one playbook, or opening on thanks twice.
        entries = tuple(e for e in entries if e.id not in used)
        entries = tuple(e for e in entries if e.id not in exclude) or entries
        entries = tuple(e for e in entries if not said.repeated_by(e.text)) or entries
        if step == "empathize" and "apologize" in plan and "bereavement" not in root_causes:
            # One "I'm sorry" among the feelings: the apology still to come says it, and the
            # empathy before it says the same care in other words ("two 'I'm sorry' steps
            # back to back", panel rounds 38 and 41). A condolence is never traded away.
            entries = tuple(e for e in entries if not SORRY.search(e.text)) or entries
        if step == "follow_up" and said.lead_if_needed:
            entries = tuple(e for e in entries if "{lead_name}" not in e.text) or entries
        if step in FEELINGS:
            # An apology still to come keeps one framing for itself: "sorry you've had to
            # come back to us" is what a repeat contact is owed, and empathy has lines
            # of its own for the rest of the case.
            spare = int(step == "empathize" and "apologize" in plan)
            entries = tuple(e for e in entries if not said.framed_enough(e, spare)) or entries
        if rank is not None:
            entries = rank(step, entries)
        return entries[:responses_per_step]

    def add(step: Step, entries: tuple[BankEntry, ...]) -> None:
        # A team's own bank may lack a step entirely; an empty step helps no agent.
        if entries:
            responses = tuple(
                _response(e, values, restatement, channel, noted)
                if step == "acknowledge"
                else _response(e, values, None, channel)
                for e in entries
            )
            steps.append(PlaybookStep(step, responses))
            for entry in entries:
                said.add(entry.text)
                if step in FEELINGS:
                    said.frame(entry)
                if step == "escalate" and IF_NEEDED.match(entry.text):
                    said.lead_if_needed = True

    # Once a lead is on the way, the request for a person is answered: the solve step is for
    # the rest ("I can ask a team lead..." after "I'm asking a team lead" contradicts it).
    to_solve = tuple(r for r in asked if r != "talk_to_person") if handed_over else asked
    # An undecided customer is helped to choose by the question they cannot settle; a plain
    # ask beside it ("need to move my check-up... which would you recommend?") is the solve
    # step's, not a reason to ask "could you tell me {details}?" first (panel round 32).
    weighing = ("information",) if "indecisive" in types and "information" in asked else asked
    for step in plan:
        if step == "solve":
            answering = to_solve or asked
        else:
            answering = weighing if step in ("clarify", "recommend") else asked
        entries = choose(step, answering)
        first = len(steps)
        add(step, entries)
        if step == "solve" and entries:
            # "Close my account and delete my data": each ask is answered, the others in a
            # reply written for each, never left to the agent to notice.
            # What the line answers of what was asked: a billing line also written for a fix
            # does not answer "can next Thursday's delivery go to my work?" (panel round 31).
            answered = set(entries[0].requests) & set(to_solve) or set(entries[0].requests)
            rests: list[RequestLabel] = []
            # Thanks answered first, beside asks of another kind, leave room for one more: a
            # praise line written for a loss outranked a cancellation, and the refund beside
            # it went unanswered (panel round 70's message, once the thanks were read).
            thanked_first = answered == {"praise"} and to_solve[:1] != ("praise",)
            for _ in range(MAX_EXTRA_ANSWERS + thanked_first):
                rest = unanswered(to_solve, answered)
                if rest is None:
                    break
                answered.add(rest)
                before = len(steps)
                add("solve", tuple(e for e in choose("solve", (rest,)) if rest in e.requests))
                if len(steps) > before:
                    rests.append(rest)
            if rests and rests[0] == to_solve[0]:
                # A line written for a trigger ("what I can do right away is {offer}") is
                # chosen before the requests' own; the customer's first ask is answered first
                # all the same ("{status} should come before {offer}", panel rounds 24, 25).
                steps.insert(first, steps.pop(first + 1))
            if (
                "praise" in asked
                and "praise" not in answered
                and not values.get("person")
                and (
                    thanks_said(text)
                    or praise_beside_ask(text)
                    or (praise_said(text) and not said.thanked)
                )
            ):
                # "I wanted to say thank you, and also, is there a form for putting it in
                # writing?": the question answered, and the thanks thanked first, as they
                # came (panel round 44: "never thanks them"). A person thanked by name is
                # passed the thanks below. Praise the head reads beside another ask, said in
                # words of praise, is thanked too unless a line has thanked them already:
                # "no thanks for the kind words", "skips any thanks" (panel rounds 85 and 86).
                thanks = [
                    e
                    for e in candidates("solve", ("praise",))
                    if set(e.requests) == {"praise"} and not e.needs
                ]
                if thanks:
                    add("solve", tuple(thanks[:responses_per_step]))
                    steps.insert(first, steps.pop())
            if _thanks_unpassed(asked, values, steps):
                # "Thank you to Niamh... unfortunately the line still drops": the fix answers
                # the fault, and the thanks still reach the person thanked ("never passes her
                # thanks on to Niamh", panel rounds 31 and 32). Not an overlapping answer, so
                # it is not counted among MAX_EXTRA_ANSWERS.
                # After the answer, a line that opens on thanks again starts a new reply.
                passing = [e for e in candidates("solve", ("praise",)) if "person" in e.needs]
                passing.sort(key=lambda e: _thanks(_plain_words(e.text)))
                add("solve", tuple(passing[:responses_per_step]))
    return Playbook(steps=tuple(steps), avoid=bank.avoid_for(types, fired), route=route)


def _plain_playbook(
    bank: ResponseBank,
    language: str,
    *,
    escalate: bool,
    trouble: bool,
    loss: bool,
    channel: Channel,
    values: Mapping[str, str],
    avoid: tuple[str, ...],
    route: Route | None,
    responses_per_step: int,
) -> Playbook:
    """The plain steps in the customer's language, each with the bank's best lines in it.

    `trouble`: the message tells of something gone wrong, so the customer is apologised to;
    `loss`: it tells of a death, so a condolence opens it, and no apology follows.
    """
    steps: list[PlaybookStep] = []
    if loss:
        condolence = bank.candidates(
            "empathize",
            channel=None,
            language=language,
            customer_types=(),
            triggers=(),
            root_causes=("bereavement",),
            requests=(),
        )
        if condolence:
            steps.append(
                PlaybookStep("empathize", (_response(condolence[0], values, None, channel),))
            )
    for step in PLAIN_STEPS:
        if (step == "escalate" and not escalate) or (step == "apologize" and (not trouble or loss)):
            continue
        # Only lines written for no type, trigger, cause or request: none was read. The
        # channel is the one thing known; a line for another channel beats none.
        entries = _untagged(bank, step, channel, language, escalate) or _untagged(
            bank, step, None, language, escalate
        )
        if step == "solve" and not entries:
            # A language with no lines of its own gets English ones, and every English answer
            # is written for a request: the plain answer to a question stands in, so the
            # agent's answer still has its place ("no solve step or blank exists", panel
            # round 34, a Norwegian message).
            entries = bank.candidates(
                "solve",
                channel=channel,
                customer_types=(),
                triggers=(),
                root_causes=(),
                requests=("information",),
                handed_over=escalate,
            )
        if entries:
            responses = tuple(
                _response(e, values, None, channel) for e in entries[:responses_per_step]
            )
            steps.append(PlaybookStep(step, responses))
    return Playbook(steps=tuple(steps), avoid=avoid, route=route)


def _untagged(
    bank: ResponseBank, step: Step, channel: Channel | None, language: str, handed_over: bool
) -> tuple[BankEntry, ...]:
    return bank.candidates(
        step,
        channel=channel,
        language=language,
        handed_over=handed_over,
        customer_types=(),
        triggers=(),
        root_causes=(),
        requests=(),
    )


def _as_complaint(profile: CustomerProfile) -> CustomerProfile:
    """The profile with its calm reading (satisfied or neutral) taken as dissatisfaction."""
    return _read_as(profile, "dissatisfied")


def _read_as(profile: CustomerProfile, label: CustomerType) -> CustomerProfile:
    """The profile with its top reading taken as `label`, at the score it had."""
    scores = dict(profile.scores)
    scores[label] = max(scores.get(label, 0.0), scores.get(profile.label, 0.0))
    scores[profile.label] = 0.0
    return CustomerProfile(label, scores, profile.intensity)


def customer_types(
    profile: CustomerProfile, *, secondary_type_score: float = 0.5
) -> tuple[CustomerType, ...]:
    """The profile's label first, then any other difficult type scoring at least the threshold."""
    if profile.label in CALM_TYPES:
        return (profile.label,)
    others = sorted(
        (t for t, s in profile.scores.items() if s >= secondary_type_score and t != profile.label),
        key=lambda t: (-profile.scores[t], t),
    )
    return (profile.label, *(t for t in others if t not in CALM_TYPES))


def plan_steps(
    profile: CustomerProfile,
    escalation: Escalation,
    *,
    requests: Collection[RequestLabel] = (),
    requests_known: bool = True,
    route: Route | None = None,
    known: Collection[str] = (),
    restated: bool = False,
    public: bool = False,
    emailed: bool = False,
    contact_refused: bool = False,
    wants_nothing: bool = False,
    ultimatum: bool = False,
    no_complaint: bool = False,
    let_down: bool = False,
    questions_asked: bool = False,
    unstated: bool = False,
    settled: bool = False,
    peak_anger_intensity: float = 0.55,
    mild_intensity: float = 0.45,
    secondary_type_score: float = 0.5,
) -> tuple[Step, ...]:
    """The ordered strategy steps for this customer, before any reply is chosen.

    Feelings come first and the acknowledgement always opens them; then the answer to what
    the customer asked for (a clarifying question first when the problem is not yet known,
    and the hand-over to a lead who owns the plan just before it); then limits, any other
    hand-over, a close and, for the difficult cases, a follow-up. A customer who asks for a
    person, brings in a lawyer or reports a hazard is handed over before anything is asked
    or offered; any other safety risk gets the crisis script alone.
    `known` names what the message already tells (order_id, amount, root_cause); a question
    comes first only for requests the customer made (`requests_known`), never a guessed one.
    `public`: the message came on a public channel, where an ask about the customer's
    account is first moved to private messages. `emailed`: the message came by email, where a
    fix asked for with no reference is asked which account, claim or order it is about, unless
    a lead takes the case over. `contact_refused`: the customer asked not to be contacted, so
    nobody follows up. `wants_nothing`: a complaint that says it asks for
    nothing back, so it is not taken to private messages to be looked into, nor followed up.
    `ultimatum`: a legal step is threatened only if the answer does not come, so the answer
    comes before the hand-over. `no_complaint`: the customer says nothing went wrong,
    so a leaver or a plain ask is not apologised to. `let_down`: the message tells of a wait
    gone past a promise or a service gone, so a customer chasing an order or their money is
    apologised to whatever their type. `questions_asked`: the message asks
    questions of its own, so an undecided customer has said what they are weighing.
    `unstated`: nothing the customer asks could be read and they ask no question, so what
    they need is asked (privately on a public channel) and nothing is answered yet.
    `settled`: the customer says the problem went away, so they are thanked and left.
    `peak_anger_intensity`: from here on feelings run high, and a difficult customer is heard
    and empathised with before anything else;
    `mild_intensity`: up to here a customer who only asks for information or praises is not
    apologised to.
    """
    fired = _trigger_types(escalation)
    if settled:
        # Nothing to hear out, fix or follow up: "a short, warm reply that it's back on"
        # (panel round 57).
        return ("acknowledge", "close")
    hazard = hazard_reported(escalation)
    if "safety_risk" in fired and not hazard:
        # The hand-off script already says the safety lines an acknowledgement would.
        opening: Step = "escalate" if escalation.escalate else "acknowledge"
        return (opening, "empathize", "close")

    asked = frozenset(requests)
    types = customer_types(profile, secondary_type_score=secondary_type_score)
    difficult = profile.label not in CALM_TYPES
    # Whether the reply moves a public thread to private messages (the clarify step).
    to_private = False
    wanted: set[Step] = set()
    for customer_type in types:
        wanted |= TYPE_STEPS[customer_type]
    if difficult and fired & REPEAT_TRIGGERS:
        wanted |= {"acknowledge", "apologize"}
    if asked & OWED_AN_APOLOGY and let_down and not no_complaint:
        wanted.add("apologize")
    if hazard or "bereavement" in known or "fraud" in known:
        # A hazard, a loss, or someone else using their identity or account: "no empathy for
        # an identity-theft victim" (panel rounds 42 and 43), whatever the type head reads.
        wanted |= {"acknowledge", "empathize"}
    elif "vulnerable_customer" in fired:
        wanted.add("acknowledge")
        # A wheelchair user adding their own chair to a booking asks for a change, calmly:
        # "I'm sorry you've had this to deal with" read as pity for a routine request (panel
        # round 34). A condition they live with is no hardship to sympathise with; money
        # trouble, illness or an upset customer still is.
        # Nor is an age given in passing with a question ("I'm 81... what is this £9.50
        # for?", panel round 81): met with care in the acknowledgement, not pitied. A fault
        # left unfixed is still sorry for (its only apology may be the empathy's).
        only_asks = bool(asked) and asked <= ROUTINE_ASKS | QUESTIONS
        if not (only_asks and profile.intensity <= mild_intensity and lived_with(escalation)):
            wanted.add("empathize")
    if restated:
        wanted.add("acknowledge")
    if asked:
        wanted.add("solve")
    # Thanks beside a chase for something overdue leave the wait owed its apology: "Abigail
    # deserves a mention... it is now 6 March and I have heard nothing" (panel round 104).
    praise_only = (
        "praise" in asked
        and asked <= PRAISE_ASKS
        and not (asked & OWED_AN_APOLOGY and let_down and not no_complaint)
    )
    if praise_only:
        # Praise is answered with thanks, and its question in the same reply: no
        # acknowledgement of a problem, no apology. Thanks for care at a death still opens on
        # the condolence ("jarringly cheerful after a pet's death", panel round 75).
        wanted -= {"acknowledge", "apologize", "clarify", "recommend"}
        if "bereavement" not in known:
            wanted.discard("empathize")
    if (
        asked
        and asked <= CALM_ASKS
        and profile.intensity <= mild_intensity
        and not fired & REPEAT_TRIGGERS
    ):
        # A question asked calmly is answered, not apologised for: "sorry for the trouble"
        # to a how-to question or to thanks with a question misread both (panel round 22).
        # So is a change asked for calmly: "apologises for an {issue} that doesn't exist" to
        # a house move, a reschedule, a plan switched at renewal (panel rounds 54 to 59).
        # A status or charge question chases something late or unexpected: its apology stays.
        wanted.discard("apologize")
    if no_complaint and not asked & COMPLAINED and not fired & REPEAT_TRIGGERS:
        # "No complaints at all, I've enjoyed it for years": the type head reads a leaver as
        # dissatisfied all the same, and "sorry for the trouble" misread them (round 31).
        wanted.discard("apologize")
    if route is not None or asked & NO_RETENTION:
        wanted.discard("recommend")
    if asked and asked <= QUESTIONS:
        # A question is answered with what the agent looks up: there is no remedy to limit,
        # and "the earliest we can complete it is {eta}" to someone chasing a refund they were
        # promised answered a demand they never made (panel round 17).
        wanted.discard("set_boundary")
    if route is not None:
        # A request another team handles is passed on plainly: no limits to negotiate, and
        # an apology only where the customer was failed: they had to ask again, or tell of a
        # fault beside the request ("no apology for the emails and texts that kept coming",
        # panel rounds 41 to 53, four erasure requests with a problem to fix). On a public
        # channel the account is still confirmed in private first: "promises closure with no
        # identity check on a public channel" (panel round 33).
        wanted.discard("set_boundary")
        if public and asked & (ACCOUNT_ASKS | NO_RETENTION) and not contact_refused:
            wanted.add("clarify")
            to_private = True
        else:
            wanted.discard("clarify")
        if not fired & REPEAT_TRIGGERS:
            if "bereavement" not in known:
                # A death told beside the request keeps its condolence: "no condolence" to a
                # widow closing her husband's login (panel round 66).
                wanted.discard("empathize")
            if not asked & {"fix_problem", "complaint_only"}:
                wanted.discard("apologize")
    if "recommend" in wanted and asked <= {"information"}:
        wanted.discard("solve")  # the recommendation is the answer
    if "bereavement" in known or "vulnerable_customer" in fired:
        # Limits read cold to someone grieving or struggling, however firmly they ask: "drop
        # the unprompted set_boundary" after a condolence (panel round 48), "will inflame
        # someone this stressed" (round 32). The answer says what can be done.
        wanted.discard("set_boundary")
    if "vulnerable_customer" in fired and profile.intensity < 0.5 and not fired & REPEAT_TRIGGERS:
        # Someone grieving or unwell who is not complaining is owed sympathy, which the
        # empathy step gives; a service apology would misread them.
        wanted.discard("apologize")
    if requests_known and route is None:
        # A customer who has had to come back is not asked to explain again: the case holds
        # what they said ("asks for more details from someone angry about repeated requests
        # for information, right after saying they won't need to explain again", panel rounds
        # 30 and 33). On a public channel the move to private messages below still comes.
        asked_again = bool(fired & REPEAT_TRIGGERS)
        # A case a lead takes over is theirs to ask about: after "they will contact you
        # directly", the agent's own question blurs who owns it.
        unknown = _problem_unknown(asked, frozenset(known), emailed=emailed and not fired)
        if unknown and not asked_again:
            wanted.add("clarify")
        elif asked and ("indecisive" not in types or questions_asked):
            # A customer who has set out the problem is answered, not questioned back; so is
            # an undecided one whose questions say what they weigh ("asks what matters most
            # when the usage is already given", panel rounds 43 to 46: three 'no' verdicts).
            wanted.discard("clarify")
        # A suggestion for what the company offers needs no account details: asked for a
        # direct message, a fan of a withdrawn show was asked for what they had not got
        # (panel round 29).
        suggestion_only = "suggestion" in known and asked <= SUGGESTION_ASKS
        if public and asked & ACCOUNT_ASKS and not suggestion_only and not contact_refused:
            wanted.add("clarify")
            to_private = True
        if suggestion_only and not fired & REPEAT_TRIGGERS:
            # An idea is thanked, not apologised for ("apologises for trouble", round 31).
            wanted.discard("apologize")
    if (
        public
        and route is None
        and difficult
        and not contact_refused
        and not wants_nothing
        and (not requests_known or asked <= {"complaint_only"})
    ):
        # A public complaint is taken to private messages before anything is offered: the
        # details it lacks are the customer's own (panel round 12: five tweets), and an upset
        # tweet that says no more than "stop ignoring me" lacks them all (round 15).
        wanted.add("clarify")
        to_private = True

    if unstated:
        wanted.discard("solve")
        wanted.add("clarify")
        to_private = public
    peak = profile.intensity >= peak_anger_intensity
    if peak and difficult and not praise_only:
        # At the peak every difficult customer needs to feel heard before anything else; the
        # type head's heat in a story of thanks ("gave my son the wrong strength... came to
        # my house within the hour") is thanked, not heard out (panel round 43).
        wanted |= {"acknowledge", "empathize"}
    abuse = "abuse" in fired
    wants_person = "talk_to_person" in asked
    # What the agent can offer now comes before the lead who decides the rest, whatever
    # else brought the lead in: "the 'right away' offer comes after the hand-over, swap those
    # two" (panel round 47, three playbooks with a repeat contact or a legal threat beside).
    # So does the answer to an ultimatum ("explain it or I'm going to the ombudsman").
    offer_first = ("authority_exceeded" in fired or ultimatum) and not wants_person and not hazard
    # An erasure the privacy team takes over has one owner: a lead brought in only because
    # the customer had to ask again was a second hand-over ("two hand-overs and no single
    # owner", "the team-lead step is unneeded", panel rounds 63, 65 and 66). The lead is still
    # paged; the reply names the privacy team alone.
    privacy_owns = route == "privacy" and fired <= REPEAT_TRIGGERS | {"churn_threat"}
    hands_over = escalation.escalate and not privacy_owns
    # A hazard is reported to a lead before the rest is answered: safety comes first.
    hand_over_first = (
        hands_over and not offer_first and bool(fired & HAND_OVER_FIRST or wants_person or hazard)
    )
    hand_over_last = hands_over and not hand_over_first
    lead_owns_plan = hand_over_last and not offer_first and bool(fired & LEAD_OWNS_PLAN)
    # A customer who closed the account or had their data erased is not checked on later:
    # there is nothing of theirs left to ask about ("is everything still working?").
    # Nor is a customer who wrote only to praise: "I'll check in with you" answers thanks with
    # a case they never opened; nor one who asked for nothing back ("in case there's something
    # you'd like done" to "just want it on record", panel round 32).
    follow_up = (
        difficult
        and (peak or escalation.escalate or bool(fired & REPEAT_TRIGGERS))
        and not asked & NO_RETENTION
        and not contact_refused
        and not wants_nothing
        and not praise_only
    )
    # Handed to a lead at the customer's own request, a question they wanted to talk through
    # is the person's to talk through ("what matters most to you?" after "I'm asking a team
    # lead to pick this up", panel round 18), and a complaint leaves nothing to solve here.
    if hand_over_first and wants_person and asked <= {"talk_to_person", "information"}:
        wanted -= {"clarify", "recommend"}
    if hand_over_first and wants_person and asked <= {"talk_to_person", "complaint_only"}:
        wanted.discard("solve")

    # Acknowledge first, always, and let them feel understood before the apology: an apology
    # before either sounds like a brush-off.
    order: list[Step] = [s for s in FEELINGS if s in wanted]
    if "bereavement" in known and "empathize" in order:
        # Except after a death: the condolence comes before anything else ("condolences
        # should come first on a bereavement call", panel round 32).
        order.insert(0, order.pop(order.index("empathize")))
    if abuse:
        # Heard first, even when abusive, and the boundary once they have been: opening on it
        # read as not hearing them at all (panel rounds 2, 3, 4 and 9), and a boundary between
        # the acknowledgement and the empathy as cutting them off ("move it", rounds 24, 25).
        if "acknowledge" not in order:
            order.insert(0, "acknowledge")
        order.append("set_boundary")
    if hand_over_first:
        if public and "clarify" in wanted and not hazard:
            # On a public channel the details move to private messages before the hand-over:
            # the lead needs them, and the customer should not post them while waiting
            # (panel rounds 22 and 23).
            order.append("clarify")
        order.append("escalate")
    order += [s for s in ("clarify", "recommend") if s in wanted and s not in order]
    # A lead who owns the plan is named before it: after it, the lead read as an
    # afterthought, with two owners for one plan (panel round 12). The questions still come
    # first: a lead briefed without the details has to ask again.
    if lead_owns_plan:
        order.append("escalate")
    # A route to another team took recommend out of `wanted` above, and clarify but for the
    # move to private messages: its solve passes the request on plainly, with no pitch.
    order += [s for s in ("solve",) if s in wanted]
    # Once a lead takes the case, the limits are theirs to set: a boundary here would only
    # repeat, or contradict, the hand-over.
    if "set_boundary" in wanted and not abuse and not escalation.escalate:
        order.append("set_boundary")
    if hand_over_last and not lead_owns_plan:
        order.append("escalate")
    if not ((to_private or unstated) and "clarify" in order and not fired & OWN_CLOSES):
        # A public reply that asks for a direct message ends on that ask: the conversation
        # goes on in private, and a close after it ("If anything else comes up, just get in
        # touch") is one more line in a public thread ("long for social, trim", panel
        # rounds 36 to 38). So does asking what an unstated need is: a close would answer
        # what was never asked ("I hope that answers your question", round 52).
        order.append("close")
    if follow_up:
        order.append("follow_up")
    return tuple(order)


def _asked(
    requests: Collection[RequestLabel] | None,
    profile: CustomerProfile,
    fired: frozenset[TriggerType],
    text: str | None = None,
) -> tuple[RequestLabel, ...]:
    """The requests to answer: the customer's, or their type's usual one when not known.

    A message that asks a question of its own is no complaint with no ask.
    """
    # Asking for a person is a request even when only the trigger caught it, and when it is
    # all that is known, it is the whole ask.
    wants_person = "human_request" in fired
    if requests is None:
        if wants_person:
            return ("talk_to_person",)
        usual = TYPE_ASKS[profile.label]
        if usual == "complaint_only" and _asks_something(text):
            # "Could you tell me how much notice we would get?" is answered, not passed on
            # as feedback: "treats the message as feedback to pass on" (panel round 59).
            return ("information",)
        return (usual,)
    asked = list(requests)
    if wants_person and "talk_to_person" not in asked:
        asked.insert(0, "talk_to_person")
    return tuple(asked)


def _asks_something(text: str | None) -> bool:
    """Whether the message asks a question that wants an answer, not a rhetorical one."""
    return text is not None and bool(questions_asked(text))


def _explained_first(asked: tuple[RequestLabel, ...]) -> tuple[RequestLabel, ...]:
    """The asks with a charge's explanation before money back for it: "refund hinted before
    explaining; move explanation first" (panel round 39)."""
    if "explain_charge" not in asked or "refund_or_compensation" not in asked:
        return asked
    refund = asked.index("refund_or_compensation")
    if asked.index("explain_charge") < refund:
        return asked
    rest: list[RequestLabel] = [a for a in asked if a != "explain_charge"]
    rest.insert(refund, "explain_charge")
    return tuple(rest)


def _problem_unknown(
    asked: frozenset[RequestLabel], known: frozenset[str], *, emailed: bool = False
) -> bool:
    """Whether the message leaves out what the agent needs before any solve can be offered."""
    if "fix_problem" in asked and "root_cause" not in known:
        return True
    if emailed and "fix_problem" in asked and "order_id" not in known:
        # A complaint form or a review names what went wrong but rarely which account, claim
        # or report: "it jumps to a fix without asking which claim this is" (eighteen notes
        # over panel rounds 81 to 96, all real complaint forms and reviews). A chat or a
        # call comes from an account the agent can see.
        return True
    # An order or a refund is looked up by its number; an outage or a wait is not.
    if "status" in asked and "order_id" not in known and not known & {"delay", "service_failure"}:
        return True
    return "explain_charge" in asked and "amount" not in known


def _problem_told(text: str | None) -> bool:
    """Whether the message says enough of what went wrong for the agent to name it, even
    where its cause or its order number is still to be asked for."""
    if text is None:
        return False
    words = [w for w in text.split() if not w.startswith(("@", "#", "http"))]
    return len(words) >= PROBLEM_TOLD_IN_WORDS


def _restatement(
    text: str | None,
    profile: CustomerProfile,
    fired: frozenset[TriggerType],
    requests: Collection[RequestLabel],
    channel: Channel,
) -> str | None:
    # Safety and abuse get the hand-off and boundary scripts, never the customer's words
    # back; nor does a loss or an illness ("your love passed on 3/20" read as cold, panel
    # round 16), which the vulnerable-customer lines answer with care; praise needs thanks,
    # not a summary.
    if (
        not text
        or fired & {"safety_risk", "abuse", "vulnerable_customer"}
        or profile.label == "satisfied"
    ):
        return None
    if set(requests) == {"praise"}:
        return None
    return restate(text, channel)


def _acknowledgement_notes(
    text: str | None,
    channel: Channel,
    profile: CustomerProfile,
    fired: frozenset[TriggerType],
    requests: Collection[RequestLabel],
    restatement: str | None,
) -> str | None:
    """What the acknowledgement gives back after the customer's point: their questions, and
    the date they need it by unless the restatement already holds it."""
    deadline = deadline_of(text) if text else None
    notes = (
        _questions_note(text, channel, profile, fired, requests),
        DEADLINE_NOTE.format(deadline=deadline)
        if deadline and deadline.casefold() not in (restatement or "").casefold()
        else None,
    )
    return " ".join(note for note in notes if note) or None


def _questions_note(
    text: str | None,
    channel: Channel,
    profile: CustomerProfile,
    fired: frozenset[TriggerType],
    requests: Collection[RequestLabel],
) -> str | None:
    """ "You asked whether X, and when Y", for a customer who asked questions to be answered.

    Not for a complaint with nothing asked, an angry customer or abuse, whose questions are
    mostly points made ("is this how you treat people?"), nor in a crisis. Not in a public
    reply, nor to a short message, where the question given back is the whole message
    ("parrots", panel round 27): the questions it helps with are those a long one buries.
    """
    if (
        not text
        or channel in PUBLIC_CHANNELS
        or len(text.split()) < QUESTIONS_IN_WORDS
        or not set(requests) & QUESTIONS
        or "complaint_only" in requests
        or profile.label == "angry"
        or fired & {"safety_risk", "abuse"}
    ):
        return None
    return asked_note(questions_asked(text))


def _response(
    entry: BankEntry,
    values: Mapping[str, str],
    restatement: str | None,
    channel: Channel,
    noted: str | None = None,
) -> PlaybookResponse:
    text = fill(entry.text, values)
    if restatement:
        # In chat the customer's point comes first, unless the line opens on thanks: "If I've
        # understood you right, <their point>. Thanks for getting in touch. I've got your
        # message." read as parroting, then as not having read it (panel round 30). An
        # email opens with its thanks and gives the point back after it.
        restatement = after_line(restatement, text)
        thanks_first = channel == "email" or _OPENS_ON_THANKS.match(text) is not None
        text = f"{text} {restatement}" if thanks_first else f"{restatement} {text}"
    if noted:
        text = f"{text} {noted}"
    return PlaybookResponse(entry.id, text, agent_input=open_slots(text))


def _select(
    bank: ResponseBank,
    step: Step,
    *,
    types: tuple[CustomerType, ...],
    intensity: float,
    fired: frozenset[TriggerType],
    channel: Channel,
    root_causes: tuple[str, ...],
    requests: tuple[RequestLabel, ...],
    route: Route | None,
    known: frozenset[str],
    handed_over: bool,
) -> tuple[BankEntry, ...]:
    """The best entries for a step, relaxing the least important criteria until some fit."""
    found: tuple[BankEntry, ...] = ()
    # A playbook that escalates must say so: a generic hand-over beats none at all.
    relax = (*RELAX_ORDER, "triggers") if step == "escalate" else RELAX_ORDER
    for dropped in range(len(relax) + 1):
        ignore = relax[:dropped]
        found = bank.candidates(
            step,
            intensity=None if "intensity" in ignore else intensity,
            channel=None if "channel" in ignore else channel,
            root_causes=root_causes,
            customer_types=None if "customer_types" in ignore else types,
            triggers=None if "triggers" in ignore else fired,
            requests=requests,
            route=route,
            facts=known,
            handed_over=handed_over,
        )
        if found:
            break
    if "bereavement" in root_causes and (step == "empathize" or not fired & REPEAT_TRIGGERS):
        # A loss is answered as a loss: the empathy is the condolence, and "I'm sorry for the
        # worry this has caused you", the vulnerable customer's apology, read beside one as
        # an apology for a death (panel round 32). A customer who has had to ask again is
        # still owed the apology for that.
        found = tuple(e for e in found if "bereavement" in e.root_causes) or found
    if fired & SAFETY_TRIGGERS:
        specific = tuple(e for e in found if set(e.triggers) & fired & SAFETY_TRIGGERS)
        return specific or found
    return found


def _thanks_unpassed(
    asked: Collection[RequestLabel], values: Mapping[str, str], steps: list[PlaybookStep]
) -> bool:
    """Whether a person the customer thanks by name is still to hear of it."""
    person = str(values.get("person", "")).strip()
    return (
        "praise" in asked
        and bool(person)
        and not any(person in r.text for step in steps for r in step.responses)
    )


def _gives_time(entries: tuple[BankEntry, ...]) -> bool:
    """Whether the best of these entries asks the agent for a time ({eta})."""
    return bool(entries) and "eta" in open_slots(entries[0].text)


def _trigger_types(escalation: Escalation) -> frozenset[TriggerType]:
    return frozenset(trigger.type for trigger in escalation.triggers)


def unanswered(
    asked: Collection[RequestLabel], answered: Collection[RequestLabel]
) -> RequestLabel | None:
    """The most probable request the solve replies so far leave unanswered, if any.

    `answered`: the requests the replies were written for. A reply written for no request in
    particular ("here's the next step") stands for the whole ask, so none is left over. A
    question is answered in the words the agent writes into any solve, except beside a
    request whose reply does not hold them (ANSWERED_APART).

    >>> unanswered(["information", "cancel_or_close"], ["cancel_or_close"])
    'information'
    >>> unanswered(["information", "fix_problem"], ["fix_problem"]) is None
    True
    """
    if not answered:
        return None
    covered = set(answered)
    left = [
        request
        for request in asked
        if request not in covered and not COVERED_BY.get(request, frozenset()) & covered
    ]
    # What is done is answered before a question put beside it.
    in_words = [request for request in left if request in SOLVED_IN_WORDS]
    apart = [request for request in left if ANSWERED_APART.get(request, frozenset()) & covered]
    return next(iter(in_words + apart), None)


def _closing_all(
    entries: tuple[BankEntry, ...], asked: Collection[RequestLabel]
) -> tuple[BankEntry, ...]:
    """Closes that fit every ask: "I hope that answers your question" cannot end a playbook
    in which a cancellation is still to be done. The best fitting one when none fits all."""
    needed = set(asked) & SOLVED_IN_WORDS
    fitting = tuple(e for e in entries if not e.requests or needed <= set(e.requests))
    return fitting or entries


class _Said:
    """The words a playbook has said, to keep a later reply from repeating them."""

    def __init__(self) -> None:
        self.runs: set[tuple[str, ...]] = set()
        self.thanked = False
        self.kept_open = False
        self.asked_what_they_want = False  # a remedy offered, or what they want done asked
        self.slots: set[str] = set()
        self.framings: Counter[TriggerType] = Counter()
        self.lead_if_needed = False  # the hand-over brings a lead in only if needed

    def add(self, text: str) -> None:
        words = _plain_words(text)
        self.runs |= _runs(words)
        self.thanked = self.thanked or _thanks(words)
        self.kept_open = self.kept_open or KEPT_OPEN.search(text) is not None
        self.asked_what_they_want = (
            self.asked_what_they_want
            or bool(OFFER_SLOTS & set(open_slots(text)))
            or ASKS_WHAT_THEY_WANT.search(text) is not None
        )
        self.slots |= _once_slots(text)

    def frame(self, entry: BankEntry) -> None:
        self.framings.update(entry.triggers)

    def framed_enough(self, entry: BankEntry, spare: int = 0) -> bool:
        """Whether the feelings steps have already framed the case by one of this entry's
        triggers often enough, keeping `spare` framings for steps still to come: "more than
        once" in the acknowledgement, the empathy and the apology reads as a script (panel
        rounds 13 and 14: "trim one")."""
        return any(self.framings[t] + spare >= MAX_FRAMINGS for t in entry.triggers)

    def repeated_by(self, text: str) -> bool:
        """Whether a reply repeats words already said, opens on thanks again, says again that
        the case stays open or asks again what the customer would like done, or asks the
        agent again for a time or an offer it has already given."""
        words = _plain_words(text)
        return (
            (self.thanked and _thanks(words))
            or (self.kept_open and KEPT_OPEN.search(text) is not None)
            or (self.asked_what_they_want and ASKS_WHAT_THEY_WANT.search(text) is not None)
            or bool(_runs(words) & self.runs)
            or bool(_once_slots(text) & self.slots)
        )


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + REPEAT_WORDS]) for i in range(len(words) - REPEAT_WORDS + 1)}


def _plain_words(text: str) -> list[str]:
    # Slots and caller values are not words the customer reads twice.
    return re.findall(r"[a-z']+", re.sub(r"\{[a-z_]+\}", " ", text.casefold()))


def _once_slots(text: str) -> set[str]:
    return set(re.findall(r"\{([a-z_]+)\}", text)) & ONCE_SLOTS


def _thanks(words: list[str]) -> bool:
    return words[:1] == ["thanks"] or words[:2] == ["thank", "you"]
