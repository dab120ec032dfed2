"""Screening: criteria as rules, human decisions, agreement."""
