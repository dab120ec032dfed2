"""Deduplication: link records that are the same study report; never delete anything."""
