"""HRESULTs of the QuickBooks request processor (QBXMLRP2), as typed errors.

``OpenConnection``, ``BeginSession`` and ``ProcessRequest`` report failures as COM errors
carrying an HRESULT (``0x8004xxxx``); the Web Connector passes the same values to
``connectionError`` and ``receiveResponseXML``. This module maps each one to a
:class:`QuickBooksConnectionError` whose class says what happens next.

Theory of the classification
----------------------------
An HRESULT says why QuickBooks would not *take* a request, so the question is who can change
that:

* **Retry later** (:class:`HresultRetryLaterError`): QuickBooks is there but momentarily
  unable: a modal dialog is open (0x80040414), the file cannot be locked (0x8004041B),
  QuickBooks has not finished starting (0x80040424), could not be reached (0x80040401), or the
  session ticket died with a crashed QuickBooks (0x8004040D; a new session fixes it).
  Retrying usually works (reference/qbxml.md, pitfall 3). A person can often speed it up
  (close the dialog), so the fix says how.
* **User action** (:class:`HresultUserActionError`): only a person at QuickBooks can change
  it: open the right company file or close the other one (0x8004040A), switch single/multi
  user (0x80040410, 0x80040422), grant or re-grant access as the Admin (0x80040418,
  0x8004041A, 0x8004041D, 0x80040420), start or register QuickBooks (0x80040408, 0x80040409,
  0x80040416, 0x80040417, 0x80040427). Retrying before that just fails again.
* **Configuration** (:class:`HresultConfigurationError`): the machine or the application's
  setup is wrong: the request processor is not installed (0x80040308), the application's
  certificate expired (0x8004041E), remote access is not allowed (0x8004042A).
* **Permanent** (:class:`HresultPermanentError`): the request itself is bad: a qbXML parse
  error (0x80040400: element order, unknown elements, encoding; pitfalls 6 and 7), or a qbXML
  version QuickBooks does not support (0x80040423). 0x80040402 "Unexpected error" is also
  permanent: retrying would also be defensible, but it is not shown to pass on retry, and
  failing makes a person look at qbsdklog.txt instead of hiding a loop of failures.

COM (pywin32's ``com_error.hresult``) gives HRESULTs as signed 32-bit integers
(-2147220480); Intuit's documents and the Web Connector use the unsigned form (0x80040400).
:func:`normalize_hresult` accepts both.

Sources (keys as in reference/qbxml.md section 1): INT-WCWS, INT-ROBUST, INT-SUP,
INT-USCDNUK, INT-SAMPLES, SERADEX, CLEARIFY, COND-ERR, PHP-ERR, 3P-LIST, 3P-CS, 3P-TICKET.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from qbdlink.errors import (
    ConfigurationError,
    NextStep,
    PermanentError,
    QbdlinkError,
    RetryLaterError,
    UserActionError,
)

__all__ = [
    "HRESULTS",
    "HresultConfigurationError",
    "HresultInfo",
    "HresultPermanentError",
    "HresultRetryLaterError",
    "HresultUserActionError",
    "QuickBooksConnectionError",
    "error_for_hresult",
    "format_hresult",
    "info_for_hresult",
    "normalize_hresult",
]

_UINT32 = 0xFFFFFFFF
_INT32_MIN = -(2**31)


def normalize_hresult(value: int) -> int:
    """The unsigned 32-bit form of an HRESULT given signed (COM) or unsigned.

    ``normalize_hresult(-2147220480) == 0x80040400``. Values outside 32 bits are rejected:
    they are not HRESULTs, and masking them would invent one.
    """
    if not _INT32_MIN <= value <= _UINT32:
        raise ValueError(f"{value} is not a 32-bit HRESULT")
    return value & _UINT32


def format_hresult(value: int) -> str:
    """``0x80040414`` style: eight upper-case hex digits, as Intuit writes them."""
    return f"0x{normalize_hresult(value):08X}"


@dataclass(frozen=True)
class HresultInfo:
    """One request-processor HRESULT: Intuit's wording and what to do about it.

    ``fix`` may contain ``{app_name}`` and ``{company_file}``, filled in by
    :func:`error_for_hresult`.
    """

    hresult: int
    name: str
    text: str
    next_step: NextStep
    fix: str
    error_code: str


# --------------------------------------------------------------------------------------------
# Typed errors
# --------------------------------------------------------------------------------------------


class QuickBooksConnectionError(QbdlinkError):
    """QuickBooks (the request processor) refused a connection, session or request.

    Mixin-style base: concrete classes combine it with a root category of
    :mod:`qbdlink.errors`, which decides ``next_step``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fix: str | None = None,
        hresult: int,
        detail: str | None = None,
    ) -> None:
        # One __init__ for the family: super() reaches QbdlinkError.__init__ through the
        # category, which defines none.
        super().__init__(message, code=code, fix=fix)
        self.hresult = normalize_hresult(hresult)
        self.detail = detail


class HresultRetryLaterError(QuickBooksConnectionError, RetryLaterError):
    """QuickBooks is busy, starting or locked; the same call succeeds later."""


class HresultUserActionError(QuickBooksConnectionError, UserActionError):
    """A person must do something in QuickBooks (open a file, grant access, switch mode)."""


class HresultConfigurationError(QuickBooksConnectionError, ConfigurationError):
    """The machine or the application setup is wrong (SDK missing, certificate, remote)."""


class HresultPermanentError(QuickBooksConnectionError, PermanentError):
    """The request is bad or the failure unexplained; retrying cannot be shown to help."""


_CLASS_FOR_STEP: Mapping[NextStep, type[QuickBooksConnectionError]] = MappingProxyType(
    {
        NextStep.RETRY_LATER: HresultRetryLaterError,
        NextStep.USER_ACTION: HresultUserActionError,
        NextStep.FIX_CONFIGURATION: HresultConfigurationError,
        NextStep.FAIL: HresultPermanentError,
        # No HRESULT concerns a single record; should one be added, it fails the work.
        NextStep.SKIP_RECORD: HresultPermanentError,
    }
)


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------

_RETRY = NextStep.RETRY_LATER
_USER = NextStep.USER_ACTION
_CONFIG = NextStep.FIX_CONFIGURATION
_FAIL = NextStep.FAIL

_GRANT_PATH = "Edit > Preferences > Integrated Applications > Company Preferences"


def _entry(
    hresult: int, name: str, next_step: NextStep, text: str, fix: str
) -> tuple[int, HresultInfo]:
    info = HresultInfo(
        hresult=hresult,
        name=name,
        text=text,
        next_step=next_step,
        fix=fix,
        error_code=f"qbxml.hresult.0x{hresult:08X}",
    )
    return hresult, info


_ENTRIES: tuple[tuple[int, HresultInfo], ...] = (
    # [INT-WCWS]; element order, unknown elements and non-Latin-1 text cause it (pitfalls 6, 7).
    _entry(
        0x80040400,
        "PARSE_ERROR",
        _FAIL,
        "QuickBooks found an error when parsing the provided XML text stream.",
        "The qbXML qbdlink sent is not valid for this QuickBooks (element order, an element "
        "this version lacks, or characters outside Latin-1). Report it to the qbdlink "
        "maintainers with this message.",
    ),
    # [INT-WCWS]
    _entry(
        0x80040401,
        "CANNOT_ACCESS_QUICKBOOKS",
        _RETRY,
        "Could not access QuickBooks.",
        "qbdlink retries later. If it keeps failing, make sure QuickBooks is running on this "
        "computer and not stuck, then try again.",
    ),
    # [INT-WCWS]; permanent by choice, see the module docstring.
    _entry(
        0x80040402,
        "UNEXPECTED_ERROR",
        _FAIL,
        "Unexpected error. Check the qbsdklog.txt file for possible, additional information.",
        "Look in qbsdklog.txt (in the Intuit\\QuickBooks folder under the common application "
        "data folder) for the reason, fix it, then run again.",
    ),
    # [3P-LIST, CLEARIFY]
    _entry(
        0x80040408,
        "CANNOT_START_QUICKBOOKS",
        _USER,
        "Could not start QuickBooks.",
        "Start QuickBooks by hand on this computer and open {company_file}, dismissing any "
        "dialogs, then try again. If someone else has the file open in single-user mode, ask "
        "them to switch to multi-user or close it.",
    ),
    # [INT-SUP], paraphrase.
    _entry(
        0x80040409,
        "FILE_NOT_SUPPORTED_BY_RUNNING_QUICKBOOKS",
        _USER,
        "The running QuickBooks cannot work with this data file.",
        "Open {company_file} with the QuickBooks edition and year it belongs to (or update "
        "the file in QuickBooks), then try again.",
    ),
    # [3P-LIST]; the SDK cannot close a file a user opened (pitfall 4).
    _entry(
        0x8004040A,
        "OTHER_COMPANY_FILE_OPEN",
        _USER,
        "QuickBooks company data file is already open and it is different from the one requested.",
        "Open the company file {company_file} in QuickBooks, or close the other file (File > "
        "Close Company) and leave QuickBooks open with no file, then try again.",
    ),
    # [PHP-ERR, 3P-TICKET]: seen after QuickBooks crashes.
    _entry(
        0x8004040D,
        "TICKET_INVALID",
        _RETRY,
        "The ticket parameter is invalid.",
        "The QuickBooks session ended (often because QuickBooks closed or crashed). qbdlink "
        "starts a new session on the next attempt; restart QuickBooks if it is not running.",
    ),
    # [3P-LIST]; pitfall 5.
    _entry(
        0x80040410,
        "WRONG_FILE_MODE",
        _USER,
        "The QuickBooks company data file is currently open in a mode other than the one "
        "specified by your application.",
        "In QuickBooks, switch the file to the mode qbdlink needs (File > Switch to Multi-user "
        "Mode or Single-user Mode), or change qbdlink's file mode setting to match.",
    ),
    # [3P-LIST]; pitfall 3.
    _entry(
        0x80040414,
        "MODAL_DIALOG_OPEN",
        _RETRY,
        "A modal dialog box is showing in the QuickBooks user interface. Your application "
        "cannot access QuickBooks until the user dismisses the dialog box.",
        "Close the open window in QuickBooks, then try again.",
    ),
    # [INT-ROBUST]
    _entry(
        0x80040416,
        "QB_NOT_RUNNING_NO_FILE_NAME",
        _USER,
        "If QuickBooks is not running, the company data file name must be supplied to "
        "BeginSession.",
        "Start QuickBooks and open the company file, or set the company file path in "
        "qbdlink's settings so it can open the file itself.",
    ),
    # [3P-CS]; Intuit's wording not held.
    _entry(
        0x80040417,
        "NO_FILE_OPEN",
        _USER,
        "No company file is open in QuickBooks and none was named (Intuit's wording unknown).",
        "Open the company file {company_file} in QuickBooks, or set the company file path in "
        "qbdlink's settings, then try again.",
    ),
    # [SERADEX]; first access needs the Admin in single-user mode (section 1).
    _entry(
        0x80040418,
        "FIRST_ACCESS_NEEDS_ADMIN",
        _USER,
        "This application has not accessed this QuickBooks company data file before. Only the "
        "QuickBooks administrator can grant … permission … for the first time.",
        "Log in to QuickBooks as the Admin user, open the company file in single-user mode, "
        "and allow access when QuickBooks asks about {app_name}; then try again.",
    ),
    # [3P-LIST]
    _entry(
        0x8004041A,
        "NO_PERMISSION",
        _USER,
        "This application does not have permission to access this QuickBooks company data "
        "file. The QuickBooks administrator can grant access permission through the "
        "Integrated Application preferences.",
        f"Log in to QuickBooks as the Admin and, under {_GRANT_PATH}, allow {{app_name}} to "
        "access this company file.",
    ),
    # [3P-LIST]: "Try again later."
    _entry(
        0x8004041B,
        "CANNOT_LOCK_FILE",
        _RETRY,
        "Unable to lock the necessary information to allow this application to access this "
        "company data file. Try again later.",
        "qbdlink tries again later. If it keeps failing, finish what other users or "
        "applications are doing in QuickBooks (closing open forms), then try again.",
    ),
    # [3P-LIST]. Not in the brief's lists: retry later, like status 1000 (an internal
    # hiccup); bounded by the caller's retry policy.
    _entry(
        0x8004041C,
        "QB_INTERNAL_ERROR",
        _RETRY,
        "An internal QuickBooks error occurred while trying to access the QuickBooks company "
        "data file.",
        "qbdlink tries again later. If it keeps failing, restart QuickBooks and check the file "
        "with File > Utilities > Verify Data.",
    ),
    # [3P-LIST]
    _entry(
        0x8004041D,
        "AUTO_LOGIN_NOT_ALLOWED",
        _USER,
        "This application is not allowed to log into this QuickBooks company data file "
        "automatically. …",
        f"Log in to QuickBooks as the Admin, open {_GRANT_PATH}, select {{app_name}}, click "
        'Properties and check "Allow this application to log in automatically" (choose the '
        'user under "Login as"), then try again.',
    ),
    # [3P-LIST]
    _entry(
        0x8004041E,
        "CERTIFICATE_EXPIRED",
        _CONFIG,
        "… certificate is expired …",
        "The application's signing certificate has expired: install an updated qbdlink (or "
        "re-sign the application), then authorise it again in QuickBooks.",
    ),
    # [COND-ERR]
    _entry(
        0x80040420,
        "USER_DENIED_ACCESS",
        _USER,
        "The QuickBooks user has denied access.",
        f"In QuickBooks, as the Admin, open {_GRANT_PATH}, select {{app_name}}, click "
        'Properties and check "Allow this application to read and modify this company file" '
        '(and "Allow this application to log in automatically" for unattended runs), then '
        "try again.",
    ),
    # [3P-LIST, INT-SAMPLES]; pitfall 5.
    _entry(
        0x80040422,
        "SINGLE_USER_REQUIRED",
        _USER,
        "This application requires Single User file access mode and there is already another "
        "application sharing data with this QuickBooks company data file.",
        "Close the other applications connected to this company file (or wait for them to "
        "finish), or change qbdlink's file mode setting to multi-user, then try again.",
    ),
    # [INT-USCDNUK]; pitfall 11.
    _entry(
        0x80040423,
        "UNSUPPORTED_QBXML_VERSION",
        _FAIL,
        "The version of QBXML that was requested is not supported or is unknown.",
        "This QuickBooks does not support the qbXML version qbdlink asked for. Update "
        "QuickBooks, or report it to the qbdlink maintainers: qbdlink should not ask for more "
        "than QuickBooks offers.",
    ),
    # [3P-LIST]
    _entry(
        0x80040424,
        "QB_NOT_INITIALIZED",
        _RETRY,
        "QuickBooks did not finish its initialization. Please try again later.",
        "QuickBooks is still starting; qbdlink tries again later. Dismiss any start-up "
        "dialogs in QuickBooks to let it finish.",
    ),
    # [3P-LIST]
    _entry(
        0x80040427,
        "UNREGISTERED_QUICKBOOKS",
        _USER,
        "Unregistered QuickBooks.",
        "Register (activate) QuickBooks on this computer: Help > Register QuickBooks, then "
        "try again.",
    ),
    # [3P-LIST]
    _entry(
        0x8004042A,
        "REMOTE_ACCESS_NOT_ALLOWED",
        _CONFIG,
        "Remote access is not allowed.",
        "Run qbdlink on the computer where QuickBooks runs (a local connection), or set up "
        "remote access for it, then try again.",
    ),
    # [INT-SAMPLES]: the sample's own text.
    _entry(
        0x80040308,
        "REQUEST_PROCESSOR_NOT_INSTALLED",
        _CONFIG,
        "The QuickBooks request processor is not installed (the sample's own text).",
        "Install QuickBooks Desktop (which installs the request processor, QBXMLRP2) or the "
        "QuickBooks SDK on this computer, with the same bitness as qbdlink's Python, then "
        "try again.",
    ),
)

HRESULTS: Mapping[int, HresultInfo] = MappingProxyType(dict(_ENTRIES))
"""Every request-processor HRESULT qbdlink knows, by unsigned value. Read-only."""


def info_for_hresult(hresult: int) -> HresultInfo | None:
    """The table entry for ``hresult`` (signed or unsigned), or None when unknown."""
    return HRESULTS.get(normalize_hresult(hresult))


def _unknown_info(hresult: int) -> HresultInfo:
    # Unknown: permanent, so nothing unexplained retries forever; the hex value is named.
    hexed = format_hresult(hresult)
    return HresultInfo(
        hresult=hresult,
        name="UNKNOWN",
        text=f"Unknown HRESULT {hexed}; qbdlink has no description.",
        next_step=NextStep.FAIL,
        fix=f"Look up {hexed} in Intuit's QuickBooks SDK error codes or qbsdklog.txt; report "
        "it to the qbdlink maintainers if it should be handled.",
        error_code=f"qbxml.hresult.{hexed}",
    )


def _message(info: HresultInfo, detail: str | None) -> str:
    base = (
        f"The QuickBooks request processor failed with HRESULT {format_hresult(info.hresult)} "
        f"({info.name}): {info.text}"
    )
    extra = (detail or "").strip()
    # COM's own text usually repeats Intuit's; add it only when it says something else.
    if extra and extra not in info.text:
        return f'{base} Detail: "{extra}"'
    return base


def error_for_hresult(
    hresult: int,
    detail: str | None = None,
    *,
    app_name: str | None = None,
    company_file: str | None = None,
) -> QuickBooksConnectionError:
    """The typed error for an HRESULT given signed or unsigned.

    ``detail`` is the text COM gave. ``app_name`` and ``company_file`` fill in the fix
    ("allow <app>", "open <file>"); without them the fix uses generic words. Unknown HRESULTs
    give a permanent error naming the hex value.
    """
    value = normalize_hresult(hresult)
    info = HRESULTS.get(value) or _unknown_info(value)
    fix = info.fix.format(
        app_name=app_name or "this application",
        company_file=f'"{company_file}"' if company_file else "the company file",
    )
    cls = _CLASS_FOR_STEP[info.next_step]
    return cls(
        _message(info, detail),
        code=info.error_code,
        fix=fix,
        hresult=value,
        detail=detail,
    )
