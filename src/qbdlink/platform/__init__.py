"""The cloud platform: public Codat-compatible API, connector API, Link flow and portal, jobs,
storage.

May import ``qbdlink.model`` and ``qbdlink.errors`` only (see ARCHITECTURE.md). Empty until the
platform issue.
"""
