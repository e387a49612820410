"""Payment methods (data type ``paymentMethods``): QuickBooks' payment method list.

PaymentMethodQuery has no iterator in qbXML and no OwnerID (no custom fields); the list is small.

type, from PaymentMethodType (which QuickBooks sends only from qbXML 7.0 on, and only when the
method has one):

| PaymentMethodType                                    | Codat type   |
|------------------------------------------------------|--------------|
| Cash                                                 | Cash         |
| Check                                                | Check        |
| DebitCard                                            | DebitCard    |
| AmericanExpress, Discover, MasterCard, Visa,         | CreditCard   |
| OtherCreditCard                                      |              |
| ECheck                                               | BankTransfer |
| GiftCard, Other                                      | Other        |
| (absent)                                             | Unknown      |

An e-check moves money between bank accounts (ACH), hence BankTransfer. status: Active, or
Archived when the method is inactive.
"""

from __future__ import annotations

from pydantic import BaseModel

from qbdlink.connector.streams.base import (
    MappingContext,
    QueryPart,
    QueryWindow,
    Stream,
    iso_datetime,
    not_deleted,
    record_status,
)
from qbdlink.model.accounting.payment_method import PaymentMethod, PaymentMethodType
from qbdlink.qbxml import QbxmlObject
from qbdlink.qbxml import messages as m

__all__ = ["PAYMENT_METHOD_TYPES", "STREAM", "map_payment_method"]

PAYMENT_METHOD_TYPES: dict[str, PaymentMethodType] = {
    "Cash": "Cash",
    "Check": "Check",
    "DebitCard": "DebitCard",
    "AmericanExpress": "CreditCard",
    "Discover": "CreditCard",
    "MasterCard": "CreditCard",
    "Visa": "CreditCard",
    "OtherCreditCard": "CreditCard",
    "ECheck": "BankTransfer",
    "GiftCard": "Other",
    "Other": "Other",
}


def build_payment_method_query(window: QueryWindow) -> QbxmlObject:
    return m.PaymentMethodQueryRq(
        active_status="All",
        from_modified_date=window.modified_from,
        to_modified_date=window.modified_to,
    )


def map_payment_method(ret: m.PaymentMethodRet, ctx: MappingContext) -> BaseModel | None:
    return PaymentMethod(
        id=ret.list_id,
        name=ret.name,
        type=PAYMENT_METHOD_TYPES.get(ret.payment_method_type or "", "Unknown"),
        status=record_status(ret.is_active),
        modified_date=iso_datetime(ctx.synced_at),
        source_modified_date=iso_datetime(ret.time_modified),
        metadata=not_deleted(),
    )


STREAM = Stream(
    data_type="paymentMethods",
    parts=(
        QueryPart(
            name="paymentMethods",
            build=build_payment_method_query,
            map=map_payment_method,
            iterator=False,
        ),
    ),
    list_del_types=("PaymentMethod",),
)
