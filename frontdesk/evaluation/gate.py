"""The evaluation gate of promotion: ``frontdesk eval`` of candidate and production on the
tenant's labelled set, and the candidate judged against its release's criteria."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from frontdesk.evaluation.dataset import parse_rows
from frontdesk.evaluation.metrics import summarize
from frontdesk.evaluation.runner import EvalRunner
from frontdesk.evaluation.sources import SourceLookup
from frontdesk.pipeline.runner import Pipeline
from frontdesk.releases.config import ReleaseConfig
from frontdesk.releases.document import GateCriteria
from frontdesk.releases.promotion import GateVerdict

_FIGURES = ("n", "accuracy", "answered_precision", "escalation_rate", "leaks", "errors", "p95_ms")


class EvalGate:
    """Implements :class:`frontdesk.releases.promotion.EvaluationGate`."""

    def __init__(
        self,
        pipeline_for: Callable[[ReleaseConfig], Pipeline],
        sources: SourceLookup,
        max_message_chars: int,
    ) -> None:
        self._pipeline_for = pipeline_for  # cached pipelines: no model is loaded twice
        self._sources = sources
        self._max_chars = max_message_chars

    def check_rows(self, rows_jsonl: str) -> int:
        rows = parse_rows(rows_jsonl.splitlines(), source="labelled set")
        EvalRunner(_NO_PIPELINE, self._sources, self._max_chars).check(rows)
        return len(rows)

    def judge(
        self,
        tenant_id: str,
        rows_jsonl: str,
        candidate: ReleaseConfig,
        production: ReleaseConfig,
        criteria: GateCriteria,
    ) -> GateVerdict:
        rows = parse_rows(rows_jsonl.splitlines(), source="labelled set")
        reports = []
        for config in (candidate, production):
            runner = EvalRunner(self._pipeline_for(config), self._sources, self._max_chars)
            reports.append(summarize(runner.run(tenant_id, rows)))
        ours, theirs = reports
        reasons = []
        accuracy, baseline = ours["accuracy"] or 0.0, theirs["accuracy"] or 0.0
        if accuracy < baseline - criteria.max_accuracy_drop - 1e-9:
            reasons.append(
                f"accuracy {accuracy:.3f} is below production's {baseline:.3f} by more than "
                f"{criteria.max_accuracy_drop:.3f}"
            )
        if ours["leaks"] > criteria.max_leaks:
            reasons.append(f"{ours['leaks']} leaks (at most {criteria.max_leaks})")
        if ours["errors"] > criteria.max_errors:
            reasons.append(f"{ours['errors']} rows raised errors (at most {criteria.max_errors})")
        return GateVerdict(
            passed=not reasons,
            reasons=reasons,
            candidate=_figures(ours),
            production=_figures(theirs),
        )


def _figures(report: dict[str, Any]) -> dict[str, Any]:
    return {key: report.get(key) for key in _FIGURES}


_NO_PIPELINE = Pipeline("gate-check", [])  # ``check`` validates rows only; it runs nothing
