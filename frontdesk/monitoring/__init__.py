"""Metrics (Prometheus) for turns, stages, guards, escalations and HTTP requests."""
