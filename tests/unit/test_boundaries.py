"""Importing the library (anything but pipeline.tasks) must not import Prefect."""

import subprocess
import sys

MODULES = [
    "litreview",
    "litreview.cli",
    "litreview.config",
    "litreview.records",
    "litreview.workspace",
    "litreview.pipeline.steps",
    "litreview.sources.pubmed",
    "litreview.sources.ctgov",
    "litreview.sources.ris",
    "litreview.dedup.representative",
    "litreview.dedup.fuzzy",
    "litreview.report.prisma",
    "litreview.importers",
]


def test_library_does_not_import_prefect():
    code = "import sys\n" + "".join(f"import {m}\n" for m in MODULES) + "print('prefect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
