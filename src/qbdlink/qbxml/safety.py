"""The one way qbdlink's qbXML layer parses XML: no DTD, no entities, no network.

qbXML never has a DOCTYPE, so one is refused outright rather than parsed carefully; the
entities it could declare (billion laughs, XXE) are never resolved; nothing is fetched;
and libxml2's default limits stay on (``huge_tree`` off), so absurd nesting depth and
oversized text nodes fail fast instead of eating memory.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

__all__ = ["PARSER_OPTIONS", "hardened_parser", "has_doctype"]

PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
    "dtd_validation": False,
}


def hardened_parser(**extra: Any) -> etree.XMLParser:
    """A new parser (lxml parsers must not be shared between threads)."""
    parser: etree.XMLParser = etree.XMLParser(**PARSER_OPTIONS, **extra)
    return parser


def has_doctype(docinfo: Any) -> bool:
    """Whether a parsed document declared a DOCTYPE (with or without an internal subset)."""
    return bool(docinfo.doctype) or docinfo.internalDTD is not None
