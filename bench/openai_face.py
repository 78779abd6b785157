"""The OpenAI-compatible face's overhead (issue 22): ``POST /v1/chat/completions`` beside
a direct ``POST /v1/conversations/{id}/messages`` turn, same question, same server.

A fresh Frontdesk (SQLite, the demo help center, the shipped release) serves real HTTP on
127.0.0.1 with the answer cache off, so both paths compute every answer. For a fixed list
of English dev questions from ``examples/demo-helpcenter/eval.jsonl`` (every third one
without history: how-tos, ticket-like, typos, handoffs, declines, injections, small talk),
each round asks every question twice, interleaved and in alternating order, each time in
a new conversation:

* direct: ``POST /v1/conversations`` (timed apart), then the message (the time);
* face: one non-streaming chat completion with a single user message (the whole request,
  which also creates the conversation).

The pipeline's own time is the sum of the turn's stage durations (its trace, read with an
agent key; the face's turn is read back after the timed request), so the overhead can be
given net of the pipeline: ``(face wall - face stages) - (direct wall - direct stages)``
per pair, which removes the run-to-run noise of computing the answer itself.

    .venv/bin/python bench/openai_face.py [--rounds 5] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# Before any Settings is built: both paths must compute every answer.
os.environ["FRONTDESK_CACHE"] = "off"

from harness import Client, Instance, table  # noqa: E402
from stamp import describe, stamp  # noqa: E402

DEMO = ROOT / "examples" / "demo-helpcenter"
SOURCES = ("articles", "faq.csv", "tickets.jsonl")
RESULTS = ROOT / "bench" / "results" / "openai_face.json"
WARM_UP_ROUNDS = 1


def questions(limit: int = 22) -> list[str]:
    rows = [
        json.loads(line)
        for line in (DEMO / "eval.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    chosen = [
        r["text"]
        for r in rows
        if r["split"] == "dev" and r["lang"] == "en" and not r.get("history")
    ][::3]
    return chosen[:limit]


def _stages_ms(turn: dict[str, Any]) -> float:
    return float(sum(stage["duration_ms"] for stage in turn["trace"]))


def _direct(client: Client, text: str) -> dict[str, float | str]:
    started = time.perf_counter()
    conversation = client.conversation()
    created_ms = (time.perf_counter() - started) * 1000
    turn, wall_ms = client.post(conversation, text)
    assert turn is not None, client.errors[-1]
    return {
        "wall_ms": wall_ms,
        "create_ms": created_ms,
        "stages_ms": _stages_ms(turn),
        "outcome": str(turn["outcome"]),
    }


def _face(client: Client, text: str) -> dict[str, float | str]:
    body = {"model": "frontdesk", "messages": [{"role": "user", "content": text}]}
    started = time.perf_counter()
    response = client.http.post("/v1/chat/completions", json=body)
    wall_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.text
    extra = response.json()["frontdesk"]
    conversation = client.http.get(f"/v1/conversations/{extra['conversation_id']}")
    conversation.raise_for_status()
    turn = next(t for t in conversation.json()["turns"] if t["id"] == extra["turn_id"])
    return {"wall_ms": wall_ms, "stages_ms": _stages_ms(turn), "outcome": str(extra["outcome"])}


def _pcts(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def run(rounds: int, tmp: Path) -> dict[str, Any]:
    asked = questions()
    instance = Instance(tmp)
    fd = instance.fd
    assert fd.settings.cache == "off"
    fd.warm_up()
    tenant_id, key = instance.tenant("demo")
    fd.knowledge.ingest_paths(tenant_id, [DEMO / name for name in SOURCES])
    pairs: list[dict[str, Any]] = []
    outcomes_differ = 0
    try:
        with instance.serve() as base_url:
            client = Client(base_url, key)
            for round_ in range(WARM_UP_ROUNDS + rounds):
                for index, text in enumerate(asked):
                    face_first = (round_ + index) % 2 == 0  # neither path always goes first
                    if face_first:
                        face = _face(client, text)
                        direct = _direct(client, text)
                    else:
                        direct = _direct(client, text)
                        face = _face(client, text)
                    if round_ < WARM_UP_ROUNDS:
                        continue
                    outcomes_differ += face["outcome"] != direct["outcome"]
                    pairs.append(
                        {"round": round_, "question": text, "face": face, "direct": direct}
                    )
            client.http.close()
    finally:
        fd.close()

    def column(path: str, field: str) -> list[float]:
        return [float(p[path][field]) for p in pairs]

    face_wall, direct_wall = column("face", "wall_ms"), column("direct", "wall_ms")
    face_net = [p["face"]["wall_ms"] - p["face"]["stages_ms"] for p in pairs]
    direct_net = [p["direct"]["wall_ms"] - p["direct"]["stages_ms"] for p in pairs]
    diff = [f - d for f, d in zip(face_wall, direct_wall, strict=True)]
    diff_net = [f - d for f, d in zip(face_net, direct_net, strict=True)]
    with_create = [
        f - (p["direct"]["wall_ms"] + p["direct"]["create_ms"])
        for f, p in zip(face_wall, pairs, strict=True)
    ]
    face_p50, direct_p50 = statistics.median(face_wall), statistics.median(direct_wall)
    return {
        "rounds": rounds,
        "questions": asked,
        "pairs": len(pairs),
        "cache": "off",
        "outcomes": {
            o: sum(1 for p in pairs if p["direct"]["outcome"] == o)
            for o in sorted({str(p["direct"]["outcome"]) for p in pairs})
        },
        "outcomes_differ": outcomes_differ,
        "face": _pcts(face_wall),
        "direct": _pcts(direct_wall),
        "direct_create": _pcts(column("direct", "create_ms")),
        "face_stages": _pcts(column("face", "stages_ms")),
        "direct_stages": _pcts(column("direct", "stages_ms")),
        "face_outside_stages": _pcts(face_net),
        "direct_outside_stages": _pcts(direct_net),
        "overhead_wall": _pcts(diff),
        "overhead_net_of_stages": _pcts(diff_net),
        "overhead_vs_create_plus_message": _pcts(with_create),
        "ratio_p50": round(face_p50 / direct_p50, 4),
        "target_p50_ms": 5.0,
        "meets_target": statistics.median(diff_net) <= 5.0,
        **stamp(fd.release, split="dev", dataset="examples/demo-helpcenter eval.jsonl"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args.rounds, Path(tmp))
    rows = [
        [label, result[key]["n"], result[key]["p50_ms"], result[key]["p95_ms"]]
        for key, label in (
            ("direct", "direct: POST .../messages (wall)"),
            ("face", "face: POST /v1/chat/completions (wall)"),
            ("direct_stages", "direct: pipeline stages (trace)"),
            ("face_stages", "face: pipeline stages (trace)"),
            ("direct_outside_stages", "direct: wall - stages"),
            ("face_outside_stages", "face: wall - stages"),
            ("direct_create", "direct: POST /v1/conversations"),
            ("overhead_wall", "paired: face - direct (wall)"),
            ("overhead_net_of_stages", "paired: face - direct, net of stages"),
            ("overhead_vs_create_plus_message", "paired: face - (create + message)"),
        )
    ]
    rows.append(["ratio of p50 walls, face / direct", "", result["ratio_p50"], ""])
    title = (
        f"OpenAI face overhead, {result['pairs']} pairs "
        f"({args.rounds} rounds x {len(result['questions'])} questions), cache off"
    )
    print(table(title, ["measure", "n", "p50 ms", "p95 ms"], rows))
    print("outcomes (direct):", json.dumps(result["outcomes"]))
    print("pairs whose outcomes differ:", result["outcomes_differ"])
    print(describe(result))
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
