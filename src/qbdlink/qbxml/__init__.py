"""qbXML, sans-I/O: messages, encoding, streaming decoding, status codes and HRESULTs.

Nothing here opens a socket, a COM object or a file of its own accord: transports move
the text, this package turns it into typed objects and back. Both the connector and the
QuickBooks Desktop simulator use it, so what one sends is exactly what the other reads.

    from qbdlink.qbxml import messages as m, encode_request_set, iter_response_events

    xml = encode_request_set([m.InvoiceQueryRq(max_returned=100, iterator="Start")])
    for event in iter_response_events(response_xml):
        ...
"""

from . import messages
from .decode import (
    MessageSetStatus,
    RequestSet,
    Response,
    ResponseEnd,
    ResponseEvent,
    ResponseSet,
    ResponseStatus,
    decode_request_set,
    decode_response_set,
    iter_response_events,
)
from .encode import EncodeTarget, encode_request_set, encode_response_set, non_latin1
from .iterators import QueryPager
from .schema import QbxmlObject
from .versions import NEWEST, Edition, QbxmlVersion, choose_version

__all__ = [
    "NEWEST",
    "Edition",
    "EncodeTarget",
    "MessageSetStatus",
    "QbxmlObject",
    "QbxmlVersion",
    "QueryPager",
    "RequestSet",
    "Response",
    "ResponseEnd",
    "ResponseEvent",
    "ResponseSet",
    "ResponseStatus",
    "choose_version",
    "decode_request_set",
    "decode_response_set",
    "encode_request_set",
    "encode_response_set",
    "iter_response_events",
    "messages",
    "non_latin1",
]
