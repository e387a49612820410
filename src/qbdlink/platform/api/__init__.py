"""The public HTTP API, following Codat's wire format so that Codat's SDKs work against it."""
