"""The review pipeline: library steps (``steps``) and their Prefect tasks and flows (``tasks``)."""
