"""The demo eval set's non-English rows through a release: what bench/multilingual.py
(extractive citations) and bench/multilingual_llm.py (LLM answers) measure.

The demo help center (English) is ingested into a fresh tenant once per data directory
(reused across runs: the multilingual passage vectors are kept with it). Each row runs
through screen + answer as ``frontdesk eval`` runs it, with the multilingual index built
first (``multilingual_wait_s=None``); besides the eval verdict, a hook after every stage
keeps the last citations the turn had, so a citation is scored whatever the decide stage
did with it, and the reply's language is detected.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import bench_settings

from frontdesk import Frontdesk
from frontdesk.cli.server import DEMO_SOURCES
from frontdesk.domain.catalogue import CATALOGUE_LANGUAGES
from frontdesk.domain.conversation import Citation, Outcome
from frontdesk.evaluation import (
    EvalRow,
    Reply,
    RowResult,
    database_sources,
    judge,
    load_rows,
)
from frontdesk.evaluation.scoring import CitedSource, gold_matches
from frontdesk.guards.chat_language import ChatLanguageDetector
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.state import TurnState
from frontdesk.releases.config import ReleaseConfig

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-helpcenter"
TENANT = "demo-helpcenter"
_MARKER = re.compile(r"\[\d+(?:,\s*\d+)*\]")


def multilingual_rows() -> list[EvalRow]:
    return [r for r in load_rows(DEMO / "eval.jsonl") if r.kind == "multilingual"]


@dataclass(frozen=True, slots=True)
class RowRun:
    result: RowResult
    cited: tuple[CitedSource, ...]  # the last citations of the turn, before decide
    reply_language: str | None  # detected in the reply text
    state_reply_language: str | None  # what the pipeline decided to reply in
    llm_ms: float | None
    # The language model's own answer, before the output guard and decide stages (None
    # when it fell back or was not asked): correct (every must_include group) and its
    # language.
    llm_answer: str | None = None
    llm_correct: bool | None = None
    llm_language: str | None = None

    @property
    def citation_correct(self) -> bool:
        return any(gold_matches(g, c) for g in self.result.row.gold_docs for c in self.cited)

    @property
    def in_language(self) -> bool:
        return self.reply_language == self.result.row.lang


@contextmanager
def demo_frontdesk(data_dir: Path, release: ReleaseConfig) -> Iterator[tuple[Frontdesk, str]]:
    """A Frontdesk over ``data_dir`` with the demo help center ingested (once)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = Frontdesk(bench_settings(data_dir), release=release)
    try:
        fd.init()
        names = {t.name: t.id for t in fd.tenants.list_tenants()}
        if TENANT in names:
            tenant_id = names[TENANT]
        else:
            tenant_id = fd.tenants.create_tenant(TENANT).id
            sources = [DEMO / name for name in DEMO_SOURCES if (DEMO / name).exists()]
            fd.knowledge.ingest_paths(tenant_id, sources)
        yield fd, tenant_id
    finally:
        fd.close()


class RowRunner:
    """Runs rows through one release's pipeline over the demo tenant."""

    def __init__(self, fd: Frontdesk, tenant_id: str, release: ReleaseConfig) -> None:
        self.fd = fd
        self.tenant_id = tenant_id
        self.pipeline: Pipeline = fd.registry.build_pipeline(release, fd.resources)
        self.pipeline.warm_up()
        self.sources = database_sources(fd.database)
        self.detector = ChatLanguageDetector(CATALOGUE_LANGUAGES)

    def close(self) -> None:
        self.pipeline.close()

    def run(self, row: EvalRow) -> RowRun:
        last: list[Citation] = []
        written: list[str] = []

        def keep(state: TurnState) -> None:
            if state.citations:
                last[:] = state.citations
            llm = state.details.get("llm")
            if not written and isinstance(llm, dict) and llm.get("provider"):
                written.append(state.answer)  # right after the LLM generator

        after: dict[str, Any] = {stage.name: keep for stage in self.pipeline.answer_stages}
        started = time.perf_counter()
        state = TurnState(tenant_id=self.tenant_id, conversation_id=f"ml-{row.id}", text=row.text)
        self.pipeline.screen(state)
        self.pipeline.answer(state, after=after)
        latency_ms = (time.perf_counter() - started) * 1000
        reply = Reply(
            outcome=(state.outcome or Outcome.NO_ANSWER).value,
            text=state.answer,
            latency_ms=latency_ms,
            citations=self._cited(state.citations),
            confidence=round(state.confidence, 4),
            escalation_reason=state.escalation_reason,
            flags=tuple(state.flags),
        )
        guess = self.detector.guess(_MARKER.sub("", state.answer))
        llm = state.details.get("llm")
        llm_ms = llm.get("latency_ms") if isinstance(llm, dict) else None
        answer = written[0] if written else None
        llm_guess = self.detector.guess(_MARKER.sub("", answer)) if answer else None
        return RowRun(
            result=judge(row, reply),
            cited=self._cited(last),
            reply_language=guess.language if guess else None,
            state_reply_language=state.reply_language,
            llm_ms=float(llm_ms) if isinstance(llm_ms, int | float) else None,
            llm_answer=answer,
            llm_correct=None if answer is None else _includes(row, answer),
            llm_language=llm_guess.language if llm_guess else None,
        )

    def _cited(self, citations: list[Citation]) -> tuple[CitedSource, ...]:
        found = self.sources(self.tenant_id, [c.chunk_id for c in citations])
        return tuple(
            CitedSource(c.number, c.title, c.document_id, found.get(c.chunk_id), c.url)
            for c in citations
        )


def _includes(row: EvalRow, text: str) -> bool:
    folded = " ".join(text.casefold().split())
    return all(any(a.casefold() in folded for a in group) for group in row.must_include)


def summary(runs: list[RowRun]) -> dict[str, Any]:
    """Answered correctly, citations, reply language and latency over ``runs``."""
    n = len(runs)
    answered = [r for r in runs if r.result.reply.outcome == "answered"]
    latencies = sorted(r.result.reply.latency_ms for r in runs)
    llm = [r.llm_ms for r in runs if r.llm_ms is not None]
    written = [r for r in runs if r.llm_answer is not None]
    return {
        "n": n,
        "answered_correctly": round(sum(r.result.correct for r in runs) / n, 4),
        "answered": len(answered),
        "correct_citation": round(sum(r.citation_correct for r in runs) / n, 4),
        "correct_citation_answered": (
            round(sum(r.citation_correct for r in answered) / len(answered), 4)
            if answered
            else None
        ),
        "reply_in_language": round(sum(r.in_language for r in runs) / n, 4),
        # The language the pipeline chose to reply in (the frame and fixed texts).
        "reply_language_decided": round(
            sum(r.state_reply_language == r.result.row.lang for r in runs) / n, 4
        ),
        "reply_in_language_answered": (
            round(sum(r.in_language for r in answered) / len(answered), 4) if answered else None
        ),
        "p50_ms": round(statistics.median(latencies), 1),
        "max_ms": round(latencies[-1], 1),
        "llm_p50_ms": round(statistics.median(llm), 1) if llm else None,
        # The LLM's own answers (not fell back), before the output guard and decide.
        "llm_answers": len(written),
        "llm_answer_correct": _share([r.llm_correct for r in written]),
        "llm_answer_in_language": _share([r.llm_language == r.result.row.lang for r in written]),
        "fallbacks": sum(any("fallback" in f for f in r.result.reply.flags) for r in runs),
        "rows": [
            {
                "id": r.result.row.id,
                "lang": r.result.row.lang,
                "outcome": r.result.reply.outcome,
                "correct": r.result.correct,
                "why": r.result.why,
                "citation_correct": r.citation_correct,
                "cited": [c.uri or c.document_key for c in r.cited],
                "reply_language": r.reply_language,
                "reply": r.result.reply.text,
                "latency_ms": round(r.result.reply.latency_ms, 1),
                "flags": list(r.result.reply.flags),
                "confidence": r.result.reply.confidence,
                "llm_answer": r.llm_answer,
                "llm_correct": r.llm_correct,
                "llm_language": r.llm_language,
            }
            for r in runs
        ],
    }


def _share(values: list[bool | None]) -> float | None:
    return round(sum(bool(v) for v in values) / len(values), 4) if values else None
