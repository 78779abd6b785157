"""Live updates: events published by services, streamed to the console and the widget."""
