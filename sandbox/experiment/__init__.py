"""Experiments: simulate (or take real answers) → aggregate → score; crowd vs curation; the demo."""
