"""What the customer says they do not have, and which sentences assume they do.

"no authenticator code and i never saved the backup codes, how do i get back in" is
closest in words and meaning to the article's first option ("Enter one of your backup
codes"), which is exactly what this customer cannot do; the answer is the option for
people without them ("If you have no backup codes, contact support"). The customer's
premise decides between them: a sentence that names a thing the customer lacks *and*
speaks of lacking it fits; one that names it as something to use does not. English only,
like the generator's word matching.
"""

from __future__ import annotations

import re

from frontdesk.retrieval.text import analyze

# "no X", "never saved the X", "don't have my X", "lost my X", "without an X",
# "forgot my X", "can't find the X": X (up to two words) is what the customer lacks.
_LACKING = re.compile(
    r"\b(?:no(?! (?:longer|one|matter|idea)\b)|without|lost|forgot(?:ten)?"
    r"|never (?:saved|had|got|kept|wrote down|set up|received)"
    r"|(?:don'?t|do not|didn'?t|did not|never|no longer|can'?t|cannot|can not)"
    r" (?:have|has|had|save|saved|keep|kept|remember|know|find|access|use)"
    r")(?: (?:the|my|a|an|any|our|their|those|these|its))? ([a-z0-9-]+)(?: ([a-z0-9-]+))?",
    re.I,
)
# A sentence speaking of not having something: it addresses the customer's case.
_LACK_SAID = re.compile(
    r"\b(?:no|without|lost|forgot(?:ten)?|don'?t have|do not have|can'?t use|cannot use"
    r"|can'?t access|cannot access|never received|deleted|missing)\b",
    re.I,
)


Lacked = tuple[frozenset[str], ...]


def lacking(question: str) -> Lacked:
    """What the question says the customer does not have: each thing as its analysed
    terms ("the backup codes" -> {backup, code})."""
    things: list[frozenset[str]] = []
    for match in _LACKING.finditer(question):
        terms = frozenset(analyze(" ".join(w for w in match.groups() if w)))
        if terms and terms not in things:
            things.append(terms)
    return tuple(things)


def premise_fit(sentence: str, lacked: Lacked) -> int:
    """+1: the sentence names a lacked thing (all its terms) and speaks of lacking it; -1:
    it names one as something the customer has; 0: it names none."""
    terms = set(analyze(sentence))
    if not any(thing <= terms for thing in lacked):
        return 0
    return 1 if _LACK_SAID.search(sentence) else -1
