"""Deployment entry point for the living-review update flow (see prefect.yaml)."""

from litreview.pipeline.tasks import update_flow

__all__ = ["update_flow"]

if __name__ == "__main__":
    update_flow()
