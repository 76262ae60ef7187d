"""Browser fixtures: the app served on a free 127.0.0.1 port from a fresh seeded SQLite database,
and Debian's chromium driven by Playwright (never a downloaded browser).

Skipped, with the reason shown by `pytest -ra`, when /usr/bin/chromium or playwright is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not found at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_server(live_app: tuple[str, Any]) -> str:
    """Base URL of the app on its own seeded SQLite copy, served by werkzeug in a thread."""
    return live_app[0]


@pytest.fixture(scope="module")
def live_app(databases: Any) -> Iterator[tuple[str, Any]]:
    """(base URL, the served Flask app): a test may set up what no page does (e.g. open a recall)
    in the app's context."""
    from app_support import TEST_PASSWORD_HASH
    from werkzeug.serving import make_server

    from service.app import create_app
    from service.config import Settings
    from service.persistence.db import db

    if not CHROMIUM.exists():
        pytest.skip(f"chromium not found at {CHROMIUM}")
    app = create_app(Settings(database_url=databases.seeded_copy("sqlite"), password_hash=TEST_PASSWORD_HASH))
    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the OS picks a free one
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def user_page(chromium: Any, live_server: str) -> Iterator[Callable[[str], Any]]:
    """user_page("hr_edu") -> a Playwright page signed in as that demo user (own cookies)."""
    contexts: list[Any] = []

    def open_as(login: str) -> Any:
        context = chromium.new_context(base_url=live_server, locale="zh-CN",
                                       viewport={"width": 1360, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", login)  # demo password = login
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)  # each role's landing page
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def shoot() -> Callable[[Any, str], None]:
    """shoot(page, "name") writes test-artifacts/screenshots/name.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take
