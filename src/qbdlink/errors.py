"""The root of qbdlink's typed error hierarchy.

Every error qbdlink raises on purpose is a :class:`QbdlinkError`. Errors are classified by
what happens next (:class:`NextStep`), carry a user-facing message, the fix a person can
apply, and a stable machine code. Foreign exceptions (lxml, sockets, COM, SQL) are
translated into these at the boundary where they are caught, ``raise ... from exc``.

This module is a leaf: it imports nothing from the project, so every part may import it
(see ARCHITECTURE.md, "Dependency rule").

Hierarchy (each part adds its own subclasses)::

    QbdlinkError
      ConfigurationError   fix configuration, then run again
      RetryLaterError      transient; the same work will succeed later
      UserActionError      a person must do something (often in QuickBooks)
      PermanentError       retrying cannot help; fail this work
      RecordSkippedError   this record is bad; skip it and go on
"""

from __future__ import annotations

import enum

__all__ = [
    "ConfigurationError",
    "NextStep",
    "PermanentError",
    "QbdlinkError",
    "RecordSkippedError",
    "RetryLaterError",
    "UserActionError",
]


class NextStep(enum.Enum):
    """What the caller (and the person behind it) should do next."""

    FIX_CONFIGURATION = "fix_configuration"
    RETRY_LATER = "retry_later"
    USER_ACTION = "user_action"
    FAIL = "fail"
    SKIP_RECORD = "skip_record"


class QbdlinkError(Exception):
    """Base of every error qbdlink raises on purpose.

    ``message`` is for the person reading it; ``fix`` says what they can do about it;
    ``code`` is stable and machine-readable (``qbxml.status.3200``, ``qbxml.syntax``, ...).
    """

    next_step: NextStep = NextStep.FAIL
    default_code: str = "qbdlink.error"
    default_fix: str = ""

    def __init__(self, message: str, *, code: str | None = None, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fix = fix if fix is not None else self.default_fix

    @property
    def retriable(self) -> bool:
        return self.next_step is NextStep.RETRY_LATER

    def user_text(self) -> str:
        """The message and its fix, as one text for a person."""
        return f"{self.message} {self.fix}".strip() if self.fix else self.message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class ConfigurationError(QbdlinkError):
    next_step = NextStep.FIX_CONFIGURATION
    default_code = "qbdlink.configuration"


class RetryLaterError(QbdlinkError):
    next_step = NextStep.RETRY_LATER
    default_code = "qbdlink.retry_later"


class UserActionError(QbdlinkError):
    next_step = NextStep.USER_ACTION
    default_code = "qbdlink.user_action"


class PermanentError(QbdlinkError):
    next_step = NextStep.FAIL
    default_code = "qbdlink.permanent"


class RecordSkippedError(QbdlinkError):
    next_step = NextStep.SKIP_RECORD
    default_code = "qbdlink.record_skipped"
