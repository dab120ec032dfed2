"""Prioritised screening: rank records by predicted relevance, say when to stop, replay labelled reviews."""
