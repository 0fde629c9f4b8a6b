"""The district office handles credit-repair help requests in the admin: publicity editors and
moderators list, filter and move them on with notes (each change in the audit log); exports carry
contact details only for the personal-data officers; the dashboard shows open and waiting
requests; after the retention period the personal data is erased and the counts stay."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from integrity_site.scheduler.jobs import configured_jobs
from publicity import repair_help
from publicity.repair_help_records import RepairHelpRequest, RepairHelpStatus
from publicity.working_days import working_days_between

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CODE = "91350100M000100Y43"


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def make_request(n=0, created_at=None, **fields):
    data = {
        "merchant_name": f"济南示范餐饮{n}有限公司",
        "credit_code": CODE,
        "contact_name": f"王伟{n}",
        "mobile": f"1380013800{n}",
        "preferred_time": "morning",
        "note": "罚款已缴纳",
        "now": created_at,
    }
    data.update(fields)
    return repair_help.submit(**data).request


def user_in(django_user_model, username, *groups):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw")
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def publicity_editor(django_user_model):
    return user_in(django_user_model, "gongshi", "公示数据编辑")


@pytest.fixture
def moderator(django_user_model):
    return user_in(django_user_model, "shenhe", "审核员")


@pytest.fixture
def data_officer(django_user_model):
    return user_in(django_user_model, "shuju", "活动报名数据管理员")


@pytest.fixture
def lecture_editor(django_user_model):
    return user_in(django_user_model, "jiangtang", "儒信大讲堂编辑")


def test_publicity_editors_and_moderators_list_requests_with_contact_details_masked(
    client, publicity_editor, moderator
):
    make_request()
    for user in (publicity_editor, moderator):
        client.force_login(user)
        response = client.get("/admin/repair-help/")
        assert response.status_code == 200, user
        assert "济南示范餐饮0有限公司" in response.text
        assert "王*0" in response.text and "138****8000" in response.text
        assert "13800138000" not in response.text


def test_other_editors_see_no_requests(client, lecture_editor):
    make_request()
    client.force_login(lecture_editor)
    assert client.get("/admin/repair-help/").status_code in (302, 403)
    request = RepairHelpRequest.objects.get()
    assert client.get(f"/admin/repair-help/inspect/{request.pk}/").status_code in (302, 403)


def test_filters_find_new_requests_waiting_more_than_five_working_days(client, publicity_editor, monkeypatch):
    # Wednesday 2 December 2026: five working days back is Wednesday 25 November.
    today = datetime.date(2026, 12, 2)
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, timezone=None: today if value is None else value.astimezone(SHANGHAI).date(),
    )
    old = make_request(1, created_at=at(2026, 11, 24, 16))
    edge = make_request(2, created_at=at(2026, 11, 25, 9))
    make_request(3, created_at=at(2026, 12, 1, 9))
    contacted = make_request(4, created_at=at(2026, 11, 2, 9))
    repair_help.change_status(contacted, "contacted", publicity_editor)
    assert repair_help.waiting_since(today) == at(2026, 11, 25)
    assert list(repair_help.waiting_requests(today)) == [old]
    assert repair_help.dashboard_counts(today) == {"open": 4, "waiting": 1}
    client.force_login(publicity_editor)
    waiting = client.get("/admin/repair-help/", {"waiting": "waiting"}).text
    assert old.reference in waiting and edge.reference not in waiting
    in_time = client.get("/admin/repair-help/", {"waiting": "in_time"}).text
    assert edge.reference in in_time and old.reference not in in_time and contacted.reference not in in_time
    by_status = client.get("/admin/repair-help/", {"status": "contacted"}).text
    assert contacted.reference in by_status and old.reference not in by_status


def test_waiting_means_more_than_five_working_days_across_holidays_and_make_up_days():
    # National Day 2026 and its make-up working days (Sunday 20 September, Saturday 10 October).
    for offset in range(40):
        today = datetime.date(2026, 9, 15) + datetime.timedelta(days=offset)
        since = repair_help.waiting_since(today)
        for back in range(1, 20):
            day = today - datetime.timedelta(days=back)
            waits = timezone.make_aware(datetime.datetime.combine(day, datetime.time(17))) < since
            assert waits == (working_days_between(day, today) > 5), (today, day)
    # Monday 12 October: the five working days back are 12, 10 (a Saturday), 9, 8 October and 30
    # September; a request of 29 September has had those five, one of 28 September waits.
    assert repair_help.waiting_since(datetime.date(2026, 10, 12)) == at(2026, 9, 29)


def test_an_editor_moves_a_request_on_with_notes_and_each_change_is_in_the_audit_log(
    client, publicity_editor
):
    request = make_request()
    client.force_login(publicity_editor)
    url = f"/admin/repair-help/inspect/{request.pk}/"
    page = client.get(url).text
    assert "王伟0" in page and "13800138000" in page  # the editor calls the merchant
    assert 'value="contacted"' in page and 'value="applied"' not in page
    for status, note in (
        ("contacted", "已电话联系，约定周三来访"),
        ("applied", "已在信用中国提交"),
        ("repaired", ""),
    ):
        response = client.post(url, {"status": status, "note": note})
        assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RepairHelpStatus.REPAIRED
    assert request.status_changed_by == publicity_editor
    entries = ModelLogEntry.objects.filter(
        object_id=str(request.pk), action=repair_help.STATUS_ACTION
    ).order_by("pk")
    assert [(e.data["from"], e.data["to"], e.data["note"], e.user) for e in entries] == [
        ("new", "contacted", "已电话联系，约定周三来访", publicity_editor),
        ("contacted", "applied", "已在信用中国提交", publicity_editor),
        ("applied", "repaired", "", publicity_editor),
    ]
    page = client.get(url).text
    assert "状态由“新申请”改为“已联系”：已电话联系，约定周三来访" in page
    assert "下一步" not in page  # a repaired request has no next step


def test_a_status_cannot_skip_a_step_nor_change_twice_from_the_same_one(client, publicity_editor, moderator):
    request = make_request()
    client.force_login(publicity_editor)
    url = f"/admin/repair-help/inspect/{request.pk}/"
    assert client.post(url, {"status": "repaired"}).status_code == 200  # not offered: the form refuses
    stale = RepairHelpRequest.objects.get(pk=request.pk)
    repair_help.change_status(request, "not_eligible", moderator, "处罚未履行")
    with pytest.raises(repair_help.TransitionError):
        repair_help.change_status(stale, "contacted", publicity_editor)
    assert RepairHelpRequest.objects.get(pk=request.pk).status == RepairHelpStatus.NOT_ELIGIBLE


def test_users_who_may_only_look_cannot_change_a_status(client, data_officer):
    request = make_request()
    client.force_login(data_officer)
    url = f"/admin/repair-help/inspect/{request.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "13800138000" not in page.text and "王伟0" not in page.text
    assert client.post(url, {"status": "contacted"}).status_code in (
        302,
        403,
    )  # Wagtail: back to the dashboard
    assert RepairHelpRequest.objects.get().status == RepairHelpStatus.NEW


def test_nobody_adds_or_deletes_requests_in_the_admin(client, admin_user):
    request = make_request()
    client.force_login(admin_user)
    assert client.get("/admin/repair-help/add/").status_code == 404
    assert client.get(f"/admin/repair-help/delete/{request.pk}/").status_code == 404
    assert client.get(f"/admin/repair-help/edit/{request.pk}/").status_code == 404


def export_rows(client, file_format="csv"):
    response = client.get("/admin/repair-help/", {"export": file_format})
    assert response.status_code == 200
    if file_format == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_editors_export_counts_without_contact_details(client, publicity_editor):
    make_request(note="=cmd|' /C calc'!A0")
    client.force_login(publicity_editor)
    rows = export_rows(client)
    assert "联系人" not in rows[0] and "手机号码" not in rows[0]
    assert rows[1][:5] == [
        RepairHelpRequest.objects.get().reference,
        "济南示范餐饮0有限公司",
        CODE,
        "",
        "新申请",
    ]
    assert not any("13800138000" in cell for row in rows for cell in row)
    assert not ModelLogEntry.objects.filter(action=repair_help.EXPORT_ACTION).exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_data_officers_export_names_and_mobiles_and_the_export_is_logged(
    client, data_officer, file_format
):
    make_request(note="=cmd|' /C calc'!A0")
    client.force_login(data_officer)
    rows = export_rows(client, file_format)
    assert rows[0][-3:] == ["联系人", "手机号码", "商户备注"]
    assert rows[1][-3:] == ["王伟0", "13800138000", "'=cmd|' /C calc'!A0"]
    entry = ModelLogEntry.objects.get(action=repair_help.EXPORT_ACTION)
    assert entry.user == data_officer and entry.data["format"] == file_format


def test_the_dashboard_shows_open_and_waiting_requests_to_those_who_see_them(
    client, publicity_editor, lecture_editor
):
    old = make_request(1, created_at=timezone.now() - datetime.timedelta(days=30))
    make_request(2)
    closed = make_request(3, created_at=timezone.now() - datetime.timedelta(days=40))
    repair_help.change_status(closed, "not_eligible", publicity_editor)
    client.force_login(publicity_editor)
    page = client.get("/admin/").text
    assert "信用修复辅导申请" in page
    assert "办理中：<strong>2</strong>。新申请中等待超过5个工作日的：<strong>1</strong>。" in page
    assert old.reference in page
    client.force_login(lecture_editor)
    assert "信用修复辅导申请" not in client.get("/admin/").text


def test_the_dashboard_panel_reads_its_figures_in_a_few_queries(
    client, publicity_editor, django_assert_max_num_queries
):
    from publicity.repair_help_admin import RepairHelpPanel

    for n in range(12):
        make_request(n, created_at=timezone.now() - datetime.timedelta(days=20 + n))
    with django_assert_max_num_queries(2):
        context = RepairHelpPanel().get_context_data()
    assert context["open"] == 12 and context["waiting"] == 12 and len(context["waiting_requests"]) == 10


def test_after_the_retention_period_contact_details_and_notes_are_erased_and_counts_stay(publicity_editor):
    now = timezone.now()
    old = make_request(1, created_at=now - datetime.timedelta(days=400))
    repair_help.change_status(
        old, "contacted", publicity_editor, "王伟0说下周来", now=now - datetime.timedelta(days=390)
    )
    repair_help.change_status(
        old, "not_eligible", publicity_editor, "处罚未履行", now=now - datetime.timedelta(days=200)
    )
    recent = make_request(2, created_at=now - datetime.timedelta(days=10))
    before = repair_help.status_counts()
    assert repair_help.anonymise_requests(180, dry_run=True) == 1
    assert repair_help.anonymise_requests(180) == 1
    old.refresh_from_db()
    assert (old.contact_name, old.mobile, old.note) == ("", "", "")
    assert old.anonymised_at is not None
    assert old.merchant_name == "济南示范餐饮1有限公司" and old.status == RepairHelpStatus.NOT_ELIGIBLE
    notes = ModelLogEntry.objects.filter(object_id=str(old.pk), action=repair_help.STATUS_ACTION)
    assert [entry.data["note"] for entry in notes] == ["", ""]
    assert (
        ModelLogEntry.objects.filter(object_id=str(old.pk), action=repair_help.ANONYMISE_ACTION).count() == 1
    )
    recent.refresh_from_db()
    assert recent.mobile == "13800138002"
    assert repair_help.status_counts() == before
    assert repair_help.anonymise_requests(180) == 0  # once


def test_the_scheduler_runs_the_retention_job_with_the_site_setting(site):
    from integrity_site.core.models import SiteSettings

    settings_row = SiteSettings.for_site(site)
    settings_row.personal_data_retention_days = 30
    settings_row.save()
    make_request(1, created_at=timezone.now() - datetime.timedelta(days=31))
    make_request(2, created_at=timezone.now() - datetime.timedelta(days=29))
    job = next(job for job in configured_jobs() if job.name == "publicity.anonymise_repair_help")
    assert job.period == "daily"
    assert job.run() == "1 credit-repair help requests anonymised"
    assert RepairHelpRequest.objects.filter(anonymised_at__isnull=False).count() == 1


def test_the_admin_speaks_english_to_an_english_editor(client, publicity_editor):
    make_request()
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(publicity_editor)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(publicity_editor)
    page = client.get("/admin/repair-help/").text
    assert "Credit-repair help requests" in page and "New" in page
    request = RepairHelpRequest.objects.get()
    client.post(f"/admin/repair-help/inspect/{request.pk}/", {"status": "contacted", "note": "called"})
    assert (
        "Status changed from New to Contacted: called"
        in client.get(f"/admin/repair-help/inspect/{request.pk}/").text
    )
