"""Persistence: SQLAlchemy tables, Alembic migrations and tenant-scoped repositories."""
