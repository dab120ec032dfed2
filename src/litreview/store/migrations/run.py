"""Apply the workspace schema's migrations (Alembic) on a workspace's own connection, in one
transaction: a migration that fails leaves the schema as it was."""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import BigInteger, Column

from litreview.store.database import Database

BASELINE = "0001"  # what a workspace from before migrations holds


def _config(database: Database | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "litreview.store:migrations")
    if database is not None:
        config.attributes["connection"] = database.connection
    return config


@functools.cache
def head() -> str:
    """The schema revision this litreview writes."""
    return str(ScriptDirectory.from_config(_config()).get_current_head())


def revision(database: Database) -> str | None:
    return MigrationContext.configure(database.connection).get_current_revision()


def write_order() -> list[Column[int]]:
    """The column a table read in write order needs on PostgreSQL: SQLite keeps a rowid by itself."""
    from alembic import op

    if op.get_bind().dialect.name == "sqlite":
        return []
    return [Column("rowid", BigInteger, primary_key=True)]  # BIGSERIAL


def migrate(database: Database) -> tuple[str | None, str]:
    """Upgrade to the current schema; a workspace from before migrations counts as the baseline."""
    before = revision(database)
    database.execute(database.begin)
    try:
        config = _config(database)
        if before is None and database.has_table("meta"):
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
    except BaseException:
        database.execute("ROLLBACK")
        raise
    database.execute("COMMIT")
    return before, head()
