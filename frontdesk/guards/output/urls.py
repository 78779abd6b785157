"""URLs in the answer must come from what it cites: a passage's text or its address.

A link the sources do not contain was invented or planted (a phishing page); either way
the customer should not be sent there.
"""

from __future__ import annotations

from frontdesk.guards.output.entities import mentions, urls
from frontdesk.guards.output.text import split_sentences
from frontdesk.guards.types import Finding, GuardAction, OutputCheckInput


def check_urls(item: OutputCheckInput, *, action: GuardAction, drop: bool) -> list[Finding]:
    sources = " ".join(f"{p.text} {p.url or ''}" for p in item.cited)
    findings = []
    for sentence in split_sentences(item.answer):
        for url in urls(sentence.text):
            if not mentions(sources, url):
                findings.append(
                    Finding("urls", "url_not_in_sources",
                            f"links to {url.key!r}, which the cited passages do not contain",
                            action, sentence.index, drop)
                )  # fmt: skip
    return findings
