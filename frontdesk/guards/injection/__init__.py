"""Prompt-injection detectors: the trained default and the bundled svguardian."""
