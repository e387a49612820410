"""The request-processor HRESULT table: completeness, classification and typed errors."""

from __future__ import annotations

import pytest

from qbdlink.errors import (
    ConfigurationError,
    NextStep,
    PermanentError,
    QbdlinkError,
    RecordSkippedError,
    RetryLaterError,
    UserActionError,
)
from qbdlink.qbxml.hresult import (
    HRESULTS,
    HresultConfigurationError,
    HresultInfo,
    HresultPermanentError,
    HresultRetryLaterError,
    HresultUserActionError,
    QuickBooksConnectionError,
    error_for_hresult,
    format_hresult,
    info_for_hresult,
    normalize_hresult,
)

# Every HRESULT listed in reference/qbxml.md, section 1 "HRESULTs".
REFERENCE_HRESULTS = [
    0x80040400, 0x80040401, 0x80040402, 0x80040408, 0x80040409, 0x8004040A, 0x8004040D,
    0x80040410, 0x80040414, 0x80040416, 0x80040417, 0x80040418, 0x8004041A, 0x8004041B,
    0x8004041C, 0x8004041D, 0x8004041E, 0x80040420, 0x80040422, 0x80040423, 0x80040424,
    0x80040427, 0x8004042A, 0x80040308,
]  # fmt: skip

RETRY = [0x80040414, 0x8004041B, 0x80040424, 0x80040401, 0x8004040D, 0x8004041C]
USER = [
    0x8004040A, 0x80040410, 0x80040416, 0x80040417, 0x80040418, 0x8004041A, 0x8004041D,
    0x80040420, 0x80040422, 0x80040408, 0x80040409, 0x80040427,
]  # fmt: skip
CONFIG = [0x80040308, 0x8004041E, 0x8004042A]
PERMANENT = [0x80040400, 0x80040423, 0x80040402]

CATEGORIES = (
    ConfigurationError,
    RetryLaterError,
    UserActionError,
    PermanentError,
    RecordSkippedError,
)


def test_table_covers_every_reference_hresult() -> None:
    assert sorted(set(REFERENCE_HRESULTS) - set(HRESULTS)) == []


def test_classification_lists_cover_the_reference_exactly() -> None:
    classified = RETRY + USER + CONFIG + PERMANENT
    assert sorted(classified) == sorted(REFERENCE_HRESULTS)


@pytest.mark.parametrize("value", sorted(HRESULTS))
def test_entry_is_complete(value: int) -> None:
    info = HRESULTS[value]
    assert isinstance(info, HresultInfo)
    assert info.hresult == value
    assert info.name.strip()
    assert info.name == info.name.upper()
    assert info.text.strip()
    assert info.fix.strip()
    assert info.error_code == f"qbxml.hresult.0x{value:08X}"


def test_names_are_unique() -> None:
    names = [info.name for info in HRESULTS.values()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("values", "step", "cls", "category"),
    [
        (RETRY, NextStep.RETRY_LATER, HresultRetryLaterError, RetryLaterError),
        (USER, NextStep.USER_ACTION, HresultUserActionError, UserActionError),
        (CONFIG, NextStep.FIX_CONFIGURATION, HresultConfigurationError, ConfigurationError),
        (PERMANENT, NextStep.FAIL, HresultPermanentError, PermanentError),
    ],
)
def test_classification(
    values: list[int],
    step: NextStep,
    cls: type[QuickBooksConnectionError],
    category: type[QbdlinkError],
) -> None:
    for value in values:
        assert HRESULTS[value].next_step is step, hex(value)
        error = error_for_hresult(value)
        assert type(error) is cls, hex(value)
        assert isinstance(error, category)
        assert error.next_step is step


@pytest.mark.parametrize("value", sorted(HRESULTS))
def test_every_error_is_a_complete_qbdlink_error(value: int) -> None:
    error = error_for_hresult(value, "COM text")
    assert isinstance(error, QbdlinkError)
    assert isinstance(error, QuickBooksConnectionError)
    assert error.message.strip()
    assert error.fix.strip()
    assert error.code == HRESULTS[value].error_code
    assert error.hresult == value
    assert error.detail == "COM text"
    assert format_hresult(value) in error.message
    assert "{" not in error.fix  # placeholders are always filled
    assert sum(isinstance(error, category) for category in CATEGORIES) == 1


# --- signed and unsigned ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (-2147220480, 0x80040400),
        (0x80040400, 0x80040400),
        (-2147220460, 0x80040414),
        (-2147220728, 0x80040308),
        (0, 0),
        (-1, 0xFFFFFFFF),
    ],
)
def test_normalize_hresult(given: int, expected: int) -> None:
    assert normalize_hresult(given) == expected


@pytest.mark.parametrize("bad", [2**32, -(2**31) - 1])
def test_normalize_rejects_values_outside_32_bits(bad: int) -> None:
    with pytest.raises(ValueError, match="32-bit"):
        normalize_hresult(bad)


def test_signed_and_unsigned_give_the_same_error() -> None:
    signed = error_for_hresult(-2147220460)  # what pywin32's com_error.hresult gives
    unsigned = error_for_hresult(0x80040414)
    assert type(signed) is type(unsigned) is HresultRetryLaterError
    assert signed.hresult == unsigned.hresult == 0x80040414
    assert signed.code == unsigned.code == "qbxml.hresult.0x80040414"
    assert info_for_hresult(-2147220460) is HRESULTS[0x80040414]


def test_format_hresult() -> None:
    assert format_hresult(-2147220470) == "0x8004040A"
    assert format_hresult(0x80040308) == "0x80040308"


# --- messages and fixes ----------------------------------------------------------------------


def test_modal_dialog_fix() -> None:
    assert error_for_hresult(0x80040414).fix.startswith("Close the open window in QuickBooks")


def test_fix_names_the_company_file_and_application() -> None:
    other_file = error_for_hresult(0x8004040A, company_file=r"C:\Books\Acme.qbw")
    assert r'"C:\Books\Acme.qbw"' in other_file.fix
    assert "close the other file" in other_file.fix
    denied = error_for_hresult(0x80040420, app_name="qbdlink connector")
    assert "qbdlink connector" in denied.fix
    assert "Integrated Applications" in denied.fix
    first = error_for_hresult(0x80040418)
    assert "Admin" in first.fix
    assert "single-user" in first.fix
    assert "this application" in first.fix


def test_detail_is_added_only_when_it_says_something_new() -> None:
    text = HRESULTS[0x80040400].text
    same = error_for_hresult(0x80040400, text)
    assert same.message.count(text) == 1
    extra = error_for_hresult(0x80040400, "line 3: unexpected element <Foo>")
    assert "unexpected element <Foo>" in extra.message


def test_unknown_hresult_is_permanent_and_names_the_hex_value() -> None:
    error = error_for_hresult(-2147220000)  # 0x800405E0, not in the table
    assert type(error) is HresultPermanentError
    assert isinstance(error, PermanentError)
    assert "0x800405E0" in error.message
    assert error.code == "qbxml.hresult.0x800405E0"
    assert error.fix.strip()
    assert info_for_hresult(0x800405E0) is None


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        HRESULTS[1] = HRESULTS[0x80040400]  # type: ignore[index]
