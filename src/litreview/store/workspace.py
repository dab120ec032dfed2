"""The workspace: the system of record (runs, payloads, records, links, decisions) plus run folders.

The database is a SQLite file in the workspace folder (one reviewer, one machine) or a PostgreSQL
database named by URL (a team), with the same schema (Alembic migrations) and semantics; the run
lock is a file lock or an advisory lock. Every write happens inside one transaction per run, so a failed run leaves the store exactly as
it was. Records are upserted by their stable id: a rerun adds nothing twice, and a record whose
content changed keeps its earlier version in ``record_versions``. Links are never deletions;
undoing a link stamps ``undone_at`` rather than erasing it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import TextClause, bindparam, func, select, text
from sqlalchemy.exc import DBAPIError

from litreview.errors import WorkspaceError
from litreview.files import refuse_symlink
from litreview.records import PAIR_VERDICTS, Decision, Link, Record, from_dict, stored_form
from litreview.store import schema
from litreview.store.database import Database, has_password, insert_row, is_database_url, shown_url

DB_NAME = "workspace.sqlite"
STORE_BATCH = 500  # records per SQL batch (SQLite allows 32,766 bound parameters per statement)
READ_PAGE = 1000  # records per page when every record is read (about 2 MB of JSON)
ARRAY_BATCH = 10_000  # ids per PostgreSQL array parameter (about 200 KB)


ADVISORY_LOCK = 0x6C697472  # "litr": the per-database lock a run or update holds on PostgreSQL

# the statements run per batch or per decision, parsed once
INSERT_META = insert_row(schema.meta)
UPSERT_META = insert_row(schema.meta, " ON CONFLICT(key) DO UPDATE SET value=excluded.value")
INSERT_PAYLOAD = insert_row(schema.payloads, " ON CONFLICT DO NOTHING")
INSERT_RECORD = insert_row(schema.records)
INSERT_VERSION = insert_row(schema.record_versions, " ON CONFLICT DO NOTHING")
INSERT_RUN_RECORD = insert_row(schema.run_records, " ON CONFLICT DO NOTHING")
INSERT_LINK = insert_row(schema.links)
UPSERT_HUMAN_DECISION = insert_row(
    schema.decisions,
    " ON CONFLICT(record_id, stage, origin, reviewer) DO UPDATE SET decision=excluded.decision, "
    "reason=excluded.reason, rule_id=excluded.rule_id, decided_at=excluded.decided_at, batch=excluded.batch",
)
INSERT_HISTORY = insert_row(schema.decision_history)
DECISION_COLUMNS = "record_id, stage, decision, reason, reviewer, origin, rule_id, decided_at"  # Decision's


def _among(sql: str) -> TextClause:
    # ``:ids`` is a list: SQLAlchemy writes one parameter per id (IN (?, ?, ...) or %(ids_1)s, ...)
    return text(sql).bindparams(bindparam("ids", expanding=True))


KNOWN_HASHES = _among("SELECT record_id, content_hash FROM records WHERE record_id IN :ids")
RECORDS_DATA = _among("SELECT record_id, data FROM records WHERE record_id IN :ids")
NOTES_ON = _among(
    "SELECT record_id, reviewer, written_at, note FROM notes WHERE record_id IN :ids ORDER BY rowid"
)
EXTRACTION_COLUMNS = ("record_id", "column_name", "extractor", "value", "origin", "saved_at")
INSERT_EXTRACTION = insert_row(schema.extraction_values)
EXTRACTION_ON = _among(
    f"SELECT {', '.join(EXTRACTION_COLUMNS)} FROM extraction_values WHERE record_id IN :ids ORDER BY rowid"
)
DECISIONS_ON = _among(
    f"SELECT {DECISION_COLUMNS} FROM decisions WHERE record_id IN :ids ORDER BY record_id, stage, origin, reviewer"
)


def _decision_row(d: Decision, origin: str, reviewer: str, when: str, batch: str) -> dict[str, str]:
    return {"record_id": d.record_id, "stage": d.stage, "origin": origin, "reviewer": reviewer,
            "decision": d.decision, "reason": d.reason, "rule_id": d.rule_id, "decided_at": when,
            "batch": batch}  # fmt: skip


def _link_row(link: Link, link_type: str, run_id: str) -> dict[str, Any]:
    return {"record_id": link.record_id, "linked_to": link.linked_to, "link_type": link_type,
            "rule": link.rule, "score": link.score, "run_id": run_id}  # fmt: skip


@dataclass(frozen=True, slots=True)
class FullText:
    """A full text stored for a record (its bytes are read apart: :meth:`Workspace.fulltext_data`)."""

    record_id: str
    sha256: str
    file_name: str
    size: int
    pages: int
    added_by: str
    added_at: str
    replaced_at: str | None = None


FULLTEXT_COLUMNS = "record_id, sha256, file_name, size, pages, added_by, added_at, replaced_at"  # FullText's
INSERT_FULLTEXT = insert_row(schema.fulltexts)


@dataclass(frozen=True)
class StoreStats:
    new: int = 0
    changed: int = 0
    unchanged: int = 0


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}")


def check_run_id(run_id: str) -> str:
    if not RUN_ID.fullmatch(run_id) or ".." in run_id:
        raise WorkspaceError(
            f"run id {run_id!r}: use letters, digits, '.', '_', ':' and '-' only (it names a folder under runs/)"
        )
    return run_id


def _check_intact(conn: sqlite3.Connection, path: Path) -> None:
    """A damaged page is found before anything is read or written, not halfway through a run
    (quick_check reads every page once: well under a second for a review's workspace)."""
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
    if problems != ["ok"]:
        said = " ".join("; ".join(problems).split())
        raise WorkspaceError(
            f"{path}: the workspace database is damaged ({said}); nothing was changed: "
            "restore it from a backup"
        )


def _connect_read_only(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.OperationalError:  # a read-only folder cannot hold the WAL index: read the file as is
        conn.close()
        return sqlite3.connect(f"file:{db}?immutable=1", uri=True, isolation_level=None)


def _check_is_workspace(db: Path, writable: bool = True) -> str:
    """The review id of an existing workspace, or a refusal that says what is wrong with it."""
    if db.stat().st_size == 0:
        raise WorkspaceError(
            f"{db}: exists but is empty, so it is not a litreview workspace (a truncated copy?); refusing "
            "to build a new one over it: restore it from a backup, or move it away to start afresh"
        )
    if writable and not (os.access(db, os.W_OK) and os.access(db.parent, os.W_OK)):
        raise WorkspaceError(
            f"{db}: the workspace is read-only; litreview writes to it even to export (its lock and "
            "journal): copy the folder somewhere writable"
        )
    try:
        conn = _connect_read_only(db)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key='review_id'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(f"{db}: not a usable litreview workspace ({exc}); nothing was changed") from exc
    if row is None:
        raise WorkspaceError(f"{db}: not a litreview workspace (no review id); nothing was changed")
    return str(row[0])


WORKSPACE_URL_ENV = "LITREVIEW_WORKSPACE_URL"
ENV_REFERENCE = "env:"  # a workspace named by the environment variable after it (env:NAME)
_stashed: dict[str, str] = {}  # URL -> the variable this process keeps it in


def dereference(location: str | Path) -> str | Path:
    """The workspace an ``env:NAME`` reference names (the variable's value); anything else as it is."""
    text = str(location)
    if not text.startswith(ENV_REFERENCE):
        return location
    name = text[len(ENV_REFERENCE) :]
    value = os.environ.get(name, "").strip()
    if not value:
        raise WorkspaceError(
            f"{text}: the environment variable {name} is not set (it should hold the workspace)"
        )
    return value


def secret_free(location: str) -> str:
    """A workspace location that may be handed to Prefect, which stores flow and task parameters in
    its database: a URL holding a password is kept in this process's environment (inherited by the
    processes it starts) under a random name, and ``env:<that name>`` is passed instead."""
    if not is_database_url(location) or not has_password(location):
        return location
    name = _stashed.setdefault(location, f"{WORKSPACE_URL_ENV}_{secrets.token_hex(8).upper()}")
    os.environ[name] = location
    return ENV_REFERENCE + name


def resolve(workspace: str | Path | None, review_id: str, out: str | Path | None = None) -> tuple[str, Path]:
    """Where a run's workspace is: (the database: a folder for SQLite or a PostgreSQL URL, the local
    folder for run folders and rendered outputs). ``workspace`` defaults to $LITREVIEW_WORKSPACE_URL,
    then ``outputs/<review id>``; ``out`` to the workspace folder, or ``outputs/<review id>`` for a URL."""
    location = str(
        dereference(workspace)
        if workspace
        else os.environ.get(WORKSPACE_URL_ENV) or Path("outputs") / review_id
    )
    if is_database_url(location):
        return location, Path(out) if out else Path("outputs") / review_id
    return location, Path(out) if out else Path(location)


def upgrade_workspace(location: str | Path) -> tuple[str | None, str]:
    """Migrate a workspace's schema to the current one, under its lock; (revision before, after)."""
    from litreview.store.migrations.run import migrate

    location = dereference(location)
    if is_database_url(location):
        holder = Workspace(Path("outputs"), "", str(location))
    else:
        if not (Path(location) / DB_NAME).exists():
            raise WorkspaceError(f"{Path(location) / DB_NAME}: no workspace here")
        holder = Workspace(location, "")
    try:
        holder._connect()  # the workspace checks of open(), not its schema: that is what is upgraded
        holder.lock()
        return migrate(holder.conn)
    finally:
        holder.close()


def _database_review_id(url: str) -> str:
    try:
        database = Database.over_url(url, read_only=True)
    except DBAPIError as exc:
        raise WorkspaceError(f"{shown_url(url)}: cannot reach the workspace database ({exc.orig})") from exc
    try:
        row = database.execute("SELECT value FROM meta WHERE key='review_id'").fetchone()
    except DBAPIError as exc:
        raise WorkspaceError(
            f"{shown_url(url)}: not a litreview workspace (run `litreview run` on it first)"
        ) from exc
    finally:
        database.close()
    if row is None:
        raise WorkspaceError(
            f"{shown_url(url)}: not a litreview workspace (no review id); nothing was changed"
        )
    return str(row[0])


class Workspace:
    """A review's workspace folder: ``workspace.sqlite``, ``runs/`` and the rendered outputs."""

    def __init__(
        self, root: Path | str, review_id: str, url: str | None = None, *, database: Path | str | None = None
    ):
        self.root = Path(root)  # run folders, checkpoints and rendered outputs
        self.review_id = review_id
        self.url = url  # a PostgreSQL database; None: workspace.sqlite in ``database`` (default ``root``)
        self.db_path = Path(database or root) / DB_NAME
        self._conn: Database | None = None
        self._lock: IO[str] | None = None
        self._depth = 0  # open transactions (the outer one, then savepoints)
        self._threads = False
        self._db_locked = False

    @classmethod
    def at(cls, location: str | Path, folder: Path, review_id: str) -> Workspace:
        """The workspace :func:`resolve` names (not opened yet)."""
        location = dereference(location)
        if is_database_url(location):
            return cls(folder, review_id, str(location))
        return cls(folder, review_id, database=location)

    @classmethod
    def existing_or_new(cls, location: str | Path, review_id: str) -> Workspace:
        """The workspace at ``location`` (a folder or a URL), made for ``review_id`` if there is none."""
        return cls.at(*resolve(location, review_id), review_id).open()

    @classmethod
    def existing(cls, root: Path | str, *, threads: bool = False) -> Workspace:
        """Open a workspace a run already created, whatever its review (for screening commands).
        ``threads``: the connection may be used from several threads, one at a time (the caller
        serialises them, as the web workbench does). ``root`` may be a PostgreSQL URL: run folders
        and outputs are then in ``outputs/<review id>``, as :func:`resolve` says."""
        root = dereference(root)
        if is_database_url(root):
            review_id = _database_review_id(str(root))
            return cls.at(*resolve(root, review_id), review_id).open()
        db = Path(root) / DB_NAME
        if not db.exists():
            raise WorkspaceError(f"{db}: no workspace here (run `litreview run --workspace {root}` first)")
        workspace = cls(root, _check_is_workspace(db))
        workspace._threads = threads
        return workspace.open()

    @classmethod
    def reading(cls, root: Path | str) -> Workspace:
        """Open an existing workspace read-only (notebooks, reports): no lock, no schema change, and
        a read-only copy of the folder works too; ``root`` may be a PostgreSQL URL."""
        root = dereference(root)
        if is_database_url(root):
            review_id = _database_review_id(str(root))
            workspace = cls.at(*resolve(root, review_id), review_id)
            workspace._conn = Database.over_url(str(root), read_only=True)
            workspace._check_revision()
            return workspace
        db = Path(root) / DB_NAME
        if not db.exists():
            raise WorkspaceError(f"{db}: no workspace here")
        workspace = cls(root, _check_is_workspace(db, writable=False))
        refuse_symlink(db, WorkspaceError)
        conn = _connect_read_only(db)
        _check_intact(conn, db)
        workspace._conn = Database.over_sqlite(lambda: conn)
        workspace._check_revision()  # an older schema lacks tables this code reads: refused in one line
        return workspace

    # -- lifecycle -----------------------------------------------------------------------------
    def open(self) -> Workspace:
        """Open the workspace, creating it only where none exists: a file that is there but is not a
        litreview workspace (empty, truncated, another program's) is refused, never rebuilt over."""
        self._connect()
        self._check_schema()  # before anything is written, the journal mode included
        if self.url is None:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
        self._check_meta()
        return self

    def _connect(self) -> None:
        """The connection alone: no schema or review checked (``open`` and ``upgrade`` do that)."""
        if self.url is not None:
            try:
                self._conn = Database.over_url(self.url)
            except DBAPIError as exc:
                raise WorkspaceError(
                    f"{self.where}: cannot open the workspace database ({exc.orig})"
                ) from exc
            return
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        refuse_symlink(self.db_path, WorkspaceError)
        existed = self.db_path.exists()
        if existed:
            _check_is_workspace(self.db_path)
        try:
            conn = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=not self._threads)
            if existed:
                _check_intact(conn, self.db_path)
        except sqlite3.DatabaseError as exc:
            if "readonly" in str(exc) or "read-only" in str(exc):
                raise WorkspaceError(
                    f"{self.db_path}: the workspace is read-only; litreview needs to write to it"
                ) from exc
            raise WorkspaceError(f"{self.db_path}: not a usable litreview workspace ({exc})") from exc
        self._conn = Database.over_sqlite(lambda: conn)

    def _check_schema(self) -> None:
        """A new workspace gets the current schema; an existing one must already have it (an older
        one is upgraded only when asked: `litreview workspace upgrade`)."""
        from litreview.store.migrations.run import migrate, revision

        current = revision(self.conn)
        if current is None and not self.conn.has_table("meta"):  # a new, empty database
            migrate(self.conn)
            return
        self._check_revision()

    def _check_revision(self) -> None:
        """Refuse (and close) a workspace whose schema is not the one this litreview reads and writes."""
        from litreview.store.migrations.run import head, revision

        current, wanted = revision(self.conn), head()
        if current == wanted:
            return
        self.close()
        raise WorkspaceError(
            f"{self.where}: the workspace's schema is {current or 'from before migrations'}, this litreview "
            f"needs {wanted}: back it up, then run `litreview workspace upgrade {self.where if self.url else self.db_path.parent}`"
        )

    @property
    def where(self) -> str:
        """The workspace's database as messages name it (a URL never shows its password)."""
        return shown_url(self.url) if self.url is not None else str(self.db_path)

    def close(self) -> None:
        self.unlock()  # first: on PostgreSQL the lock belongs to the connection
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Workspace:
        return self if self._conn is not None else self.open()  # already open: Workspace.reading

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> Database:
        if self._conn is None:
            raise WorkspaceError("workspace is not open")
        return self._conn

    def _check_meta(self) -> None:
        row = self.conn.execute("SELECT value FROM meta WHERE key='review_id'").fetchone()
        if row is None:
            with self.transaction():
                self.conn.execute(INSERT_META, {"key": "review_id", "value": self.review_id})
        elif row[0] != self.review_id:
            raise WorkspaceError(
                f"{self.where}: workspace belongs to review {row[0]!r}, not {self.review_id!r}"
            )

    def meta(self, key: str) -> Any:
        """A setting the workspace keeps between runs (JSON), or None."""
        row = self.conn.execute("SELECT value FROM meta WHERE key=:key", {"key": f"json:{key}"}).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        """Keep a setting (inside the caller's transaction)."""
        self.conn.execute(UPSERT_META, {"key": f"json:{key}", "value": json.dumps(value, sort_keys=True)})

    def lock(self, wait: float = 0.0) -> None:
        """Hold an exclusive lock so only one run or update uses the workspace at a time; ``wait``
        seconds for another holder to finish (a web decision waits out a brief write, not a run)."""
        if self.url is not None:
            return self._lock_database(wait)
        folder = self.db_path.parent  # the lock guards the database, wherever the outputs go
        folder.mkdir(parents=True, exist_ok=True)
        try:  # O_NOFOLLOW: a planted symlink never leads the lock to truncate someone's file
            fd = os.open(folder / ".lock", os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            raise WorkspaceError(
                f"{folder / '.lock'}: cannot take the workspace lock ({exc.strerror})"
            ) from exc
        handle = os.fdopen(fd, "w")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() < deadline:
                    time.sleep(0.005)
                    continue
                handle.close()
                raise WorkspaceError(
                    f"{folder}: another litreview run is using this workspace; wait for it to finish"
                ) from exc
        self._lock = handle

    def _lock_database(self, wait: float) -> None:
        # a session-level advisory lock: held until unlock or the connection ends (a killed worker
        # loses it with its connection, so a crash never leaves the workspace locked)
        deadline = time.monotonic() + wait
        take = "SELECT pg_try_advisory_lock(:key)"
        while not self.conn.execute(take, {"key": ADVISORY_LOCK}).fetchall()[0][0]:
            if time.monotonic() >= deadline:
                raise WorkspaceError(
                    f"{self.where}: another litreview run is using this workspace; wait for it to finish"
                )
            time.sleep(0.02)
        self._db_locked = True

    def unlock(self) -> None:
        if self._db_locked and self._conn is not None:
            self._conn.execute("SELECT pg_advisory_unlock(:key)", {"key": ADVISORY_LOCK})
            self._db_locked = False
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic unit of work: everything inside commits together or not at all. Nested, it is
        a savepoint of the outer one, so a whole run can be one transaction around its steps."""
        conn = self.conn
        depth = self._depth
        conn.execute(f"SAVEPOINT level{depth}" if depth else conn.begin)
        self._depth += 1
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO level{depth}" if depth else "ROLLBACK")
            if depth:
                conn.execute(f"RELEASE level{depth}")
            raise
        finally:
            self._depth = depth
        conn.execute(f"RELEASE level{depth}" if depth else "COMMIT")

    # -- runs ----------------------------------------------------------------------------------
    def run_dir(self, run_id: str) -> Path:
        runs = self.root / "runs"
        refuse_symlink(runs, WorkspaceError)
        folder = runs / check_run_id(run_id)
        refuse_symlink(folder, WorkspaceError)
        return folder

    def start_run(self, run_id: str, *, kind: str = "review") -> None:
        check_run_id(run_id)
        self.conn.execute(
            "INSERT INTO runs(run_id, started_at, status, kind) VALUES (:run_id, :now, 'running', :kind) "
            "ON CONFLICT(run_id) DO UPDATE SET status='running'",
            {"run_id": run_id, "now": utc_now(), "kind": kind},
        )

    def finish_run(self, run_id: str, manifest: dict[str, Any]) -> None:
        self.conn.execute(
            "UPDATE runs SET finished_at=:now, status='finished', manifest=:manifest WHERE run_id=:run_id",
            {"now": utc_now(), "manifest": json.dumps(manifest, sort_keys=True), "run_id": run_id},
        )

    def fail_run(self, run_id: str, message: str) -> None:
        """Mark a run failed (after its transaction rolled back); a finished run of that id stays."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO runs(run_id, started_at, finished_at, status, manifest) "
                "VALUES (:run_id, :started, :finished, 'failed', :manifest) "
                "ON CONFLICT(run_id) DO UPDATE SET status='failed', finished_at=excluded.finished_at, "
                "manifest=excluded.manifest WHERE runs.status != 'finished'",
                {
                    "run_id": run_id,
                    "started": utc_now(),
                    "finished": utc_now(),
                    "manifest": json.dumps({"error": message}),
                },
            )

    def runs(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT run_id, started_at, finished_at, status, kind FROM runs ORDER BY run_id"
        )
        return [
            dict(zip(("run_id", "started_at", "finished_at", "status", "kind"), r, strict=True)) for r in rows
        ]

    def last_finished_run(self, before: str | None = None) -> tuple[str, dict[str, Any]] | None:
        """The latest finished run (other than ``before``) and its manifest, or None."""
        rows = self.conn.execute(
            "SELECT run_id, manifest FROM runs WHERE status='finished' AND manifest IS NOT NULL "
            "ORDER BY finished_at DESC, run_id DESC"
        )
        for run_id, manifest in rows:
            if run_id != before:
                return run_id, json.loads(manifest)
        return None

    def add_payload(self, run_id: str, source: str, path: str, sha256: str) -> None:
        self.conn.execute(
            INSERT_PAYLOAD, {"run_id": run_id, "source": source, "path": path, "sha256": sha256}
        )

    # -- records -------------------------------------------------------------------------------
    def store_records(
        self, run_id: str, records: Iterable[Record], found_by: str | None = None
    ) -> StoreStats:
        """Upsert records by id; remember which run saw them, and which of its sources (``found_by``,
        as the protocol names it; by default each record's own source); keep every past version. Each
        record is encoded once, and the SQL runs per batch of records, not per record."""
        stats = StoreStats()
        batch: dict[str, Record] = {}
        for record in records:
            if record.record_id in batch or len(batch) == STORE_BATCH:  # a repeated id: stored in order
                stats = self._store_batch(run_id, list(batch.values()), stats, found_by)
                batch = {}
            batch[record.record_id] = record
        return self._store_batch(run_id, list(batch.values()), stats, found_by) if batch else stats

    def _store_batch(
        self, run_id: str, batch: list[Record], stats: StoreStats, found_by: str | None = None
    ) -> StoreStats:
        conn = self.conn
        encoded = {r.record_id: (r, *stored_form(r)) for r in batch}
        known: dict[str, str] = dict(conn.execute(KNOWN_HASHES, {"ids": list(encoded)}))
        new, changed, unchanged = [], [], []
        for record_id, (record, data, digest) in encoded.items():
            if record_id not in known:
                new.append({"record_id": record_id, "source": record.source, "native_id": record.native_id,
                            "kind": record.kind, "data": data, "content_hash": digest,
                            "first_run_id": run_id, "last_run_id": run_id})  # fmt: skip
            elif known[record_id] != digest:
                changed.append(
                    {"record_id": record_id, "data": data, "content_hash": digest, "run_id": run_id}
                )
            else:
                unchanged.append({"record_id": record_id, "run_id": run_id})
        conn.executemany(INSERT_RECORD, new)
        conn.executemany(
            "UPDATE records SET data=:data, content_hash=:content_hash, last_run_id=:run_id "
            "WHERE record_id=:record_id",
            changed,
        )
        conn.executemany("UPDATE records SET last_run_id=:run_id WHERE record_id=:record_id", unchanged)
        conn.executemany(  # every version a record has had (unchanged ones are there already)
            INSERT_VERSION,
            [{"record_id": row["record_id"], "content_hash": row["content_hash"], "data": row["data"],
              "run_id": run_id} for row in [*new, *changed]],
        )  # fmt: skip
        conn.executemany(
            INSERT_RUN_RECORD,
            [{"run_id": run_id, "record_id": r.record_id, "source": found_by or r.source} for r in batch],
        )
        return StoreStats(
            stats.new + len(new), stats.changed + len(changed), stats.unchanged + len(unchanged)
        )

    def texts(self, record_ids: Iterable[str]) -> dict[str, tuple[str, str, list[str]]]:
        """(title, abstract, keywords) of each record, read without building the records (ranking)."""
        wanted = set(record_ids)
        if self.conn.dialect == "sqlite":
            query = ("SELECT record_id, json_extract(data, '$.title'), json_extract(data, '$.abstract'), "
                     "json_extract(data, '$.keywords') FROM records")  # fmt: skip
        else:
            query = ("SELECT record_id, data::json ->> 'title', data::json ->> 'abstract', "
                     "data::json ->> 'keywords' FROM records")  # fmt: skip
        rows = self.conn.execute(query)
        return {
            r: (title or "", abstract or "", json.loads(keywords) if keywords else [])
            for r, title, abstract, keywords in rows
            if r in wanted
        }

    def records(self, record_ids: Iterable[str] | None = None) -> Iterator[Record]:
        """Every record by id, or these records in the order given (unknown ids skipped); read in
        batches, so a database server is asked once per 500 records, not once per record."""
        if record_ids is None:
            yield from self._all_records()
            return
        ids = list(record_ids)
        for start in range(0, len(ids), STORE_BATCH):
            chunk = ids[start : start + STORE_BATCH]
            found = dict(self.conn.execute(RECORDS_DATA, {"ids": chunk}).fetchall())
            for record_id in chunk:
                if record_id in found:
                    yield from_dict(json.loads(found[record_id]))

    def _all_records(self) -> Iterator[Record]:
        # A page at a time by primary key: psycopg would otherwise hold the whole result in memory
        # (1M records: gigabytes), and a server-side cursor needs a transaction block, which the
        # workspace's readers are not in. A page is ordered as ORDER BY record_id orders the table.
        after, more = None, True
        while more:
            rows = self.conn.execute(
                "SELECT record_id, data FROM records "
                + ("WHERE record_id > :after " if after is not None else "")
                + "ORDER BY record_id LIMIT :page",
                {"after": after, "page": READ_PAGE},
            ).fetchall()
            more, after = len(rows) == READ_PAGE, rows[-1][0] if rows else None
            for _, data in rows:
                yield from_dict(json.loads(data))
            del rows  # before the next page is read: one page in memory, not two

    def run_record_ids(self, run_id: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT record_id FROM run_records WHERE run_id=:run_id ORDER BY record_id",
            {"run_id": run_id},
        )
        return [r[0] for r in rows]

    def count(self, table: str) -> int:
        """The rows of one of the schema's tables."""
        if table not in schema.metadata.tables:
            raise WorkspaceError(f"{self.where}: no table {table!r} in a workspace")
        rows = self.conn.execute(select(func.count()).select_from(schema.metadata.tables[table]))
        return int(rows.fetchall()[0][0])

    # -- links ---------------------------------------------------------------------------------
    def links(self, link_type: str | None = None, *, include_undone: bool = False) -> list[Link]:
        query = "SELECT record_id, linked_to, link_type, rule, score FROM links"
        clauses = []
        if link_type:
            clauses.append("link_type=:link_type")
        if not include_undone:
            clauses.append("undone_at IS NULL")
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        query += " ORDER BY record_id, linked_to"
        return [Link(*row) for row in self.conn.execute(query, {"link_type": link_type})]

    def replace_links(self, run_id: str, link_type: str, links: Iterable[Link]) -> tuple[int, int]:
        """Make ``links`` the active links of ``link_type``: links no longer made are stamped undone
        (kept, with the time), new ones stored, and one made again after being undone is active again.
        Links already active are left as they are. Returns (added, undone)."""
        wanted = {(link.record_id, link.linked_to): link for link in links}
        active = {(link.record_id, link.linked_to) for link in self.links(link_type)}
        gone = active - wanted.keys()
        now = utc_now()
        self.conn.executemany(
            "UPDATE links SET undone_at=:now WHERE record_id=:record_id AND linked_to=:linked_to "
            "AND link_type=:link_type",
            [{"now": now, "record_id": a, "linked_to": b, "link_type": link_type} for a, b in sorted(gone)],
        )
        new = sorted(wanted.keys() - active)
        undone = {(a, b) for a, b, _ in self.conn.execute(  # made again after being undone: active again
            "SELECT record_id, linked_to, undone_at FROM links WHERE link_type=:link_type AND undone_at IS NOT NULL",
            {"link_type": link_type},
        )} & set(new)  # fmt: skip
        revived = [wanted[k] for k in new if k in undone]
        fresh = [wanted[k] for k in new if k not in undone]
        self.conn.executemany(
            "UPDATE links SET undone_at=NULL, rule=:rule, score=:score, run_id=:run_id "
            "WHERE record_id=:record_id AND linked_to=:linked_to AND link_type=:link_type",
            [_link_row(x, link_type, run_id) for x in revived],
        )
        self.conn.executemany(
            INSERT_LINK,
            [{**_link_row(x, link_type, run_id), "created_at": now, "undone_at": None} for x in fresh],
        )
        return len(new), len(gone)

    # -- human verdicts on pairs of records ------------------------------------------------------
    def decide_pair(
        self, record_a: str, record_b: str, verdict: str, reviewer: str, reason: str = ""
    ) -> None:
        """Log a reviewer's verdict that two records are the same item or distinct ones; the latest
        verdict on a pair counts, and every earlier one stays in the log."""
        if verdict not in PAIR_VERDICTS:
            raise WorkspaceError(f"unknown verdict {verdict!r} (choose {', '.join(PAIR_VERDICTS)})")
        a, b = sorted((record_a, record_b))
        self.conn.execute(
            insert_row(schema.pair_decisions),
            {"record_a": a, "record_b": b, "verdict": verdict, "reviewer": reviewer, "reason": reason,
             "decided_at": utc_now()},
        )  # fmt: skip

    def pair_verdicts(self) -> dict[tuple[str, str], str]:
        """The verdict that counts for each decided pair (sorted ids), the latest one."""
        rows = self.conn.execute("SELECT record_a, record_b, verdict FROM pair_decisions ORDER BY rowid")
        return {(a, b): verdict for a, b, verdict in rows}

    def pair_decision_log(self) -> list[dict[str, str]]:
        cur = self.conn.execute(
            "SELECT record_a, record_b, verdict, reviewer, reason, decided_at FROM pair_decisions ORDER BY rowid"
        )
        names = cur.columns()
        return [dict(zip(names, row, strict=True)) for row in cur]

    # -- screening decisions ---------------------------------------------------------------------
    def replace_auto_decisions(
        self, run_id: str, decisions: Iterable[Decision], record_ids: Iterable[str]
    ) -> int:
        """Remake the automatic decisions of ``record_ids``; human rows are never touched here."""
        ids = list(record_ids)
        if self.conn.dialect == "postgresql":
            # an array of ids per statement: a statement per id cost the server a round each (100,000
            # records: 1.4 s against 0.1 s); SQLite runs its statements in process, where that is cheap
            for start in range(0, len(ids), ARRAY_BATCH):
                self.conn.execute(
                    "DELETE FROM decisions WHERE origin='auto' AND record_id = ANY(:ids)",
                    {"ids": ids[start : start + ARRAY_BATCH]},
                )
        else:
            self.conn.executemany(
                "DELETE FROM decisions WHERE origin='auto' AND record_id=:record_id",
                [{"record_id": r} for r in ids],
            )
        now = utc_now()
        rows = [_decision_row(d, "auto", "", now, run_id) for d in decisions]
        self.conn.insert_rows(schema.decisions, rows)
        return len(rows)

    def add_human_decisions(self, batch: str, decisions: Iterable[Decision]) -> int:
        """Store reviewers' decisions (a later one by the same reviewer replaces theirs; all kept in
        history). ``rule_id`` is set on a reviewer's bulk confirmation of a rule's suggestions."""
        now, count = utc_now(), 0
        for d in decisions:
            when = d.decided_at or now
            row = _decision_row(d, "human", d.reviewer, when, batch)
            self.conn.execute(UPSERT_HUMAN_DECISION, row)
            self.conn.execute(INSERT_HISTORY, row)
            count += 1
        return count

    def decisions(self) -> list[Decision]:
        rows = self.conn.execute(
            "SELECT record_id, stage, decision, reason, reviewer, origin, rule_id, decided_at FROM decisions "
            "ORDER BY record_id, stage, origin, reviewer"
        )
        return [Decision(*row) for row in rows]

    def withdraw_decision(self, record_id: str, stage: str, reviewer: str, batch: str) -> Decision | None:
        """Take back a reviewer's decision (an undo): it stops counting, and the history keeps both
        the decision and its withdrawal."""
        which = {"record_id": record_id, "stage": stage, "reviewer": reviewer}
        row = self.conn.execute(
            "SELECT record_id, stage, decision, reason, reviewer, origin, rule_id, decided_at FROM decisions "
            "WHERE record_id=:record_id AND stage=:stage AND origin='human' AND reviewer=:reviewer",
            which,
        ).fetchone()
        if row is None:
            return None
        self.conn.execute(
            "DELETE FROM decisions WHERE record_id=:record_id AND stage=:stage AND origin='human' "
            "AND reviewer=:reviewer",
            which,
        )
        self.conn.execute(
            INSERT_HISTORY,
            {**which, "decision": "withdrawn", "reason": f"withdrew {row[2]}", "decided_at": utc_now(),
             "batch": batch},
        )  # fmt: skip
        return Decision(*row)

    def decision_history(self, record_id: str) -> list[dict[str, str]]:
        cur = self.conn.execute(
            "SELECT stage, reviewer, decision, reason, decided_at, batch FROM decision_history "
            "WHERE record_id=:record_id ORDER BY rowid",
            {"record_id": record_id},
        )
        names = cur.columns()
        return [dict(zip(names, row, strict=True)) for row in cur]

    def reviewer_decisions(self, reviewer: str, stage: str) -> list[Decision]:
        """One reviewer's own decisions at one stage, oldest first (what blind screening may show them)."""
        rows = self.conn.execute(
            "SELECT record_id, stage, decision, reason, reviewer, origin, rule_id, decided_at FROM decisions "
            "WHERE origin='human' AND reviewer=:reviewer AND stage=:stage ORDER BY decided_at, record_id",
            {"reviewer": reviewer, "stage": stage},
        )
        return [Decision(*row) for row in rows]

    def change_marks(self) -> tuple[tuple[int, ...], int]:
        """(what records and links depend on: finished runs and duplicate verdicts, the last row of
        the decision history): cheap to read, so a long-running reader can tell what changed."""
        runs, verdicts, history = self.conn.execute(
            "SELECT (SELECT count(*) FROM runs WHERE status = 'finished'), "
            "(SELECT coalesce(max(rowid), 0) FROM pair_decisions), "
            "(SELECT coalesce(max(rowid), 0) FROM decision_history)"
        ).fetchall()[0]
        return (int(runs), int(verdicts)), int(history)

    def history_since(self, after: int, upto: int) -> list[tuple[str, str, str, str]]:
        """(record, stage, reviewer, decision) of the history rows after ``after`` up to ``upto``."""
        rows = self.conn.execute(
            "SELECT record_id, stage, reviewer, decision FROM decision_history "
            "WHERE rowid > :after AND rowid <= :upto ORDER BY rowid",
            {"after": after, "upto": upto},
        )
        return [(a, b, c, d) for a, b, c, d in rows]

    # -- reviewers' accounts and notes ----------------------------------------------------------
    def put_user(self, name: str, role: str, password_hash: str) -> bool:
        """Add an account or replace its role and password; True when it is new."""
        new = self.user(name) is None
        # a new password or role ends the account's sessions (its session version moves on)
        self.conn.execute(
            "INSERT INTO users (name, role, password_hash, created_at) "
            "VALUES (:name, :role, :password_hash, :created_at) ON CONFLICT(name) "
            "DO UPDATE SET role=excluded.role, password_hash=excluded.password_hash, "
            "session_version=users.session_version + 1",
            {"name": name, "role": role, "password_hash": password_hash, "created_at": utc_now()},
        )
        return new

    def remove_user(self, name: str) -> bool:
        """Remove an account (its decisions and notes stay, under its name); True when it existed."""
        return self.conn.execute("DELETE FROM users WHERE name=:name", {"name": name}).rowcount > 0

    def end_sessions(self, name: str) -> None:
        """Every session of this account ends now (signed-in requests carry the version they began at)."""
        self.conn.execute(
            "UPDATE users SET session_version = session_version + 1 WHERE name=:name", {"name": name}
        )

    def session(self, name: str) -> tuple[str, int] | None:
        """(role, session version) of an account, or None: what each signed-in request checks."""
        row = self.conn.execute(
            "SELECT role, session_version FROM users WHERE name=:name", {"name": name}
        ).fetchone()
        return (row[0], int(row[1])) if row else None

    def user(self, name: str) -> tuple[str, str] | None:
        """(role, password hash) of an account, or None."""
        row = self.conn.execute(
            "SELECT role, password_hash FROM users WHERE name=:name", {"name": name}
        ).fetchone()
        return (row[0], row[1]) if row else None

    def users(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT name, role FROM users ORDER BY name"))

    def add_note(self, record_id: str, reviewer: str, note: str) -> None:
        self.conn.execute(
            insert_row(schema.notes),
            {"record_id": record_id, "reviewer": reviewer, "note": note, "written_at": utc_now()},
        )

    def notes(self, record_id: str, reviewer: str) -> list[tuple[str, str]]:
        """A reviewer's own notes on a record (written_at, note): private, like their decisions."""
        rows = self.conn.execute(
            "SELECT written_at, note FROM notes WHERE record_id=:record_id AND reviewer=:reviewer ORDER BY rowid",
            {"record_id": record_id, "reviewer": reviewer},
        )
        return [(a, b) for a, b in rows]

    def notes_on(self, record_ids: Iterable[str]) -> list[tuple[str, str, str, str]]:
        """Every reviewer's notes on these records (record_id, reviewer, written_at, note): for a
        lead only (the workbench shows a reviewer their own, :meth:`notes`)."""
        ids = sorted(set(record_ids))
        out: list[tuple[str, str, str, str]] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.conn.execute(NOTES_ON, {"ids": chunk})
            out += [(a, b, c, d) for a, b, c, d in rows]
        return out

    # -- full texts ------------------------------------------------------------------------------
    def add_fulltext(self, ft: FullText, data: bytes) -> bool:
        """Attach a checked PDF as the record's current full text (inside the caller's transaction);
        the file it replaces stays, stamped ``replaced_at``. False: that very file is already current."""
        current = self.fulltext(ft.record_id)
        if current is not None and current.sha256 == ft.sha256:
            return False
        self.conn.execute(
            "UPDATE fulltexts SET replaced_at = :now WHERE record_id = :record_id AND replaced_at IS NULL",
            {"now": ft.added_at, "record_id": ft.record_id},
        )
        row = {name: getattr(ft, name) for name in FullText.__slots__}
        self.conn.execute(INSERT_FULLTEXT, {**row, "replaced_at": None, "data": data})
        return True

    def fulltext(self, record_id: str) -> FullText | None:
        """The record's current full text (without its bytes), or None."""
        row = self.conn.execute(
            f"SELECT {FULLTEXT_COLUMNS} FROM fulltexts WHERE record_id = :record_id AND replaced_at IS NULL",
            {"record_id": record_id},
        ).fetchone()
        return FullText(*row) if row else None

    def fulltext_data(self, record_id: str) -> tuple[FullText, bytes] | None:
        """The record's current full text and its bytes, or None."""
        row = self.conn.execute(
            f"SELECT {FULLTEXT_COLUMNS}, data FROM fulltexts WHERE record_id = :record_id AND replaced_at IS NULL",
            {"record_id": record_id},
        ).fetchone()
        return (FullText(*row[:-1]), bytes(row[-1])) if row else None

    def fulltexts(self, *, replaced: bool = False) -> list[FullText]:
        """Every current full text by record (``replaced``: the replaced ones too, in the order added)."""
        where = "" if replaced else " WHERE replaced_at IS NULL"
        rows = self.conn.execute(f"SELECT {FULLTEXT_COLUMNS} FROM fulltexts{where} ORDER BY record_id, rowid")
        return [FullText(*row) for row in rows]

    def identified(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Every record each source has yielded over all finished runs, and each source's PRISMA
        column (from the runs' manifests): what a live PRISMA diagram counts."""
        found: dict[str, set[str]] = {}
        rows = self.conn.execute(
            "SELECT rr.source, rr.record_id FROM run_records rr JOIN runs r ON r.run_id = rr.run_id "
            "WHERE r.status = 'finished'"
        )
        for source, record_id in rows:
            found.setdefault(source, set()).add(record_id)
        groups: dict[str, str] = {}
        manifests = self.conn.execute(
            "SELECT manifest FROM runs WHERE status='finished' AND manifest IS NOT NULL ORDER BY finished_at"
        )
        for (manifest,) in manifests:
            for name, evidence in (json.loads(manifest).get("sources") or {}).items():
                if isinstance(evidence, dict) and evidence.get("group"):
                    groups[name] = evidence["group"]
        return {source: sorted(ids) for source, ids in found.items()}, groups

    def decisions_on(self, record_ids: Sequence[str]) -> list[Decision]:
        """Every decision on these records (automatic and human, all stages)."""
        out: list[Decision] = []
        for start in range(0, len(record_ids), 500):
            chunk = list(record_ids[start : start + 500])
            rows = self.conn.execute(DECISIONS_ON, {"ids": chunk})
            out.extend(Decision(*row) for row in rows)
        return out

    def record_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT record_id FROM records")}

    # -- human extraction ------------------------------------------------------------------------
    def add_extraction_values(self, rows: Iterable[dict[str, str]]) -> int:
        """Store saves of extraction cells (``record_id, column_name, extractor, value, origin``),
        stamped now; nothing earlier is replaced: the latest per cell and extractor counts."""
        when = utc_now()
        batch = [{**{k: str(r[k]) for k in EXTRACTION_COLUMNS[:-1]}, "saved_at": when} for r in rows]
        if batch:
            self.conn.executemany(INSERT_EXTRACTION, batch)
        return len(batch)

    def extraction_values(self, record_ids: Iterable[str] | None = None) -> list[dict[str, str]]:
        """Every save of an extraction cell (of these records), in the order they were made."""
        if record_ids is None:
            rows = self.conn.execute(
                f"SELECT {', '.join(EXTRACTION_COLUMNS)} FROM extraction_values ORDER BY rowid"
            ).fetchall()
        else:
            ids, rows = sorted(set(record_ids)), []
            for start in range(0, len(ids), 500):
                rows += self.conn.execute(EXTRACTION_ON, {"ids": ids[start : start + 500]}).fetchall()
        return [dict(zip(EXTRACTION_COLUMNS, row, strict=True)) for row in rows]
