"""The message pipeline: stage protocols, stages, and the runner built from a release."""
