"""Aggregation: one registry of methods (crowd-kit and the fast engine), one call to run them."""
