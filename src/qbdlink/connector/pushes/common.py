"""What the writers share: text QuickBooks can store, dates, references, and the checks that
turn a record QuickBooks would refuse into a :class:`PushRejectedError` naming model fields.

Text. QuickBooks stores ISO-8859-1 (Latin-1) only and turns anything else into "?"
(qbxml.md pitfall 6). With ``ctx.transliterate`` each character outside Latin-1 becomes its
closest Latin-1 text: first a table of the characters business text really carries (dashes,
curly quotes, the euro sign, ellipses, ligatures), then Unicode's compatibility decomposition
(NFKD) with the combining marks dropped ("ā" -> "a", "ﬁ" -> "fi", "Ｈ" -> "H"). A character
neither gives (Chinese, emoji) is refused rather than stored as "?". Without ``transliterate``
every such character is refused, naming the field.

Lengths, enumerations, decimal places, elements the edition lacks: the qbXML layer already
knows them per edition (Intuit's qbxmlops annotations in ``messages/_paths.py``), so
:func:`check_request` encodes the finished request for the oldest QuickBooks the connector
supports (qbXML 13.0) and the company's edition, and turns the encoder's
:class:`~qbdlink.qbxml.errors.InvalidFieldError` (which names the qbXML path) into the model
field through each writer's small map of qbXML elements to model fields. One source of truth,
no second table of limits to drift from the encoder's.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel

from qbdlink.connector.pushes.base import PushContext, PushRejectedError
from qbdlink.qbxml import Edition, EncodeTarget, QbxmlObject, QbxmlVersion, encode_request_set
from qbdlink.qbxml import messages as m
from qbdlink.qbxml.errors import InvalidFieldError
from qbdlink.qbxml.schema import Kind

__all__ = [
    "ADDRESS_FIELDS",
    "CHECK_VERSION",
    "TRANSLITERATIONS",
    "Draft",
    "LineGroup",
    "address_fields",
    "cents",
    "check_request",
    "hint",
    "pick_address",
    "qb_address",
    "ref",
    "split_full_name",
    "transliterate",
]

# The oldest qbXML the connector speaks (QuickBooks 2014): what it accepts, every newer one does.
CHECK_VERSION = QbxmlVersion.parse("13.0")

# Characters outside Latin-1 that business text often carries, and the Latin-1 text they become
# (where NFKD gives nothing useful or something worse: NFKD leaves dashes and quotes alone).
TRANSLITERATIONS: Mapping[str, str] = {
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",  # prime
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',  # double prime
    "\u2026": "...",
    "\u2022": "*",  # bullet
    "\u20ac": "EUR",
    "\u20b9": "INR",
    "\u20a9": "KRW",
    "\u20bd": "RUB",
    "\u20ba": "TRY",
    "\u2122": "(TM)",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u0152": "OE",
    "\u0153": "oe",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0131": "i",
    "\u0126": "H",
    "\u0127": "h",
    "\u014a": "N",
    "\u014b": "n",
    "\u0166": "T",
    "\u0167": "t",
    "\u0192": "f",
    "\u02c6": "^",
    "\u02dc": "~",
    "\u200b": "",  # zero-width space
    "\u2009": " ",  # thin space
    "\u202f": " ",  # narrow no-break space
    "\ufeff": "",  # byte order mark
}


def _closest_latin1(ch: str) -> str | None:
    known = TRANSLITERATIONS.get(ch)
    if known is not None:
        return known
    decomposed = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    if kept and all(ord(c) <= 0xFF for c in kept):
        return kept
    return None


def transliterate(text: str) -> tuple[str, list[str]]:
    """``text`` with every character outside Latin-1 replaced by its closest Latin-1 text, and
    the characters that have none (left in place)."""
    if all(ord(ch) <= 0xFF for ch in text):
        return text, []
    out: list[str] = []
    missing: list[str] = []
    for ch in text:
        if ord(ch) <= 0xFF:
            out.append(ch)
            continue
        replacement = _closest_latin1(ch)
        if replacement is None:
            missing.append(ch)
            out.append(ch)
        else:
            out.append(replacement)
    return "".join(out), sorted(set(missing))


def _shown(chars: Sequence[str]) -> str:
    return ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in chars)


class Draft:
    """One record being turned into a request: cleans its values and collects every problem,
    so a rejection lists all of them at once rather than one per push."""

    def __init__(self, ctx: PushContext, what: str) -> None:
        self.ctx = ctx
        self.what = what
        self.problems: dict[str, str] = {}

    @property
    def edition(self) -> Edition:
        return self.ctx.edition

    def problem(self, path: str, why: str) -> None:
        self.problems.setdefault(path, why)

    def text(self, value: str | None, path: str) -> str | None:
        """Text QuickBooks can store; empty text is no value (QuickBooks keeps no empty
        strings: an empty element clears the field at best)."""
        if value is None or value == "":
            return None
        if all(ord(ch) <= 0xFF for ch in value):
            return value
        if not self.ctx.transliterate:
            bad = sorted({ch for ch in value if ord(ch) > 0xFF})
            self.problem(
                path,
                f"contains {_shown(bad)}, which QuickBooks Desktop cannot store (it keeps "
                "Latin-1 text only); replace them, or allow transliteration",
            )
            return value
        cleaned, missing = transliterate(value)
        if missing:
            self.problem(
                path,
                f"contains {_shown(missing)}, which QuickBooks Desktop cannot store and which "
                "have no Latin-1 equivalent; replace them",
            )
        return cleaned

    def required_text(self, value: str | None, path: str, why: str) -> str:
        cleaned = self.text(value, path)
        if cleaned is None or not cleaned.strip():
            self.problem(path, why)
            return ""
        return cleaned

    def day(self, value: str | None, path: str) -> date | None:
        """Codat's date-time text as the day QuickBooks keeps (QuickBooks dates have no time).

        The model has already normalised the text (an offset is converted to UTC, so the day is
        the UTC day); its date part is the day written.
        """
        if value is None or value == "":
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            self.problem(path, f"{value!r} is not a date such as 2024-03-31")
            return None

    def required_id(self, value: Any, path: str, why: str) -> str:
        """The ``id`` of a reference that QuickBooks requires (whether the record exists is
        QuickBooks' answer, status 3140, which the executor reports)."""
        ref_id = getattr(value, "id", None) if value is not None else None
        if not isinstance(ref_id, str) or not ref_id:
            self.problem(path, why)
            return ""
        return ref_id

    def tax_code(self, tax_rate_ref: Any, path: str, *, required: bool) -> m.SalesTaxCodeRef | None:
        """A line's tax code from its ``taxRateRef.id`` (the SalesTaxCode ListID the reads
        give). Required on CA and UK lines: each line there carries its own VAT/GST code, and
        QuickBooks would otherwise silently apply the item's (or account's) default code,
        whatever tax the client computed."""
        code_id = getattr(tax_rate_ref, "id", None) if tax_rate_ref is not None else None
        if code_id:
            return m.SalesTaxCodeRef(list_id=code_id)
        if required:
            self.problem(
                path,
                f"QuickBooks Desktop ({self.edition.value}) needs a tax code on every line: "
                "set taxRateRef.id to a tax rate's id",
            )
        return None

    def needs_line_tax(self) -> bool:
        return self.edition in (Edition.UK, Edition.CA)

    def refuse(self, path: str, why: str) -> NoReturn:
        """Refuse the record now (a problem that leaves nothing else worth checking)."""
        self.problem(path, why)
        self.raise_if_any()
        raise AssertionError("raise_if_any raises once there is a problem")

    def raise_if_any(self) -> None:
        if self.problems:
            count = len(self.problems)
            raise PushRejectedError(
                f"The {self.what} cannot be written to QuickBooks Desktop: "
                f"{count} problem{'s' if count > 1 else ''} "
                f"({'; '.join(f'{k}: {v}' for k, v in self.problems.items())}).",
                problems=self.problems,
            )


RefT = TypeVar("RefT", bound=QbxmlObject)


def ref(cls: type[RefT], list_id: str | None) -> RefT | None:
    """A qbXML reference by ListID, or None."""
    if not list_id:
        return None
    maker: Any = cls
    made: RefT = maker(list_id=list_id)
    return made


def split_full_name(full_name: str) -> tuple[str | None, str]:
    """``Parent:Child`` as (parent's full name, own name): QuickBooks names a sub-record by
    its own Name under a ParentRef, and the reads give the full name (``:`` cannot be part of
    a QuickBooks name, it is the hierarchy's separator)."""
    parent, sep, own = full_name.rpartition(":")
    return (parent, own) if sep and parent else (None, full_name)


def cents(value: Decimal) -> Decimal:
    """An amount rounded as QuickBooks rounds the amounts it computes: to cents, half up."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def hint(record: BaseModel, name: str) -> Any:
    """A writer hint carried in ``supplementalData.content.qbdlink.<name>``.

    Codat's model has no place for a few things QuickBooks needs (the kind of account a bill
    payment draws on, an inventory item's cost-of-goods account); a client may pass them there.
    """
    supplemental = getattr(record, "supplemental_data", None)
    content = getattr(supplemental, "content", None) or {}
    hints = content.get("qbdlink") or {}
    return hints.get(name) if isinstance(hints, dict) else None


# --- checking the finished request against what the edition's QuickBooks accepts -------------


@dataclasses.dataclass(frozen=True)
class LineGroup:
    """A repeated line field of the request and the index of each of its lines in the model's
    list (bills put expense and item lines in two qbXML lists, both from ``lineItems``)."""

    attr: str  # e.g. "invoice_line_add"
    tag: str  # its element, e.g. "InvoiceLineAdd"
    model_list: str  # e.g. "lineItems"
    indices: tuple[int, ...]


def check_request(
    draft: Draft,
    request: QbxmlObject,
    fields: Mapping[str, str],
    lines: Sequence[LineGroup] = (),
) -> None:
    """Encode ``request`` as the edition's QuickBooks would receive it; a value it would refuse
    becomes a problem on the model field ``fields`` maps its element to (``{i}`` in a mapped
    path stands for the line's index). Raises the draft's problems, if any."""
    draft.raise_if_any()
    target = EncodeTarget(CHECK_VERSION, draft.edition)
    try:
        encode_request_set([request], target=target)
    except InvalidFieldError as exc:
        draft.problem(*_model_problem(exc, request, fields, lines, target))
    draft.raise_if_any()


def _model_problem(
    exc: InvalidFieldError,
    request: QbxmlObject,
    fields: Mapping[str, str],
    lines: Sequence[LineGroup],
    target: EncodeTarget,
) -> tuple[str, str]:
    why = exc.message.removeprefix(f"{exc.path}: ")
    if exc.fix:
        why = f"{why}. {exc.fix}"
    parts = exc.path.split("/")[2:]  # below "XxxAddRq/XxxAdd"
    index = None
    group = next((g for g in lines if parts and parts[0] == g.tag), None)
    if group is not None:
        index = _failing_line(request, group, target)
    relative = "/".join(parts)
    for end in range(len(parts), 0, -1):
        mapped = fields.get("/".join(parts[:end]))
        if mapped is not None:
            if index is not None:
                mapped = mapped.replace("{i}", str(index))
            return mapped, why
    if group is not None:
        prefix = f"{group.model_list}[{index}]" if index is not None else group.model_list
        return prefix, f"{relative}: {why}"
    return relative or exc.path, why


def _failing_line(request: QbxmlObject, group: LineGroup, target: EncodeTarget) -> int | None:
    """The model index of the first line that fails on its own (the encoder names paths, not
    positions)."""
    (outer,) = (f for f in request._spec.fields if f.kind is Kind.OBJECT and f.required)
    body: Any = getattr(request, outer.attr)
    whole: Any = request
    for position, line in enumerate(getattr(body, group.attr)):
        alone = dataclasses.replace(body, **{group.attr: (line,)})
        try:
            encode_request_set([dataclasses.replace(whole, **{outer.attr: alone})], target=target)
        except InvalidFieldError as exc:
            if f"/{group.tag}" in exc.path:
                return group.indices[position] if position < len(group.indices) else None
    return None


# --- shapes several list writers share ---------------------------------------------------------

AddressT = TypeVar("AddressT", bound=QbxmlObject)

# Codat address field -> qbXML address element, for mapping the encoder's paths back.
ADDRESS_FIELDS: Mapping[str, str] = {
    "Addr1": "line1",
    "Addr2": "line2",
    "City": "city",
    "State": "region",
    "PostalCode": "postalCode",
    "Country": "country",
}


def pick_address(addresses: Sequence[Any] | None, kind: str) -> tuple[int, Any] | None:
    """The first address of ``kind`` (Billing or Delivery) with its index; for Billing, an
    address of type Unknown stands in when there is no Billing one."""
    found = list(enumerate(addresses or ()))
    for wanted in (kind, "Unknown") if kind == "Billing" else (kind,):
        for index, address in found:
            if address.type == wanted:
                return index, address
    return None


def qb_address(
    draft: Draft, cls: type[AddressT], picked: tuple[int, Any] | None
) -> AddressT | None:
    """A Codat address as a qbXML address aggregate: line1 is Addr1 and line2 Addr2, the
    reverse of the reads (which join Addr2-Addr5 into line2)."""
    if picked is None:
        return None
    index, address = picked
    path = f"addresses[{index}]"
    maker: Any = cls
    made: AddressT = maker(
        addr1=draft.text(address.line1, f"{path}.line1"),
        addr2=draft.text(address.line2, f"{path}.line2"),
        city=draft.text(address.city, f"{path}.city"),
        state=draft.text(address.region, f"{path}.region"),
        postal_code=draft.text(address.postal_code, f"{path}.postalCode"),
        country=draft.text(address.country, f"{path}.country"),
    )
    return made


def address_fields(tag: str, picked: tuple[int, Any] | None) -> dict[str, str]:
    """The encoder-path map of an address element to its model fields."""
    if picked is None:
        return {}
    index = picked[0]
    return {f"{tag}/{qb}": f"addresses[{index}].{codat}" for qb, codat in ADDRESS_FIELDS.items()}
