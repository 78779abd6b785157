"""Fit the extractive generator's sentence model on the dev rows of the labelled help centers.

    .venv/bin/python bench/sentence_fit.py [--C 1.0] [--folds 5]

Both help centers' ``eval.jsonl`` dev rows (never test) run through the default release;
for every ``expect: answer`` row with ``must_include`` groups, each sentence of the top
passages the generator sees (:func:`sentence_candidates`) is a sample, positive when it
contains one of the row's required alternatives. A logistic regression is fitted on them.
Cross-validated by row (``--folds``; a row's sentences never straddle train and test), it
prints how often the sentences the model would choose hold a required answer, against the
turns the release's rules answer correctly, and how well the best sentence's probability
separates right replies from wrong ones (AUC: the decide stage's ``answer_score``). It
writes the weights to put in the release to ``bench/results/sentence_fit.json`` (stamped).
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
from decide_fit import permissive  # noqa: E402
from harness import bench_settings  # noqa: E402
from stamp import stamp  # noqa: E402

from frontdesk import Frontdesk  # noqa: E402
from frontdesk.evaluation import EvalRunner, database_sources, load_rows, select_split  # noqa: E402
from frontdesk.pipeline.stages.answer_shape import answer_shape  # noqa: E402
from frontdesk.pipeline.stages.generate import ExtractiveGenerator  # noqa: E402
from frontdesk.pipeline.stages.sentence_rank import FEATURES, sentence_candidates  # noqa: E402
from frontdesk.pipeline.state import TurnState  # noqa: E402
from frontdesk.releases.config import ReleaseConfig, default_release  # noqa: E402
from frontdesk.retrieval.text import analyze  # noqa: E402

OUT = ROOT / "bench" / "results" / "sentence_fit.json"
DEPTH = 5  # passages whose sentences are candidates


def contains_required(text: str, groups: list[list[str]]) -> bool:
    lowered = text.lower()
    return any(alt.lower() in lowered for group in groups for alt in group)


def collect(folder: Path, release: ReleaseConfig, tmp: Path, split: str) -> list[dict[str, Any]]:
    rows = [
        r
        for r in select_split(load_rows(folder / "eval.jsonl"), split)
        if r.expect == "answer" and r.must_include
    ]
    fd = Frontdesk(bench_settings(tmp), release=release)
    turns: list[dict[str, Any]] = []
    try:
        fd.init()
        tenant = fd.tenants.create_tenant(folder.name)
        fd.knowledge.ingest_paths(tenant.id, sources_of(folder))
        pipeline = fd.registry.build_pipeline(release, fd.resources)
        generator = next(s for s in pipeline.stages if isinstance(s, ExtractiveGenerator))
        seen: dict[str, list[Any]] = {}
        generate = generator.run

        def recording(state: TurnState) -> Any:
            query_terms = set(analyze(state.text))
            context_terms = set(analyze(state.query)) - query_terms
            similarity = generator._similarity(state.query or state.text)
            seen[state.conversation_id] = sentence_candidates(
                state.passages[:DEPTH],
                query_terms,
                context_terms,
                similarity,
                answer_shape(state.text),
            )
            return generate(state)

        generator.run = recording
        pipeline.warm_up()
        runner = EvalRunner(pipeline, database_sources(fd.database), fd.settings.max_message_chars)
        for row, result in zip(rows, runner.run(tenant.id, rows), strict=True):
            candidates = seen.pop(f"eval-{row.id}", None)
            if not candidates:
                continue
            groups = [list(g) for g in row.must_include]
            reply = result.reply.text
            turns.append(
                {
                    "id": row.id,
                    "kind": row.kind,
                    "correct_now": bool(result.correct),
                    "first_now": contains_required(reply.split(" [", 1)[0], groups),
                    "sentences": [
                        {
                            "text": c.text[:200],
                            "passage": c.passage,
                            "label": int(contains_required(c.text, groups)),
                            "features": c.features,
                        }
                        for c in candidates
                    ],
                }
            )
        pipeline.close()
    finally:
        fd.close()
    return turns


def matrix(turns: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y, group = [], [], []
    for number, turn in enumerate(turns):
        for s in turn["sentences"]:
            x.append([s["features"][f] for f in FEATURES])
            y.append(s["label"])
            group.append(number)
    return np.array(x), np.array(y), np.array(group)


def fit(x: np.ndarray, y: np.ndarray, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit(x, y)
    return model


def chosen_answers(turn: dict[str, Any], probability: np.ndarray, sentences: int = 4) -> bool:
    """Whether the sentences the generator would choose by these probabilities (the
    likeliest passage's best sentences, then the next passage's) hold a required answer."""
    found = turn["sentences"]
    best_of: dict[int, float] = {}
    for s, p in zip(found, probability, strict=True):
        best_of[s["passage"]] = max(best_of.get(s["passage"], 0.0), float(p))
    chosen: list[int] = []
    for index in sorted(best_of, key=lambda i: -best_of[i])[:2]:
        mine = sorted(
            (i for i, s in enumerate(found) if s["passage"] == index), key=lambda i: -probability[i]
        )
        chosen.extend(mine[: sentences - len(chosen)])
        if len(chosen) >= sentences:
            break
    return any(found[i]["label"] for i in chosen)


def cross_validate(turns: list[dict[str, Any]], c: float, folds: int) -> dict[str, Any]:
    x, y, group = matrix(turns)
    scores: dict[int, np.ndarray] = {}
    order = np.random.default_rng(0).permutation(len(turns))
    for fold in range(folds):
        held = set(order[fold::folds].tolist())
        train = np.array([g not in held for g in group])
        model = fit(x[train], y[train], c)
        for number in held:
            mask = group == number
            if mask.any():
                scores[number] = model.predict_proba(x[mask])[:, 1]
    from sklearn.metrics import roc_auc_score

    correct_now = [int(turns[n]["correct_now"]) for n in sorted(scores)]
    best = [float(scores[n].max()) for n in sorted(scores)]
    return {
        "turns": len(turns),
        "answerable_in_candidates": sum(any(s["label"] for s in t["sentences"]) for t in turns),
        "reply_holds_answer_model_cv": sum(chosen_answers(turns[n], s) for n, s in scores.items()),
        "correct_now": sum(correct_now),
        # how well the best sentence's probability tells a right reply from a wrong one
        "auc_best_probability_vs_correct_now": round(float(roc_auc_score(correct_now, best)), 4),
        "out_of_fold": {turns[n]["id"]: [round(float(v), 4) for v in s] for n, s in scores.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--C", type=float, default=1.0, dest="c")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", type=Path, help="reuse/write the collected candidates here")
    args = parser.parse_args()
    release = permissive(default_release())  # every turn with evidence answered
    if args.cache and args.cache.exists():
        turns = json.loads(args.cache.read_text())
    else:
        turns = []
        with tempfile.TemporaryDirectory() as tmp:
            for folder in HELPCENTERS:
                turns.extend(collect(folder, release, Path(tmp) / folder.name, "dev"))
        if args.cache:
            args.cache.write_text(json.dumps(turns))
    cv = cross_validate(turns, args.c, args.folds)
    x, y, _ = matrix(turns)
    model = fit(x, y, args.c)
    weights = {f: round(float(w), 4) for f, w in zip(FEATURES, model.coef_[0], strict=True)}
    bias = round(float(model.intercept_[0]), 4)
    print(
        f"{cv['turns']} dev turns, {cv['answerable_in_candidates']} with an answering sentence "
        f"among the candidates\n"
        f"replies holding a required answer when the model chooses (cross-validated): "
        f"{cv['reply_holds_answer_model_cv']}; turns correct with the release's rules: "
        f"{cv['correct_now']}\n"
        f"AUC of the best sentence's probability (out of fold) for a correct reply: "
        f"{cv['auc_best_probability_vs_correct_now']}"
    )
    print(json.dumps({"weights": weights, "bias": bias}, indent=1))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "C": args.c,
                "weights": weights,
                "bias": bias,
                **cv,
                **stamp(default_release(), split="dev", dataset="demo+saas eval.jsonl"),
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
