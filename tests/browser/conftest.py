"""Browser tests: the system's Chromium (Debian's package) driven by Playwright, headless.

They run on SQLite only: each page test takes seconds of real time (the Link page polls every
1.5 s), and the pages read through the same services the HTTP page tests already run on both
databases (tests/integration/web), so PostgreSQL would double the time and test nothing new.
Screenshots of each page go to tests/artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.platform import LivePlatform, live_platform

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"

if not CHROMIUM.exists() and shutil.which("chromium") is None:
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LivePlatform]:
    """The platform on SQLite, served over HTTP, with one client (see the module docstring)."""
    monkeypatch.delenv("QBDLINK_SESSION_SECRET", raising=False)
    monkeypatch.setenv("QBDLINK_HOME", str(tmp_path))
    with live_platform(f"sqlite:///{tmp_path / 'platform.sqlite3'}", tmp_path) as live:
        yield live


@pytest.fixture
def page(chromium: Browser, site: LivePlatform) -> Iterator[Page]:
    context = chromium.new_context(base_url=site.base_url, viewport={"width": 1200, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.base_url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
