"""Apply the workspace schema's migrations (Alembic) on a workspace's own connection, in one
transaction: a migration that fails leaves the schema as it was."""

from __future__ import annotations

import functools
import sqlite3

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from litreview.store.database import Database, adapt_ddl

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


@functools.cache
def schema_tables() -> dict[str, list[str]]:
    """The current schema's tables and their columns, in order (the migrations run on an empty
    in-memory SQLite database): what a lossless copy moves."""
    raw = sqlite3.connect(":memory:", isolation_level=None)
    database = Database.over_sqlite(lambda: raw)
    try:
        migrate(database)
        names = [
            n for (n,) in raw.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY rowid")
        ]
        return {
            n: [c[1] for c in raw.execute(f"PRAGMA table_info({n})")] for n in names if n != "alembic_version"
        }
    finally:
        database.close()  # closes the SQLite connection through its pool, which owns it


def apply_ddl(ddl: str) -> None:
    """Run a migration's DDL (written as SQLite's) in the dialect of the connection being migrated."""
    from alembic import op

    for statement in adapt_ddl(ddl, op.get_bind().dialect.name):
        op.execute(statement)


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
