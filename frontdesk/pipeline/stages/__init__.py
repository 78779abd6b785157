"""Built-in stages, one module each."""
