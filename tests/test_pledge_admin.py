"""Editors review, filter, export and bulk-approve pledges in the admin; personal data only
with the permission; the review screen cross-checks the publicity data feed."""

import csv
import datetime
import html
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from django.utils import timezone, translation
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from pledges.records import Industry, Pledge, PledgeState
from tests import factories

LIST_URL = "/admin/snippets/pledges/pledge/"


@pytest.fixture
def editor(django_user_model):
    """An editor who may review pledges but not see personal data."""
    user = django_user_model.objects.create_user("reviewer", "reviewer@example.org", "pw")
    group = Group.objects.create(name="pledge reviewers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="pledges",
            codename__in=["view_pledge", "change_pledge"],
        ),
        Permission.objects.get(codename="access_admin"),
    )
    user.groups.add(group)
    return user


def review_url(pledge):
    return f"{LIST_URL}inspect/{pledge.pk}/"


# 2026-12-02 06:05:33.123456 UTC is 14:05 in Jinan.
SUBMITTED = datetime.datetime(2026, 12, 2, 6, 5, 33, 123456, tzinfo=datetime.UTC)


def shown_fields(response):
    """{label: value} of the fields the review screen lists, as an editor reads them."""
    text = response.content.decode()
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", text, flags=re.S)
    return {html.unescape(label.strip()): html.unescape(value.strip()) for label, value in pairs}


def set_admin_language(user, language):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def test_editors_list_and_filter_pledges_by_state_subdistrict_industry_and_month(client, admin_user):
    client.force_login(admin_user)
    confirmed = factories.PledgeFactory(
        state="confirmed", merchant_name="待审核茶社", subdistrict="文东街道", industry="catering"
    )
    approved = factories.PledgeFactory(state="approved", merchant_name="已公示书店")
    old = factories.PledgeFactory(state="approved", merchant_name="去年的药店", industry="medicine")
    Pledge.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))

    def listed(**query):
        response = client.get(LIST_URL, query)
        assert response.status_code == 200
        return {pledge.merchant_name for pledge in response.context["object_list"]}

    assert listed() == {"待审核茶社", "已公示书店", "去年的药店"}
    assert listed(state="confirmed") == {confirmed.merchant_name}
    assert listed(subdistrict="文东街道") == {"待审核茶社"}
    assert listed(industry="medicine") == {"去年的药店"}
    assert listed(month=timezone.localtime(approved.created_at).strftime("%Y-%m")) == {
        "待审核茶社",
        "已公示书店",
    }
    assert listed(q="书店") == {"已公示书店"}


def test_pledges_cannot_be_added_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(LIST_URL + "add/").status_code in (302, 403)


def test_the_review_screen_says_when_no_feed_has_been_imported(client, admin_user):
    client.force_login(admin_user)
    pledge = factories.PledgeFactory(state="confirmed")
    response = client.get(review_url(pledge))
    assert response.status_code == 200
    assert response.context["feed_check"].feed_imported is False
    assert "pledge-cross-check" in response.content.decode()


def test_the_review_screen_shows_what_the_feed_knows_of_the_credit_code(client, admin_user):
    from publicity.records import PublicityRecord

    client.force_login(admin_user)
    pledge = factories.PledgeFactory(state="confirmed")
    today = timezone.localdate()
    common = {
        "authority": "历下区市场监督管理局",
        "subject_category": "organisation",
        "row_hash": "x",
        "first_imported_on": today,
        "updated_at": timezone.now(),
    }
    PublicityRecord.objects.create(
        kind="penalty",
        document_number="济历市监罚〔2026〕12号",
        subject_name=pledge.merchant_name,
        credit_code=pledge.credit_code,
        decision_date=today - datetime.timedelta(days=30),
        publicity_until=today + datetime.timedelta(days=60),
        **common,
    )
    PublicityRecord.objects.create(
        kind="penalty",
        document_number="济历市监罚〔2020〕1号",
        subject_name=pledge.merchant_name,
        credit_code=pledge.credit_code,
        decision_date=today - datetime.timedelta(days=2000),
        publicity_until=today - datetime.timedelta(days=900),
        **common,
    )
    response = client.get(review_url(pledge))
    check = response.context["feed_check"]
    assert check.feed_imported and [finding.document_number for finding in check.penalties] == [
        "济历市监罚〔2026〕12号"
    ]
    content = response.content.decode()
    assert "济历市监罚〔2026〕12号" in content and "济历市监罚〔2020〕1号" not in content


def test_the_review_screen_shows_yes_no_dashes_labels_and_local_times_in_chinese(client, admin_user):
    client.force_login(admin_user)
    pledge = factories.PledgeFactory(state="confirmed", industry="catering", created_at=SUBMITTED)
    response = client.get(review_url(pledge))
    fields = shown_fields(response)
    assert fields["同意公示"] == "是"
    assert fields["审核通过时间"] == "—" and fields["终止原因"] == "—"
    assert fields["行业"] == "餐饮" and fields["状态"] == "已确认（待审核）"
    assert fields["提交时间"] == "2026年12月2日 14:05"
    assert not {"True", "False", "None", "catering", "confirmed"} & set(fields.values())
    assert "所签正文：" in response.content.decode()  # Chinese punctuation


def test_the_review_screen_shows_times_the_english_way_in_the_english_admin(client, admin_user):
    set_admin_language(admin_user, "en")
    client.force_login(admin_user)
    pledge = factories.PledgeFactory(state="confirmed", consent_to_publication=False, created_at=SUBMITTED)
    fields = shown_fields(client.get(review_url(pledge)))
    assert fields["Submitted at"] == "Dec. 2, 2026, 2:05 p.m."
    assert fields["Consents to publication"] == "No" and fields["Approved at"] == "—"


def test_the_review_screen_names_how_a_feed_record_was_matched(client, admin_user):
    from publicity.records import PublicityRecord

    client.force_login(admin_user)
    pledge = factories.PledgeFactory(state="confirmed")
    PublicityRecord.objects.create(
        kind="dishonest",
        document_number="（2026）鲁0102执123号",
        subject_name=pledge.merchant_name,
        credit_code=pledge.credit_code,
        authority="历下区人民法院",
        subject_category="organisation",
        decision_date=datetime.date(2026, 3, 9),
        row_hash="x",
        first_imported_on=timezone.localdate(),
        updated_at=timezone.now(),
    )
    content = client.get(review_url(pledge)).content.decode()
    row = re.search(r"<tr><td>失信被执行人</td>.*?</tr>", content).group()
    assert "<td>统一社会信用代码</td>" in row and "2026年3月9日" in row
    assert "credit_code" not in row and "None" not in row


def test_personal_data_shows_only_to_editors_with_the_permission(client, editor, admin_user):
    pledge = factories.PledgeFactory(state="confirmed", contact_person="赵隐私", mobile="13700001111")
    client.force_login(editor)
    content = client.get(review_url(pledge)).content.decode()
    assert pledge.merchant_name in content
    assert "赵隐私" not in content and "13700001111" not in content
    client.force_login(admin_user)
    content = client.get(review_url(pledge)).content.decode()
    assert "赵隐私" in content and "13700001111" in content


def test_an_editor_approves_and_revokes_from_the_review_screen_and_the_history_says_who_and_why(
    client, editor
):
    client.force_login(editor)
    pledge = factories.PledgeFactory(state="confirmed")
    response = client.post(f"/admin/pledges/{pledge.pk}/approve/")
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.APPROVED
    client.post(f"/admin/pledges/{pledge.pk}/revoke/", {"reason": ""})
    assert Pledge.objects.get(pk=pledge.pk).state == PledgeState.APPROVED  # no reason, no revocation
    client.post(f"/admin/pledges/{pledge.pk}/revoke/", {"reason": "食品安全抽检不合格"})
    assert Pledge.objects.get(pk=pledge.pk).state == PledgeState.REVOKED
    entries = ModelLogEntry.objects.for_instance(pledge).order_by("timestamp", "pk")
    assert [(entry.action, entry.user) for entry in entries][-2:] == [
        ("pledges.approve", editor),
        ("pledges.revoke", editor),
    ]
    history = client.get(f"{LIST_URL}history/{pledge.pk}/")
    assert history.status_code == 200


def test_editors_without_the_change_permission_cannot_approve(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", "viewer@example.org", "pw")
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_pledge")
    )
    client.force_login(viewer)
    pledge = factories.PledgeFactory(state="confirmed")
    response = client.post(f"/admin/pledges/{pledge.pk}/approve/")
    assert response.status_code in (302, 403) and response.get("Location") != review_url(pledge)
    assert Pledge.objects.get(pk=pledge.pk).state == PledgeState.CONFIRMED


def test_editors_bulk_approve_confirmed_pledges(client, admin_user):
    client.force_login(admin_user)
    confirmed = factories.PledgeFactory.create_batch(3, state="confirmed")
    unconfirmed = factories.PledgeFactory(state="submitted")
    ids = [pledge.pk for pledge in [*confirmed, unconfirmed]]
    url = "/admin/bulk/pledges/pledge/approve/?" + "&".join(f"id={pk}" for pk in ids)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    states = dict(Pledge.objects.values_list("pk", "state"))
    assert [states[pledge.pk] for pledge in confirmed] == ["approved"] * 3
    assert states[unconfirmed.pk] == "submitted"


def export(client, file_format):
    response = client.get(LIST_URL, {"export": file_format})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(body)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_has_personal_data_only_with_the_permission(client, editor, admin_user, file_format):
    factories.PledgeFactory(state="approved", contact_person="赵隐私", merchant_name="导出测试店")
    client.force_login(editor)
    rows = export(client, file_format)
    flat = " ".join(str(value) for row in rows for value in row)
    assert "导出测试店" in flat and "赵隐私" not in flat
    client.force_login(admin_user)
    flat = " ".join(str(value) for row in export(client, file_format) for value in row)
    assert "赵隐私" in flat


def test_exported_cells_never_start_a_formula(client, admin_user):
    # Names are checked on the form; any other text that starts like a formula is made safe on export.
    pledge = factories.PledgeFactory(state="approved")
    Pledge.objects.filter(pk=pledge.pk).update(closing_reason='=HYPERLINK("http://evil")')
    client.force_login(admin_user)
    rows = export(client, "csv")
    assert '\'=HYPERLINK("http://evil")' in rows[1]


def test_the_csv_export_opens_in_excel_with_chinese_headings_labels_and_local_times(client, admin_user):
    factories.PledgeFactory(
        state="confirmed", industry="catering", merchant_name="泉城茶社", created_at=SUBMITTED
    )
    client.force_login(admin_user)
    response = client.get(LIST_URL, {"export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    # Excel takes a CSV for UTF-8 only when it starts with a byte order mark.
    assert body.startswith(b"\xef\xbb\xbf")
    (row,) = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    assert row["商户名称"] == "泉城茶社"
    assert row["状态"] == "已确认（待审核）" and row["行业"] == "餐饮" and row["主体类型"] == "企业"
    assert row["提交时间"] == "2026-12-02 14:05"  # Jinan time, no seconds' fractions
    assert row["同意公示"] == "是" and row["审核通过时间"] == ""


def test_the_xlsx_export_has_the_same_labels_and_local_times(client, admin_user):
    factories.PledgeFactory(state="confirmed", industry="catering", created_at=SUBMITTED)
    client.force_login(admin_user)
    header, row = export(client, "xlsx")
    row = dict(zip(header, row, strict=True))
    assert row["状态"] == "已确认（待审核）" and row["行业"] == "餐饮" and row["同意公示"] == "是"
    assert row["提交时间"] == datetime.datetime(2026, 12, 2, 14, 5, 33)


def test_the_english_admin_exports_english_labels(client, admin_user):
    set_admin_language(admin_user, "en")
    factories.PledgeFactory(state="confirmed", industry="catering", created_at=SUBMITTED)
    client.force_login(admin_user)
    header, row = export(client, "csv")
    row = dict(zip(header, row, strict=True))
    with translation.override("en"):
        assert row["State"] == PledgeState.CONFIRMED.label and row["Industry"] == Industry.CATERING.label
    assert row["Submitted at"] == "2026-12-02 14:05" and row["Consents to publication"] == "Yes"


def test_the_dashboard_shows_counts_by_state_and_subdistrict(client, admin_user):
    factories.PledgeFactory.create_batch(2, state="approved", subdistrict="燕山街道")
    factories.PledgeFactory(state="approved", subdistrict="姚家街道")
    factories.PledgeFactory(state="confirmed", subdistrict="姚家街道")
    client.force_login(admin_user)
    response = client.get("/admin/")
    content = response.content.decode()
    # Wagtail's own dashboard panel, like the other panels of the dashboard.
    panel = re.search(r'<section class="([^"]*)" id="integrity-pledges-section"', content)
    assert panel and {"w-panel", "w-panel--dashboard"} <= set(panel.group(1).split())
    assert 'id="integrity-pledges-heading"' in content and "listing--dashboard" in content
    assert "1份承诺待审核" in content
    from pledges.admin_views import pledge_counts

    counts = pledge_counts()
    assert dict(counts["by_state"])[PledgeState.APPROVED.label] == 3
    assert counts["awaiting_review"] == 1
    assert [(row["subdistrict"], row["count"]) for row in counts["by_subdistrict"]] == [
        ("燕山街道", 2),
        ("姚家街道", 1),
    ]
    assert "燕山街道" in content


def test_the_campaigns_and_pledges_editors_may_review_pledges_but_not_see_personal_data(db):
    group = Group.objects.get(name="诚信者行动与承诺编辑")
    codenames = set(
        group.permissions.filter(content_type__app_label="pledges").values_list("codename", flat=True)
    )
    assert {"view_pledge", "change_pledge", "change_pledgetext", "publish_pledgetext"} <= codenames
    assert "view_pledge_personal_data" not in codenames


def test_active_pledges_are_subjects_of_the_daily_publicity_cross_check(db):
    from integrity_site.core.credit_checks import cross_check_subjects

    active = factories.PledgeFactory(state="approved")
    factories.PledgeFactory(state="revoked")
    items = list(cross_check_subjects()["pledge"]())
    assert [(item.pk, item.credit_code) for item in items] == [(active.pk, active.credit_code)]
    assert items[0].url == review_url(active)


def test_a_pledge_text_that_merchants_signed_cannot_be_deleted(client, admin_user):
    from pledges.records import PledgeText

    client.force_login(admin_user)
    factories.PledgeFactory(state="approved")
    text = PledgeText.objects.get()
    response = client.post(f"/admin/snippets/pledges/pledgetext/delete/{text.pk}/")
    assert response.status_code in (302, 403)
    assert PledgeText.objects.filter(pk=text.pk).exists()
    unsigned = PledgeText.objects.create(
        title="草稿", reason="r", commitment="<p>c</p>", liability="l", live=False
    )
    client.post(f"/admin/snippets/pledges/pledgetext/delete/{unsigned.pk}/")
    assert not PledgeText.objects.filter(pk=unsigned.pk).exists()


def test_the_merchant_is_told_of_the_approval_by_email_in_chinese_with_the_certificate_link(
    client, editor, pledge_page, mailoutbox
):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"  # the editor's admin language does not change the merchant's e-mail
    profile.save()
    client.force_login(editor)
    pledge = factories.PledgeFactory(
        state="confirmed", merchant_name="泉城诚信茶社", email="shop@example.org"
    )

    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail goes out on commit
        client.post(f"/admin/pledges/{pledge.pk}/approve/")

    pledge.refresh_from_db()
    (message,) = mailoutbox
    assert message.to == ["shop@example.org"] and "承诺" in message.subject
    assert "泉城诚信茶社" in message.body and pledge.number in message.body
    assert f"{pledge_page.get_full_url()}certificate/{pledge.number}/" in message.body
    assert f"{pledge_page.get_site().root_url}/v/{pledge.number}/" in message.body
    assert f"{pledge_page.get_full_url()}withdraw/" in message.body


def test_bulk_approval_tells_each_merchant(client, admin_user, pledge_page, mailoutbox):
    client.force_login(admin_user)
    confirmed = factories.PledgeFactory.create_batch(2, state="confirmed")
    ids = [pledge.pk for pledge in confirmed] + [factories.PledgeFactory(state="submitted").pk]

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/admin/bulk/pledges/pledge/approve/?" + "&".join(f"id={pk}" for pk in ids))

    assert sorted(message.to[0] for message in mailoutbox) == sorted(pledge.email for pledge in confirmed)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the e-mail is tried on commit
def test_a_mail_server_that_is_down_does_not_undo_the_approval(
    client, editor, pledge_page, settings, monkeypatch
):
    import smtplib

    from pledges import services

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(services, "send_mail", refuse)
    client.force_login(editor)
    pledge = factories.PledgeFactory(state="confirmed")

    response = client.post(f"/admin/pledges/{pledge.pk}/approve/", follow=True)

    assert Pledge.objects.get(pk=pledge.pk).state == PledgeState.APPROVED
    assert any("e-mail" in str(message) or "邮件" in str(message) for message in response.context["messages"])
