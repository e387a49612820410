"""Password hashing (scrypt, per-user salt) and the Link page's error wording."""

from __future__ import annotations

from qbdlink.platform.services import users
from qbdlink.platform.services.link_status import explain


def test_passwords_are_salted_scrypt_and_verified_in_constant_time() -> None:
    first = users.hash_password("correct horse battery")
    second = users.hash_password("correct horse battery")
    assert first != second  # a salt per hash
    assert first.startswith(f"scrypt${users.SCRYPT_N}$8$1$")
    assert users.verify_password("correct horse battery", first)
    assert not users.verify_password("correct horse batterY", first)
    assert not users.needs_rehash(first)


def test_malformed_or_foreign_hashes_never_match() -> None:
    for stored in ("", "plain", "md5$x$y$z$a$b", "scrypt$x$8$1$AAAA$AAAA", "scrypt$1$8$1$!!$!!"):
        assert not users.verify_password("anything", stored)
    assert users.needs_rehash("scrypt$1024$8$1$AAAA$AAAA")


def test_the_stamp_changes_with_the_password() -> None:
    assert users.password_stamp(users.hash_password("a" * 12)) != users.password_stamp(
        users.hash_password("a" * 12)
    )


def test_known_connector_problems_get_a_title_and_a_fix() -> None:
    wrong = explain("quickbooks.wrong_company_file", "Other.QBW is open.", "")
    assert wrong.title == "Incorrect company file open" and "File, Open" in wrong.fix
    closed = explain("qbxml.hresult.0x80040408", "Could not start QuickBooks.", None)
    assert closed.title == "QuickBooks is not open"
    own = explain("qbxml.hresult.0x80040408", "x", "The connector's own fix.")
    assert own.fix == "The connector's own fix."
    other = explain("something.else", "Odd.", "")
    assert other.title == "The connector met a problem" and other.fix
