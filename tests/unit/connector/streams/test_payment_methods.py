"""The payment methods stream."""

from __future__ import annotations

from typing import Any

import pytest

from qbdlink.connector.streams import payment_methods
from qbdlink.connector.streams.base import QueryWindow
from qbdlink.qbxml import Edition
from qbdlink.qbxml import messages as m

EDITIONS = (Edition.US, Edition.UK, Edition.CA)


@pytest.mark.parametrize(
    ("qb_type", "codat_type"),
    [
        ("Cash", "Cash"),
        ("Check", "Check"),
        ("DebitCard", "DebitCard"),
        ("Visa", "CreditCard"),
        ("AmericanExpress", "CreditCard"),
        ("OtherCreditCard", "CreditCard"),
        ("ECheck", "BankTransfer"),
        ("GiftCard", "Other"),
        ("Other", "Other"),
        (None, "Unknown"),
    ],
)
def test_payment_method_types(
    qb_type: str | None, codat_type: str, make_list_context: Any, validate_record: Any
) -> None:
    ret = m.PaymentMethodRet(list_id="1-1", name="Method", payment_method_type=qb_type)
    dump = validate_record(
        "paymentMethods", payment_methods.map_payment_method(ret, make_list_context())
    )
    assert dump["type"] == codat_type


def test_inactive_methods_are_archived(make_list_context: Any) -> None:
    ret = m.PaymentMethodRet(list_id="1-1", name="Barter", is_active=False)
    method = payment_methods.map_payment_method(ret, make_list_context())
    assert method is not None
    assert method.model_dump()["status"] == "Archived"


@pytest.mark.parametrize("edition", EDITIONS)
def test_simulated_methods_map_to_valid_unique_records(
    edition: Edition, pull_stream: Any, validate_record: Any
) -> None:
    pulled = pull_stream(
        payment_methods.STREAM, edition, QueryWindow(modified_from=None, modified_to=None)
    )
    dumps = [validate_record("paymentMethods", item.record) for item in pulled]
    ids = {dump["id"] for dump in dumps}
    assert len(ids) == len(dumps) > 0
    assert payment_methods.STREAM.list_del_types == ("PaymentMethod",)
