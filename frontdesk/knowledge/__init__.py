"""The knowledge base: loading files into documents and chunks, storing, indexing."""
