"""One connection to a workspace's database through SQLAlchemy Core.

The workspace writes its SQL once, in the subset SQLite and PostgreSQL both speak (``ON CONFLICT``
upserts, explicit column lists), with named parameters (``:name``) that SQLAlchemy binds as each
driver wants, and manages its own transactions (``BEGIN``, savepoints), so the connection runs in
autocommit mode and nothing begins or commits behind the workspace's back. What differs between the
engines is said here, in one place.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Executable, Table, TextClause, create_engine, event, text
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.pool import NullPool, StaticPool

URL_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")
# a row when this PostgreSQL server was built with lz4 (TOAST compression of records' JSON)
HAS_LZ4 = "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"


def is_database_url(location: object) -> bool:
    """Whether a ``--workspace`` value names a database server rather than a folder."""
    return str(location).startswith(URL_SCHEMES)


def postgres_driver_url(url: str) -> str:
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def shown_url(url: str) -> str:
    """The URL as messages may print it: never its password."""
    from sqlalchemy.engine import make_url

    return make_url(postgres_driver_url(url)).render_as_string(hide_password=True)


# user:password@ in any database URL a message might quote (psycopg's, SQLAlchemy's, ours)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+]*://[^/\s:@]*):[^@\s]*@", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***`` (for any message printed)."""
    return _URL_PASSWORD.sub(r"\1:***@", text)


def shown_location(location: object) -> str:
    """A ``--workspace`` value as messages may print it: a folder as it is, a URL without its password."""
    return shown_url(str(location)) if is_database_url(location) else str(location)


def has_password(url: str) -> bool:
    from sqlalchemy.engine import make_url

    return bool(make_url(postgres_driver_url(url)).password)


def statement(sql: str | Executable) -> Executable:
    return text(sql) if isinstance(sql, str) else sql


def insert_row(table: Table, tail: str = "") -> TextClause:
    """``INSERT INTO table (every column) VALUES (:each column)``, then ``tail`` (an ``ON CONFLICT``)."""
    names = [column.name for column in table.columns]
    values = ", ".join(f":{name}" for name in names)
    return text(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({values}){tail}")


class Rows:
    """A statement's result as plain tuples, like a DB-API cursor (``rowcount``, ``columns``)."""

    def __init__(self, result: CursorResult[Any]):
        self._result = result
        self.rowcount = result.rowcount

    def columns(self) -> list[str]:  # not keys(): dict(rows) must read pairs, not a mapping
        return list(self._result.keys())

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return (tuple(row) for row in self._result)

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self._result.fetchone()
        return None if row is None else tuple(row)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._result]


class Database:
    """Execute SQL on one connection (SQLite or PostgreSQL); ``dialect`` says which."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self._conn: Connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self._compiled: dict[
            str, str
        ] = {}  # executemany's statements as the driver takes them, by their text

    @classmethod
    def over_sqlite(cls, connect: Callable[[], sqlite3.Connection]) -> Database:
        """A SQLite connection the caller makes (its flags, pragmas and checks stay the caller's)."""
        # sqlite3 takes :name parameters from a dict itself (SQLAlchemy's default for it is ?)
        engine = create_engine("sqlite://", creator=connect, poolclass=StaticPool, paramstyle="named")

        @event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # the workspace says BEGIN itself

        return cls(engine)

    @classmethod
    def over_url(cls, url: str, *, read_only: bool = False) -> Database:
        """A PostgreSQL database by URL (``postgresql://user@host/db``; psycopg 3 is the driver)."""
        engine = create_engine(postgres_driver_url(url), poolclass=NullPool)
        database = cls(engine)
        if read_only:
            database.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        # Records are JSON of about 2 KB, which PostgreSQL compresses: lz4 does it about twice as fast
        # as its default pglz (storing 100,000 records took twice SQLite's time). A server built
        # without lz4 keeps its default; either way values read back the same. A reader writes nothing.
        elif database.execute(HAS_LZ4).fetchone():
            database.execute("SET default_toast_compression = lz4")
        return database

    def execute(self, sql: str | Executable, params: Mapping[str, Any] | None = None) -> Rows:
        """Run one statement: SQL text with ``:name`` parameters, or a SQLAlchemy Core statement."""
        return Rows(self._conn.execute(statement(sql), params or {}))

    def executemany(self, sql: str | TextClause, rows: Iterable[Mapping[str, Any]]) -> None:
        """Run one statement for every row of parameters, in one driver call (executemany)."""
        batch = rows if isinstance(rows, list) else list(rows)
        if batch:
            # SQLAlchemy writes the statement in the driver's own parameter style (once); the rows go
            # to the driver as they are: its per-row parameter handling tripled the cost of an insert
            self._conn.exec_driver_sql(self._for_driver(sql), batch)

    def insert_rows(self, table: Table, rows: list[Mapping[str, Any]]) -> None:
        """Insert rows (a value for each of ``table``'s columns): by COPY on PostgreSQL, where an
        INSERT per row cost the server a round each (100,000 decisions: 1.6 s against 0.45 s), by
        executemany on SQLite, which runs its statements in process. Errors are SQLAlchemy's either way."""
        if not rows:
            return
        if self.dialect != "postgresql":
            self.executemany(insert_row(table), rows)
            return
        import psycopg
        from sqlalchemy.exc import DBAPIError

        names = [column.name for column in table.columns]
        sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        try:
            with self._conn.connection.dbapi_connection.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([row[name] for name in names])
        except psycopg.Error as exc:
            raise DBAPIError.instance(sql, None, exc, psycopg.Error) from exc

    def _for_driver(self, sql: str | TextClause) -> str:
        key = sql if isinstance(sql, str) else sql.text
        if key not in self._compiled:
            self._compiled[key] = (
                (text(sql) if isinstance(sql, str) else sql).compile(dialect=self.engine.dialect).string
            )
        return self._compiled[key]

    @property
    def begin(self) -> str:
        """The statement that starts a write transaction (SQLite takes its write lock at once)."""
        return "BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN"

    @property
    def connection(self) -> Connection:
        """The SQLAlchemy connection (for Alembic, which runs the schema's migrations on it)."""
        return self._conn

    def has_table(self, name: str) -> bool:
        from sqlalchemy import inspect

        return bool(inspect(self._conn).has_table(name))

    def close(self) -> None:
        self._conn.close()
        self.engine.dispose()
