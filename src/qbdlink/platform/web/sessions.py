"""Browser sessions for the portal: signed cookies, CSRF tokens, one-shot flash messages.

The session is a cookie the server signs (HMAC-SHA256) with a secret from
``QBDLINK_SESSION_SECRET`` or ``<QBDLINK_HOME>/session-secret`` (created on first use, mode
0600). It holds the user's id, a per-session CSRF token, its expiry, a stamp of the password
hash (changing the password ends every session) and a pending flash message. Every visitor
gets one, signed in or not, so the sign-in form is CSRF-protected too; signing in rotates the
token. Cookies are HttpOnly, SameSite=Lax, and Secure when the deployment's URL is https.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from qbdlink.errors import ConfigurationError
from qbdlink.platform.settings import home_from

COOKIE_NAME = "qbdlink_session"
ENV_SESSION_SECRET = "QBDLINK_SESSION_SECRET"
SECRET_FILE = "session-secret"
SESSION_SECONDS = 8 * 60 * 60
MIN_SECRET_BYTES = 32
CSRF_FIELD = "csrf_token"
# The cookie goes only to the portal: the Link pages and the APIs never see it.
PATH = "/portal"
_SIGNATURE_CONTEXT = b"qbdlink.portal.session.v1"


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_secret(env: Mapping[str, str], home: Path) -> bytes:
    """The signing secret: the environment's, else the file's (created 0600 on first use)."""
    given = env.get(ENV_SESSION_SECRET)
    if given:
        if len(given.encode("utf-8")) < MIN_SECRET_BYTES:
            raise ConfigurationError(
                f"{ENV_SESSION_SECRET} is too short to sign sessions safely.",
                code="settings.session_secret",
                fix=f"Use at least {MIN_SECRET_BYTES} random characters, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.",
            )
        return given.encode("utf-8")
    path = home / SECRET_FILE
    try:
        home.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            secret = path.read_bytes().strip()
        else:
            secret = secrets.token_urlsafe(48).encode("ascii")
            with os.fdopen(fd, "wb") as stream:
                stream.write(secret + b"\n")
            return secret
    except OSError as exc:
        raise ConfigurationError(
            f"Cannot read or create the session secret {path}: {exc.strerror}.",
            code="settings.session_secret",
            fix=f"Make {home} writable, or set {ENV_SESSION_SECRET}.",
        ) from exc
    if len(secret) < MIN_SECRET_BYTES:
        raise ConfigurationError(
            f"The session secret in {path} is too short.",
            code="settings.session_secret",
            fix="Delete the file: a new one is created on the next start.",
        )
    return secret


@dataclass(frozen=True, kw_only=True)
class SessionData:
    csrf: str
    expires: int
    user_id: str | None = None
    stamp: str | None = None
    flash: tuple[str, str] | None = None

    @classmethod
    def fresh(cls, now: float) -> SessionData:
        return cls(csrf=secrets.token_urlsafe(32), expires=int(now) + SESSION_SECONDS)


class SessionCodec:
    """Signs and verifies session cookies with one secret."""

    def __init__(self, secret: bytes) -> None:
        # A key of its own for sessions, so the secret could sign other things safely later.
        self._key = hmac.new(secret, _SIGNATURE_CONTEXT, hashlib.sha256).digest()

    def _sign(self, payload: str) -> str:
        return _b64encode(hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, data: SessionData) -> str:
        body: dict[str, Any] = {"c": data.csrf, "e": data.expires}
        if data.user_id is not None:
            body["u"] = data.user_id
            body["s"] = data.stamp
        if data.flash is not None:
            body["f"] = list(data.flash)
        payload = _b64encode(json.dumps(body, separators=(",", ":")).encode("utf-8"))
        return f"{payload}.{self._sign(payload)}"

    def loads(self, cookie: str | None, now: float) -> SessionData | None:
        """The session in ``cookie``; None when absent, tampered with, malformed or expired."""
        if not cookie or len(cookie) > 4096:
            return None
        payload, _, signature = cookie.partition(".")
        try:
            if not hmac.compare_digest(self._sign(payload), signature):
                return None
            body = json.loads(_b64decode(payload))
        except (ValueError, UnicodeError, binascii.Error):
            return None
        if not isinstance(body, dict):
            return None
        csrf, expires = body.get("c"), body.get("e")
        if not isinstance(csrf, str) or not isinstance(expires, int) or expires <= now:
            return None
        user_id, stamp, flash = body.get("u"), body.get("s"), body.get("f")
        return SessionData(
            csrf=csrf,
            expires=expires,
            user_id=user_id if isinstance(user_id, str) else None,
            stamp=stamp if isinstance(stamp, str) else None,
            flash=(str(flash[0]), str(flash[1]))
            if isinstance(flash, list) and len(flash) == 2
            else None,
        )


_codec_lock = threading.Lock()


def codec_for(request: Request) -> SessionCodec:
    """The app's codec, made once: the secret is read (or created) on the first page view.

    The data folder is ``app.state.qbdlink_home`` when the composition root sets it, else
    ``QBDLINK_HOME`` (or the per-user default), as the settings use.
    """
    state = request.app.state
    codec: SessionCodec | None = getattr(state, "web_session_codec", None)
    if codec is None:
        with _codec_lock:
            codec = getattr(state, "web_session_codec", None)
            if codec is None:
                home = getattr(state, "qbdlink_home", None) or home_from(os.environ)
                codec = SessionCodec(load_secret(os.environ, Path(home)))
                state.web_session_codec = codec
    return codec


class WebSession:
    """One request's session: read from the cookie, changed by the handler, saved on the
    response (only when it changed)."""

    def __init__(self, codec: SessionCodec, data: SessionData | None, *, secure: bool) -> None:
        self._codec = codec
        self._secure = secure
        self._changed = data is None
        self.data = data or SessionData.fresh(time.time())

    @classmethod
    def of(cls, request: Request) -> WebSession:
        codec = codec_for(request)
        context = request.app.state.context
        secure = str(context.deployment.base_url).startswith("https://")
        return cls(codec, codec.loads(request.cookies.get(COOKIE_NAME), time.time()), secure=secure)

    @property
    def csrf_token(self) -> str:
        return self.data.csrf

    @property
    def user_id(self) -> str | None:
        return self.data.user_id

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(
            (token or "").encode("utf-8"), self.data.csrf.encode("utf-8")
        )

    def sign_in(self, user_id: str, stamp: str) -> None:
        """A new session for the user: new token and expiry (no fixation of an old one)."""
        self.data = replace(SessionData.fresh(time.time()), user_id=user_id, stamp=stamp)
        self._changed = True

    def sign_out(self) -> None:
        self.data = SessionData.fresh(time.time())
        self._changed = True

    def flash(self, kind: str, text: str) -> None:
        self.data = replace(self.data, flash=(kind, text[:500]))
        self._changed = True

    def take_flash(self) -> tuple[str, str] | None:
        found = self.data.flash
        if found is not None:
            self.data = replace(self.data, flash=None)
            self._changed = True
        return found

    def save(self, response: Response) -> Response:
        if self._changed:
            response.set_cookie(
                COOKIE_NAME,
                self._codec.dumps(self.data),
                max_age=max(0, self.data.expires - int(time.time())),
                path=PATH,
                httponly=True,
                samesite="lax",
                secure=self._secure,
            )
        return response
