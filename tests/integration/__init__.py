"""Integration tests: local servers and processes (127.0.0.1 only), bounded waits."""
