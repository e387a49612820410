"""QuickBooks keeps ISO-8859-1 only: Latin-1 text survives, anything beyond becomes "?"."""

from __future__ import annotations

from qbdlink.qbxml import Edition, QbxmlVersion, decode_response_set, encode_request_set
from qbdlink.qbxml import messages as m
from qbdlink.simulator.company import create_company
from qbdlink.simulator.context import RequestContext
from qbdlink.simulator.processor import Processor


def test_text_beyond_latin1_is_stored_as_question_marks() -> None:
    store = create_company(":memory:", company_name="Text Co", edition=Edition.US)
    context = RequestContext(store=store, edition=Edition.US, version=QbxmlVersion(16, 0))
    processor = Processor(context, None)
    add = m.CustomerAddRq(
        customer_add=m.CustomerAdd(name="Café Ωmega", notes="naïve ☃ snow"), request_id="1"
    )
    query = m.CustomerQueryRq(full_name=("Café ?mega",), request_id="2")
    response = decode_response_set(processor.process(encode_request_set([add, query])))
    added, queried = (r.records[0] for r in response.responses)
    for customer in (added, queried):
        assert isinstance(customer, m.CustomerRet)
        assert customer.name == "Café ?mega"  # é is Latin-1 and survives; Ω does not
        assert customer.notes == "naïve ? snow"
