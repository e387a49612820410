"""Every request type the package can build validates against Intuit's 13.0 and 16.0 XSDs.

For each request tag in ``messages.REQUESTS``, a rich instance (every field the target allows,
lines and line groups, one branch per choice, rotated by ``branch``) is encoded, validated
against the schema of the target's version, decoded again and compared with what was built.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qbdlink.qbxml import (
    Edition,
    EncodeTarget,
    QbxmlObject,
    QbxmlVersion,
    decode_request_set,
    encode_request_set,
    messages,
)
from qbdlink.qbxml.errors import UnsupportedElementError
from qbdlink.qbxml.messages._paths import PATH_RULES
from qbdlink.qbxml.xsd import QbxmlSchema, load_schema
from tests.support.qbxml_builders import choice_branch_count, path_allowed, rich_instance

MAX_BRANCHES = 4
TARGETS = [
    ("13.0", Edition.US),
    ("16.0", Edition.US),
    ("16.0", Edition.CA),
    ("16.0", Edition.UK),
]


def _cases() -> list[object]:
    cases: list[object] = []
    for tag in sorted(messages.REQUESTS):
        cls = messages.REQUESTS[tag]
        branches = min(MAX_BRANCHES, choice_branch_count(cls))
        for version, edition in TARGETS:
            for branch in range(branches):
                cases.append(
                    pytest.param(
                        tag,
                        version,
                        edition,
                        branch,
                        id=f"{tag}-{version}-{edition.value}-b{branch}",
                    )
                )
    return cases


@pytest.fixture(scope="session")
def schemas(xsd_dir: Path) -> dict[str, QbxmlSchema]:
    return {version: load_schema(xsd_dir, version) for version in ("13.0", "16.0")}


def _report(xml: str, problems: list[object]) -> str:
    listed = "\n".join(f"  {problem}" for problem in problems)
    return f"XSD problems:\n{listed}\n--- document ---\n{xml}"


@pytest.mark.parametrize(("tag", "version", "edition", "branch"), _cases())
def test_rich_request_validates_and_round_trips(
    schemas: dict[str, QbxmlSchema], tag: str, version: str, edition: Edition, branch: int
) -> None:
    cls = messages.REQUESTS[tag]
    target = EncodeTarget(version=QbxmlVersion.parse(version), edition=edition)
    if not path_allowed(tag, target):
        # The request itself is newer than the target (none is, as generated today): the encoder
        # must refuse it rather than send what QuickBooks cannot parse.
        newest = EncodeTarget(version=QbxmlVersion.parse("16.0"), edition=edition)
        request = rich_instance(cls, target=newest, path=tag, branch=branch)
        with pytest.raises(UnsupportedElementError):
            encode_request_set([request], target=target)
        pytest.skip(f"{tag} does not exist in qbXML {version} ({PATH_RULES[tag]})")

    request = rich_instance(cls, target=target, path=tag, branch=branch)
    xml = encode_request_set([request], target=target)

    problems = schemas[version].validate(xml.encode())
    assert not problems, _report(xml, list(problems))

    decoded = decode_request_set(xml)
    assert decoded.version == target.version
    assert decoded.on_error == "stopOnError"
    assert len(decoded.requests) == 1
    assert decoded.requests[0] == request, xml


def test_every_request_is_covered() -> None:
    """The parametrization follows the registry (a request type added later is tested too)."""
    tags = {case.values[0] for case in _cases()}  # type: ignore[attr-defined]
    assert tags == set(messages.REQUESTS)
    assert len(tags) > 100


def _filled(obj: QbxmlObject) -> int:
    count = 0
    for field in obj._spec.fields:
        value = getattr(obj, field.attr)
        if value is None or value == ():
            continue
        items = value if field.repeated else (value,)
        for item in items:
            count += 1 + (_filled(item) if isinstance(item, QbxmlObject) else 0)
    return count


@pytest.mark.parametrize(
    ("tag", "line_attr", "line_tags"),
    [
        ("InvoiceAddRq", "invoice_line_add", {"InvoiceLineAdd", "InvoiceLineGroupAdd"}),
        ("InvoiceModRq", "invoice_line_mod", {"InvoiceLineMod", "InvoiceLineGroupMod"}),
        ("BillAddRq", "item_line_add", {"ItemLineAdd", "ItemGroupLineAdd"}),
        ("JournalEntryAddRq", "journal_debit_line", {"JournalDebitLine", "JournalCreditLine"}),
    ],
)
def test_rich_instances_carry_lines_and_line_groups(
    tag: str, line_attr: str, line_tags: set[str]
) -> None:
    """The builder itself: the rich instance really is rich (a check that it fills things)."""
    target = EncodeTarget(version=QbxmlVersion.parse("16.0"), edition=Edition.US)
    request = rich_instance(messages.REQUESTS[tag], target=target, path=tag)
    main = next(
        getattr(request, field.attr)
        for field in request._spec.fields
        if field.required and field.classes
    )
    lines = getattr(main, line_attr)
    assert {type(line).__name__ for line in lines} == line_tags
    assert _filled(request) > 30
    xml = encode_request_set([request], target=target)
    for line_tag in line_tags:
        assert f"<{line_tag}>" in xml or f"<{line_tag} " in xml


@pytest.mark.parametrize("tag", ["InvoiceModRq", "CustomerModRq", "ItemServiceModRq"])
def test_mod_requests_carry_id_and_edit_sequence(tag: str) -> None:
    target = EncodeTarget(version=QbxmlVersion.parse("16.0"), edition=Edition.US)
    xml = encode_request_set([rich_instance(messages.REQUESTS[tag], target=target)], target=target)
    assert "<EditSequence>" in xml
    assert "<ListID>" in xml or "<TxnID>" in xml


def test_queries_with_iterators_start_them() -> None:
    target = EncodeTarget(version=QbxmlVersion.parse("16.0"), edition=Edition.US)
    request = rich_instance(messages.InvoiceQueryRq, target=target, branch=3)
    assert request.iterator == "Start"
    assert request.iterator_id is None
    assert request.max_returned is not None
    assert request.txn_id == ()
