"""End-to-end answer benchmark: real HTTP turns against a fresh Frontdesk.

    .venv/bin/python bench/answers.py ../shared/datasets --out bench/results/answers.json

A fresh Frontdesk (SQLite in a temp dir, the default release) is served by uvicorn on
127.0.0.1 and driven with httpx, exactly as a widget would: one conversation per task,
every user turn posted in order, only the last one measured. Two knowledge bases, one
tenant each:

* mtrag_un: the 1,152-passage pool ingested as a JSONL of documents (the passage id is the
  document's external id, so citations carry it as ``document_id``); 507 tasks labelled
  ANSWERABLE / PARTIAL / UNANSWERABLE / UNDERSPECIFIED. Nothing is tuned here.
* the demo help center (examples/demo-helpcenter): articles, FAQ and tickets; 60 answerable
  questions with an expected source and 10 the content does not cover. The release's
  ``min_confidence`` was chosen on these questions, so this table is in-sample.

The threshold sweep is a simulation from recorded confidences: a turn the decider refused
has its citations removed, so its would-be citation is taken as the top retrieved passage
(the generator always cites it; a second cited passage is not known, so correctness there
is a lower bound).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from frontdesk import Frontdesk, Settings  # noqa: E402
from frontdesk.api.app import create_app  # noqa: E402
from frontdesk.storage.repos import knowledge as knowledge_repo  # noqa: E402

HELPCENTER = ROOT / "examples" / "demo-helpcenter"
GROUPS = ("ANSWERABLE", "PARTIAL", "UNANSWERABLE", "UNDERSPECIFIED")
SWEEP = [round(0.1 * i, 2) for i in range(1, 10)]  # plus the release's own threshold


@dataclass(frozen=True)
class ChunkRef:
    """What a chunk id resolves to, for matching citations and retrieved passages."""

    document_key: str  # the external id where one was given, else the document id
    uri: str
    url: str | None
    faq_row: int | None
    ticket: str | None = None


@dataclass
class Record:
    """One measured turn: the last user message of a task or a help-center question."""

    id: str
    group: str
    outcome: str
    confidence: float | None
    latency_ms: float
    cited: list[str]  # document keys (mtrag) or chunk ids (help center)
    retrieved: list[str]  # chunk ids from the retrieve stage, best first
    stages: dict[str, float]
    reason: str | None = None
    evidence: float | None = None  # the generator's cosine, when the decider reports it
    decided: bool = False  # the decide stage scored this turn (so a threshold applies)
    domain: str = ""
    correct: bool = False  # cites a relevant passage / the expected source
    retrieved_relevant: bool = False  # a relevant passage is among the retrieved ones
    top_relevant: bool = False  # the top retrieved passage is relevant (the sweep's proxy)
    extra: dict[str, Any] = field(default_factory=dict)


class Instance:
    """A fresh Frontdesk in a temp dir, served over HTTP on a free local port."""

    def __init__(self, tmp: Path) -> None:
        self.fd = Frontdesk(
            Settings(
                _env_file=None,
                data_dir=tmp,
                database_url=f"sqlite:///{tmp}/fd.db",
                secret_key="bench-secret-0123456789",
                rate_limit_per_minute=0,
                max_message_chars=20000,
            )
        )
        self.fd.init()

    def tenant(self, name: str) -> tuple[str, str]:
        """A new tenant's id and a widget key for it."""
        tenant = self.fd.tenants.create_tenant(name)
        key, _ = self.fd.tenants.issue_key(name, "widget")
        return tenant.id, key

    def chunk_map(self, tenant_id: str) -> dict[str, ChunkRef]:
        uris = {d.id: (d.uri, d.url) for d in self.fd.knowledge.list_documents(tenant_id)}
        model = self.fd.resources.embedder().model_id
        with self.fd.database.transaction() as session:
            chunks = knowledge_repo.all_chunks(session, tenant_id, model)
        out = {}
        for c in chunks:
            uri, doc_url = uris[c.document_id]
            row = c.metadata.get("row") if "question" in c.metadata else None
            ticket = c.metadata.get("ticket")
            out[c.id] = ChunkRef(c.document_key, uri, c.url or doc_url, row, ticket)
        return out

    @contextmanager
    def serve(self) -> Iterator[str]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(instance=self.fd), log_level="warning", access_log=False, lifespan="on"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 120
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            sock.close()


class Client:
    """The widget's side of the API."""

    def __init__(self, base_url: str, key: str) -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=120
        )
        self.errors: list[str] = []

    def conversation(self) -> str:
        response = self.http.post("/v1/conversations")
        response.raise_for_status()
        return str(response.json()["id"])

    def post(self, conversation_id: str, text: str) -> tuple[dict[str, Any] | None, float]:
        """The assistant's turn (None on an error status) and the wall time in ms."""
        start = time.perf_counter()
        response = self.http.post(
            f"/v1/conversations/{conversation_id}/messages", json={"text": text}
        )
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code not in (201, 202):  # 202: queued for a person
            self.errors.append(f"{response.status_code}: {response.text[:200]}")
            return None, elapsed
        return response.json(), elapsed


def measure(client: Client, turns: list[str], record_id: str, group: str) -> Record:
    """Post ``turns`` in one new conversation; the last one is the measured turn."""
    conversation_id = client.conversation()
    for text in turns[:-1]:
        client.post(conversation_id, text)
    turn, elapsed = client.post(conversation_id, turns[-1])
    if turn is None:
        return Record(record_id, group, "error", None, elapsed, [], [], {})
    retrieved: list[str] = []
    stages: dict[str, float] = {}
    decide: dict[str, float] = {}
    for stage in turn["trace"]:
        stages[stage["name"]] = stages.get(stage["name"], 0.0) + stage["duration_ms"]
        if stage["name"] == "retrieve":
            retrieved = list(stage["detail"].get("chunk_ids", []))
        if stage["name"] == "decide":
            decide = stage["scores"]
    return Record(
        id=record_id,
        group=group,
        outcome=turn["outcome"],
        confidence=turn["confidence"],
        latency_ms=elapsed,
        cited=[c["chunk_id"] for c in turn["citations"]],
        retrieved=retrieved,
        stages=stages,
        reason=turn["escalation_reason"],
        evidence=decide.get("evidence", decide.get("confidence")),
        decided="confidence" in decide,
        extra={"citation_urls": [c["url"] for c in turn["citations"]]},
    )


# ---------------------------------------------------------------- mtrag_un


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _title_and_body(text: str) -> tuple[str, str]:
    """A short first line without a full stop reads as a title (Wikipedia, docs pages);
    otherwise the first words stand in for one (the same rule as bench/retrieval_data.py)."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if rest.strip() and 0 < len(first.split()) <= 12 and not first.endswith((".", "?", "!")):
        return first, rest.strip()
    words = text.split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else ""), text


def mtrag_corpus(folder: Path, tmp: Path) -> Path:
    path = tmp / "mtrag_corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for row in _jsonl(folder / "corpus.jsonl"):
            title, body = _title_and_body(row["text"])
            out.write(json.dumps({"id": row["id"], "title": title, "text": body}) + "\n")
    return path


def run_mtrag(instance: Instance, folder: Path, tmp: Path, limit: int | None) -> list[Record]:
    tenant_id, key = instance.tenant("mtrag")
    start = time.perf_counter()
    report = instance.fd.knowledge.ingest_paths(tenant_id, [mtrag_corpus(folder, tmp)])
    print(f"mtrag: ingested {report.chunks} chunks in {time.perf_counter() - start:.1f} s")
    if report.failed:
        print(f"mtrag: ingest failures: {report.failed}")
    chunks = instance.chunk_map(tenant_id)
    tasks = _jsonl(folder / "tasks.jsonl")
    if limit is not None:  # a spread of answerability, not the first conversations
        tasks = sorted(tasks, key=lambda t: hashlib.sha1(t["task_id"].encode()).hexdigest())
        tasks = tasks[:limit]
    records = []
    with instance.serve() as base_url:
        client = Client(base_url, key)
        start = time.perf_counter()
        for n, task in enumerate(tasks, start=1):
            turns = [t["text"] for t in task["conversation"] if t["speaker"] == "user"]
            record = measure(client, turns, task["task_id"], task["answerability"])
            record.domain = task["domain"]
            relevant = set(task["relevant_passage_ids"])
            record.cited = [chunks[c].document_key for c in record.cited if c in chunks]
            retrieved_keys = [chunks[c].document_key for c in record.retrieved if c in chunks]
            record.correct = bool(relevant & set(record.cited))
            record.retrieved_relevant = bool(relevant & set(retrieved_keys))
            record.top_relevant = bool(retrieved_keys) and retrieved_keys[0] in relevant
            record.extra["turns"] = len(turns)
            records.append(record)
            if n % 50 == 0:
                print(f"mtrag: {n}/{len(tasks)} tasks, {time.perf_counter() - start:.0f} s")
        if client.errors:
            print(f"mtrag: {len(client.errors)} failed requests, first: {client.errors[0]}")
    return records


def mtrag_groups(records: list[Record]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for group in GROUPS:
        mine = [r for r in records if r.group == group]
        if not mine:
            continue
        n = len(mine)
        answered = [r for r in mine if r.outcome == "answered"]
        outcomes = Counter(r.outcome for r in mine)
        row: dict[str, Any] = {
            "tasks": n,
            "answered": len(answered) / n,
            "refused_or_escalated": sum(_declined(r) for r in mine) / n,
            "clarify": outcomes["clarify"] / n,
            "queued": outcomes["queued"] / n,
            "outcomes": dict(outcomes),
        }
        if group in ("ANSWERABLE", "PARTIAL"):
            correct = sum(r.correct for r in answered)
            row |= {
                "answered_with_relevant_citation": correct / n,
                "citation_precision_of_answered": correct / len(answered) if answered else 0.0,
                "false_refusal": row["refused_or_escalated"],
                "relevant_retrieved_top5": sum(r.retrieved_relevant for r in mine) / n,
            }
            reached = [r for r in mine if r.stages]  # not queued behind an earlier handoff
            row["answered_with_relevant_citation_of_pipeline_turns"] = _share(
                [r.outcome == "answered" and r.correct for r in reached]
            )
        out[group] = row
    return out


def by_domain(records: list[Record]) -> dict[str, dict[str, float]]:
    out = {}
    for domain in sorted({r.domain for r in records}):
        answerable = [r for r in records if r.domain == domain and r.group == "ANSWERABLE"]
        unanswerable = [r for r in records if r.domain == domain and r.group == "UNANSWERABLE"]
        out[domain] = {
            "answerable": len(answerable),
            "answered_with_relevant_citation": _share(
                [r.outcome == "answered" and r.correct for r in answerable]
            ),
            "unanswerable": len(unanswerable),
            "unanswerable_refused": _share([_declined(r) for r in unanswerable]),
        }
    return out


def confidence_summary(records: list[Record]) -> dict[str, Any]:
    """Mean confidence of answered turns, correct vs not (answerable + partial), and of
    the answers given to unanswerable turns."""
    graded = [r for r in records if r.group in ("ANSWERABLE", "PARTIAL")]
    answered = [r for r in graded if r.outcome == "answered" and r.confidence is not None]
    wrong_kind = [
        r
        for r in records
        if r.group == "UNANSWERABLE" and r.outcome == "answered" and r.confidence is not None
    ]

    def summary(rs: list[Record]) -> dict[str, Any]:
        evidence = [r.evidence for r in rs if r.evidence is not None]
        return {
            "n": len(rs),
            "mean": round(statistics.fmean(r.confidence or 0.0 for r in rs), 4) if rs else None,
            "mean_evidence": round(statistics.fmean(evidence), 4) if evidence else None,
        }

    return {
        "answered_correct": summary([r for r in answered if r.correct]),
        "answered_incorrect": summary([r for r in answered if not r.correct]),
        "unanswerable_answered": summary(wrong_kind),
    }


def threshold_sweep(records: list[Record], shipped: float | None) -> list[dict[str, float]]:
    """What each decide threshold would give, from the recorded confidences. A turn is a
    candidate when the decide stage scored it and retrieval found passages; its would-be
    citation is correct when it actually cited a relevant passage or, when declined, when
    the top retrieved passage is relevant. Turns queued behind an earlier handoff, and
    the handoffs a different threshold would have avoided or caused, are not re-simulated."""

    def candidate(r: Record) -> bool:
        return r.decided and r.confidence is not None and bool(r.retrieved)

    def correct(r: Record) -> bool:
        return r.correct if r.outcome == "answered" else r.top_relevant

    graded = [r for r in records if r.group in ("ANSWERABLE", "PARTIAL")]
    unanswerable = [r for r in records if r.group == "UNANSWERABLE"]
    rows = []
    for threshold in sorted(set(SWEEP) | ({shipped} if shipped is not None else set())):

        def answers(r: Record, t: float = threshold) -> bool:
            return candidate(r) and (r.confidence or 0.0) >= t

        answered = [r for r in graded if answers(r)]
        rows.append(
            {
                "threshold": threshold,
                "answer_rate": _share([answers(r) for r in graded]),
                "answered_with_relevant_citation": _share(
                    [answers(r) and correct(r) for r in graded]
                ),
                "citation_precision": _share([correct(r) for r in answered]),
                "unanswerable_refused": _share([not answers(r) for r in unanswerable]),
            }
        )
    return rows


# ---------------------------------------------------------------- demo help center


def run_helpcenter(instance: Instance, folder: Path) -> list[Record]:
    tenant_id, key = instance.tenant("helpcenter")
    sources = [folder / "articles", folder / "faq.csv", folder / "tickets.jsonl"]
    report = instance.fd.knowledge.ingest_paths(tenant_id, sources)
    print(f"helpcenter: ingested {len(report.added)} documents, {report.chunks} chunks")
    if report.failed:
        print(f"helpcenter: ingest failures: {report.failed}")
    chunks = instance.chunk_map(tenant_id)
    with (folder / "faq.csv").open(encoding="utf-8", newline="") as handle:
        faq_urls = [row["url"] for row in csv.DictReader(handle)]
    article_urls = {ref.uri: ref.url for ref in chunks.values() if ref.faq_row is None}
    questions = _jsonl(folder / "questions.jsonl")
    records = []
    with instance.serve() as base_url:
        client = Client(base_url, key)
        for n, question in enumerate(questions, start=1):
            group = "answerable" if question["answerable"] else "unanswerable"
            record = measure(client, [question["question"]], f"q{n}", group)
            expected = question["expected_source"]
            if expected:
                cited = [chunks[c] for c in record.cited if c in chunks]
                record.correct = any(_is_source(ref, expected) for ref in cited)
                # Lenient: the FAQ row and the article it links to count as one source.
                if expected.startswith("faq:"):
                    url = faq_urls[int(expected.removeprefix("faq:")) - 1]
                else:
                    url = next((u for k, u in article_urls.items() if k.endswith(expected)), None)
                record.extra["lenient"] = record.correct or (
                    url is not None and url in record.extra["citation_urls"]
                )
                top = chunks.get(record.retrieved[0]) if record.retrieved else None
                record.top_relevant = top is not None and _is_source(top, expected)
                record.retrieved_relevant = any(
                    c in chunks and _is_source(chunks[c], expected) for c in record.retrieved
                )
            record.extra["cited_sources"] = [
                _source_name(chunks[c], folder) for c in record.cited if c in chunks
            ]
            record.extra["question"] = question["question"]
            record.extra["expected_source"] = expected
            records.append(record)
        if client.errors:
            print(f"helpcenter: {len(client.errors)} failed requests, first: {client.errors[0]}")
    return records


def _is_source(ref: ChunkRef, expected: str) -> bool:
    if expected.startswith("faq:"):
        return ref.uri.endswith("faq.csv") and ref.faq_row == int(expected.removeprefix("faq:"))
    return ref.uri.endswith("/" + expected)


def _source_name(ref: ChunkRef, folder: Path) -> str:
    """A cited chunk named like ``expected_source``: a path, ``faq:<row>`` or the ticket file."""
    if ref.faq_row is not None and ref.uri.endswith("faq.csv"):
        return f"faq:{ref.faq_row}"
    name = ref.uri.removeprefix(str(folder.resolve()) + "/")
    return f"{name}#{ref.ticket}" if ref.ticket else name


def helpcenter_summary(records: list[Record]) -> dict[str, Any]:
    answerable = [r for r in records if r.group == "answerable"]
    unanswerable = [r for r in records if r.group == "unanswerable"]
    return {
        "answerable": len(answerable),
        "answered": _share([r.outcome == "answered" for r in answerable]),
        "answered_with_expected_source": _share(
            [r.outcome == "answered" and r.correct for r in answerable]
        ),
        "answered_with_expected_source_lenient": _share(
            [r.outcome == "answered" and bool(r.extra.get("lenient")) for r in answerable]
        ),
        "expected_source_retrieved_top5": _share([r.retrieved_relevant for r in answerable]),
        "false_refusal": _share([_declined(r) for r in answerable]),
        "unanswerable": len(unanswerable),
        "unanswerable_refused": _share([_declined(r) for r in unanswerable]),
        "latency": latency(records),
        "misses": [
            {
                "question": r.extra["question"],
                "expected_source": r.extra["expected_source"],
                "outcome": r.outcome,
                "confidence": r.confidence,
                "cited": r.extra.get("cited_sources", []),
            }
            for r in records
            if (r.group == "answerable" and not (r.outcome == "answered" and r.correct))
            or (r.group == "unanswerable" and not _declined(r))
        ],
    }


# ---------------------------------------------------------------- shared


def _declined(r: Record) -> bool:
    """Anything but a grounded answer: no_answer, handoff, refused, clarify, or queued (an
    earlier turn handed the conversation to a person, so the assistant stays silent)."""
    return r.outcome not in ("answered", "error")


def _share(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 2)


def latency(records: list[Record]) -> dict[str, Any]:
    walls = [r.latency_ms for r in records if r.stages]  # turns that ran the pipeline
    stages: dict[str, list[float]] = defaultdict(list)
    for r in records:
        for name, ms in r.stages.items():
            stages[name].append(ms)
    server = [sum(r.stages.values()) for r in records if r.stages]
    return {
        "turns": len(walls),
        "p50_ms": _pct(walls, 0.5),
        "p95_ms": _pct(walls, 0.95),
        "max_ms": _pct(walls, 1.0),
        "pipeline_p50_ms": _pct(server, 0.5),
        "pipeline_p95_ms": _pct(server, 0.95),
        "stages": {
            name: {"p50_ms": _pct(v, 0.5), "p95_ms": _pct(v, 0.95)} for name, v in stages.items()
        },
    }


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
        return str(v)

    lines = [f"### {title}", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


MTRAG_COLUMNS = [
    ("tasks", "tasks"),
    ("answered", "answered"),
    ("answered_with_relevant_citation", "answered + relevant citation"),
    ("citation_precision_of_answered", "citation precision (of answered)"),
    ("refused_or_escalated", "not answered (any other outcome)"),
    ("clarify", "clarify"),
    ("queued", "queued (handed off earlier)"),
    ("relevant_retrieved_top5", "relevant in top 5 retrieved (queued count as no)"),
    ("answered_with_relevant_citation_of_pipeline_turns", "same, of turns not queued"),
]
DOMAIN_COLUMNS = [
    ("answerable", "answerable"),
    ("answered_with_relevant_citation", "answered + relevant citation"),
    ("unanswerable", "unanswerable"),
    ("unanswerable_refused", "unanswerable refused"),
]
SWEEP_COLUMNS = [
    ("threshold", "decide threshold"),
    ("answer_rate", "answer rate (ans+partial)"),
    ("answered_with_relevant_citation", "answered + relevant citation"),
    ("citation_precision", "citation precision"),
    ("unanswerable_refused", "unanswerable refused"),
]
HELPCENTER_ROWS = [
    ("answerable", "answerable questions"),
    ("answered", "answered"),
    ("answered_with_expected_source", "answered citing the expected source"),
    ("answered_with_expected_source_lenient", "... or the FAQ row / article it links to"),
    ("expected_source_retrieved_top5", "expected source in top 5 retrieved"),
    ("false_refusal", "false refusal"),
    ("unanswerable", "unanswerable questions"),
    ("unanswerable_refused", "unanswerable refused"),
]


def _columns(
    title: str, first: str, items: dict[str, dict[str, Any]], columns: list[tuple[str, str]]
) -> str:
    rows = [[name] + [row.get(key, "-") for key, _ in columns] for name, row in items.items()]
    return table(title, [first] + [label for _, label in columns], rows)


def render(results: dict[str, Any]) -> str:
    parts = []
    mtrag = results.get("mtrag_un")
    if mtrag:
        n = sum(g["tasks"] for g in mtrag["groups"].values())
        parts.append(
            _columns(
                f"mtrag_un ({n} tasks, last turn measured)",
                "answerability",
                mtrag["groups"],
                MTRAG_COLUMNS,
            )
        )
        parts.append(_columns("mtrag_un by domain", "domain", mtrag["by_domain"], DOMAIN_COLUMNS))
        confidence = mtrag["confidence"]
        parts.append(
            _columns(
                "mtrag_un confidence (answerable + partial answered; unanswerable answered)",
                "turns",
                confidence,
                [("n", "n"), ("mean", "mean confidence"), ("mean_evidence", "mean evidence")],
            )
        )
        sweep = [[r[key] for key, _ in SWEEP_COLUMNS] for r in mtrag["sweep"]]
        parts.append(
            table(
                f"mtrag_un decide-threshold sweep (offline simulation; the release ships "
                f"{mtrag['shipped_threshold']})",
                [label for _, label in SWEEP_COLUMNS],
                sweep,
            )
        )
    help_center = results.get("helpcenter")
    if help_center:
        rows = [[label, help_center[key]] for key, label in HELPCENTER_ROWS]
        parts.append(table("demo help center (in-sample)", ["metric", "value"], rows))
    latency_rows = []
    for name in ("mtrag_un", "helpcenter"):
        if name in results:
            lat = results[name]["latency"]
            stages = ", ".join(f"{k} {v['p50_ms']}" for k, v in lat["stages"].items())
            keys = ("turns", "p50_ms", "p95_ms", "pipeline_p50_ms", "pipeline_p95_ms")
            latency_rows.append([name, *(lat[k] for k in keys), stages])
    header = ["set", "turns", "HTTP p50", "HTTP p95", "pipeline p50", "pipeline p95", "stage p50s"]
    parts.append(table("Latency of the measured turn (ms)", header, latency_rows))
    return "\n".join(parts)


def decide_threshold(fd: Frontdesk) -> float | None:
    """The release's own answer threshold (``threshold`` or ``min_confidence``)."""
    for spec in fd.release.stages:
        if spec.name == "decide":
            value = spec.params.get("threshold", spec.params.get("min_confidence"))
            return float(value) if isinstance(value, int | float) else None
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "datasets",
        nargs="?",
        type=Path,
        default=ROOT.parent / "shared" / "datasets",
        help="the datasets folder (holding mtrag_un/) or the mtrag_un folder itself",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "answers.json")
    parser.add_argument("--limit", type=int, help="measure only N mtrag tasks (a hashed sample)")
    parser.add_argument("--helpcenter", type=Path, default=HELPCENTER)
    parser.add_argument("--skip-helpcenter", action="store_true")
    parser.add_argument("--skip-mtrag", action="store_true")
    args = parser.parse_args(argv)
    folder = (
        args.datasets if (args.datasets / "tasks.jsonl").exists() else args.datasets / "mtrag_un"
    )

    started = time.perf_counter()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="fd-answers-") as tmp:
        instance = Instance(Path(tmp))
        shipped = decide_threshold(instance.fd)
        try:
            if not args.skip_mtrag:
                records = run_mtrag(instance, folder, Path(tmp), args.limit)
                results["mtrag_un"] = {
                    "groups": mtrag_groups(records),
                    "by_domain": by_domain(records),
                    "confidence": confidence_summary(records),
                    "shipped_threshold": shipped,
                    "sweep": threshold_sweep(records, shipped),
                    "latency": latency(records),
                    "errors": sum(r.outcome == "error" for r in records),
                    "turns_posted": sum(r.extra.get("turns", 0) for r in records),
                }
            if not args.skip_helpcenter:
                records = run_helpcenter(instance, args.helpcenter)
                results["helpcenter"] = helpcenter_summary(records)
        finally:
            instance.fd.close()
    results["release"] = instance.fd.release.id
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print()
    print(render(results))
    print(f"runtime {results['runtime_s']} s; wrote {args.out}")


if __name__ == "__main__":
    main()
