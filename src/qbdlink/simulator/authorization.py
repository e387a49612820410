"""Authorisation of integrated applications: grants, the access rules, and the dialog.

Theory of operation
-------------------
QuickBooks decides at ``BeginSession`` whether an application may use the company file
(reference/qbxml.md section 1). What it decides from lives *in the company file* (Edit >
Preferences > Integrated Applications > Company Preferences), so a :class:`Grant` is stored
per company file and application name through a :class:`GrantStore` that the company file
provides (the simulator's file store keeps it in SQLite; :class:`InMemoryGrantStore` is for
tests and in-process use).

:func:`check_access` is the rule table, pure: given the grant (or none), the logged-in
QuickBooks user, the mode the file is open in and whether anyone is at QuickBooks to answer
a dialog, it either allows the session (:attr:`Access.ALLOW`), says the authorisation
dialog must be shown (:attr:`Access.ASK`), or raises the request processor's HRESULT:

=========================  =====================================  ==========================
grant                      QuickBooks on screen (attended)        no one there (unattended)
=========================  =====================================  ==========================
none (first access)        ASK if Admin + single-user, else       0x80040418
                           0x80040418
NO                         0x80040420                             0x80040420
PROMPT_EACH_TIME           ASK (every session)                    0x8004041D
WHENEVER_OPEN              ALLOW (any user)                       0x8004041D
ALWAYS                     ALLOW                                  ALLOW; 0x8004041D if the
                                                                  "login as" user is gone
=========================  =====================================  ==========================

The dialog itself is a small state machine, :class:`PendingAuthorization` (CHOOSE, then,
after a Yes, CONFIRM for the Access Confirmation screen); the desktop model owns the one
instance that may be showing and the waiting.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from qbdlink.qbxml.hresult import QuickBooksConnectionError, error_for_hresult

__all__ = [
    "ADMIN",
    "Access",
    "AuthChoice",
    "DialogStage",
    "Grant",
    "GrantStore",
    "InMemoryGrantStore",
    "PendingAuthorization",
    "check_access",
    "is_admin",
]

ADMIN = "Admin"
"""The QuickBooks administrator's user name; a company file's first user."""

FIRST_ACCESS_NEEDS_ADMIN = 0x80040418
AUTO_LOGIN_NOT_ALLOWED = 0x8004041D
USER_DENIED_ACCESS = 0x80040420


def is_admin(user: str) -> bool:
    # QuickBooks user names are not case-sensitive at the login prompt.
    return user.casefold() == ADMIN.casefold()


class AuthChoice(enum.Enum):
    """The four answers of the authorisation dialog (values: the CLI's ``--auto-authorize``)."""

    NO = "no"
    PROMPT_EACH_TIME = "prompt"
    WHENEVER_OPEN = "whenever-open"
    ALWAYS = "always"

    @property
    def allows(self) -> bool:
        return self is not AuthChoice.NO


@dataclass(frozen=True)
class Grant:
    """One application's entry in the file's Integrated Applications preferences.

    ``login_as`` is the "Login as" user of a "Yes, always" grant (None: the Admin);
    ``personal_data`` is the check box allowing access to SSNs and card numbers.
    """

    app_name: str
    app_id: str
    choice: AuthChoice
    login_as: str | None = None
    personal_data: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for a store that keeps grants as text."""
        return {
            "app_name": self.app_name,
            "app_id": self.app_id,
            "choice": self.choice.value,
            "login_as": self.login_as,
            "personal_data": self.personal_data,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Grant:
        login_as = data.get("login_as")
        return cls(
            app_name=str(data["app_name"]),
            app_id=str(data.get("app_id", "")),
            choice=AuthChoice(data["choice"]),
            login_as=None if login_as is None else str(login_as),
            personal_data=bool(data.get("personal_data", False)),
        )


class GrantStore(Protocol):
    """Where a company file keeps its grants, by application name."""

    def get(self, app_name: str) -> Grant | None: ...

    def put(self, grant: Grant) -> None: ...

    def remove(self, app_name: str) -> None: ...


class InMemoryGrantStore:
    """A :class:`GrantStore` in a dict (tests, in-process simulators)."""

    def __init__(self, grants: Sequence[Grant] = ()) -> None:
        # Its own lock: the desktop model reads grants under its lock while a test thread
        # may change them through Edit > Preferences.
        self._lock = threading.Lock()
        self._grants = {grant.app_name: grant for grant in grants}

    def get(self, app_name: str) -> Grant | None:
        with self._lock:
            return self._grants.get(app_name)

    def put(self, grant: Grant) -> None:
        with self._lock:
            self._grants[grant.app_name] = grant

    def remove(self, app_name: str) -> None:
        with self._lock:
            self._grants.pop(app_name, None)

    def all(self) -> list[Grant]:
        """Every grant, by application name (the Integrated Applications list)."""
        with self._lock:
            return [self._grants[name] for name in sorted(self._grants)]


class Access(enum.Enum):
    """What :func:`check_access` decided when it did not raise."""

    ALLOW = "allow"
    ASK = "ask"  # show the authorisation dialog and wait for its answer


def check_access(
    grant: Grant | None,
    *,
    user: str,
    single_user: bool,
    attended: bool,
    users: Sequence[str],
    app_name: str,
    company_file: str,
) -> Access:
    """The access rule table of the module docstring; raises the HRESULT's typed error.

    ``user`` is the QuickBooks user logged in (for an unattended session, the grant's
    "login as" user); ``single_user`` whether the file is open in single-user mode;
    ``attended`` whether QuickBooks is on screen with someone to answer a dialog.
    """

    def fail(hresult: int, detail: str) -> QuickBooksConnectionError:
        return error_for_hresult(hresult, detail, app_name=app_name, company_file=company_file)

    if grant is None:
        if not attended:
            # Nobody can answer the dialog the first access needs.
            raise fail(FIRST_ACCESS_NEEDS_ADMIN, "first access while QuickBooks is not running")
        if not is_admin(user) or not single_user:
            raise fail(
                FIRST_ACCESS_NEEDS_ADMIN,
                f"logged in as {user!r} in {'single' if single_user else 'multi'}-user mode; "
                "the first grant needs the Admin in single-user mode",
            )
        return Access.ASK
    if grant.choice is AuthChoice.NO:
        raise fail(USER_DENIED_ACCESS, "the Integrated Applications preferences deny access")
    if not attended:
        if grant.choice is not AuthChoice.ALWAYS:
            raise fail(
                AUTO_LOGIN_NOT_ALLOWED,
                f"the grant is {grant.choice.value!r}, not 'always'; no one is at QuickBooks",
            )
        if grant.login_as is not None and grant.login_as not in users:
            raise fail(
                AUTO_LOGIN_NOT_ALLOWED, f"the 'login as' user {grant.login_as!r} does not exist"
            )
        return Access.ALLOW
    if grant.choice is AuthChoice.PROMPT_EACH_TIME:
        return Access.ASK
    return Access.ALLOW


class DialogStage(enum.Enum):
    """Where the authorisation dialog is."""

    CHOOSE = "choose"  # the four choices, "login as", the personal data box
    CONFIRM = "confirm"  # the Access Confirmation screen after a Yes (Continue / Done)


@dataclass(frozen=True)
class PendingAuthorization:
    """The authorisation dialog QuickBooks is showing for one application and file.

    Immutable snapshot: the desktop model replaces it as the dialog moves on. ``choice``,
    ``login_as`` and ``personal_data`` are set once answered (stage CONFIRM).
    ``first_access`` distinguishes the first grant from a "prompt each time" re-prompt.
    """

    app_name: str
    app_id: str
    company_file: str
    users: tuple[str, ...]
    first_access: bool
    stage: DialogStage = DialogStage.CHOOSE
    choice: AuthChoice | None = None
    login_as: str | None = None
    personal_data: bool = False

    def grant(self) -> Grant:
        """The grant this dialog's answer records (only once answered)."""
        if self.choice is None:
            raise RuntimeError("the authorisation dialog has not been answered")
        return Grant(self.app_name, self.app_id, self.choice, self.login_as, self.personal_data)
