"""Browser tests drive Debian's Chromium with Playwright (no browser download)."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


def phone_page():
    """A page in headless Chromium with a phone's viewport, closed afterwards."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"This test needs Chromium at {CHROMIUM} (apt-get install chromium).", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def end_live_server_sessions():
    """The live server's request threads leave their PostgreSQL sessions open (idle) after
    the browser has gone, which would keep the test database from being dropped at the
    end of the run. Only sessions on this test database are ended, once, when the test
    session ends (the live server lives as long as the session)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
        )
