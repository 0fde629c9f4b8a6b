"""The cross-check (联合奖惩) of pledges and honours against penalties and dishonest debtors."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail import hooks
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from integrity_site.core.credit_checks import CROSS_CHECK_SUBJECT_HOOK, CheckedItem
from integrity_site.core.sections import SECTION_GROUPS
from publicity.cross_check import cross_check, recheck_all
from publicity.records import CrossCheckHit
from tests.factories import HonourIndexPageFactory, HonourListPageFactory
from tests.publicity_feeds import make_record

pytestmark = pytest.mark.django_db

CODE = "91350100M000100Y43"
OTHER_CODE = "914403001922038216"
TODAY = datetime.date(2020, 11, 30)


def test_a_penalty_in_its_publicity_period_is_found_by_credit_code_with_its_dates():
    record = make_record(decision_date=datetime.date(2020, 6, 1), publicity_until=datetime.date(2021, 6, 1))

    result = cross_check(credit_code=" ９１３５０１００m000100y43", today=TODAY)

    assert result.has_hits
    [finding] = result.penalties
    assert (finding.record_id, finding.matched_by) == (record.pk, "credit_code")
    assert (finding.decision_date, finding.publicity_until) == (
        datetime.date(2020, 6, 1),
        datetime.date(2021, 6, 1),
    )
    assert result.dishonest == []


def test_a_penalty_past_its_publicity_period_no_longer_counts():
    make_record(publicity_until=datetime.date(2020, 11, 29))

    assert not cross_check(credit_code=CODE, today=TODAY).has_hits
    assert cross_check(credit_code=CODE, today=datetime.date(2020, 11, 29)).has_hits


def test_licences_never_count_against_anyone():
    make_record(kind="licence", publicity_until=None)

    assert not cross_check(credit_code=CODE, today=TODAY).has_hits


def test_a_dishonest_debtor_is_found_by_exact_name_until_the_debt_is_performed():
    make_record(
        kind="dishonest",
        document_number="(2020)鲁0102执1号",
        authority="济南市历下区人民法院",
        subject_name="李强",
        subject_category="natural_person",
        credit_code="",
        publicity_until=None,
        status="全部未履行",
    )
    make_record(
        kind="dishonest",
        document_number="(2019)鲁0102执9号",
        authority="济南市历下区人民法院",
        subject_name="李强",
        subject_category="natural_person",
        credit_code="",
        publicity_until=None,
        status="全部已履行",
    )

    result = cross_check(name=" 李强 ", today=TODAY)

    assert [finding.document_number for finding in result.dishonest] == ["(2020)鲁0102执1号"]
    assert result.dishonest[0].matched_by == "name"
    assert not cross_check(name="李", today=TODAY).has_hits


def test_an_invalid_code_or_nothing_finds_nothing():
    make_record()

    assert not cross_check(credit_code="91350100M000100Y44").has_hits
    assert not cross_check().has_hits


@pytest.fixture
def honour_list(home_page):
    index = HonourIndexPageFactory(parent=home_page)
    return HonourListPageFactory(
        parent=index,
        title="2020年度诚信单位",
        entries=[
            {"name": "济南泉城路伟明餐饮管理有限公司", "credit_code": CODE, "locale": home_page.locale},
            {"name": "济南燕山丽华商贸有限公司", "credit_code": OTHER_CODE, "locale": home_page.locale},
        ],
    )


def cross_check_subject(subject_type, items):
    """Registers ``items`` as a cross-check subject for the duration of a ``with`` block."""
    return hooks.register_temporarily(CROSS_CHECK_SUBJECT_HOOK, lambda: (subject_type, items))


def run_daily_check():
    out = io.StringIO()
    call_command("cross_check_publicity", stdout=out)
    return json.loads(out.getvalue())


def test_the_daily_check_lists_published_honour_entries_with_current_penalties(honour_list):
    record = make_record()

    summary = run_daily_check()

    assert summary == {"checked": 2, "hits": 1, "new": 1}
    [hit] = CrossCheckHit.objects.all()
    assert hit.record == record
    assert "济南泉城路伟明餐饮管理有限公司" in hit.subject_label
    assert hit.subject_url == honour_list.url


def test_the_daily_check_forgets_hits_that_no_longer_apply(honour_list):
    record = make_record()
    run_daily_check()
    record.publicity_until = datetime.date(2020, 1, 1)
    record.save()

    assert run_daily_check()["hits"] == 0
    assert not CrossCheckHit.objects.exists()


def test_entries_of_unpublished_lists_are_not_checked(honour_list):
    make_record()
    honour_list.unpublish()

    assert run_daily_check() == {"checked": 0, "hits": 0, "new": 0}


def test_other_parts_plug_their_subjects_in_through_the_registry():
    make_record(subject_name="济南和平路明强建筑工程有限公司", credit_code="")

    def pledges():
        yield CheckedItem(pk=7, label="承诺书 7", name="济南和平路明强建筑工程有限公司")
        yield CheckedItem(pk=8, label="承诺书 8", credit_code=OTHER_CODE)

    with cross_check_subject("test.pledge", pledges):
        assert recheck_all()["hits"] == 1
        assert CrossCheckHit.objects.get().subject_type == "test.pledge"


def test_the_daily_check_looks_items_up_in_chunks_not_one_by_one():
    def many():
        for number in range(300):
            yield CheckedItem(pk=number, label=str(number), name=f"商户{number}")

    with cross_check_subject("test.many", many), CaptureQueriesContext(connection) as queries:
        recheck_all()

    lookups = [
        query for query in queries.captured_queries if 'FROM "publicity_publicityrecord"' in query["sql"]
    ]
    assert len(lookups) == 1


def test_editors_see_the_hits_on_the_admin_dashboard(client, admin_user, honour_list):
    make_record(document_number="济历市监罚字〔2020〕77号")
    run_daily_check()
    client.force_login(admin_user)

    page = client.get("/admin/").content.decode()

    assert "济历市监罚字〔2020〕77号" in page
    assert "济南泉城路伟明餐饮管理有限公司" in page


# --- acknowledging hits -------------------------------------------------------------------


@pytest.fixture
def two_hits(honour_list):
    """Both honour entries are among current penalties: two open hits on the dashboard."""
    make_record(document_number="罚-伟明")
    make_record(document_number="罚-丽华", subject_name="济南燕山丽华商贸有限公司", credit_code=OTHER_CODE)
    run_daily_check()
    return CrossCheckHit.objects.get(record__document_number="罚-伟明"), CrossCheckHit.objects.get(
        record__document_number="罚-丽华"
    )


@pytest.fixture
def follow_up_editor(django_user_model):
    """A 公示数据编辑: the group may see and acknowledge hits."""
    user = django_user_model.objects.create_user("gongshi", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["publicity"]))
    return user


@pytest.fixture
def hit_viewer(django_user_model):
    """Someone given only the right to see hits (Settings → Groups), not to acknowledge them."""
    user = django_user_model.objects.create_user("chakan", password="pw")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="publicity", codename="view_crosscheckhit"),
    )
    return user


@pytest.mark.parametrize("section", ["publicity", "campaigns", "honours"])
def test_editors_of_the_checked_items_may_see_and_acknowledge_hits(django_user_model, section):
    user = django_user_model.objects.create_user("bianji", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS[section]))

    assert user.has_perm("publicity.view_crosscheckhit") and user.has_perm("publicity.change_crosscheckhit")


def uses_the_admin_in_english(user):
    """So that tests read the interface strings as the code writes them."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def acknowledge_url(hit):
    return f"/admin/publicity/cross-check/{hit.pk}/acknowledge/"


def test_an_editor_acknowledges_a_hit_and_the_dashboard_then_lists_only_the_open_one(
    client, follow_up_editor, two_hits
):
    weiming, lihua = two_hits
    client.force_login(uses_the_admin_in_english(follow_up_editor))
    dashboard = client.get("/admin/").content.decode()
    assert "罚-伟明" in dashboard and "罚-丽华" in dashboard
    assert acknowledge_url(weiming) in dashboard

    response = client.post(acknowledge_url(weiming), {"note": "已电话核实，处罚已整改", "next": "/admin/"})

    assert response.status_code == 302 and response.url == "/admin/"
    weiming.refresh_from_db()
    assert weiming.acknowledged_by == follow_up_editor and weiming.acknowledged_at is not None
    assert weiming.acknowledgement_note == "已电话核实，处罚已整改"
    dashboard = client.get("/admin/").content.decode()
    assert "罚-丽华" in dashboard and "罚-伟明" not in dashboard
    assert "1 hit is waiting to be acknowledged." in dashboard
    assert "/admin/publicity/cross-check/" in dashboard


def test_acknowledging_is_recorded_in_the_audit_log_with_its_note(client, follow_up_editor, two_hits):
    weiming, _lihua = two_hits
    client.force_login(follow_up_editor)

    client.post(acknowledge_url(weiming), {"note": "已核实"})

    [entry] = ModelLogEntry.objects.filter(action="publicity.acknowledge_cross_check_hit")
    assert (entry.object_id, entry.user) == (str(weiming.pk), follow_up_editor)
    assert entry.data["note"] == "已核实" and "罚-伟明" in entry.data["record"]
    assert log_registry.action_exists("publicity.acknowledge_cross_check_hit")


def test_a_hit_is_acknowledged_once_however_often_the_button_is_pressed(client, follow_up_editor, two_hits):
    weiming, _lihua = two_hits
    client.force_login(follow_up_editor)

    client.post(acknowledge_url(weiming), {"note": "第一次"})
    client.post(acknowledge_url(weiming), {"note": "第二次"})

    weiming.refresh_from_db()
    assert weiming.acknowledgement_note == "第一次"
    assert ModelLogEntry.objects.filter(action="publicity.acknowledge_cross_check_hit").count() == 1


def test_the_note_is_optional_and_short(client, follow_up_editor, two_hits):
    weiming, lihua = two_hits
    client.force_login(follow_up_editor)

    client.post(acknowledge_url(weiming), {"note": "长" * 201})
    client.post(acknowledge_url(lihua))

    weiming.refresh_from_db()
    lihua.refresh_from_db()
    assert not weiming.is_acknowledged
    assert lihua.is_acknowledged and lihua.acknowledgement_note == ""


def test_editors_who_may_only_view_hits_see_no_button_and_cannot_acknowledge(client, hit_viewer, two_hits):
    weiming, _lihua = two_hits
    client.force_login(hit_viewer)

    dashboard = client.get("/admin/").content.decode()
    listing = client.get("/admin/publicity/cross-check/").content.decode()

    assert "罚-伟明" in dashboard and "罚-伟明" in listing
    assert "/acknowledge/" not in dashboard and "/acknowledge/" not in listing
    client.post(acknowledge_url(weiming))  # the admin answers "no permission"
    weiming.refresh_from_db()
    assert not weiming.is_acknowledged


def test_editors_of_other_sections_see_no_hits(client, django_user_model, two_hits):
    user = django_user_model.objects.create_user("jiangtang", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["lectures"]))
    client.force_login(user)

    assert "罚-伟明" not in client.get("/admin/").content.decode()
    assert client.get("/admin/publicity/cross-check/").status_code in (302, 403)


def test_acknowledging_needs_a_post_with_the_csrf_token(follow_up_editor, two_hits):
    weiming, _lihua = two_hits
    client = Client(enforce_csrf_checks=True)
    client.force_login(follow_up_editor)

    assert client.get(acknowledge_url(weiming)).status_code == 405
    assert client.post(acknowledge_url(weiming)).status_code == 403
    weiming.refresh_from_db()
    assert not weiming.is_acknowledged


def test_acknowledging_never_redirects_to_another_site(client, follow_up_editor, two_hits):
    weiming, _lihua = two_hits
    client.force_login(follow_up_editor)

    response = client.post(acknowledge_url(weiming), {"next": "https://evil.example.com/"})

    assert response.url == "/admin/"


def test_the_list_of_all_hits_shows_who_acknowledged_when_and_why(client, follow_up_editor, two_hits):
    weiming, _lihua = two_hits
    client.force_login(uses_the_admin_in_english(follow_up_editor))
    client.post(acknowledge_url(weiming), {"note": "已电话核实"})

    listing = client.get("/admin/publicity/cross-check/").content.decode()

    assert "罚-伟明" in listing and "罚-丽华" in listing
    assert "Acknowledged by gongshi" in listing and "已电话核实" in listing
    assert listing.count("/acknowledge/") == 1  # only the open hit offers the button


def test_the_list_of_all_hits_is_paginated(client, admin_user):
    make_record(subject_name="济南和平路明强建筑工程有限公司", credit_code="")

    def many():
        for number in range(55):
            yield CheckedItem(pk=number, label=f"商户{number}", name="济南和平路明强建筑工程有限公司")

    with cross_check_subject("test.many", many):
        recheck_all()
    client.force_login(admin_user)

    first = client.get("/admin/publicity/cross-check/")
    second = client.get("/admin/publicity/cross-check/", {"page": 2})

    assert len(first.context["hits"].object_list) == 50 and len(second.context["hits"].object_list) == 5
    assert "page=2" in first.content.decode()


def test_the_daily_check_keeps_an_acknowledgement_while_the_same_hit_is_found(
    client, follow_up_editor, two_hits
):
    weiming, _lihua = two_hits
    client.force_login(follow_up_editor)
    client.post(acknowledge_url(weiming), {"note": "已核实"})

    assert run_daily_check()["hits"] == 2

    kept = CrossCheckHit.objects.get(pk=weiming.pk)
    assert kept.acknowledged_by == follow_up_editor and kept.acknowledgement_note == "已核实"
    assert "罚-伟明" not in client.get("/admin/").content.decode()


def test_a_hit_that_stopped_applying_and_recurs_is_open_again(client, follow_up_editor, two_hits):
    weiming, _lihua = two_hits
    client.force_login(follow_up_editor)
    client.post(acknowledge_url(weiming), {"note": "已核实"})
    record = weiming.record
    record.publicity_until = datetime.date(2020, 1, 1)
    record.save()

    assert run_daily_check()["hits"] == 1
    assert not CrossCheckHit.objects.filter(pk=weiming.pk).exists()

    record.publicity_until = datetime.date(2099, 1, 1)  # corrected by a later import
    record.save()
    run_daily_check()

    assert not CrossCheckHit.objects.get(record=record).is_acknowledged


def test_when_every_hit_is_acknowledged_the_dashboard_says_so(client, admin_user, two_hits):
    client.force_login(uses_the_admin_in_english(admin_user))
    for hit in two_hits:
        client.post(acknowledge_url(hit))

    dashboard = client.get("/admin/").content.decode()

    assert "Every current hit has been acknowledged." in dashboard
    assert "Dashboard" in dashboard  # in English indeed
    assert "罚-伟明" not in dashboard


def test_the_section_editors_get_one_email_about_new_hits_and_none_for_old_ones(
    honour_list, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    editor = django_user_model.objects.create_user(
        "honours-editor", email="honours@example.org", password="pw"
    )
    editor.groups.add(Group.objects.get(name=SECTION_GROUPS["honours"]))
    silent = django_user_model.objects.create_user("no-mail", email="", password="pw")
    silent.groups.add(Group.objects.get(name=SECTION_GROUPS["honours"]))
    pledge_editor = django_user_model.objects.create_user(
        "pledges", email="pledges@example.org", password="pw"
    )
    pledge_editor.groups.add(Group.objects.get(name=SECTION_GROUPS["campaigns"]))
    make_record(document_number="济历市监罚字〔2026〕8号")

    with django_capture_on_commit_callbacks(execute=True):
        assert recheck_all()["new"] == 1
    (message,) = mailoutbox
    assert message.to == ["honours@example.org"]
    assert "1条新的命中" in message.subject
    assert "济南泉城路伟明餐饮管理有限公司" in message.body and "济历市监罚字〔2026〕8号" in message.body
    assert "/admin/publicity/cross-check/" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        assert recheck_all()["new"] == 0
    assert len(mailoutbox) == 1
