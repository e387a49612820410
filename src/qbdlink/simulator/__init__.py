"""The QuickBooks Desktop simulator: stands where QuickBooks stands, on Linux, for development
and tests (company file store, one handler per entity, sessions, authorisation, faults).

May import only ``qbdlink.qbxml`` and ``qbdlink.errors``; never the connector it is there to test
(see ARCHITECTURE.md). Empty until the simulator issue.
"""
