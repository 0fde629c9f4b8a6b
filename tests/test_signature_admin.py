"""Editors run a campaign's signatures in the admin: moderate messages, enter offline tallies,
look for fraud and invalidate a set, export (names and numbers for the data officers only),
and the retention period anonymises signers while the counts stay."""

import csv
import datetime
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from campaigns import signing
from campaigns.signatures import MessageState, OfflineTally, Signature
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(home_page):
    index = factories.CampaignIndexPageFactory(parent=home_page)
    campaign = factories.signing_campaign(index)
    for n in range(3):
        signing.sign(
            campaign,
            name=f"张三{n}",
            subdistrict="解放路街道",
            community="宽厚里社区",
            mobile=f"1380013800{n}",
            client_address="10.9.9.9",
            message="诚信从我做起" if n == 0 else "",
        )
    signing.sign(
        campaign, name="李四", subdistrict="千佛山街道", mobile="13912345678", client_address="10.1.1.1"
    )
    return campaign


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


def url(campaign, suffix=""):
    return f"/admin/campaign-signatures/{campaign.pk}/{suffix}"


def test_the_signatures_view_shows_counts_groups_and_waiting_messages(editor, campaign):
    response = editor.get(url(campaign))
    assert response.status_code == 200
    text = response.content.decode()
    assert "10.9.9.9" in text
    assert "1380013" in text  # the mobile prefix
    assert "诚信从我做起" in text


def test_an_editor_approves_a_message_and_it_is_logged(editor, campaign):
    signature = Signature.objects.get(message="诚信从我做起")
    editor.post(url(campaign), {"action": "approve", "signature": signature.pk})
    signature.refresh_from_db()
    assert signature.message_state == MessageState.APPROVED
    assert PageLogEntry.objects.filter(page=campaign, action="campaigns.moderate_message").exists()


def test_invalidating_a_client_address_drops_the_count_with_a_reason_in_the_log(editor, campaign):
    assert signing.total_count(campaign) == 4
    response = editor.post(
        url(campaign), {"action": "invalidate", "kind": "address", "value": "10.9.9.9", "reason": ""}
    )
    assert response.status_code == 200  # a reason is needed
    assert signing.total_count(campaign) == 4
    editor.post(
        url(campaign),
        {"action": "invalidate", "kind": "address", "value": "10.9.9.9", "reason": "同一地址批量签名"},
    )
    assert signing.total_count(campaign) == 1
    assert set(
        Signature.objects.exclude(invalidated_at=None).values_list("invalidation_reason", flat=True)
    ) == {"同一地址批量签名"}
    entry = PageLogEntry.objects.get(page=campaign, action="campaigns.invalidate_signatures")
    assert entry.data["count"] == 3
    assert "张三" not in json.dumps(entry.data, ensure_ascii=False)


def test_invalidating_a_mobile_prefix_and_an_hour(editor, campaign):
    editor.post(
        url(campaign), {"action": "invalidate", "kind": "prefix", "value": "1391234", "reason": "号段异常"}
    )
    assert signing.total_count(campaign) == 3
    hour = timezone.now().replace(minute=0, second=0, microsecond=0).isoformat()
    editor.post(url(campaign), {"action": "invalidate", "kind": "hour", "value": hour, "reason": "刷票"})
    assert signing.total_count(campaign) == 0


def test_the_export_carries_names_only_for_the_data_officers(client, campaign, django_user_model, admin_user):
    chief = django_user_model.objects.create_user("campaign-editor", password="pw")
    chief.groups.add(Group.objects.get(name="诚信者行动与承诺编辑"))
    client.force_login(chief)
    rows = list(csv.reader(io.StringIO(client.get(url(campaign, "export/csv/")).content.decode("utf-8-sig"))))
    assert len(rows) == 5
    assert "张三0" not in str(rows) and "13800138000" not in str(rows)
    officer = django_user_model.objects.create_user("officer", password="pw")
    officer.groups.add(
        Group.objects.get(name="诚信者行动与承诺编辑"), Group.objects.get(name="活动报名数据管理员")
    )
    client.force_login(officer)
    rows = list(csv.reader(io.StringIO(client.get(url(campaign, "export/csv/")).content.decode("utf-8-sig"))))
    assert "张三0" in str(rows) and "13800138000" in str(rows)
    assert PageLogEntry.objects.filter(page=campaign, action="campaigns.export_personal_data").count() == 1
    assert client.get(url(campaign, "export/xlsx/")).status_code == 200


def test_a_formula_in_a_message_cannot_run_in_the_spreadsheet(editor, campaign):
    Signature.objects.filter(message="诚信从我做起").update(message="=1+1")
    rows = list(csv.reader(io.StringIO(editor.get(url(campaign, "export/csv/")).content.decode("utf-8-sig"))))
    assert "'=1+1" in str(rows)


def test_an_offline_tally_counts_in_the_total_and_is_marked_offline(editor, campaign, client):
    response = editor.post(
        "/admin/snippets/campaigns/offlinetally/add/",
        {
            "campaign": campaign.pk,
            "count": 120,
            "collected_on": "2026-11-20",
            "subdistrict": "解放路街道",
            "community": "宽厚里社区",
            "event": "宽厚里诚信宣传日",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tally = OfflineTally.objects.get()
    assert tally.entered_by is not None
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(tally.pk)).exists()
    assert signing.total_count(campaign) == 124
    client.logout()
    page = client.get(campaign.url).content.decode()
    assert "（线下 120）" in page
    assert "线上 4 人，纸质 120 人" in page


def test_the_dashboard_lists_open_campaigns_with_todays_signatures(editor, campaign):
    response = editor.get("/admin/")
    text = response.content.decode()
    assert "正在征集签名的活动" in text
    assert campaign.title in text


def test_after_the_retention_period_signers_are_anonymised_and_counts_stay(campaign):
    campaign.signing_enabled = False
    campaign.save_revision().publish()
    campaign.refresh_from_db()
    later = campaign.signing_closed_at + datetime.timedelta(days=181)
    assert signing.anonymise_signatures(180, now=later - datetime.timedelta(days=2)) == 0
    assert signing.anonymise_signatures(180, now=later) == 4
    assert not Signature.objects.exclude(name="").exists()
    assert not Signature.objects.exclude(mobile="").exists()
    assert signing.total_count(campaign) == 4
    entry = PageLogEntry.objects.get(page=campaign, action="campaigns.anonymise_signatures")
    assert entry.data["count"] == 4


def test_the_partners_json_has_counts_and_no_personal_data(client, campaign):
    response = client.get(campaign.url + "signatures/json/")
    data = response.json()
    assert data["count"] == 4
    assert {area["subdistrict"]: area["count"] for area in data["subdistricts"]} == {
        "解放路街道": 3,
        "千佛山街道": 1,
    }
    assert data["subdistricts"][0]["communities"] == [{"community": "宽厚里社区", "online": 3, "offline": 0}]
    text = response.content.decode()
    assert "张三" not in text and "1380013" not in text and "10.9.9.9" not in text


def test_the_partners_rss_has_the_counts_and_no_personal_data(client, campaign):
    response = client.get(campaign.url + "signatures/feed/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "全部街道：4 人签名" in text
    assert "解放路街道：3 人签名" in text
    assert "张三" not in text and "1380013" not in text


def test_a_tally_entered_on_the_english_page_counts_on_the_chinese_campaign(editor, campaign, en_locale):
    from integrity_site.core.translation import translate_object

    english = translate_object(campaign, en_locale, {campaign.title: "Say no to illegal fund-raising"})
    response = editor.post(
        "/admin/snippets/campaigns/offlinetally/add/",
        {
            "campaign": english.pk,
            "count": 30,
            "collected_on": "2026-11-21",
            "subdistrict": "千佛山街道",
            "community": "",
            "event": "千佛山诚信宣传日",
        },
    )
    assert response.status_code == 302
    assert OfflineTally.objects.get().campaign_id == campaign.pk
    assert signing.total_count(campaign) == 34
