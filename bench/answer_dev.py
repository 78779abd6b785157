"""Answer quality at full coverage on the dev rows: the fast loop for tuning generation.

    .venv/bin/python bench/answer_dev.py [--variant stage.param=JSON ...] [--failures]

Both labelled help centers are ingested once; their ``dev`` rows (never test) run through
the default release with the decide threshold at its floor (``decide_fit.permissive``), so
every turn with evidence is answered. It prints how many answerable turns are then
correct, overall and per kind, and the gold-article hit rate of the first citation: the
ceiling the decide model works under. ``--variant generate.max_sentences=3`` tries a
variant without editing the release; several ``--variant`` groups compare side by side
(an empty ``--variant`` is the release as shipped).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from answers import HELPCENTERS, sources_of  # noqa: E402
from decide_fit import permissive  # noqa: E402
from harness import bench_settings  # noqa: E402

from frontdesk import Frontdesk  # noqa: E402
from frontdesk.evaluation import (  # noqa: E402
    EvalRunner,
    RowResult,
    database_sources,
    gold_matches,
    load_rows,
    select_split,
)
from frontdesk.releases.config import ReleaseConfig, default_release  # noqa: E402


def variant(release: ReleaseConfig, settings: list[str]) -> ReleaseConfig:
    """``release`` with ``stage.param=JSON`` overrides applied."""
    data = release.model_dump(mode="json")
    for setting in settings:
        key, _, raw = setting.partition("=")
        stage_name, _, param = key.partition(".")
        stage = next(s for s in data["stages"] if s["name"] == stage_name)
        stage["params"][param] = json.loads(raw)
    return ReleaseConfig.model_validate(data)


def summary(results: list[RowResult]) -> dict[str, Any]:
    answerable = [r for r in results if r.row.expect == "answer"]
    correct = sum(r.correct for r in answerable)
    first_hit = 0
    for r in answerable:
        cites = r.reply.citations
        if cites and r.row.gold_docs and any(gold_matches(g, cites[0]) for g in r.row.gold_docs):
            first_hit += 1
    kinds: Counter[str] = Counter()
    kinds_ok: Counter[str] = Counter()
    for r in answerable:
        kinds[r.row.kind] += 1
        kinds_ok[r.row.kind] += int(r.correct)
    latency = sorted(r.reply.latency_ms for r in results)
    return {
        "answerable": len(answerable),
        "correct": correct,
        "first_cite_gold": first_hit,
        "by_kind": {k: f"{kinds_ok[k]}/{kinds[k]}" for k in sorted(kinds)},
        "p50_ms": round(latency[len(latency) // 2]) if latency else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", nargs="*", default=None)
    parser.add_argument("--failures", action="store_true")
    parser.add_argument("--split", default="dev")
    args = parser.parse_args()
    variants = args.variant or [[]]
    releases = [permissive(variant(default_release(), v)) for v in variants]
    totals: list[Counter[str]] = [Counter() for _ in releases]
    with tempfile.TemporaryDirectory() as tmp:
        for folder in HELPCENTERS:
            rows = select_split(load_rows(folder / "eval.jsonl"), args.split)
            fd = Frontdesk(bench_settings(Path(tmp) / folder.name), release=releases[0])
            try:
                fd.init()
                tenant = fd.tenants.create_tenant(folder.name)
                fd.knowledge.ingest_paths(tenant.id, sources_of(folder))
                for number, release in enumerate(releases):
                    pipeline = fd.registry.build_pipeline(release, fd.resources)
                    pipeline.warm_up()
                    runner = EvalRunner(
                        pipeline, database_sources(fd.database), fd.settings.max_message_chars
                    )
                    results = runner.run(tenant.id, rows)
                    pipeline.close()
                    got = summary(results)
                    totals[number]["answerable"] += got["answerable"]
                    totals[number]["correct"] += got["correct"]
                    totals[number]["first_cite_gold"] += got["first_cite_gold"]
                    print(f"{folder.name} {variants[number]}: {json.dumps(got)}")
                    if args.failures:
                        for r in results:
                            if r.row.expect == "answer" and not r.correct:
                                cites = [c.uri or c.title for c in r.reply.citations]
                                print(
                                    f"  - {r.row.id} [{r.row.kind}] {r.row.text!r}\n"
                                    f"    why: {r.why}\n    gold: {list(r.row.gold_docs)}\n"
                                    f"    cites: {cites}\n    reply: {r.reply.text[:400]!r}"
                                )
            finally:
                fd.close()
    for number, total in enumerate(totals):
        print(f"TOTAL {variants[number]}: {dict(total)}")


if __name__ == "__main__":
    main()
