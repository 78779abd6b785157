"""Import spaCy and presidio without the torch and transformers they pick up when installed.

Neither is needed to run ``en_core_web_sm`` (thinc's numpy ops) or presidio's spaCy
engine, but both import them opportunistically: thinc checks for torch at import, and
presidio's Hugging Face recognizer and device detector import transformers and torch. In
an install with the ``train`` extra (the dev and CI environments; the container image has
neither) that cost every replica and worker about 340 MB of resident memory and seconds of
start-up (bench/RESULTS.md, "Memory per replica: where it goes"). Training imports torch
itself and is unaffected: the modules are hidden only while spaCy and presidio import, and
only when nothing has imported them yet.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

_OPTIONAL = ("torch", "transformers")
_lock = threading.Lock()
_done = False


@contextlib.contextmanager
def _hidden(names: tuple[str, ...]) -> Iterator[None]:
    """``import name`` raises ImportError inside (a ``None`` entry in ``sys.modules``),
    for the names not imported already; restored on leaving."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


def import_spacy() -> None:
    """Import spaCy and presidio's analyzer (once per process) without torch and
    transformers; call before any ``spacy`` or ``presidio_analyzer`` import. A missing
    package is left for the caller's own import to report."""
    global _done
    with _lock:
        if _done:
            return
        with _hidden(_OPTIONAL), contextlib.suppress(ImportError):
            import presidio_analyzer  # noqa: F401
            import spacy  # noqa: F401
            from presidio_analyzer.nlp_engine import device_detector  # noqa: F401
        _done = True
