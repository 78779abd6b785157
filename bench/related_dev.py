"""The floor of the related articles offered with a decline, chosen on the dev rows.

    .venv/bin/python bench/related_dev.py [--split dev|test] [--floors 0.5 0.55 ...]
        [--candidates FILE] [--rows] [--out bench/results/related.json]

Both labelled help centers are ingested once and their rows of one split run through the
default release as shipped. For every row the last turn's servable passages are kept (with
their signals, in ``--candidates`` to re-score without re-running), and the selection rule
(:func:`frontdesk.pipeline.related.select_related`) is applied at each floor. It prints,
over the answerable rows (``expect: answer``) that were declined for want of evidence, how
often the suggestions hold a gold article (``gold_hit``) and any article (``offered``);
and over the rows the help center does not answer (``expect: decline``), how often any
suggestion appears (``decline_offered``) and how many per row (``decline_mean``). Choose
on ``dev``; ``test`` is for reporting only.
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
from stamp import describe, stamp  # noqa: E402

from frontdesk import Frontdesk  # noqa: E402
from frontdesk.evaluation import (  # noqa: E402
    EvalRunner,
    database_sources,
    gold_matches,
    load_rows,
    select_split,
)
from frontdesk.evaluation.scoring import CitedSource  # noqa: E402
from frontdesk.pipeline.related import FLOOR, select_related, wants_related  # noqa: E402
from frontdesk.pipeline.state import Passage, TurnState  # noqa: E402
from frontdesk.releases.config import default_release  # noqa: E402

FLOORS = [0.0, 0.45, 0.5, 0.52, 0.53, 0.54, 0.55, 0.56, 0.58, 0.6, 0.65]


class _Recording(EvalRunner):
    """Keeps the state of the last turn it ran."""

    last: TurnState | None = None

    def _turn(self, tenant_id: str, conversation_id: str, text: str, history: Any) -> Any:
        turn = super()._turn(tenant_id, conversation_id, text, history)
        self.last = turn.state
        return turn


def collect(split: str) -> list[dict[str, Any]]:
    """One record per row: what it expects, what the turn did, and its candidates."""
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for folder in HELPCENTERS:
            rows = select_split(load_rows(folder / "eval.jsonl"), split)
            fd = Frontdesk(bench_settings(Path(tmp) / folder.name))
            try:
                fd.init()
                tenant = fd.tenants.create_tenant(folder.name)
                fd.knowledge.ingest_paths(tenant.id, sources_of(folder))
                pipeline = fd.registry.build_pipeline(default_release(), fd.resources)
                pipeline.warm_up()
                sources = database_sources(fd.database)
                runner = _Recording(pipeline, sources, fd.settings.max_message_chars)
                for row in rows:
                    runner.last = None
                    result = runner.iter(tenant.id, [row]).__next__()
                    state = runner.last
                    queued = result.reply.outcome == "queued" or state is None
                    passages: list[Passage] = [] if queued or state is None else state.passages
                    uris = sources(tenant.id, [p.chunk_id for p in passages])
                    records.append(
                        {
                            "id": row.id,
                            "expect": row.expect,
                            "gold_docs": list(row.gold_docs),
                            "outcome": result.reply.outcome,
                            "reason": result.reply.escalation_reason,
                            "flags": list(result.reply.flags),
                            "wants": bool(
                                state is not None and not queued and wants_related(state)
                            ),
                            "candidates": [
                                {
                                    "chunk_id": p.chunk_id,
                                    "title": p.title,
                                    "url": p.url,
                                    "uri": uris.get(p.chunk_id),
                                    "score": p.score,
                                    "metadata": {
                                        k: v
                                        for k, v in p.metadata.items()
                                        if isinstance(v, str | int | float | bool) or v is None
                                    },
                                }
                                for p in passages
                            ],
                        }
                    )
                pipeline.close()
            finally:
                fd.close()
    return records


def offered(record: dict[str, Any], floor: float) -> list[dict[str, Any]]:
    """The record's related articles at ``floor``, by the product's own rule."""
    if not record["wants"]:
        return []
    by_id = {c["chunk_id"]: c for c in record["candidates"]}
    passages = [
        Passage(
            chunk_id=c["chunk_id"],
            text="",
            title=c["title"],
            score=c["score"],
            url=c["url"],
            metadata=c["metadata"],
        )
        for c in record["candidates"]
    ]
    # The shown article's candidate, with the closeness of the passage that found it.
    return [{**by_id[r.chunk_id], "closeness": r.score} for r in select_related(passages, floor)]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def at_floor(records: list[dict[str, Any]], floor: float) -> dict[str, Any]:
    declined = [r for r in records if r["expect"] == "answer" and r["wants"]]
    unanswerable = [r for r in records if r["expect"] == "decline"]
    hits = 0
    any_offered = 0
    for r in declined:
        got = offered(r, floor)
        any_offered += bool(got)
        hits += any(
            gold_matches(g, CitedSource(0, c["title"], c["metadata"].get("document_id"), c["uri"]))
            for g in r["gold_docs"]
            for c in got
        )
    shown = [len(offered(r, floor)) for r in unanswerable]
    return {
        "floor": floor,
        "declined_answerable": len(declined),
        "gold_hit": _rate(hits, len(declined)),
        "offered": _rate(any_offered, len(declined)),
        "decline_rows": len(unanswerable),
        "decline_offered": _rate(sum(n > 0 for n in shown), len(unanswerable)),
        "decline_mean": round(sum(shown) / len(shown), 3) if shown else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--floors", nargs="*", type=float, default=None)
    parser.add_argument("--candidates", type=Path, default=None)
    parser.add_argument("--rows", action="store_true", help="print each declined row")
    parser.add_argument("--out", type=Path, default=None, help="merge this split's results")
    args = parser.parse_args()
    if args.candidates is not None and args.candidates.exists():
        records = json.loads(args.candidates.read_text())
    else:
        records = collect(args.split)
        if args.candidates is not None:
            args.candidates.write_text(json.dumps(records))
    if args.rows:
        for r in records:
            if r["wants"] and r["expect"] in ("answer", "decline"):
                shown = [(c["uri"], c["closeness"]) for c in offered(r, FLOOR)]
                print(f"{r['id']} {r['expect']} gold={r['gold_docs']} offered={shown}")
    measured = [at_floor(records, floor) for floor in sorted({*(args.floors or FLOORS), FLOOR})]
    for row in measured:
        print(json.dumps({"split": args.split, **row}))
    if args.out is not None:
        published = json.loads(args.out.read_text()) if args.out.exists() else {}
        dataset = ", ".join(f.name for f in HELPCENTERS)
        result = {**stamp(default_release(), split=args.split, dataset=dataset)}
        result |= {"floor": FLOOR, "by_floor": measured}
        published[args.split] = result
        args.out.write_text(json.dumps(published, indent=1) + "\n")
        print(describe(result))


if __name__ == "__main__":
    main()
