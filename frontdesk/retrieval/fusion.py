"""Combining ranked lists: reciprocal rank fusion and weighted (convex) score fusion.

RRF (Cormack et al. 2009) uses ranks only, so it needs no calibration, but it throws away
how far apart the scores are. Convex fusion normalises each signal over the candidate set
and adds them with weights; it wins when one signal is much stronger than the other
(measured in bench/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

Normalization = Literal["minmax", "max", "zscore"]


def rrf(
    rankings: Sequence[Sequence[str]],
    *,
    k: float = 60.0,
    weights: Sequence[float] | None = None,
) -> dict[str, float]:
    """``sum_i w_i / (k + rank_i(d))`` over the lists that contain ``d`` (ranks from 1)."""
    weights = weights if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def normalize(scores: Mapping[str, float], method: Normalization = "minmax") -> dict[str, float]:
    """Scale one signal's scores over the candidate set to a comparable range.

    ``minmax`` maps to [0, 1]; ``max`` divides by the maximum (keeps 0 meaning "no match",
    which suits BM25); ``zscore`` centres and scales by the standard deviation.
    """
    if not scores:
        return {}
    values = list(scores.values())
    if method == "max":
        top = max(values)
        return {key: (v / top if top > 0 else 0.0) for key, v in scores.items()}
    if method == "zscore":
        mean = sum(values) / len(values)
        std = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
        return {key: ((v - mean) / std if std > 0 else 0.0) for key, v in scores.items()}
    low, high = min(values), max(values)
    span = high - low
    return {key: ((v - low) / span if span > 0 else 1.0) for key, v in scores.items()}


def normalize_array(
    values: npt.NDArray[np.float64], method: Normalization = "minmax"
) -> npt.NDArray[np.float64]:
    """:func:`normalize` over an array of one signal's candidate scores (same rules)."""
    if values.size == 0:
        return values
    if method == "max":
        top = float(values.max())
        return values / top if top > 0 else np.zeros_like(values)
    if method == "zscore":
        std = float(values.std())
        return (values - values.mean()) / std if std > 0 else np.zeros_like(values)
    low = float(values.min())
    span = float(values.max()) - low
    return (values - low) / span if span > 0 else np.ones_like(values)


def convex(
    signals: Sequence[Mapping[str, float]],
    weights: Sequence[float],
    *,
    normalization: Normalization | Sequence[Normalization] = "minmax",
) -> dict[str, float]:
    """``sum_i w_i * norm(s_i)(d)``; a candidate missing from a signal gets that signal's
    normalised minimum."""
    if len(weights) != len(signals):
        raise ValueError("one weight per signal")
    methods = [normalization] * len(signals) if isinstance(normalization, str) else normalization
    keys: set[str] = set()
    for signal in signals:
        keys.update(signal)
    fused = dict.fromkeys(keys, 0.0)
    for signal, weight, method in zip(signals, weights, methods, strict=True):
        if weight == 0.0 or not signal:
            continue
        scaled = normalize(signal, method)
        floor = min(scaled.values())
        for key in keys:
            fused[key] += weight * scaled.get(key, floor)
    return fused


def ranked(scores: Mapping[str, float]) -> list[tuple[str, float]]:
    """Items best first; ties broken by id so results are deterministic."""
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
