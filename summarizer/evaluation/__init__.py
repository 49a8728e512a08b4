"""Measures, kept apart from the pipeline: ROUGE on DUC 2004, event grouping, the speed benchmark."""
