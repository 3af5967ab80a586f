"""Presentation: text and JSON rendering for the CLI, view models for the dashboard."""
