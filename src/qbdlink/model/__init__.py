"""The common data model: Codat-shaped records and the connector<->platform wire types.

Imports nothing from the project but ``qbdlink.errors`` (see ARCHITECTURE.md). Empty until the
issues that bring the connector and the platform.
"""
