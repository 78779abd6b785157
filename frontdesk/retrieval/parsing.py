"""Markdown, HTML and plain text to a flat list of blocks under headings (stdlib only).

A :class:`ParsedDocument` is what chunking consumes: a title and blocks in reading order,
each a heading (with its level) or a body block (paragraph, list, table, code). Markdown and
plain-text blocks keep their character span in the source; HTML blocks do not (-1).

Only text a reader sees is kept from HTML: hidden elements (see
:mod:`frontdesk.retrieval.hidden`) are how a page smuggles instructions past reviewers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

from frontdesk.retrieval.hidden import HiddenDepth, hidden_classes, is_hidden

BlockKind = Literal["heading", "text", "list", "table", "code"]


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # headings: 1..6
    start: int = -1  # character span in the source, end exclusive; -1 when unknown
    end: int = -1


@dataclass(slots=True)
class ParsedDocument:
    title: str
    blocks: list[Block] = field(default_factory=list)
    hidden: int = 0  # hidden elements and comments left out


_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST = re.compile(r"^ {0,3}(?:[-*+]|\d{1,3}[.)])[ \t]+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|`)")


def clean_inline(text: str) -> str:
    """Markdown inline syntax to readable text: links keep their label, images drop."""
    text = _LINK.sub(lambda m: "" if m.group(0).startswith("!") else m.group(1), text)
    return _EMPHASIS.sub("", text).strip()


def parse_markdown(text: str) -> ParsedDocument:
    """Headings (ATX and setext), fenced code, lists, tables and paragraphs, in order."""
    title = ""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    i = 0
    if lines and lines[0].strip() == "---":  # YAML front matter: keep its title only
        for j in range(1, len(lines)):
            if lines[j].strip() in ("---", "..."):
                for meta in lines[1:j]:
                    key, _, value = meta.partition(":")
                    if key.strip().lower() == "title":
                        title = value.strip().strip("\"'")
                i = j + 1
                break
    blocks: list[Block] = []
    para: list[int] = []

    def flush() -> None:
        if not para:
            return
        raw = "".join(lines[k] for k in para)
        first = lines[para[0]].lstrip()
        kind: BlockKind = "text"
        if _LIST.match(first):
            kind = "list"
        elif first.startswith("|"):
            kind = "table"
        if kind == "text":
            body = clean_inline(" ".join(raw.split()))
        else:
            body = "\n".join(clean_inline(lines[k]) for k in para)
        if body:
            blocks.append(Block(kind, body, 0, offsets[para[0]], offsets[para[-1] + 1]))
        para.clear()

    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            flush()
            marker, start = fence.group(1), i
            i += 1
            while i < len(lines) and not lines[i].lstrip().startswith(marker):
                i += 1
            code = "".join(lines[start + 1 : i]).rstrip("\n")
            end = offsets[min(i + 1, len(lines))]
            if code.strip():
                blocks.append(Block("code", code, 0, offsets[start], end))
            i += 1
            continue
        atx = _ATX.match(line)
        if atx:
            flush()
            heading = clean_inline(atx.group(2))
            if heading:
                level = len(atx.group(1))
                blocks.append(Block("heading", heading, level, offsets[i], offsets[i + 1]))
            i += 1
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and not para and _SETEXT.match(nxt) and not _LIST.match(line):
            level = 1 if nxt.strip().startswith("=") else 2
            blocks.append(Block("heading", clean_inline(line), level, offsets[i], offsets[i + 2]))
            i += 2
            continue
        if not line.strip():
            flush()
        elif para and _LIST.match(line) and not _LIST.match(lines[para[0]]):
            flush()
            para.append(i)
        else:
            para.append(i)
        i += 1
    flush()
    if not title:
        title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), "")
    return ParsedDocument(title, blocks)


def parse_plain(text: str) -> ParsedDocument:
    """Paragraphs separated by blank lines; no headings."""
    blocks = [
        Block("text", " ".join(m.group(0).split()), 0, m.start(), m.end())
        for m in re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", text)
    ]
    return ParsedDocument("", [b for b in blocks if b.text])


_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "nav", "footer", "head"})
_BLOCK = frozenset(
    "p div li pre blockquote td th dt dd section article main header aside tr table ul ol dl "
    "br hr form figure figcaption details summary".split()
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


class _HtmlBlocks(HTMLParser):
    def __init__(self, classes: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.classes = classes
        self.hidden = HiddenDepth()
        self.hidden_count = 0
        self.title = ""
        self.blocks: list[Block] = []
        self._skip = 0
        self._in_title = False
        self._pre = 0
        self._heading = 0
        self._list = 0
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hidden.start(tag, tag not in _SKIP and is_hidden(tag, attrs, self.classes)):
            self.hidden_count += 1
            return
        if self.hidden.active:
            return
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip += 1
        elif tag in _HEADINGS:
            self._flush()
            self._heading = _HEADINGS[tag]
        elif tag in _BLOCK:
            self._flush()
            if tag == "pre":
                self._pre += 1
            if tag == "li":
                self._list += 1

    def handle_endtag(self, tag: str) -> None:
        if self.hidden.active:
            self.hidden.end(tag)
            return
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _HEADINGS or tag in _BLOCK:
            self._flush()
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            if tag == "li":
                self._list = max(0, self._list - 1)

    def handle_comment(self, data: str) -> None:
        self.hidden_count += 1

    def handle_data(self, data: str) -> None:
        if self.hidden.active:
            return
        if self._in_title:
            self.title += data
        elif not self._skip:
            self._buf.append(data)

    def _flush(self) -> None:
        raw = "".join(self._buf)
        self._buf.clear()
        kind: BlockKind
        if self._pre:
            text, kind = raw.strip("\n"), "code"
        else:
            text, kind = " ".join(raw.split()), ("list" if self._list else "text")
        if not text.strip():
            return
        if self._heading:
            self.blocks.append(Block("heading", text, self._heading))
            self._heading = 0
        else:
            self.blocks.append(Block(kind, text))


def parse_html(html: str) -> ParsedDocument:
    """Visible text of an HTML page as blocks; scripts, styles, nav, footer and hidden
    elements dropped."""
    parser = _HtmlBlocks(hidden_classes(html))
    parser.feed(html)
    parser.close()
    parser._flush()
    title = " ".join(parser.title.split())
    if not title:
        title = next((b.text for b in parser.blocks if b.kind == "heading" and b.level == 1), "")
    return ParsedDocument(title, parser.blocks, parser.hidden_count)
