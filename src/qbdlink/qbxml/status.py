"""qbXML response status codes: what each one means and what happens next.

Every ``*Rs`` element of a qbXML response carries ``statusCode``, ``statusSeverity``
(``Info`` / ``Warn`` / ``Error``) and ``statusMessage``. This module turns such a triple into
a typed :class:`~qbdlink.errors.QbdlinkError` whose class says what the caller (and the
person behind it) should do next.

Theory of the classification
----------------------------
Intuit divides the codes into ranges [OSR-ERR]: 0-499 info, 500-999 warnings (data is still
returned), 1000-1999 general errors, 2000-2999 QuickBooks Online Edition only, 3000-3099
format errors, 3100-9099 other errors and 9100-9199 macro errors. Only codes from 1000 on are
failures: status 1 ("no match") and the 500 range are normal answers to queries
(reference/qbxml.md, pitfall 10), so :func:`is_failure` is False for 0-999.

Each failure is classified by who can make the same work succeed:

* **Retry later** (:class:`StatusRetryLaterError`): QuickBooks was busy, not the request.
  Lock and "modified by another user" failures (3170, 3175, 3176, 3180), "system not
  available" (1010) and internal errors (1000) succeed when the same request is sent again
  [PHP-ERR; pitfall 3]. An expired iterator (3391, :class:`IteratorExpiredError`) means the
  query must be restarted from ``iterator="Start"``; iterators belong to a session.
* **Edit-sequence conflict** (3200, :class:`EditSequenceConflictError`): someone changed the
  record since we read it. It is retriable, but only after re-reading the record to obtain
  its current ``EditSequence`` (and deciding whether our change still applies); resending the
  same request fails again. It is a subclass of the retry-later class so generic handlers
  re-queue it, while code that builds ``*ModRq`` catches it first to re-read.
* **Record-level** (:class:`StatusRecordError`, a :class:`~qbdlink.errors.RecordSkippedError`):
  the data of this one record is wrong for QuickBooks: a name already in use (3100,
  :class:`NameInUseError`), a reference to something that does not exist (3120, 3140,
  :class:`InvalidReferenceError`), a business rule (3210). Retrying the same data cannot help,
  and the rest of the batch is fine, so this one write fails permanently and the run goes on
  with the next record: exactly the "skip this record" contract. The error is reported so a
  person can correct the record at its source.
* **User action in QuickBooks** (:class:`StatusUserActionError`): a person must change
  something in QuickBooks: turn on a feature in Preferences (3250), grant the application's
  user more rights (3260, 3261), lift a closing-date password (3171).
* **Permanent** (:class:`StatusPermanentError`): the request itself is wrong, which is a bug on
  our side: unsupported message (1030), invalid ``requestID`` (1060), format errors (3000-3031)
  and macro errors (9100-9199). Retrying cannot help and skipping would hide the bug.
* **Configuration** (:class:`StatusConfigurationError`): QBOE-only codes (2000-2999) mean the
  connection reaches something other than QuickBooks Desktop.

Codes missing from :data:`STATUS_CODES` fall back by range (:func:`error_for_status`) with a
message that says the code is unknown. Codes below 1000 are not failures, yet the table still
gives the next step that applies when a caller chooses to treat one as an error (for instance
a lookup that must find its object and gets status 1).

Sources (keys as in reference/qbxml.md): OSR-ERR = Intuit's "status codes in response
messages" / ``QBD-errorcodes.html``; PHP-ERR = consolibyte/quickbooks-php
``QuickBooks/Callbacks/SQL/Errors.php``; "3P captured" = real messages quoted by integrators.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from qbdlink.errors import (
    ConfigurationError,
    NextStep,
    PermanentError,
    QbdlinkError,
    RecordSkippedError,
    RetryLaterError,
    UserActionError,
)

__all__ = [
    "STATUS_CODES",
    "EditSequenceConflictError",
    "InvalidReferenceError",
    "IteratorExpiredError",
    "NameInUseError",
    "ObjectNotFoundError",
    "QuickBooksStatusError",
    "Severity",
    "StatusCodeInfo",
    "StatusConfigurationError",
    "StatusPermanentError",
    "StatusRange",
    "StatusRecordError",
    "StatusRetryLaterError",
    "StatusUserActionError",
    "error_for_status",
    "info_for_status",
    "is_failure",
    "parse_severity",
    "raise_for_status",
    "status_range",
]


class Severity(enum.Enum):
    """The ``statusSeverity`` attribute of a qbXML response."""

    INFO = "Info"
    WARN = "Warn"
    ERROR = "Error"


class StatusRange(enum.Enum):
    """Intuit's statusCode ranges [OSR-ERR]; the value is a label for messages."""

    INFO = "info"
    WARNING = "warning"
    GENERAL_ERROR = "general error"
    QBOE_ONLY = "QuickBooks Online Edition only"
    FORMAT_ERROR = "format error"
    OTHER_ERROR = "other error"
    MACRO_ERROR = "macro error"
    # Negative codes and codes above 9199: no documented range.
    UNDOCUMENTED = "undocumented"


# (first, last, range), inclusive, in ascending order.
_RANGES: tuple[tuple[int, int, StatusRange], ...] = (
    (0, 499, StatusRange.INFO),
    (500, 999, StatusRange.WARNING),
    (1000, 1999, StatusRange.GENERAL_ERROR),
    (2000, 2999, StatusRange.QBOE_ONLY),
    (3000, 3099, StatusRange.FORMAT_ERROR),
    (3100, 9099, StatusRange.OTHER_ERROR),
    (9100, 9199, StatusRange.MACRO_ERROR),
)


def status_range(code: int) -> StatusRange:
    """The documented range ``code`` falls in (``UNDOCUMENTED`` outside all of them)."""
    for first, last, found in _RANGES:
        if first <= code <= last:
            return found
    return StatusRange.UNDOCUMENTED


def is_failure(code: int) -> bool:
    """True when the request failed: every code from 1000 on.

    0-999 are not failures: status 1 ("no match") and the 500 range (warnings, data still
    returned) are normal answers to queries. Negative codes are not documented at all, so
    they are not taken for success either.
    """
    return not 0 <= code <= 999


def _default_severity(code: int) -> Severity:
    # What QuickBooks itself sends for each range when the attribute is missing or unreadable.
    if 0 <= code <= 499:
        return Severity.INFO
    if 500 <= code <= 999:
        return Severity.WARN
    return Severity.ERROR


def parse_severity(value: Severity | str | None, code: int) -> Severity:
    """Read a ``statusSeverity`` value; ``None`` or an unknown text falls back by range.

    QuickBooks sends ``Info``, ``Warn`` or ``Error``; ``Warning`` and other case variants are
    accepted because third-party tools write them.
    """
    if isinstance(value, Severity):
        return value
    text = (value or "").strip().lower()
    for severity in Severity:
        if text == severity.value.lower() or (severity is Severity.WARN and text == "warning"):
            return severity
    return _default_severity(code)


@dataclass(frozen=True)
class StatusCodeInfo:
    """What one statusCode means and what to do about it.

    ``meaning`` is QuickBooks' own wording when a source gives it, with ``{placeholders}``
    where QuickBooks fills in names and values; ``summary`` is our short description used in
    messages; ``fix`` is what a person does; ``error_code`` is the stable machine code.
    """

    code: int
    meaning: str
    next_step: NextStep
    fix: str
    error_code: str
    summary: str

    @property
    def is_failure(self) -> bool:
        return is_failure(self.code)

    @property
    def range(self) -> StatusRange:
        return status_range(self.code)


# --------------------------------------------------------------------------------------------
# Typed errors
# --------------------------------------------------------------------------------------------


class QuickBooksStatusError(QbdlinkError):
    """A qbXML response whose status is a failure (or one a caller chose to treat as one).

    Mixin-style base: the concrete classes combine it with a root category of
    :mod:`qbdlink.errors`, which decides ``next_step``. This class defines no ``next_step`` of
    its own so the category's wins in the method resolution order.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fix: str | None = None,
        status_code: int,
        status_severity: Severity,
        status_message: str,
        request_name: str | None = None,
        request_id: str | None = None,
    ) -> None:
        # One __init__ for the whole family: with (QuickBooksStatusError, RetryLaterError, ...)
        # super() reaches QbdlinkError.__init__, as the categories define none.
        super().__init__(message, code=code, fix=fix)
        self.status_code = status_code
        self.status_severity = status_severity
        self.status_message = status_message
        self.request_name = request_name
        self.request_id = request_id


class StatusRetryLaterError(QuickBooksStatusError, RetryLaterError):
    """QuickBooks was busy or locked; the same request succeeds later."""


class StatusUserActionError(QuickBooksStatusError, UserActionError):
    """A person must change something in QuickBooks (preferences, permissions)."""


class StatusConfigurationError(QuickBooksStatusError, ConfigurationError):
    """The connection reaches the wrong kind of QuickBooks; fix the configuration."""


class StatusPermanentError(QuickBooksStatusError, PermanentError):
    """The request is malformed or unsupported: a bug on our side; retrying cannot help."""


class StatusRecordError(QuickBooksStatusError, RecordSkippedError):
    """This record's data is wrong for QuickBooks: this one write fails, the run goes on."""


class NameInUseError(StatusRecordError):
    """3100: the name is taken (names are shared across Customer, Vendor, Employee, OtherName)."""


class ObjectNotFoundError(StatusRecordError):
    """3120: the object the request names (by ID or name) does not exist in QuickBooks."""


class InvalidReferenceError(StatusRecordError):
    """3140: the record refers to a list element or transaction that does not exist."""


class EditSequenceConflictError(StatusRetryLaterError):
    """3200: the record changed since we read it; re-read its EditSequence, then retry."""


class IteratorExpiredError(StatusRetryLaterError):
    """3391: the iterator is gone (it belongs to a session); restart the query from Start."""


# The class used for each next step; codes with their own class are listed in _SPECIAL.
_CLASS_FOR_STEP: Mapping[NextStep, type[QuickBooksStatusError]] = MappingProxyType(
    {
        NextStep.RETRY_LATER: StatusRetryLaterError,
        NextStep.USER_ACTION: StatusUserActionError,
        NextStep.FIX_CONFIGURATION: StatusConfigurationError,
        NextStep.FAIL: StatusPermanentError,
        NextStep.SKIP_RECORD: StatusRecordError,
    }
)

_SPECIAL: Mapping[int, type[QuickBooksStatusError]] = MappingProxyType(
    {
        3100: NameInUseError,
        3120: ObjectNotFoundError,
        3140: InvalidReferenceError,
        3200: EditSequenceConflictError,
        3391: IteratorExpiredError,
    }
)


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------

_RETRY = NextStep.RETRY_LATER
_USER = NextStep.USER_ACTION
_CONFIG = NextStep.FIX_CONFIGURATION
_FAIL = NextStep.FAIL
_SKIP = NextStep.SKIP_RECORD

_BUG_FIX = (
    "This is a fault in the request qbdlink built, not in your data: report it to the qbdlink "
    "maintainers with this message."
)
_LOCK_FIX = (
    "Someone or something in QuickBooks is using this record or list. qbdlink retries on its "
    "own; if it keeps failing, close the record's window in QuickBooks and make sure no other "
    "integration is writing to it."
)


def _entry(
    code: int, next_step: NextStep, summary: str, meaning: str, fix: str
) -> tuple[int, StatusCodeInfo]:
    info = StatusCodeInfo(
        code=code,
        meaning=meaning,
        next_step=next_step,
        fix=fix,
        error_code=f"qbxml.status.{code}",
        summary=summary,
    )
    return code, info


_ENTRIES: tuple[tuple[int, StatusCodeInfo], ...] = (
    # --- 0-499 info: not failures ------------------------------------------------------------
    # The real statusMessage of a success (fixtures); OSR-ERR: "The QuickBooks server
    # processed the request successfully."
    _entry(0, _FAIL, "success", "Status OK", "Nothing to fix: QuickBooks processed the request."),
    _entry(
        1,
        _SKIP,  # only when a caller insists the object must exist
        "no match",
        "A query request did not find a matching object in QuickBooks",
        "Nothing to fix for a search. If the object should exist, check that it was not "
        "deleted or renamed in QuickBooks.",
    ),
    # --- 500-999 warnings: data is still returned [OSR-ERR] ------------------------------------
    _entry(
        500,
        _SKIP,
        "some objects could not be found",
        "The query request has not been fully completed. There was a required element "
        '("{fieldValue}") that could not be found in QuickBooks.',
        "Check that the objects named in the request still exist in QuickBooks.",
    ),
    _entry(
        501,
        _FAIL,
        "object not in this qbXML specification",
        'Unable to represent {objectName} "{fieldValue}" in this version of the qbXML spec.',
        "Use a newer QuickBooks (and qbXML version) to read this object; " + _BUG_FIX,
    ),
    _entry(
        510,
        _SKIP,
        "object cannot be returned",
        "Unable to return object.",
        "Open the object in QuickBooks to check it is not damaged (File > Utilities > Verify "
        "Data), then run again.",
    ),
    _entry(
        530,
        _FAIL,
        "unsupported field",
        'The field "{fieldName}" is not supported by this implementation.',
        _BUG_FIX,
    ),
    _entry(
        531,
        _FAIL,
        "unsupported enum value",
        'The enum value "{fieldValue}" in the field "{fieldName}" is not supported by this '
        "implementation.",
        _BUG_FIX,
    ),
    _entry(
        550,
        _SKIP,
        "notes could not be saved",
        "The {objectName} object was saved successfully, but its corresponding Notes record "
        "could not be saved.",
        "Add the notes to the record by hand in QuickBooks.",
    ),
    _entry(
        560,
        _FAIL,
        "deprecated field used",
        "Use of this field is no longer recommended. Although it is currently supported, it "
        "may be removed from a future release.",
        _BUG_FIX,
    ),
    _entry(
        570,
        _SKIP,
        "cannot link to a closed transaction",
        'Unable to link to transaction "{fieldValue}" because it has already been closed.',
        "Link the record to an open transaction, or reopen the transaction in QuickBooks.",
    ),
    _entry(
        600,
        _FAIL,
        "no cleared state to return",
        "(For error recovery; no message is returned.)",
        "Nothing to fix: QuickBooks kept no error-recovery state for this message set.",
    ),
    # --- 1000-1999 general errors [OSR-ERR] ----------------------------------------------------
    _entry(
        1000,
        _RETRY,  # an internal hiccup in QuickBooks; the same request usually passes later
        "internal QuickBooks error",
        "There has been an internal error when processing the request.",
        "qbdlink retries later. If it keeps failing, restart QuickBooks and check the "
        "company file with File > Utilities > Verify Data.",
    ),
    _entry(
        1010,
        _RETRY,
        "system not available",
        "System not available",
        "QuickBooks is busy or not ready; qbdlink retries later. If it keeps failing, make sure "
        "QuickBooks is running with the company file open.",
    ),
    _entry(
        1030,
        _FAIL,
        "unsupported request",
        "This request is not supported by this implementation.",
        "This QuickBooks edition or version does not support this request. Update QuickBooks "
        "or turn off the part of the sync that needs it; otherwise " + _BUG_FIX,
    ),
    _entry(
        1060,
        _FAIL,
        "invalid requestID",
        'The request ID "{fieldValue}" is invalid, possibly too long. (The maximum is 50 '
        "characters.)",
        _BUG_FIX,
    ),
    # --- 3000-3099 format errors: the request is malformed (a bug on our side) ----------------
    _entry(
        3000,
        _FAIL,
        "invalid object ID",
        'The given object ID "{fieldValue}" in the field "{fieldName}" is invalid.',
        "If the ID came from stored data, re-read the record from QuickBooks; otherwise "
        + _BUG_FIX,
    ),
    _entry(
        3010,
        _FAIL,
        "invalid boolean",
        'There was an error when converting the boolean value "{fieldValue}" in the field '
        '"{fieldName}".',
        _BUG_FIX,
    ),
    _entry(
        3020,
        _FAIL,
        "invalid date",
        'There was an error when converting the date value "{fieldValue}" in the field '
        '"{fieldName}".',
        _BUG_FIX,
    ),
    _entry(
        3030,
        _FAIL,
        "invalid date range",
        "Invalid date range: From date is greater than To date.",
        "Check the date range in the sync settings (the start must not be after the end); "
        "otherwise " + _BUG_FIX,
    ),
    _entry(
        3031,
        _FAIL,
        "invalid string range",
        'The "From" or "To" values in the provided {fieldName} are invalid.',
        _BUG_FIX,
    ),
    # --- 3100-9099 other errors ----------------------------------------------------------------
    # Wording: PHP-3100 and PHP-ERR ("Name of List Element is already in use.").
    _entry(
        3100,
        _SKIP,
        "name already in use",
        'The name "{name}" of the list element is already in use.',
        "Rename the record, or link it to the existing QuickBooks record with that name. "
        "Names are shared across customers, vendors, employees and other names.",
    ),
    # Wording: a real message quoted by builderprime.com ("Object "B68F-1621437495" specified
    # in the request cannot be found.") and PHP-ERR.
    _entry(
        3120,
        _SKIP,
        "object not found",
        'Object "{fieldValue}" specified in the request cannot be found.',
        "The record it names was deleted or merged in QuickBooks. Re-link the record to an "
        "existing QuickBooks record, or let qbdlink create it again.",
    ),
    # Wording: "3P captured" in reference/qbxml.md.
    _entry(
        3140,
        _SKIP,
        "invalid reference",
        'There is an invalid reference to QuickBooks {objectName} "{fieldValue}" in the '
        "{context}.  QuickBooks error message: Invalid argument.  The specified record does "
        "not exist in the list.",
        "Create the referenced item, account, customer or other list element in QuickBooks "
        "(or fix the name the record uses), then sync the record again.",
    ),
    # 3170/3175/3176/3180: "save or modify failed"; QuickBooks appends its own reason. PHP-ERR
    # resends them when the reason is "list has been modified by another user", "could not
    # be locked", "failed to acquire the lock" or "list element is in use". Intuit's exact
    # wording for 3170/3175/3176 is not held here.
    _entry(
        3170,
        _RETRY,
        "the change could not be saved",
        "There was an error when modifying a {objectName}.  QuickBooks error message: {reason}",
        _LOCK_FIX,
    ),
    # Source: a real message quoted by ayssoftware.com (resolvingquickbooksexporterrors.htm).
    _entry(
        3171,
        _USER,
        "date is on or before the closing date",
        "An attempt was made to modify a {objectName} with a date that is on or before the "
        "closing date of the company. If you are sure you really want to do this, please ask a "
        "user with Admin privileges to remove the password for editing transactions on or "
        "before to closing date (this setting is in the Accounting Company Preferences), then "
        "try again.",
        "Change the transaction date to after the closing date, or have the QuickBooks Admin "
        "remove the closing-date password (Edit > Preferences > Accounting > Company "
        "Preferences), then run again.",
    ),
    _entry(
        3175,
        _RETRY,
        "the record could not be locked",
        "The record could not be locked for the change (QuickBooks adds its reason, e.g. "
        '"{reason}"); Intuit\'s exact wording is not held here.',
        _LOCK_FIX,
    ),
    _entry(
        3176,
        _RETRY,
        "the record is in use",
        "The record or list element is in use (QuickBooks adds its reason, e.g. "
        '"{reason}"); Intuit\'s exact wording is not held here.',
        _LOCK_FIX,
    ),
    # Wording: PHP-ERR (a real 3180 on a Customer).
    _entry(
        3180,
        _RETRY,
        "the record could not be saved",
        'There was an error when saving a {objectName} list, element "{fieldValue}". '
        "QuickBooks error message: This list has been modified by another user.",
        _LOCK_FIX,
    ),
    # Wording: "3P captured" in reference/qbxml.md; pitfall 9.
    _entry(
        3200,
        _RETRY,
        "edit sequence out of date",
        'The provided edit sequence "{editSequence}" is out-of-date.',
        "The record was changed in QuickBooks after qbdlink read it. qbdlink re-reads it and "
        "tries again; if both sides changed it, review the conflict and choose which change "
        "to keep.",
    ),
    # Wording: PHP-ERR (a real 3210 on ReceivePayment).
    _entry(
        3210,
        _SKIP,
        "QuickBooks rejected a value",
        'The "{fieldName}" field has an invalid value "{fieldValue}".  QuickBooks error '
        "message: {reason}",
        "Correct the value QuickBooks names in the record at its source, then sync the record "
        "again.",
    ),
    # Wording: PHP-ERR.
    _entry(
        3250,
        _USER,  # a person turns the feature on in QuickBooks (or stops syncing what needs it)
        "feature not enabled",
        "This feature is not enabled or not available in this version of QuickBooks.",
        "Turn the feature on in QuickBooks (Edit > Preferences > the feature's page > Company "
        "Preferences, e.g. Items & Inventory, Multiple Currencies, Sales Tax), or turn off the "
        "part of the sync that needs it.",
    ),
    # Wording: PHP-ERR.
    _entry(
        3260,
        _USER,
        "insufficient permission",
        "Insufficient permission level to perform this action.",
        "In QuickBooks, log in as the Admin and give the user the application logs in as "
        "enough rights (Company > Users > Set Up Users), or choose a user with more rights "
        "under Edit > Preferences > Integrated Applications > Company Preferences > "
        "Properties.",
    ),
    # PHP-ERR has only "The integrated application has no permission to ac..." (truncated);
    # that it is about personal data is our inference.
    _entry(
        3261,
        _USER,
        "no permission for this data",
        "The integrated application has no permission to ac[cess ...] (truncated in the "
        "source; probably personal data such as SSNs or card numbers).",
        "In QuickBooks, log in as the Admin, open Edit > Preferences > Integrated Applications "
        "> Company Preferences > Properties for this application and allow access to personal "
        "data (or stop requesting it).",
    ),
    # Wording: PHP-I183; pitfall 2.
    _entry(
        3391,
        _RETRY,
        "iterator no longer valid",
        'The iteratorID "{iteratorID}" is not valid.',
        "Nothing to do: the query is restarted from the beginning. If it keeps happening, "
        "lower the page size so pages follow each other faster.",
    ),
    # reference/qbxml.md lists 9001 with no meaning found. Range fallback: other error.
    _entry(
        9001,
        _SKIP,
        "undocumented status",
        "Meaning unknown: no stored source describes status 9001.",
        "Read QuickBooks' own message; if it does not say what to change, report it to "
        "the qbdlink maintainers with this message.",
    ),
)

STATUS_CODES: Mapping[int, StatusCodeInfo] = MappingProxyType(dict(_ENTRIES))
"""Every statusCode qbdlink knows, by code. Read-only."""


# --------------------------------------------------------------------------------------------
# Fallback for codes not in the table
# --------------------------------------------------------------------------------------------

# (next step, fix) per range for unknown codes. Chosen so nothing unknown retries forever.
_FALLBACK: Mapping[StatusRange, tuple[NextStep, str]] = MappingProxyType(
    {
        StatusRange.INFO: (_FAIL, "Nothing to fix: this is an informational status."),
        StatusRange.WARNING: (
            _FAIL,
            "QuickBooks returned data with a warning; read its message.",
        ),
        # Known transient general errors (1000, 1010) are in the table; an unknown one is not
        # shown to pass on retry.
        StatusRange.GENERAL_ERROR: (_FAIL, "Read QuickBooks' own message. " + _BUG_FIX),
        StatusRange.QBOE_ONLY: (
            _CONFIG,
            "Codes 2000-2999 belong to QuickBooks Online Edition; qbdlink works with QuickBooks "
            "Desktop. Check which QuickBooks the connection points at.",
        ),
        StatusRange.FORMAT_ERROR: (_FAIL, _BUG_FIX),
        # "Other" errors are mostly about the data of the one record (3100-3270 above).
        StatusRange.OTHER_ERROR: (
            _SKIP,
            "Read QuickBooks' own message and correct the record it names, then sync the "
            "record again.",
        ),
        StatusRange.MACRO_ERROR: (_FAIL, _BUG_FIX),
        StatusRange.UNDOCUMENTED: (_FAIL, "Report it to the qbdlink maintainers."),
    }
)


def _fallback_info(code: int) -> StatusCodeInfo:
    found = status_range(code)
    next_step, fix = _FALLBACK[found]
    return StatusCodeInfo(
        code=code,
        meaning=f"Unknown status code {code} ({found.value} range); qbdlink has no description.",
        next_step=next_step,
        fix=fix,
        error_code=f"qbxml.status.{code}",
        summary=f"unknown status in the {found.value} range",
    )


def info_for_status(code: int) -> StatusCodeInfo:
    """The table entry for ``code``, or a range-based one that says the code is unknown."""
    known = STATUS_CODES.get(code)
    return known if known is not None else _fallback_info(code)


# --------------------------------------------------------------------------------------------
# Building errors
# --------------------------------------------------------------------------------------------


def _describe_request(request_name: str | None, request_id: str | None) -> str:
    if request_name and request_id:
        return f'the request {request_name} (requestID "{request_id}")'
    if request_name:
        return f"the request {request_name}"
    if request_id:
        return f'the request with requestID "{request_id}"'
    return "a request"


def _message(info: StatusCodeInfo, status_message: str, request: str) -> str:
    lead = (
        f"QuickBooks could not complete {request}"
        if is_failure(info.code)
        else f"QuickBooks answered {request}"
    )
    text = status_message.strip()
    # End the sentence after the quote unless QuickBooks' text already ends one.
    stop = "" if text.endswith((".", "!", "?")) else "."
    said = f' QuickBooks said: "{text}"{stop}' if text else " QuickBooks gave no message."
    return f"{lead}: status {info.code} ({info.summary}).{said}"


def _error_class(info: StatusCodeInfo) -> type[QuickBooksStatusError]:
    special = _SPECIAL.get(info.code)
    return special if special is not None else _CLASS_FOR_STEP[info.next_step]


def error_for_status(
    code: int,
    status_message: str,
    *,
    severity: Severity | str | None = None,
    request_name: str | None = None,
    request_id: str | None = None,
) -> QuickBooksStatusError:
    """The typed error for a response status, for any code.

    Codes not in :data:`STATUS_CODES` fall back by range. The message names the request and
    quotes QuickBooks' own ``statusMessage``.
    """
    info = info_for_status(code)
    request = _describe_request(request_name, request_id)
    cls = _error_class(info)
    return cls(
        _message(info, status_message, request),
        code=info.error_code,
        fix=info.fix,
        status_code=code,
        status_severity=parse_severity(severity, code),
        status_message=status_message,
        request_name=request_name,
        request_id=request_id,
    )


def raise_for_status(
    code: int,
    status_message: str,
    *,
    severity: Severity | str | None = None,
    request_name: str | None = None,
    request_id: str | None = None,
) -> None:
    """Raise the typed error when ``code`` is a failure (>= 1000); return None otherwise."""
    if is_failure(code):
        raise error_for_status(
            code,
            status_message,
            severity=severity,
            request_name=request_name,
            request_id=request_id,
        )
