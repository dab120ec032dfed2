"""``python -m litreview``: the command line, as the ``litreview`` script runs it."""

from litreview.cli import main

main()
