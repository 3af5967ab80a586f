"""Simulated labelling campaigns: policy, who answers what, archetype answers, task difficulty."""
