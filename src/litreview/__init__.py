"""litreview: a systematic review's search method, made executable.

``litreview.Workspace(path)`` reads a review's workspace as pandas DataFrames (see ``litreview.api``).
"""

from litreview.version import __version__

__all__ = ["Workspace", "__version__"]


def __getattr__(name: str):
    # pandas loads only when a notebook asks for it, never on a CLI start
    if name == "Workspace":
        from litreview.api import Workspace

        return Workspace
    raise AttributeError(f"module 'litreview' has no attribute {name!r}")
