"""Build qbXML message objects from their specs: one rich instance, or drawn ones (hypothesis).

Both builders are driven only by ``cls._spec`` and the generated path table, so they cover every
message type the generator produces without a line per type:

* a field is left out when the target QuickBooks lacks it (``PathRule.since`` newer than the
  target version, or the target edition in ``PathRule.not_in``);
* strings respect the smaller of ``FieldSpec.max_length`` and the path rule's limit for the
  edition; enumerations take one of their values;
* for every ``xsd:choice`` exactly one branch is used (the rich builder rotates through them with
  ``branch``; the strategy draws one, or none when the choice is optional); choices nested in a
  branch are resolved after their outer choice, and only when that branch was taken.

A few XSD simple types are not visible in the specs and are generated from the element name:
GUIDs (``OwnerID``, ``ExternalGUID``), durations (``HoursAvailable``...) and the bounded
integers (``MaxReturned`` >= 1, ``ExpirationMonth`` 1-12, days of the month 1-31).
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import strategies as st

from qbdlink.qbxml import EncodeTarget, QbxmlObject
from qbdlink.qbxml.messages._paths import PATH_RULES
from qbdlink.qbxml.schema import ChoiceSpec, FieldSpec, Kind

__all__ = [
    "choice_branch_count",
    "field_allowed",
    "instances",
    "length_limit",
    "path_allowed",
    "records_field",
    "rich_instance",
    "with_status",
    "xml_text",
]

T = TypeVar("T", bound=QbxmlObject)

# XSD simple types the specs do not carry (qbxmltypes*.xsd), by element name.
GUID_TAGS = frozenset({"ExternalGUID", "OwnerID", "CLSID", "SubscriberID"})
DURATION_TAGS = frozenset(
    {
        "Duration",
        "HoursAvailable",
        "HoursAccrued",
        "HoursUsed",
        "HoursWorked",
        "MaximumHours",
        "ReminderTime",
        "SickHoursAccrued",
        "SickHoursAvailable",
        "VacationHoursAccrued",
        "VacationHoursAvailable",
    }
)
INT_RANGES: dict[str, tuple[int, int]] = {
    "MaxReturned": (1, 1_000_000),
    "ExpirationMonth": (1, 12),
    "DayOfMonthDue": (1, 31),
    "DiscountDayOfMonth": (1, 31),
}

# Latin-1 and non-Latin-1 characters, XML's special characters and surrounding spaces; with the
# element name in front it stays within 36 characters (IDTYPE's limit).
RICH_TEXT = " Café-Ω <&>\"'€ü "
RICH_GUID = "{6B29FC40-CA47-1067-B31D-00DD010662DA}"
RICH_DATE = date(2024, 2, 29)
RICH_DATETIME = datetime(2024, 3, 1, 13, 45, 30, tzinfo=timezone(timedelta(hours=-8)))
MAX_DEPTH = 16


# ---- what the target allows -------------------------------------------------------------------


def _rules(path: str, field: FieldSpec) -> Iterator[Any]:
    for key in (f"{path}/{field.tag}", f"{path}/@{field.tag}"):
        rule = PATH_RULES.get(key)
        if rule is not None:
            yield rule


def path_allowed(element_path: str, target: EncodeTarget) -> bool:
    """Whether the target QuickBooks has the element at ``element_path``."""
    rule = PATH_RULES.get(element_path)
    if rule is None:
        return True
    if rule.since is not None and target.version.number < rule.since:
        return False
    return target.edition.value not in rule.not_in


def field_allowed(field: FieldSpec, target: EncodeTarget, path: str) -> bool:
    """Whether ``field`` of the object at ``path`` may be sent to the target."""
    if not field.is_attribute and not path_allowed(f"{path}/{field.tag}", target):
        return False
    if field.kind is Kind.OBJECT:
        return bool(_allowed_classes(field, target, path))
    return True


def _allowed_classes(
    field: FieldSpec, target: EncodeTarget, path: str
) -> list[tuple[str, type[QbxmlObject]]]:
    return [(tag, cls) for tag, cls in field.classes if path_allowed(f"{path}/{tag}", target)]


def length_limit(field: FieldSpec, target: EncodeTarget, path: str) -> int | None:
    """The smaller of the spec's and the path rule's (for the edition) maximum length."""
    limit = field.max_length
    for rule in _rules(path, field):
        for edition, length in rule.max_length:
            if edition == target.edition.value:
                limit = length if limit is None else min(limit, length)
    return limit


# ---- choices --------------------------------------------------------------------------------


def _choice_fields(choice: ChoiceSpec) -> frozenset[str]:
    return frozenset().union(*(fields for fields, _ in choice.branches))


def _ordered_choices(choices: tuple[ChoiceSpec, ...]) -> list[ChoiceSpec]:
    # An outer choice holds more fields than any choice nested in one of its branches.
    return sorted(choices, key=lambda choice: -len(_choice_fields(choice)))


def choice_branch_count(cls: type[QbxmlObject], *, _seen: set[type] | None = None) -> int:
    """The most branches any choice has, in ``cls`` or any class reachable from it."""
    seen = set() if _seen is None else _seen
    if cls in seen:
        return 1
    seen.add(cls)
    count = max((len(choice.branches) for choice in cls._spec.choices), default=1)
    for field in cls._spec.fields:
        for _, child in field.classes:
            count = max(count, choice_branch_count(child, _seen=seen))
    return count


def _resolve_choices(
    cls: type[QbxmlObject],
    available: frozenset[str],
    pick: Callable[[int, ChoiceSpec, list[int]], int | None],
    pick_field: Callable[[list[str]], str] = min,
) -> tuple[frozenset[str], frozenset[str]]:
    """The attributes to leave out so that every choice has at most one branch in use, and the
    attributes the branches in use require.

    ``pick(k, choice, usable)`` returns the index of the branch to use (one of ``usable``) or
    None for no branch (only for optional choices). A required choice whose branch in use
    requires nothing still needs one of the branch's fields (the encoder refuses an empty
    choice): ``pick_field`` picks it.
    """
    excluded: set[str] = set()
    required_by_branches: set[str] = set()
    for k, choice in enumerate(_ordered_choices(cls._spec.choices)):
        fields = _choice_fields(choice)
        if fields <= excluded:
            continue  # nested in a branch that was not taken
        usable = [
            i
            for i, (branch, required) in enumerate(choice.branches)
            if required <= available and not (required & excluded)
        ]
        index = pick(k, choice, usable) if usable else None
        if index is None:
            excluded |= fields
        else:
            branch, required = choice.branches[index]
            excluded |= fields - branch
            required_by_branches |= required
            candidates = sorted((branch & available) - excluded)
            if choice.required and not required and candidates:
                required_by_branches.add(pick_field(candidates))
    return frozenset(excluded), frozenset(required_by_branches - excluded)


# ---- the rich instance --------------------------------------------------------------------------


def rich_instance(
    cls: type[T], *, target: EncodeTarget, path: str | None = None, branch: int = 0
) -> T:
    """An instance of ``cls`` with every field the target allows set (one branch per choice).

    ``path`` is the element path of the instance (the request tag for a request); ``branch``
    picks the branch of every choice (modulo its number of usable branches).
    """
    return _rich(cls, target, path or cls._spec.tag or cls.__name__, branch, 0)


def _rich(cls: type[T], target: EncodeTarget, path: str, branch: int, depth: int) -> T:
    if depth > MAX_DEPTH:
        raise RecursionError(f"{path}: the message nests deeper than {MAX_DEPTH}")
    spec = cls._spec
    available = frozenset(f.attr for f in spec.fields if field_allowed(f, target, path))

    def pick(k: int, choice: ChoiceSpec, usable: list[int]) -> int:
        return usable[(branch + k) % len(usable)]

    excluded, _ = _resolve_choices(cls, available, pick)
    is_query = spec.tag is not None and spec.tag.endswith("QueryRq")
    values: dict[str, Any] = {}
    for n, field in enumerate(spec.fields):
        if field.attr not in available or field.attr in excluded:
            continue
        if field.attr == "iterator_id":
            continue  # only with iterator="Continue"
        if field.attr == "iterator":
            if is_query:
                values["iterator"] = "Start"
            continue
        if field.kind is Kind.OBJECT:
            classes = _allowed_classes(field, target, path)
            if field.repeated:
                if len(classes) > 1:
                    items = [
                        _rich(c, target, f"{path}/{tag}", branch + i, depth + 1)
                        for i, (tag, c) in enumerate(classes)
                    ]
                else:
                    tag, c = classes[0]
                    items = [
                        _rich(c, target, f"{path}/{tag}", branch + i, depth + 1) for i in range(2)
                    ]
                values[field.attr] = tuple(items)
            else:
                tag, c = classes[branch % len(classes)]
                values[field.attr] = _rich(c, target, f"{path}/{tag}", branch, depth + 1)
        elif field.repeated:
            values[field.attr] = tuple(
                _rich_scalar(field, target, path, n + i, branch + i) for i in range(2)
            )
        else:
            values[field.attr] = _rich_scalar(field, target, path, n, branch)
    return cls(**values)


def _rich_scalar(field: FieldSpec, target: EncodeTarget, path: str, n: int, branch: int) -> Any:
    kind = field.kind
    tag = field.tag
    if kind is Kind.STR:
        if field.enums:
            options = sorted(field.enums)
            return options[(n + branch) % len(options)]
        if tag in GUID_TAGS:
            return RICH_GUID if n % 2 == 0 else "0"
        if tag in DURATION_TAGS:
            return f"PT{8 + n % 4}H{15 * (n % 4)}M"
        limit = length_limit(field, target, path)
        text = f"{tag[:14]}{n % 10}{RICH_TEXT}"
        return text if limit is None else text[:limit]
    if kind is Kind.BOOL:
        return (n + branch) % 2 == 0
    if kind is Kind.INT:
        low, high = INT_RANGES.get(tag, (-1000, 100_000))
        return min(high, max(low, 7 + n))
    if kind is Kind.DECIMAL:
        if field.scale == 2:
            return Decimal("12.34") + n
        if field.scale == 5:
            return Decimal("1.23456") + n
        return Decimal("1.5")
    if kind is Kind.DATE:
        return RICH_DATE + timedelta(days=n)
    if kind is Kind.DATETIME:
        return RICH_DATETIME + timedelta(minutes=n)
    raise AssertionError(f"{path}/{tag}: unexpected kind {kind!r}")


def records_field(cls: type[QbxmlObject]) -> FieldSpec | None:
    """The field of a response that holds its records (``*Ret``), if any."""
    from qbdlink.qbxml.messages import RECORDS

    for field in cls._spec.fields:
        if field.kind is Kind.OBJECT and any(tag in RECORDS for tag, _ in field.classes):
            return field
    return None


def with_status(response: T) -> T:
    """A response with a successful status (``0``, ``Info``, ``Status OK``)."""
    return dataclasses.replace(  # type: ignore[type-var]
        response, status_code=0, status_severity="Info", status_message="Status OK"
    )


# ---- hypothesis ---------------------------------------------------------------------------------

# Every character XML 1.0 can carry: tab, newline and carriage return (the encoder writes a
# carriage return, and in attributes tabs and newlines, as references, so parsers keep them) and
# everything from U+0020 but surrogates, U+FFFE and U+FFFF.
_XML_TEXT_CHARS = st.one_of(
    st.sampled_from("\t\n\r"),
    st.characters(
        min_codepoint=0x20, exclude_categories=("Cs",), exclude_characters="\ufffe\uffff"
    ),
)
_OFFSETS = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
_DATETIMES = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2099, 12, 30), timezones=_OFFSETS
).map(lambda value: value.replace(microsecond=0))
_GUIDS = st.one_of(
    st.just("0"),
    st.uuids().map(lambda u: "{" + str(u).upper() + "}"),
    st.uuids().map(lambda u: "{" + str(u) + "}"),
)
_DURATIONS = st.builds(
    lambda h, m, s: f"PT{h}H{m}M{s}S",
    st.integers(0, 9999),
    st.integers(0, 59),
    st.integers(0, 59),
)
# Unbounded strings: long enough to reach any limit a field might have.
UNBOUNDED_TEXT_MAX = 60


def xml_text(min_size: int = 1, max_size: int | None = None) -> st.SearchStrategy[str]:
    """Text XML 1.0 can carry (whitespace-only text included: STR fields keep it)."""
    return st.text(_XML_TEXT_CHARS, min_size=min_size, max_size=max_size)


def _decimal_strategy(scale: int | None) -> st.SearchStrategy[Decimal]:
    if scale is None:
        bound = Decimal("999999")
        return st.integers(0, 6).flatmap(
            lambda places: st.decimals(
                min_value=-bound,
                max_value=bound,
                places=places,
                allow_nan=False,
                allow_infinity=False,
            )
        )
    digits = 13 if scale == 2 else 10
    bound = Decimal(10**digits) - Decimal(1).scaleb(-scale)
    return st.integers(0, scale).flatmap(
        lambda places: st.decimals(
            min_value=-bound, max_value=bound, places=places, allow_nan=False, allow_infinity=False
        )
    )


def _scalar_strategy(field: FieldSpec, target: EncodeTarget, path: str) -> st.SearchStrategy[Any]:
    kind = field.kind
    tag = field.tag
    if kind is Kind.STR:
        if field.enums:
            return st.sampled_from(sorted(field.enums))
        if tag in GUID_TAGS:
            return _GUIDS
        if tag in DURATION_TAGS:
            return _DURATIONS
        limit = length_limit(field, target, path)
        return xml_text(1, UNBOUNDED_TEXT_MAX if limit is None else limit)
    if kind is Kind.BOOL:
        return st.booleans()
    if kind is Kind.INT:
        low, high = INT_RANGES.get(tag, (-(10**9), 10**9))
        return st.integers(low, high)
    if kind is Kind.DECIMAL:
        return _decimal_strategy(field.scale)
    if kind is Kind.DATE:
        return _DATES
    if kind is Kind.DATETIME:
        return _DATETIMES
    raise AssertionError(f"{path}/{tag}: unexpected kind {kind!r}")


def instances(cls: type[T], target: EncodeTarget, path: str | None = None) -> st.SearchStrategy[T]:
    """Drawn instances of ``cls``: a drawn subset of the optional fields, drawn branches."""
    return _instances(cls, target, path or cls._spec.tag or cls.__name__, 0)


def _instances(cls: type[T], target: EncodeTarget, path: str, depth: int) -> st.SearchStrategy[T]:
    return st.composite(lambda draw: _draw(draw, cls, target, path, depth))()


def _draw(draw: Any, cls: type[T], target: EncodeTarget, path: str, depth: int) -> T:
    spec = cls._spec
    available = frozenset(f.attr for f in spec.fields if field_allowed(f, target, path))

    def pick(k: int, choice: ChoiceSpec, usable: list[int]) -> int | None:
        options: list[int | None] = list(usable)
        if not choice.required:
            options.append(None)
        return draw(st.sampled_from(options))

    def pick_field(candidates: list[str]) -> str:
        field: str = draw(st.sampled_from(candidates))
        return field

    excluded, chosen_required = _resolve_choices(cls, available, pick, pick_field)
    values: dict[str, Any] = {}
    iterator: str | None = None
    for field in spec.fields:
        if field.attr not in available or field.attr in excluded:
            continue
        if field.attr == "iterator_id":
            continue  # set below with iterator="Continue"
        needed = field.required or field.attr in chosen_required
        if field.attr == "iterator":
            iterator = draw(st.sampled_from([None, "Start", "Continue", "Stop"]))
            if iterator is not None:
                values["iterator"] = iterator
            continue
        if not needed and (depth >= MAX_DEPTH or not draw(st.booleans())):
            continue
        if field.kind is Kind.OBJECT:
            classes = _allowed_classes(field, target, path)
            item = st.one_of(
                *(_instances(c, target, f"{path}/{tag}", depth + 1) for tag, c in classes)
            )
            if field.repeated:
                values[field.attr] = tuple(draw(st.lists(item, min_size=1, max_size=3)))
            else:
                values[field.attr] = draw(item)
        elif field.repeated:
            values[field.attr] = tuple(
                draw(st.lists(_scalar_strategy(field, target, path), min_size=1, max_size=3))
            )
        else:
            values[field.attr] = draw(_scalar_strategy(field, target, path))
    if iterator in ("Continue", "Stop") and "iterator_id" in available:
        values["iterator_id"] = draw(
            st.text(string.ascii_letters + string.digits + "{}-", min_size=1, max_size=40)
        )
    return cls(**values)
