"""Built-in implementations of the pipeline's seams, registered like any plugin."""
