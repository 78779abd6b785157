"""Tenant-scoped queries. Every function that touches tenant data takes ``tenant_id``."""
