"""Evaluation: labelled rows run through a release's pipeline and scored (``frontdesk eval``).

``dataset`` parses and checks the rows, ``runner`` answers them in-process without storing
anything, ``scoring`` judges one reply, ``metrics`` sums the report.
"""

from frontdesk.evaluation.dataset import EvalRow, load_rows, parse_rows, select_split
from frontdesk.evaluation.metrics import summarize
from frontdesk.evaluation.runner import EvalRunner
from frontdesk.evaluation.scoring import CitedSource, Reply, RowResult, gold_matches, judge
from frontdesk.evaluation.sources import database_sources

__all__ = [
    "CitedSource",
    "EvalRow",
    "EvalRunner",
    "Reply",
    "RowResult",
    "database_sources",
    "gold_matches",
    "judge",
    "load_rows",
    "parse_rows",
    "select_split",
    "summarize",
]
