"""Sentence embedders (see :class:`frontdesk.pipeline.protocols.Embedder`)."""
