"""The HTTP API that connectors call: link, heartbeat, work, pull uploads and results."""
