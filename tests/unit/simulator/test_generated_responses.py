"""Everything a generated company holds comes back in responses valid for the request's version.

Sample companies exercise every business rule (lines, tax, payments applied, linked
transactions, jobs, inactive records), so querying every kind from one, with lines and
linked transactions, at the oldest and newest schema the edition speaks, checks that what
the simulator stores is something QuickBooks could answer with.
"""

from __future__ import annotations

import pytest

from qbdlink.qbxml import Edition, EncodeTarget, QbxmlVersion, encode_request_set
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.schema import QbxmlObject
from qbdlink.qbxml.xsd import QbxmlSchema, schema_version_for
from qbdlink.simulator.context import RequestContext
from qbdlink.simulator.dispatch import _QUERY_KINDS
from qbdlink.simulator.processor import Processor
from qbdlink.simulator.samples import generate_company

VERSIONS = {
    Edition.US: ("13.0", "16.0"),
    Edition.CA: ("13.0", "16.0"),
    Edition.UK: ("13.0", "15.0"),
}


def _query(tag: str) -> QbxmlObject:
    cls = m.REQUESTS[tag]
    fields = cls._spec.by_attr
    options: dict[str, object] = {"request_id": tag}
    if "active_status" in fields:
        options["active_status"] = "All"
    for flag in ("include_line_items", "include_linked_txns"):
        if flag in fields:
            options[flag] = True
    return cls(**options)


@pytest.mark.parametrize("edition", list(Edition))
def test_every_kind_answers_schema_valid(
    edition: Edition, qbxml_schemas: dict[str, QbxmlSchema]
) -> None:
    store = generate_company(":memory:", edition=edition, size=300, seed=11)
    for text in VERSIONS[edition]:
        version = QbxmlVersion.parse(text)
        context = RequestContext(store=store, edition=edition, version=version)
        processor = Processor(context, None)
        queries = [_query(tag) for tag in sorted(_QUERY_KINDS)]
        request = encode_request_set(
            queries, target=EncodeTarget(version, edition), on_error="continueOnError"
        )
        response = processor.process(request)
        problems = qbxml_schemas[schema_version_for(text)].validate(response.encode())
        assert problems == [], f"{edition.value} {text}: {problems[:5]}"
        assert response.count('statusCode="0"') >= 20, "most kinds have records"
