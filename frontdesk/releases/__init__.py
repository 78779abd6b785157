"""Releases: versioned, immutable pipeline configurations."""
