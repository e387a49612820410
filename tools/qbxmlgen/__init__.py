"""Generate qbdlink's qbXML message classes from Intuit's XSDs and qbxmlops annotations.

Run ``python -m tools.qbxmlgen`` from the project root. The output under
``src/qbdlink/qbxml/messages/`` is committed; a test regenerates it into a temporary
folder and fails when the committed copy is stale.
"""
