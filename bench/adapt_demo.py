"""``frontdesk knowledge adapt`` on the demo help center (issue 23): the command's own report
(held-out nDCG@10, base vs adapted, whether it activated, seconds) plus, as a check on
questions the adaptation never saw, retrieval of ``questions.jsonl``'s 60 answerable
paraphrased questions (hit@1, hit@5, MRR@10 of the expected article or FAQ row among the
served passages; tickets are never served, so they are skipped) before and after.

    nice -n 10 .venv/bin/python bench/adapt_demo.py [--force] [--out bench/results/adapt_demo.json]

The articles, FAQ and resolved tickets are ingested into a fresh tenant (SQLite in a temp
dir); the command runs as a user runs it (the installed ``frontdesk`` in a subprocess).
``--force``: when the command kept the base encoder, run it again with ``--min-gain -1``
so the questions check shows what the adapted encoder would have done (never shipped).
Needs the ``[train]`` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import bench_settings  # noqa: E402
from stamp import stamp  # noqa: E402

from frontdesk import Frontdesk  # noqa: E402
from frontdesk.storage.repos import knowledge as knowledge_repo  # noqa: E402

HELPCENTER = ROOT / "examples" / "demo-helpcenter"
FRONTDESK = str(Path(sys.executable).parent / "frontdesk")


def sources(fd: Frontdesk, tenant_id: str) -> dict[str, str]:
    """chunk id -> ``articles/...`` path or ``faq:N`` (questions.jsonl's expected_source)."""
    uris = {d.id: d.uri for d in fd.knowledge.list_documents(tenant_id)}
    with fd.database.transaction() as session:
        chunks = knowledge_repo.all_chunks(session, tenant_id, fd.resources.embedder().model_id)
    out = {}
    for chunk in chunks:
        uri = uris[chunk.document_id]
        if "ticket" in chunk.metadata:
            continue
        if "question" in chunk.metadata and "row" in chunk.metadata:
            out[chunk.id] = f"faq:{chunk.metadata['row']}"
        elif "articles/" in uri:
            out[chunk.id] = "articles/" + uri.split("articles/", 1)[1]
    return out


def question_metrics(fd: Frontdesk, tenant_id: str) -> dict[str, Any]:
    rows = [json.loads(line) for line in (HELPCENTER / "questions.jsonl").read_text().splitlines()]
    rows = [r for r in rows if r.get("answerable")]
    where = sources(fd, tenant_id)
    hits1 = hits5 = 0
    reciprocal = 0.0
    for row in rows:
        found = [where.get(p.chunk_id) for p in fd.search(tenant_id, row["question"], 20)]
        found = [s for s in found if s][:10]
        rank = next((i for i, s in enumerate(found, 1) if s == row["expected_source"]), None)
        hits1 += rank == 1
        hits5 += rank is not None and rank <= 5
        reciprocal += 1.0 / rank if rank else 0.0
    n = len(rows)
    return {
        "n": n,
        "hit@1": round(hits1 / n, 4),
        "hit@5": round(hits5 / n, 4),
        "mrr@10": round(reciprocal / n, 4),
    }


def adapt(env: dict[str, str], *extra: str) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [FRONTDESK, "knowledge", "adapt", "--tenant", "demo", "--json", *extra],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/adapt_demo.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="frontdesk-adapt-") as folder:
        settings = bench_settings(Path(folder))
        fd = Frontdesk(settings)
        fd.init()
        tenant = fd.tenants.create_tenant("demo")
        report = fd.knowledge.ingest_paths(
            tenant.id,
            [HELPCENTER / "articles", HELPCENTER / "faq.csv", HELPCENTER / "tickets.jsonl"],
        )
        assert not report.failed, report.failed
        env = {
            **os.environ,
            "FRONTDESK_DATABASE_URL": settings.resolved_database_url,
            "FRONTDESK_DATA_DIR": str(settings.data_dir),
            "FRONTDESK_SECRET_KEY": "bench-secret-0123456789",
        }
        before = question_metrics(fd, tenant.id)
        print(f"questions.jsonl, base encoder: {before}", flush=True)
        command = adapt(env)
        print(f"knowledge adapt: {command}", flush=True)
        result: dict[str, Any] = {"command": command, "questions_base": before}
        if command["activated"]:
            result["questions_adapted"] = question_metrics(fd, tenant.id)
        elif args.force:
            result["forced"] = adapt(env, "--min-gain", "-1")
            result["questions_adapted_forced"] = question_metrics(fd, tenant.id)
        fd.close()
    for key in ("questions_adapted", "questions_adapted_forced"):
        if key in result:
            print(f"questions.jsonl, {key}: {result[key]}")
    args.out.write_text(json.dumps(result | stamp(), indent=2) + "\n")


if __name__ == "__main__":
    main()
