"""Answer cache (issue 24): hit rate, false hits and the latency of a hit.

Over the demo help center (articles, FAQ, tickets), every English question of its
labelled sets that expects an answer (``eval.jsonl`` without follow-ups and small talk,
and ``questions.jsonl``) is asked in a fresh conversation, in a seeded random order so
paraphrases of one article arrive after each other's entries exist:

* pass 1: first sight, only semantic hits are possible (paraphrases);
* pass 2: every question again, word for word (exact hits);
* near misses: ``bench/data/cache_near_misses.jsonl``, pairs one embedding puts side by
  side whose answers differ (negations, numbers, products and places, opposite
  actions): the first is asked (and cached), then the second; any hit on the second is
  a false hit.

A reference Frontdesk with the cache off answers the same questions. A hit is *false*
when its answer fails the question's labels (``must_include`` groups, else a cited gold
article) while the reference answer passes them: the cache made the reply wrong.
Latency is the wall time of ``post_message`` (screening, pipeline or cache, storing).

    .venv/bin/python bench/cache.py [--mode semantic|exact] [--write]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import bench_settings, table  # noqa: E402
from stamp import stamp  # noqa: E402

from frontdesk import Frontdesk  # noqa: E402
from frontdesk.domain.conversation import Turn  # noqa: E402
from frontdesk.storage.repos import knowledge as knowledge_repo  # noqa: E402

DEMO = ROOT / "examples" / "demo-helpcenter"
NEAR_MISSES = ROOT / "bench" / "data" / "cache_near_misses.jsonl"
PARAPHRASES = ROOT / "bench" / "data" / "cache_paraphrases.jsonl"
RESULTS = ROOT / "bench" / "results" / "cache.json"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def questions() -> list[dict[str, Any]]:
    rows = [
        {
            "set": "eval",
            "text": r["text"],
            "gold": [str(g) for g in r.get("gold_docs", [])],
            "must": r.get("must_include", []),
            "must_not": r.get("must_not_include", []),
        }
        for r in _jsonl(DEMO / "eval.jsonl")
        if r["lang"] == "en"
        and r["expect"] == "answer"
        and r["kind"] not in ("followup", "smalltalk")
        and not r.get("history")
    ]
    rows += [
        {
            "set": "eval",
            "text": r["question"],
            "gold": [r["expected_source"]],
            "must": [],
            "must_not": [],
        }
        for r in _jsonl(DEMO / "questions.jsonl")
        if r.get("answerable")
    ]
    rows += [
        {
            "set": "paraphrase",
            "text": r["text"],
            "gold": [],
            "must": r["must_include"],
            "must_not": [],
        }
        for r in _jsonl(PARAPHRASES)
    ]
    return rows


class Desk:
    """A fresh Frontdesk over the demo help center with the cache in ``mode``."""

    def __init__(self, tmp: Path, mode: str) -> None:
        settings = bench_settings(tmp).model_copy(update={"cache": mode})
        self.fd = Frontdesk(settings)
        self.fd.init()
        self.fd.warm_up()
        self.tenant = self.fd.tenants.create_tenant("demo").id
        self.fd.knowledge.ingest_paths(
            self.tenant, [DEMO / "articles", DEMO / "faq.csv", DEMO / "tickets.jsonl"]
        )
        uris = {d.id: d.uri for d in self.fd.knowledge.list_documents(self.tenant)}
        model = self.fd.resources.embedder().model_id
        with self.fd.database.transaction() as session:
            chunks = knowledge_repo.all_chunks(session, self.tenant, model)
        self.uri_of = {c.id: uris[c.document_id] for c in chunks}

    def ask(self, text: str) -> tuple[Turn, float]:
        conversation = self.fd.conversations.create(self.tenant)
        started = time.perf_counter()
        turn = self.fd.conversations.post_message(self.tenant, conversation.id, text).turn
        return turn, (time.perf_counter() - started) * 1000

    def cited(self, turn: Turn) -> list[str]:
        return [self.uri_of.get(str(c["chunk_id"]), "") for c in turn.citations]


def correct(row: dict[str, Any], turn: Turn, cited: list[str]) -> bool:
    if turn.outcome is None or turn.outcome.value != "answered":
        return False
    text = turn.text.lower()
    if row["must"]:
        found = all(any(alt.lower() in text for alt in group) for group in row["must"])
        return found and not any(bad.lower() in text for bad in row["must_not"])
    return any(uri.endswith(gold) or gold.endswith(uri) for uri in cited for gold in row["gold"])


def _p50(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def run(mode: str, seed: int) -> dict[str, Any]:
    rows = questions()
    random.Random(seed).shuffle(rows)
    with tempfile.TemporaryDirectory() as off_dir, tempfile.TemporaryDirectory() as on_dir:
        reference = Desk(Path(off_dir), "off")
        fresh = {}
        baseline_ms = []
        for row in rows:
            turn, ms = reference.ask(row["text"])
            fresh[row["text"]] = correct(row, turn, reference.cited(turn))
            baseline_ms.append(ms)
        reference.fd.close()

        desk = Desk(Path(on_dir), mode)
        latency: dict[str, list[float]] = {"miss": [], "exact": [], "semantic": []}
        passes: dict[str, dict[str, Any]] = {}
        false_hits: list[dict[str, Any]] = []
        for name in ("first_sight", "repeated"):
            counts = {"miss": 0, "exact": 0, "semantic": 0}
            by_set: dict[str, dict[str, int]] = {}
            for row in rows:
                turn, ms = desk.ask(row["text"])
                result = str(turn.details.get("cache", "miss"))
                counts[result] += 1
                in_set = by_set.setdefault(row["set"], {"turns": 0, "exact": 0, "semantic": 0})
                in_set["turns"] += 1
                in_set[result] = in_set.get(result, 0) + 1
                latency[result].append(ms)
                wrong = result != "miss" and not correct(row, turn, desk.cited(turn))
                if wrong and fresh[row["text"]]:
                    false_hits.append({"pass": name, "question": row["text"], "via": result})
            passes[name] = {"turns": len(rows), **counts, "by_set": by_set}
        near = _near_misses(desk)
        rejections = {
            sample.labels["reason"]: int(sample.value)
            for metric in desk.fd.metrics.cache_rejections.collect()
            for sample in metric.samples
            if sample.name.endswith("_total")
        }
        desk.fd.close()
    hits = sum(p["exact"] + p["semantic"] for p in passes.values())
    turns = sum(p["turns"] for p in passes.values())
    miss_p50, exact_p50 = _p50(latency["miss"]), _p50(latency["exact"])
    semantic_p50 = _p50(latency["semantic"])
    all_false = len(false_hits) + near["false_hits"]
    all_hits = hits + near["false_hits"]
    return {
        **stamp(desk.fd.release, dataset="examples/demo-helpcenter"),
        "mode": mode,
        "seed": seed,
        "questions": len(rows),
        "reference_correct": sum(fresh.values()),
        "passes": passes,
        "hit_rate_first_sight": round(passes["first_sight"]["semantic"] / len(rows), 4),
        "hit_rate_overall": round(hits / turns, 4),
        "false_hits": false_hits,
        "semantic_rejections": rejections,
        "near_misses": near,
        "false_hit_rate_near_miss": round(near["false_hits"] / near["pairs"], 4),
        "false_hit_rate_of_hits": round(all_false / all_hits, 4) if all_hits else 0.0,
        "false_hit_rate_of_turns": round(all_false / (turns + near["pairs"]), 4),
        "latency_ms_p50": {
            "cache_off": _p50(baseline_ms),
            "miss": miss_p50,
            "exact_hit": exact_p50,
            "semantic_hit": semantic_p50,
        },
        "hit_to_miss_ratio_p50": {
            "exact": round(exact_p50 / miss_p50, 3) if exact_p50 and miss_p50 else None,
            "semantic": round(semantic_p50 / miss_p50, 3) if semantic_p50 and miss_p50 else None,
        },
    }


def _near_misses(desk: Desk) -> dict[str, Any]:
    pairs = _jsonl(NEAR_MISSES)
    cached_first = 0
    served: list[dict[str, Any]] = []
    by_kind: dict[str, dict[str, int]] = {}
    for pair in pairs:
        desk.ask(pair["cached"])
        again, _ = desk.ask(pair["cached"])  # is it in the cache? (an exact hit says so)
        cached_first += again.details.get("cache") == "exact"
        turn, _ = desk.ask(pair["asked"])
        result = str(turn.details.get("cache", "miss"))
        kind = by_kind.setdefault(pair["kind"], {"pairs": 0, "false_hits": 0})
        kind["pairs"] += 1
        if result != "miss":
            kind["false_hits"] += 1
            served.append({**pair, "via": result})
    return {
        "pairs": len(pairs),
        "cached_first": cached_first,
        "false_hits": len(served),
        "served": served,
        "by_kind": by_kind,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["semantic", "exact"], default="semantic")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS}")
    args = parser.parse_args()
    result = run(args.mode, args.seed)
    p50 = result["latency_ms_p50"]
    print(
        table(
            f"Answer cache ({args.mode}) on the demo help center",
            ["measure", "value"],
            [
                ["questions (each asked twice)", result["questions"]],
                ["hit rate, first sight (semantic)", result["hit_rate_first_sight"]],
                [
                    "first-sight semantic hits: eval / paraphrase set",
                    " / ".join(
                        f"{v.get('semantic', 0)} of {v['turns']}"
                        for v in result["passes"]["first_sight"]["by_set"].values()
                    ),
                ],
                ["hit rate, both passes", result["hit_rate_overall"]],
                ["false hits, paraphrases", len(result["false_hits"])],
                [
                    "false hits, near misses",
                    f"{result['near_misses']['false_hits']} / {result['near_misses']['pairs']}",
                ],
                ["false-hit rate of hits", result["false_hit_rate_of_hits"]],
                ["p50 ms: cache off / miss", f"{p50['cache_off']} / {p50['miss']}"],
                ["p50 ms: exact / semantic hit", f"{p50['exact_hit']} / {p50['semantic_hit']}"],
                ["p50 hit / miss (exact, semantic)", str(result["hit_to_miss_ratio_p50"])],
            ],
        )
    )
    if args.write:
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
