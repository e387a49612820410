"""Money serialises as JSON numbers and keeps its cents; date-times normalise to sortable text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from qbdlink.model.types import IsoDateTime, Money, normalize_datetime_text

money = TypeAdapter(Money)
iso = TypeAdapter(IsoDateTime)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.50", Decimal("10.50")),
        ("10.5", Decimal("10.5")),
        ("-3", Decimal("-3")),
        ('"12.34"', Decimal("12.34")),
        ("0.1", Decimal("0.1")),
    ],
)
def test_money_reads_json_numbers_and_numeric_strings(raw: str, expected: Decimal) -> None:
    assert money.validate_json(raw) == expected


@pytest.mark.parametrize("raw", ["NaN", '"Infinity"', '"ten"', "true", "null"])
def test_money_refuses_what_is_not_a_finite_number(raw: str) -> None:
    with pytest.raises(ValidationError):
        money.validate_json(raw)


@pytest.mark.parametrize(
    ("value", "json_text"),
    [
        (Decimal("10.50"), b"10.5"),
        (Decimal("10.00"), b"10"),
        (Decimal("0.1"), b"0.1"),
        (Decimal("-1234567.89"), b"-1234567.89"),
        (Decimal("123456789012345678901234567890"), b"123456789012345678901234567890"),
    ],
)
def test_money_serialises_as_a_json_number(value: Decimal, json_text: bytes) -> None:
    assert money.dump_json(value) == json_text
    assert isinstance(money.dump_python(value, mode="json"), int | float)
    # Python mode keeps the Decimal: only JSON needs a number.
    assert money.dump_python(value) == value


@given(
    st.decimals(
        min_value=Decimal("-999999999999.99"),
        max_value=Decimal("999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_cents_survive_a_json_round_trip(value: Decimal) -> None:
    text = money.dump_json(value)
    assert json.loads(text, parse_float=Decimal) == value
    assert money.validate_json(text) == value


@given(
    st.decimals(
        places=5, allow_nan=False, allow_infinity=False, max_value=10**9, min_value=-(10**9)
    )
)
def test_quantities_and_rates_survive_a_json_round_trip(value: Decimal) -> None:
    assert money.validate_json(money.dump_json(value)) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-10-23", "2022-10-23T00:00:00"),
        ("2022-10-23T00:00:00", "2022-10-23T00:00:00"),
        ("2020-10-08T22:40:50Z", "2020-10-08T22:40:50Z"),
        ("2020-10-08T22:40:50z", "2020-10-08T22:40:50Z"),
        ("2021-11-15T01:00:00-05:00", "2021-11-15T06:00:00Z"),
        ("2021-11-15T01:00:00+00:00", "2021-11-15T01:00:00Z"),
        ("2021-12-31T23:30:00-01:00", "2022-01-01T00:30:00Z"),
        ("2023-02-10T11:47:04.792Z", "2023-02-10T11:47:04Z"),
        ("2023-02-10T11:47:04.1234567Z", "2023-02-10T11:47:04Z"),
        ("2023-02-10T11:47:04.5", "2023-02-10T11:47:04"),
        ("2023-02-10T11:47", "2023-02-10T11:47:00"),
        (" 2022-10-23 ", "2022-10-23T00:00:00"),
    ],
)
def test_datetime_text_normalises(text: str, expected: str) -> None:
    assert normalize_datetime_text(text) == expected
    assert normalize_datetime_text(expected) == expected  # idempotent


@pytest.mark.parametrize(
    "text",
    ["", "   ", "yesterday", "2023-13-01", "2023-02-30", "2023-02-10T25:00:00", "10/02/2023"],
)
def test_bad_datetime_text_is_a_clear_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="ISO-8601"):
        normalize_datetime_text(text)


def test_the_datetime_type_normalises_and_accepts_python_dates() -> None:
    assert iso.validate_python("2021-11-15T01:00:00-05:00") == "2021-11-15T06:00:00Z"
    assert iso.validate_python(date(2022, 10, 23)) == "2022-10-23T00:00:00"
    aware = datetime(2022, 10, 23, 1, 2, 3, tzinfo=timezone(timedelta(hours=2)))
    assert iso.validate_python(aware) == "2022-10-22T23:02:03Z"
    assert iso.validate_python(datetime(2022, 10, 23, 1, 2, 3, tzinfo=UTC)).endswith("Z")
    with pytest.raises(ValidationError, match="ISO-8601"):
        iso.validate_python("not a date")
    with pytest.raises(ValidationError):
        iso.validate_python(20221023)


@given(st.datetimes(timezones=st.none() | st.just(UTC)))
def test_normalised_datetimes_sort_as_text_in_time_order(moment: datetime) -> None:
    later = moment + timedelta(seconds=1) if moment.year < 9999 else moment
    first, second = (
        normalize_datetime_text(moment.isoformat()),
        normalize_datetime_text(later.isoformat()),
    )
    assert first <= second
    assert len(first) in (19, 20)
