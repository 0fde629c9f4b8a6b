"""Editors see each event's registrations, check people in by code and export the
list; only the registration data officers see names and mobile numbers."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook

from integrity_site.core.sections import SECTION_GROUPS
from integrity_site.events.records import Registration
from integrity_site.events.services import register
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


def body(response):
    """The bytes of a response; Wagtail's exports stream."""
    return b"".join(response.streaming_content) if response.streaming else response.content


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
    exported = body(client.get(registrations_url(lecture, "export/csv/"))).decode("utf-8-sig")
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
    content = body(response)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 3
    names = [row[-2] for row in rows[1:]]
    assert "张三华" in names
    assert '\'=HYPERLINK("http://evil")' in names
    assert "13800138000" in [row[-1] for row in rows[1:]]


def test_data_officers_export_xlsx_with_text_cells(client, django_user_model, lecture, registrations):
    client.force_login(member_of(django_user_model, DATA_OFFICERS))
    response = client.get(registrations_url(lecture, "export/xlsx/"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert "13800138000" in [row[-1] for row in values]
    assert all(not str(value).startswith("=") for row in values for value in row if value)


def test_exports_show_status_labels_and_local_times_as_excel_expects(
    client, admin_user, lecture, registrations
):
    # 2026-12-02 06:05:33.5 UTC is 14:05 in Jinan.
    registered = datetime.datetime(2026, 12, 2, 6, 5, 33, 500000, tzinfo=datetime.UTC)
    Registration.objects.filter(pk=registrations[0].pk).update(created_at=registered, attended_at=registered)
    client.force_login(admin_user)
    content = body(client.get(registrations_url(lecture, "export/csv/")))
    assert content.startswith(b"\xef\xbb\xbf")
    rows = {row["报名码"]: row for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}
    confirmed, waiting = rows[registrations[0].code], rows[registrations[1].code]
    assert confirmed["状态"] == "已确认" and waiting["状态"] == "候补中"
    assert confirmed["报名时间"] == confirmed["签到时间"] == "2026-12-02 14:05"
    assert waiting["签到时间"] == ""

    sheet = load_workbook(io.BytesIO(body(client.get(registrations_url(lecture, "export/xlsx/"))))).active
    header, *values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    row = next(dict(zip(header, row, strict=True)) for row in values if row[0] == registrations[0].code)
    assert row["报名时间"] == datetime.datetime(2026, 12, 2, 14, 5, 33) and row["状态"] == "已确认"


def test_the_event_screen_says_what_its_numbers_count_and_labels_the_check_in_field(
    client, admin_user, lecture, registrations
):
    client.force_login(admin_user)
    page = client.get(registrations_url(lecture)).content.decode()
    # Seats in words ("全场：已占1个名额（共1个）"), never a bare "1 / 1".
    assert "全场：已占1个名额（共1个）" in page and "1 / 1" not in page
    assert "已确认1人，候补1人，已签到0人" in page
    assert "共2条报名记录" in page  # the list's count, in a Chinese sentence
    # The code field has its label.
    assert '<label class="w-label-3" for="id_code">报名码</label>' in page


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
    from integrity_site.events.admin_views import REGISTRATIONS_PER_PAGE

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


# --- the registrations viewset: filters, scope, cancellation, audit log, queries ----------------


@pytest.fixture
def volunteer_event(home_page):
    campaigns = factories.CampaignIndexPageFactory(parent=home_page)
    return factories.VolunteerEventPageFactory(
        parent=campaigns,
        title="宽厚里邀约",
        slug="invite",
        registration_enabled=True,
        roles=[("宣传员", 5), ("引导员", 5)],
    )


@pytest.fixture
def volunteers(volunteer_event):
    promoter, guide = (key for key, _label, _capacity in volunteer_event.seat_pools())
    return (
        register(volunteer_event, name="李四", mobile="13700137000", role_key=promoter).registration,
        register(volunteer_event, name="王五", mobile="13600136000", role_key=guide).registration,
    )


def codes_in(text, *registrations):
    return [registration.code in text for registration in registrations]


def test_the_list_of_every_registration_filters_by_event_status_role_and_check_in(
    client, admin_user, lecture, registrations, volunteer_event, volunteers
):
    confirmed, waiting = registrations
    client.force_login(admin_user)
    everything = client.get("/admin/registrations/").text
    assert codes_in(everything, confirmed, waiting, *volunteers) == [True] * 4
    assert volunteer_event.title in everything and lecture.title in everything

    by_event = client.get(f"/admin/registrations/?event={volunteer_event.pk}").text
    assert codes_in(by_event, confirmed, waiting, *volunteers) == [False, False, True, True]
    waiting_only = client.get("/admin/registrations/?status=waiting").text
    assert codes_in(waiting_only, confirmed, waiting, *volunteers) == [False, True, False, False]
    guides = client.get("/admin/registrations/?role=引导员").text
    assert codes_in(guides, confirmed, waiting, *volunteers) == [False, False, False, True]

    client.post(registrations_url(lecture), {"code": confirmed.code})
    checked_in = client.get("/admin/registrations/?checked_in=yes").text
    assert codes_in(checked_in, confirmed, waiting, *volunteers) == [True, False, False, False]
    not_checked_in = client.get("/admin/registrations/?checked_in=no").text
    assert codes_in(not_checked_in, confirmed, waiting, *volunteers) == [False, True, True, True]
    # The results fragment that Wagtail's filters fetch.
    fragment = client.get(f"/admin/registrations/{lecture.pk}/results/?status=waiting").text
    assert codes_in(fragment, confirmed, waiting) == [False, True]


def test_the_list_can_be_ordered_and_searched_by_code(client, admin_user, lecture, registrations):
    confirmed, waiting = registrations
    client.force_login(admin_user)
    newest_first = client.get("/admin/registrations/").text
    assert newest_first.index(waiting.code) < newest_first.index(confirmed.code)
    oldest_first = client.get("/admin/registrations/?ordering=created_at").text
    assert oldest_first.index(confirmed.code) < oldest_first.index(waiting.code)
    found = client.get(f"/admin/registrations/?q={confirmed.code.lower()}").text
    assert codes_in(found, confirmed, waiting) == [True, False]


def test_an_editor_sees_only_the_registrations_of_events_they_can_edit(
    client, django_user_model, lecture, registrations, volunteer_event, volunteers
):
    from integrity_site.events.permissions import registration_policy

    editor = member_of(django_user_model, SECTION_GROUPS["campaigns"])
    # The policy scopes the queryset, not only the screens.
    visible = registration_policy.instances_user_has_permission_for(editor, "view")
    assert set(visible) == set(volunteers)
    client.force_login(editor)
    text = client.get("/admin/registrations/").text
    assert codes_in(text, *registrations, *volunteers) == [False, False, True, True]
    assert "李*" in text and "137****7000" in text and "李四" not in text
    # Asking for a lecture by its id changes nothing, and neither does the export.
    text = client.get(f"/admin/registrations/?event={lecture.pk}").text
    assert codes_in(text, *registrations) == [False, False]
    exported = body(client.get("/admin/registrations/?export=csv")).decode("utf-8-sig")
    assert codes_in(exported, *registrations, *volunteers) == [False, False, True, True]
    assert "13700137000" not in exported and "李四" not in exported


def test_the_export_of_every_registration_names_each_event(
    client, admin_user, lecture, registrations, volunteer_event, volunteers
):
    client.force_login(admin_user)
    response = client.get("/admin/registrations/?export=csv")
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert rows[0][:3] == ["报名码", "活动", "状态"] and rows[0][-2:] == ["姓名/名称", "手机号码"]
    assert {row[1] for row in rows[1:]} == {lecture.title, volunteer_event.title}
    assert '\'=HYPERLINK("http://evil")' in [row[-2] for row in rows[1:]]


def test_the_menu_shows_registrations_to_those_who_may_see_them(client, django_user_model):
    client.force_login(member_of(django_user_model, SECTION_GROUPS["lectures"]))
    assert "/admin/registrations/" in client.get("/admin/").text
    client.force_login(member_of(django_user_model, SECTION_GROUPS["honours"]))
    assert "/admin/registrations/" not in client.get("/admin/").text


def test_an_editor_cancels_a_registration_and_the_first_person_waiting_moves_up(
    client, django_user_model, lecture, registrations
):
    from wagtail.models import ModelLogEntry

    confirmed, waiting = registrations
    client.force_login(member_of(django_user_model, SECTION_GROUPS["lectures"]))
    listing = client.get(registrations_url(lecture)).text
    cancel_url = f"/admin/registrations/cancel/{confirmed.pk}/"
    assert cancel_url in listing
    confirm = client.get(cancel_url)
    assert confirm.status_code == 200
    assert "张*华" in confirm.text and "张三华" not in confirm.text and "13800138000" not in confirm.text
    response = client.post(cancel_url, follow=True)
    assert response.redirect_chain[-1][0] == registrations_url(lecture)
    assert f"报名{confirmed.code}已取消。" in response.text
    assert "候补名单中1人已递补确认。" in response.text
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert (confirmed.status, waiting.status) == ("cancelled", "confirmed")

    entry = ModelLogEntry.objects.get(action="events.cancel")
    assert entry.object_id == str(confirmed.pk) and entry.label == confirmed.code
    assert entry.data == {"event": lecture.pk, "promoted": 1}
    # Cancelling again changes nothing and is not logged twice.
    again = client.post(cancel_url, follow=True)
    assert f"报名{confirmed.code}此前已取消。" in again.text
    assert ModelLogEntry.objects.filter(action="events.cancel").count() == 1
    assert "该报名已取消。" in client.get(cancel_url).text


def test_after_cancelling_the_editor_returns_to_the_filtered_list(client, admin_user, lecture, registrations):
    from urllib.parse import quote

    confirmed, _waiting = registrations
    client.force_login(admin_user)
    # The results fragment that Wagtail's filters fetch links back to the whole screen.
    fragment = client.get(registrations_url(lecture, "results/?status=confirmed&_w_filter_fragment=1")).text
    back = f"{registrations_url(lecture)}?status=confirmed"
    assert f"cancel/{confirmed.pk}/?next={quote(back, safe='')}" in fragment
    response = client.post(f"/admin/registrations/cancel/{confirmed.pk}/", {"next": back})
    assert response.status_code == 302 and response["Location"] == back


def test_the_group_screen_offers_the_registration_permissions(client, admin_user):
    group = Group.objects.get(name=DATA_OFFICERS)
    client.force_login(admin_user)
    text = client.get(f"/admin/groups/edit/{group.pk}/").text
    assert "可查看和导出报名个人信息" in text  # "Can see and export the personal data of registrations"


def test_cancelling_needs_the_change_permission_on_the_event(
    client, django_user_model, lecture, registrations
):
    confirmed, _waiting = registrations
    cancel_url = f"/admin/registrations/cancel/{confirmed.pk}/"
    client.force_login(member_of(django_user_model, SECTION_GROUPS["campaigns"]))
    assert is_denied(client.get(cancel_url)) and is_denied(client.post(cancel_url))

    from django.contrib.auth.models import Permission

    viewers = Group.objects.create(name="viewers")
    viewers.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_registration")
    )
    for group in Group.objects.filter(name=SECTION_GROUPS["lectures"]):
        for permission in group.page_permissions.all():
            viewers.page_permissions.create(page=permission.page, permission=permission.permission)
    client.force_login(member_of(django_user_model, "viewers"))
    assert client.get(registrations_url(lecture)).status_code == 200
    assert cancel_url not in client.get(registrations_url(lecture)).text
    assert is_denied(client.post(cancel_url))
    assert is_denied(client.post(registrations_url(lecture), {"code": confirmed.code}))
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed" and confirmed.attended_at is None


def test_an_editor_cannot_cancel_once_the_event_has_started(client, admin_user, lecture, registrations):
    import datetime

    from django.utils import timezone

    lecture.start_at = timezone.now() - datetime.timedelta(minutes=5)
    lecture.save()
    client.force_login(admin_user)
    response = client.post(f"/admin/registrations/cancel/{registrations[0].pk}/", follow=True)
    assert f"活动已开始，报名{registrations[0].code}无法再取消。" in response.text
    registrations[0].refresh_from_db()
    assert registrations[0].status == "confirmed"


def test_check_ins_are_written_to_the_audit_log_without_personal_data(
    client, admin_user, lecture, registrations
):
    from wagtail.models import ModelLogEntry

    client.force_login(admin_user)
    confirmed, waiting = registrations
    for code in (confirmed.code, confirmed.code, waiting.code, "ZZZZZZZZ"):
        client.post(registrations_url(lecture), {"code": code})
    entry = ModelLogEntry.objects.get(action="events.check_in")  # once: the refused ones are not logged
    assert entry.object_id == str(confirmed.pk) and entry.user_id == admin_user.pk
    assert entry.data == {"event": lecture.pk}
    history = client.get("/admin/reports/site-history/").text
    assert "报名已签到" in history and registrations_url(lecture) in history


def test_exports_with_personal_data_are_written_to_the_events_history(
    client, admin_user, django_user_model, lecture, registrations, volunteer_event, volunteers
):
    from wagtail.models import PageLogEntry

    client.force_login(member_of(django_user_model, SECTION_GROUPS["lectures"]))
    body(client.get(registrations_url(lecture, "export/csv/")))  # masked: nothing to log
    assert not PageLogEntry.objects.filter(action="events.export_personal_data").exists()

    client.force_login(member_of(django_user_model, DATA_OFFICERS))
    body(client.get(registrations_url(lecture, "export/xlsx/")))
    body(client.get("/admin/registrations/?export=csv"))
    entries = PageLogEntry.objects.filter(action="events.export_personal_data").order_by("pk")
    assert [(entry.page_id, entry.data) for entry in entries] == [
        (lecture.pk, {"format": "xlsx", "count": 2}),
        (lecture.pk, {"format": "csv", "count": 2}),
        (volunteer_event.pk, {"format": "csv", "count": 2}),
    ]
    client.force_login(admin_user)
    history = client.get(f"/admin/pages/{lecture.pk}/history/").text
    assert "已导出2条报名记录，含姓名和手机号码（csv）" in history
    assert "已导出2条报名记录，含姓名和手机号码（xlsx）" in history
    for entry in entries:
        assert "张三华" not in str(entry.data) and "13800138000" not in str(entry.data)


@pytest.mark.parametrize("user_kind", ["superuser", "lecture editor"])
def test_listings_cost_the_same_number_of_queries_for_more_registrations(
    client, admin_user, django_user_model, home_page, user_kind, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = (
        admin_user if user_kind == "superuser" else member_of(django_user_model, SECTION_GROUPS["lectures"])
    )
    client.force_login(user)
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    numbers = iter(range(10_000))

    def add_event(count):
        number = next(numbers)
        event = factories.LecturePageFactory(
            parent=lectures, slug=f"talk-{number}", registration_enabled=True, capacity=count // 2
        )
        for _ in range(count):
            register(event, name="听众", mobile=f"1390000{next(numbers):04d}", join_waiting_list=True)
        return event

    def queries(url):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    first = add_event(3)
    add_event(3)
    small = (queries("/admin/registrations/"), queries(registrations_url(first)))
    for _ in range(3):
        add_event(30)
    with django_assert_max_num_queries(small[0]):
        client.get("/admin/registrations/")
    with django_assert_max_num_queries(small[1]):
        client.get(registrations_url(first))
    assert max(small) <= 40
