"""The sync engine: pulls page by page with checkpoints, an upload outbox, and bookmarks."""
