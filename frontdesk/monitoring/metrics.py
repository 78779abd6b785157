"""Prometheus metrics, one registry per Frontdesk instance (no process globals, so tests
and embedded uses never collide). ``/metrics`` exposes them."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from frontdesk.domain.conversation import Turn

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter(
            "frontdesk_turns",
            "Assistant turns by outcome and release.",
            ["outcome", "release"],
            registry=self.registry,
        )
        self.turn_seconds = Histogram(
            "frontdesk_turn_seconds",
            "Time the pipeline took for one turn.",
            ["release"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.stage_seconds = Histogram(
            "frontdesk_stage_seconds",
            "Time each pipeline stage took.",
            ["stage"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.confidence = Histogram(
            "frontdesk_turn_confidence",
            "The decide stage's confidence per turn.",
            buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
            registry=self.registry,
        )
        self.flags = Counter(
            "frontdesk_stage_flags",
            "Flags raised by stages (guards, retrieval, decide).",
            ["stage", "flag"],
            registry=self.registry,
        )
        self.escalations = Counter(
            "frontdesk_escalations",
            "Conversations handed to a person, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.feedback = Counter(
            "frontdesk_feedback",
            "Ratings given, each once: the first thumbs up/down on an answer and the first "
            "CSAT score of a conversation (a changed rating is in frontdesk_feedback_changes).",
            ["kind", "value"],
            registry=self.registry,
        )
        self.feedback_changes = Counter(
            "frontdesk_feedback_changes",
            "Ratings a customer changed, by the value before and after: ratings now at a "
            "value = frontdesk_feedback{value} - changes{before=value} + changes{after=value}.",
            ["kind", "before", "after"],
            registry=self.registry,
        )
        self.integration_calls = Counter(
            "frontdesk_integration_calls",
            "Calls to help desks (Chatwoot) by result: ok, unauthorized, unreachable, rejected.",
            ["integration", "result"],
            registry=self.registry,
        )
        self.llm_tokens = Counter(
            "frontdesk_llm_tokens",
            "Language-model tokens used, by stage and kind (prompt or completion).",
            ["stage", "kind"],
            registry=self.registry,
        )
        self.llm_cost = Counter(
            "frontdesk_llm_cost",
            "Language-model cost at the release's configured prices, by stage.",
            ["stage"],
            registry=self.registry,
        )
        self.llm_first_token = Histogram(
            "frontdesk_llm_first_token_seconds",
            "Time from request to the first streamed token of a generated answer.",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.cache = Counter(
            "frontdesk_answer_cache",
            "Answer cache lookups by result: miss, exact or semantic hit.",
            ["result"],
            registry=self.registry,
        )
        self.cache_rejections = Counter(
            "frontdesk_answer_cache_rejections",
            "Semantic cache candidates rejected by the re-check, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.shadow_samples = Counter(
            "frontdesk_shadow_samples",
            "Shadow samples of a rollout, run or dropped (reason: backlog_full, busy, stale, "
            "ended): shadow work is dropped rather than made to slow customers down.",
            ["result", "reason"],
            registry=self.registry,
        )
        self.cache_evictions = Counter(
            "frontdesk_answer_cache_evictions",
            "Answer cache entries evicted because a customer gave their answer a thumbs-down.",
            registry=self.registry,
        )
        self.requests = Histogram(
            "frontdesk_http_request_seconds",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.redis_fallback = Gauge(
            "frontdesk_redis_fallback",
            "1 while a shared part (rate_limit, auth_failure_limit, turn_share over Redis; "
            "live_events over Redis, or PostgreSQL LISTEN/NOTIFY without Redis) runs on this "
            "replica's own fallback because its backend is unreachable.",
            ["component"],
            registry=self.registry,
        )
        self.redis_fallbacks = Counter(
            "frontdesk_redis_fallbacks",
            "Times a shared part (see frontdesk_redis_fallback) fell back to this replica's "
            "own state.",
            ["component"],
            registry=self.registry,
        )

    def redis_state(self, component: str, degraded: bool) -> None:
        """Record a shared part (Redis-backed, or the PostgreSQL event bus) falling back
        (``degraded``) or recovering."""
        self.redis_fallback.labels(component=component).set(1 if degraded else 0)
        if degraded:
            self.redis_fallbacks.labels(component=component).inc()

    def observe_turn(self, turn: Turn) -> None:
        release = turn.release_id or "none"
        outcome = turn.outcome.value if turn.outcome else "none"
        self.turns.labels(outcome=outcome, release=release).inc()
        self.turn_seconds.labels(release=release).observe(
            sum(float(stage.get("duration_ms", 0.0)) for stage in turn.trace) / 1000
        )
        for stage in turn.trace:
            name = str(stage.get("name"))
            self.stage_seconds.labels(stage=name).observe(float(stage.get("duration_ms", 0)) / 1000)
            for flag in _flags(stage.get("flags")):
                self.flags.labels(stage=name, flag=flag).inc()
            self._observe_llm(name, stage)
        confidence = turn.details.get("confidence")
        if isinstance(confidence, int | float):
            self.confidence.observe(float(confidence))
        if turn.outcome is not None and turn.outcome.value == "handoff":
            self.escalations.labels(reason=str(turn.details.get("escalation_reason"))).inc()

    def _observe_llm(self, name: str, stage: dict[str, object]) -> None:
        """Tokens and cost from any stage that called a model (their scores say so)."""
        scores = stage.get("scores")
        if not isinstance(scores, dict):
            return
        for kind in ("prompt", "completion"):
            tokens = scores.get(f"{kind}_tokens")
            if isinstance(tokens, int | float) and tokens > 0:
                self.llm_tokens.labels(stage=name, kind=kind).inc(tokens)
        cost = scores.get("cost")
        if isinstance(cost, int | float) and cost > 0:
            self.llm_cost.labels(stage=name).inc(cost)
        detail = stage.get("detail")
        first = detail.get("first_token_ms") if isinstance(detail, dict) else None
        if isinstance(first, int | float):
            self.llm_first_token.observe(first / 1000)

    def observe_cache(self, result: str) -> None:
        self.cache.labels(result=result).inc()

    def observe_cache_rejection(self, reason: str) -> None:
        self.cache_rejections.labels(reason=reason).inc()

    def observe_shadow(self, result: str, reason: str = "") -> None:
        self.shadow_samples.labels(result=result, reason=reason).inc()

    def observe_cache_evictions(self, count: int) -> None:
        if count:
            self.cache_evictions.inc(count)

    def observe_feedback(self, kind: str, value: int, before: int | None = None) -> None:
        """A rating: a first one (``before`` is None) or a change from ``before``."""
        if before is None:
            self.feedback.labels(kind=kind, value=str(value)).inc()
        else:
            self.feedback_changes.labels(kind=kind, before=str(before), after=str(value)).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def _flags(value: object) -> Iterable[str]:
    return [str(flag) for flag in value] if isinstance(value, list) else []
