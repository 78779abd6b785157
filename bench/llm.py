"""LLM answer benchmark (issue 7): Frontdesk's LLM variants against the extractive default
on mtrag_un, over real HTTP, with the local model, in one run.

    .venv/bin/python bench/llm.py /work/shared/datasets [--limit 12] [--variants llm,llm+hyde]

One llama.cpp server (Qwen2.5-Coder-0.5B-Instruct Q4_K_M, packaged and SHA-verified, 2
threads, one slot) is shared; each variant is a fresh Frontdesk server (uvicorn on
127.0.0.1, the variant's release) pointing at it, with prices set so cost is accounted.
The llama.cpp server is restarted before each LLM variant: it keeps earlier prompts in a
host-memory cache, so a variant sending the prompts an earlier one sent (self-consistency
sends exactly ``llm``'s) would otherwise skip their prompt processing (seen: first token
after 0.1 s instead of 4-10 s). Variants:

* ``extractive``: the default release;
* ``llm``: the generate stage is ``llm_generator`` (max_tokens 160, streamed);
* ``llm+hyde`` / ``llm+multi_query``: as ``llm``, retrieval by ``llm_expanded_retriever``;
* ``llm+history``: as ``llm`` with prompt ``answer-v2``, which also shows the last four turns;
* ``llm+self_consistency``: as ``llm`` with 3 samples (the extras at temperature 0.7).

Deadlines are raised (generator 60 s, expansion 30 s, provider read 30 s) so that on a
shared 2-core machine contention shows as latency rather than as fallbacks; turns where an
LLM call still failed are counted. A variant whose component is not registered (or whose
params it refuses) is reported as ``unavailable``.

Tasks: ANSWERABLE and UNANSWERABLE mtrag_un tasks, ``--limit`` per group, balanced over the
four domains in a seeded hash order. Every variant gets the same tasks and the same
history: the earlier user turns are posted in a new conversation and answered in-process
by a default-release Frontdesk on the same database (cheap, and identical for every
variant); then the last user turn is posted over HTTP to the variant's server (as
server-sent events, ``?stream=true``) and measured. A task whose conversation was handed
to a person before its last turn is skipped when sampling: its last turn would be queued
for the person and measure nothing (about a third of answerable and half of unanswerable
tasks, see bench/RESULTS.md).

Measured per variant: answered rate and citation precision (cited passages that are in
``relevant_passage_ids``) on answerable, answered with a relevant citation, refusal (any
outcome but ``answered``) on unanswerable; time to first token as the customer sees it
(the first streamed answer text, else the whole turn) and the model's own (the trace's
``first_token_ms``); total HTTP time; tokens and cost from the trace, checked against what
the provider calls really used; **overhead** = HTTP turn time minus the wall time of the
turn's LLM calls, each from its start to its end or failure (for a successful call this is
the ``latency_ms`` the trace records; observing the calls also counts the ones a trace
misses or a timeout; ``overhead_trace_ms`` in the JSON uses the trace alone). Target: 30 ms.

Raw-call baseline (``llm`` variant): after each measured turn, its LLM calls are sent
again, same messages and options, straight to the same llama.cpp server with
``OpenAICompatibleProvider``, and the same turn is posted to Frontdesk once more (same
history, same question); the order alternates by task. The measured turn has just put its
prompt in llama.cpp's prompt cache, so both repeats find it there (a raw replay compared
with the cold turn would mostly measure the cache). Reported: raw vs Frontdesk time on
the same tasks, their paired difference, and the repeated turn's HTTP minus LLM time.

The provider calls are observed by wrapping ``OpenAICompatibleProvider.complete``/``stream``
in this process (the servers run here), which costs microseconds a call.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import _jsonl, bench_settings, table  # noqa: E402
from llm_support import (  # noqa: E402
    FAILURES,
    HEADER,
    PRICES,
    PROVIDER_TIMEOUTS,
    VARIANTS,
    BenchInstance,
    Call,
    CallRecorder,
    StreamClient,
    TurnRecord,
    baseline_summary,
    changed_stages,
    gains,
    knowledge_base,
    prepare_conversation,
    record_dicts,
    record_turn,
    replay,
    select_tasks,
    summarize,
    table_rows,
    user_turns,
    variant_release,
)
from stamp import stamp  # noqa: E402

from frontdesk.llm.config import ProviderConfig  # noqa: E402
from frontdesk.llm.errors import LlmError  # noqa: E402
from frontdesk.llm.local import LocalLlamaServer  # noqa: E402
from frontdesk.llm.models import QWEN25_CODER_05B, model_path  # noqa: E402
from frontdesk.llm.prompts import build_messages, response_format  # noqa: E402
from frontdesk.llm.provider import OpenAICompatibleProvider  # noqa: E402
from frontdesk.pipeline.state import Passage  # noqa: E402
from frontdesk.releases.config import ReleaseConfig, default_release  # noqa: E402

MODEL_CACHE = Path(
    os.environ.get(
        "FRONTDESK_TEST_MODEL_DIR", Path(tempfile.gettempdir()) / "frontdesk-test-models"
    )
)
WARM_UP_QUESTION = "How do I apply for unemployment benefits?"


def probe_call(config: ProviderConfig, corpus: list[dict]) -> dict[str, Any]:
    """Time one answer-shaped call (two passages, the answer prompt) to size the run."""
    passages = [Passage(f"p{i}", row["text"], row["id"], 0.5) for i, row in enumerate(corpus[:2])]
    messages = build_messages(
        "answer-v1", canary=None, passages=passages, question=WARM_UP_QUESTION
    )
    client = OpenAICompatibleProvider(config)
    try:
        stream = client.stream(
            messages,
            max_tokens=160,
            seed=0,
            response_format=response_format(json_schema=config.json_schema, passages=2),
        )
        stream.text()
    except LlmError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        client.close()
    done = stream.completion
    assert done is not None
    return {"latency_ms": round(done.latency_ms), "first_token_ms": round(done.first_token_ms or 0)}


def estimate_s(probe: dict[str, Any], variants: list[str], tasks: int) -> int | None:
    """Rough LLM time of the run: one call's time times the calls per task (``llm``: its
    raw and repeated copies, prompt cached, count as one; an expansion or an extra sample
    as one more)."""
    calls = {
        "llm": 2,
        "llm+history": 1,
        "llm+hyde": 2,
        "llm+multi_query": 2,
        "llm+self_consistency": 3,
    }
    if "latency_ms" not in probe:
        return None
    per_task = sum(calls.get(v, 0) for v in variants)
    return round(probe["latency_ms"] / 1000 * per_task * tasks)


def run_variant(
    name: str,
    ctx: dict[str, Any],
    recorder: CallRecorder,
    baseline: OpenAICompatibleProvider | None = None,
) -> tuple[dict[str, Any], list[TurnRecord]]:
    """Serve the variant's release and measure every task's last turn. With ``baseline``
    (the ``llm`` variant), each turn is then replayed raw and posted once more to
    Frontdesk, both with the prompt now cached, in alternating order."""
    release = variant_release(name, ctx["provider"].model_dump(mode="json"))
    out: dict[str, Any] = {"release": release.id, "stages": changed_stages(release)}
    started = time.perf_counter()
    try:
        instance = BenchInstance(ctx["settings"], release)
    except Exception as exc:  # noqa: BLE001 - e.g. ConfigurationError: type not registered
        reason = f"{type(exc).__name__}: {exc}"
        print(f"{name}: unavailable: {reason}")
        return out | {"status": "unavailable", "reason": reason}, []
    history, tenant_id, sse = ctx["history"].fd, ctx["tenant_id"], ctx["sse"]
    records: list[TurnRecord] = []
    pairs: list[dict[str, Any]] = []
    try:
        with instance.serve() as base_url:
            client = StreamClient(base_url, ctx["key"])
            # Loads the indexes and puts the system prompt in the model's cache.
            warm, _ = client.turn(client.conversation(), WARM_UP_QUESTION, sse)
            failed = [f for f in (warm or {}).get("flags", []) if any(m in f for m in FAILURES)]
            if failed:
                print(f"{name}: warning: the warm-up turn's LLM call failed: {failed}")
            print(f"{name}: server ready in {time.perf_counter() - started:.1f} s")

            def measure(task: dict[str, Any]) -> tuple[TurnRecord, list[Call]]:
                turns = user_turns(task)
                conversation, _ = prepare_conversation(history, tenant_id, turns[:-1])
                recorder.take()
                turn, timing = client.turn(conversation, turns[-1], sse)
                calls = recorder.take()
                return record_turn(task, turn, timing, calls, ctx["chunks"]), calls

            loop = time.perf_counter()
            for n, task in enumerate(ctx["tasks"], start=1):
                record, calls = measure(task)
                records.append(record)
                # Repeats only of turns whose calls all finished (their prompt is cached).
                done = bool(calls) and all(c.completion is not None for c in calls)
                if baseline is not None and done and record.outcome not in ("queued", "error"):
                    pairs.append(paired_turn(task, calls, n % 2 == 0, measure, baseline))
                    recorder.take()
                if n % 5 == 0 or n == len(ctx["tasks"]):
                    elapsed = time.perf_counter() - loop
                    print(f"{name}: {n}/{len(ctx['tasks'])} tasks, {elapsed:.0f} s")
            if client.errors:
                print(f"{name}: {len(client.errors)} failed requests, first: {client.errors[0]}")
    except RuntimeError as exc:  # uvicorn did not start: warm-up refused the release
        print(f"{name}: unavailable: {exc}")
        return out | {"status": "unavailable", "reason": str(exc)}, []
    finally:
        instance.fd.close()
    out |= {"status": "ok", "runtime_s": round(time.perf_counter() - started, 1)}
    if baseline is not None:
        out["raw_baseline"] = baseline_summary(pairs)
    return out | {"summary": summarize(records)}, records


def paired_turn(
    task: dict[str, Any],
    calls: list[Call],
    raw_first: bool,
    measure: Any,
    baseline: OpenAICompatibleProvider,
) -> dict[str, Any]:
    """The raw replay of a turn's calls and the same turn posted again (same history,
    same question), both after the measured turn put its prompt in the model's cache."""
    raw = replay(baseline, calls) if raw_first else None
    again, again_calls = measure(task)
    if raw is None:
        raw = replay(baseline, calls)
    return raw | {
        "task_id": task["task_id"],
        "raw_first": raw_first,
        "calls": len(calls),
        "frontdesk_ms": again.http_ms,
        "frontdesk_llm_ms": again.llm_ms,
        "same_messages": [c.messages for c in again_calls] == [c.messages for c in calls],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "datasets",
        nargs="?",
        type=Path,
        default=ROOT.parent / "shared" / "datasets",
        help="the datasets folder (holding mtrag_un/) or the mtrag_un folder itself",
    )
    parser.add_argument("--limit", type=int, default=10, help="tasks per answerability group")
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help=f"comma-separated, from {VARIANTS}"
    )
    parser.add_argument("--seed", type=int, default=0, help="task sampling order")
    parser.add_argument("--threads", type=int, default=2, help="llama.cpp threads")
    parser.add_argument("--no-cache", action="store_true", help="ingest the corpus afresh")
    parser.add_argument("--json-api", action="store_true", help="post turns as JSON, not SSE")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "llm.json")
    args = parser.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {', '.join(VARIANTS)}")
    folder = (
        args.datasets if (args.datasets / "tasks.jsonl").exists() else args.datasets / "mtrag_un"
    )

    started = time.perf_counter()
    llm_release = ReleaseConfig.model_validate_json(
        (ROOT / "examples" / "releases" / "local-llm.json").read_bytes()
    )
    results: dict[str, Any] = {
        **stamp(default_release(), split="hashed sample", dataset="mtrag_un"),
        "llm_release_digest": llm_release.digest,
        "limit_per_group": args.limit,
        "seed": args.seed,
        "transport": "json" if args.json_api else "sse",
        "model": QWEN25_CODER_05B.name,
        "prices": PRICES,
        "variants": {},
    }
    recorder = CallRecorder()
    base: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="fd-llm-") as tmp_name:
        tmp = Path(tmp_name)
        settings = bench_settings(tmp)
        history, tenant_id, key = knowledge_base(folder, tmp, settings, not args.no_cache)
        chunks = history.chunk_map(tenant_id)
        tasks = _jsonl(folder / "tasks.jsonl")
        selected, skipped = select_tasks(history, tenant_id, tasks, args.limit, args.seed)
        results["tasks"] = {
            "selected": [t["task_id"] for t in selected],
            "skipped_handed_off_before_last_turn": skipped,
        }
        print(f"tasks: {len(selected)} selected, skipped (handed off earlier): {skipped}")
        model = model_path(QWEN25_CODER_05B.name, MODEL_CACHE)
        llama = LocalLlamaServer(
            model, n_ctx=4096, threads=args.threads, parallel=1, log_path=tmp / "llama.log"
        )
        recorder.install()
        try:
            with llama:
                provider = llama.provider_config("local", prices=PRICES, **PROVIDER_TIMEOUTS)
                probe = probe_call(provider, _jsonl(folder / "corpus.jsonl"))
                results["probe_call"] = probe
                estimate = estimate_s(probe, variants, len(selected))
                print(f"one answer call: {probe}; LLM time of the run roughly {estimate} s")
                ctx = {
                    "settings": settings, "history": history, "tenant_id": tenant_id,
                    "key": key, "tasks": selected, "chunks": chunks, "sse": not args.json_api,
                }  # fmt: skip
                for name in variants:
                    if name != "extractive":  # no variant inherits another's prompt cache
                        llama.stop()
                        llama.start()
                    ctx["provider"] = llama.provider_config(
                        "local", prices=PRICES, **PROVIDER_TIMEOUTS
                    )
                    # The baseline's client is kept alive across calls like the generator's.
                    raw = OpenAICompatibleProvider(ctx["provider"]) if name == "llm" else None
                    try:
                        outcome, records = run_variant(name, ctx, recorder, raw)
                    except Exception as exc:  # noqa: BLE001 - report it, run the others
                        traceback.print_exc()
                        outcome = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
                        records = []
                    if raw is not None:
                        raw.close()
                    outcome["turns"] = record_dicts(records)
                    results["variants"][name] = outcome
                    if name == "extractive" and outcome["status"] == "ok":
                        base = outcome["summary"]
        finally:
            recorder.uninstall()
            history.fd.close()
    for outcome in results["variants"].values():
        if base is not None and outcome["status"] == "ok":
            outcome["gains"] = gains(outcome["summary"], base)
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    n = len(results["tasks"]["selected"])
    title = (
        f"LLM variants on mtrag_un ({n} tasks: A = answerable, U = unanswerable; last turn "
        f"measured; quality deltas vs extractive in brackets)"
    )
    print()
    print(table(title, HEADER, table_rows(results)))
    failed = {
        name: v["summary"]["turns_with_llm_failure"]
        for name, v in results["variants"].items()
        if v["status"] == "ok" and v["summary"]["turns_with_llm_failure"]
    }
    if failed:
        print(
            f"warning: turns with a failed LLM call (timeout, open breaker): {failed}; the "
            "model server was starved (is another model server or test run busy?): rerun"
        )
    print(f"runtime {results['runtime_s']} s; wrote {args.out}")


if __name__ == "__main__":
    main()
