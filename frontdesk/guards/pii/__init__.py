"""PII detection and redaction."""
