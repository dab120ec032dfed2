"""The workspace schema's migrations (Alembic): ``litreview workspace upgrade`` applies them."""
