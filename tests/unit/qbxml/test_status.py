"""The qbXML statusCode table: completeness, classification, fallbacks and typed errors."""

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
from qbdlink.qbxml.status import (
    STATUS_CODES,
    EditSequenceConflictError,
    InvalidReferenceError,
    IteratorExpiredError,
    NameInUseError,
    ObjectNotFoundError,
    QuickBooksStatusError,
    Severity,
    StatusCodeInfo,
    StatusConfigurationError,
    StatusPermanentError,
    StatusRange,
    StatusRecordError,
    StatusRetryLaterError,
    StatusUserActionError,
    error_for_status,
    info_for_status,
    is_failure,
    parse_severity,
    raise_for_status,
    status_range,
)

# Every code listed in reference/qbxml.md, section 2 "Status codes".
REFERENCE_CODES = [
    0, 1, 500, 510, 530, 531, 560, 570, 600,
    1000, 1010, 1030, 1060,
    3000, 3010, 3020, 3030, 3031,
    3100, 3120, 3140, 3170, 3175, 3176, 3180, 3200, 3210, 3250, 3260, 3261, 3391,
    9001,
]  # fmt: skip

FAILURE_CODES = [code for code in REFERENCE_CODES if code >= 1000]

EXPECTED_STEP = {
    1000: NextStep.RETRY_LATER,
    1010: NextStep.RETRY_LATER,
    1030: NextStep.FAIL,
    1060: NextStep.FAIL,
    3000: NextStep.FAIL,
    3010: NextStep.FAIL,
    3020: NextStep.FAIL,
    3030: NextStep.FAIL,
    3031: NextStep.FAIL,
    3100: NextStep.SKIP_RECORD,
    3120: NextStep.SKIP_RECORD,
    3140: NextStep.SKIP_RECORD,
    3170: NextStep.RETRY_LATER,
    3175: NextStep.RETRY_LATER,
    3176: NextStep.RETRY_LATER,
    3180: NextStep.RETRY_LATER,
    3200: NextStep.RETRY_LATER,
    3210: NextStep.SKIP_RECORD,
    3250: NextStep.USER_ACTION,
    3260: NextStep.USER_ACTION,
    3261: NextStep.USER_ACTION,
    3391: NextStep.RETRY_LATER,
}

EXPECTED_CATEGORY: dict[int, type[QbdlinkError]] = {
    1000: RetryLaterError,
    1010: RetryLaterError,
    1030: PermanentError,
    1060: PermanentError,
    3000: PermanentError,
    3010: PermanentError,
    3020: PermanentError,
    3030: PermanentError,
    3031: PermanentError,
    3100: RecordSkippedError,
    3120: RecordSkippedError,
    3140: RecordSkippedError,
    3170: RetryLaterError,
    3175: RetryLaterError,
    3176: RetryLaterError,
    3180: RetryLaterError,
    3200: RetryLaterError,
    3210: RecordSkippedError,
    3250: UserActionError,
    3260: UserActionError,
    3261: UserActionError,
    3391: RetryLaterError,
}

SPECIAL_CLASS: dict[int, type[QuickBooksStatusError]] = {
    3100: NameInUseError,
    3120: ObjectNotFoundError,
    3140: InvalidReferenceError,
    3200: EditSequenceConflictError,
    3391: IteratorExpiredError,
}

ALL_CATEGORIES = (
    ConfigurationError,
    RetryLaterError,
    UserActionError,
    PermanentError,
    RecordSkippedError,
)


# --- the table -------------------------------------------------------------------------------


def test_table_covers_every_reference_code() -> None:
    missing = sorted(set(REFERENCE_CODES) - set(STATUS_CODES))
    assert missing == []


@pytest.mark.parametrize("code", sorted(STATUS_CODES))
def test_entry_is_complete(code: int) -> None:
    info = STATUS_CODES[code]
    assert isinstance(info, StatusCodeInfo)
    assert info.code == code
    assert info.meaning.strip()
    assert info.fix.strip()
    assert info.summary.strip()
    assert info.error_code == f"qbxml.status.{code}"
    assert isinstance(info.next_step, NextStep)


def test_9001_admits_its_meaning_is_unknown() -> None:
    assert "unknown" in STATUS_CODES[9001].meaning.lower()


def test_known_wordings_are_quickbooks_own() -> None:
    assert (
        STATUS_CODES[3200].meaning == 'The provided edit sequence "{editSequence}" is out-of-date.'
    )
    assert STATUS_CODES[3391].meaning == 'The iteratorID "{iteratorID}" is not valid.'
    assert STATUS_CODES[3260].meaning == "Insufficient permission level to perform this action."
    assert "already in use" in STATUS_CODES[3100].meaning


@pytest.mark.parametrize(("code", "step"), sorted(EXPECTED_STEP.items()))
def test_classification_per_code(code: int, step: NextStep) -> None:
    assert STATUS_CODES[code].next_step is step


# --- ranges and failure ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (0, StatusRange.INFO),
        (499, StatusRange.INFO),
        (500, StatusRange.WARNING),
        (999, StatusRange.WARNING),
        (1000, StatusRange.GENERAL_ERROR),
        (1999, StatusRange.GENERAL_ERROR),
        (2000, StatusRange.QBOE_ONLY),
        (2999, StatusRange.QBOE_ONLY),
        (3000, StatusRange.FORMAT_ERROR),
        (3099, StatusRange.FORMAT_ERROR),
        (3100, StatusRange.OTHER_ERROR),
        (9099, StatusRange.OTHER_ERROR),
        (9100, StatusRange.MACRO_ERROR),
        (9199, StatusRange.MACRO_ERROR),
        (9200, StatusRange.UNDOCUMENTED),
        (-1, StatusRange.UNDOCUMENTED),
    ],
)
def test_status_range_boundaries(code: int, expected: StatusRange) -> None:
    assert status_range(code) is expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [(0, False), (1, False), (500, False), (530, False), (999, False), (1000, True), (3200, True)],
)
def test_is_failure(code: int, expected: bool) -> None:
    assert is_failure(code) is expected


def test_raise_for_status_returns_none_below_1000() -> None:
    for code in (0, 1, 500, 530, 999):
        raise_for_status(code, "fine")  # must not raise


def test_raise_for_status_raises_the_typed_error() -> None:
    with pytest.raises(EditSequenceConflictError) as caught:
        raise_for_status(
            3200,
            'The provided edit sequence "1416315972" is out-of-date.',
            severity="Error",
            request_name="CustomerModRq",
            request_id="42",
        )
    error = caught.value
    assert error.status_code == 3200
    assert error.status_severity is Severity.ERROR
    assert error.request_name == "CustomerModRq"
    assert error.request_id == "42"


# --- typed errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(STATUS_CODES))
def test_every_error_is_a_complete_qbdlink_error(code: int) -> None:
    error = error_for_status(code, "QuickBooks text", request_name="CustomerAddRq")
    assert isinstance(error, QbdlinkError)
    assert isinstance(error, QuickBooksStatusError)
    assert error.message.strip()
    assert error.fix.strip()
    assert error.code == f"qbxml.status.{code}"
    assert error.next_step is STATUS_CODES[code].next_step
    # Exactly one root category, so handlers catching by category never disagree.
    assert sum(isinstance(error, category) for category in ALL_CATEGORIES) == 1


@pytest.mark.parametrize(("code", "category"), sorted(EXPECTED_CATEGORY.items()))
def test_root_category_per_code(code: int, category: type[QbdlinkError]) -> None:
    assert isinstance(error_for_status(code, "x"), category)


@pytest.mark.parametrize(("code", "cls"), sorted(SPECIAL_CLASS.items()))
def test_special_classes(code: int, cls: type[QuickBooksStatusError]) -> None:
    assert type(error_for_status(code, "x")) is cls


def test_edit_sequence_conflict_is_retriable_after_reread() -> None:
    error = error_for_status(3200, "stale")
    assert isinstance(error, StatusRetryLaterError)
    assert error.retriable
    assert "re-read" in error.fix


def test_record_level_classes_skip_the_record() -> None:
    for code in (3100, 3120, 3140, 3210):
        error = error_for_status(code, "x")
        assert isinstance(error, StatusRecordError)
        assert error.next_step is NextStep.SKIP_RECORD
        assert not error.retriable


def test_lock_codes_are_retry_later() -> None:
    for code in (3170, 3175, 3176, 3180):
        error = error_for_status(code, "This list has been modified by another user.")
        assert type(error) is StatusRetryLaterError
        assert error.retriable


def test_user_action_and_permanent_classes() -> None:
    assert type(error_for_status(3250, "x")) is StatusUserActionError
    assert type(error_for_status(3260, "x")) is StatusUserActionError
    assert type(error_for_status(1030, "x")) is StatusPermanentError
    assert type(error_for_status(3010, "x")) is StatusPermanentError


def test_message_quotes_quickbooks_and_names_the_request() -> None:
    text = 'The name "Acme" of the list element is already in use.'
    error = error_for_status(3100, text, request_name="CustomerAddRq", request_id="7")
    assert text in error.message
    assert "CustomerAddRq" in error.message
    assert '"7"' in error.message
    assert "3100" in error.message
    assert error.status_message == text
    assert str(error) == error.message
    assert error.fix in error.user_text()


def test_message_without_request_or_text_is_still_honest() -> None:
    error = error_for_status(1000, "")
    assert "a request" in error.message
    assert "no message" in error.message


def test_severity_from_text_object_or_range() -> None:
    assert error_for_status(3100, "x", severity="Warn").status_severity is Severity.WARN
    assert error_for_status(3100, "x", severity=Severity.INFO).status_severity is Severity.INFO
    assert error_for_status(3100, "x").status_severity is Severity.ERROR
    assert parse_severity(None, 1) is Severity.INFO
    assert parse_severity(None, 530) is Severity.WARN
    assert parse_severity("warning", 3100) is Severity.WARN
    assert parse_severity("ERROR", 0) is Severity.ERROR
    assert parse_severity("bogus", 3100) is Severity.ERROR
    assert [s.value for s in Severity] == ["Info", "Warn", "Error"]


# --- fallback for unknown codes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "category"),
    [
        (1500, PermanentError),
        (2010, ConfigurationError),
        (3050, PermanentError),
        (4567, RecordSkippedError),
        (9150, PermanentError),
        (12345, PermanentError),
    ],
)
def test_unknown_codes_fall_back_by_range(code: int, category: type[QbdlinkError]) -> None:
    assert code not in STATUS_CODES
    error = error_for_status(code, "something went wrong")
    assert isinstance(error, category)
    assert isinstance(error, QuickBooksStatusError)
    assert error.code == f"qbxml.status.{code}"
    assert "unknown" in error.message
    assert "something went wrong" in error.message
    assert error.fix.strip()


def test_unknown_qboe_code_is_a_configuration_error() -> None:
    assert type(error_for_status(2020, "x")) is StatusConfigurationError


def test_unknown_code_still_raises_only_when_failing() -> None:
    raise_for_status(42, "unknown info")  # info: must not raise
    with pytest.raises(StatusRecordError):
        raise_for_status(4567, "unknown other error")


def test_info_for_status_falls_back() -> None:
    assert info_for_status(3200) is STATUS_CODES[3200]
    fallback = info_for_status(4567)
    assert fallback.code == 4567
    assert fallback.range is StatusRange.OTHER_ERROR
    assert fallback.is_failure


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        STATUS_CODES[1234] = STATUS_CODES[0]  # type: ignore[index]
