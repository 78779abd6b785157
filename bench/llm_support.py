"""Pieces of bench/llm.py: variant releases, task sampling, streamed turns, the recorder
of provider calls, and the summary table."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from harness import Client, Instance, _pct, mtrag_corpus

from frontdesk import Frontdesk, Settings
from frontdesk.domain.conversation import ConversationStatus
from frontdesk.llm.completion import ChatStream, Completion
from frontdesk.llm.errors import LlmError
from frontdesk.llm.provider import OpenAICompatibleProvider
from frontdesk.releases.config import ReleaseConfig, StageSpec, default_release

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = (
    "extractive", "llm", "llm+history", "llm+hyde", "llm+multi_query", "llm+self_consistency",
)  # fmt: skip
GROUPS = ("ANSWERABLE", "UNANSWERABLE")
PRICES = {"prompt_per_1k": 0.0005, "completion_per_1k": 0.0015}
# Generous limits: on a shared 2-core machine contention should show up as latency, not
# as timeouts and fallbacks (fallbacks are counted anyway).
PROVIDER_TIMEOUTS = {"read_timeout_s": 30.0, "deadline_s": 60.0}
GENERATOR_DEADLINE_S = 60.0  # the stage's default: 20 s
EXPANSION_DEADLINE_S = 30.0  # the stage's default: 10 s
# Flags of an LLM call that failed (the turn then went on without it).
FAILURES = (
    "llm_timeout", "llm_transport", "llm_truncated", "llm_http_error", "llm_protocol",
    "llm_invalid_json", "llm_deadline", "breaker_open", "fallback:", "expansion_failed",
)  # fmt: skip


# ---------------------------------------------------------------- releases


def variant_release(variant: str, provider: dict[str, Any]) -> ReleaseConfig:
    """The default release with the generate (and for HyDE / multi-query the retrieve)
    stage replaced; stage names stay the same so traces line up."""
    generate = {
        "providers": [provider],
        "max_tokens": 160,
        "stream": True,
        "deadline_s": GENERATOR_DEADLINE_S,
    }
    if variant == "llm+self_consistency":
        generate |= {"samples": 3, "sample_temperature": 0.7}
    if variant == "llm+history":  # the prompt also shows the last four turns
        generate |= {"prompt_version": "answer-v2"}
    expansion = {"providers": [provider], "top_k": 5, "deadline_s": EXPANSION_DEADLINE_S}
    retrieve = {
        "llm+hyde": {"mode": "hyde"} | expansion,
        "llm+multi_query": {"mode": "multi_query", "queries": 3} | expansion,
    }.get(variant)
    base = default_release()
    if variant == "extractive":
        return base
    stages = []
    for spec in base.stages:
        if spec.name == "generate":
            spec = StageSpec(name="generate", type="llm_generator", params=generate)
        elif spec.name == "retrieve" and retrieve is not None:
            spec = StageSpec(name="retrieve", type="llm_expanded_retriever", params=retrieve)
        stages.append(spec)
    slug = variant.replace("+", "-").replace("_", "-")
    return ReleaseConfig(
        id=f"bench-{slug}", version=1, description=f"bench/llm.py: {variant}", stages=stages
    )


def changed_stages(release: ReleaseConfig) -> list[dict[str, Any]]:
    """The stages that differ from the default release (providers shown by name only)."""
    default = {s.name: s for s in default_release().stages}
    out = []
    for spec in release.stages:
        if spec != default.get(spec.name):
            params = dict(spec.params)
            if "providers" in params:
                params["providers"] = [p["name"] for p in params["providers"]]
            out.append({"name": spec.name, "type": spec.type, "params": params})
    return out


# ---------------------------------------------------------------- Frontdesk instances


class BenchInstance(Instance):
    """bench/answers.py's Instance (tenant, chunk map, uvicorn server) running a given
    release; building it raises ConfigurationError for an unregistered component."""

    def __init__(self, settings: Settings, release: ReleaseConfig | None = None) -> None:
        self.fd = Frontdesk(settings, release=release)


def prepare_conversation(fd: Frontdesk, tenant_id: str, prior: list[str]) -> tuple[str, bool]:
    """A new conversation holding the task's earlier user turns, answered in-process by
    ``fd`` (the default release); True when the assistant still answers it (no handoff)."""
    conversation = fd.conversations.create(tenant_id)
    for text in prior:
        fd.conversations.post_message(tenant_id, conversation.id, text)
    status = fd.conversations.get(tenant_id, conversation.id).status
    return conversation.id, status is ConversationStatus.BOT


def user_turns(task: dict[str, Any]) -> list[str]:
    return [t["text"] for t in task["conversation"] if t["speaker"] == "user"]


def domain_balanced(tasks: list[dict[str, Any]], group: str, seed: int) -> Iterator[dict]:
    """The group's tasks, each domain in a seeded hash order, taken round-robin."""
    buckets: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for task in tasks:
        if task["answerability"] == group:
            buckets[task["domain"]].append(task)
    for bucket in buckets.values():
        bucket.sort(key=lambda t: hashlib.sha1(f"{seed}:{t['task_id']}".encode()).hexdigest())
    while any(buckets.values()):
        for domain in sorted(buckets):
            if buckets[domain]:
                yield buckets[domain].pop(0)


# ---------------------------------------------------------------- knowledge base, tasks

CACHE_DIR = ROOT / "bench" / ".cache" / "llm"
# What decides the ingested knowledge base besides the corpus: a change here re-ingests.
INGEST_CODE = (
    "frontdesk/knowledge",
    "frontdesk/services/knowledge.py",
    "frontdesk/providers/embedders",
    "frontdesk/storage/tables.py",
    "frontdesk/storage/migrations/versions",
    "frontdesk/storage/repos/knowledge.py",
)


def ingest_key(corpus: Path) -> str:
    digest = hashlib.sha256(corpus.read_bytes())
    for name in INGEST_CODE:
        path = ROOT / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(ROOT)).encode() + file.read_bytes())
    return digest.hexdigest()[:16]


def knowledge_base(
    folder: Path, tmp: Path, settings: Any, use_cache: bool
) -> tuple[BenchInstance, str, str]:
    """A default-release Frontdesk on ``tmp/fd.db`` holding the mtrag_un pool (tenant
    ``mtrag``), its tenant id and an agent key. Ingesting embeds ~2,100 chunks (2-6 min
    here), so the database is kept in bench/.cache/llm/, keyed by the corpus and the code
    that chunks, embeds and stores it."""
    corpus = mtrag_corpus(folder, tmp)
    cached = CACHE_DIR / f"mtrag-{ingest_key(corpus)}.db"
    hit = use_cache and cached.is_file()
    if hit:
        shutil.copyfile(cached, tmp / "fd.db")
    history = BenchInstance(settings)
    history.fd.init()
    history.fd.warm_up()
    if hit:
        tenant_id = history.fd.tenants.get_tenant("mtrag").id
        key, _ = history.fd.tenants.issue_key("mtrag", "agent")  # the whole trace
        print(f"mtrag: knowledge base from {cached.relative_to(ROOT)}")
        return history, tenant_id, key
    tenant_id, key = history.tenant("mtrag")
    started = time.perf_counter()
    report = history.fd.knowledge.ingest_paths(tenant_id, [corpus])
    print(f"mtrag: ingested {report.chunks} chunks in {time.perf_counter() - started:.1f} s")
    if use_cache and not report.failed:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".part")
        source, target = sqlite3.connect(tmp / "fd.db"), sqlite3.connect(partial)
        try:
            source.backup(target)  # consistent even with a write-ahead log
        finally:
            source.close()
            target.close()
        partial.replace(cached)
    return history, tenant_id, key


def select_tasks(
    history: BenchInstance, tenant_id: str, tasks: list[dict], limit: int, seed: int
) -> tuple[list[dict], dict[str, int]]:
    """``limit`` tasks per group whose conversation is still the assistant's at the last
    turn under the default release; how many were skipped per group."""
    selected, skipped = [], {}
    for group in GROUPS:
        taken = skipped[group] = 0
        for task in domain_balanced(tasks, group, seed):
            if taken == limit:
                break
            _, open_ = prepare_conversation(history.fd, tenant_id, user_turns(task)[:-1])
            if open_:
                selected.append(task)
                taken += 1
            else:
                skipped[group] += 1
    return selected, skipped


# ---------------------------------------------------------------- measuring a turn


class StreamClient(Client):
    """bench/answers.py's widget client, posting the measured turn as server-sent events
    (``?stream=true``) so the first answer text can be timed; a server that answers JSON
    is read as JSON (then the first text arrives with the whole turn)."""

    def turn(self, conversation_id: str, text: str, sse: bool) -> tuple[dict | None, dict]:
        """The assistant's turn (None on an error) and its timings (perf_counter based)."""
        start = time.perf_counter()
        timing: dict[str, Any] = {"start": start, "first_text_ms": None, "streamed": False}
        try:
            if not sse:
                turn, elapsed = self.post(conversation_id, text)
                return turn, timing | {"total_ms": elapsed}
            return self._stream(conversation_id, text, start, timing)
        except httpx.HTTPError as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return None, timing | {"total_ms": _ms(start)}

    def _stream(
        self, conversation_id: str, text: str, start: float, timing: dict[str, Any]
    ) -> tuple[dict | None, dict]:
        turn = None
        with self.http.stream(
            "POST",
            f"/v1/conversations/{conversation_id}/messages",
            params={"stream": "true"},
            json={"text": text},
            headers={"Accept": "text/event-stream"},
        ) as response:
            if response.status_code not in (200, 201, 202):
                self.errors.append(f"{response.status_code}: {response.read()[:200]!r}")
                return None, timing | {"total_ms": _ms(start)}
            if not response.headers.get("content-type", "").startswith("text/event-stream"):
                turn = json.loads(response.read())
                return turn, timing | {"total_ms": _ms(start)}
            timing["streamed"] = True
            event = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    if event == "delta" and timing["first_text_ms"] is None:
                        timing["first_text_ms"] = _ms(start)
                    elif event == "final":
                        turn = json.loads(line[5:])
                        break
                    elif event == "error":
                        self.errors.append(f"stream error: {line[5:200]}")
                        break
        return turn, timing | {"total_ms": _ms(start)}


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


@dataclass
class Call:
    """One chat call a provider client made in this process."""

    provider: str
    started: float  # time.perf_counter() just before the call
    messages: list[dict[str, str]]
    options: dict[str, Any]
    streamed: bool
    ended: float | None = None  # when it returned, raised, or its stream ended
    completion: Completion | None = None
    error: str | None = None

    def is_answer(self) -> bool:
        """The generator's grounded-answer call (its response format names it)."""
        schema = (self.options.get("response_format") or {}).get("json_schema") or {}
        return schema.get("name") == "grounded_answer"


class CallRecorder:
    """Records every ``OpenAICompatibleProvider.complete``/``stream`` call in this process
    (the Frontdesk servers run here, on uvicorn threads) by wrapping the two public methods:
    the messages and options are what the raw-call baseline replays; start and end times,
    tokens and cost count every call, failed ones too, whatever the trace says. A stream is
    handed back as a ChatStream over the original one. Costs microseconds a call."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._originals: dict[str, Any] = {}

    def install(self) -> None:
        complete, stream = OpenAICompatibleProvider.complete, OpenAICompatibleProvider.stream
        self._originals = {"complete": complete, "stream": stream}
        recorder = self

        def recorded_complete(
            provider: OpenAICompatibleProvider, messages: list[dict[str, str]], **options: Any
        ) -> Completion:
            call = recorder._add(provider, messages, options, streamed=False)
            try:
                call.completion = complete(provider, messages, **options)
            except Exception as exc:
                call.error = type(exc).__name__
                raise
            finally:
                call.ended = time.perf_counter()
            return call.completion

        def recorded_stream(
            provider: OpenAICompatibleProvider, messages: list[dict[str, str]], **options: Any
        ) -> ChatStream:
            call = recorder._add(provider, messages, options, streamed=True)
            inner = stream(provider, messages, **options)

            def deltas() -> Iterator[str]:
                try:
                    yield from inner
                    outer.completion = call.completion = inner.completion
                except Exception as exc:
                    call.error = type(exc).__name__
                    raise
                finally:
                    call.ended = time.perf_counter()

            outer = ChatStream(deltas())
            return outer

        setattr(OpenAICompatibleProvider, "complete", recorded_complete)  # noqa: B010
        setattr(OpenAICompatibleProvider, "stream", recorded_stream)  # noqa: B010

    def uninstall(self) -> None:
        for name, method in self._originals.items():
            setattr(OpenAICompatibleProvider, name, method)

    def _add(self, provider: Any, messages: Any, options: dict, *, streamed: bool) -> Call:
        call = Call(
            provider.name, time.perf_counter(), [dict(m) for m in messages], dict(options), streamed
        )
        with self._lock:
            self._calls.append(call)
        return call

    def take(self) -> list[Call]:
        with self._lock:
            calls, self._calls = self._calls, []
        return calls


def llm_wall_ms(calls: list[Call]) -> float:
    """Time covered by the calls, from start to return or failure (overlaps counted once)."""
    spans = sorted((c.started, c.ended) for c in calls if c.ended is not None)
    total, end = 0.0, float("-inf")
    for start, stop in spans:
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total * 1000


def replay(client: OpenAICompatibleProvider, calls: list[Call]) -> dict[str, Any]:
    """Send ``calls`` again, same messages and options (the deadline aside), one after the
    other, straight to the provider: the raw-call baseline of one turn."""
    total, first, same = 0.0, None, True
    for call in calls:
        options = {k: v for k, v in call.options.items() if k != "deadline_s"}
        start = time.perf_counter()
        try:
            if call.streamed:
                stream = client.stream(call.messages, **options)
                stream.text()
                done = stream.completion
            else:
                done = client.complete(call.messages, **options)
        except LlmError as exc:
            return {"raw_ms": None, "first_token_ms": None, "same_text": False, "error": exc.flag}
        total += (time.perf_counter() - start) * 1000
        if first is None and done is not None:
            first = done.first_token_ms
        original = call.completion
        same = same and done is not None and original is not None and done.text == original.text
    return {"raw_ms": round(total, 1), "first_token_ms": _round(first), "same_text": same}


@dataclass
class TurnRecord:
    """One measured turn of one variant."""

    task_id: str
    group: str
    domain: str
    outcome: str
    http_ms: float
    first_text_ms: float | None  # first streamed answer text (None: not streamed)
    pipeline_ms: float = 0.0
    cited: list[str] = field(default_factory=list)  # passage ids
    relevant: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    trace_llm_ms: float = 0.0
    trace_calls: int = 0
    trace_prompt_tokens: int = 0
    trace_completion_tokens: int = 0
    trace_cost: float = 0.0
    trace_first_token_ms: float | None = None
    llm_ms: float = 0.0  # observed: wall time of the provider calls
    answer_first_token_ms: float | None = None  # request start -> first token of the answer
    calls: list[dict[str, Any]] = field(default_factory=list)


def record_turn(
    task: dict[str, Any],
    turn: dict[str, Any] | None,
    timing: dict[str, Any],
    calls: list[Call],
    chunks: dict[str, Any],
) -> TurnRecord:
    record = TurnRecord(
        task_id=task["task_id"],
        group=task["answerability"],
        domain=task["domain"],
        outcome="error" if turn is None else str(turn["outcome"]),
        http_ms=round(timing["total_ms"], 2),
        first_text_ms=_round(timing["first_text_ms"]),
        relevant=list(task["relevant_passage_ids"]),
    )
    if turn is not None:
        record.cited = [
            chunks[c["chunk_id"]].document_key for c in turn["citations"] if c["chunk_id"] in chunks
        ]
        record.flags = list(turn.get("flags", []))
        for stage in turn["trace"]:
            scores, detail = stage.get("scores") or {}, stage.get("detail") or {}
            record.pipeline_ms += stage["duration_ms"]
            record.trace_llm_ms += scores.get("llm_ms", 0.0)
            record.trace_prompt_tokens += int(scores.get("prompt_tokens", 0))
            record.trace_completion_tokens += int(scores.get("completion_tokens", 0))
            record.trace_cost += scores.get("cost", 0.0)
            if isinstance(detail.get("calls"), int):
                record.trace_calls += detail["calls"]
            if record.trace_first_token_ms is None and detail.get("first_token_ms") is not None:
                record.trace_first_token_ms = detail["first_token_ms"]
        record.pipeline_ms = round(record.pipeline_ms, 2)
    start = timing["start"]
    for call in calls:
        result = call.completion
        record.calls.append(
            {
                "answer": call.is_answer(),
                "offset_ms": round((call.started - start) * 1000, 1),
                "wall_ms": _round((call.ended - call.started) * 1000 if call.ended else None),
                "latency_ms": _round(result.latency_ms if result else None),
                "first_token_ms": _round(result.first_token_ms if result else None),
                "prompt_tokens": result.usage.prompt_tokens if result else 0,
                "completion_tokens": result.usage.completion_tokens if result else 0,
                "cost": result.cost if result else 0.0,
                "error": call.error,
            }
        )
    record.llm_ms = round(llm_wall_ms(calls), 1)
    first_answer = next((c for c in record.calls if c["answer"]), None)
    if first_answer and first_answer["first_token_ms"] is not None:
        record.answer_first_token_ms = round(
            first_answer["offset_ms"] + first_answer["first_token_ms"], 1
        )
    return record


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# ---------------------------------------------------------------- summaries


def stats(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "mean": None, "p50": None, "p95": None}
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 1),
        "p50": _pct(values, 0.5),
        "p95": _pct(values, 0.95),
    }


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def _mean(values: list[float], digits: int = 1) -> float | None:
    return round(statistics.fmean(values), digits) if values else None


def summarize(records: list[TurnRecord]) -> dict[str, Any]:
    """Quality, latency and accounting of one variant's measured turns. Turns that did
    not run the pipeline (queued behind a handoff, errors) are counted, not measured."""
    measured = [r for r in records if r.outcome not in ("queued", "error")]
    answerable = [r for r in measured if r.group == "ANSWERABLE"]
    unanswerable = [r for r in measured if r.group == "UNANSWERABLE"]
    answered = [r for r in answerable if r.outcome == "answered"]
    citations = [doc in r.relevant for r in answered for doc in r.cited]
    observed_cost = sum(c["cost"] for r in measured for c in r.calls)
    observed_calls = sum(len(r.calls) for r in measured)
    flags = Counter(
        f for r in measured for f in r.flags if any(k in f for k in ("llm", "fallback", "breaker"))
    )
    return {
        "turns": len(measured),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "queued": sum(r.outcome == "queued" for r in records),
        "errors": sum(r.outcome == "error" for r in records),
        "outcomes": {g: dict(Counter(r.outcome for r in records if r.group == g)) for g in GROUPS},
        "answered": _share([r.outcome == "answered" for r in answerable]),
        "citation_precision": _share(citations),
        "answered_with_relevant_citation": _share(
            [r.outcome == "answered" and bool(set(r.cited) & set(r.relevant)) for r in answerable]
        ),
        "unanswerable_refused": _share([r.outcome != "answered" for r in unanswerable]),
        "ttft_ms": stats([r.first_text_ms or r.http_ms for r in measured]),
        "answer_first_token_ms": stats(
            [r.answer_first_token_ms for r in measured if r.answer_first_token_ms is not None]
        ),
        "model_ttft_ms": stats(
            [r.trace_first_token_ms for r in measured if r.trace_first_token_ms is not None]
        ),
        "total_ms": stats([r.http_ms for r in measured]),
        "pipeline_ms": stats([r.pipeline_ms for r in measured]),
        "llm_ms": stats([r.llm_ms for r in measured]),
        "overhead_ms": stats([r.http_ms - r.llm_ms for r in measured]),
        "overhead_trace_ms": stats([r.http_ms - r.trace_llm_ms for r in measured]),
        "llm_calls_per_turn": _mean([len(r.calls) for r in measured], 2),
        "trace_calls_per_turn": _mean([r.trace_calls for r in measured], 2),
        "prompt_tokens_per_turn": _mean([r.trace_prompt_tokens for r in measured]),
        "completion_tokens_per_turn": _mean([r.trace_completion_tokens for r in measured]),
        "cost_per_1k_turns": _mean([r.trace_cost * 1000 for r in measured], 4),
        "observed_prompt_tokens_per_turn": _mean(
            [sum(c["prompt_tokens"] for c in r.calls) for r in measured]
        ),
        "observed_completion_tokens_per_turn": _mean(
            [sum(c["completion_tokens"] for c in r.calls) for r in measured]
        ),
        "observed_cost_per_1k_turns": _mean(
            [sum(c["cost"] for c in r.calls) * 1000 for r in measured], 4
        ),
        "trace_cost_share": (
            round(sum(r.trace_cost for r in measured) / observed_cost, 4) if observed_cost else None
        ),
        "observed_calls": observed_calls,
        "turns_with_llm_failure": sum(
            any(mark in f for f in r.flags for mark in FAILURES) for r in measured
        ),
        "flags": dict(flags),
    }


def gains(summary: dict[str, Any], base: dict[str, Any]) -> dict[str, float | None]:
    """Differences from the extractive default (positive = better for quality rows)."""

    def diff(key: str) -> float | None:
        a, b = summary.get(key), base.get(key)
        return None if a is None or b is None else round(a - b, 4)

    total, base_total = summary["total_ms"]["p50"], base["total_ms"]["p50"]
    return {
        "answered_with_relevant_citation": diff("answered_with_relevant_citation"),
        "citation_precision": diff("citation_precision"),
        "unanswerable_refused": diff("unanswerable_refused"),
        "total_p50_ratio": round(total / base_total, 2) if total and base_total else None,
    }


# ---------------------------------------------------------------- the table

HEADER = [
    "variant",
    "status",
    "tasks A/U",
    "answered (A)",
    "citation precision",
    "answered + relevant citation (A)",
    "refused (U)",
    "TTFT mean/p50/p95 ms",
    "model TTFT p50 ms",
    "total p50/p95 ms",
    "overhead p50/p95 ms",
    "LLM calls/turn",
    "prompt/completion tok/turn",
    "cost per 1k turns",
    "turns with a failed LLM call",
]


def _num(value: float | None, fmt: str = ".3f") -> str:
    return "-" if value is None else format(value, fmt)


def _delta(value: float | None, change: float | None) -> str:
    text = _num(value)
    return text if change is None or value is None else f"{text} ({change:+.3f})"


def _ms_pair(s: dict[str, Any], *keys: str) -> str:
    return "/".join(_num(s.get(k), ".0f") for k in keys)


def table_rows(results: dict[str, Any]) -> list[list[str]]:
    rows = []
    for name, variant in results["variants"].items():
        if variant["status"] != "ok":
            reason = variant.get("reason", "")
            rows.append([name, f"{variant['status']}: {reason[:70]}"] + ["-"] * (len(HEADER) - 2))
            continue
        s, g = variant["summary"], variant.get("gains", {})
        ratio = g.get("total_p50_ratio")
        total = _ms_pair(s["total_ms"], "p50", "p95") + (f" (x{ratio})" if ratio else "")
        cost = s["cost_per_1k_turns"]
        if s["trace_cost_share"] is not None and s["trace_cost_share"] < 0.999:
            cost = f"{_num(cost, '.4f')} (trace has {s['trace_cost_share']:.0%} of observed)"
        rows.append(
            [
                name,
                "ok",
                f"{s['answerable']}/{s['unanswerable']}",
                _num(s["answered"]),
                _delta(s["citation_precision"], g.get("citation_precision")),
                _delta(
                    s["answered_with_relevant_citation"], g.get("answered_with_relevant_citation")
                ),
                _delta(s["unanswerable_refused"], g.get("unanswerable_refused")),
                _ms_pair(s["ttft_ms"], "mean", "p50", "p95"),
                _num(s["model_ttft_ms"]["p50"], ".0f"),
                total,
                _ms_pair(s["overhead_ms"], "p50", "p95"),
                _num(s["llm_calls_per_turn"], ".2f"),
                f"{_num(s['prompt_tokens_per_turn'], '.0f')}/"
                f"{_num(s['completion_tokens_per_turn'], '.0f')}",
                cost if isinstance(cost, str) else _num(cost, ".4f"),
                str(s["turns_with_llm_failure"]),
            ]
        )
    raw = (results["variants"].get("llm") or {}).get("raw_baseline")
    if raw:
        fd, r = raw["frontdesk_ms"], raw["raw_ms"]
        rows.append(
            [
                "llm: raw call vs same turn again (prompt cached)",
                f"{raw['turns']} turns; same messages {raw['same_messages']}, "
                f"same text {raw['same_text']}",
                "-",
                "-",
                "-",
                "-",
                "-",
                _ms_pair(raw["raw_first_token_ms"], "mean", "p50", "p95") + " raw",
                _num(raw["raw_first_token_ms"]["p50"], ".0f"),
                f"{_ms_pair(r, 'p50', 'p95')} raw, {_ms_pair(fd, 'p50', 'p95')} Frontdesk",
                f"{_ms_pair(raw['frontdesk_minus_raw_ms'], 'p50', 'p95')} (Frontdesk - raw), "
                f"{_ms_pair(raw['frontdesk_overhead_ms'], 'p50', 'p95')} (HTTP - LLM)",
                _num(raw["calls_per_turn"], ".2f"),
                "-",
                "-",
                "-",
            ]
        )
    return rows


def baseline_summary(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """Raw replay vs the repeated Frontdesk turn, paired by task (replays that failed are
    counted in ``turns`` only)."""
    all_pairs, pairs = pairs, [p for p in pairs if p["raw_ms"] is not None]
    return {
        "turns": len(all_pairs),
        "same_messages": f"{sum(p['same_messages'] for p in pairs)}/{len(pairs)}",
        "same_text": f"{sum(p['same_text'] for p in pairs)}/{len(pairs)}",
        "calls_per_turn": _mean([p["calls"] for p in pairs], 2),
        "raw_ms": stats([p["raw_ms"] for p in pairs]),
        "raw_first_token_ms": stats([p["first_token_ms"] for p in pairs if p["first_token_ms"]]),
        "frontdesk_ms": stats([p["frontdesk_ms"] for p in pairs]),
        "frontdesk_minus_raw_ms": stats([p["frontdesk_ms"] - p["raw_ms"] for p in pairs]),
        "frontdesk_overhead_ms": stats([p["frontdesk_ms"] - p["frontdesk_llm_ms"] for p in pairs]),
        "raw_failed": len(all_pairs) - len(pairs),
        "pairs": all_pairs,
    }


def record_dicts(records: list[TurnRecord]) -> list[dict[str, Any]]:
    return [asdict(r) for r in records]
