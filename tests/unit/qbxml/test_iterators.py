"""Paging queries with iterators: identical criteria, Continue with the id, stop when drained."""

from __future__ import annotations

from datetime import datetime

import pytest

from qbdlink.qbxml import encode_request_set, messages
from qbdlink.qbxml.decode import ResponseStatus
from qbdlink.qbxml.errors import InvalidValueError
from qbdlink.qbxml.iterators import QueryPager, supports_iterator


def status(
    remaining: int | None, iterator_id: str | None = "{abc}", code: int = 0
) -> ResponseStatus:
    return ResponseStatus(
        tag="InvoiceQueryRs",
        request_id="1",
        code=code,
        severity="Info" if code < 1000 else "Error",
        message="",
        iterator_remaining_count=remaining,
        iterator_id=iterator_id,
    )


def test_pages_resend_identical_criteria() -> None:
    criteria = messages.InvoiceQueryRq(
        modified_date_range_filter=messages.ModifiedDateRangeFilter(
            from_modified_date=datetime(2024, 1, 1)
        ),
        include_line_items=True,
        request_id="7",
    )
    pager = QueryPager(criteria, max_returned=250)
    first = pager.start()
    assert (first.iterator, first.iterator_id, first.max_returned) == ("Start", None, 250)
    following = pager.next_after(status(remaining=40))
    assert following is not None
    assert (following.iterator, following.iterator_id) == ("Continue", "{abc}")
    assert following.modified_date_range_filter == criteria.modified_date_range_filter
    assert following.include_line_items is True and following.request_id == "7"
    assert 'iterator="Continue" iteratorID="{abc}"' in encode_request_set([following])


def test_drained_or_failed_pages_end_the_query() -> None:
    pager = QueryPager(messages.CustomerQueryRq())
    assert pager.next_after(status(remaining=0)) is None
    assert pager.next_after(status(remaining=None)) is None
    assert pager.next_after(status(remaining=5, code=3391)) is None


def test_remaining_records_without_an_iterator_id_is_an_error() -> None:
    with pytest.raises(InvalidValueError, match="no iteratorID"):
        QueryPager(messages.CustomerQueryRq()).next_after(status(remaining=3, iterator_id=None))


def test_stop_releases_the_iterator() -> None:
    stop = QueryPager(messages.ItemQueryRq()).stop("{xyz}")
    assert (stop.iterator, stop.iterator_id) == ("Stop", "{xyz}")


def test_queries_without_iterators_are_refused() -> None:
    # Account, Employee, Class, Terms and SalesTaxCode queries have no iterator in qbXML.
    for query in (messages.AccountQueryRq, messages.EmployeeQueryRq, messages.TermsQueryRq):
        assert not supports_iterator(query)
        with pytest.raises(InvalidValueError, match="has no iterator"):
            QueryPager(query())
    assert supports_iterator(messages.InvoiceQueryRq)


def test_page_size_must_be_positive() -> None:
    with pytest.raises(InvalidValueError, match="at least 1"):
        QueryPager(messages.CustomerQueryRq(), max_returned=0)
