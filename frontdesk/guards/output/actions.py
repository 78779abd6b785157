"""Actions stated as done for the customer: "we've refunded €7", "I've reset your 2FA",
"your identity has been verified", "has been cancelled for you".

The assistant cannot act on an account; such a sentence is either false or another
customer's ticket reply. Help articles describe actions conditionally ("once we have
refunded the label…", "you get an e-mail confirming that your account has been deleted"),
so a claim introduced by a subordinating word or reported speech does not count.
"""

from __future__ import annotations

import re

from frontdesk.guards.output.text import split_sentences
from frontdesk.guards.types import Finding, GuardAction

_DONE = (
    r"(?:refunded|reset|cancel+ed|opened|issued|credited|verified|processed|changed|updated"
    r"|deleted|removed|reactivated|unlocked|escalated|arranged|booked|rescheduled|filed"
    r"|submitted|approved|waived|compensated|reimbursed|transferred|blocked|closed|added"
    r"|applied|fixed|resolved|restored|re-?sent|sent|disabled|enabled|corrected|redirected"
    r"|released|raised|logged|recorded|paid|extended|upgraded|downgraded|activated|scheduled"
    r"|initiated|started|launched|contacted|informed|notified|instructed|asked)"
)
_CLAIMS = (
    # "we've refunded", "I have reset", "we already opened", "I went ahead and cancelled"
    re.compile(
        rf"\b(?:we|i)(?:'ve|\u2019ve| have| had)?(?: just| already| now| also| successfully)?"
        rf"(?: gone ahead and| went ahead and)?\s+{_DONE}\b",
        re.IGNORECASE,
    ),
    # "your identity has been verified", "your 2FA has now been reset"
    re.compile(
        rf"\byour\s+(?:[\w-]+\s+){{0,3}}(?:(?:has|have|was|were)(?: now| already| just)?"
        rf"(?: been)?|(?:is|are) (?:now|already))\s+{_DONE}\b",
        re.IGNORECASE,
    ),
    # "has been cancelled for you", "is already in your account", "on its way to you"
    re.compile(
        rf"\b(?:has|have) (?:now |already |just )?been\s+{_DONE}\s+(?:for you|on your behalf)\b"
        r"|\bis already (?:in|on|credited to) your (?:account|balance|card)\b"
        r"|\bi(?:'ve|\u2019ve| have) gone ahead\b",
        re.IGNORECASE,
    ),
)
# Conditions, procedures and reported speech describe an action, they do not claim it.
_HEDGE = re.compile(
    r"\b(?:once|after|when|whenever|if|as soon as|until|before|unless|whether|until"
    r"|confirm(?:s|ing)? that|say(?:s|ing)? that|tell(?:s|ing)? you that|to say|to confirm"
    r"|saying|confirming|notif(?:y|ies|ication)|e-?mail (?:that|saying)|means that"
    r"|check (?:that|whether)|make sure|until)\b[^.;:]*$",
    re.IGNORECASE,
)


def action_claims(sentence: str) -> list[str]:
    """The phrases of ``sentence`` that claim an action was done for the customer."""
    found = []
    for pattern in _CLAIMS:
        for match in pattern.finditer(sentence):
            before = sentence[: match.start()]
            quoted = before.count('"') % 2 == 1 or before.count("“") > before.count("”")
            if not quoted and _HEDGE.search(before) is None:
                found.append(match.group())
    return found


def check_action_claims(answer: str, *, action: GuardAction, drop: bool) -> list[Finding]:
    findings = []
    for sentence in split_sentences(answer):
        for phrase in action_claims(sentence.text):
            findings.append(
                Finding("actions", "action_claimed",
                        f"states an action as done for the customer ({phrase!r})",
                        action, sentence.index, drop)
            )  # fmt: skip
    return findings
