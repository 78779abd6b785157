"""Runs the stages of a release over one turn and records the trace."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence

from frontdesk.domain.conversation import Outcome, StageTrace
from frontdesk.domain.replies import FALLBACK_ANSWER
from frontdesk.monitoring.tracing import end_stage, stage_span
from frontdesk.pipeline.language import ConversationLanguage
from frontdesk.pipeline.localise import localise
from frontdesk.pipeline.protocols import Stage
from frontdesk.pipeline.related import FLOOR, attach_related
from frontdesk.pipeline.state import TurnState

log = logging.getLogger(__name__)

# Answers a turn without (the rest of) the stages when it can (the answer cache): the
# trace of what it did, or ``None`` to let the stages run.
Shortcut = Callable[[TurnState], "list[StageTrace] | None"]


class Pipeline:
    """An ordered list of stages built from one release.

    A stage that raises is a bug, not a customer's problem: the runner records it on the
    trace, stops, and gives an honest fallback reply instead of a 500, so the customer's
    acknowledged message still gets an answer.
    """

    def __init__(
        self,
        release_id: str,
        stages: Sequence[Stage],
        languages: ConversationLanguage | None = None,
        digest: str | None = None,
        related_floor: float = FLOOR,
    ) -> None:
        names = [stage.name for stage in stages]
        if len(set(names)) != len(names):
            raise ValueError(f"stage names must be unique, got {names}")
        self.release_id = release_id
        self.digest = digest or release_id  # the release's content: what a cache is keyed by
        self.stages = list(stages)
        self.languages = languages or ConversationLanguage()
        self.related_floor = related_floor  # how close an article offered with a decline is
        screening = 0
        while screening < len(self.stages) and getattr(
            self.stages[screening], "screens_input", False
        ):
            screening += 1
        self._screening = screening

    def warm_up(self) -> None:
        self.languages.warm_up()
        for stage in self.stages:
            stage.warm_up()

    def close(self) -> None:
        """Release what stages hold open (HTTP clients); ``close`` is optional for a stage."""
        for stage in self.stages:
            close = getattr(stage, "close", None)
            if callable(close):
                close()

    def run(self, state: TurnState) -> list[StageTrace]:
        """Every stage, in order."""
        return self._run(state, self.stages)

    def screen(self, state: TurnState) -> list[StageTrace]:
        """The leading screening stages (input guards): run before the message is stored,
        so what is stored is already redacted."""
        return self._run(state, self.stages[: self._screening])

    def redacted(self, tenant_id: str, text: str) -> str:
        """``text`` as a customer message of this release would be stored: through the
        screening stages (PII redaction), for other customer text such as feedback
        comments. Their verdicts (a refusal) do not apply to such text; only the text."""
        state = TurnState(tenant_id=tenant_id, conversation_id="", text=text)
        self.screen(state)
        return state.text

    def answer(
        self,
        state: TurnState,
        shortcut: Shortcut | None = None,
        after: Mapping[str, Shortcut] | None = None,
    ) -> list[StageTrace]:
        """The stages after screening (none once a screening stage decided), between
        deciding the conversation's language and writing the reply's fixed texts in it.
        The language steps are not release stages: what they decided and how long they
        took is recorded in ``state.details["language_steps"]``. A ``shortcut`` that
        answers (an exact cache hit, already localised) replaces the stages and the
        localising; a hook in ``after`` runs after the stage it names, and once it sets
        the outcome (a semantic cache hit) the remaining stages are skipped. A decline
        for want of evidence carries the articles closest to the question
        (:mod:`frontdesk.pipeline.related`)."""
        started = time.perf_counter()
        decision = self.languages.decide(
            state.text, state.history, state.language_prior, state.tenant_languages
        )
        state.language, state.reply_language = decision.language, decision.reply_language
        state.details["language"] = decision.language
        state.details["reply_language"] = decision.reply_language
        decide_ms = _ms_since(started)
        short = shortcut(state) if shortcut is not None and state.outcome is None else None
        if short is not None:
            trace = short
        else:
            trace = self._run(state, self.answer_stages, after) if state.outcome is None else []
        if short is None:
            attach_related(state, self.related_floor)
        started = time.perf_counter()
        localised: dict[str, object] = {"localised": "cached"}
        if short is None:
            detector = self.languages.detector(state.tenant_languages)
            localised = localise(state, detector, state.message_overrides)
        state.details["language_steps"] = {
            "reason": decision.reason,
            "detected": decision.detected,
            "confidence": decision.confidence,
            "decide_ms": decide_ms,
            "localise_ms": _ms_since(started),
            **localised,
        }
        return trace

    @property
    def answer_stages(self) -> list[Stage]:
        """The stages after screening."""
        return self.stages[self._screening :]

    def _run(
        self,
        state: TurnState,
        stages: Sequence[Stage],
        after: Mapping[str, Shortcut] | None = None,
    ) -> list[StageTrace]:
        """Run ``stages`` (and the hooks ``after`` some); once one sets the outcome (a
        refusal, a policy block, a cache hit), the rest are skipped."""
        trace: list[StageTrace] = []
        for stage in stages:
            if state.outcome is not None:
                break
            started = time.perf_counter()
            with stage_span(stage.name, self.release_id) as span:
                try:
                    report = stage.run(state)
                except Exception as exc:
                    log.exception(
                        "stage failed stage=%s release=%s tenant=%s conversation=%s",
                        stage.name,
                        self.release_id,
                        state.tenant_id,
                        state.conversation_id,
                    )
                    end_stage(span, ["error"], type(exc).__name__)
                    trace.append(
                        StageTrace(
                            name=stage.name,
                            duration_ms=_ms_since(started),
                            flags=["error"],
                            detail={"error": type(exc).__name__},
                        )
                    )
                    state.answer, state.citations = FALLBACK_ANSWER, []
                    state.outcome = Outcome.NO_ANSWER
                    state.escalation_reason = "error"
                    state.flags.append(f"{stage.name}:error")
                    break
                end_stage(span, report.flags)
            trace.append(
                StageTrace(
                    name=stage.name,
                    duration_ms=_ms_since(started),
                    scores=report.scores,
                    flags=report.flags,
                    detail=report.detail,
                )
            )
            state.flags.extend(f"{stage.name}:{flag}" for flag in report.flags)
            hook = after.get(stage.name) if after else None
            if hook is not None and state.outcome is None:
                trace.extend(hook(state) or [])
        return trace


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
