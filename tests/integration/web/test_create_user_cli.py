"""`qbdlink admin create-user`: the password asked twice or read from stdin, then usable."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qbdlink.cli import app
from qbdlink.platform.app import build_platform
from qbdlink.platform.services import users
from qbdlink.platform.services.errors import NotAuthenticatedError
from qbdlink.platform.settings import load_settings

pytestmark = pytest.mark.integration


def test_create_user_then_sign_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QBDLINK_HOME", str(tmp_path))
    monkeypatch.delenv("QBDLINK_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(app, ["admin", "create-client", "Acme Lending"]).exit_code == 0

    prompted = runner.invoke(
        app,
        ["admin", "create-user", "Acme Lending", "Ana@Acme.example"],
        input="long enough pw\nlong enough pw\n",
    )
    assert prompted.exit_code == 0, prompted.output
    assert "created portal user ana@acme.example" in prompted.output
    assert "long enough pw" not in prompted.output

    piped = runner.invoke(
        app,
        ["admin", "create-user", "Acme Lending", "bo@acme.example", "--password-stdin"],
        input="another long one\n",
    )
    assert piped.exit_code == 0, piped.output
    again = runner.invoke(
        app,
        ["admin", "create-user", "Acme Lending", "bo@acme.example", "--password-stdin"],
        input="another long one\n",
    )
    assert again.exit_code == 2 and "exists already" in again.output
    short = runner.invoke(
        app,
        ["admin", "create-user", "Acme Lending", "cy@acme.example", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 2 and "10 to 1024 characters" in short.output
    nobody = runner.invoke(
        app,
        ["admin", "create-user", "Nobody", "cy@acme.example", "--password-stdin"],
        input="long enough pw\n",
    )
    assert nobody.exit_code == 2 and "No client named 'Nobody'" in nobody.output

    platform = build_platform(load_settings())
    try:
        user = users.sign_in(platform.context, " ANA@acme.example", "long enough pw")
        assert user.email == "ana@acme.example"
        assert users.sign_in(platform.context, "bo@acme.example", "another long one")
        with pytest.raises(NotAuthenticatedError):
            users.sign_in(platform.context, "ana@acme.example", "long enough pW")
        with pytest.raises(NotAuthenticatedError):
            users.sign_in(platform.context, "nobody@acme.example", "long enough pw")
    finally:
        platform.close()
