"""What marks a sentence of a ticket as one customer's case rather than the policy:
greetings, pleasantries, sign-offs, past events of their parcel or payment, amounts, ids
no shared pattern knows, and the placeholders the input guard leaves. Patterns only; the
generaliser (:mod:`frontdesk.handoff.generalise`) decides what to do with them."""

from __future__ import annotations

import re

from frontdesk.guards.output.text import split_sentences

GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b"
    r"(?:\s+[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)?)?\s*[,!.:\u2014-]*\s*",
    re.IGNORECASE,
)
PLEASANTRY = re.compile(
    r"^(?:thanks|thank you|many thanks|sorry|no problem|no worries|sure|of course|certainly"
    r"|i'?m (?:very |so |really )?sorry|i am (?:very |so )?sorry|we'?re (?:very |so )?sorry"
    r"|we apologi[sz]e|apologies|you'?re right|hope this helps|happy to help|glad to help"
    r"|let me know|have a (?:nice|great|good)|best regards|kind regards|regards|cheers"
    r"|all the best|great news|good news)\b",
    re.IGNORECASE,
)
# The agent's closing question ("Anything else?"): asks this customer, answers nothing.
# A whole sentence only, so "Anything else in the parcel must be declared." stays.
CLOSER = re.compile(
    r"(?:(?:is|was) there |do you (?:need|have) |(?:can|could|may) (?:i|we) (?:help (?:you )?"
    r"with|do) )?(?:anything|something) else(?: (?:i|we) can (?:help (?:you )?with|do for you)"
    r"| for you| (?:i|we) can help)?(?: today)?\s*[?.!]*",
    re.IGNORECASE,
)
# The agent holding the line while they look ("Let me check that for you."): says nothing
# a later customer could use.
HOLDING = re.compile(
    r"^(?:let me (?:check|look|see|find out|have a look|take a look|ask)"
    r"|(?:one|a|just a) (?:moment|sec|second|minute)|give me a (?:moment|sec|second|minute)"
    r"|bear with me|hang on|hold on|please (?:hold|wait)"
    r"|i'?(?:ll| will) (?:check|look into|look at|find out|get back|ask|have a look)"
    r"|(?:i'?m|i am|we'?re|we are) (?:checking|looking into|looking at|on it)"
    r"|we'?(?:ll| will) (?:check|look into|find out|get back)"
    r"|checking (?:now|on (?:that|this|it)))\b",
    re.IGNORECASE,
)
SIGN_OFF_WORDS = re.compile(
    r"(?:^|[\s,.!])(?:thanks|thank you|cheers|regards|best|kind regards|best regards)"
    r"[\s,!.]*$",
    re.IGNORECASE,
)
# Sentences about this customer's case rather than the policy: what happened to their
# parcel or payment, what they chose, when.
CASE_DETAIL = re.compile(
    r"\byour\s+(?:[\w-]+\s+){0,3}(?:had|was|wasn't|were|weren't|failed|expired|stopped|came"
    r"|got|is being|is now|are now|is currently|didn't|did not|has reached|qualifies)\b"
    r"|\byou(?:'re| are) currently\b|\byou chose\b|\byou paid\b|\bthis was\b|\bas your\b"
    r"|\b(?:we|i)(?:'ve| have)? (?:tried|checked|looked into|found|forwarded|noticed|can see"
    r"|see that|measured|received)\b|\b(?:the|this|that) (?:parcel|payment|charge|order)"
    r" (?:was|wasn't|had)\b|\bthe sync stopped\b"
    r"|\b(?:today|yesterday|tomorrow|this (?:morning|afternoon|evening|week)"
    r"|last (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
    r"|\b(?:on|until|since) \d{1,2} (?:january|february|march|april|may|june|july|august"
    r"|september|october|november|december)\b|\b\d+ (?:days?|weeks?|months?) ago\b",
    re.IGNORECASE,
)
# What the guard's action patterns leave to context: "I've anonymised", "we've re-enabled".
DONE_BY_US = re.compile(
    r"\b(?:i|we)(?:'ve|\u2019ve| have| had)\s+(?:also\s+|just\s+|now\s+|already\s+)?"
    r"[\w-]+(?:ed|sent|made|done|set|put|given|taken|paid)\b",
    re.IGNORECASE,
)
# Tax and account numbers the reference-id patterns do not know (ATU12345678).
# Codes like "GC882301X", and Frontdesk's own lowercase hex ids (a canned reply's
# {{ticket_id}}), which belong to one customer's case as much.
CODE = re.compile(
    r"\b(?:(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{8,}"
    r"|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{16,})\b"
)
# The noun an identifier follows ("invoice INV-1", "account ACC-2") goes with it.
ID_NOUN = re.compile(
    r"(?i:\b(?:invoices?|orders?|claims?|receipts?|accounts?|tickets?|cases?|references?"
    r"|tracking(?: numbers?)?|parcels?|shipments?)(?:\s+(?:no\.?|number|#|id|is))?)\s*[:#]?\s*$"
)
LABEL_START = re.compile(r"(?:^|[(,;:.!?\u2013\u2014-])\s*$")
ABBREVIATION = re.compile(r"\b(?:incl|excl|max|min|approx|e\.g|i\.e|no|vs|etc)\.$", re.I)
AMOUNT = re.compile(
    r"(?:[$€£¥]\s?\d(?:[\d,.]*\d)?(?:\s?(?:\+|incl\.?|excl\.?)\s?VAT)?"
    r"|\b\d(?:[\d,.]*\d)?\s?(?:EUR|USD|GBP|euros?|dollars?|pounds?)\b)",
    re.IGNORECASE,
)
ROLE_MAILBOXES = frozenset(
    "info support security finance accounts account dev shop ops billing sales hello contact "
    "admin noreply no-reply team help office mail privacy legal hr invoices service".split()
)
QUESTION_SENTENCES = 3
# What the input guard left in a stored customer message: "<EMAIL>", "<PERSON>".
PLACEHOLDER = re.compile(r"<([A-Z_]{3,20})>")
PLACEHOLDER_KINDS = {"EMAIL": "email", "PHONE": "phone", "PERSON": "name", "ADDRESS": "name"}


def sentences(text: str) -> list[str]:
    """The guard's sentence split, with "incl. VAT"-style abbreviations rejoined."""
    out: list[str] = []
    for sentence in split_sentences(text):
        if out and ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {sentence.text}"
        else:
            out.append(sentence.text)
    return out


def tidy(text: str) -> str:
    """Close the gaps cut-out spans leave: empty brackets, doubled commas and spaces."""
    for pattern, repl in (
        (r"\(\s*[,;:.&+\-]*\s*\)", ""),
        (r"'\s*'", ""),
        (r"\s+([,.;:!?)])", r"\1"),
        (r"([(])\s+", r"\1"),
        (r"([,;:])(?:\s*[,;:])+", r"\1"),
        (r"\s[\u2013\u2014-]\s*(?=[,.;:!?]|$)", ""),
        (r"\s+(?:and|or|on|for|to|in|of|with|at|under|is|are|via|from)(?=\s*(?:[.;:!?)]|$))", ""),
        (r"\s+(?:and|or|on|for|to|in|of|with|at|under|is|are|via|from)(?=\s*(?:[.;:!?)]|$))", ""),
        (r"[,;:]+(?=\s*[.!?)]|$)", ""),
        (r"[ \t]{2,}", " "),
        (r"^[\s,;:.\u2013\u2014-]+", ""),
        (r"[\s,;:\u2013\u2014-]+$", ""),
    ):
        text = re.sub(pattern, repl, text)
    return text.strip()


def amount_key(amount: str) -> str:
    digits = re.sub(r"[^\d.,]", "", amount).replace(",", "")
    return digits.rstrip("0").rstrip(".") if "." in digits else digits
