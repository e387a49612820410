"""The on-premise connector (agent): talks qbXML to QuickBooks, syncs and pushes to the platform.

May import ``qbdlink.qbxml``, ``qbdlink.model`` and ``qbdlink.errors``; never the simulator
(see ARCHITECTURE.md). Empty until the connector issue.
"""
