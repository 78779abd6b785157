"""Fit the decide stage's confidence model on the dev rows of the labelled help centers.

    .venv/bin/python bench/decide_fit.py [--C 1.0] [--precision 0.9]

Each help center's ``eval.jsonl`` dev rows (never test) run through the default release
with the decide threshold at its floor, so every turn that has evidence is answered and
scored: an ``expect: answer`` row is a positive when its answer is judged correct, an
``expect: decline`` row is always a negative (any answer to it is wrong). Rows decided
before the confidence model (small talk, needs-a-person handoffs, injections refused by
the input guard) are left out: the model never sees them in production either. The
decide stage's own ``features`` are recorded on each turn, a logistic regression is
fitted on them, and the threshold is the lowest that keeps answered precision on the
pooled dev rows at or above ``--precision``. It prints the weights and threshold to put
in ``releases/config.py`` and writes ``bench/results/decide_fit.json`` (stamped).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from answers import HELPCENTERS, sources_of  # noqa: E402
from harness import bench_settings  # noqa: E402
from stamp import stamp  # noqa: E402

from frontdesk import Frontdesk  # noqa: E402
from frontdesk.evaluation import EvalRunner, database_sources, load_rows, select_split  # noqa: E402
from frontdesk.handoff.decide import DEFAULT_WEIGHTS, HandoffDecider  # noqa: E402
from frontdesk.pipeline.state import TurnState  # noqa: E402
from frontdesk.releases.config import ReleaseConfig, default_release  # noqa: E402

OUT = ROOT / "bench" / "results" / "decide_fit.json"
FEATURES = sorted(DEFAULT_WEIGHTS)
# Hand-set, not fitted: signals the dev rows barely exercise but a support lead expects.
KEPT = {"out_of_scope": -1.0, "frustration": -1.0, "prior_failures": -0.5}


def permissive(release: ReleaseConfig) -> ReleaseConfig:
    """The release with decide answering whatever has citations (and never handing off
    for repeated failures), so every turn's answer can be judged."""
    data = release.model_dump(mode="json")
    for stage in data["stages"]:
        if stage["type"] == "handoff_decider":
            stage["params"]["threshold"] = 1e-6
            stage["params"]["max_failures"] = 1000
    data["id"] = f"{release.id}-permissive"
    return ReleaseConfig.model_validate(data)


def collect(folder: Path, release: ReleaseConfig, tmp: Path) -> list[dict[str, Any]]:
    rows = select_split(load_rows(folder / "eval.jsonl"), "dev")
    fd = Frontdesk(bench_settings(tmp), release=release)
    samples: list[dict[str, Any]] = []
    try:
        fd.init()
        tenant = fd.tenants.create_tenant(folder.name)
        fd.knowledge.ingest_paths(tenant.id, sources_of(folder))
        pipeline = fd.registry.build_pipeline(release, fd.resources)
        decider = next(s for s in pipeline.stages if isinstance(s, HandoffDecider))
        seen: dict[str, dict[str, float]] = {}
        decide = decider.run

        def recording(state: TurnState) -> Any:
            if state.outcome is None:  # decided by the confidence model, not earlier
                seen[state.conversation_id] = decider.features(state)
            else:
                seen.pop(state.conversation_id, None)
            return decide(state)

        decider.run = recording
        pipeline.warm_up()
        runner = EvalRunner(pipeline, database_sources(fd.database), fd.settings.max_message_chars)
        for row, result in zip(rows, runner.run(tenant.id, rows), strict=True):
            features = seen.pop(f"eval-{row.id}", None)
            if features is None or row.expect == "handoff" or result.reply.outcome != "answered":
                continue
            samples.append(
                {
                    "id": row.id,
                    "kind": row.kind,
                    "expect": row.expect,
                    "label": int(row.expect == "answer" and result.correct),
                    "features": features,
                }
            )
        pipeline.close()
    finally:
        fd.close()
    return samples


def fit(samples: list[dict[str, Any]], c: float) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    fitted = [f for f in FEATURES if f not in KEPT]
    x = np.array([[s["features"][f] for f in fitted] for s in samples])
    y = np.array([s["label"] for s in samples])
    offset = np.array([sum(KEPT[f] * s["features"][f] for f in KEPT) for s in samples])
    model = LogisticRegression(C=c, max_iter=5000)
    # The hand-set features are fixed, so fit on the rows where they are zero (all but a
    # few); their weights then apply on top.
    plain = offset == 0
    model.fit(x[plain], y[plain])
    weights = {f: round(float(w), 3) for f, w in zip(fitted, model.coef_[0], strict=True)}
    weights.update(KEPT)
    return weights, round(float(model.intercept_[0]), 3)


def probability(weights: dict[str, float], bias: float, features: dict[str, float]) -> float:
    z = bias + sum(weights[f] * features[f] for f in FEATURES)
    return float(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))))


def choose_threshold(
    samples: list[dict[str, Any]], weights: dict[str, float], bias: float, target: float
) -> tuple[float, str, list[dict[str, float]]]:
    """The lowest threshold whose answered precision reaches ``target`` while still
    answering a quarter of the turns; failing that, the one that maximises correct answers
    minus twice the wrong ones (a wrong answer costs more than an honest decline)."""
    scored = [(probability(weights, bias, s["features"]), s["label"]) for s in samples]
    curve = []
    for step in range(5, 100):
        t = step / 100
        kept = [label for p, label in scored if p >= t]
        precision = sum(kept) / len(kept) if kept else 1.0
        utility = sum(kept) - 2 * (len(kept) - sum(kept))
        curve.append(
            {
                "threshold": t,
                "answered": len(kept),
                "precision": round(precision, 4),
                "utility": utility,
            }
        )
    for point in curve:
        if point["precision"] >= target and point["answered"] >= len(samples) / 4:
            return point["threshold"], f"precision >= {target}", curve
    best = max(curve, key=lambda p: (p["utility"], -p["threshold"]))
    return best["threshold"], "max correct - 2 x wrong (precision target not reachable)", curve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--C", type=float, default=1.0, dest="c")
    parser.add_argument("--precision", type=float, default=0.9)
    args = parser.parse_args()
    release = permissive(default_release())
    samples: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for folder in HELPCENTERS:
            got = collect(folder, release, Path(tmp) / folder.name)
            print(f"{folder.name}: {len(got)} dev turns, {sum(s['label'] for s in got)} correct")
            samples.extend(got)
    weights, bias = fit(samples, args.c)
    threshold, rule, curve = choose_threshold(samples, weights, bias, args.precision)
    point = next(p for p in curve if p["threshold"] == threshold)
    print(f"\nweights: {json.dumps(weights)}\nbias: {bias}\nthreshold: {threshold} ({rule})")
    print(
        f"dev (pooled): {point['answered']} of {len(samples)} scored turns answered, "
        f"precision {point['precision']}"
    )
    result = {
        "samples": len(samples),
        "positives": sum(s["label"] for s in samples),
        "C": args.c,
        "target_precision": args.precision,
        "weights": weights,
        "bias": bias,
        "threshold": threshold,
        "rule": rule,
        "curve": curve,
        "rows": samples,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {**result, **stamp(default_release(), split="dev", dataset="demo+saas eval.jsonl")},
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
