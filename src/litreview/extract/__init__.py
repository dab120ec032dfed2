"""Extraction: registry records and publications → the review's table rows."""
