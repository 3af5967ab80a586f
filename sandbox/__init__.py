"""Crowd Sandbox engine: datasets, simulation, aggregation, metrics and the CLI."""
