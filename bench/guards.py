"""Benchmark the guards: injection detection, PII redaction, latency.

    .venv/bin/python bench/guards.py [--datasets /work/shared/datasets]

Splits (nothing here is tuned on an evaluation half):

* prompt_injection: halves by sha256(id) (``half_of``). The detector was trained on the
  ``train`` half minus its benign customer rows; those held-out customer rows choose the
  1%/5%-FPR thresholds here, and every number is reported on the ``eval`` half.
* pii_presidio_synth: halves by sha256(template_id); patterns were developed looking only
  at the ``dev`` half, numbers are reported on the ``eval`` half (and the full set).

Prints a table, writes bench/results/guards.json and the "## Guards" part of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from stamp import describe, stamp  # noqa: E402

from frontdesk.guards import (  # noqa: E402
    CitedPassage,
    GuardPolicy,
    InputGuards,
    OutputCheckInput,
    OutputGuards,
    PiiRedactor,
)
from frontdesk.guards.abuse import ProfanityDetector  # noqa: E402
from frontdesk.guards.injection.detector import (  # noqa: E402
    InjectionScorer,
    LinearInjectionDetector,
    SvGuardianDetector,
)
from frontdesk.guards.injection.training import CUSTOMER_SOURCES, half_of, read_jsonl  # noqa: E402
from frontdesk.guards.language import LanguageDetector  # noqa: E402
from frontdesk.guards.pii.ner import default_model_path  # noqa: E402
from frontdesk.releases.config import default_release  # noqa: E402

# Gold labels Frontdesk is meant to redact; GPE/ZIP_CODE are parts of addresses, so a
# prediction on them is not a false positive (but they are not required for recall).
PII_IN_SCOPE = frozenset(
    {"PERSON", "STREET_ADDRESS", "CREDIT_CARD", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE",
     "US_SSN", "US_DRIVER_LICENSE", "IP_ADDRESS"}
)  # fmt: skip
PII_ACCEPTABLE = PII_IN_SCOPE | {"GPE", "ZIP_CODE"}
PRESIDIO_ENTITIES = [
    "PERSON", "LOCATION", "CREDIT_CARD", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE",
    "US_SSN", "US_DRIVER_LICENSE", "IP_ADDRESS",
]  # fmt: skip


def pii_half(template_id: int) -> str:
    return (
        "dev" if int(hashlib.sha256(str(template_id).encode()).hexdigest(), 16) % 2 == 0 else "eval"
    )


# ---------------------------------------------------------------- injection


def injection_bench(datasets: Path) -> dict[str, Any]:
    rows = list(read_jsonl(datasets / "prompt_injection" / "eval.jsonl"))
    calibration = [
        r for r in rows if half_of(r["id"]) == "train" and r["source"] in CUSTOMER_SOURCES
    ]
    evaluation = [r for r in rows if half_of(r["id"]) == "eval"]
    labels = np.array([r["label"] for r in evaluation])
    sources = np.array([r["source"] for r in evaluation])
    customer = np.isin(sources, list(CUSTOMER_SOURCES))
    notinject = sources == "notinject"
    out: dict[str, Any] = {
        "n_calibration": len(calibration),
        "n_eval": len(evaluation),
        "n_eval_attacks": int(labels.sum()),
        "n_eval_customer": int(customer.sum()),
        "n_eval_notinject": int(notinject.sum()),
        "detectors": {},
    }
    from sklearn.metrics import roc_auc_score

    scorers: list[InjectionScorer] = [LinearInjectionDetector(), SvGuardianDetector()]
    for scorer in scorers:
        scorer.warm_up()
        cal = np.array([scorer.score(r["text"]) for r in calibration])
        ev = np.array([scorer.score(r["text"]) for r in evaluation])
        result: dict[str, Any] = {
            "roc_auc_attack_vs_customer": round(
                float(roc_auc_score(labels[labels == 1].tolist() + [0] * int(customer.sum()),
                                    ev[labels == 1].tolist() + ev[customer].tolist())), 4),
            "roc_auc_attack_vs_all_benign": round(float(roc_auc_score(labels, ev)), 4),
        }  # fmt: skip
        points = {
            f"fpr_{int(f * 100)}pct": float(np.quantile(cal, 1 - f, method="higher"))
            for f in (0.01, 0.05)
        }
        points["operating"] = scorer.threshold
        for name, threshold in points.items():
            # At the FPR points "flagged" is strictly above the calibration quantile.
            flagged = ev > threshold if name.startswith("fpr") else ev >= threshold
            result[name] = {
                "threshold": round(threshold, 4),
                "tpr": round(float(flagged[labels == 1].mean()), 4),
                "customer_fpr": round(float(flagged[customer].mean()), 4),
                "notinject_accuracy": round(float(1 - flagged[notinject].mean()), 4),
                "recall_by_source": {
                    s: round(float(flagged[(sources == s) & (labels == 1)].mean()), 4)
                    for s in sorted(set(sources[labels == 1]))
                },
            }
        out["detectors"][scorer.name] = result
    return out


# ---------------------------------------------------------------- PII


def pii_scores(
    rows: list[dict[str, Any]], predict: Callable[[str], Iterable[tuple[int, int]]]
) -> dict[str, Any]:
    """Coverage-based span metrics, robust to how gold splits an address into pieces:
    a gold span is found when >= half its non-space characters are masked; a predicted span
    is correct when >= half its characters lie in acceptable gold spans."""
    found = gold = correct = predicted = 0
    masked_chars = pii_chars = 0
    by_label: dict[str, list[int]] = {}
    for row in rows:
        text = row["text"]
        spans = list(predict(text))
        covered = {i for s, e in spans for i in range(s, e)}
        acceptable = {
            i
            for g in row["spans"]
            if g["label"] in PII_ACCEPTABLE
            for i in range(g["start"], g["end"])
        }
        for g in row["spans"]:
            if g["label"] not in PII_IN_SCOPE:
                continue
            chars = [i for i in range(g["start"], g["end"]) if not text[i].isspace()]
            hit = sum(i in covered for i in chars)
            masked_chars += hit
            pii_chars += len(chars)
            ok = hit * 2 >= len(chars)
            gold += 1
            found += ok
            by_label.setdefault(g["label"], [0, 0])
            by_label[g["label"]][0] += ok
            by_label[g["label"]][1] += 1
        for s, e in spans:
            predicted += 1
            correct += sum(i in acceptable for i in range(s, e)) * 2 >= (e - s)
    precision = correct / predicted if predicted else 1.0
    recall = found / gold if gold else 1.0
    f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f2": round(f2, 4),
        "unmasked_pii_char_share": round(1 - masked_chars / pii_chars, 4) if pii_chars else 0.0,
        "n_gold": gold,
        "n_predicted": predicted,
        "recall_by_label": {k: round(v[0] / v[1], 4) for k, v in sorted(by_label.items())},
    }


def vanilla_presidio() -> Callable[[str], list[tuple[int, int]]]:
    import tldextract
    import tldextract.tldextract as tld_module
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # presidio's e-mail recognizer would fetch the public-suffix list: use the bundled one.
    tld_module.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    tldextract.extract = tld_module.TLD_EXTRACTOR
    config = {"nlp_engine_name": "spacy",
              "models": [{"lang_code": "en", "model_name": str(default_model_path())}]}  # fmt: skip
    engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])

    def predict(text: str) -> list[tuple[int, int]]:
        results = analyzer.analyze(text, language="en", entities=PRESIDIO_ENTITIES)
        return [(r.start, r.end) for r in results]

    return predict


def pii_bench(datasets: Path) -> dict[str, Any]:
    rows = list(read_jsonl(datasets / "pii_presidio_synth" / "test.jsonl"))
    halves = {"eval": [r for r in rows if pii_half(r["template_id"]) == "eval"], "all": rows}
    fast = PiiRedactor(ner=False)
    ner = PiiRedactor(ner=True)
    ner.warm_up()
    systems: dict[str, Callable[[str], Iterable[tuple[int, int]]]] = {
        "frontdesk_patterns": lambda t: [(s.start, s.end) for s in fast.find(t)],
        "frontdesk_ner": lambda t: [(s.start, s.end) for s in ner.find(t)],
        "presidio_vanilla": vanilla_presidio(),
    }
    out: dict[str, Any] = {name: {"n_docs": len(r)} for name, r in halves.items()}
    for half, subset in halves.items():
        for name, predict in systems.items():
            out[half][name] = pii_scores(subset, predict)
    return out


# ---------------------------------------------------------------- latency


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "n": len(ordered),
    }


def timed(fn: Callable[[str], object], texts: list[str]) -> dict[str, float]:
    for text in texts[:5]:
        fn(text)
    samples = []
    for text in texts:
        started = time.perf_counter()
        fn(text)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def latency_bench(datasets: Path, n: int) -> dict[str, Any]:
    rows = [r for r in read_jsonl(datasets / "prompt_injection" / "eval.jsonl")
            if half_of(r["id"]) == "eval" and r["source"] in CUSTOMER_SOURCES]  # fmt: skip
    pii_rows = [r["text"] for r in read_jsonl(datasets / "pii_presidio_synth" / "test.jsonl")]
    # A realistic turn: a customer message, sometimes with contact details in it.
    texts = [
        f"{r['text']} {pii_rows[i % len(pii_rows)]}" if i % 3 == 0 else r["text"]
        for i, r in enumerate(rows[:n])
    ]
    fast_redactor, ner_redactor = PiiRedactor(ner=False), PiiRedactor(ner=True)
    ner_redactor.warm_up()
    frontdesk, svg = LinearInjectionDetector(), SvGuardianDetector()
    abuse, language = ProfanityDetector(), LanguageDetector()
    for component in (frontdesk, svg, abuse, language):
        component.warm_up()
    input_fast = InputGuards(GuardPolicy(pii_ner=False))
    input_ner = InputGuards(GuardPolicy(pii_ner=True))
    input_fast.warm_up()
    input_ner.warm_up()
    output = OutputGuards(GuardPolicy())
    passage = CitedPassage(
        "kb-1",
        "Refunds are paid within 5 business days to the original card. Cards can be frozen "
        "in the app under Settings > Security. Replacement cards cost 5 EUR.",
        1,
    )

    def output_check(text: str) -> object:
        answer = f"Refunds are paid within 5 business days [1]. {text[:80]}"
        item = OutputCheckInput(
            answer, (passage,), frozenset({"kb-1"}), "You are a support assistant.", "CANARY-1"
        )
        return output.check(item)

    def turn(guards: InputGuards) -> Callable[[str], object]:
        return lambda t: (guards.check(t), output_check(t))

    return {
        "n_texts": len(texts),
        "mean_chars": round(statistics.mean(len(t) for t in texts), 1),
        "pii_patterns": timed(fast_redactor.find, texts),
        "pii_ner": timed(ner_redactor.find, texts),
        "injection_frontdesk": timed(frontdesk.score, texts),
        "injection_svguardian": timed(svg.score, texts),
        "abuse": timed(abuse.check, texts),
        "language": timed(language.check, texts),
        "output_guard": timed(output_check, texts),
        "input_guards_no_ner": timed(input_fast.check, texts),
        "input_guards_ner": timed(input_ner.check, texts),
        "all_guards_turn_no_ner": timed(turn(input_fast), texts),
        "all_guards_turn_ner": timed(turn(input_ner), texts),
    }


# ---------------------------------------------------------------- report


def render(results: dict[str, Any], command: str) -> str:
    inj, pii, lat = results["injection"], results["pii"], results["latency"]
    lines = [
        "## Guards",
        "",
        describe(results),
        "",
        f"Command: `{command}`  ",
        f"Machine: {results['machine']}. Raw numbers: `bench/results/guards.json`.",
        "",
        f"### Prompt injection (eval half: {inj['n_eval_attacks']} attacks, "
        f"{inj['n_eval_customer']} customer, {inj['n_eval_notinject']} NotInject; thresholds "
        f"from {inj['n_calibration']} held-out customer rows of the train half)",
        "",
        "| detector | point | threshold | TPR | customer FPR | NotInject acc | "
        "CyberSecEval recall | in-the-wild recall | AUC (attack vs customer) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, d in inj["detectors"].items():
        for point in ("fpr_1pct", "fpr_5pct", "operating"):
            p = d[point]
            rs = p["recall_by_source"]
            lines.append(
                f"| {name} | {point} | {p['threshold']:.3f} | {p['tpr']:.3f} | "
                f"{p['customer_fpr']:.3f} | {p['notinject_accuracy']:.3f} | "
                f"{rs.get('cyberseceval_prompt_injection', 0):.3f} | "
                f"{rs.get('jailbreak_llms_in_the_wild', 0):.3f} | "
                f"{d['roc_auc_attack_vs_customer']:.4f} |"
            )
    lines += [
        "",
        "### PII redaction (pii_presidio_synth; coverage-based span match, see bench/guards.py)",
        "",
        "| half | system | precision | recall | F2 | PII chars left unmasked | "
        "PERSON recall | ADDRESS recall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for half in ("eval", "all"):
        for name in ("frontdesk_patterns", "frontdesk_ner", "presidio_vanilla"):
            m = pii[half][name]
            lines.append(
                f"| {half} ({pii[half]['n_docs']}) | {name} | {m['precision']:.3f} | "
                f"{m['recall']:.3f} | {m['f2']:.3f} | {m['unmasked_pii_char_share']:.3f} | "
                f"{m['recall_by_label'].get('PERSON', 0):.3f} | "
                f"{m['recall_by_label'].get('STREET_ADDRESS', 0):.3f} |"
            )
    lines += [
        "",
        f"### Latency ({lat['n_texts']} eval-half customer messages, a third with PII "
        f"appended; mean {lat['mean_chars']} chars; one process, warm)",
        "",
        "| guard | p50 ms | p95 ms |",
        "|---|---|---|",
    ]
    for name, v in lat.items():
        if isinstance(v, dict):
            lines.append(f"| {name} | {v['p50_ms']:.2f} | {v['p95_ms']:.2f} |")
    lines += [
        "",
        "Reading it: `fpr_1pct`/`fpr_5pct` use the threshold at that false-positive rate on "
        "the held-out customer rows; `operating` is the threshold shipped in the release "
        "default (frontdesk: chosen by out-of-fold recall under NotInject FPR <= 5% and "
        "calibration FPR <= 1% on the train half; svguardian: its own). Targets: TPR >= 0.95 "
        "at 1% FPR and NotInject >= 0.90 are each met, but not at one threshold; PII F2 >= "
        "0.90 is not met on the eval half (0.91 on the dev half the name rules were tuned "
        "on; `frontdesk_ner` adds a Faker name gazetteer, context cues and name "
        "propagation to spaCy's small model, see frontdesk/guards/pii/names.py); latency "
        "targets (p95 <= 10 ms without NER, <= 40 ms with) are met. The injection set's "
        "attacks come from two public sources only, so in-distribution TPR is optimistic.",
    ]
    return "\n".join(lines) + "\n"


def write_results_md(path: Path, section: str) -> None:
    existing = path.read_text() if path.exists() else "# Benchmark results\n"
    start = existing.find("## Guards")
    if start == -1:
        updated = existing.rstrip("\n") + "\n\n" + section
    else:
        following = existing.find("\n## ", start + 1)
        tail = existing[following + 1 :] if following != -1 else ""
        updated = existing[:start] + section + ("\n" + tail if tail else "")
    path.write_text(updated)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark Frontdesk's guards.")
    parser.add_argument("datasets", nargs="?", type=Path, default=Path("/work/shared/datasets"))
    parser.add_argument("--latency-n", type=int, default=300)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import os
    import platform

    command = "python bench/guards.py " + " ".join(sys.argv[1:])
    results: dict[str, Any] = {
        **stamp(default_release(), split="eval half", dataset=str(args.datasets)),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "injection": injection_bench(args.datasets),
        "pii": pii_bench(args.datasets),
        "latency": latency_bench(args.datasets, args.latency_n),
    }
    section = render(results, command.strip())
    print(section)
    if not args.no_write:
        out = ROOT / "bench" / "results" / "guards.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
        write_results_md(ROOT / "bench" / "RESULTS.md", section)


if __name__ == "__main__":
    main()
