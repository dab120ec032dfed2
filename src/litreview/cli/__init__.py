"""The ``litreview`` command line: each command parses its arguments and calls one function.

Errors raised as :class:`~litreview.errors.LitreviewError` print one readable line and exit 2;
``--debug`` shows the traceback instead. One module per command group registers its commands on
the one ``app``, imported when one of its commands is looked up (see ``app.COMMAND_MODULES``).
"""

from __future__ import annotations

import sys

import typer

from litreview.cli.app import app, offline_prefect, state
from litreview.errors import LitreviewError


def main() -> None:
    """Console entry point: map LitreviewError to one line and exit code 2."""
    offline_prefect()
    try:
        code = app(standalone_mode=False)  # click returns typer.Exit's code in this mode
        if isinstance(code, int) and code:
            sys.exit(code)
    except LitreviewError as exc:
        if state["debug"]:
            raise
        from litreview.store.database import redact

        # Plain print: rich would wrap a long path over several lines. No URL shows its password.
        print(f"error: {redact(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except _edge_errors() as exc:
        # The edges a command cannot foresee (a disk that fills, a file made read-only, a page that
        # breaks mid-run): one line, and the open transaction has been rolled back.
        if state["debug"]:
            raise
        import sqlite3

        database = not isinstance(exc, OSError)
        dbapi = database and not isinstance(exc, sqlite3.DatabaseError)  # SQLAlchemy's, around the driver's
        where = "workspace database" if database else getattr(exc, "filename", None)
        what = str(exc.orig) if dbapi else getattr(exc, "strerror", None) or str(exc)
        from litreview.store.database import redact

        print(redact(f"error: {where + ': ' if where else ''}{what}"), file=sys.stderr)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        print("aborted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # usage errors (typer vendors its own click: catch either)
        import click
        from typer.exceptions import TyperException

        if isinstance(exc, (click.ClickException, TyperException)) and hasattr(exc, "show"):
            exc.show()
            sys.exit(2)
        raise


def _edge_errors() -> tuple[type[BaseException], ...]:
    """The database and file errors main() reports in one line. SQLAlchemy's is named only once a
    command has imported SQLAlchemy (none other can raise it): importing it costs every command,
    ``dedup`` on a small export among them, a fifth of its time. sqlite3 too is imported only here."""
    import sqlite3

    loaded = sys.modules.get("sqlalchemy.exc")
    return (sqlite3.DatabaseError, OSError) + ((loaded.DBAPIError,) if loaded else ())


if __name__ == "__main__":
    main()
