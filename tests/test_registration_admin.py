"""Editors see each event's registrations, check people in by code and export the
list; only the registration data officers see names and mobile numbers."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook

from events.records import Registration
from events.services import register
from integrity_site.core.sections import SECTION_GROUPS
from tests import factories

pytestmark = pytest.mark.django_db
DATA_OFFICERS = "活动报名数据管理员"


@pytest.fixture
def lecture(home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    return factories.LecturePageFactory(
        parent=lectures,
        title="诚信与生活",
        slug="talk",
        registration_enabled=True,
        capacity=1,
    )


@pytest.fixture
def registrations(lecture):
    confirmed = register(lecture, name="张三华", mobile="13800138000").registration
    waiting = register(
        lecture, name='=HYPERLINK("http://evil")', mobile="13900139000", join_waiting_list=True
    ).registration
    return confirmed, waiting


def member_of(django_user_model, *groups):
    user = django_user_model.objects.create_user(f"user-{'-'.join(groups)}", password="pw")
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def is_denied(response):
    """Wagtail answers a refused admin view with a redirect to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def registrations_url(lecture, suffix=""):
    return f"/admin/registrations/{lecture.pk}/{suffix}"


def test_the_superuser_sees_every_registration_in_full(client, admin_user, lecture, registrations):
    client.force_login(admin_user)
    assert lecture.title in client.get("/admin/registrations/").text
    text = client.get(registrations_url(lecture)).text
    assert "张三华" in text and "13800138000" in text
    assert registrations[0].code in text and registrations[1].code in text


def test_checking_in_by_code_marks_attendance_once(client, admin_user, lecture, registrations):
    client.force_login(admin_user)
    confirmed, waiting = registrations
    response = client.post(registrations_url(lecture), {"code": confirmed.code.lower()}, follow=True)
    confirmed.refresh_from_db()
    assert confirmed.attended_at is not None
    assert "签到成功。" in response.text  # "Checked in."
    again = client.post(registrations_url(lecture), {"code": confirmed.code}, follow=True)
    assert "该报名已签到。" in again.text  # "This registration was already checked in."
    unknown = client.post(registrations_url(lecture), {"code": "ZZZZZZZZ"}, follow=True)
    assert "本活动没有该报名码对应的报名。" in unknown.text  # "No registration with this code …"
    not_confirmed = client.post(registrations_url(lecture), {"code": waiting.code}, follow=True)
    assert "该报名未确认" in not_confirmed.text  # "This registration is not confirmed …"
    waiting.refresh_from_db()
    assert waiting.attended_at is None


def test_a_lecture_editor_sees_masked_data_and_checks_in(client, django_user_model, lecture, registrations):
    editor = member_of(django_user_model, SECTION_GROUPS["lectures"])
    client.force_login(editor)
    text = client.get(registrations_url(lecture)).text
    assert "张*华" in text and "138****8000" in text
    assert "张三华" not in text and "13800138000" not in text
    client.post(registrations_url(lecture), {"code": registrations[0].code})
    registrations[0].refresh_from_db()
    assert registrations[0].attended_at is not None
    exported = client.get(registrations_url(lecture, "export/csv/")).content.decode("utf-8-sig")
    assert registrations[0].code in exported
    assert "13800138000" not in exported and "张三华" not in exported


def test_a_campaign_editor_cannot_see_lecture_registrations(
    client, django_user_model, lecture, registrations
):
    client.force_login(member_of(django_user_model, SECTION_GROUPS["campaigns"]))
    assert is_denied(client.get(registrations_url(lecture)))
    assert is_denied(client.get(registrations_url(lecture, "export/csv/")))
    assert lecture.title not in client.get("/admin/registrations/").text


def test_other_admin_users_cannot_open_registrations(client, django_user_model, lecture, registrations):
    client.force_login(member_of(django_user_model, SECTION_GROUPS["honours"]))
    assert is_denied(client.get("/admin/registrations/"))
    assert is_denied(client.get(registrations_url(lecture)))


def test_data_officers_export_personal_data_as_csv_safe_from_formulas(
    client, django_user_model, lecture, registrations
):
    client.force_login(member_of(django_user_model, DATA_OFFICERS))
    response = client.get(registrations_url(lecture, "export/csv/"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    names = [row[-2] for row in rows[1:]]
    assert "张三华" in names
    assert '\'=HYPERLINK("http://evil")' in names
    assert "13800138000" in [row[-1] for row in rows[1:]]


def test_data_officers_export_xlsx_with_text_cells(client, django_user_model, lecture, registrations):
    client.force_login(member_of(django_user_model, DATA_OFFICERS))
    response = client.get(registrations_url(lecture, "export/xlsx/"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert "13800138000" in [row[-1] for row in values]
    assert all(not str(value).startswith("=") for row in values for value in row if value)


def test_an_unknown_export_format_is_not_found(client, admin_user, lecture):
    client.force_login(admin_user)
    assert client.get(registrations_url(lecture, "export/pdf/")).status_code == 404


def test_the_page_editor_links_to_the_registrations(client, admin_user, lecture):
    client.force_login(admin_user)
    text = client.get(f"/admin/pages/{lecture.pk}/edit/").text
    assert f"/admin/registrations/{lecture.pk}/" in text


def test_registrations_of_a_page_that_is_no_event_are_not_found(client, admin_user, lecture):
    client.force_login(admin_user)
    assert client.get(f"/admin/registrations/{lecture.get_parent().pk}/").status_code == 404
    assert Registration.objects.count() == 0


def test_the_english_page_leads_to_the_same_registrations(
    client, admin_user, lecture, registrations, en_locale
):
    from integrity_site.core.translation import translate_object

    english = translate_object(lecture, en_locale, {"诚信与生活": "Integrity and life"})
    client.force_login(admin_user)
    text = client.get(f"/admin/registrations/{english.pk}/").text
    assert registrations[0].code in text


def test_a_long_list_of_registrations_comes_a_page_at_a_time_with_the_totals(
    client, admin_user, home_page, django_assert_max_num_queries
):
    from events.admin_views import REGISTRATIONS_PER_PAGE

    lectures = factories.LectureIndexPageFactory(parent=home_page)
    lecture = factories.LecturePageFactory(
        parent=lectures,
        title="大讲堂",
        slug="big",
        registration_enabled=True,
        capacity=REGISTRATIONS_PER_PAGE + 5,
    )
    codes = [
        register(
            lecture, name=f"听众{number}", mobile=f"1380000{number:04d}", join_waiting_list=True
        ).registration.code
        for number in range(REGISTRATIONS_PER_PAGE + 20)
    ]
    client.force_login(admin_user)

    first = client.get(registrations_url(lecture))
    with django_assert_max_num_queries(40):
        second = client.get(registrations_url(lecture) + "?page=2")

    assert codes[0] in first.text and codes[REGISTRATIONS_PER_PAGE] not in first.text
    assert (
        codes[REGISTRATIONS_PER_PAGE] in second.text
        and codes[-1] in second.text
        and codes[0] not in second.text
    )
    # The totals count every registration, not the page shown.
    for response in (first, second):
        totals = (response.context["confirmed"], response.context["waiting"], response.context["attended"])
        assert totals == (REGISTRATIONS_PER_PAGE + 5, 15, 0)
    assert 'rel="next"' in first.text and 'rel="prev"' in second.text
