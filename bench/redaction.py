"""PII redaction, character by character, as ``frontdesk guard check --json`` does it.

    .venv/bin/python bench/redaction.py [--split dev|eval|all] [--label NAME] [--write]
    .venv/bin/python bench/redaction.py --cli --tenant demo   # through the real CLI
    .venv/bin/python bench/redaction.py --set multilingual [--cli]   # de/fr/es/nl/it/pt

The input guards are built from the shipped release's ``input_guard`` stage, exactly as
``frontdesk guard check`` builds them, and every text of the shared pii_presidio_synth
set is checked. Splits are halves by sha256(template_id) (``bench/guards.py``:
``pii_half``): rules were developed looking at the ``dev`` half only; the ``eval`` half is
the held-out test split reported in bench/RESULTS.md.

Character metrics (whitespace ignored):

* recall: gold characters of the labels Frontdesk must redact that are masked, overall
  and per gold entity type;
* precision: masked characters that lie in a gold span of a PII label (the in-scope
  labels, or a city/region/postcode that is part of an address); ``strict`` counts only
  the in-scope labels;
* latency p50/p95 of one ``InputGuards.check`` per message.

``--set multilingual`` scores the small labelled set of the six languages of the
multilingual issue (``bench/data/pii_multilingual.jsonl``, made by
``bench/pii_multilingual_data.py``: no labelled non-English PII set is in the shared
datasets), per language and per entity type; ``--split eval`` is its test split (144
texts), ``--split dev`` and ``--split dev2`` (es/it/nl/pt, Round 5) the messages rules may
be developed on.

``--cli`` pipes the texts (newlines turned into spaces, which keeps the offsets) through
``frontdesk guard check - --json`` and scores the spans it prints, to show the numbers
are the command's.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from stamp import stamp  # noqa: E402

from frontdesk.guards import GuardPolicy, InputGuards  # noqa: E402
from frontdesk.releases.config import default_release  # noqa: E402

DATA = Path("/work/shared/datasets/pii_presidio_synth/test.jsonl")
MULTILINGUAL = ROOT / "bench" / "data" / "pii_multilingual.jsonl"
RESULTS = ROOT / "bench" / "results" / "redaction.json"
IN_SCOPE = (
    "PERSON", "STREET_ADDRESS", "CREDIT_CARD", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE",
    "US_SSN", "US_DRIVER_LICENSE", "IP_ADDRESS",
)  # fmt: skip
ACCEPTABLE = frozenset(IN_SCOPE) | {"GPE", "ZIP_CODE"}

Predict = Callable[[str], list[tuple[int, int, str]]]


def pii_half(template_id: int) -> str:
    import hashlib

    digest = int(hashlib.sha256(str(template_id).encode()).hexdigest(), 16)
    return "dev" if digest % 2 == 0 else "eval"


def load(path: Path, split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if split == "all" or pii_half(r["template_id"]) == split]


def release_guards() -> InputGuards:
    """The input guards of the shipped release's ``input_guard`` stage."""
    release = default_release()
    spec = next(s for s in release.stages if s.type == "input_guards")
    params = {k: v for k, v in spec.params.items() if k != "refuse_injection_above"}
    guards = InputGuards(GuardPolicy.model_validate(params))
    guards.warm_up()
    return guards


def score(rows: list[dict[str, Any]], predict: Predict) -> dict[str, Any]:
    gold_chars: dict[str, list[int]] = {label: [0, 0] for label in IN_SCOPE}
    predicted = correct = strict = 0
    by_pred: dict[str, list[int]] = {}
    for row in rows:
        text = row["text"]
        spans = predict(text)
        covered: dict[int, str] = {}
        for start, end, label in spans:
            for i in range(start, end):
                if not text[i].isspace():
                    covered[i] = label
        acceptable: set[int] = set()
        in_scope: set[int] = set()
        for g in row["spans"]:
            chars = [i for i in range(g["start"], g["end"]) if not text[i].isspace()]
            if g["label"] in ACCEPTABLE:
                acceptable.update(chars)
            if g["label"] in gold_chars:
                in_scope.update(chars)
                gold_chars[g["label"]][0] += sum(i in covered for i in chars)
                gold_chars[g["label"]][1] += len(chars)
        for i, label in covered.items():
            predicted += 1
            correct += i in acceptable
            strict += i in in_scope
            by_pred.setdefault(label, [0, 0])
            by_pred[label][0] += i in acceptable
            by_pred[label][1] += 1
    hit = sum(v[0] for v in gold_chars.values())
    total = sum(v[1] for v in gold_chars.values())
    precision = correct / predicted if predicted else 1.0
    recall = hit / total if total else 1.0
    f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
    return {
        "n_docs": len(rows),
        "precision": round(precision, 4),
        "precision_strict": round(strict / predicted, 4) if predicted else 1.0,
        "recall": round(recall, 4),
        "f2": round(f2, 4),
        "recall_by_entity": {
            k: {"recall": round(v[0] / v[1], 4), "chars": v[1]}
            for k, v in gold_chars.items()
            if v[1]
        },
        "precision_by_predicted_label": {
            k: {"precision": round(v[0] / v[1], 4), "chars": v[1]}
            for k, v in sorted(by_pred.items())
        },
    }


def python_predictor(guards: InputGuards) -> Predict:
    def predict(text: str) -> list[tuple[int, int, str]]:
        return [(s.start, s.end, s.label) for s in guards.check(text).pii]

    return predict


def cli_predictions(texts: list[str], tenant: str) -> list[list[tuple[int, int, str]]]:
    """Spans ``frontdesk guard check - --json`` prints, one line per text."""
    lines = "".join(t.replace("\n", " ") + "\n" for t in texts)
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "frontdesk"), "guard", "check", "-", "--tenant", tenant,
         "--json"],
        input=lines, capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if len(out) != len(texts):
        raise SystemExit(f"guard check printed {len(out)} results for {len(texts)} texts")
    return [[(p["start"], p["end"], p["label"]) for p in r.get("pii", [])] for r in out]


def latency(guards: InputGuards, texts: Iterable[str]) -> dict[str, float]:
    samples = []
    for text in texts:
        started = time.perf_counter()
        guards.check(text)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
        "n": len(samples),
    }


def ordinary(guards: InputGuards, per_set: int) -> dict[str, Any]:
    """Redactions on customer messages that hold no PII (banking77 and clinc150 test
    utterances, a seeded sample of each): every span is a false positive that would
    mangle the question before retrieval sees it."""
    import random

    out: dict[str, Any] = {}
    for name in ("banking77", "clinc150"):
        path = DATA.parent.parent / name / "test.jsonl"
        texts = [json.loads(line)["text"] for line in path.read_text().splitlines() if line]
        sample = random.Random(0).sample(texts, min(per_set, len(texts)))
        hits = []
        for text in sample:
            spans = guards.check(text).pii
            if spans:
                hits.append(
                    {"text": text, "spans": [[text[s.start : s.end], s.label] for s in spans]}
                )
        out[name] = {
            "messages": len(sample),
            "messages_redacted": len(hits),
            "rate": round(len(hits) / len(sample), 4),
            "examples": hits,
        }
    return out


def run(
    split: str, cli_tenant: str | None, ordinary_n: int = 0, dataset: str = "presidio"
) -> dict[str, Any]:
    logging.disable(logging.WARNING)
    path = MULTILINGUAL if dataset == "multilingual" else DATA
    if dataset == "multilingual":
        every = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        rows = [
            r for r in every if split == "all" or r["split"] == {"eval": "test"}.get(split, split)
        ]
    else:
        rows = load(path, split)
    guards = release_guards()
    if cli_tenant:
        predictions = cli_predictions([r["text"] for r in rows], cli_tenant)
        lookup = {r["text"]: p for r, p in zip(rows, predictions, strict=True)}
        predict: Predict = lambda text: lookup[text]  # noqa: E731
        via = "frontdesk guard check --json (newlines as spaces)"
    else:
        predict = python_predictor(guards)
        via = "InputGuards.check of the release's input_guard stage (what guard check runs)"
    result = {
        **stamp(
            default_release(),
            split=split,
            dataset=str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
        ),
        "via": via,
        "scores": score(rows, predict),
        "latency": latency(guards, [r["text"] for r in rows]),
    }
    languages = sorted({r["lang"] for r in rows if r.get("lang")})
    if languages:
        result["by_language"] = {
            lang: score([r for r in rows if r.get("lang") == lang], predict) for lang in languages
        }
    if ordinary_n:
        result["ordinary_text"] = ordinary(guards, ordinary_n)
    return result


def render(result: dict[str, Any]) -> str:
    s = result["scores"]
    lines = [
        f"split {result['split']} ({s['n_docs']} texts) via {result['via']}",
        f"precision {s['precision']:.3f} (strict {s['precision_strict']:.3f})  "
        f"recall {s['recall']:.3f}  F2 {s['f2']:.3f}  "
        f"latency p50 {result['latency']['p50_ms']} ms p95 {result['latency']['p95_ms']} ms",
        "",
        "| gold entity | chars | recall |",
        "|---|---|---|",
    ]
    for label, v in s["recall_by_entity"].items():
        lines.append(f"| {label} | {v['chars']} | {v['recall']:.3f} |")
    lines += ["", "| predicted label | chars | precision |", "|---|---|---|"]
    for label, v in s["precision_by_predicted_label"].items():
        lines.append(f"| {label} | {v['chars']} | {v['precision']:.3f} |")
    by_language = result.get("by_language", {})
    if by_language:
        entities = sorted({e for v in by_language.values() for e in v["recall_by_entity"]})
        lines += [
            "",
            "| language | texts | precision | recall | F2 | " + " | ".join(entities) + " |",
            "|---" * (5 + len(entities)) + "|",
        ]
        for lang, v in by_language.items():
            cells = [
                f"{v['recall_by_entity'][e]['recall']:.2f}" if e in v["recall_by_entity"] else "-"
                for e in entities
            ]
            lines.append(
                f"| {lang} | {v['n_docs']} | {v['precision']:.3f} | {v['recall']:.3f} | "
                f"{v['f2']:.3f} | " + " | ".join(cells) + " |"
            )
    for name, v in result.get("ordinary_text", {}).items():
        lines.append(
            f"ordinary {name}: {v['messages_redacted']} of {v['messages']} messages redacted: "
            + "; ".join(str(e["spans"]) for e in v["examples"][:8])
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split",
        choices=["dev", "eval", "all", "dev2"],
        default="eval",
        help="dev2: the second dev split of the multilingual set (es, it, nl, pt)",
    )
    parser.add_argument(
        "--set",
        dest="dataset",
        choices=["presidio", "multilingual"],
        default="presidio",
        help="pii_presidio_synth (English) or the de/fr/es/nl/it/pt set",
    )
    parser.add_argument("--cli", action="store_true", help="score the CLI's output")
    parser.add_argument("--tenant", default="demo", help="tenant for --cli")
    parser.add_argument(
        "--ordinary", type=int, default=1000, help="PII-free messages per set (0: skip)"
    )
    parser.add_argument("--write", action="store_true", help=f"add the run to {RESULTS}")
    args = parser.parse_args()
    multilingual = args.dataset == "multilingual"
    ordinary_n = 0 if multilingual else args.ordinary
    result = run(args.split, args.tenant if args.cli else None, ordinary_n, args.dataset)
    print(render(result))
    if args.write:
        runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        name = "multilingual" if multilingual else args.split
        runs[f"{name}{'_cli' if args.cli else ''}"] = result
        RESULTS.write_text(json.dumps(runs, indent=2) + "\n")


if __name__ == "__main__":
    main()
