"""Fine-tuning data from what a tenant's people approved, for teams that tune an LLM.

:func:`~frontdesk.finetune.export.export_finetune` gathers resolved handoffs (the customer's
question and the agent's reply), answers rated thumbs-up, promoted FAQ entries and ingested
resolved tickets; redacts PII with the release's input guard; adds the help-center passages
the pipeline would retrieve for the question; drops repeated questions and any that match
the tenant's evaluation set; and renders chat JSONL (:mod:`~frontdesk.finetune.formats`).
:mod:`~frontdesk.finetune.adaptation` (``knowledge adapt``) tunes the retrieval encoder on
the tenant's (question -> passage) pairs (:mod:`~frontdesk.finetune.retrieval_pairs`).
"""

from frontdesk.finetune.export import ExportReport, FinetuneExporter, export_finetune
from frontdesk.finetune.formats import FORMATS, ChatExample, render
from frontdesk.finetune.matching import EvalText, NearMatcher, normalise, read_eval_texts

__all__ = [
    "FORMATS",
    "ChatExample",
    "EvalText",
    "ExportReport",
    "FinetuneExporter",
    "NearMatcher",
    "export_finetune",
    "normalise",
    "read_eval_texts",
    "render",
]
