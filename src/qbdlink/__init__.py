"""qbdlink: link a QuickBooks Desktop company file to a cloud platform."""

__version__ = "0.1.0"
