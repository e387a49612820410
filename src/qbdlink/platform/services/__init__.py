"""The platform's use cases: rules about companies, connections, pulls, pushes and webhooks.

No HTTP and no SQL in here: services speak to storage through its repository functions and
raise ``qbdlink.errors`` types that the HTTP layers translate.
"""
