"""The fairness audit on the demo eval set by language (issue 24), through the real CLI.

    FRONTDESK_DATA_DIR=<a dir where frontdesk init && frontdesk demo ran> \\
        .venv/bin/python bench/fairness.py [--tenant demo] [--eval FILE] [--write]

Runs ``frontdesk audit fairness --tenant demo --by language --eval
examples/demo-helpcenter/eval.jsonl --min-n 1 --json`` (every labelled row answered by
the shipped release, as ``frontdesk eval`` does), prints the per-language table, and adds
what the six non-English languages cannot show alone (2-4 rows each): English against
all other languages pooled, audited by the same code (``frontdesk.evaluation.fairness``,
Wilson 95% intervals, flagged when the gap is above the threshold and the intervals do
not overlap). Every interval is checked against SciPy's own Wilson interval
(``scipy.stats.binomtest(...).proportion_ci(method="wilson")``), so the numbers do not
rest on our arithmetic alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scipy.stats import binomtest  # noqa: E402
from stamp import stamp  # noqa: E402

from frontdesk.evaluation.fairness import Observation, audit  # noqa: E402
from frontdesk.releases.config import default_release  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "fairness.json"
DEMO_EVAL = ROOT / "examples" / "demo-helpcenter" / "eval.jsonl"
RATES = ("escalation_rate", "refusal_rate", "accuracy")


def run_cli(tenant: str, eval_file: Path, threshold: float) -> dict[str, Any]:
    command = [
        str(ROOT / ".venv" / "bin" / "frontdesk"), "audit", "fairness", "--tenant", tenant,
        "--by", "language", "--eval", str(eval_file), "--min-n", "1",
        "--threshold", str(threshold), "--json",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"audit fairness failed ({done.returncode}): {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.splitlines()[-1]))


def _count(segment: dict[str, Any], metric: str) -> int:
    return round(segment[metric] * segment["n"])


def pooled(report: dict[str, Any], threshold: float) -> dict[str, Any]:
    """English against every other language together, through the same audit."""
    observations = []
    for segment in report["segments"]:
        group = "en" if segment["value"] == "en" else "non-en"
        n = segment["n"]
        escalated, refused = _count(segment, "escalation_rate"), _count(segment, "refusal_rate")
        correct = _count(segment, "accuracy") if segment["accuracy"] is not None else None
        for i in range(n):
            observations.append(
                Observation(
                    segment=group,
                    escalated=i < escalated,
                    refused=escalated <= i < escalated + refused,
                    correct=None if correct is None else i < correct,
                )
            )
    return audit(observations, threshold=threshold, min_n=5)


def check_intervals(report: dict[str, Any]) -> int:
    """Every Wilson interval against SciPy's; returns how many were checked."""
    checked = 0
    for segment in report["segments"]:
        for metric, (low, high) in segment["intervals"].items():
            k = _count(segment, metric)
            ci = binomtest(k, segment["n"]).proportion_ci(method="wilson")
            if abs(ci.low - low) > 1e-3 or abs(ci.high - high) > 1e-3:
                raise SystemExit(f"{segment['value']} {metric}: {low, high} vs SciPy {ci}")
            checked += 1
    return checked


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _interval(segment: dict[str, Any], metric: str) -> str:
    interval = segment["intervals"].get(metric)
    return "" if interval is None else f" [{interval[0]:.2f}, {interval[1]:.2f}]"


def render(report: dict[str, Any], title: str) -> str:
    lines = [
        title,
        "",
        "| language | n | escalation | refusal | accuracy | p50 ms | gap |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in report["segments"]:
        cells = [f"{_rate(s[m])}{_interval(s, m)}" for m in RATES]
        p50 = "-" if s.get("p50_ms") is None else f"{s['p50_ms']:.0f}"
        lines.append(
            f"| {s['value']} | {s['n']} | " + " | ".join(cells) + f" | {p50} | {s['gap']:.2f} |"
        )
    flagged = report["flagged"] or "none"
    lines.append(f"flagged: {flagged}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenant", default="demo")
    parser.add_argument("--eval", dest="eval_file", type=Path, default=DEMO_EVAL)
    parser.add_argument("--threshold", type=float, default=0.1)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS}")
    args = parser.parse_args()
    if "FRONTDESK_DATA_DIR" not in os.environ:
        raise SystemExit("set FRONTDESK_DATA_DIR to a directory where `frontdesk demo` ran")
    by_language = run_cli(args.tenant, args.eval_file, args.threshold)
    both = pooled(by_language, args.threshold)
    checked = check_intervals(by_language) + check_intervals(both)
    print(render(by_language, "Per language (frontdesk audit fairness --by language --eval)"))
    print()
    print(render(both, "English vs the six other languages pooled"))
    print(f"\n{checked} Wilson intervals match SciPy's.")
    if args.write:
        eval_name = (
            str(args.eval_file.relative_to(ROOT))
            if args.eval_file.is_relative_to(ROOT)
            else str(args.eval_file)
        )
        result = {
            **stamp(default_release(), split="all", dataset=eval_name),
            "command": "frontdesk audit fairness --tenant demo --by language --eval "
            f"{eval_name} --min-n 1 --json",
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "by_language": by_language,
            "english_vs_other": both,
            "intervals_checked_against_scipy": checked,
        }
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
