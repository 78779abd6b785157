"""Storing a trained intent model as portable data: a JSON manifest plus numpy arrays.

The artifact is a zip with ``manifest.json`` and ``arrays.npz`` (loaded with
``allow_pickle=False``; nothing in it is executable). Its version is the SHA-256 of the
canonical manifest and every array's name, dtype, shape and bytes, so the same model
always has the same version and any change gives a new one; a release config references
that version. Loading checks the hash and that the embedder is the one trained with.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np

from frontdesk.errors import ConfigurationError, InvalidInputError
from frontdesk.intents.features import FeatureBuilder
from frontdesk.intents.model import (
    ENCODER,
    FORMAT,
    FORMAT_VERSION,
    Arrays,
    IntentModel,
    IntentStats,
    LinearHead,
    TrainingReport,
    canonical_json,
    hash_parts,
    to_parts,
)
from frontdesk.intents.ngrams import NgramVectorizer
from frontdesk.retrieval.protocols import Embedder

_ZIP_DATE = (2020, 1, 1, 0, 0, 0)

EncoderLoader = Callable[[bytes], Embedder]


def dump_model(model: IntentModel) -> bytes:
    """The artifact as bytes (a zip); store it as a blob, keyed by ``model.version``."""
    manifest, arrays = to_parts(model)
    manifest = {**manifest, "version": hash_parts(manifest, arrays)}
    packed = io.BytesIO()
    savez: Any = np.savez_compressed  # its stubs do not type ``**arrays``
    savez(packed, **arrays)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("manifest.json", _ZIP_DATE), canonical_json(manifest))
        archive.writestr(zipfile.ZipInfo("arrays.npz", _ZIP_DATE), packed.getvalue())
    return out.getvalue()


def load_model(
    data: bytes, embedder: Embedder | None, load_encoder: EncoderLoader | None = None
) -> IntentModel:
    """Load an artifact written by :func:`dump_model`; ``embedder`` must match its model id,
    unless the model carries its own fine-tuned encoder, which ``load_encoder`` runs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            with np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False) as npz:
                arrays: Arrays = {name: npz[name] for name in npz.files}
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInputError(f"not an intent model artifact: {exc}") from None
    return from_parts(manifest, arrays, embedder, load_encoder)


def from_parts(
    manifest: dict[str, Any],
    arrays: Arrays,
    embedder: Embedder | None,
    load_encoder: EncoderLoader | None = None,
) -> IntentModel:
    """Rebuild a model from :func:`to_parts` output, checking format, hash and embedder."""
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise InvalidInputError(
            f"unsupported intent model format {manifest.get('format')!r} "
            f"v{manifest.get('format_version')!r}; retrain the model"
        )
    body = {k: v for k, v in manifest.items() if k != "version"}
    expected = manifest.get("version")
    if expected is not None and expected != hash_parts(body, arrays):
        raise InvalidInputError("intent model artifact is corrupt: its content hash does not match")
    embedding = body["embedding"]
    encoder = arrays[ENCODER].tobytes() if ENCODER in arrays else None
    if encoder is not None:
        if load_encoder is None:
            raise ConfigurationError("this intent model carries a fine-tuned encoder to load")
        embedder = load_encoder(encoder)
    if embedding is not None:
        if embedder is None:
            raise ConfigurationError(
                f"this intent model needs the embedder {embedding['model_id']!r}"
            )
        if embedder.model_id != embedding["model_id"]:
            raise ConfigurationError(
                f"intent model was trained with embedder {embedding['model_id']!r}, "
                f"not {embedder.model_id!r}; retrain it or configure that embedder"
            )
    vectorizers = [
        NgramVectorizer.from_config(config, arrays[f"idf_{i}"])
        for i, config in enumerate(body["vectorizers"])
    ]
    features = FeatureBuilder(
        vectorizers,
        embedder if embedding is not None else None,
        float(embedding["weight"]) if embedding is not None else 0.0,
    )
    head = LinearHead(
        labels=tuple(str(label) for label in body["labels"]),
        ngram_weights=np.ascontiguousarray(arrays["ngram_weights"], dtype=np.float32),
        embedding_weights=np.ascontiguousarray(arrays["embedding_weights"], dtype=np.float32),
        bias=np.asarray(arrays["bias"], dtype=np.float32),
    )
    return IntentModel(
        features,
        head,
        temperature=float(body["temperature"]),
        threshold=float(body["threshold"]),
        report=_report_from_dict(body["report"]),
        options=dict(body["options"]),
        encoder=encoder,
    )


def _report_from_dict(data: dict[str, Any]) -> TrainingReport:
    values = dict(data)
    intents = tuple(IntentStats(**item) for item in values.pop("intents", []))
    return TrainingReport(**values, intents=intents)
