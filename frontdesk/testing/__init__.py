"""Helpers shipped with the library for testing Frontdesk and its plugins."""
