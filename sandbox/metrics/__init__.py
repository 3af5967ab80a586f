"""Scores of labels, workers and downstream models against the truth."""
