"""Hardening: a content-security policy on every page (strict on the site, looser in the admin),
Referrer-Policy and Permissions-Policy, no inline script in the site's templates, and the admin
login locked after five wrong passwords."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"


def policy(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_site_pages_carry_a_strict_content_security_policy(client, home_page):
    factories.SearchPageFactory(parent=home_page)
    for url in ["/", "/en/", "/search/?q=诚信"]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        directives = policy(response)
        assert directives["default-src"] == ["'self'"]
        assert "'unsafe-inline'" not in directives["script-src"] + directives["style-src"]
        assert directives["object-src"] == ["'none'"]
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_admin_gets_the_looser_policy_its_widgets_need(client, admin_user):
    client.force_login(admin_user)
    directives = policy(client.get("/admin/"))
    assert "'unsafe-inline'" in directives["script-src"]
    assert not any(source.startswith("'nonce-") for source in directives["script-src"])
    assert "'unsafe-inline'" in policy(client.get(LOGIN_URL))["style-src"]


def test_no_template_of_the_site_has_an_inline_script_style_or_event_handler():
    """A page with an inline script writes <script nonce="{{ request.csp_nonce }}">."""
    inline = re.compile(r"<script(?![^>]*\b(src|nonce)=)[^>]*>|<style[\s>]|\sstyle=\"|\son[a-z]+=\"", re.I)
    offenders = []
    for folder in [
        settings.BASE_DIR / app
        for app in (
            "integrity_site",
            "events",
            "home",
            "lectures",
            "campaigns",
            "honours",
            "pledges",
            "publicity",
            "search",
        )
    ]:
        for path in Path(folder).rglob("templates/**/*.html"):
            if "/admin/" in str(path) or path.name == "lockout.html":
                continue  # the admin's own screens live under its looser policy
            for match in inline.finditer(path.read_text(encoding="utf-8")):
                if 'type="application/json"' not in match.group(0):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}")
    assert offenders == []


def login(client, password, username="editor-in-chief"):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": "/admin/"})


def test_the_sixth_sign_in_after_five_wrong_passwords_is_refused_even_with_the_right_one(client, admin_user):
    for _attempt in range(4):
        response = login(client, "wrong")
        assert response.status_code == 200  # the form again, with its error
    assert login(client, "wrong").status_code == 429  # the fifth: locked from now on

    response = login(client, "pw")

    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已锁定" in page
    assert "连续 5 次密码错误" in page and "60 分钟后再试" in page
    assert client.get("/admin/").status_code == 302  # not signed in
    # Another account from the same address is not locked.
    other = type(admin_user).objects.create_superuser("deputy", "deputy@example.org", "pw2")
    assert login(client, "pw2", username=other.username).status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, admin_user):
    for _attempt in range(4):
        login(client, "wrong")
    assert login(client, "pw").status_code == 302
    client.logout()
    for _attempt in range(4):
        login(client, "wrong")
    assert login(client, "pw").status_code == 302


def test_signing_in_from_code_without_a_request_is_not_a_locked_out_attempt(admin_user):
    from django.contrib.auth import authenticate

    assert authenticate(username="editor-in-chief", password="pw") == admin_user
