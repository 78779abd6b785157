"""Answer cache on public paraphrases: banking77 / clinc150 test utterances grouped by intent.

    .venv/bin/python bench/cache_intents.py [--dataset banking77|clinc150] [--per-intent 4]
                                           [--intents 0] [--split test|dev] [--write]

The knowledge base answers every intent once: one FAQ row per intent whose question is
the intent's first *train* utterance, whose answer is three more train utterances of it
(the customers' own words, so retrieval and the grounding checks have something to
match), and whose ``url`` names the intent. Test utterances of each intent (a seeded
sample) are then asked, each in a fresh conversation, in a seeded random order, so the
paraphrases of one intent meet each other's cache entries.

A served answer's intent is the ``url`` of its first citation. A cache hit is *false*
when that intent is not the question's; *cache-caused* when, in addition, a Frontdesk
with the cache off (same questions, same order) cites the right intent for it.
Latency: wall time of ``post_message``.

``--split dev`` asks *train* utterances the KB does not hold (the fifth onwards of each
intent) instead of test ones: what the re-verification was tuned on; ``test`` is reported.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import bench_settings  # noqa: E402
from stamp import stamp  # noqa: E402

from frontdesk import Frontdesk  # noqa: E402

DATASETS = Path("/work/shared/datasets")
RESULTS = ROOT / "bench" / "results" / "cache_intents.json"


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def build(
    dataset: str, per_intent: int, intents: int, seed: int, split: str = "test"
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(FAQ rows, questions) for the dataset."""
    train: dict[str, list[str]] = defaultdict(list)
    for row in _rows(DATASETS / dataset / "train.jsonl"):
        if not row.get("is_oos") and row["label"] != "oos":
            train[row["label"]].append(row["text"])
    labels = sorted(train)
    rng = random.Random(seed)
    if intents:
        labels = sorted(rng.sample(labels, intents))
    faq = [
        {
            "question": train[label][0],
            "answer": " ".join(t.rstrip(".?! ") + "." for t in train[label][1:4]),
            "url": f"https://intents.example/{label}",
        }
        for label in labels
    ]
    test: dict[str, list[str]] = defaultdict(list)
    if split == "dev":  # train utterances the KB does not hold
        test.update({label: train[label][4:] for label in labels})
    else:
        for row in _rows(DATASETS / dataset / "test.jsonl"):
            if row["label"] in train and row["label"] in labels:
                test[row["label"]].append(row["text"])
    questions = [
        {"text": text, "intent": label}
        for label in labels
        for text in rng.sample(test[label], min(per_intent, len(test[label])))
    ]
    rng.shuffle(questions)
    return faq, questions


class Desk:
    def __init__(self, tmp: Path, mode: str, faq: list[dict[str, str]]) -> None:
        self.fd = Frontdesk(bench_settings(tmp).model_copy(update={"cache": mode}))
        self.fd.init()
        self.fd.warm_up()
        self.tenant = self.fd.tenants.create_tenant("intents").id
        path = tmp / "faq.csv"
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, ["question", "answer", "url"])
            writer.writeheader()
            writer.writerows(faq)
        self.fd.knowledge.ingest_paths(self.tenant, [path])

    def ask(self, text: str) -> tuple[str, str | None, float]:
        """(cache result, cited intent, ms); ``last`` keeps the turn's citations."""
        conversation = self.fd.conversations.create(self.tenant)
        started = time.perf_counter()
        turn = self.fd.conversations.post_message(self.tenant, conversation.id, text).turn
        ms = (time.perf_counter() - started) * 1000
        self.last = [str(c.get("url") or "").rsplit("/", 1)[-1] for c in turn.citations or []]
        stage = next((t for t in turn.trace or [] if t.get("name") == "cache"), {})
        entry = turn.details.get("cache_entry")
        self.checks = {
            "similarity": stage.get("scores", {}).get("similarity"),
            **{k: turn.details.get(k) for k in ("evidence", "coverage", "confidence")},
            "cached_question": self._question_of(entry) if entry else None,
        }
        cited = None
        if turn.outcome is not None and turn.outcome.value == "answered" and turn.citations:
            cited = str(turn.citations[0].get("url") or "").rsplit("/", 1)[-1] or None
        return str(turn.details.get("cache", "miss")), cited, ms

    def _question_of(self, entry: str) -> str | None:
        from sqlalchemy import select

        from frontdesk.storage.cache_tables import AnswerCacheRow

        with self.fd.database.transaction() as session:
            return session.scalar(select(AnswerCacheRow.question).where(AnswerCacheRow.id == entry))


def _p(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[int(q * (len(ordered) - 1))], 1)


def run(
    dataset: str, per_intent: int, intents: int, seed: int, split: str = "test"
) -> dict[str, Any]:
    faq, questions = build(dataset, per_intent, intents, seed, split)
    with tempfile.TemporaryDirectory() as off_dir:
        reference = Desk(Path(off_dir), "off", faq)
        fresh = {q["text"]: reference.ask(q["text"])[1] for q in questions}
        reference.fd.close()
    latency: dict[str, list[float]] = {"miss": [], "exact": [], "semantic": []}
    hits: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as on_dir:
        desk = Desk(Path(on_dir), "semantic", faq)
        for q in questions:
            result, cited, ms = desk.ask(q["text"])
            latency[result].append(ms)
            if result != "miss":
                hits.append(
                    {**q, "via": result, "cited": cited, "citations": desk.last,
                     "reference": fresh[q["text"]], **desk.checks}
                )  # fmt: skip
        release = desk.fd.release
        desk.fd.close()
    false = [h for h in hits if h["cited"] != h["intent"]]
    caused = [h for h in false if h["reference"] == h["intent"]]
    answered_right = sum(fresh[q["text"]] == q["intent"] for q in questions)
    return {
        **stamp(release, split=split, dataset=f"{dataset} ({split} utterances; KB from train)"),
        "dataset": dataset,
        "seed": seed,
        "intents": len(faq),
        "questions": len(questions),
        "reference_right_intent": answered_right,
        "hits": len(hits),
        "hit_rate": round(len(hits) / len(questions), 4),
        "false_hits": len(false),
        "false_hit_rate_of_hits": round(len(false) / len(hits), 4) if hits else 0.0,
        "false_hit_rate_of_questions": round(len(false) / len(questions), 4),
        "cache_caused_false_hits": len(caused),
        "cache_caused_false_hit_rate_of_questions": round(len(caused) / len(questions), 4),
        "latency_ms": {
            k: {"p50": _p(v, 0.5), "p95": _p(v, 0.95), "n": len(v)} for k, v in latency.items()
        },
        "false_hit_examples": false[:20],
        "hit_list": hits,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=["banking77", "clinc150"], default="banking77")
    parser.add_argument("--per-intent", type=int, default=4)
    parser.add_argument("--intents", type=int, default=0, help="sample this many (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--split", choices=["test", "dev"], default="test")
    parser.add_argument("--label", default="", help="key of the run in the results file")
    parser.add_argument("--write", action="store_true", help=f"add the run to {RESULTS}")
    args = parser.parse_args()
    result = run(args.dataset, args.per_intent, args.intents, args.seed, args.split)
    lat = result["latency_ms"]
    print(
        f"{args.dataset}: {result['questions']} questions over {result['intents']} intents; "
        f"cache off cites the right intent for {result['reference_right_intent']}\n"
        f"hit rate {result['hit_rate']:.3f} ({result['hits']}), false hits "
        f"{result['false_hits']} ({result['false_hit_rate_of_questions']:.3%} of questions, "
        f"{result['false_hit_rate_of_hits']:.3%} of hits), cache-caused "
        f"{result['cache_caused_false_hits']}\n"
        f"p50 ms: miss {lat['miss']['p50']}, semantic hit {lat['semantic']['p50']}, "
        f"exact hit {lat['exact']['p50']}"
    )
    for example in result["false_hit_examples"][:10]:
        print("  false hit:", example)
    if args.write:
        runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        key = args.dataset if args.split == "test" else f"{args.dataset}_dev"
        runs[args.label or key] = result
        RESULTS.write_text(json.dumps(runs, indent=2) + "\n")


if __name__ == "__main__":
    main()
