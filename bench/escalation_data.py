"""Turns for bench/escalation.py: every stage but decide, then the decider's features.

A fresh Frontdesk (SQLite in a temp dir, the current default release) answers each
measured turn in-process. The pipeline is rebuilt without its decide stage, so every turn
stops just before the decision; ``HandoffDecider.features`` then reads the same state the
decide stage would. A turn is *scored* when the decider would weigh it: no earlier stage
decided, the customer did not ask for a person, and the answer cites something. Any other
turn is escalated or refused whatever the weights.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness import bench_settings, mtrag_corpus

from frontdesk import Frontdesk
from frontdesk.domain.conversation import Outcome
from frontdesk.handoff.decide import HandoffDecider, wants_a_person
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.state import HistoryTurn, TurnState

SPEAKERS = {"user": "customer", "agent": "assistant"}


@dataclass
class Turn:
    """One measured turn and what the decider would see."""

    id: str
    dataset: str  # mtrag_un | covidqa_faq
    group: str  # answerability (mtrag) or ANSWERABLE (covidqa)
    domain: str
    split: str  # fit | test (covidqa: test)
    scored: bool
    reason: str  # why an unscored turn is not answered; "" when scored
    correct: bool  # answerable and a citation hits a relevant passage / the gold FAQ
    cited: list[str] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        return cls(**data)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def split_of(conversation_id: str) -> str:
    """fit or test, by a stable hash of the conversation id (turns of one conversation
    never straddle the split)."""
    return "fit" if hashlib.sha1(conversation_id.encode()).digest()[0] % 2 == 0 else "test"


class Collector:
    """A fresh Frontdesk and the release's pipeline cut just before its decide stage."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.fd = Frontdesk(bench_settings(tmp))
        self.fd.init()
        self.fd.warm_up()
        stages = self.fd.pipeline.stages
        self.decider = next(s for s in stages if isinstance(s, HandoffDecider))
        before = [s for s in stages if s is not self.decider]
        self.pipeline = Pipeline(self.fd.pipeline.release_id, before)
        self.mismatches = 0  # turns where the real decide stage disagreed with the replay

    def close(self) -> None:
        self.fd.close()

    def ingest(self, name: str, path: Path) -> str:
        tenant_id = self.fd.tenants.create_tenant(name).id
        start = time.perf_counter()
        report = self.fd.knowledge.ingest_paths(tenant_id, [path])
        print(f"{name}: ingested {report.chunks} chunks in {time.perf_counter() - start:.0f} s")
        if report.failed:
            print(f"{name}: ingest failures: {report.failed}")
        return tenant_id

    def turn(self, state: TurnState) -> tuple[bool, str, dict[str, float]]:
        """Run the stages before decide; whether the decider would score the turn, why not,
        and its features."""
        self.pipeline.run(state)
        if state.outcome is not None:
            reason = state.escalation_reason or state.outcome.value
        elif wants_a_person(state.text):
            reason = "requested_human"
        elif not state.citations:
            reason = "no_citation"
        else:
            reason = ""
        features = self.decider.features(state) if not reason else {}
        self._check(state, features)
        return not reason, reason, features

    def _check(self, state: TurnState, features: dict[str, float]) -> None:
        """The replayed rule (scored and probability >= threshold) must be the real
        stage's decision; run the release's decider on a copy to make sure."""
        real = copy.deepcopy(state)
        self.decider.run(real)
        replay = bool(features) and self.decider.probability(features) >= self.decider.threshold
        if (real.outcome is Outcome.ANSWERED) != replay:
            self.mismatches += 1

    def mtrag(self, folder: Path, limit: int | None) -> list[Turn]:
        tenant_id = self.ingest("mtrag", mtrag_corpus(folder, self.tmp))
        tasks = _jsonl(folder / "tasks.jsonl")
        if limit is not None:  # a spread of answerability, not the first conversations
            tasks = sorted(tasks, key=lambda t: hashlib.sha1(t["task_id"].encode()).hexdigest())
            tasks = tasks[:limit]
        turns = []
        start = time.perf_counter()
        for task in tasks:
            *earlier, last = task["conversation"]
            history = [
                HistoryTurn(
                    SPEAKERS[t["speaker"]],
                    t["text"],
                    "answered" if t["speaker"] == "agent" else None,
                )
                for t in earlier
            ]
            state = TurnState(tenant_id, "bench", last["text"], history=history)
            scored, reason, features = self.turn(state)
            cited = [c.document_id or "" for c in state.citations] if scored else []
            relevant = set(task["relevant_passage_ids"])
            answerable = task["answerability"] in ("ANSWERABLE", "PARTIAL")
            turns.append(
                Turn(
                    id=task["task_id"],
                    dataset="mtrag_un",
                    group=task["answerability"],
                    domain=task["domain"],
                    split=split_of(task["task_id"].split("::")[0]),
                    scored=scored,
                    reason=reason,
                    correct=answerable and bool(relevant & set(cited)),
                    cited=cited,
                    features=features,
                )
            )
        print(f"mtrag: {len(turns)} turns in {time.perf_counter() - start:.0f} s")
        return turns

    def covidqa(self, folder: Path, limit: int | None) -> list[Turn]:
        kb = _jsonl(folder / "kb.jsonl")
        tenant_id = self.ingest("covidqa", folder / "kb.jsonl")  # a JSONL FAQ, one row each
        queries = _jsonl(folder / "queries.jsonl")[:limit]
        turns = []
        for query in queries:
            state = TurnState(tenant_id, "bench", query["query"])
            scored, reason, features = self.turn(state)
            rows = {p.chunk_id: p.metadata.get("row") for p in state.passages}
            cited = [
                kb[rows[c.chunk_id] - 1]["id"]
                for c in state.citations
                if scored and isinstance(rows.get(c.chunk_id), int)
            ]
            turns.append(
                Turn(
                    id=query["id"],
                    dataset="covidqa_faq",
                    group="ANSWERABLE",
                    domain="covid",
                    split="test",
                    scored=scored,
                    reason=reason,
                    correct=bool(set(query["gold_faq_ids"]) & set(cited)),
                    cited=cited,
                    features=features,
                )
            )
        return turns


def collect(datasets: Path, tmp: Path, limit: int | None) -> tuple[list[Turn], dict[str, Any]]:
    """Every measured turn of mtrag_un and covidqa_faq, and facts about the run."""
    started = time.perf_counter()
    collector = Collector(tmp)
    try:
        turns = collector.mtrag(datasets / "mtrag_un", limit)
        turns += collector.covidqa(datasets / "covidqa_faq", limit)
        info = {
            "release": collector.fd.release.id,
            "release_digest": collector.fd.release.digest,
            "release_decider": {
                "weights": collector.decider.weights,
                "bias": collector.decider.bias,
                "threshold": collector.decider.threshold,
            },
            "replay_mismatches": collector.mismatches,
            "collect_s": round(time.perf_counter() - started, 1),
        }
    finally:
        collector.close()
    return turns, info


def load_turns(path: Path) -> tuple[list[Turn], dict[str, Any]]:
    """Turns recorded by an earlier run's ``--out`` JSON (to refit without re-running)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Turn.from_dict(t) for t in data["turns"]], data["run"]


def dump_turns(turns: list[Turn]) -> list[dict[str, Any]]:
    return [asdict(t) for t in turns]
