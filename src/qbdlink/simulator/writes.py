"""Add, Mod, Del and Void: writing records the way QuickBooks writes them.

Each write runs in one store transaction. It checks what QuickBooks checks (names unique in
their group: 3100; references exist: 3140; the EditSequence is current: 3200; the record
exists: 3120), assigns identity (ListID/TxnID, TxnNumber, EditSequence, TimeCreated and
TimeModified in the company's offset), then lets the kind's business rules compute what
QuickBooks computes (totals, balances), then stores the record and its query columns.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from ..qbxml import messages as m
from ..qbxml.decode import decode_element
from ..qbxml.encode import encode_element
from ..qbxml.schema import Kind as FieldKind
from ..qbxml.schema import QbxmlObject
from .context import RequestContext, StatusError
from .identity import make_id, next_edit_sequence
from .kinds import KINDS, REF_TARGETS, Kind, kind_of_ret
from .records import account_ids, attr, convert, replace
from .store import DeletedRow, RecordRow

__all__ = ["RULES", "BusinessRule", "add", "delete", "load", "mod", "resolver", "save", "void"]

BusinessRule = Callable[[RequestContext, QbxmlObject, QbxmlObject | None], QbxmlObject]
# kind name -> rule(context, new record, previous record or None) -> record to store
RULES: dict[str, BusinessRule] = {}
# kind name -> the amount a transaction leaves open for its customer or vendor (stored in
# cents beside the record, so balances are one SQL sum)
OPEN_AMOUNTS: dict[str, Callable[[QbxmlObject], Decimal]] = {}
# kind name -> what a deleted record's removal does to others (payments, balances)
DELETE_RULES: dict[str, Callable[[RequestContext, QbxmlObject], None]] = {}
_PAYLOAD: ContextVar[QbxmlObject | None] = ContextVar("write_payload", default=None)


def load(
    context: RequestContext, record_id: str, kinds: tuple[str, ...] | None = None
) -> QbxmlObject:
    row = context.store.get(record_id, kinds)
    if row is None:
        raise StatusError(3120, f'Object "{record_id}" specified in the request cannot be found.')
    return decode_row(context, row)


_DECODED_LIMIT = 20_000


def decode_row(context: RequestContext, row: RecordRow) -> QbxmlObject:
    """The record a stored row holds, decoded once for as long as its text is unchanged."""
    cached = context.decoded.get(row.id)
    if cached is not None and cached[0] == row.body:
        record = cached[1]
        assert isinstance(record, QbxmlObject)
        return record
    record = decode_element(row.body, KINDS[row.kind].ret)
    if len(context.decoded) >= _DECODED_LIMIT:
        context.decoded.clear()
    context.decoded[row.id] = (row.body, record)
    return record


def resolver(context: RequestContext, own_kind: Kind) -> Callable[[str, QbxmlObject], QbxmlObject]:
    def resolve(tag: str, ref: QbxmlObject) -> QbxmlObject:
        targets = (own_kind.name,) if tag == "ParentRef" else REF_TARGETS.get(tag)
        if targets is None:
            return ref  # a list the simulator does not keep: accepted as written
        list_id = getattr(ref, "list_id", None)
        full_name = getattr(ref, "full_name", None)
        found: tuple[str, str, str] | None = None
        if list_id:
            found = context.store.reference(list_id, targets)
        elif full_name:
            for target in targets:
                group = KINDS[target].name_group
                named = context.store.reference_by_name(group, full_name) if group else None
                if named is not None and named[0] in targets:
                    found = named
                    break
        if found is None:
            wanted = list_id or full_name or "(empty)"
            raise StatusError(
                3140,
                f'There is an invalid reference to QuickBooks {targets[0]} "{wanted}". '
                "QuickBooks error message: Invalid argument.  The specified record does not "
                "exist in the list.",
            )
        ref_class: Any = type(ref)  # every *Ref class has ListID and FullName
        return ref_class(list_id=found[1], full_name=found[2])  # type: ignore[no-any-return]

    return resolve


def _full_name(record: QbxmlObject) -> str | None:
    return getattr(record, "full_name", None) or getattr(record, "name", None)


def add(context: RequestContext, kind: Kind, payload: QbxmlObject) -> QbxmlObject:
    with context.store.write():
        now = context.now()
        record = convert(payload, kind.ret, resolver(context, kind))
        identity: dict[str, Any] = {
            "time_created": now,
            "time_modified": now,
            "edit_sequence": next_edit_sequence(None, now),
        }
        if kind.is_list:
            identity["list_id"] = make_id(context.store.next_counter("list_counter"), now)
            identity.update(_hierarchy(context, record))
            if "is_active" in kind.ret._spec.by_attr and attr(record, "is_active") is None:
                identity["is_active"] = True
        else:
            identity["txn_id"] = make_id(context.store.next_counter("txn_counter"), now)
            if "txn_number" in kind.ret._spec.by_attr:
                identity["txn_number"] = context.store.next_counter("txn_number")
            if "txn_date" in kind.ret._spec.by_attr and attr(record, "txn_date") is None:
                identity["txn_date"] = now.date()
        record = replace(record, **identity)
        record = _with_line_ids(context, record, now)
        record = _apply_rules(context, kind, record, None, payload)
        record = save(context, kind, record, new=True)
    return record


def _hierarchy(context: RequestContext, record: QbxmlObject) -> dict[str, Any]:
    spec = type(record)._spec.by_attr
    if isinstance(record, m.EmployeeRet):
        # An employee's name is not sent: QuickBooks builds it from the parts of the name.
        parts = (record.first_name, record.middle_name, record.last_name)
        return {"name": " ".join(part for part in parts if part) or record.name}
    if "full_name" not in spec:
        return {}
    name = getattr(record, "name", None)
    parent = getattr(record, "parent_ref", None)
    if parent is None:
        return {"full_name": name, "sublevel": 0} if "sublevel" in spec else {"full_name": name}
    parent_record = load(context, parent.list_id)
    sublevel = int(getattr(parent_record, "sublevel", 0) or 0) + 1
    return {"full_name": f"{attr(parent_record, 'full_name')}:{name}", "sublevel": sublevel}


def mod(context: RequestContext, kind: Kind, payload: QbxmlObject) -> QbxmlObject:
    id_attr = "list_id" if kind.is_list else "txn_id"
    record_id = getattr(payload, id_attr)
    with context.store.write():
        previous = load(context, record_id, (kind.name,))
        sent = attr(payload, "edit_sequence")
        current = attr(previous, "edit_sequence")
        if sent != current:
            raise StatusError(3200, f'The provided edit sequence "{sent}" is out-of-date.')
        base = {
            spec.attr: getattr(previous, spec.attr)
            for spec in kind.ret._spec.fields
            if not _is_replaced_line(spec.attr, payload)
        }
        record = convert(payload, kind.ret, resolver(context, kind), base=base)
        now = context.now()
        changes: dict[str, Any] = {
            "time_modified": now,
            "edit_sequence": next_edit_sequence(current, now),
        }
        if kind.is_list:
            changes.update(_hierarchy(context, record))
        record = replace(record, **changes)
        record = _with_line_ids(context, record, now)
        record = _apply_rules(context, kind, record, previous, payload)
        record = save(context, kind, record, new=False)
    return record


def _with_line_ids(context: RequestContext, record: QbxmlObject, now: Any) -> QbxmlObject:
    """Every line gets its TxnLineID; a Mod's new lines come with "-1" and get one too."""
    changes: dict[str, Any] = {}
    for spec in record._spec.fields:
        value = getattr(record, spec.attr)
        if spec.attr == "txn_line_id" and (value is None or value == "-1"):
            changes[spec.attr] = make_id(context.store.next_counter("txn_counter"), now)
        elif spec.classes and value not in (None, ()) and spec.attr.endswith("_ret"):
            if spec.repeated:
                changes[spec.attr] = tuple(_with_line_ids(context, item, now) for item in value)
            else:
                changes[spec.attr] = _with_line_ids(context, value, now)
    return replace(record, **changes) if changes else record


def _is_replaced_line(attr: str, payload: QbxmlObject) -> bool:
    # A Mod that lists any line replaces the record's lines with the ones it lists.
    if not attr.endswith("_ret") or "line" not in attr:
        return False
    mod_attr = attr[: -len("_ret")] + "_mod"
    return bool(getattr(payload, mod_attr, None))


def _apply_rules(
    context: RequestContext,
    kind: Kind,
    record: QbxmlObject,
    previous: QbxmlObject | None,
    payload: QbxmlObject | None = None,
) -> QbxmlObject:
    rule = RULES.get(kind.name)
    if rule is None:
        return record
    token = _PAYLOAD.set(payload)
    try:
        return rule(context, record, previous)
    finally:
        _PAYLOAD.reset(token)


def current_payload() -> QbxmlObject | None:
    """The Add/Mod payload of the write whose rules are running (None for a void).

    A rule needs what the record does not keep: a payment's PaymentAmount per invoice,
    SetCredit, IsAutoApply.
    """
    return _PAYLOAD.get()


def latin1_only(record: QbxmlObject) -> QbxmlObject:
    """QuickBooks keeps ISO-8859-1 text only: every other character is stored as "?"."""
    changes: dict[str, Any] = {}
    for spec in record._spec.fields:
        value = getattr(record, spec.attr)
        if value is None or value == ():
            continue
        if spec.kind is FieldKind.STR:
            items = value if spec.repeated else (value,)
            cleaned = tuple(_latin1(text) for text in items)
            if cleaned != tuple(items):
                changes[spec.attr] = cleaned if spec.repeated else cleaned[0]
        elif spec.kind is FieldKind.OBJECT:
            items = value if spec.repeated else (value,)
            cleaned_objects = tuple(latin1_only(item) for item in items)
            if any(a is not b for a, b in zip(cleaned_objects, items, strict=True)):
                changes[spec.attr] = cleaned_objects if spec.repeated else cleaned_objects[0]
    return replace(record, **changes) if changes else record


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int((amount * 100).to_integral_value())


def _latin1(text: str) -> str:
    return text if text.isascii() else "".join(ch if ord(ch) <= 0xFF else "?" for ch in text)


def save(context: RequestContext, kind: Kind, record: QbxmlObject, *, new: bool) -> QbxmlObject:
    """Store ``record`` and its query columns (inside the caller's write()); returns the
    record as stored, which is what QuickBooks answers with."""
    record = latin1_only(record)
    record_id = getattr(record, "list_id" if kind.is_list else "txn_id")
    full_name = _full_name(record) if kind.is_list else None
    if (
        kind.name_group
        and full_name
        and context.store.name_taken(kind.name_group, full_name, except_id=record_id)
    ):
        raise StatusError(3100, f'The name "{full_name}" of the list element is already in use.')
    entity = next(
        (
            getattr(record, attr)
            for attr in ("customer_ref", "vendor_ref", "payee_entity_ref", "entity_ref")
            if getattr(record, attr, None) is not None
        ),
        None,
    )
    open_amount = OPEN_AMOUNTS.get(kind.name)
    is_paid = getattr(record, "is_paid", None)
    is_active = getattr(record, "is_active", None)
    txn_date = getattr(record, "txn_date", None)
    row: dict[str, object] = {
        "kind": kind.name,
        "id": record_id,
        "name_group": kind.name_group,
        "full_name": full_name,
        "ref_number": getattr(record, "ref_number", None),
        "txn_date": txn_date.isoformat() if txn_date else None,
        "modified_utc": int(attr(record, "time_modified").timestamp()),
        "entity_id": getattr(entity, "list_id", None),
        "account_ids": account_ids(record),
        "is_active": 0 if is_active is False else 1,
        "is_paid": None if is_paid is None else int(bool(is_paid)),
        "edit_sequence": attr(record, "edit_sequence"),
        "open_cents": None if open_amount is None else _cents(open_amount(record)),
        "balance_cents": _cents(attr(record, "balance")),
        "body": encode_element(record, kind.ret_tag),
    }
    if new:
        context.store.insert(row)
    else:
        del row["kind"], row["id"]
        context.store.update(record_id, row)
    return record


def delete(
    context: RequestContext, kind_names: tuple[str, ...], record_id: str
) -> tuple[Kind, QbxmlObject]:
    with context.store.write():
        record = load(context, record_id, kind_names)
        kind = kind_of_ret(record)
        now = context.now()
        context.store.remove(record_id)
        on_delete = DELETE_RULES.get(kind.name)
        if on_delete is not None:
            on_delete(context, record)
        context.store.journal_deletion(
            DeletedRow(
                kind=kind.name,
                id=record_id,
                time_created=attr(record, "time_created").isoformat(),
                time_deleted=now.isoformat(),
                full_name=_full_name(record) if kind.is_list else None,
                ref_number=None if kind.is_list else getattr(record, "ref_number", None),
            ),
            int(now.timestamp()),
        )
    return kind, record


def void(context: RequestContext, kind_name: str, txn_id: str) -> QbxmlObject:
    """Voiding keeps the transaction with zero amounts and "VOID:" before its memo."""
    kind = KINDS[kind_name]
    with context.store.write():
        record = load(context, txn_id, (kind_name,))
        zeroed = _zero_amounts(record)
        memo = getattr(record, "memo", None)
        now = context.now()
        changes: dict[str, Any] = {
            "time_modified": now,
            "edit_sequence": next_edit_sequence(attr(record, "edit_sequence"), now),
        }
        if "memo" in kind.ret._spec.by_attr:
            changes["memo"] = f"VOID: {memo}" if memo else "VOID:"
        record = replace(zeroed, **changes)
        # previous=None: the rules read the stored version themselves, as for any write
        # that is not a Mod (a void changes amounts, not what the request sent).
        record = _apply_rules(context, kind, record, None)
        record = save(context, kind, record, new=False)
    return record


def _zero_amounts(record: QbxmlObject) -> QbxmlObject:
    changes: dict[str, Any] = {}
    for spec in record._spec.fields:
        value = getattr(record, spec.attr)
        if value is None or value == ():
            continue
        if spec.kind is FieldKind.DECIMAL and spec.scale == 2 and not spec.repeated:
            changes[spec.attr] = Decimal("0.00")
        elif spec.kind is FieldKind.OBJECT and spec.attr.endswith("_ret") and spec.repeated:
            changes[spec.attr] = tuple(_zero_amounts(item) for item in value)
    return replace(record, **changes) if changes else record
