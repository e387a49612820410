"""Read Intuit's annotated ``qbxmlops*.xml`` sample messages into per-path rules.

Each element there is followed, on its own line, by a comment such as
``opt, max length = 209 for QBD|QBCA|QBUK|QBAU, max length = 1000 for QBOE, v3.0`` or
``not in QBCA|QBUK``. We keep what matters for the desktop editions we support
(QBD = US, QBCA = CA, QBUK = UK): the maximum length per edition, the editions that lack
the element, and the qbXML version that introduced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

EDITIONS = {"QBD": "US", "QBCA": "CA", "QBUK": "UK"}
_MAX_LENGTH = re.compile(r"max length = (\d+)(?: for ([A-Z|]+))?")
_NOT_IN = re.compile(r"not in ([A-Z|]+)")
_VERSION = re.compile(r"^v(\d+)\.(\d+)$")


@dataclass
class OpsRule:
    since: tuple[int, int] | None = None
    not_in: set[str] = field(default_factory=set)
    max_length: dict[str, int] = field(default_factory=dict)


def parse_annotation(text: str) -> OpsRule:
    rule = OpsRule()
    for part in (piece.strip() for piece in text.split(",")):
        if match := _MAX_LENGTH.fullmatch(part):
            length = int(match.group(1))
            products = match.group(2).split("|") if match.group(2) else list(EDITIONS)
            for product in products:
                if product in EDITIONS:
                    rule.max_length[EDITIONS[product]] = length
        elif match := _NOT_IN.fullmatch(part):
            rule.not_in.update(EDITIONS[p] for p in match.group(1).split("|") if p in EDITIONS)
        elif match := _VERSION.fullmatch(part):
            rule.since = (int(match.group(1)), int(match.group(2)))
    return rule


def _same_line_comment(element: etree._Element) -> str | None:
    line = element.sourceline
    candidates = [element.getnext()]
    if len(element):
        candidates.insert(0, element[0])
    for node in candidates:
        if node is not None and node.tag is etree.Comment and node.sourceline == line:
            return str(node.text or "")
    return None


def read_ops(path: Path) -> dict[str, OpsRule]:
    """``{"InvoiceAddRq/InvoiceAdd/CustomerRef/FullName": OpsRule, ...}``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.parse(str(path), parser).getroot()
    rules: dict[str, OpsRule] = {}
    for messages in root:
        if not isinstance(messages.tag, str) or not messages.tag.startswith("QBXMLMsgs"):
            continue
        for message in messages:
            if isinstance(message.tag, str):
                _collect(message, message.tag, rules)
    return rules


def _collect(element: etree._Element, path: str, rules: dict[str, OpsRule]) -> None:
    comment = _same_line_comment(element)
    if comment is not None:
        rule = parse_annotation(comment)
        existing = rules.get(path)
        if existing is None:
            rules[path] = rule
        else:  # the same path under another OR branch: keep the strictest reading
            existing.not_in |= rule.not_in
            existing.max_length.update(rule.max_length)
            existing.since = existing.since or rule.since
    for child in element:
        if isinstance(child.tag, str):
            _collect(child, f"{path}/{child.tag}", rules)
