"""The front door: API keys to tenant + role, size limits, rate limits."""
