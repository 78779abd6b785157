"""The floor of the related articles offered with a decline, chosen on the dev rows.

    .venv/bin/python bench/related_dev.py [--split dev|test] [--floors 0.3 0.35 ...]

Both labelled help centers are ingested once and their rows of one split run through the
default release as shipped, with every servable candidate kept (no floor). For each floor
it prints, over the answerable rows (``expect: answer``) that were declined
(``no_answer``), how often the suggestions hold a gold article (``gold_hit``) and hold any
(``offered``); and over the rows the help center does not answer (``expect: decline``),
how often any suggestion appears (``decline_offered``) and how many per row
(``decline_mean``). Choose on ``dev``; ``test`` is for reporting only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from answers import HELPCENTERS, sources_of  # noqa: E402
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
from frontdesk.pipeline.related import DETAIL_KEY, FLOOR  # noqa: E402
from frontdesk.releases.config import default_release  # noqa: E402

FLOORS = [0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def at_floor(
    results: list[RowResult], scores: dict[str, list[float]], floor: float
) -> dict[str, Any]:
    """The measures at ``floor``: a candidate list is cut where its scores fall below."""
    declined = [r for r in results if r.row.expect == "answer" and r.reply.outcome == "no_answer"]
    unanswerable = [r for r in results if r.row.expect == "decline"]

    def kept(r: RowResult) -> list[Any]:
        return [c for c, s in zip(r.reply.related, scores[r.row.id], strict=True) if s >= floor]

    hits = sum(any(gold_matches(g, c) for g in r.row.gold_docs for c in kept(r)) for r in declined)
    offered = sum(bool(kept(r)) for r in declined)
    shown = [len(kept(r)) for r in unanswerable]
    return {
        "floor": floor,
        "declined_answerable": len(declined),
        "gold_hit": _rate(hits, len(declined)),
        "offered": _rate(offered, len(declined)),
        "decline_rows": len(unanswerable),
        "decline_offered": _rate(sum(n > 0 for n in shown), len(unanswerable)),
        "decline_mean": round(sum(shown) / len(shown), 3) if shown else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--floors", nargs="*", type=float, default=None)
    parser.add_argument("--rows", action="store_true", help="print each declined row")
    args = parser.parse_args()
    floors = sorted({*(args.floors or FLOORS), FLOOR})
    results: list[RowResult] = []
    scores: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for folder in HELPCENTERS:
            rows = select_split(load_rows(folder / "eval.jsonl"), args.split)
            fd = Frontdesk(bench_settings(Path(tmp) / folder.name))
            try:
                fd.init()
                tenant = fd.tenants.create_tenant(folder.name)
                fd.knowledge.ingest_paths(tenant.id, sources_of(folder))
                pipeline = fd.registry.build_pipeline(default_release(), fd.resources)
                pipeline.related_floor = float("-inf")  # every candidate; floors cut below
                pipeline.warm_up()
                runner = _Recording(
                    pipeline, database_sources(fd.database), fd.settings.max_message_chars
                )
                for result in runner.iter(tenant.id, rows):
                    results.append(result)
                    got = runner.last if result.reply.related else []
                    scores[result.row.id] = [float(r["score"]) for r in got]
                pipeline.close()
            finally:
                fd.close()
    if args.rows:
        for r in results:
            if r.reply.outcome == "no_answer" and r.row.expect in ("answer", "decline"):
                related = [
                    (c.uri, s) for c, s in zip(r.reply.related, scores[r.row.id], strict=True)
                ]
                print(f"{r.row.id} {r.row.expect} {r.row.text!r} gold={list(r.row.gold_docs)}")
                print(f"    {related}")
    for floor in floors:
        print(json.dumps({"split": args.split, **at_floor(results, scores, floor)}))


class _Recording(EvalRunner):
    """Keeps the related articles (with their closeness) of the last turn it ran."""

    last: list[dict[str, Any]] = []

    def _turn(self, tenant_id: str, conversation_id: str, text: str, history: Any) -> Any:
        turn = super()._turn(tenant_id, conversation_id, text, history)
        self.last = list(turn.state.details.get(DETAIL_KEY) or [])
        return turn


if __name__ == "__main__":
    main()
