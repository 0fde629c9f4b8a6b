"""Links work wherever the site is served: inside its pages they follow the host the visitor
reached; links that leave the site (e-mails, the QR code, JSON, a link to keep) all name the one
configured base URL; a fresh `make run` configures what it serves."""

import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase
from wagtail.models import Site

from integrity_site import serve
from integrity_site.core.translation import translate_object
from integrity_site.events.services import register
from pledges.records import Pledge, PledgeState
from tests import factories
from tests.test_pledge_signing import signing_data

pytestmark = pytest.mark.django_db

ELSEWHERE = "alias.example"  # a host name the site also answers to (ALLOWED_HOSTS)


def test_the_language_links_name_the_host_the_visitor_reached(client, home_page, en_locale):
    translate_object(home_page, en_locale, {})
    page = client.get("/", HTTP_HOST="127.0.0.1:8000").text
    assert 'href="http://127.0.0.1:8000/en/" hreflang="en" lang="en">English</a>' in page
    assert '<link rel="alternate" hreflang="en" href="http://127.0.0.1:8000/en/">' in page
    assert 'hreflang="en" href="http://testserver/' not in page
    # The canonical link leaves the site (search engines): the configured host.
    assert '<link rel="canonical" href="http://testserver/">' in page


def test_the_confirmation_email_links_to_the_configured_host_whatever_host_was_used(client, pledge_page):
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(pledge_page.url, signing_data(), HTTP_HOST=ELSEWHERE)
    body = mail.outbox[0].body
    assert re.search(r"http://testserver/\S+/confirm/", body)
    assert re.search(r"http://testserver/\S+/withdraw/", body)
    assert ELSEWHERE not in body


def test_the_certificate_qr_code_and_the_json_register_name_the_configured_host(client, pledge_page):
    pledge = factories.PledgeFactory(state=PledgeState.APPROVED)
    certificate = client.get(f"{pledge_page.url}certificate/{pledge.number}/", HTTP_HOST=ELSEWHERE).text
    assert f"http://testserver/v/{pledge.number}/" in certificate
    assert f"http://{ELSEWHERE}/v/" not in certificate
    factories.PledgeFactory.create_batch(100, state=PledgeState.APPROVED)  # a second page of 100
    register = client.get(f"{pledge_page.url}register/json/", HTTP_HOST=ELSEWHERE).json()
    assert ELSEWHERE not in str(register)
    assert register["next"].startswith(f"http://testserver{pledge_page.url}register/json/?")
    assert Pledge.objects.count() == 101


def test_the_link_a_resident_keeps_names_the_configured_host(client, home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    lecture = factories.LecturePageFactory(parent=lectures, registration_enabled=True, capacity=10)
    registration = register(lecture, name="王伟", mobile="13900000001").registration
    private_link = f"/registrations/{registration.code}/{registration.access_token}/"
    page = client.get(private_link, HTTP_HOST=ELSEWHERE).text
    assert f"http://testserver{private_link}" in page
    assert f"http://{ELSEWHERE}/registrations/" not in page


@pytest.fixture
def fresh_site(site):
    """The default site as Wagtail's first migration leaves it."""
    site.hostname, site.port = "localhost", 80
    site.save()
    return site


def test_a_fresh_install_takes_the_base_url_it_is_served_at(fresh_site):
    call_command("set_site_url", "--if-unset", "http://127.0.0.1:8000")
    assert Site.objects.get(pk=fresh_site.pk).root_url == "http://127.0.0.1:8000"
    # Set once (or in the admin), it stays: the next start does not move it.
    call_command("set_site_url", "--if-unset", "http://127.0.0.1:9000")
    assert Site.objects.get(pk=fresh_site.pk).root_url == "http://127.0.0.1:8000"
    call_command("set_site_url", "https://credit.example.gov.cn")
    assert Site.objects.get(pk=fresh_site.pk).root_url == "https://credit.example.gov.cn"


@pytest.mark.parametrize(
    "url",
    [
        "credit.example.gov.cn",
        "ftp://credit.example.gov.cn",
        "https://x.example/sub/",
        "https://x.example:8443",
    ],
)
def test_a_base_url_the_site_cannot_serve_is_refused_with_a_reason(fresh_site, url):
    with pytest.raises(CommandError):
        call_command("set_site_url", url)
    assert Site.objects.get(pk=fresh_site.pk).root_url == "http://localhost"


def test_the_launcher_sets_what_it_serves_on_loopback_and_site_url_anywhere(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    assert serve.site_url_step("127.0.0.1", 8000) == ["set_site_url", "--if-unset", "http://127.0.0.1:8000"]
    assert serve.site_url_step("0.0.0.0", 8000) is None  # nothing to guess: a real host name is needed
    monkeypatch.setenv("SITE_URL", "https://credit.example.gov.cn")
    assert serve.site_url_step("0.0.0.0", 8000) == ["set_site_url", "https://credit.example.gov.cn"]


def test_the_register_and_a_certificate_link_their_own_english_versions(client, pledge_page, en_locale):
    translate_object(pledge_page.get_parent(), en_locale, {})
    english = translate_object(pledge_page, en_locale, {})
    pledge = factories.PledgeFactory(state=PledgeState.APPROVED)
    register = client.get(f"{pledge_page.url}register/").text
    assert f'href="http://testserver{english.url}register/" hreflang="en" lang="en">English</a>' in register
    certificate = client.get(f"{pledge_page.url}certificate/{pledge.number}/").text
    assert f'hreflang="en" href="http://testserver{english.url}certificate/{pledge.number}/"' in certificate
