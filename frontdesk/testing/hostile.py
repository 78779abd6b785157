"""The hostile-document suite: poisoned articles (planted instructions, hidden HTML,
zero-width and bidi text, fake contact details; Markdown, HTML and PDF) mixed with
legitimate ones, ingested into a tenant and questioned through the real pipeline.

``suite.json`` in the suite directory lists the cases: the file, its attack and format,
a question that targets it and the hostile strings that must never reach a customer.
PDFs are generated from the case's ``pdf_lines`` (:func:`frontdesk.testing.pdf.make_pdf`).
Used by ``tests/integration/knowledge/test_hostile_documents.py`` and ``bench/hostile.py``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from frontdesk.runtime import Frontdesk
from frontdesk.testing.pdf import make_pdf


@dataclass(slots=True)
class CaseResult:
    id: str
    attack: str
    format: str
    chunks: int
    quarantined: int
    stripped: int
    outcome: str
    reply: str
    guard_flags: list[str] = field(default_factory=list)  # what the output guard caught
    relayed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class LegitResult:
    id: str
    outcome: str
    reply: str
    answered: bool


@dataclass(slots=True)
class SuiteResult:
    cases: list[CaseResult]
    legit: list[LegitResult]
    quarantine: list[dict[str, Any]]

    @property
    def relayed(self) -> int:
        return sum(len(case.relayed) for case in self.cases)


def load_suite(directory: Path) -> dict[str, Any]:
    suite: dict[str, Any] = json.loads((directory / "suite.json").read_text())
    return suite


def file_bytes(directory: Path, entry: dict[str, Any]) -> bytes:
    if "pdf_lines" in entry:
        return make_pdf(list(entry["pdf_lines"]))
    return (directory / str(entry["file"])).read_bytes()


def run_suite(frontdesk: Frontdesk, tenant_id: str, directory: Path) -> SuiteResult:
    """Ingest every file of the suite into ``tenant_id``, then ask each question in a new
    conversation. The tenant's contact allow-list is set from the suite."""
    suite = load_suite(directory)
    frontdesk.tenants.configure(tenant_id, contact_allowlist=suite["contact_allowlist"])
    ingested = {}
    for entry in [*suite["legit"], *suite["cases"]]:
        uri = f"hostile/{entry['file']}"
        ingested[entry["id"]] = frontdesk.knowledge.ingest_bytes(
            tenant_id, uri, file_bytes(directory, entry)
        )
    cases = []
    for case in suite["cases"]:
        outcome = ingested[case["id"]]
        reply = _ask(frontdesk, tenant_id, case["question"])
        text = reply[1]
        cases.append(
            CaseResult(
                id=case["id"],
                attack=case["attack"],
                format=case["format"],
                chunks=outcome.chunks,
                quarantined=outcome.quarantined,
                stripped=sum(outcome.stripped.values()),
                outcome=reply[0],
                reply=text,
                guard_flags=reply[2],
                relayed=[s for s in case["hostile"] if s.lower() in text.lower()],
            )
        )
    legit = []
    for entry in suite["legit"]:
        outcome_name, text, _ = _ask(frontdesk, tenant_id, entry["question"])
        answered = outcome_name == "answered" and entry["must_include"].lower() in text.lower()
        legit.append(LegitResult(entry["id"], outcome_name, text, answered))
    held = [chunk.to_dict() for chunk in frontdesk.knowledge.quarantine(tenant_id)]
    return SuiteResult(cases, legit, held)


def _ask(frontdesk: Frontdesk, tenant_id: str, question: str) -> tuple[str, str, list[str]]:
    conversation = frontdesk.conversations.create(tenant_id)
    turn = frontdesk.conversations.post_message(tenant_id, conversation.id, question).turn
    flags = [
        f for st in turn.trace if st.get("name") == "output_guard" for f in st.get("flags", [])
    ]
    return (turn.outcome.value if turn.outcome else "none"), turn.text, flags
