"""Cross-language retrieval with the question translated by a local LLM, on covidqa_faq's
German, French and Spanish questions over the English FAQ (the data and index of
``bench/multilingual.py``'s retrieval section), side by side in one run:

- the multilingual index with the question as written (what the default release does);
- the default index with the question translated into English by the model
  (``llm_query_translator``);
- both, fused by reciprocal rank (the retriever's ``fuse_untranslated``).

    PYTHONPATH=$PWD:/tmp/ml17/site .venv/bin/python bench/multilingual_translated.py \\
        [--model qwen2.5-coder-1.5b-instruct-q4_k_m] [--queries 80]

Writes bench/results/multilingual_translated.json and prints the table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import table
from multilingual import covid_indexes
from multilingual_data import COVID_TRANSLATIONS
from retrieval_common import ranking_metrics
from stamp import stamp

from frontdesk.llm.assist import LlmAssistant
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.local_pool import LocalModelPool
from frontdesk.llm.translate import parse_question_translation, question_translation_messages
from frontdesk.pipeline.stages.retrieve import fused

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "multilingual_translated.json"
DEPTH = 10


def run(datasets: Path, model: str, n_queries: int, answer_chars: int) -> dict[str, Any]:
    covid = covid_indexes(datasets, n_queries, answer_chars)
    queries, golds, default = covid.queries, covid.golds, covid.default

    pool = LocalModelPool(Path(tempfile.gettempdir()) / "frontdesk-bench-translated")
    config = ProviderConfig.model_validate(
        {"name": "local", "local_model": model, "local_threads": 2, "read_timeout_s": 120}
    )
    assistant = LlmAssistant(providers=[config], local_models=pool, max_tokens=48, deadline_s=120)
    results: dict[str, Any] = {
        "queries": len(queries),
        "model": model,
        "answer_chars": answer_chars,
    }
    english = [[p.chunk_id for p in default.search(q.text, DEPTH)] for q in queries]
    results["en"] = {"default index": ranking_metrics(english, golds)}
    try:
        for position, language in enumerate(("de", "fr", "es")):
            written, translated, both, translate_ms, failed = [], [], [], [], 0
            for query in queries:
                text = COVID_TRANSLATIONS[query.id][position]
                native = covid.on_multilingual(text, DEPTH)
                t0 = time.perf_counter()
                asked = assistant.ask(
                    question_translation_messages(text, "en"),
                    lambda reply, text=text: parse_question_translation(reply, text),
                )
                translate_ms.append((time.perf_counter() - t0) * 1000)
                if asked.value is None:
                    failed += 1
                found = default.search(asked.value, DEPTH) if asked.value else native
                written.append([p.chunk_id for p in native])
                translated.append([p.chunk_id for p in found])
                both.append(
                    [p.chunk_id for p in fused(found, native)[:DEPTH]]
                    if asked.value
                    else written[-1]
                )
            results[language] = {
                "multilingual index, as written (default release)": ranking_metrics(written, golds),
                "default index, translated": ranking_metrics(translated, golds),
                "both, fused (fuse_untranslated)": ranking_metrics(both, golds),
                "translate_ms_p50": round(statistics.median(translate_ms), 1),
                "translations_failed": failed,
            }
            print(language, json.dumps(results[language]), flush=True)
    finally:
        assistant.close()
        pool.close()
    return results


def render(results: dict[str, Any]) -> str:
    english = results["en"]["default index"]["ndcg@10"]
    rows = [["en", "default index", english, 1.0, results["en"]["default index"]["recall@10"]]]
    for language in ("de", "fr", "es"):
        for name, metrics in results[language].items():
            if isinstance(metrics, dict):
                ndcg = metrics["ndcg@10"]
                rows.append([language, name, ndcg, round(ndcg / english, 3), metrics["recall@10"]])
    return table(
        f"covidqa_faq, {results['queries']} questions per language, English KB; "
        f"translations by {results['model']}",
        ["lang", "search", "nDCG@10", "x English", "R@10"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct-q4_k_m")
    parser.add_argument("--queries", type=int, default=80)
    parser.add_argument("--answer-chars", type=int, default=400)
    args = parser.parse_args()
    results = run(args.datasets, args.model, args.queries, args.answer_chars)
    results |= stamp(dataset="covidqa_faq + bench/multilingual_data.py COVID_TRANSLATIONS")
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(render(results))


if __name__ == "__main__":
    main()
