"""Sources: build requests (pure), move bytes (transport), parse payloads into records (pure)."""
