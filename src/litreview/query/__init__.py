"""The query language: parse search strategies, lint them, translate and evaluate them."""
