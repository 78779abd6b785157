"""Background work with progress recorded in the database."""
