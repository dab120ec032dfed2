"""Alembic's entry point: the workspace hands over its own connection, inside its own transaction."""

from alembic import context

context.configure(connection=context.config.attributes["connection"], transactional_ddl=False)
context.run_migrations()
