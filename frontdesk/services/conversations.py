"""Conversations: create, read, and answer a customer message.

Posting a message runs in short steps so no database lock is held while the pipeline
thinks: (1) screen it (input guards redact PII; only the redacted text is ever stored, the
original kept encrypted when it held PII); (2) store the customer turn as ``pending`` and
commit — from here the message is acknowledged and never lost; (3) run the rest of the
pipeline; (4) store the assistant turn and mark the customer turn answered, in one
transaction.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any, Protocol

from frontdesk.domain.catalogue import base_language
from frontdesk.domain.conversation import (
    BROWSER_LANGUAGE,
    Conversation,
    Outcome,
    Speaker,
    StageTrace,
    Turn,
)
from frontdesk.errors import ConflictError, InvalidInputError, PermissionDeniedError
from frontdesk.gateway.text import check_text
from frontdesk.guards import TextVault
from frontdesk.guards.pii.identifiers import IdentifierHasher
from frontdesk.handoff.service import HandoffService
from frontdesk.handoff.tickets import open_ticket_in, priority_for
from frontdesk.monitoring.metrics import Metrics
from frontdesk.operations import rollups
from frontdesk.operations.budgets import BUDGET_FLAG
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.state import HistoryTurn, TurnState
from frontdesk.releases.follower import ReleaseFollower, Route
from frontdesk.releases.traffic import RolloutTraffic, ShadowInput, observation
from frontdesk.services.acceptance import (
    HISTORY_TURNS,
    Accepted,
    TurnAcceptance,
)
from frontdesk.services.answer_cache import AnswerCache
from frontdesk.storage.db import Database
from frontdesk.storage.liveness import Liveness
from frontdesk.storage.repos import conversations as repo
from frontdesk.storage.repos import tenants as tenants_repo


class ReplyObserver(Protocol):
    """Follows one message while it is answered (the streaming API): ``accepted`` once
    the customer turn is stored, then the generator's draft (``delta``/``reset``)."""

    def accepted(self, customer: Turn) -> None: ...

    def delta(self, text: str) -> None: ...

    def reset(self) -> None: ...


@dataclass(frozen=True, slots=True)
class PostedReply:
    turn: Turn
    replayed: bool  # True when an Idempotency-Key retry returned the stored turn
    queued: bool = False  # a person handles the conversation: ``turn`` is the customer's


def validated_text(text: str, max_chars: int) -> str:
    """A customer message as the pipeline gets it (also in ``frontdesk eval``): stripped,
    not empty, at most ``max_chars``, storable (no NUL or surrogate)."""
    check_text(text, "text")
    stripped = text.strip()
    if not stripped:
        raise InvalidInputError("text must not be empty", field="text")
    if len(stripped) > max_chars:
        raise InvalidInputError(
            f"text is {len(stripped)} characters; the limit is {max_chars}", field="text"
        )
    return stripped


class ConversationService:
    def __init__(
        self,
        database: Database,
        pipeline: Pipeline,
        max_message_chars: int,
        vault: TextVault,
        handoff: HandoffService,
        metrics: Metrics,
        identifiers: IdentifierHasher,
        liveness: Liveness | None = None,
        releases: ReleaseFollower | None = None,
        rollouts: RolloutTraffic | None = None,
        cache: AnswerCache | None = None,
    ) -> None:
        self._identifiers = identifiers
        self._cache = cache
        self._db = database
        self._liveness = liveness
        self._acceptance = TurnAcceptance(database, liveness)
        self._pipeline = pipeline
        # With a registry each tenant's turn is routed to its release (and rollout).
        self._releases = releases
        self._rollouts = rollouts
        self._max_chars = max_message_chars
        self._vault = vault
        self._handoff = handoff
        self._metrics = metrics

    def create(
        self,
        tenant_id: str,
        *,
        channel: str = "api",
        created_by_key: str | None = None,
        metadata: dict[str, Any] | None = None,
        customer_id: str | None = None,
        browser_language: str | None = None,
    ) -> Conversation:
        """``browser_language`` (a tag such as ``de-AT``) is the prior for the
        conversation's language; a tag the detector does not know is ignored."""
        stored = dict(metadata or {})
        prior = base_language(browser_language)
        if prior is not None:
            stored[BROWSER_LANGUAGE] = prior
        with self._db.transaction() as session:
            return repo.create(
                session,
                tenant_id,
                channel=channel,
                created_by_key=created_by_key,
                metadata=stored,
                customer_id=customer_id,
            )

    def get(self, tenant_id: str, conversation_id: str) -> Conversation:
        with self._db.transaction() as session:
            return repo.get(session, tenant_id, conversation_id)

    def reveal_original(self, tenant_id: str, conversation_id: str, turn_id: str) -> str:
        """The unredacted customer message, if the tenant allows agents to see it."""
        with self._db.transaction() as session:
            turn = repo.get_turn(session, tenant_id, conversation_id, turn_id)  # 404 first
            if not tenants_repo.get_tenant(session, tenant_id).settings.reveal_pii_to_agents:
                raise PermissionDeniedError(
                    "this tenant does not reveal original messages to agents "
                    "(admin setting reveal_pii_to_agents)"
                )
        token = turn.details.get("original_encrypted")
        if not isinstance(token, str):
            return turn.text  # nothing was redacted: the stored text is the original
        return self._vault.decrypt(token)

    def list_recent(self, tenant_id: str, limit: int = 50, offset: int = 0) -> list[Conversation]:
        with self._db.transaction() as session:
            return repo.list_recent(session, tenant_id, limit, offset)

    def post_message(
        self,
        tenant_id: str,
        conversation_id: str,
        text: str,
        idempotency_key: str | None = None,
        observer: ReplyObserver | None = None,
        prior: list[tuple[str, str]] | None = None,
    ) -> PostedReply:
        """Answer ``text``. ``prior`` is earlier (speaker, text) context the caller holds
        but Frontdesk never stored (a stateless chat client's history): the pipeline sees
        it, redacted, when the conversation has no history of its own; it is not stored."""
        if self._rollouts is None:
            return self._post(tenant_id, conversation_id, text, idempotency_key, observer, prior)
        with self._rollouts.customer_turn():  # shadow work waits while customers wait
            return self._post(tenant_id, conversation_id, text, idempotency_key, observer, prior)

    def _post(
        self,
        tenant_id: str,
        conversation_id: str,
        text: str,
        idempotency_key: str | None,
        observer: ReplyObserver | None,
        prior: list[tuple[str, str]] | None,
    ) -> PostedReply:
        text = validated_text(text, self._max_chars)
        request_hash = hashlib.sha256(text.encode()).hexdigest()
        state = TurnState(tenant_id=tenant_id, conversation_id=conversation_id, text=text)
        route = self._route(tenant_id, conversation_id)
        pipeline = route.pipeline
        started = time.perf_counter()
        trace = pipeline.screen(state)
        screen_ms = (time.perf_counter() - started) * 1000
        stored_details: dict[str, Any] = {}
        identifiers: list[str] = []
        if state.text != text:
            stored_details["original_encrypted"] = self._vault.encrypt(text)
            identifiers = self._identifiers.digests_in(text)
        if idempotency_key is not None and self._liveness is not None:
            stored_details["owner"] = self._liveness.claim()
        accepted = self._acceptance.accept(
            tenant_id,
            conversation_id,
            state.text,
            idempotency_key,
            request_hash,
            stored_details,
            identifiers,
        )
        if accepted.replay is not None:
            return PostedReply(accepted.replay, replayed=True, queued=accepted.queued)
        customer = accepted.customer
        self._acceptance.answering.add(customer.id)
        try:
            return self._answer(
                tenant_id, state, trace, accepted, observer, prior or [], route, screen_ms
            )
        finally:
            self._acceptance.answering.discard(customer.id)

    def _answer(
        self,
        tenant_id: str,
        state: TurnState,
        trace: list[StageTrace],
        accepted: Accepted,
        observer: ReplyObserver | None,
        prior: list[tuple[str, str]],
        route: Route,
        screen_ms: float,
    ) -> PostedReply:
        conversation_id, pipeline = state.conversation_id, route.pipeline
        customer = accepted.customer
        if observer is not None and not accepted.queued:
            observer.accepted(customer)
            state.drafts = observer
        if accepted.reopened:
            self._handoff.publish_reopened(tenant_id, conversation_id)
        if accepted.queued:
            self._handoff.publish_customer_turn(tenant_id, customer)
            return PostedReply(customer, replayed=False, queued=True)
        state.history = [
            HistoryTurn(
                t.speaker.value,
                t.text,
                t.outcome.value if t.outcome else None,
                route=t.details.get("route"),
                language=t.details.get("language"),
            )
            for t in accepted.history
        ] or self._screened(tenant_id, conversation_id, prior)
        state.tenant_languages = accepted.tenant_languages
        state.language_prior = accepted.language_prior
        state.message_overrides = accepted.message_overrides or {}
        if accepted.llm_budget_exhausted:
            state.llm_budget_exhausted = True
            state.details[BUDGET_FLAG] = True  # the turn says why it did not use the LLM
        # Only a first turn outside a rollout (whose arms are being compared) is cached.
        cache = None
        if self._cache is not None:
            cache = self._cache.turn(pipeline, not state.history and route.rollout is None)
        started = time.perf_counter()
        if cache is None:
            trace += pipeline.answer(state)
        else:
            trace += pipeline.answer(state, cache.shortcut, cache.after)
        pipeline_ms = screen_ms + (time.perf_counter() - started) * 1000
        summary = None
        if state.outcome is Outcome.HANDOFF:  # before the lock: an LLM summary takes time
            reason = state.escalation_reason or "low_confidence"
            summary = self._handoff.draft_summary(tenant_id, conversation_id, reason, state.details)
        with self._db.transaction() as session:
            repo.lock(session, tenant_id, conversation_id)
            if not repo.claim_pending(session, tenant_id, customer.id):
                existing = repo.reply_to(session, tenant_id, customer.id)
                if existing is not None:  # a concurrent retry answered first
                    return PostedReply(existing, replayed=True)
                raise ConflictError("this message is already being answered; retry shortly")
            repo.merge_turn_details(session, tenant_id, customer.id, {"language": state.language})
            reply = repo.append_turn(
                session,
                tenant_id,
                conversation_id,
                speaker=Speaker.ASSISTANT,
                text=state.answer,
                outcome=state.outcome,
                in_reply_to=customer.id,
                release_id=pipeline.release_id,
                trace=[stage.to_dict() for stage in trace],
                citations=[c.to_dict() for c in state.citations],
                details={
                    "confidence": round(state.confidence, 4),
                    "escalation_reason": state.escalation_reason,
                    "flags": state.flags,
                    "query": state.query,
                    **state.details,
                    **_rollout_details(route),
                    "cache": "miss" if cache is None else cache.result,
                },
            )
            rollups.record_turn(session, tenant_id, reply)
            ticket = None
            if state.outcome is Outcome.HANDOFF:
                reason = state.escalation_reason or "low_confidence"
                priority = priority_for(reason, state.details.get("priority"))
                ticket = open_ticket_in(
                    session, tenant_id, conversation_id, reason, priority, summary=summary
                )
        self._metrics.observe_turn(reply)
        if cache is not None:
            cache.finish(state)
        if ticket is not None:
            self._handoff.publish_handoff(tenant_id, ticket, None)
        if self._rollouts is not None and route.arm is not None:
            shadow = ShadowInput(
                conversation_id, customer.text, state.history, _top_citation(state)
            )
            served = observation(route.arm, state, trace, pipeline_ms, reply.id)
            self._rollouts.after_turn(tenant_id, route, served, shadow)
        return PostedReply(reply, replayed=False)

    def _screened(
        self, tenant_id: str, conversation_id: str, prior: list[tuple[str, str]]
    ) -> list[HistoryTurn]:
        """The caller's earlier messages as history: the customer's redacted by the same
        screening stages as a stored message (the models never see raw PII)."""
        history = []
        for speaker, text in prior[-HISTORY_TURNS:]:
            if speaker == Speaker.CUSTOMER.value:
                screened = TurnState(
                    tenant_id=tenant_id, conversation_id=conversation_id, text=text
                )
                self._pipeline.screen(screened)
                text = screened.text
            history.append(HistoryTurn(speaker, text))
        return history

    def continued_conversation(
        self, tenant_id: str, customer_id: str, channel: str, earlier_messages: int
    ) -> str | None:
        """The customer's latest conversation on ``channel`` if it holds exactly the
        ``earlier_messages`` the client sent before this one (a continued chat)."""
        if earlier_messages == 0:
            return None
        with self._db.transaction() as session:
            latest = repo.latest_of_customer(session, tenant_id, customer_id, channel)
        if latest is None or latest[1] != earlier_messages:
            return None
        return latest[0]

    def _route(self, tenant_id: str, conversation_id: str) -> Route:
        if self._releases is None:
            return Route(self._pipeline)
        return self._releases.route(tenant_id, conversation_id)


def _rollout_details(route: Route) -> dict[str, Any]:
    """Which rollout the turn belonged to and which release shadowed it."""
    if route.rollout is None:
        return {}
    return {
        "rollout_id": route.rollout.id,
        "shadow_release_id": None if route.shadow is None else route.shadow.release_id,
    }


def _top_citation(state: TurnState) -> str | None:
    return state.citations[0].chunk_id if state.citations else None
