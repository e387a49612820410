"""The request envelope as QuickBooks handles it (reference/qbxml.md section 2, pitfalls 7, 10, 11).

Schema validation of every request (0x80040400), the version in the processing instruction
(0x80040423), stopOnError / continueOnError (rollbackOnError refused), requestID echoed, a
status on every response, and error recovery ([INT-ERRREC]: the responses of an application's
last message set are kept with the company file and given back for its oldMessageSetID).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qbdlink.qbxml import Edition, decode_response_set
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.hresult import QuickBooksConnectionError
from qbdlink.qbxml.xsd import QbxmlSchema
from qbdlink.simulator.company import create_company
from qbdlink.simulator.store import CompanyStore
from tests.unit.simulator.test_processor import Sim, request_ids, response_elements

PARSE_ERROR = 0x80040400
UNSUPPORTED_VERSION = 0x80040423


@pytest.fixture
def sim(qbxml_schemas: dict[str, QbxmlSchema]) -> Sim:
    return Sim(qbxml_schemas)


def _document(body: str, *, version: str = "16.0", on_error: str = "stopOnError") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<?qbxml version="{version}"?>\n'
        f'<QBXML><QBXMLMsgsRq onError="{on_error}">{body}</QBXMLMsgsRq></QBXML>\n'
    )


def _hresult_of(sim: Sim, document: str) -> int:
    with pytest.raises(QuickBooksConnectionError) as info:
        sim.processor.process(document)
    return info.value.hresult


def _add(name: str, request_id: str) -> m.CustomerAddRq:
    return m.CustomerAddRq(customer_add=m.CustomerAdd(name=name), request_id=request_id)


# ---- requestID and status ---------------------------------------------------------------


def test_request_ids_are_echoed_and_every_response_has_a_status(sim: Sim) -> None:
    requests = [
        _add("Alpha", "first"),
        m.CustomerQueryRq(full_name=("Alpha",), request_id="second"),
        m.CustomerQueryRq(full_name=("Nobody",), request_id="third"),
        m.HostQueryRq(),
    ]
    response = sim.send(requests)  # Sim.process checks every response has a status
    assert [e.get("requestID") for e in response_elements(response)] == [
        "first",
        "second",
        "third",
        None,
    ]
    statuses = [r.status for r in decode_response_set(response).responses]
    assert [(s.code, s.severity) for s in statuses] == [
        (0, "Info"),
        (0, "Info"),
        (1, "Info"),
        (0, "Info"),
    ]
    assert [s.tag for s in statuses] == [
        "CustomerAddRs",
        "CustomerQueryRs",
        "CustomerQueryRs",
        "HostQueryRs",
    ]


def test_a_failing_request_has_an_error_status_and_its_request_id(sim: Sim) -> None:
    sim.customer("Alpha")
    (response,) = decode_response_set(sim.send([_add("Alpha", "dup")])).responses
    assert response.status.request_id == "dup"
    assert response.status.code == 3100
    assert response.status.severity == "Error"
    assert response.status.message == 'The name "Alpha" of the list element is already in use.'
    assert response.records == []


# ---- onError ----------------------------------------------------------------------------------


def test_stop_on_error_stops_after_the_first_failure(sim: Sim) -> None:
    sim.customer("Alpha")
    requests = [_add("Beta", "1"), _add("Alpha", "2"), _add("Gamma", "3")]
    responses = decode_response_set(sim.send(requests, on_error="stopOnError")).responses
    assert [(r.status.request_id, r.status.code) for r in responses] == [("1", 0), ("2", 3100)]
    names = [c.name for c in sim.query(m.CustomerQueryRq())]
    assert names == ["Alpha", "Beta"]  # Gamma was never processed


def test_continue_on_error_goes_on_after_a_failure(sim: Sim) -> None:
    sim.customer("Alpha")
    requests = [_add("Beta", "1"), _add("Alpha", "2"), _add("Gamma", "3")]
    responses = decode_response_set(sim.send(requests, on_error="continueOnError")).responses
    assert [(r.status.request_id, r.status.code) for r in responses] == [
        ("1", 0),
        ("2", 3100),
        ("3", 0),
    ]
    assert [c.name for c in sim.query(m.CustomerQueryRq())] == ["Alpha", "Beta", "Gamma"]


def test_stop_on_error_does_not_stop_on_status_1(sim: Sim) -> None:
    requests = [m.CustomerQueryRq(full_name=("Nobody",), request_id="1"), _add("Beta", "2")]
    responses = decode_response_set(sim.send(requests)).responses
    assert [r.status.code for r in responses] == [1, 0]


def test_rollback_on_error_is_refused_with_a_parse_error(sim: Sim) -> None:
    document = _document(
        "<CustomerAddRq><CustomerAdd><Name>Alpha</Name></CustomerAdd></CustomerAddRq>",
        on_error="rollbackOnError",
    )
    assert _hresult_of(sim, document) == PARSE_ERROR
    assert sim.count("Customer") == 0


# ---- schema validation ----------------------------------------------------------------------


def test_a_valid_hand_written_request_is_processed(sim: Sim) -> None:
    document = _document(
        '<CustomerAddRq requestID="7"><CustomerAdd><Name>Alpha</Name>'
        "<CompanyName>Alpha Inc</CompanyName></CustomerAdd></CustomerAddRq>"
    )
    (element,) = response_elements(sim.process(document))
    assert element.get("statusCode") == "0"
    assert element.get("requestID") == "7"


def test_out_of_order_elements_are_a_parse_error(sim: Sim) -> None:
    document = _document(
        "<CustomerAddRq><CustomerAdd><CompanyName>Alpha Inc</CompanyName>"
        "<Name>Alpha</Name></CustomerAdd></CustomerAddRq>"
    )
    assert _hresult_of(sim, document) == PARSE_ERROR
    assert sim.count("Customer") == 0


def test_an_unknown_element_is_a_parse_error(sim: Sim) -> None:
    document = _document(
        "<CustomerAddRq><CustomerAdd><Name>Alpha</Name><FavouriteColour>blue</FavouriteColour>"
        "</CustomerAdd></CustomerAddRq>"
    )
    assert _hresult_of(sim, document) == PARSE_ERROR
    assert sim.count("Customer") == 0


def test_an_unknown_request_is_a_parse_error(sim: Sim) -> None:
    assert _hresult_of(sim, _document("<CustomerFrobnicateRq/>")) == PARSE_ERROR


def test_one_bad_request_refuses_the_whole_message_set(sim: Sim) -> None:
    document = _document(
        "<CustomerAddRq><CustomerAdd><Name>Alpha</Name></CustomerAdd></CustomerAddRq>"
        "<CustomerAddRq><CustomerAdd><Bogus/></CustomerAdd></CustomerAddRq>",
        on_error="continueOnError",
    )
    assert _hresult_of(sim, document) == PARSE_ERROR
    assert sim.count("Customer") == 0


def test_malformed_xml_is_a_parse_error(sim: Sim) -> None:
    assert _hresult_of(sim, _document("<CustomerQueryRq>")) == PARSE_ERROR


def test_a_missing_on_error_is_a_parse_error(sim: Sim) -> None:
    document = (
        '<?xml version="1.0"?>\n<?qbxml version="16.0"?>\n'
        "<QBXML><QBXMLMsgsRq><CustomerQueryRq/></QBXMLMsgsRq></QBXML>"
    )
    assert _hresult_of(sim, document) == PARSE_ERROR


def test_an_element_newer_than_the_request_version_is_a_parse_error(sim: Sim) -> None:
    # ClassRef on CustomerAdd arrived in 12.0: the 13.0 schema has it, qbXML 11.0 does not.
    sim.ok(m.ClassAddRq(class_add=m.ClassAdd(name="East")))
    document = _document(
        "<CustomerAddRq><CustomerAdd><Name>Alpha</Name><ClassRef><FullName>East</FullName>"
        "</ClassRef></CustomerAdd></CustomerAddRq>",
        version="11.0",
    )
    assert _hresult_of(sim, document) == PARSE_ERROR
    assert sim.count("Customer") == 0


# ---- versions -------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["17.0", "CA3.0", "UK2.0", "99.9", "banana"])
def test_an_unsupported_version_is_0x80040423(sim: Sim, version: str) -> None:
    document = _document("<HostQueryRq/>", version=version)
    assert _hresult_of(sim, document) == UNSUPPORTED_VERSION


def test_a_document_without_a_version_is_refused(sim: Sim) -> None:
    document = (
        '<?xml version="1.0"?>\n'
        '<QBXML><QBXMLMsgsRq onError="stopOnError"><HostQueryRq/></QBXMLMsgsRq></QBXML>'
    )
    assert _hresult_of(sim, document) in (PARSE_ERROR, UNSUPPORTED_VERSION)


@pytest.mark.parametrize("version", ["1.0", "2.0", "5.0", "8.0", "13.0", "14.0", "15.0", "16.0"])
def test_every_supported_us_version_is_answered_in_that_version(sim: Sim, version: str) -> None:
    response = sim.send([m.HostQueryRq(request_id="h")], version=version)
    assert f'<?qbxml version="{version}"?>' in response
    (element,) = response_elements(response)
    assert element.get("statusCode") == "0"


# ---- error recovery ------------------------------------------------------------------------


def test_old_message_set_id_returns_the_stored_response_without_running_again(sim: Sim) -> None:
    first = sim.send([_add("Alpha", "1"), _add("Beta", "2")], new_message_set_id="A")
    assert sim.count("Customer") == 2
    again = sim.send([_add("Gamma", "1")], old_message_set_id="A")
    assert again == first  # identical, byte for byte
    assert sim.count("Customer") == 2  # nothing ran again
    assert [c.name for c in sim.query(m.CustomerQueryRq())] == ["Alpha", "Beta"]


def test_the_stored_response_carries_its_message_set_id(sim: Sim) -> None:
    response = decode_response_set(sim.send([_add("Alpha", "1")], new_message_set_id="A"))
    assert response.message_set is not None
    assert response.message_set.new_message_set_id == "A"


def test_only_the_last_message_set_is_kept(sim: Sim) -> None:
    sim.send([_add("Alpha", "1")], new_message_set_id="A")
    second = sim.send([_add("Beta", "1")], new_message_set_id="B")
    assert sim.send([m.HostQueryRq()], old_message_set_id="B") == second
    before = sim.count("Customer")
    response = sim.send([_add("Gamma", "1")], old_message_set_id="A")
    assert sim.count("Customer") == before + 1  # "A" is gone: the requests run
    assert decode_response_set(response).responses[0].status.code == 0


def test_clear_all_message_sets(sim: Sim) -> None:
    sim.send([_add("Alpha", "1")], new_message_set_id="A")
    sim.send([m.HostQueryRq()], old_message_set_id="ClearAllMessageSets")
    response = sim.send([_add("Beta", "1")], old_message_set_id="A")
    assert sim.count("Customer") == 2
    parsed = decode_response_set(response)
    assert parsed.responses[0].status.code == 0
    assert parsed.message_set is not None  # the unknown oldMessageSetID is reported (9001)
    assert parsed.message_set.message_set_status_code == 9001


def test_message_sets_belong_to_their_application(qbxml_schemas: dict[str, QbxmlSchema]) -> None:
    one = Sim(qbxml_schemas, app_name="App One")
    two = Sim(qbxml_schemas, store=one.store, app_name="App Two", session_id="s2")
    first = one.send([_add("Alpha", "1")], new_message_set_id="A")
    other = two.send([_add("Beta", "1")], old_message_set_id="A")
    assert other != first
    assert one.count("Customer") == 2
    assert one.send([m.HostQueryRq()], old_message_set_id="A") == first


def test_message_sets_are_kept_with_the_company_file(
    qbxml_schemas: dict[str, QbxmlSchema], tmp_path: Path
) -> None:
    path = tmp_path / "acme.qbw"
    store = create_company(path, company_name="Acme", edition=Edition.US)
    first = Sim(qbxml_schemas, store=store).send([_add("Alpha", "1")], new_message_set_id="A")
    store.close()
    reopened = CompanyStore.open(path)
    try:
        sim = Sim(qbxml_schemas, store=reopened, session_id="after-restart")
        assert sim.send([_add("Beta", "1")], old_message_set_id="A") == first
        assert sim.count("Customer") == 1
    finally:
        reopened.close()


def test_request_ids_of_a_sample_message_set_round_trip(sim: Sim) -> None:
    document = _document(
        '<CustomerQueryRq requestID="Q3VzdG9tZXJRdWVyeXwyODk2"><FullName>Keith</FullName>'
        '</CustomerQueryRq><AccountQueryRq requestID="16"/>',
        version="5.0",
    )
    response = sim.process(document)
    assert [e.get("requestID") for e in response_elements(response)] == request_ids(document)


def test_a_request_id_longer_than_50_characters_is_status_1060(sim: Sim) -> None:
    # reference/qbxml.md section 2: requestID is at most 50 characters, else status 1060
    # ("invalid requestID", [OSR-ERR]); the XSD does not limit it.
    long_id = "r" * 51
    document = _document(f'<HostQueryRq requestID="{long_id}"/><HostQueryRq requestID="ok"/>')
    elements = response_elements(sim.process(document))
    assert elements[0].get("statusCode") == "1060"
    assert elements[0].get("statusSeverity") == "Error"
    assert len(elements) == 1  # stopOnError: the second request is not processed
    fifty = _document(f'<HostQueryRq requestID="{"r" * 50}"/>')
    (element,) = response_elements(sim.process(fifty))
    assert element.get("statusCode") == "0"
