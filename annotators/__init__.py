"""Who labels: annotator behaviours (archetypes), populations and shipped presets."""
