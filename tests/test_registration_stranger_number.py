"""A stranger who registers with a resident's mobile number does not keep that resident out for
good: the resident is told how to have that registration cancelled, with the office's telephone."""

import pytest

from integrity_site.core.models import SiteSettings
from integrity_site.events.records import Registration
from integrity_site.events.services import register
from tests import factories

pytestmark = pytest.mark.django_db

RESIDENT_MOBILE = "13855551234"


@pytest.fixture
def lecture(home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    return factories.LecturePageFactory(
        parent=lectures, title="诚信与生活", slug="talk", registration_enabled=True, capacity=5
    )


@pytest.fixture
def stranger_registered(lecture):
    return register(lecture, name="冒名者", mobile=RESIDENT_MOBILE).registration


def resident_registers(client, lecture):
    data = {"name": "李秀英", "mobile": RESIDENT_MOBILE, "consent": "on", "submission_token": "mine"}
    return client.post(lecture.url, data)


def test_the_resident_is_told_whom_to_call_to_have_it_cancelled(client, site, lecture, stranger_registered):
    site_settings = SiteSettings.for_site(site)
    site_settings.phone = "0531-86001234"
    site_settings.save()
    response = resident_registers(client, lecture)
    assert response.status_code == 409
    assert "如果您没有用这个号码报名，请致电主办方（0531-86001234）" in response.text
    assert "冒名者" not in response.text  # nothing of the stranger's registration is shown
    assert Registration.objects.count() == 1


def test_without_a_telephone_in_the_settings_the_resident_is_told_to_contact_the_organisers(
    client, site, lecture, stranger_registered
):
    response = resident_registers(client, lecture)
    assert response.status_code == 409
    assert "如果您没有用这个号码报名，请联系主办方" in response.text


def test_once_the_strangers_registration_is_cancelled_the_resident_registers(
    client, site, lecture, stranger_registered
):
    from integrity_site.events.services import cancel

    cancel(stranger_registered)  # what the organisers do on the resident's call
    response = resident_registers(client, lecture)
    assert response.status_code == 303
    assert Registration.objects.get(status="confirmed").name == "李秀英"
