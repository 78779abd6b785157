"""The export: approved pairs → redacted, grounded, deduplicated, leak-checked chat rows.

Every question and answer goes through the release's input guard redaction (the tenant's
listed names included); a text the guard fails on is dropped, never exported as it was.
The context is what the release's retrieval stage would pass on for the redacted question
(tickets never are); an answer rated thumbs-up that cites passages gets its cited passages
at their numbers, so its ``[n]`` still points at the right one. A question that repeats an
evaluation row (exactly or nearly, after :func:`~frontdesk.finetune.matching.normalise`)
is dropped as a leak; one that repeats an earlier row of the export, as a duplicate.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from frontdesk.errors import ConfigurationError, InvalidInputError
from frontdesk.finetune.formats import FORMATS, ChatExample, ContextPassage, render
from frontdesk.finetune.matching import EvalText, NearMatcher, jsonl_texts, normalise
from frontdesk.finetune.sources import SOURCE_KINDS, Candidate, collect
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.stages.evidence import TICKET_HEADROOM, separate
from frontdesk.pipeline.stages.guards import InputGuardStage
from frontdesk.pipeline.stages.retrieve import KnowledgeRetriever
from frontdesk.storage.db import Database
from frontdesk.storage.repos import finetune as repo
from frontdesk.storage.repos import releases as releases_repo

_Stage = TypeVar("_Stage")
Redact = Callable[[str], str | None]
"""The text with PII replaced, or ``None`` when the guard could not check it."""
Search = Callable[[str], list[ContextPassage]]
_LISTED_LEAKS = 20


@dataclass(slots=True)
class ExportReport:
    """What the export wrote and dropped. ``leaks`` lists the first dropped rows by source
    and the evaluation row they repeat (ids only: no customer text in a report)."""

    tenant: str
    format: str
    candidates: int = 0
    rows_written: int = 0
    duplicates_dropped: int = 0
    leaks_dropped: int = 0
    unredacted_dropped: int = 0
    pii_redacted: int = 0
    eval_rows: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    leaks: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FinetuneExporter:
    def __init__(self, database: Database, redact: Redact, search: Search) -> None:
        self._db = database
        self._redact = redact
        self._search = search

    def export(
        self, tenant_id: str, tenant: str, format_name: str, eval_texts: Sequence[EvalText]
    ) -> tuple[list[dict[str, Any]], ExportReport]:
        """The JSONL records and the report; nothing is written here."""
        if format_name not in FORMATS:
            raise InvalidInputError(
                f"unknown format {format_name!r}: use {' or '.join(FORMATS)}", field="format"
            )
        started = time.perf_counter()
        report = ExportReport(tenant=tenant, format=format_name, eval_rows=len(eval_texts))
        matcher = NearMatcher(self._redacted_eval(eval_texts))
        candidates = collect(self._db, tenant_id)
        report.candidates = len(candidates)
        seen: set[str] = set()
        kept: list[tuple[Candidate, str, str]] = []
        for candidate in candidates:
            question, answer = self._redact(candidate.question), self._redact(candidate.answer)
            if question is None or answer is None:
                report.unredacted_dropped += 1
                continue
            if (question, answer) != (candidate.question, candidate.answer):
                report.pii_redacted += 1
            leak = matcher.match(question)
            if leak is not None:
                report.leaks_dropped += 1
                if len(report.leaks) < _LISTED_LEAKS:
                    report.leaks.append(
                        {"source": candidate.source, "eval_id": leak.eval_id, "match": leak.kind}
                    )
                continue
            key = normalise(question)
            if key in seen:
                report.duplicates_dropped += 1
                continue
            seen.add(key)
            kept.append((candidate, question, answer))
        rows = [render(format_name, tenant, self._example(tenant_id, c, q, a)) for c, q, a in kept]
        counts = Counter(c.source.partition(":")[0] for c, _, _ in kept)
        report.by_source = {kind: counts.get(kind, 0) for kind in SOURCE_KINDS}
        report.rows_written = len(rows)
        report.seconds = round(time.perf_counter() - started, 3)
        return rows, report

    def _redacted_eval(self, texts: Sequence[EvalText]) -> Iterator[EvalText]:
        for item in texts:
            yield item
            redacted = self._redact(item.text)
            if redacted is not None and redacted != item.text:
                yield EvalText(item.id, redacted)  # compared as the export's rows are

    def _example(
        self, tenant_id: str, candidate: Candidate, question: str, answer: str
    ) -> ChatExample:
        passages = self._search(question)
        if candidate.cited:
            passages = self._with_cited(tenant_id, candidate.cited, passages)
        return ChatExample(candidate.source, question, answer, tuple(passages))

    def _with_cited(
        self,
        tenant_id: str,
        cited: tuple[tuple[int, str], ...],
        found: list[ContextPassage],
    ) -> list[ContextPassage]:
        with self._db.transaction() as session:
            chunks = repo.chunk_texts(session, tenant_id, [chunk_id for _, chunk_id in cited])
        by_id = {c.chunk_id: ContextPassage(c.title, c.text) for c in chunks}
        slots = {n: by_id[chunk_id] for n, chunk_id in cited if chunk_id in by_id}
        if not slots:
            return found
        rest = iter(p for p in found if p not in slots.values())
        size = max(len(found), max(slots))
        placed = [slots.get(n) or next(rest, None) for n in range(1, size + 1)]
        return [p for p in placed if p is not None]


def stored_eval_texts(database: Database, tenant_id: str) -> list[EvalText]:
    """The tenant's stored evaluation set (``releases eval-set``), or nothing."""
    with database.transaction() as session:
        rows = releases_repo.eval_set(session, tenant_id)
    return [] if rows is None else jsonl_texts("eval set", rows)


def export_finetune(
    database: Database,
    pipeline: Pipeline,
    tenant_id: str,
    tenant: str,
    format_name: str,
    eval_texts: Sequence[EvalText],
) -> tuple[list[dict[str, Any]], ExportReport]:
    """Export with the redaction and retrieval of ``pipeline`` (the running release)."""
    guard = _stage(pipeline, InputGuardStage, "an input guard")
    retriever = _stage(pipeline, KnowledgeRetriever, "a knowledge retrieval")
    guard.warm_up()
    retriever.warm_up()
    names = guard.names_of(tenant_id)
    # Headroom: Unicode normalisation inside the guard can lengthen a text a little.
    limit = int(guard.guards.policy.max_chars * 0.9)

    def redact(text: str) -> str | None:
        parts = []
        for piece, gap in _pieces(text, limit):
            result = guard.guards.check(piece, names=names)
            if "guard_error" in result.flags:
                return None
            parts.append(result.redacted_text + gap)
        return "".join(parts).strip()

    def search(question: str) -> list[ContextPassage]:
        found = retriever.knowledge.search(tenant_id, question, retriever.top_k + TICKET_HEADROOM)
        served = separate(found, retriever.top_k).served
        return [ContextPassage(p.title, p.text) for p in served]

    exporter = FinetuneExporter(database, redact, search)
    return exporter.export(tenant_id, tenant, format_name, eval_texts)


def _stage(pipeline: Pipeline, kind: type[_Stage], what: str) -> _Stage:
    for stage in pipeline.stages:
        if isinstance(stage, kind):
            return stage
    raise ConfigurationError(f"release {pipeline.release_id} has no {what} stage")


def _pieces(text: str, limit: int) -> Iterator[tuple[str, str]]:
    """``text`` in pieces the guard accepts (at most ``limit`` characters, cut at a line
    break or a space), each with the whitespace it was cut at."""
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        yield rest[:cut], rest[cut] if rest[cut].isspace() else ""
        rest = rest[cut:].strip()
    if rest:
        yield rest, ""
