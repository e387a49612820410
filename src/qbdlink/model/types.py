"""Shared annotated types: Codat's decimals and ISO-8601 date-time strings.

``Money`` is every Codat ``number/decimal`` field (amounts, quantities, rates). It validates from
JSON numbers or numeric strings into :class:`~decimal.Decimal` and serialises, in JSON mode, as a
JSON number: Codat's SDKs reject decimals sent as strings.

``IsoDateTime`` is every Codat ``DateTime`` field. It stays a string, as Codat's is, but one
normalised by :func:`normalize_datetime_text`, so stored values sort and compare as text (SQL
``ORDER BY`` and ``<`` on a text column give date order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

__all__ = ["DATETIME_MARKER", "IsoDateTime", "Money", "normalize_datetime_text"]


def _decimal_to_json(value: Decimal) -> int | float:
    # An integral value goes out as an int, so any size stays exact. Otherwise float(): its repr
    # is the shortest text that reads back to the same float, so values of up to 15 significant
    # digits (every QuickBooks amount, to the cent) come out as written: 10.50 -> 10.5.
    if value == value.to_integral_value():
        return int(value)
    return float(value)


Money = Annotated[
    Decimal,
    Field(allow_inf_nan=False),
    PlainSerializer(_decimal_to_json, return_type=int | float, when_used="json"),
]


@dataclass(frozen=True)
class _DateTimeMarker:
    """Tags ``IsoDateTime`` in its metadata, so introspection tells it from a plain ``str``."""


DATETIME_MARKER = _DateTimeMarker()

# Python 3.11's fromisoformat reads at most 6 fractional digits; .NET (and Codat) write 7.
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")


def normalize_datetime_text(text: str) -> str:
    """Normalise ISO-8601 date or date-time text to ``YYYY-MM-DDTHH:MM:SS[Z]``.

    A date alone becomes midnight; fractional seconds are dropped; a time with a UTC offset is
    converted to UTC and written with a trailing ``Z``; a time without one stays local (no ``Z``),
    as Codat returns it when the source has no time zone. Raises ``ValueError`` on anything else.
    """
    # RFC 3339 allows a lower-case "z"; fromisoformat does not.
    stripped = text.strip()
    if stripped.endswith("z"):
        stripped = stripped[:-1] + "Z"
    if not stripped:
        raise ValueError("expected an ISO-8601 date or date-time, got an empty string")
    try:
        parsed = datetime.fromisoformat(_LONG_FRACTION.sub(r"\1", stripped))
        if parsed.tzinfo is not None:
            utc = parsed.astimezone(UTC).replace(tzinfo=None)
            return utc.isoformat(timespec="seconds") + "Z"
    except (ValueError, OverflowError) as exc:
        raise ValueError(
            f"expected an ISO-8601 date or date-time such as 2023-04-26 or "
            f"2023-04-26T09:08:12Z, got {text!r}"
        ) from exc
    return parsed.isoformat(timespec="seconds")


def _coerce_datetime(value: Any) -> Any:
    # A datetime object (the connector's own values) is welcome too; anything that is not text
    # falls through to the str validator, which rejects it with pydantic's own message.
    if isinstance(value, datetime):
        return normalize_datetime_text(value.isoformat())
    if isinstance(value, date):
        return normalize_datetime_text(value.isoformat())
    if isinstance(value, str):
        return normalize_datetime_text(value)
    return value


IsoDateTime = Annotated[str, BeforeValidator(_coerce_datetime), DATETIME_MARKER]
