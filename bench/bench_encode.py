"""Encode InvoiceAddRq requests: qbdlink's ``encode_request_set`` against a bare lxml tree.

    .venv/bin/python bench/bench_encode.py                   # 10,000 requests, best of 3
    .venv/bin/python bench/bench_encode.py --requests 2000 --repeat 5

Each request is one document (``<?xml?>``, ``<?qbxml?>``, ``QBXML/QBXMLMsgsRq``) holding
one ``InvoiceAddRq`` with a CustomerRef and 4 ``InvoiceLineAdd`` lines (ItemRef, Quantity,
Rate), as a connector sends them. The message objects and the baseline's plain tuples are
built before the clock starts: only encoding is timed.

The baseline builds the same elements with ``etree.SubElement`` and ``etree.tostring`` and
checks nothing; qbdlink also checks every value against qbXML 16.0 (element order, version
and edition support, lengths, decimal places, choices) and escapes non-ASCII text. This
prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal

from lxml import etree

from qbdlink.qbxml import encode_request_set
from qbdlink.qbxml import messages as m

_CUSTOMERS = ("Abercrombie, Kristy", "Baker's Professional Lighting", "Cook, Brian:Kitchen")
_ITEMS = ("Cabinets", "Hardware:Doorknobs Std", "Lumber:Trim", "Labor", "Tile &Counter")

# (customer, ((item, quantity, rate), ...))
Plain = tuple[str, tuple[tuple[str, Decimal, Decimal], ...]]


def make_requests(count: int, seed: int = 1) -> list[Plain]:
    rng = random.Random(seed)
    requests: list[Plain] = []
    for _ in range(count):
        lines = tuple(
            (
                rng.choice(_ITEMS),
                Decimal(rng.randint(1, 24)),
                Decimal(rng.randint(100, 250_000)).scaleb(-2),
            )
            for _ in range(4)
        )
        requests.append((rng.choice(_CUSTOMERS), lines))
    return requests


def as_messages(requests: list[Plain]) -> list[m.InvoiceAddRq]:
    return [
        m.InvoiceAddRq(
            invoice_add=m.InvoiceAdd(
                customer_ref=m.CustomerRef(full_name=customer),
                invoice_line_add=tuple(
                    m.InvoiceLineAdd(item_ref=m.ItemRef(full_name=item), quantity=qty, rate=rate)
                    for item, qty, rate in lines
                ),
            )
        )
        for customer, lines in requests
    ]


def encode_qbdlink(messages: list[m.InvoiceAddRq]) -> list[bytes]:
    return [encode_request_set([message]).encode("ascii") for message in messages]


def encode_lxml(requests: list[Plain]) -> list[bytes]:
    out = []
    sub = etree.SubElement
    for customer, lines in requests:
        root = etree.Element("QBXML")
        root.addprevious(etree.ProcessingInstruction("qbxml", 'version="16.0"'))
        msgs = sub(root, "QBXMLMsgsRq", onError="stopOnError")
        add = sub(sub(msgs, "InvoiceAddRq"), "InvoiceAdd")
        sub(sub(add, "CustomerRef"), "FullName").text = customer
        for item, quantity, rate in lines:
            line = sub(add, "InvoiceLineAdd")
            sub(sub(line, "ItemRef"), "FullName").text = item
            sub(line, "Quantity").text = str(quantity)
            sub(line, "Rate").text = str(rate)
        out.append(etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8"))
    return out


def _shape(document: bytes) -> list[tuple[str, str]]:
    """Tags and texts, numbers compared by value: what both encoders must agree on."""
    shape = []
    for element in etree.fromstring(document).iter():
        text = (element.text or "").strip()
        if element.tag in ("Quantity", "Rate"):
            text = str(Decimal(text).normalize())
        shape.append((str(element.tag), text))
    return shape


def best_of(repeat: int, run: Callable[[], list[bytes]]) -> tuple[float, list[bytes]]:
    best = float("inf")
    out: list[bytes] = []
    for _ in range(repeat):
        started = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - started)
    return best, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000, help="InvoiceAddRq documents")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (best kept)")
    args = parser.parse_args(argv)

    plain = make_requests(args.requests)
    messages = as_messages(plain)
    lxml_seconds, lxml_out = best_of(args.repeat, lambda: encode_lxml(plain))
    qbd_seconds, qbd_out = best_of(args.repeat, lambda: encode_qbdlink(messages))

    print(f"{args.requests:,} InvoiceAddRq documents, 4 lines each; best of {args.repeat}\n")
    header = f"{'contender':<26} {'seconds':>8} {'requests/s':>11} {'x lxml':>7} {'bytes':>11}"
    print(header)
    print("-" * len(header))
    for name, seconds, out in (
        ("lxml SubElement+tostring", lxml_seconds, lxml_out),
        ("qbdlink encode_request_set", qbd_seconds, qbd_out),
    ):
        print(
            f"{name:<26} {seconds:8.3f} {args.requests / seconds:11,.0f} "
            f"{seconds / lxml_seconds:7.2f} {sum(len(doc) for doc in out):11,}"
        )
    same = len(lxml_out) == len(qbd_out) and all(
        _shape(a) == _shape(b) for a, b in zip(lxml_out[:100], qbd_out[:100], strict=False)
    )
    print()
    if same:
        print("the two encoders wrote the same elements and values (first 100 compared)")
    else:
        print("WARNING: the two encoders' documents differ: the rows are not comparable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
