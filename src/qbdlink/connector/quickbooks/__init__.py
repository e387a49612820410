"""Reaching QuickBooks: two transports behind one interface, and the session on top of them.

``com.py`` talks to QuickBooks' request processor (QBXMLRP2) through COM on Windows;
``simulator.py`` talks to the QuickBooks Desktop simulator over its loopback socket. Both
raise :mod:`qbdlink.qbxml.hresult` errors, so everything above them is the same.
"""
