"""Which HTML a reader never sees: the test for hidden elements, and its removal from
Markdown (which may embed raw HTML).

An element is hidden when it has the ``hidden`` attribute, ``aria-hidden="true"``, is an
``<input type=hidden>``, carries a class the page's own ``<style>`` hides (or a common
utility class such as ``sr-only``), or an inline style that hides it: ``display:none``,
``visibility:hidden``, zero font size, zero opacity, transparent colour, a zero-height
box with overflow hidden, or a far off-screen position. Comments are hidden too, except
the ``<!-- url: … -->`` convention that names an article's public address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Never shown as text: their content is code, templates or fallbacks.
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "object", "iframe"})
VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
UTILITY_CLASSES = frozenset(
    {"hidden", "d-none", "invisible", "sr-only", "visually-hidden", "screen-reader-text"}
)
URL_COMMENT = re.compile(r"^\s*url:\s*\S+\s*$", re.IGNORECASE)

_ZERO = r"0*(?:\.0+)?(?:px|pt|em|rem|%|vh|vw)?"
_HIDING_STYLE = re.compile(
    rf"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)"
    rf"|font-size\s*:\s*{_ZERO}\s*(?:!important)?\s*(?:;|$)"
    rf"|opacity\s*:\s*{_ZERO}\s*(?:!important)?\s*(?:;|$)"
    rf"|(?<![\w-])color\s*:\s*transparent"
    rf"|(?:left|top|right|text-indent|margin-left)\s*:\s*-\d{{4,}}"
    rf"|transform\s*:\s*scale\(\s*0(?:\.0+)?\s*\)"
    rf"|clip\s*:\s*rect\(\s*0",
    re.IGNORECASE,
)
_ZERO_BOX = re.compile(rf"(?:^|;)\s*(?:max-)?(?:height|width)\s*:\s*{_ZERO}\s*(?:;|$)", re.I)
_OVERFLOW_HIDDEN = re.compile(r"overflow\s*:\s*hidden", re.IGNORECASE)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CLASS_SELECTOR = re.compile(r"^\s*[a-z0-9]*\.([\w-]+)\s*$", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)


def hiding_style(style: str) -> bool:
    """Does this CSS declaration list hide the element's text?"""
    if _HIDING_STYLE.search(style):
        return True
    return bool(_ZERO_BOX.search(style) and _OVERFLOW_HIDDEN.search(style))


def hidden_classes(html: str) -> frozenset[str]:
    """Classes the page's own ``<style>`` blocks hide (``.note{display:none}``)."""
    found: set[str] = set(UTILITY_CLASSES)
    for block in _STYLE_BLOCK.findall(html):
        for selectors, body in _CSS_RULE.findall(block):
            if hiding_style(body):
                for selector in selectors.split(","):
                    match = _CLASS_SELECTOR.match(selector)
                    if match:
                        found.add(match.group(1).lower())
    return frozenset(found)


def is_hidden(tag: str, attrs: list[tuple[str, str | None]], classes: frozenset[str]) -> bool:
    """Is an element with these attributes invisible to a reader?"""
    if tag in INVISIBLE_TAGS:
        return True
    for name, value in attrs:
        value = value or ""
        if name == "hidden":
            return True
        if name == "aria-hidden" and value.strip().lower() == "true":
            return True
        if name == "type" and tag == "input" and value.strip().lower() == "hidden":
            return True
        if name == "style" and hiding_style(value):
            return True
        if name == "class" and classes.intersection(value.lower().split()):
            return True
    return False


@dataclass(slots=True)
class HiddenDepth:
    """Tracks whether the parser is inside a hidden element: the hidden element's tag
    and how many same-named elements are open inside it."""

    tag: str = ""
    depth: int = 0

    @property
    def active(self) -> bool:
        return self.depth > 0

    def start(self, tag: str, hidden: bool) -> bool:
        """Call on every start tag; True when this element begins a hidden subtree."""
        if tag in VOID_TAGS:
            return False
        if self.active:
            if tag == self.tag:
                self.depth += 1
            return False
        if hidden:
            self.tag, self.depth = tag, 1
            return True
        return False

    def end(self, tag: str) -> None:
        if self.active and tag == self.tag:
            self.depth -= 1


class _MarkupStripper(HTMLParser):
    """Re-emits its input unchanged except for hidden elements and comments."""

    def __init__(self, classes: frozenset[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.classes = classes
        self.out: list[str] = []
        self.removed = 0
        self._hidden = HiddenDepth()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden.start(tag, is_hidden(tag, attrs, self.classes)):
            self.removed += 1
        elif not self._hidden.active and not (
            tag in VOID_TAGS and is_hidden(tag, attrs, self.classes)
        ):
            self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._hidden.active and not is_hidden(tag, attrs, self.classes):
            self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        was_hidden = self._hidden.active
        self._hidden.end(tag)
        if not was_hidden:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._hidden.active:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if not self._hidden.active:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self._hidden.active:
            self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        if URL_COMMENT.match(data) and not self._hidden.active:
            self.out.append(f"<!--{data}-->")
        else:
            self.removed += 1

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.removed += 1  # <![CDATA[…]]> is not rendered in HTML


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?$(?:.*?^ {0,3}\1[ \t]*$|.*\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S+.*$\n?", re.M)


def strip_hidden_markup(markdown: str) -> tuple[str, int]:
    """Markdown without the raw HTML a reader would not see (comments except the url
    convention, hidden elements, scripts) nor link-definition lines (the ``[//]: # (…)``
    comment idiom). Code blocks and code spans are left exactly as written: they are
    shown to the reader."""
    kept: list[str] = []

    def protect(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\ue000{len(kept) - 1}\ue001"

    text = _FENCE.sub(protect, markdown)
    text = _CODE_SPAN.sub(protect, text)
    text, definitions = _LINK_DEFINITION.subn("", text)
    removed = definitions
    if "<" in text:
        stripper = _MarkupStripper(hidden_classes(text))
        stripper.feed(text)
        stripper.close()
        text = "".join(stripper.out) + stripper.rawdata
        removed += stripper.removed
    for number, original in enumerate(kept):
        text = text.replace(f"\ue000{number}\ue001", original, 1)
    return text, removed
