"""Move a review between workspace backends (a SQLite folder and a PostgreSQL database) losslessly:
every table row by row, in the order it was written, then each table's row count and content hash
compared on both sides; a copy that does not match is reported as a failure, never as done."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from litreview.errors import WorkspaceError
from litreview.files import refuse_symlink
from litreview.store.database import insert_row, is_database_url, shown_location
from litreview.store.schema import ORDERED_TABLES, TABLES, table_columns
from litreview.store.workspace import Workspace

BATCH = 1000
BATCH_BYTES = 64 * 1024 * 1024  # bytes of full texts (PDFs of up to 100 MB each) held at once
__all__ = ["copy_workspace", "table_columns", "table_digest"]


def _rows(workspace: Workspace, table: str, columns: list[str]):
    order = "rowid" if table in ORDERED_TABLES else ", ".join(columns)
    return workspace.conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")


def table_digest(workspace: Workspace, table: str, columns: list[str]) -> tuple[int, str]:
    """(rows, sha256 of every row in order): equal on both sides of a lossless copy."""
    digest, count = hashlib.sha256(), 0
    for row in _rows(workspace, table, columns):
        digest.update(json.dumps([_plain(v) for v in row], ensure_ascii=False).encode("utf-8"))
        count += 1
    return count, digest.hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):  # a full text's PDF: its checksum stands for it
        return {"sha256": hashlib.sha256(value).hexdigest()}
    return repr(value) if isinstance(value, float) else value


def copy_workspace(source: str | Path, target: str | Path) -> dict[str, dict[str, Any]]:
    """Copy the workspace at ``source`` into an empty workspace at ``target`` (folders or
    postgresql:// URLs) in one transaction; returns per table the rows and whether hashes match."""
    columns = table_columns()
    if not is_database_url(target):  # a new folder is made there: never through a symlink
        refuse_symlink(Path(target), WorkspaceError)
    with Workspace.reading(source) as src, Workspace.existing_or_new(target, src.review_id) as dst:
        dst.lock()
        taken = [t for t in columns if t != "meta" and dst.count(t)]
        if taken:
            raise WorkspaceError(f"{dst.where}: not empty ({', '.join(taken)}); copy into a new workspace")
        with dst.transaction():
            for table in TABLES:
                names = columns[table.name]
                conflict = (
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value" if table.name == "meta" else ""
                )
                sql = insert_row(table, conflict)
                batch: list[dict[str, Any]] = []
                held = 0  # bytes of BLOBs in the batch
                for row in _rows(src, table.name, names):
                    size = sum(len(v) for v in row if isinstance(v, bytes | memoryview))
                    if batch and (len(batch) == BATCH or held + size > BATCH_BYTES):
                        dst.conn.executemany(sql, batch)
                        batch, held = [], 0
                    batch.append(dict(zip(names, row, strict=True)))
                    held += size
                dst.conn.executemany(sql, batch)
        report = {}
        for name, names in columns.items():
            mine, theirs = table_digest(src, name, names), table_digest(dst, name, names)
            report[name] = {"rows": mine[0], "copied": theirs[0], "equal": mine == theirs}
    bad = [t for t, r in report.items() if not r["equal"]]
    if bad:
        raise WorkspaceError(
            f"copy to {shown_location(target)}: tables differ after copying ({', '.join(bad)}); do not use the copy"
        )
    return report
