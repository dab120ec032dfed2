"""Deployment entry point for the full review flow (see prefect.yaml).

The flow itself lives in ``litreview.pipeline.tasks`` so that an installed package (and its
``litreview run`` command) can import it; this file stays a thin, path-addressable entry point.
"""

from litreview.pipeline.tasks import review_flow

if __name__ == "__main__":
    review_flow()
