"""Answer benchmark on labelled help centers, scored by ``frontdesk.evaluation``.

    .venv/bin/python bench/answers.py [--dev] [--release PATH ...] [--before OLD_CHECKOUT]

For each help center (``examples/demo-helpcenter`` and ``examples/saas-helpcenter``, each
with its own ``eval.jsonl``) the articles, FAQ and resolved tickets are ingested into a
fresh tenant (SQLite in a temp dir), then the test split (and dev with ``--dev``) runs
through every release side by side, in-process, exactly as ``frontdesk eval`` runs it:
the extractive default and the local LLM release (``examples/releases/local-llm.json``).

``--before PATH`` also measures an older checkout (e.g. ``git worktree add /tmp/base
6302294``) with its own code: ``bench/answers_before.py`` serves it over HTTP on
127.0.0.1 and each row is posted as a widget would (its latency is HTTP wall time); the
replies are scored by the same rules. Every result is stamped (``bench/stamp.py``) with
the git commit and the digest of the release that produced it; the default release's
digest is what ``tests/test_published_results.py`` checks against the shipped release.
Thresholds are tuned on dev rows only; the test split is reported.
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

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import bench_settings  # noqa: E402
from stamp import describe, git_state, stamp  # noqa: E402

from frontdesk import Frontdesk  # noqa: E402
from frontdesk.cli.server import DEMO_SOURCES  # noqa: E402
from frontdesk.evaluation import (  # noqa: E402
    CitedSource,
    EvalRow,
    EvalRunner,
    Reply,
    RowResult,
    database_sources,
    judge,
    load_rows,
    select_split,
    summarize,
)
from frontdesk.releases.config import ReleaseConfig, default_release  # noqa: E402
from frontdesk.testing.http import free_port  # noqa: E402

HELPCENTERS = [ROOT / "examples" / "demo-helpcenter", ROOT / "examples" / "saas-helpcenter"]
LLM_RELEASE = ROOT / "examples" / "releases" / "local-llm.json"
OUT = ROOT / "bench" / "results" / "answers.json"
BEFORE = "before"


def with_llm_deadline(release: ReleaseConfig, seconds: float) -> ReleaseConfig:
    """``release`` with every LLM provider given ``seconds`` (read timeout and deadline),
    so a loaded machine measures the model rather than its fallback; a new id says so."""
    data = release.model_dump(mode="json")
    for stage in data["stages"]:
        if stage["type"] == "llm_generator":
            for provider in stage["params"].get("providers", []):
                provider["deadline_s"] = provider["read_timeout_s"] = seconds
    data["id"] = f"{release.id}-deadline{seconds:g}s"
    return ReleaseConfig.model_validate(data)


def sources_of(folder: Path) -> list[Path]:
    return [folder / name for name in DEMO_SOURCES if (folder / name).exists()]


def run_releases(
    folder: Path, rows: dict[str, list[EvalRow]], releases: list[ReleaseConfig], tmp: Path
) -> dict[str, dict[str, list[RowResult]]]:
    """{split: {release id: results}}: the help center ingested once, each release's
    pipeline built over the same knowledge."""
    fd = Frontdesk(bench_settings(tmp), release=releases[0])
    out: dict[str, dict[str, list[RowResult]]] = {split: {} for split in rows}
    try:
        fd.init()
        tenant = fd.tenants.create_tenant(folder.name)
        report = fd.knowledge.ingest_paths(tenant.id, sources_of(folder))
        print(f"{folder.name}: {report.chunks} chunks, {len(report.failed)} failed files")
        for release in releases:
            pipeline = fd.registry.build_pipeline(release, fd.resources)
            try:
                pipeline.warm_up()
                runner = EvalRunner(
                    pipeline, database_sources(fd.database), fd.settings.max_message_chars
                )
                for split, chosen in rows.items():
                    started = time.perf_counter()
                    out[split][release.id] = runner.run(tenant.id, chosen)
                    took = time.perf_counter() - started
                    print(f"  {release.id} {split}: {len(chosen)} rows in {took:.0f} s")
            finally:
                pipeline.close()
    finally:
        fd.close()
    return out


class BeforeServer:
    """An older checkout served by its own code (bench/answers_before.py) on 127.0.0.1."""

    def __init__(self, checkout: Path, folders: list[Path], tmp: Path) -> None:
        self.port = free_port()
        chunks = tmp / "before-chunks.json"
        python = checkout / ".venv" / "bin" / "python"
        env = {**os.environ, "PYTHONPATH": str(checkout.resolve())}
        self.log = (tmp / "before.log").open("w")
        self.process = subprocess.Popen(
            [
                str(python if python.exists() else sys.executable),
                str(ROOT / "bench" / "answers_before.py"),
                *map(str, folders),
                *("--port", str(self.port), "--chunks", str(chunks)),
            ],
            cwd=tmp,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "READY":
            self.close()
            raise RuntimeError(f"the --before server did not start; see {self.log.name}")
        self.info = json.loads(chunks.read_text())
        served = Path(self.info["frontdesk"]).resolve()
        if not served.is_relative_to(checkout.resolve()):
            self.close()
            raise RuntimeError(f"--before served {served}, not the code in {checkout}")
        self.base_url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{self.base_url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError(f"the --before server is not ready; see {self.log.name}")
            time.sleep(0.5)

    def run(self, tenant: str, rows: list[EvalRow]) -> list[RowResult]:
        info = self.info["tenants"][tenant]
        chunks: dict[str, str] = info["chunks"]
        headers = {"Authorization": f"Bearer {info['key']}"}
        results = []
        with httpx.Client(base_url=self.base_url, headers=headers, timeout=120) as http:
            for row in rows:
                results.append(judge(row, self._reply(http, chunks, row)))
        return results

    @staticmethod
    def _reply(http: httpx.Client, chunks: dict[str, str], row: EvalRow) -> Reply:
        created = http.post("/v1/conversations")
        created.raise_for_status()
        path = f"/v1/conversations/{created.json()['id']}/messages"
        earlier = []
        for text in row.turns:
            turn = http.post(path, json={"text": text}).json()
            earlier.append(str(turn.get("outcome")))
        started = time.perf_counter()
        response = http.post(path, json={"text": row.text})
        latency_ms = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        turn = response.json()
        if response.status_code == 202:  # queued for the person an earlier turn called
            return Reply("queued", "", latency_ms, earlier_outcomes=tuple(earlier))
        return Reply(
            outcome=turn["outcome"],
            text=turn["text"],
            latency_ms=latency_ms,
            route=turn.get("route"),
            citations=tuple(
                CitedSource(
                    number=c["number"],
                    title=c["title"],
                    document_key=c.get("document_id"),
                    uri=chunks.get(c["chunk_id"]),
                    url=c.get("url"),
                )
                for c in turn["citations"]
            ),
            confidence=turn.get("confidence"),
            escalation_reason=turn.get("escalation_reason"),
            earlier_outcomes=tuple(earlier),
            flags=tuple(turn.get("flags", [])),
        )

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def report_of(results: list[RowResult], release: dict[str, Any]) -> dict[str, Any]:
    report = summarize(results)
    report["release"] = release
    report["failures"] = [
        {"id": r.row.id, "kind": r.row.kind, "outcome": r.reply.outcome, "why": r.why}
        for r in results
        if not r.correct
    ]
    return report


COLUMNS = [
    ("n", "n"),
    ("accuracy", "accuracy"),
    ("answered_precision", "answered precision"),
    ("false_decline_rate", "false declines"),
    ("escalation_rate", "escalation"),
    ("answerable_escalation_rate", "escalation (answerable)"),
    ("answered_unexpected", "answered, should not"),
    ("leaks", "leaks"),
    ("citation_hit", "citation hit"),
    ("fallbacks", "generator fallbacks"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.0f}"
    return str(value)


def render(results: dict[str, Any]) -> str:
    parts = [describe(results), ""]
    for name, center in results["helpcenters"].items():
        for split, runs in center["splits"].items():
            parts.append(f"### {name}, {split} split ({center['rows'][split]} rows)\n")
            parts.append("| release | " + " | ".join(label for _, label in COLUMNS) + " |")
            parts.append("|---" * (len(COLUMNS) + 1) + "|")
            for release, report in runs.items():
                cells = " | ".join(_cell(report[key]) for key, _ in COLUMNS)
                parts.append(f"| {release} | {cells} |")
            kinds = sorted({k for report in runs.values() for k in report["by_kind"]})
            parts.append(f"\nAccuracy by kind ({name}, {split}):\n")
            parts.append("| kind | n | " + " | ".join(runs) + " |")
            parts.append("|---" * (len(runs) + 2) + "|")
            for kind in kinds:
                first = next(r["by_kind"][kind] for r in runs.values() if kind in r["by_kind"])
                cells = " | ".join(
                    _kind_cell(report["by_kind"].get(kind)) for report in runs.values()
                )
                parts.append(f"| {kind} | {first['n']} | {cells} |")
            parts.append("")
    return "\n".join(parts)


def _kind_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "-"
    return f"{_cell(row['accuracy'])} ({row['handoffs']} handoffs)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--helpcenter", type=Path, action="append", help="a help center with eval.jsonl"
    )
    parser.add_argument(
        "--release",
        type=Path,
        action="append",
        help=f"a release JSON run after the default (default: {LLM_RELEASE.relative_to(ROOT)})",
    )
    parser.add_argument("--no-llm", action="store_true", help="only the default release")
    parser.add_argument("--dev", action="store_true", help="also run the dev split")
    parser.add_argument(
        "--llm-deadline", type=float, help="give LLM providers this many seconds (a new release id)"
    )
    parser.add_argument("--before", type=Path, help="an older checkout to measure as well")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    folders = [f for f in (args.helpcenter or HELPCENTERS) if (f / "eval.jsonl").exists()]
    for missing in set(args.helpcenter or HELPCENTERS) - set(folders):
        print(f"skipped {missing}: no eval.jsonl")
    if not folders:
        raise SystemExit("no help center with an eval.jsonl")
    releases = [default_release()]
    if not args.no_llm:
        for path in args.release or [LLM_RELEASE]:
            release = ReleaseConfig.model_validate_json(path.read_bytes())
            if args.llm_deadline:
                release = with_llm_deadline(release, args.llm_deadline)
            releases.append(release)
    splits = ["test", "dev"] if args.dev else ["test"]

    started = time.perf_counter()
    results: dict[str, Any] = stamp(
        releases[0], split="+".join(splits), dataset=", ".join(f.name for f in folders)
    )
    results["releases"] = {
        r.id: {"id": r.id, "version": r.version, "digest": r.digest} for r in releases
    }
    results["helpcenters"] = {}
    with tempfile.TemporaryDirectory(prefix="fd-answers-") as tmp:
        before = None
        if args.before is not None:
            before = BeforeServer(args.before, folders, Path(tmp))
            commit, dirty = git_state(args.before)
            results["before"] = {"path": str(args.before), "git_commit": commit, "dirty": dirty}
        try:
            for n, folder in enumerate(folders):
                all_rows = load_rows(folder / "eval.jsonl")
                rows = {split: select_split(all_rows, split) for split in splits}
                work = Path(tmp) / f"center-{n}"
                work.mkdir()
                runs = run_releases(folder, rows, releases, work)
                center: dict[str, Any] = {
                    "rows": {split: len(chosen) for split, chosen in rows.items()},
                    "splits": {},
                }
                for split, by_release in runs.items():
                    reports = {
                        rid: report_of(res, results["releases"][rid])
                        for rid, res in by_release.items()
                    }
                    if before is not None:
                        measured = before.run(folder.resolve().name, rows[split])
                        reports[BEFORE] = report_of(measured, results["before"])
                        print(f"  {BEFORE} {split}: {len(rows[split])} rows")
                    center["splits"][split] = reports
                results["helpcenters"][folder.name] = center
        finally:
            if before is not None:
                before.close()
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print()
    print(render(results))
    print(f"runtime {results['runtime_s']} s; wrote {args.out}")


if __name__ == "__main__":
    main()
