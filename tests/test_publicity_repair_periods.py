"""Penalties are classed and published for the periods the credit-repair rules set, leave public
view on the day those end or when they are repaired, and tell the merchant how repair works."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from integrity_site.core import page_cache
from integrity_site.demo.feedgen import PENALTY_CURRENT_COLUMNS, write_feed
from integrity_site.scheduler.jobs import configured_jobs
from publicity import queries, repair_periods
from publicity.cross_check import cross_check
from publicity.records import PublicityRecord
from publicity.repair_rules import RepairRuleSet, SeverityPeriod, load_rules
from tests.factories import PublicityPageFactory
from tests.publicity_feeds import penalty_row, run_import

pytestmark = pytest.mark.django_db

CODE = "91350100M000100Y43"
COLUMNS = [*PENALTY_CURRENT_COLUMNS, "CF_SXDJ", "CF_XFRQ"]
APRIL_FIRST = datetime.date(2026, 4, 1)
MARCH_31 = datetime.date(2026, 3, 31)


def day(text):
    return datetime.date.fromisoformat(text)


@pytest.fixture
def publicity_page(home_page):
    return PublicityPageFactory(parent=home_page)


def import_penalties(tmp_path, *rows, name="penalties.csv"):
    path = tmp_path / name
    write_feed(path, rows, COLUMNS)
    return run_import(path)


def penalty(number, decided, **overrides):
    """A feed row decided on ``decided`` without an authority's end of publicity: a fine, by
    default, which the rules class as general."""
    values = {
        "CF_WSH": number,
        "CF_JDRQ": decided.isoformat(),
        "CF_YXQ": "",
        "CF_GSJZQ": "",
        "CF_CFLB": "罚款",
        "CF_NR": "罚款0.5万元",
    }
    values.update(overrides)
    return penalty_row(**values)


def stored(number):
    return PublicityRecord.objects.get(document_number=number)


def is_public(number, today):
    return queries.public_records(today).filter(document_number=number).exists()


def test_a_general_penalty_of_1_april_2026_can_be_repaired_after_3_months_and_is_public_for_a_year(tmp_path):
    import_penalties(tmp_path, penalty("G-1", APRIL_FIRST))

    record = stored("G-1")
    assert record.severity == "general"
    assert record.repair_from == day("2026-07-01")  # the minimum ends on 30 June
    assert record.publicity_until == day("2027-03-31")
    assert is_public("G-1", day("2026-06-30")) and is_public("G-1", day("2026-07-01"))
    assert is_public("G-1", day("2027-03-31"))
    assert not is_public("G-1", day("2027-04-01"))


def test_a_penalty_revoking_a_licence_is_serious_with_one_to_three_years(tmp_path):
    import_penalties(
        tmp_path, penalty("S-1", APRIL_FIRST, CF_CFLB="罚款;吊销许可证", CF_NR="吊销食品经营许可证")
    )

    record = stored("S-1")
    assert record.severity == "serious"
    assert record.repair_from == day("2027-04-01")
    assert record.publicity_until == day("2029-03-31")
    assert is_public("S-1", day("2029-03-31")) and not is_public("S-1", day("2029-04-01"))


@pytest.mark.parametrize("category", ["警告", "通报批评", "警告;通报批评"])
def test_a_warning_by_simple_procedure_is_minor_and_never_public(tmp_path, publicity_page, client, category):
    import_penalties(
        tmp_path, penalty("M-1", APRIL_FIRST, CF_CFLB=category, CF_NR="适用简易程序，当场予以警告")
    )

    record = stored("M-1")
    assert record.severity == "minor"
    assert record.publicity_until is None
    assert record.repair_from == APRIL_FIRST  # repairable once the duty is fulfilled
    assert not is_public("M-1", APRIL_FIRST)
    assert "M-1" not in client.get(publicity_page.url, {"q": CODE}).content.decode()
    assert not cross_check(credit_code=CODE).penalties


def test_a_warning_by_the_ordinary_procedure_is_general(tmp_path):
    import_penalties(tmp_path, penalty("W-1", APRIL_FIRST, CF_CFLB="警告", CF_NR="警告"))

    assert stored("W-1").severity == "general"


def test_the_class_the_feed_gives_wins_over_the_rules(tmp_path):
    import_penalties(tmp_path, penalty("F-1", APRIL_FIRST, CF_SXDJ="严重"))

    assert stored("F-1").severity == "serious"
    assert stored("F-1").publicity_until == day("2029-03-31")


@pytest.mark.parametrize("authority_until", ["2026-05-15", "2028-06-30"])
def test_the_authoritys_end_of_publicity_wins_whether_earlier_or_later_than_the_rules(
    tmp_path, authority_until
):
    import_penalties(tmp_path, penalty("A-1", APRIL_FIRST, CF_GSJZQ=authority_until))

    end = day(authority_until)
    assert stored("A-1").publicity_until == end
    assert is_public("A-1", end)
    assert not is_public("A-1", end + datetime.timedelta(days=1))


def test_decisions_of_31_march_and_1_april_2026_fall_under_different_rule_sets(tmp_path):
    rules = load_rules()
    assert rules.for_date(MARCH_31).name == "失信行为纠正后的信用信息修复管理办法（试行）"
    assert rules.for_date(APRIL_FIRST).name == "信用修复管理办法"
    assert rules.for_date(day("2020-01-01")).effective_from == day("2019-07-04")
    import_penalties(tmp_path, penalty("OLD", MARCH_31), penalty("NEW", APRIL_FIRST))

    # An editor shortens the general period of the 2026 rules: only the April decision follows.
    SeverityPeriod.objects.filter(rule_set__effective_from=APRIL_FIRST, severity="general").update(
        maximum_months=6
    )
    assert repair_periods.recompute() == (2, 1)

    assert stored("OLD").publicity_until == day("2027-03-30")
    assert stored("NEW").publicity_until == day("2026-09-30")


def test_under_the_2019_rules_a_serious_penalty_could_be_repaired_after_six_months(tmp_path):
    import_penalties(tmp_path, penalty("R-2019", day("2020-03-02"), CF_CFLB="责令关闭", CF_NR="责令关闭"))

    assert stored("R-2019").repair_from == day("2020-09-02")
    assert stored("R-2019").publicity_until == day("2023-03-01")


def test_a_repair_date_in_the_feed_takes_the_penalty_out_of_every_public_place(
    tmp_path, client, publicity_page
):
    today = timezone.localdate()
    decided = today - datetime.timedelta(days=100)
    import_penalties(
        tmp_path,
        penalty("REP-1", decided, CF_XFRQ=(today - datetime.timedelta(days=3)).isoformat()),
        penalty("KEEP-1", decided),
    )

    search = client.get(publicity_page.url, {"q": CODE}).content.decode()
    profile = client.get(publicity_page.url + f"credit/{CODE}/").content.decode()
    per_month = queries.records_per_month(today=today)["penalty"]
    assert "REP-1" not in search and "KEEP-1" in search
    assert "REP-1" not in profile and "KEEP-1" in profile
    assert "已信用修复" in profile
    assert f"{(today - datetime.timedelta(days=3)).year}年" in profile
    assert sum(count for _month, count in per_month) == 1
    assert [finding.document_number for finding in cross_check(credit_code=CODE).penalties] == ["KEEP-1"]


def test_a_file_of_repair_outcomes_repairs_penalties_and_a_later_feed_keeps_them_repaired(
    tmp_path, client, publicity_page
):
    today = timezone.localdate()
    decided = today - datetime.timedelta(days=100)
    import_penalties(tmp_path, penalty("REP-2", decided), penalty("KEEP-2", decided))
    repairs = tmp_path / "repairs.csv"
    write_feed(
        repairs,
        [
            {"CF_WSH": "REP-2", "CF_XFRQ": today.isoformat()},
            {"CF_WSH": "NOT-IN-FEED", "CF_XFRQ": today.isoformat()},
            {"CF_WSH": "REP-X", "CF_XFRQ": "明天"},
        ],
        ["CF_WSH", "CF_CFJG", "CF_XFRQ"],
    )

    summary = run_import(repairs)

    assert summary["kind"] == "repair"
    assert (summary["updated"], summary["not_found"], summary["rejected"]) == (1, 1, 1)
    assert stored("REP-2").repaired_on == today
    assert not is_public("REP-2", today) and is_public("KEEP-2", today)
    assert "已信用修复" in client.get(publicity_page.url + f"credit/{CODE}/").content.decode()

    # The next penalty feed has no repair column: the repair stays.
    import_penalties(tmp_path, penalty("REP-2", decided, CF_NR="罚款0.5万元（更正）"), name="again.csv")
    assert stored("REP-2").repaired_on == today
    assert not is_public("REP-2", today)


def test_statistics_and_the_query_count_the_same_records(tmp_path):
    today = timezone.localdate()
    recent = today - datetime.timedelta(days=30)
    import_penalties(
        tmp_path,
        penalty("PUBLIC", recent),
        penalty("ENDED", recent, CF_GSJZQ=(today - datetime.timedelta(days=1)).isoformat()),
        penalty("MINOR", recent, CF_CFLB="警告", CF_NR="简易程序"),
    )

    shown = queries.search(CODE, kind="penalty", today=today).count()
    counted = sum(count for _month, count in queries.records_per_month(today=today)["penalty"])
    per_authority = sum(
        count for row in queries.records_per_authority_per_month(today=today) for _month, count in row.months
    )
    # Before, the statistics counted all three: every stored record, ended or not published.
    assert shown == counted == per_authority == 1


def test_the_daily_job_drops_cached_pages_of_penalties_whose_publicity_ended(
    tmp_path, client, publicity_page, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    page_cache.local_copies.clear()
    today = timezone.localdate()
    import_penalties(tmp_path, penalty("ENDS", today - datetime.timedelta(days=30)))
    url = publicity_page.url + f"credit/{CODE}/"
    assert "ENDS" in client.get(url).content.decode()
    assert client.get(url).headers.get("X-Cache") == "HIT"
    # No copy outlives the day: penalties leave at midnight.
    assert int(client.get(url).headers["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 24 * 3600
    # Its period ends (as midnight would make it): the day before is its last public day.
    PublicityRecord.objects.filter(document_number="ENDS").update(
        publicity_until=today - datetime.timedelta(days=1)
    )

    job = next(job for job in configured_jobs() if job.name == "publicity.end_of_publicity")
    with django_capture_on_commit_callbacks(execute=True):
        output = job.run()
    page_cache.local_copies.clear()

    assert job.period == "daily"
    assert output.startswith("1 penalties left public view")
    assert "ENDS" not in client.get(url).content.decode()


def test_a_penalty_shows_its_class_repair_date_and_where_to_apply(tmp_path, client, publicity_page):
    today = timezone.localdate()
    decided = today - datetime.timedelta(days=30)
    import_penalties(tmp_path, penalty("INFO-1", decided))
    record = stored("INFO-1")

    for url in (publicity_page.url + f"?q={CODE}", publicity_page.url + f"credit/{CODE}/"):
        page = client.get(url).content.decode()
        assert "类别：一般" in page
        assert (
            f"自{record.repair_from.year}年{record.repair_from.month}月{record.repair_from.day}日起可申请信用修复"
            in page
        )
        assert "https://www.creditchina.gov.cn/" in page
        assert "信用承诺" in page
        assert publicity_page.url + "credit-repair/" in page


def test_the_explanation_is_written_from_the_rules(client, publicity_page):
    page = client.get(publicity_page.url + "credit-repair/").content.decode()
    assert "信用修复管理办法" in page
    assert "自决定之日起公示至少3个月、最多1年" in page
    assert "2026年4月1日" in page

    SeverityPeriod.objects.filter(rule_set__effective_from=APRIL_FIRST, severity="general").update(
        maximum_months=6
    )
    repair_periods.rule_set_changed()
    assert (
        "自决定之日起公示至少3个月、最多6个月"
        in client.get(publicity_page.url + "credit-repair/").content.decode()
    )


def test_english_readers_get_the_explanation_in_english(client, publicity_page, en_locale):
    from integrity_site.core.translation import translate_object

    english = translate_object(publicity_page, en_locale, {})
    page = client.get(english.url + "credit-repair/").text
    assert "Published for at least 3 months and at most 1 year from the decision date" in page
    assert "Not published in principle (where the authority finds it necessary, at most 3 months)" in page


def test_publicity_editors_may_maintain_the_rules_and_others_may_not(client, django_user_model):
    from django.contrib.auth.models import Group, Permission

    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="公示数据编辑"))
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    stranger = django_user_model.objects.create_user("stranger", password="x", is_staff=True)
    stranger.user_permissions.add(Permission.objects.get(codename="access_admin"))
    rule_set = RepairRuleSet.objects.get(effective_from=APRIL_FIRST)
    edit_url = f"/admin/snippets/publicity/repairruleset/edit/{rule_set.pk}/"

    client.force_login(editor)
    assert client.get(edit_url).status_code == 200
    client.force_login(stranger)
    assert client.get(edit_url).status_code in (302, 403)


def test_the_recompute_command_prints_what_it_did(tmp_path, capsys):
    import_penalties(tmp_path, penalty("CMD-1", APRIL_FIRST))
    call_command("recompute_repair_periods")
    assert capsys.readouterr().out.strip() == '{"read": 1, "changed": 0}'


def test_a_2016_layout_penalty_without_an_end_date_is_public_for_its_classs_maximum(tmp_path):
    from integrity_site.demo.feedgen import COLUMNS

    path = tmp_path / "old.csv"
    row = {
        "CF_WSH": "济历市监罚字〔2020〕9号",
        "CF_CFMC": "销售过期食品案",
        "CF_CFLB1": "警告",
        "CF_CFLB2": "罚款",
        "CF_XDR_MC": "济南燕山丽华商贸有限公司",
        "CF_XDR_SHXYM": CODE,
        "CF_JDRQ": "2020-02-29",
        "CF_XZJG": "济南市历下区市场监督管理局",
    }
    write_feed(path, [row], COLUMNS[("penalty", "2016")])
    run_import(path)

    record = stored("济历市监罚字〔2020〕9号")
    assert (record.severity, record.repair_from) == ("general", day("2020-05-29"))
    assert record.publicity_until == day("2021-02-27")  # a year after 29 February is 28 February


def test_an_editor_correcting_the_authoritys_end_date_by_hand_moves_the_end_of_publicity(
    tmp_path, admin_client
):
    from django.forms.models import model_to_dict

    import_penalties(tmp_path, penalty("HAND-1", APRIL_FIRST))
    record = stored("HAND-1")
    data = {
        key: ("" if value is None else value)
        for key, value in model_to_dict(record).items()
        if key
        not in {"id", "first_imported_on", "late", "updated_at", "severity", "repair_from", "publicity_until"}
    }
    data["authority_until"] = "2026-06-15"

    response = admin_client.post(f"/admin/publicity_records/edit/{record.pk}/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored("HAND-1").publicity_until == day("2026-06-15")
