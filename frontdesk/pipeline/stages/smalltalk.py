"""Small talk: greetings, thanks, goodbyes, "are you a bot?" get a short friendly reply.

A built-in route (``route: "smalltalk"``, outcome ``answered``, no citations): such a
message is not a question for the knowledge base, so it never produces a knowledge
answer and never counts as a failed turn. A message is small talk only when it is made
of small-talk phrases alone; "hi, how do I reset my password?" goes on to be answered.

Release type ``smalltalk``; params::

    {"replies": {"greeting": "...", ...}, "patterns": {"thanks": ["regex", ...], ...}}

``replies`` rewords the built-in replies; ``patterns`` adds phrases (regular expressions
matched case-insensitively against a whole phrase) to a kind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from frontdesk.domain.conversation import Outcome
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.state import TurnState

ROUTE: Final = "smalltalk"

# When a message mixes kinds ("hi, thanks, bye"), the first kind listed here wins.
KINDS: Final = ("bot", "how_are_you", "goodbye", "thanks", "greeting", "ack")

DEFAULT_REPLIES: Final[Mapping[str, str]] = {
    "greeting": "Hello! How can I help you today?",
    "thanks": "You're welcome! Is there anything else I can help you with?",
    "goodbye": "Thanks for getting in touch. Have a nice day!",
    "bot": (
        "I'm an automated assistant: I answer from our help center, and I can pass "
        "you to a person from our team whenever you ask. How can I help?"
    ),
    "how_are_you": "I'm doing well, thank you! How can I help you today?",
    "ack": "Great! Let me know if there is anything else I can help you with.",
}

# "a real person", "an AI", "a bot": what "are you … (or …)?" asks about.
_WHAT: Final = (
    r"(a |an )?(real |actual )?(bot|robot|human|person|ai|machine|chatbot|computer|automated)"
)

DEFAULT_PATTERNS: Final[Mapping[str, tuple[str, ...]]] = {
    "greeting": (
        r"h(i|ello|ey|iya|owdy|allo)( there| all| team| everyone)?",
        r"good (morning|afternoon|evening|day)",
        r"greetings",
        r"yo",
        r"moin",
        r"dear (support|team|sir|madam|sir or madam)",
        # The other catalogue languages: the reply comes back in the customer's language.
        r"guten (morgen|tag|abend)|servus|grüß gott|bonjour|bonsoir|salut|coucou|hola|"
        r"buen[oa]s (días|dias|tardes|noches)|hoi|goedemorgen|goedemiddag|goedenavond|"
        r"ciao|salve|buongiorno|buonasera|olá|ola|oi|bom dia|boa tarde|boa noite",
    ),
    "thanks": (
        r"(many |big )?thank(s| you)( so much| very much| a lot| again| for (your|the) help)*",
        r"thx|ty|tyvm|cheers|much appreciated|(i )?appreciate (it|that|your help)",
        r"(that|this)('s| is| was)( very| really| super)? (helpful|useful|great|perfect)",
        r"(that|this|it|you)( really| very much)? helped( me)?( a lot| a bunch| loads| so much)?",
        r"(vielen )?dank(e)?( schön| sehr)?|merci( beaucoup)?|(muchas )?gracias|"
        r"(hartelijk )?bedankt|dank (je|u)( wel)?|grazie( mille)?|obrigad[oa]",
    ),
    "goodbye": (
        r"(good)?bye( bye)?|see (you|ya)( later| soon)?|take care|talk (to you )?(later|soon)",
        r"have a (nice|good|great|lovely) (day|evening|weekend|one)",
        r"(that|this)('s| is| was) (all|everything)( for (now|today))?|nothing else",
        r"tschüss|tschüs|auf wiedersehen|au revoir|à bientôt|adiós|adios|hasta luego|"
        r"tot ziens|doei|arrivederci|tchau|até logo",
    ),
    "bot": (
        rf"(are|r) (you|u) {_WHAT}( or {_WHAT})?",
        rf"(am i|are we) (talking|chatting|speaking) (to|with) {_WHAT}( or {_WHAT})?",
        rf"is (this|that) {_WHAT}( or {_WHAT})?",
        r"who (are|r) (you|u)|what (are|r) (you|u)",
    ),
    "how_are_you": (
        r"how (are|r) (you|u)( doing)?( today)?|how('s| is) it going|how do you do",
        r"what'?s up|sup",
    ),
    "ack": (
        r"ok(ay)?|k|kk|great|perfect|cool|nice|awesome|excellent|fine|good|alright|all right",
        r"got it|understood|sounds good|makes sense|i see|sure|no problem|np",
    ),
}

_SEPARATORS = re.compile(r"^[\W_]+")  # punctuation, spaces, emoji between phrases


@dataclass
class SmalltalkRouter:
    name: str
    replies: dict[str, str] = field(default_factory=dict)
    patterns: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for kind in (*self.replies, *self.patterns):
            if kind not in KINDS:
                raise ValueError(f"unknown small-talk kind {kind!r} (known: {', '.join(KINDS)})")
        for kind, text in self.replies.items():
            if not text.strip():
                raise ValueError(f"small-talk reply for {kind!r} must not be empty")
        self._replies = {**DEFAULT_REPLIES, **self.replies}
        self._matcher = SmalltalkMatcher(
            {kind: (*DEFAULT_PATTERNS[kind], *self.patterns.get(kind, ())) for kind in KINDS}
        )

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        kind = self._matcher.kind_of(state.text)
        if kind is None:
            return StageReport(detail={"smalltalk": None})
        state.answer, state.citations = self._replies[kind], []
        state.confidence = 1.0
        state.outcome = Outcome.ANSWERED
        state.details.update(route=ROUTE, smalltalk=kind)
        return StageReport(flags=[kind], detail={"smalltalk": kind, "route": ROUTE})


class SmalltalkMatcher:
    """Says which kind of small talk a whole message is, or ``None`` for anything else."""

    def __init__(self, patterns: Mapping[str, Sequence[str]]) -> None:
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        for kind, alternatives in patterns.items():
            for pattern in alternatives:
                try:
                    # A phrase must end at a word boundary: "hi" must not eat "his".
                    compiled = re.compile(rf"(?:{pattern})(?!\w)", re.IGNORECASE)
                except re.error as exc:
                    raise ValueError(f"small-talk pattern {pattern!r} ({kind}): {exc}") from exc
                self._patterns.append((kind, compiled))

    def kind_of(self, text: str) -> str | None:
        rest = _strip_separators(text)
        if not rest:
            return None  # nothing but punctuation: not a greeting
        found: set[str] = set()
        while rest:
            match = self._longest_phrase(rest)
            if match is None:
                return None  # something that is not small talk: a real message
            kind, length = match
            found.add(kind)
            rest = _strip_separators(rest[length:])
        return next(kind for kind in KINDS if kind in found)

    def _longest_phrase(self, text: str) -> tuple[str, int] | None:
        best: tuple[str, int] | None = None
        for kind, pattern in self._patterns:
            match = pattern.match(text)
            if match and match.end() > 0 and (best is None or match.end() > best[1]):
                best = (kind, match.end())
        return best


def _strip_separators(text: str) -> str:
    return _SEPARATORS.sub("", text, count=1)
