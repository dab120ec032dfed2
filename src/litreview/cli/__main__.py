"""``python -m litreview.cli``."""

from litreview.cli import main

main()
