"""Residents register on the event page and use their private link; every
mistake or mishap has a friendly, defined outcome."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from integrity_site.core.translation import translate_object
from integrity_site.events.records import Registration, RegistrationStatus
from integrity_site.events.services import register
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def lecture(home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    return factories.LecturePageFactory(
        parent=lectures,
        title="诚信与生活",
        slug="talk",
        registration_enabled=True,
        capacity=2,
        max_companions=1,
    )


def form_data(**changes):
    data = {"name": "张三华", "mobile": "13800138000", "consent": "on", "submission_token": "t-1"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_event_page_shows_the_form_and_the_seats_left(client, lecture):
    response = client.get(lecture.url)
    assert response.status_code == 200
    assert 'name="mobile"' in response.text
    assert 'name="companions"' in response.text
    assert "csrfmiddlewaretoken" in response.text


def test_a_resident_registers_and_lands_on_a_private_page_with_the_code(client, lecture):
    response = client.post(lecture.url, form_data())
    assert response.status_code == 303
    registration = Registration.objects.get()
    assert response["Location"] == f"/registrations/{registration.code}/{registration.access_token}/"
    page = client.get(response["Location"])
    assert registration.code in page.text
    assert "张*华" in page.text
    assert "13800138000" not in page.text
    assert "noindex" in page.text
    assert "no-store" in page["Cache-Control"]


def test_an_english_visitor_stays_in_english(client, lecture, en_locale):
    english = translate_object(lecture, en_locale, {"诚信与生活": "Integrity and life"})
    response = client.post(english.url, form_data())
    assert response["Location"].startswith("/en/registrations/")
    page = client.get(response["Location"])
    assert '<html lang="en">' in page.text
    assert "Integrity and life" in page.text
    assert "Confirmed" in page.text


def test_invalid_fields_get_messages_next_to_them_and_keep_what_was_typed(client, lecture, en_locale):
    english = translate_object(lecture, en_locale, {})
    response = client.post(english.url, form_data(mobile="12345", consent=None, name="李四", companions="5"))
    assert response.status_code == 200
    text = response.text
    assert "Please enter an 11-digit mainland China mobile number" in text
    assert "Please agree to the privacy notice" in text
    assert "At most 1 companions" in text
    assert 'value="李四"' in text and 'value="12345"' in text
    # The message sits in the mobile field's own block, right after its input.
    mobile_block = re.search(r'<label for="id_mobile">.*?</div>', text, re.S).group(0)
    assert "Please enter an 11-digit mainland China mobile number" in mobile_block
    assert not Registration.objects.exists()


def test_empty_required_fields_are_named(client, lecture, en_locale):
    english = translate_object(lecture, en_locale, {})
    response = client.post(english.url, {"submission_token": "t"})
    assert "Please enter your name." in response.text
    assert "Please enter your mobile number." in response.text


def test_the_form_is_protected_by_csrf(lecture):
    client = Client(enforce_csrf_checks=True)
    # Without a token nothing is saved: the form comes back, filled in, with a token to send it
    # again (the path of a cached page without JavaScript, core.fresh_forms).
    response = client.post(lecture.url, form_data())
    assert response.status_code == 200 and 'value="张三华"' in response.text
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', response.text)
    assert not Registration.objects.exists()
    # From another site, not even that.
    response = client.post(lecture.url, form_data(), HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_a_bot_filling_the_honeypot_registers_nobody(client, lecture):
    response = client.post(lecture.url, form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_too_many_attempts_from_one_address_are_refused_politely(client, lecture, settings, en_locale):
    settings.REGISTRATION_RATE_LIMITS = {"register": (3, 600)}
    english = translate_object(lecture, en_locale, {})
    for n in range(3):
        client.post(english.url, form_data(mobile="1", submission_token=f"t{n}"))
    response = client.post(english.url, form_data(name="王五"))
    assert response.status_code == 429
    assert "Too many registration attempts from your network" in response.text
    assert 'value="王五"' in response.text
    assert not Registration.objects.exists()
    other_address = Client(REMOTE_ADDR="10.9.9.9")
    assert other_address.post(english.url, form_data(name="王五")).status_code == 303


def test_back_and_resubmit_shows_the_same_registration(client, lecture):
    first = client.post(lecture.url, form_data())
    second = client.post(lecture.url, form_data())
    assert second.status_code == 303
    assert second["Location"] == first["Location"]
    assert Registration.objects.count() == 1


def test_a_full_event_offers_the_waiting_list_and_keeps_the_form(client, lecture, en_locale):
    english = translate_object(lecture, en_locale, {})
    register(lecture, name="甲", mobile="13900000001", companions=1)
    response = client.post(english.url, form_data(name="赵六"))
    assert response.status_code == 409
    assert "There are no places left" in response.text
    assert "Join the waiting list" in response.text
    assert 'value="赵六"' in response.text
    joined = client.post(english.url, form_data(name="赵六", join_waiting_list="on"))
    assert joined.status_code == 303
    page = client.get(joined["Location"])
    assert "On the waiting list, number 1" in page.text


def test_a_second_registration_with_the_same_number_gets_a_neutral_message(client, lecture, en_locale):
    english = translate_object(lecture, en_locale, {})
    register(lecture, name="甲", mobile="13800138000")
    response = client.post(english.url, form_data(submission_token="other"))
    assert response.status_code == 409
    assert "cannot be registered for this event again" in response.text
    assert "already registered" not in response.text
    assert Registration.objects.count() == 1


def test_a_closed_registration_says_so(client, lecture, en_locale):
    lecture.registration_closes_at = timezone.now() - datetime.timedelta(hours=1)
    lecture.save_revision().publish()
    english = translate_object(lecture, en_locale, {})
    assert "Registration is closed." in client.get(english.url).text
    response = client.post(english.url, form_data())
    assert response.status_code == 409
    assert "Registration is closed." in response.text
    assert not Registration.objects.exists()


def test_registration_not_yet_open_says_when_it_opens(client, lecture, en_locale):
    lecture.registration_opens_at = timezone.now() + datetime.timedelta(hours=5)
    lecture.save_revision().publish()
    english = translate_object(lecture, en_locale, {})
    page = client.get(english.url).text
    assert (
        "Registration opens on" in page and "..<" not in page and "报名将于" in client.get(lecture.url).text
    )


def test_the_private_link_cancels_and_the_first_person_waiting_moves_up(client, lecture):
    mine = register(lecture, name="甲", mobile="13900000001", companions=1).registration
    waiting = register(lecture, name="乙", mobile="13900000002", join_waiting_list=True).registration
    link = f"/registrations/{mine.code}/{mine.access_token}/"
    response = client.post(link)
    assert response.status_code == 303
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    again = client.post(link)  # back and resubmit
    assert again.status_code == 303
    assert "该报名此前已取消。" in client.get(link).text  # "This registration was already cancelled."


def test_an_unknown_code_or_wrong_token_is_a_friendly_not_found(client, lecture):
    mine = register(lecture, name="甲", mobile="13900000001").registration
    assert client.get("/registrations/ABCDEFGH/nope/").status_code == 404
    response = client.get(f"/registrations/{mine.code}/wrong-token/")
    assert response.status_code == 404
    assert mine.code not in response.text
    assert client.post(f"/registrations/{mine.code}/wrong-token/").status_code == 404
    mine.refresh_from_db()
    assert mine.status == RegistrationStatus.CONFIRMED


def test_guessing_private_links_is_rate_limited(client, lecture, settings):
    settings.REGISTRATION_RATE_LIMITS = {"private_link": (2, 600)}
    for _ in range(2):
        assert client.get("/registrations/ABCDEFGH/nope/").status_code == 404
    assert client.get("/registrations/ABCDEFGH/nope/").status_code == 429


def test_an_expired_link_says_the_data_is_gone(client, lecture):
    mine = register(lecture, name="甲", mobile="13900000001").registration
    Registration.objects.filter(pk=mine.pk).update(anonymised_at=timezone.now(), name="", mobile="")
    response = client.get(f"/registrations/{mine.code}/{mine.access_token}/")
    assert response.status_code == 410


def test_mobile_numbers_never_appear_on_public_pages(client, lecture):
    register(lecture, name="张三华", mobile="13800138000")
    for url in [
        lecture.url,
        lecture.get_parent().url,
        lecture.url + "ics/",
        lecture.get_parent().url + "ical/",
        lecture.get_parent().url + "rss/",
        "/",
    ]:
        text = client.get(url).content.decode()
        assert "13800138000" not in text, url
        assert "张三华" not in text, url


def test_the_page_of_an_event_that_has_ended_shows_no_form_and_counts_no_seats(client, lecture):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lecture.start_at = timezone.now() - datetime.timedelta(days=3)
    lecture.end_at = lecture.start_at + datetime.timedelta(hours=2)
    lecture.save_revision().publish()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(lecture.url)

    assert response.status_code == 200 and 'name="mobile"' not in response.text
    assert not [query for query in queries.captured_queries if "seatpool" in query["sql"].lower()]


def test_a_volunteer_event_names_each_roles_places_in_chinese_punctuation(client, home_page, en_locale):
    campaigns = factories.CampaignIndexPageFactory(parent=home_page)
    event = factories.VolunteerEventPageFactory(
        parent=campaigns, title="宽厚里邀约", registration_enabled=True, roles=[("宣传员", 5), ("引导员", 3)]
    )

    event.roles.filter(name="宣传员").update(description="向商户发放承诺书")

    chinese = client.get(event.url).text
    assert "宣传员：剩余名额5个（共5个）" in chinese and "宣传员:" not in chinese
    assert "<strong>宣传员</strong> ×5：向商户发放承诺书" in chinese
    assert '<option value="" selected>请选择岗位</option>' in chinese and "---------" not in chinese

    english = client.get(translate_object(event, en_locale, {}).url).text
    assert "宣传员: 5 of 5 places left" in english
    assert '<option value="" selected>Choose a role</option>' in english


def test_the_mobile_number_field_brings_up_the_phone_keypad(client, lecture):
    page = client.get(lecture.url).text
    mobile = re.search(r'<input[^>]*name="mobile"[^>]*>', page).group(0)
    assert 'type="tel"' in mobile and 'inputmode="tel"' in mobile and 'autocomplete="tel"' in mobile
