"""Builds the one compiled part, the MedlineCitation walk of the PubMed XML importer
(src/litreview/sources/_medline_walk.pyx), against lxml's C API. It is optional: without a C
compiler the install still succeeds and the importer uses the same walk in Python.
Everything else about the package is declared in pyproject.toml."""

import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = cythonize(
    [
        Extension(
            "litreview.sources._medline_walk",
            ["src/litreview/sources/_medline_walk.pyx"],
            include_dirs=lxml.get_include(),
        )
    ],
    language_level=3,
)
for extension in extensions:
    extension.optional = True  # a failed compile is a warning (cythonize drops this flag if passed in)

setup(ext_modules=extensions)
