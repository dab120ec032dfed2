"""Importing the library (anything but pipeline.tasks) must not import Prefect; every module keeps
to its layer (pyproject.toml [tool.importlinter])."""

import subprocess
import sys


def library_modules() -> list[str]:
    """Every module of the package but the one that is Prefect's by design (and Alembic's env.py,
    a script Alembic runs inside a migration, not a module to import)."""
    import pkgutil

    import litreview

    names = [m.name for m in pkgutil.walk_packages(litreview.__path__, "litreview.")]
    return [
        "litreview",
        *sorted(
            n
            for n in names
            if n not in ("litreview.pipeline.tasks", "litreview.store.migrations.env")
            and not n.endswith("__main__")
        ),
    ]


def test_library_does_not_import_prefect():
    modules = library_modules()
    assert len(modules) > 50 and "litreview.api" in modules
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('prefect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_module_keeps_to_its_layer():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    lint = Path(sys.executable).parent / "lint-imports"
    out = subprocess.run([str(lint)], capture_output=True, text=True, cwd=root)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "6 kept, 0 broken" in out.stdout  # layers, four frameworks in their faces, no cycles


def test_every_imported_distribution_is_declared():
    """A package that src/ or flows/ imports but that only arrives through another one breaks the install
    when that one drops it; deptry ([tool.deptry]) reads the imports and pyproject's dependencies."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    deptry = Path(sys.executable).parent / "deptry"
    out = subprocess.run([str(deptry), "src", "flows"], capture_output=True, text=True, cwd=root)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
