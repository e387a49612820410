"""Write a realistic qbXML ``InvoiceQueryRs`` response with N invoices, for benchmarks.

The document looks like what QuickBooks Desktop sends for ``InvoiceQueryRq`` with
``IncludeLineItems``: two-space indentation, every element in the 16.0 schema's order,
Ref elements with ListID and FullName, 3 to 5 ``InvoiceLineRet`` lines per invoice, some
optional elements present on only part of the invoices, a few names with ``&`` and
Latin-1 characters (QuickBooks stores nothing beyond Latin-1). Values are seeded-random,
so the same (N, seed) gives the same bytes.

It is written in chunks of plain string templates, never held whole in memory.

    .venv/bin/python bench/make_invoices.py bench/out/invoices.xml --invoices 100000
    .venv/bin/python bench/make_invoices.py --validate   # a 50-invoice sample vs the XSD
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

XSD = Path("/work/shared/conformance/qbxml-xsd/16.0/qbxmlops160.xsd")
CHUNK = 1000  # invoices per write

_EPOCH = 1672531200  # 2023-01-01T00:00:00Z, the start of the generated invoice dates

_CUSTOMER_WORDS = (
    "Abercrombie",
    "Baker",
    "Castillo",
    "Dolan",
    "Ecker",
    "Fisher",
    "Galvez",
    "Hendricks",
    "Ibáñez",
    "Jacobsen",
    "Kowalski",
    "Lindqvist",
    "Müller",
    "Nakamura",
    "O'Brien",
    "Pearson",
    "Quintero",
    "Russo",
    "Sørensen",
    "Thompson",
)
_CUSTOMER_KINDS = (
    "Construction",
    "& Sons",
    "Plumbing",
    "Design Studio",
    "Café",
    "Landscaping",
    "Builders Inc.",
    "Electric",
)
_JOBS = ("Kitchen", "Remodel", "Deck", "Garage", "Bathroom", "Office", "Repairs")
_STREETS = ("Main St", "Oak Ave", "Market St", "El Camino Real", "Pine Rd", "Lakeview Dr")
_CITIES = (
    ("Bayshore", "CA", "94326"),
    ("Middlefield", "CA", "94482"),
    ("Menlo Park", "CA", "94025"),
    ("Portland", "OR", "97201"),
    ("Seattle", "WA", "98101"),
    ("Austin", "TX", "73301"),
)
# (FullName, days until due)
_TERMS = (("Net 30", 30), ("Net 15", 15), ("Due on receipt", 0), ("1% 10 Net 30", 30))
_TAX_ITEMS = (("San Tomas", 775), ("East Bayshore", 825), ("Out of State", 0))  # 1/100 %
_ITEMS = (
    ("Cabinets", "Cabinets & installation", 2500_00),
    ("Hardware:Doorknobs Std", "Standard interior brass hinge", 30_00),
    ("Lumber:Trim", "Trim lumber, pine", 1_50),
    ("Labor", "Labor, per hour", 35_00),
    ("Installation", "Installation labor", 35_00),
    ("Tile &Counter", "Tile & counter, per sq. ft.", 12_75),
    ("Wood Door:Exterior", "Exterior wood door", 120_00),
    ("Appliance", "Appliance - dishwasher, stainless", 650_00),
    ("Subcontracted Services", "Subcontracted services: electrical", 85_00),
    ("Permit", "Building permit fee", 225_00),
    ("Design", "Custom design", 55_00),
    ("Floor Plans", "Floor plans, per sheet", 98_50),
)
_MESSAGES = ("Thank you for your business.", "Please remit to above address.", "We appreciate it!")
_MEMOS = ("Phase 1", "Per estimate", "Rush order, deliver before Friday", "Final billing")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _id(counter: int, stamp: int) -> str:
    """A QuickBooks ListID/TxnID: a hex sequence number, a dash, a Unix time."""
    return f"{counter:X}-{stamp}"


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _ref(indent: str, tag: str, list_id: str, full_name: str) -> str:
    return (
        f"{indent}<{tag}>\n"
        f"{indent}  <ListID>{list_id}</ListID>\n"
        f"{indent}  <FullName>{full_name}</FullName>\n"
        f"{indent}</{tag}>\n"
    )


class _World:
    """The company's lists: customers, items, terms, shared by all invoices."""

    def __init__(self, rng: random.Random) -> None:
        base = _EPOCH - 400 * 86400
        self.customers: list[tuple[str, str, str, str, tuple[str, str, str]]] = []
        for number in range(600):
            company = f"{rng.choice(_CUSTOMER_WORDS)} {rng.choice(_CUSTOMER_KINDS)}"
            name = company if number % 3 else f"{company}:{rng.choice(_JOBS)} {number}"
            street = f"{rng.randint(10, 9999)} {rng.choice(_STREETS)}"
            self.customers.append(
                (
                    _id(0x80000001 + number, base + number * 977),
                    _xml(name[:209]),
                    _xml(company[:41]),
                    _xml(street),
                    rng.choice(_CITIES),
                )
            )
        self.items = [
            (_id(0x80000100 + n, base + n * 131), _xml(name), _xml(desc), rate)
            for n, (name, desc, rate) in enumerate(_ITEMS)
        ]
        self.terms = [
            (_id(0x80000200 + n, base + n), _xml(name), days)
            for n, (name, days) in enumerate(_TERMS)
        ]
        self.tax_items = [
            (_id(0x80000300 + n, base + n), _xml(name), rate)
            for n, (name, rate) in enumerate(_TAX_ITEMS)
        ]
        self.messages = [
            (_id(0x80000400 + n, base + n), _xml(text)) for n, text in enumerate(_MESSAGES)
        ]
        self.ar_account = _ref(
            "        ", "ARAccountRef", _id(0x80000068, base), "Accounts Receivable"
        )
        self.template = _ref(
            "        ", "TemplateRef", _id(0x80000009, base), "Intuit Product Invoice"
        )
        self.tax_code = {
            True: _ref("          ", "SalesTaxCodeRef", _id(0x80000001, base), "Tax"),
            False: _ref("          ", "SalesTaxCodeRef", _id(0x80000002, base), "Non"),
        }
        self.customer_tax_code = {
            True: _ref("        ", "CustomerSalesTaxCodeRef", _id(0x80000001, base), "Tax"),
            False: _ref("        ", "CustomerSalesTaxCodeRef", _id(0x80000002, base), "Non"),
        }


def _timestamp(seconds: int) -> str:
    # QuickBooks writes local time with the offset, e.g. 2023-01-14T12:00:31-08:00.
    return time.strftime("%Y-%m-%dT%H:%M:%S-08:00", time.gmtime(seconds - 8 * 3600))


def _invoice(rng: random.Random, world: _World, number: int) -> str:
    created = _EPOCH + number * 300 + rng.randint(0, 299)
    modified = created + rng.choice((0, 0, 0, rng.randint(60, 90 * 86400)))
    txn_date = date(2023, 1, 1) + timedelta(days=number * 730 // 100_000 + rng.randint(0, 2))
    txn_counter = 0x10000 + number * 8
    customer_id, customer_name, company, street, (city, state, postal) = rng.choice(world.customers)
    terms_id, terms_name, terms_days = rng.choice(world.terms)
    tax_id, tax_name, tax_rate = rng.choice(world.tax_items)
    taxable_customer = tax_rate > 0 and rng.random() < 0.8

    lines: list[str] = []
    subtotal = 0
    taxable = 0
    for line in range(rng.randint(3, 5)):
        item_id, item_name, desc, rate = rng.choice(world.items)
        if rng.random() < 0.2:
            rate = rate * rng.randint(80, 120) // 100
        if rng.random() < 0.15:
            quantity_text = f"{rng.randint(1, 40)}.{rng.randint(1, 99):02d}"
            hundredths = int(quantity_text.replace(".", ""))
            amount = (hundredths * rate + 50) // 100
        else:
            quantity = rng.randint(1, 24)
            quantity_text = str(quantity)
            amount = quantity * rate
        is_taxed = taxable_customer and item_name not in ("Labor", "Installation", "Design")
        subtotal += amount
        if is_taxed:
            taxable += amount
        lines.append(
            "        <InvoiceLineRet>\n"
            f"          <TxnLineID>{_id(txn_counter + 1 + line, created)}</TxnLineID>\n"
            "          <ItemRef>\n"
            f"            <ListID>{item_id}</ListID>\n"
            f"            <FullName>{item_name}</FullName>\n"
            "          </ItemRef>\n"
            f"          <Desc>{desc}</Desc>\n"
            f"          <Quantity>{quantity_text}</Quantity>\n"
            f"          <Rate>{_money(rate)}</Rate>\n"
            f"          <Amount>{_money(amount)}</Amount>\n"
            f"{world.tax_code[is_taxed]}"
            "        </InvoiceLineRet>\n"
        )
    tax_total = (taxable * tax_rate + 5000) // 10000
    total = subtotal + tax_total
    paid = rng.choice((0, 0, total, total, total, total // 2))
    balance = total - paid

    optional_memo = (
        f"        <Memo>{_xml(rng.choice(_MEMOS))}</Memo>\n" if rng.random() < 0.3 else ""
    )
    message = ""
    if rng.random() < 0.4:
        message_id, message_text = rng.choice(world.messages)
        message = _ref("        ", "CustomerMsgRef", message_id, message_text)
    return (
        "      <InvoiceRet>\n"
        f"        <TxnID>{_id(txn_counter, created)}</TxnID>\n"
        f"        <TimeCreated>{_timestamp(created)}</TimeCreated>\n"
        f"        <TimeModified>{_timestamp(modified)}</TimeModified>\n"
        f"        <EditSequence>{modified}</EditSequence>\n"
        f"        <TxnNumber>{number + 1}</TxnNumber>\n"
        f"{_ref('        ', 'CustomerRef', customer_id, customer_name)}"
        f"{world.ar_account}"
        f"{world.template}"
        f"        <TxnDate>{txn_date.isoformat()}</TxnDate>\n"
        f"        <RefNumber>{10000 + number}</RefNumber>\n"
        "        <BillAddress>\n"
        f"          <Addr1>{company}</Addr1>\n"
        f"          <Addr2>{street}</Addr2>\n"
        f"          <City>{city}</City>\n"
        f"          <State>{state}</State>\n"
        f"          <PostalCode>{postal}</PostalCode>\n"
        "        </BillAddress>\n"
        "        <IsPending>false</IsPending>\n"
        f"{_ref('        ', 'TermsRef', terms_id, terms_name)}"
        f"        <DueDate>{(txn_date + timedelta(days=terms_days)).isoformat()}</DueDate>\n"
        f"        <ShipDate>{txn_date.isoformat()}</ShipDate>\n"
        f"        <Subtotal>{_money(subtotal)}</Subtotal>\n"
        f"{_ref('        ', 'ItemSalesTaxRef', tax_id, tax_name)}"
        f"        <SalesTaxPercentage>{tax_rate // 100}.{tax_rate % 100:02d}</SalesTaxPercentage>\n"
        f"        <SalesTaxTotal>{_money(tax_total)}</SalesTaxTotal>\n"
        f"        <AppliedAmount>{_money(-paid)}</AppliedAmount>\n"
        f"        <BalanceRemaining>{_money(balance)}</BalanceRemaining>\n"
        f"{optional_memo}"
        f"        <IsPaid>{'true' if balance == 0 else 'false'}</IsPaid>\n"
        f"{message}"
        f"        <IsToBePrinted>{'true' if rng.random() < 0.3 else 'false'}</IsToBePrinted>\n"
        f"        <IsToBeEmailed>{'true' if rng.random() < 0.5 else 'false'}</IsToBeEmailed>\n"
        f"{world.customer_tax_code[taxable_customer]}"
        f"{''.join(lines)}"
        "      </InvoiceRet>\n"
    )


def write_invoices(out: TextIO, invoices: int, seed: int = 1) -> None:
    """Write the whole response document to ``out`` (a text stream), chunk by chunk."""
    rng = random.Random(seed)
    world = _World(rng)
    out.write(
        '<?xml version="1.0" ?>\n'
        "<QBXML>\n"
        "  <QBXMLMsgsRs>\n"
        '    <InvoiceQueryRs requestID="1" statusCode="0" statusSeverity="Info" '
        f'statusMessage="Status OK" retCount="{invoices}">\n'
    )
    for start in range(0, invoices, CHUNK):
        stop = min(start + CHUNK, invoices)
        out.write("".join(_invoice(rng, world, number) for number in range(start, stop)))
    out.write("    </InvoiceQueryRs>\n  </QBXMLMsgsRs>\n</QBXML>\n")


def write_file(path: Path, invoices: int, seed: int = 1) -> None:
    """Write the document to ``path`` via a temporary name, so a crash leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        write_invoices(out, invoices, seed)
    partial.replace(path)


def validate(invoices: int = 50, seed: int = 1) -> list[str]:
    """Schema errors of a small generated document (empty when it is valid)."""
    from lxml import etree

    buffer = io.StringIO()
    write_invoices(buffer, invoices, seed)
    schema = etree.XMLSchema(file=str(XSD))
    document = etree.fromstring(buffer.getvalue().encode("utf-8"))
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, help="where to write the document")
    parser.add_argument("--invoices", type=int, default=100_000, help="number of invoices")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--validate",
        action="store_true",
        help="validate a 50-invoice document (same seed) against the qbXML 16.0 XSD",
    )
    args = parser.parse_args(argv)
    if args.validate:
        errors = validate(min(args.invoices, 50), args.seed)
        for error in errors[:20]:
            print(error)
        print(f"{XSD.name}: {'valid' if not errors else f'{len(errors)} errors'}")
        if errors:
            return 1
    if args.path is not None:
        started = time.perf_counter()
        write_file(args.path, args.invoices, args.seed)
        size = args.path.stat().st_size
        print(
            f"wrote {args.invoices:,} invoices, {size / 1e6:.1f} MB, to {args.path} "
            f"in {time.perf_counter() - started:.1f}s"
        )
    elif not args.validate:
        parser.error("give a path to write to, or --validate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
