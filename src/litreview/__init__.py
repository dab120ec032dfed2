"""litreview: a systematic review's search method, made executable."""

__version__ = "0.1.0"
