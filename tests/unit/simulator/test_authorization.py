"""The access rule table (pure) and grants."""

from __future__ import annotations

import pytest

from qbdlink.errors import QbdlinkError
from qbdlink.qbxml.hresult import QuickBooksConnectionError
from qbdlink.simulator.authorization import (
    Access,
    AuthChoice,
    Grant,
    InMemoryGrantStore,
    PendingAuthorization,
    check_access,
)

USERS = ("Admin", "Clerk")


def grant(choice: AuthChoice, login_as: str | None = None) -> Grant:
    return Grant("qbdlink", "", choice, login_as)


def decide(g: Grant | None, *, user: str = "Admin", single: bool = True, attended: bool) -> Access:
    return check_access(
        g,
        user=user,
        single_user=single,
        attended=attended,
        users=USERS,
        app_name="qbdlink",
        company_file=r"C:\Acme.QBW",
    )


def hresult(g: Grant | None, *, user: str = "Admin", single: bool = True, attended: bool) -> int:
    with pytest.raises(QuickBooksConnectionError) as info:
        decide(g, user=user, single=single, attended=attended)
    assert isinstance(info.value, QbdlinkError)
    return info.value.hresult


def test_first_access_asks_the_admin_in_single_user_mode() -> None:
    assert decide(None, attended=True) is Access.ASK
    assert decide(None, user="admin", attended=True) is Access.ASK  # names ignore case


def test_first_access_refused_to_anyone_else() -> None:
    assert hresult(None, user="Clerk", attended=True) == 0x80040418
    assert hresult(None, single=False, attended=True) == 0x80040418
    assert hresult(None, attended=False) == 0x80040418


@pytest.mark.parametrize("attended", [True, False])
def test_no_denies(attended: bool) -> None:
    assert hresult(grant(AuthChoice.NO), attended=attended) == 0x80040420


def test_attended_grants() -> None:
    assert decide(grant(AuthChoice.PROMPT_EACH_TIME), attended=True) is Access.ASK
    assert decide(grant(AuthChoice.WHENEVER_OPEN), user="Clerk", attended=True) is Access.ALLOW
    assert decide(grant(AuthChoice.ALWAYS), single=False, attended=True) is Access.ALLOW


@pytest.mark.parametrize("choice", [AuthChoice.PROMPT_EACH_TIME, AuthChoice.WHENEVER_OPEN])
def test_unattended_needs_always(choice: AuthChoice) -> None:
    assert hresult(grant(choice), attended=False) == 0x8004041D


def test_unattended_always_checks_the_login_as_user() -> None:
    assert decide(grant(AuthChoice.ALWAYS, "Clerk"), attended=False) is Access.ALLOW
    assert hresult(grant(AuthChoice.ALWAYS, "Gone"), attended=False) == 0x8004041D


def test_error_names_the_application() -> None:
    with pytest.raises(QuickBooksConnectionError) as info:
        decide(grant(AuthChoice.NO), attended=True)
    assert "qbdlink" in info.value.fix


def test_choice_values_are_the_cli_values() -> None:
    assert [c.value for c in AuthChoice] == ["no", "prompt", "whenever-open", "always"]
    assert not AuthChoice.NO.allows
    assert AuthChoice.PROMPT_EACH_TIME.allows


def test_grant_round_trips_through_a_dict() -> None:
    g = Grant("qbdlink", "id-1", AuthChoice.ALWAYS, "Clerk", personal_data=True)
    assert Grant.from_dict(g.to_dict()) == g


def test_in_memory_store() -> None:
    store = InMemoryGrantStore([grant(AuthChoice.NO)])
    assert store.get("qbdlink") == grant(AuthChoice.NO)
    store.put(grant(AuthChoice.ALWAYS))
    other = Grant("other", "", AuthChoice.WHENEVER_OPEN)
    store.put(other)
    assert store.all() == [other, grant(AuthChoice.ALWAYS)]
    store.remove("qbdlink")
    store.remove("never-there")
    assert store.get("qbdlink") is None


def test_unanswered_dialog_has_no_grant() -> None:
    view = PendingAuthorization("qbdlink", "", "f", USERS, first_access=True)
    with pytest.raises(RuntimeError):
        view.grant()
