"""Text a model must copy exactly, kept out of its reach as placeholders.

Menu paths ("Settings > Account > Delete account") exist only in the language the product
and its help center are written in, so a translated path names a menu the customer cannot
find; a phone number must be dialled as written. Told to copy them, Qwen2.5-Coder-1.5B
still translated menu names (even as inline code) and wrote a phone number of its own; as
template placeholders (``{menu1}``, ``{phone1}``), which a code model copies, they survive,
and go back in afterwards. A placeholder the model made up is removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Two or more labels joined by " > ", each a capitalised word and up to two lower-case
# ones that are not the sentence's own small words ("Settings > Account and select ...")
_WORD = r"[^\s>.,;:!?()\[\]*\"]+"
_LOWER = r"[a-z\u00df-\u00ff][^\s>.,;:!?()\[\]*\"]*"
_SMALL = (
    r"(?:and|or|to|then|select|choose|click|tap|open|in|on|at|the|a|an|for|from|with"
    r"|before|after|if|when|you|your|is|are|of|it|this|that)\b"
)
_LABEL = rf"[A-Z\u00c0-\u00de]{_WORD[:-1]}*(?: (?!{_SMALL}){_LOWER}){{0,2}}"
PATH = re.compile(rf"{_LABEL}(?: > {_LABEL})+")
# International numbers ("+49 30 5550 1420", "+1 (555) 010-0199"): a date or an amount
# never starts with "+"
PHONE = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ \-]?\(?\d{1,5}\)?){2,6}(?!\d)")
_PLACEHOLDER = re.compile(r"`?\{\s*(menu|phone)\s*(\d+)\s*\}`?")


@dataclass(frozen=True, slots=True)
class Verbatim:
    """The menu paths and phone numbers of some texts, each with its placeholder."""

    items: tuple[tuple[str, str], ...] = ()  # (placeholder name, text), e.g. ("menu1", ...)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Verbatim:
        texts = list(texts)
        found: list[tuple[str, str]] = []
        for kind, pattern in (("menu", PATH), ("phone", PHONE)):
            distinct = dict.fromkeys(m.strip() for t in texts for m in pattern.findall(t))
            found += [(f"{kind}{n}", value) for n, value in enumerate(distinct, start=1)]
        return cls(tuple(found))

    def protect(self, text: str) -> str:
        """Each value in ``text`` as its placeholder; longer values first, so a path that
        extends another is not cut."""
        for name, value in sorted(self.items, key=lambda item: -len(item[1])):
            text = text.replace(value, f"{{{name}}}")
        return text

    def unknown(self, text: str) -> list[str]:
        """Placeholders in ``text`` that name nothing here: the model claims a menu or a
        phone number its passages do not have."""
        names = {name for name, _ in self.items}
        found = _PLACEHOLDER.finditer(text)
        return [m.group(0) for m in found if f"{m.group(1)}{m.group(2)}" not in names]

    def restore(self, text: str) -> str:
        """Placeholders back as their values (with stray backticks or spaces a model
        added); one that names nothing is dropped."""
        values = dict(self.items)

        def back(match: re.Match[str]) -> str:
            return values.get(f"{match.group(1)}{match.group(2)}", "")

        return re.sub(r"  +", " ", _PLACEHOLDER.sub(back, text))
