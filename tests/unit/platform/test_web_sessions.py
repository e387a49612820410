"""Session cookies, CSRF tokens and the session secret, without a server."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from qbdlink.errors import ConfigurationError
from qbdlink.platform.web.portal import _safe_next
from qbdlink.platform.web.sessions import (
    ENV_SESSION_SECRET,
    SESSION_SECONDS,
    SessionCodec,
    SessionData,
    WebSession,
    load_secret,
)

SECRET = b"s" * 48


def test_a_session_round_trips_and_any_change_is_refused() -> None:
    codec = SessionCodec(SECRET)
    data = SessionData(csrf="token", expires=2_000, user_id="u1", stamp="abc", flash=("ok", "hi"))
    cookie = codec.dumps(data)
    assert codec.loads(cookie, now=1_000) == data
    payload, _, signature = cookie.partition(".")
    assert codec.loads(payload + "A." + signature, now=1_000) is None
    assert codec.loads(payload + "." + signature[:-2] + "AA", now=1_000) is None
    assert SessionCodec(b"t" * 48).loads(cookie, now=1_000) is None
    assert codec.loads(cookie, now=2_000) is None  # expired
    for garbage in ("", ".", "x", "a.b.c", "%%%.%%%", "x" * 5000):
        assert codec.loads(garbage, now=1_000) is None


def test_csrf_tokens_are_per_session_and_rotate_on_sign_in() -> None:
    session = WebSession(SessionCodec(SECRET), None, secure=False)
    before = session.csrf_token
    assert session.csrf_ok(before)
    assert not session.csrf_ok(None) and not session.csrf_ok("") and not session.csrf_ok("x")
    session.sign_in("u1", "stamp")
    assert session.user_id == "u1" and session.csrf_token != before
    assert not session.csrf_ok(before)
    assert session.data.expires - SESSION_SECONDS <= int(time.time()) + 1
    session.sign_out()
    assert session.user_id is None


def test_flash_messages_are_shown_once() -> None:
    session = WebSession(SessionCodec(SECRET), SessionData.fresh(0), secure=True)
    session.flash("success", "Saved.")
    assert session.take_flash() == ("success", "Saved.")
    assert session.take_flash() is None


def test_the_secret_file_is_created_private_and_kept(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = load_secret({}, home)
    path = home / "session-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32 and load_secret({}, home) == first


def test_the_environment_secret_wins_and_must_be_long(tmp_path: Path) -> None:
    assert load_secret({ENV_SESSION_SECRET: "e" * 40}, tmp_path) == b"e" * 40
    assert not (tmp_path / "session-secret").exists()
    with pytest.raises(ConfigurationError, match="too short"):
        load_secret({ENV_SESSION_SECRET: "short"}, tmp_path)
    (tmp_path / "session-secret").write_text("tiny")
    with pytest.raises(ConfigurationError, match="too short"):
        load_secret({}, tmp_path)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/portal/settings", "/portal/settings"),
        ("/portal/companies?q=a", "/portal/companies?q=a"),
        ("https://evil.example/portal/", "/portal/companies"),
        ("//evil.example/portal/", "/portal/companies"),
        ("/portal//evil.example", "/portal/companies"),
        ("/portal/\\evil.example", "/portal/companies"),
        ("/portal/x\r\nSet-Cookie: a=b", "/portal/companies"),
        ("/link/abc", "/portal/companies"),
        (None, "/portal/companies"),
    ],
)
def test_sign_in_returns_only_to_portal_pages(target: str | None, expected: str) -> None:
    assert _safe_next(target) == expected
