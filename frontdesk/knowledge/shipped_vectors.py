"""Multilingual passage vectors shipped with a help center (the demo's), so loading it
does not spend minutes embedding what every install would embed the same way.

One ``.npz`` file (read without pickle): ``keys`` the SHA-256 of each text (32 bytes a
row, the hash :mod:`frontdesk.knowledge.stored_vectors` keys the database by),
``vectors`` float16 (half the size; cosine to the float32 vector stays above 0.999) and
``model`` the encoder's id, so vectors of another encoder are never loaded.
``scripts/demo_vectors.py`` regenerates the demo's file; a test fails when it no longer
covers every text of the demo help center.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from frontdesk.knowledge.vector_cache import Vectors

log = logging.getLogger(__name__)


def save(path: Path, model_id: str, vectors: dict[str, Vectors]) -> None:
    """Write ``vectors`` (text hash, hex → vector) for ``model_id``, sorted by hash so
    regenerating the same vectors gives the same file."""
    hashes = sorted(vectors)
    keys = np.array([np.frombuffer(bytes.fromhex(h), dtype=np.uint8) for h in hashes])
    matrix = np.stack([vectors[h] for h in hashes]).astype(np.float16)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        np.savez_compressed(out, keys=keys, vectors=matrix, model=np.array(model_id))


def load(path: Path, model_id: str, dimension: int) -> dict[str, Vectors]:
    """The file's vectors (text hash, hex → float32 vector); none when the file is
    missing or holds another encoder's vectors (the texts are then embedded)."""
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as data:
        model, keys, matrix = str(data["model"]), data["keys"], data["vectors"]
    if model != model_id or matrix.ndim != 2 or matrix.shape[1] != dimension:
        log.info("shipped vectors of %s ignored (encoder %s): %s", model, model_id, path)
        return {}
    vectors = matrix.astype(np.float32)
    return {bytes(key).hex(): vector for key, vector in zip(keys, vectors, strict=True)}
