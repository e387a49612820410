"""Iterator Stop, responseData="includeNone", and entity filters that take in jobs."""

from __future__ import annotations

from decimal import Decimal

from qbdlink.qbxml import (
    Edition,
    QbxmlObject,
    QbxmlVersion,
    Response,
    decode_response_set,
    encode_request_set,
)
from qbdlink.qbxml import messages as m
from qbdlink.simulator.company import create_company
from qbdlink.simulator.context import RequestContext
from qbdlink.simulator.processor import Processor


def _processor() -> Processor:
    store = create_company(":memory:", company_name="Extras Co", edition=Edition.US)
    context = RequestContext(store=store, edition=Edition.US, version=QbxmlVersion(16, 0))
    return Processor(context, None)


def _run(processor: Processor, *requests: QbxmlObject) -> list[Response]:
    return decode_response_set(processor.process(encode_request_set(list(requests)))).responses


def _customers(processor: Processor, *names: str, parent: str | None = None) -> None:
    for name in names:
        parent_ref = m.ParentRef(full_name=parent) if parent else None
        add = m.CustomerAdd(name=name, parent_ref=parent_ref)
        _run(processor, m.CustomerAddRq(customer_add=add))


def test_stop_releases_the_iterator() -> None:
    processor = _processor()
    _customers(processor, "A", "B", "C")
    (first,) = _run(processor, m.CustomerQueryRq(max_returned=1, iterator="Start"))
    iterator_id = first.status.iterator_id
    assert first.status.iterator_remaining_count == 2
    (stopped,) = _run(processor, m.CustomerQueryRq(iterator="Stop", iterator_id=iterator_id))
    assert stopped.status.code == 0 and stopped.records == []
    (again,) = _run(processor, m.CustomerQueryRq(iterator="Continue", iterator_id=iterator_id))
    assert again.status.code == 3391


def test_include_none_does_the_work_and_answers_statuses_only() -> None:
    processor = _processor()
    add = m.CustomerAddRq(customer_add=m.CustomerAdd(name="Quiet"), request_id="9")
    text = processor.process(
        encode_request_set([add]).replace(
            'onError="stopOnError"', 'onError="stopOnError" responseData="includeNone"'
        )
    )
    (response,) = decode_response_set(text).responses
    assert (response.status.code, response.status.request_id, response.records) == (0, "9", [])
    (query,) = _run(processor, m.CustomerQueryRq(full_name=("Quiet",)))
    assert len(query.records) == 1


def test_entity_filter_with_children_takes_in_jobs() -> None:
    processor = _processor()
    _customers(processor, "Acme", "Other")
    _customers(processor, "Kitchen", parent="Acme")
    income = m.AccountAdd(name="Sales", account_type="Income")
    item = m.ItemServiceAdd(
        name="Labour",
        sales_or_purchase=m.SalesOrPurchase(
            price=Decimal("10.00"), account_ref=m.AccountRef(full_name="Sales")
        ),
    )
    _run(processor, m.AccountAddRq(account_add=income), m.ItemServiceAddRq(item_service_add=item))
    line = m.EstimateLineAdd(item_ref=m.ItemRef(full_name="Labour"), quantity=Decimal(1))
    # One estimate for the customer, one for its job, one for another customer.
    for customer in ("Acme", "Acme:Kitchen", "Other"):
        estimate = m.EstimateAdd(
            customer_ref=m.CustomerRef(full_name=customer), estimate_line_add=(line,)
        )
        _run(processor, m.EstimateAddRq(estimate_add=estimate))
    plain = m.EntityFilter(full_name=("Acme",))
    with_jobs = m.EntityFilter(full_name_with_children="Acme")
    (only,) = _run(processor, m.EstimateQueryRq(entity_filter=plain))
    (both,) = _run(processor, m.EstimateQueryRq(entity_filter=with_jobs))
    assert [r.customer_ref.full_name for r in only.records] == ["Acme"]
    assert [r.customer_ref.full_name for r in both.records] == ["Acme", "Acme:Kitchen"]
