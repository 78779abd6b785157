"""``frontdesk knowledge adapt``: the dense retriever fine-tuned on a tenant's own pairs.

``training`` (the fine-tuning, needs the ``[train]`` extra) and ``evaluation`` (held-out
nDCG@10 through the served retrieval). The tenant's pairs are read by
:mod:`frontdesk.finetune.retrieval_pairs`, the use case is
:mod:`frontdesk.finetune.adaptation`, serving is :mod:`frontdesk.knowledge.adapted`.
"""
