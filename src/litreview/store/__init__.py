"""The system of record: the workspace repository, its database (SQLite or PostgreSQL), schema,
migrations and copies."""
