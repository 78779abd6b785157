"""Every citation must point at a chunk retrieved for this turn."""

from __future__ import annotations

from frontdesk.guards.output.text import citation_markers, split_sentences
from frontdesk.guards.types import Finding, GuardAction, OutputCheckInput


def check_citations(item: OutputCheckInput, *, require: bool) -> list[Finding]:
    findings: list[Finding] = []
    for passage in item.cited:
        if passage.chunk_id not in item.retrieved_ids:
            findings.append(
                Finding(
                    "citations",
                    "citation_not_retrieved",
                    f"cites chunk {passage.chunk_id!r}, which was not retrieved for this turn",
                    GuardAction.HANDOFF,
                )
            )
    numbers = {p.number for p in item.cited if p.number is not None}
    for sentence in split_sentences(item.answer):
        for marker in citation_markers(sentence.text):
            if marker not in numbers:
                findings.append(
                    Finding(
                        "citations",
                        "citation_unknown_marker",
                        f"marker [{marker}] matches no cited passage",
                        GuardAction.HANDOFF,
                        sentence.index,
                    )
                )
    if require and item.answer.strip() and not item.cited:
        findings.append(
            Finding("citations", "no_citation", "the answer cites nothing", GuardAction.FLAG)
        )
    return findings
