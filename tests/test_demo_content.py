"""`load_demo_content` builds the demo site once, in both languages, and a second
run changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from wagtail.models import Page, Revision

from campaigns.models import CampaignPage, VolunteerEventPage
from home.models import ArticlePage
from lectures.models import LecturePage

pytestmark = pytest.mark.django_db


def load(monkeypatch, tmp_path):
    monkeypatch.setattr("integrity_site.demo.loader.admin_password_file", lambda: tmp_path / "pw.txt")
    output = io.StringIO()
    call_command("load_demo_content", stdout=output)
    return output.getvalue()


def counts():
    return (Page.objects.count(), Revision.objects.count(), Page.objects.filter(live=True).count())


def test_the_demo_loads_once_and_a_second_run_changes_nothing(monkeypatch, tmp_path, site):
    first = load(monkeypatch, tmp_path)
    assert "Demo content loaded" in first
    after_first = counts()
    second = load(monkeypatch, tmp_path)
    assert "nothing changed" in second
    assert counts() == after_first


def test_the_demo_tells_the_programme_in_both_languages(monkeypatch, tmp_path, client, site):
    load(monkeypatch, tmp_path)
    # Only the honour list the demo puts in moderation (and its translation) is unpublished.
    assert set(Page.objects.filter(live=False).values_list("slug", flat=True)) == {
        "household-service-units-2026"
    }
    assert ArticlePage.objects.filter(locale__language_code="zh-hans").count() >= 5
    assert (
        ArticlePage.objects.filter(locale__language_code="en").count()
        == ArticlePage.objects.filter(locale__language_code="zh-hans").count()
    )
    titles = set(Page.objects.values_list("title", flat=True))
    for fact in [
        "宽厚里成为首个信用示范街区",
        "解放路街道开展诚信街道建设试点",
        "儒信大讲堂",
        "诚信者行动",
        "我承诺 我诚信 我文明",
        "防范非法集资·争做诚信市民",
    ]:
        assert fact in titles, fact
    assert any("一带一路" in title for title in titles)
    assert any("六大板块" in title for title in titles)
    assert LecturePage.objects.count() and VolunteerEventPage.objects.count() and CampaignPage.objects.count()

    home = client.get("/")
    assert home.status_code == 200
    assert "宽厚里成为首个信用示范街区" in home.text
    assert "历下区社会信用体系建设工作办公室" in home.text  # footer, from site settings
    english_home = client.get("/en/")
    assert "Kuanhouli becomes the first credit demonstration block" in english_home.text
    assert "Lixia District Social Credit Office" in english_home.text
    assert client.get("/en/honours/integrity-units-2020/").status_code == 200


def test_the_demo_creates_an_admin_account_and_says_where_its_password_is(monkeypatch, tmp_path, site):
    output = load(monkeypatch, tmp_path)
    assert "Created the admin account 'admin'" in output
    username, password = (tmp_path / "pw.txt").read_text().split()
    from django.contrib.auth import authenticate

    assert authenticate(username=username, password=password).is_superuser


def test_a_chosen_admin_password_is_used_and_written_nowhere(monkeypatch, tmp_path, site):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "chosen-by-the-operator")
    output = load(monkeypatch, tmp_path)
    assert "DEMO_ADMIN_PASSWORD" in output and "chosen-by-the-operator" not in output
    assert not (tmp_path / "pw.txt").exists()
    from django.contrib.auth import authenticate

    assert authenticate(username="admin", password="chosen-by-the-operator").is_superuser


def test_the_demo_images_are_drawn_locally(monkeypatch, tmp_path, site):
    load(monkeypatch, tmp_path)
    article = ArticlePage.objects.filter(cover_image__isnull=False).first()
    assert article.cover_image.width == 1200


def test_the_demo_has_the_reports_honour_lists_and_feed_and_the_credit_checks_at_work(
    monkeypatch, tmp_path, site
):
    from honours.models import HonourListPage
    from publicity.records import CrossCheckHit, PublicityRecord

    load(monkeypatch, tmp_path)
    lists = HonourListPage.objects.filter(locale__language_code="zh-hans")
    categories = set(lists.values_list("category", flat=True))
    assert {
        "integrity_unit",
        "gold_service",
        "role_model",
        "helping_others",
        "model_enterprise",
        "credit_grade",
    } <= categories
    graded = lists.get(category="credit_grade")
    assert graded.entries.count() == 107 and graded.awarding_unit
    kinds = dict(PublicityRecord.objects.values_list("kind").annotate(count=Count("pk")))
    assert kinds["licence"] > 40 * kinds["penalty"] and kinds["dishonest"] >= 10
    # A published entry the feed speaks against waits on the dashboard…
    assert CrossCheckHit.objects.filter(subject_label__startswith="济南历下顺心保洁服务有限公司").exists()
    # …and a list in moderation is held at the credit check step.
    pending = lists.get(slug="household-service-units-2026")
    assert pending.workflow_in_progress
    assert pending.current_workflow_task.name == "信用核查"


def test_the_demo_campaigns_are_open_for_signing_with_signatures_and_a_paper_tally(
    monkeypatch, tmp_path, client, site
):
    from campaigns import signing

    load(monkeypatch, tmp_path)
    campaigns = CampaignPage.objects.filter(locale__language_code="zh-hans", signing_enabled=True)
    assert campaigns.count() == 2
    pledge = campaigns.get(title="我承诺 我诚信 我文明")
    assert signing.online_count(pledge) == 8 and signing.offline_count(pledge) == 86
    page = client.get(pledge.url)
    assert "张*华 · 宽厚里社区" in page.text
    assert "诚信从我做起" in page.text  # an approved message
    english = client.get(pledge.get_translations().get().url)
    assert "94</strong>" in english.text


def test_the_demo_has_credit_repair_help_requests_in_three_states(monkeypatch, tmp_path, site):
    from publicity import repair_help
    from publicity.repair_help_records import RepairHelpRequest

    load(monkeypatch, tmp_path)
    assert sorted(RepairHelpRequest.objects.values_list("status", flat=True)) == [
        "contacted",
        "new",
        "repaired",
    ]
    assert repair_help.dashboard_counts() == {"open": 2, "waiting": 1}
    assert all(request.record is not None for request in RepairHelpRequest.objects.all())
