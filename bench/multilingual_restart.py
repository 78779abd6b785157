"""Time to the first correct German answer after a restart, while the multilingual index
warms up: with the multilingual vectors stored in the database (now) and without them.

    nice .venv/bin/python bench/multilingual_restart.py [--data-dir DIR] [--row demo-143]
        [--before-checkout PATH] [--runs 2] [--seed fd.db]

Each restart is a new process over the same data directory and SQLite database, with the
server's settings (``multilingual_prebuild`` on, ``multilingual_wait_s`` 3 s): it starts
the app as ``frontdesk serve`` does (``init``, ``warm_up``) and then asks the row's
German question through the release's pipeline (as ``frontdesk eval`` does, storing
nothing) once a second until the answer is correct, timing from the start of the app.

Scenarios:

* ``vectors stored``: the database holds the multilingual vectors from an earlier run;
  the restart loads them (this branch);
* ``no vectors stored``: the table emptied first, so the restart embeds the whole help
  center, what every restart of a replica without a persistent data directory did
  before (the vectors were in a file under the data directory);
* with ``--before-checkout`` (an older checkout, e.g. ``git worktree add /tmp/base
  HEAD~``): that code's own restart, with its file cache under the data directory kept
  (``before, file cache kept``) and removed (``before, no file cache``).

``--seed`` starts from a copy of a database that already holds the ingested demo help
center and its stored vectors (the one bench/multilingual_llm.py leaves in its data
directory) instead of ingesting and embedding it again; the older checkout gets the same
database at its own schema revision and the same vectors in its file cache (the same
model and text hashes).

Writes bench/results/multilingual_restart.json and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "multilingual_restart.json"
DEMO = ROOT / "examples" / "demo-helpcenter"
TENANT = "demo-helpcenter"
SOURCES = ("articles", "faq.csv", "tickets.jsonl")


def _settings(data_dir: Path) -> Any:
    from frontdesk.settings import Settings

    return Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir}/fd.db",
        secret_key="bench-secret-0123456789",
        rate_limit_per_minute=0,
        max_message_chars=20000,
        multilingual_wait_s=3.0,  # the server's defaults
        multilingual_prebuild=True,
    )


def child_setup(data_dir: Path) -> None:
    """Ingest the demo help center and build the multilingual index once (which stores
    its vectors, in the database or the file cache, whichever this code has)."""
    from frontdesk import Frontdesk

    data_dir.mkdir(parents=True, exist_ok=True)
    fd = Frontdesk(_settings(data_dir))
    try:
        fd.init()
        if TENANT not in {t.name for t in fd.tenants.list_tenants()}:
            tenant_id = fd.tenants.create_tenant(TENANT).id
            sources = [DEMO / name for name in SOURCES if (DEMO / name).exists()]
            fd.knowledge.ingest_paths(tenant_id, sources)
        fd.warm_up()
        stage = next(s for s in fd.pipeline.stages if s.name == "retrieve")
        indexes = fd.resources.multilingual()
        indexes.wait_s = None
        tenant_id = fd.tenants.get_tenant(TENANT).id
        stage.knowledge.search(tenant_id, "Wie viel kostet ein Paket?", 3, language="de")
    finally:
        fd.close()


def child_restart(data_dir: Path, row_id: str, limit_s: float) -> dict[str, Any]:
    from frontdesk import Frontdesk
    from frontdesk.evaluation import EvalRunner, database_sources, judge, load_rows

    row = next(r for r in load_rows(DEMO / "eval.jsonl") if r.id == row_id)
    started = time.perf_counter()
    fd = Frontdesk(_settings(data_dir))
    attempts: list[dict[str, Any]] = []
    try:
        fd.init()
        fd.warm_up()
        warm_s = time.perf_counter() - started
        tenant_id = fd.tenants.get_tenant(TENANT).id
        runner = EvalRunner(fd.pipeline, database_sources(fd.database), 20000)
        while time.perf_counter() - started < limit_s:
            asked = time.perf_counter()
            result = judge(row, runner.reply(tenant_id, row))
            attempts.append(
                {
                    "at_s": round(asked - started, 2),
                    "took_s": round(time.perf_counter() - asked, 2),
                    "outcome": result.reply.outcome,
                    "correct": result.correct,
                }
            )
            if result.correct:
                break
            time.sleep(max(0.0, 1.0 - (time.perf_counter() - asked)))
        done = time.perf_counter() - started
    finally:
        fd.close()
    correct = bool(attempts) and attempts[-1]["correct"]
    before = [a["outcome"] for a in attempts if not a["correct"]]
    import frontdesk

    return {
        "code": str(Path(frontdesk.__file__).parent),
        "warm_up_s": round(warm_s, 2),
        "first_correct_s": round(done, 2) if correct else None,
        "wrong_or_declined_before": sum(not a["correct"] for a in attempts),
        "outcomes_before": {o: before.count(o) for o in sorted(set(before), key=str)},
        "attempts": attempts,
    }


def _child(args: list[str], pythonpath: Path | None) -> dict[str, Any]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run(
        [sys.executable, __file__, *args],  # as nice as this process
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{done.stderr[-3000:]}")
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def _copy_db(seed: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    with sqlite3.connect(seed) as source, sqlite3.connect(target) as copy:
        source.backup(copy)


def seed_now(seed: Path, data_dir: Path) -> None:
    _copy_db(seed, data_dir / "fd.db")


def seed_before(seed: Path, data_dir: Path, revision: str) -> None:
    """The seed at the older schema (no ``passage_vectors``), its vectors in the file
    cache the older code reads."""
    _copy_db(seed, data_dir / "fd.db")
    cache = data_dir / "cache" / "passage-vectors.sqlite"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.unlink(missing_ok=True)
    with sqlite3.connect(data_dir / "fd.db") as db, sqlite3.connect(cache) as file:
        file.execute(
            "CREATE TABLE vectors (model TEXT NOT NULL, text_hash TEXT NOT NULL, "
            "vector BLOB NOT NULL, PRIMARY KEY (model, text_hash))"
        )
        rows = db.execute("SELECT DISTINCT model, text_hash, vector FROM passage_vectors")
        file.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        db.execute("DROP TABLE passage_vectors")
        db.execute("UPDATE alembic_version SET version_num = ?", (revision,))


def _empty_vector_table(data_dir: Path) -> None:
    with sqlite3.connect(data_dir / "fd.db") as db:
        db.execute("DELETE FROM passage_vectors")


def scenario(
    name: str,
    data_dir: Path,
    row: str,
    runs: int,
    limit_s: float,
    prepare: Any,
    checkout: Path | None = None,
) -> dict[str, Any]:
    results = []
    for _ in range(runs):
        prepare()
        results.append(_child(["--child", "restart", str(data_dir), row, str(limit_s)], checkout))
        print(f"{name}: {results[-1]['first_correct_s']} s", flush=True)
    times = [r["first_correct_s"] for r in results if r["first_correct_s"] is not None]
    return {
        "first_correct_s": sorted(times)[len(times) // 2] if times else None,
        "all_first_correct_s": [r["first_correct_s"] for r in results],
        "warm_up_s": [r["warm_up_s"] for r in results],
        "wrong_or_declined_before": [r["wrong_or_declined_before"] for r in results],
        "outcomes_before": [r.get("outcomes_before") for r in results],
        "runs": results,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, data_dir = sys.argv[2], Path(sys.argv[3])
        if kind == "setup":
            child_setup(data_dir)
            print(json.dumps({}))
        else:
            print(json.dumps(child_restart(data_dir, sys.argv[4], float(sys.argv[5]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/frontdesk-bench-restart"))
    parser.add_argument("--row", default="demo-143")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--limit", type=float, default=900.0, help="give up after (s)")
    parser.add_argument("--before-checkout", type=Path)
    parser.add_argument("--before-revision", default="0018_reliability")
    parser.add_argument("--seed", type=Path, help="an fd.db with the demo and its vectors")
    parser.add_argument(
        "--same-schema-before",
        type=Path,
        help="an older checkout at this schema revision: its restarts with and without "
        "stored vectors, on a copy of the same database",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--cold-before", action="store_true", help="also the older code without its file cache"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from stamp import stamp

    out: dict[str, Any] = {"row": args.row, "scenarios": {}}
    now = args.data_dir / "now"
    if args.seed is not None:
        seed_now(args.seed, now)
    else:
        _child(["--child", "setup", str(now)], None)
    pristine = args.data_dir / "pristine.db"  # the other scenarios empty the vector table
    _copy_db(now / "fd.db", pristine)
    out["scenarios"]["vectors stored (now)"] = scenario(
        "vectors stored", now, args.row, args.runs, args.limit, lambda: None
    )
    before = args.data_dir / "before"
    cache = before / "cache"
    if args.before_checkout is not None:
        if args.seed is not None:
            seed_before(args.seed, before, args.before_revision)
        else:
            _child(["--child", "setup", str(before)], args.before_checkout)
        kept = shutil.copytree(cache, args.data_dir / "before-cache", dirs_exist_ok=True)

        def restore() -> None:
            shutil.copytree(kept, cache, dirs_exist_ok=True)

        out["scenarios"]["before, file cache kept"] = scenario(
            "before, file cache kept", before, args.row, args.runs, args.limit, restore,
            args.before_checkout,
        )  # fmt: skip
    out["scenarios"]["no vectors stored (now)"] = scenario(
        "no vectors stored", now, args.row, 1, args.limit, lambda: _empty_vector_table(now)
    )
    if args.same_schema_before is not None:
        older = args.data_dir / "before-same-schema"

        def reseed() -> None:
            older.mkdir(parents=True, exist_ok=True)
            _copy_db(pristine, older / "fd.db")

        reseed()
        out["scenarios"]["before, vectors stored"] = scenario(
            "before, vectors stored", older, args.row, args.runs, args.limit, reseed,
            args.same_schema_before,
        )  # fmt: skip
        out["scenarios"]["before, no vectors stored"] = scenario(
            "before, no vectors stored", older, args.row, 1, args.limit,
            lambda: _empty_vector_table(older), args.same_schema_before,
        )  # fmt: skip
    if args.before_checkout is not None and args.cold_before:
        out["scenarios"]["before, no file cache"] = scenario(
            "before, no file cache", before, args.row, 1, args.limit,
            lambda: shutil.rmtree(cache, ignore_errors=True), args.before_checkout,
        )  # fmt: skip
    out |= stamp(dataset=f"examples/demo-helpcenter {args.row}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    rows = [
        [name, s["first_correct_s"], s["all_first_correct_s"], s["warm_up_s"],
         s["wrong_or_declined_before"], s["outcomes_before"]]
        for name, s in out["scenarios"].items()
    ]  # fmt: skip
    from harness import table

    print(
        table(
            f"Restart: time to the first correct German answer ({args.row}), s",
            ["scenario", "median s", "runs s", "warm_up s", "not correct before", "their outcomes"],
            rows,
        )
    )


if __name__ == "__main__":
    main()
