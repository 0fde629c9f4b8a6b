"""Residents read the statistics of the feed as charts with a plain-language summary."""

import datetime
import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from integrity_site.core.translation import translate_object
from publicity.queries import records_per_authority_per_month, records_per_month
from publicity.records import ImportRun
from tests.factories import PublicityPageFactory
from tests.publicity_feeds import make_record

pytestmark = pytest.mark.django_db

HEALTH = "济南市历下区卫生健康局"
APPROVALS = "济南市历下区行政审批服务局"
MARKET = "济南市历下区市场监督管理局"


def month_ago(months):
    """The first day of the month ``months`` months before this one (never in the future)."""
    day = timezone.localdate().replace(day=1)
    for _ in range(months):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


def licence(**fields):
    return make_record(kind="licence", publicity_until=None, **fields)


def chinese_month(months):
    day = month_ago(months)
    return f"{day.year}年{day.month}月"


def english_month(months):
    with translation.override("en"):
        return date_format(month_ago(months), "YEAR_MONTH_FORMAT")


def charts(page_html):
    """{chart title: (summary, {bar label: value})} of the page, in the page's order."""
    found = {}
    for figure in re.findall(r'<figure class="publicity-chart">(.*?)</figure>', page_html, re.S):
        title, summary = re.search(r"<h3>(.*?)</h3><p>(.*?)</p>", figure).groups()
        bars = {
            html.unescape(label): int(value)
            for label, value in re.findall(r"<title>(.*?)(?:: |：)(\d+)</title>", figure)
        }
        found[html.unescape(title)] = (html.unescape(summary), bars)
    return found


@pytest.fixture
def publicity_page(home_page):
    return PublicityPageFactory(parent=home_page)


@pytest.fixture
def english_statistics(home_page, publicity_page, en_locale):
    translate_object(home_page, en_locale, {})
    translate_object(publicity_page, en_locale, {})
    return "/en/publicity/statistics/"


def test_records_are_counted_per_month_and_kind_for_the_last_twelve_months():
    make_record(decision_date=month_ago(0))
    make_record(decision_date=month_ago(0))
    licence(decision_date=month_ago(2))
    make_record(decision_date=month_ago(12))

    counts = records_per_month()

    assert len(counts["penalty"]) == 12
    assert counts["penalty"][-1] == (month_ago(0), 2)
    assert sum(count for _month, count in counts["penalty"]) == 2
    assert counts["licence"][-3][1] == 1


def test_licences_and_penalties_are_counted_per_authority_and_month_busiest_first():
    make_record(authority=HEALTH, decision_date=month_ago(1))
    licence(authority=APPROVALS, decision_date=month_ago(0))
    licence(authority=APPROVALS, decision_date=month_ago(0))
    make_record(authority=APPROVALS, decision_date=month_ago(11))
    make_record(authority=APPROVALS, decision_date=month_ago(12))  # before the window
    make_record(kind="dishonest", authority="济南市历下区人民法院", decision_date=month_ago(0))

    rows = records_per_authority_per_month()

    assert [(row.authority, row.folded) for row in rows] == [(APPROVALS, 0), (HEALTH, 0)]
    assert [start for start, _count in rows[0].months] == [month_ago(months) for months in range(11, -1, -1)]
    assert rows[0].months[0] == (month_ago(11), 1)
    assert rows[0].months[-1] == (month_ago(0), 2)
    assert sum(count for _month, count in rows[0].months) == 3
    assert [count for _month, count in rows[1].months] == [0] * 10 + [1, 0]


def test_beyond_the_six_busiest_authorities_the_rest_are_folded_together():
    for number in range(8):  # authority 0 has 8 records, authority 7 has 1
        for months in range(8 - number):
            make_record(authority=f"历下区第{number}局", decision_date=month_ago(months))

    rows = records_per_authority_per_month()

    assert [row.authority for row in rows] == [f"历下区第{number}局" for number in range(6)] + [""]
    assert rows[-1].folded == 2
    # Authorities 6 (2 records: this month and last) and 7 (1 record: this month).
    assert [count for _month, count in rows[-1].months] == [0] * 10 + [1, 2]


def test_a_single_authority_beyond_the_six_keeps_its_name():
    for number in range(7):
        make_record(authority=f"历下区第{number}局", decision_date=month_ago(0))

    rows = records_per_authority_per_month()

    assert len(rows) == 7 and all(row.authority and not row.folded for row in rows)


def test_the_statistics_page_draws_bar_charts_with_a_text_summary(client, publicity_page):
    make_record(decision_date=month_ago(0), authority=HEALTH)
    make_record(decision_date=month_ago(0), authority=HEALTH)

    response = client.get(publicity_page.url + "statistics/")

    page_html = response.content.decode()
    assert response.status_code == 200
    assert page_html.count("<svg") == 4  # three kinds and one authority
    assert page_html.count('role="img"') == 4
    assert 'width="100%"' in page_html and 'viewBox="0 0 340 ' in page_html
    # The busiest month's bar is the full width and carries its number.
    assert re.search(r'<rect x="120" y="242" width="170" height="18"><title>[^<]*：2</title>', page_html)
    # Chinese labels take a full-width colon, in the bars' titles and the charts' descriptions.
    assert re.search(r'aria-label="[^"]*每月[^"]*：', page_html) and ": 2<" not in page_html
    assert HEALTH in page_html
    assert "<table" not in page_html
    assert "<script" not in page_html.split("<main", 1)[1].split("</main>", 1)[0]


def test_each_authority_shows_its_numbers_per_month(client, publicity_page):
    licence(authority=APPROVALS, decision_date=month_ago(0))
    licence(authority=APPROVALS, decision_date=month_ago(0))
    make_record(authority=APPROVALS, decision_date=month_ago(3))
    make_record(authority=HEALTH, decision_date=month_ago(5))
    make_record(kind="dishonest", authority="济南市历下区人民法院", decision_date=month_ago(5))

    shown = charts(client.get(publicity_page.url + "statistics/").content.decode())

    _summary, approvals = shown[APPROVALS]
    assert list(approvals) == [chinese_month(months) for months in range(11, -1, -1)]
    assert approvals[chinese_month(0)] == 2
    assert approvals[chinese_month(3)] == 1
    assert sum(approvals.values()) == 3
    _summary, health = shown[HEALTH]
    assert health[chinese_month(5)] == 1 and sum(health.values()) == 1
    assert "济南市历下区人民法院" not in shown  # the courts' list is not a licence or penalty
    titles = list(shown)
    assert titles.index(APPROVALS) < titles.index(HEALTH)  # busiest first


def test_each_authority_chart_says_its_total_and_busiest_month(client, english_statistics):
    licence(authority=APPROVALS, decision_date=month_ago(0))
    make_record(authority=APPROVALS, decision_date=month_ago(3))
    make_record(authority=APPROVALS, decision_date=month_ago(3))
    make_record(authority=HEALTH, decision_date=month_ago(5))

    shown = charts(client.get(english_statistics).content.decode())

    assert shown[APPROVALS][0] == (
        f"3 licences and penalties in the last 12 months; the most, 2, in {english_month(3)}."
    )
    assert (
        shown[HEALTH][0] == f"1 licence or penalty in the last 12 months; the most, 1, in {english_month(5)}."
    )


def test_the_page_folds_the_quieter_authorities_into_one_chart(client, publicity_page, english_statistics):
    for number in range(9):  # authority 0 has 9 records, authority 8 has 1
        for months in range(9 - number):
            make_record(authority=f"历下区第{number}局", decision_date=month_ago(months))

    chinese = charts(client.get(publicity_page.url + "statistics/").content.decode())
    english_html = client.get(english_statistics).content.decode()
    english = charts(english_html)

    named = [f"历下区第{number}局" for number in range(6)]
    assert [title for title in chinese if title.startswith("历下区")] == named
    assert "历下区第6局" not in chinese and "历下区第7局" not in chinese
    assert len(chinese) == 3 + 7
    summary, rest = english["3 other authorities"]
    # Authorities 6, 7 and 8: 3 + 2 + 1 records, this month 3, last month 2, the one before 1.
    assert [rest[english_month(months)] for months in (2, 1, 0)] == [1, 2, 3]
    assert summary == f"6 licences and penalties in the last 12 months; the most, 3, in {english_month(0)}."
    assert "The 6 authorities with the most licences and penalties in the last 12 months" in english_html
    assert "the other 3 together in the last chart" in english_html


def test_without_records_the_page_says_so_instead_of_drawing_empty_charts(
    client, publicity_page, english_statistics
):
    make_record(decision_date=month_ago(12))  # too old to count

    chinese = client.get(publicity_page.url + "statistics/")
    english = client.get(english_statistics).content.decode()

    assert chinese.status_code == 200
    assert "<svg" not in chinese.content.decode() and 'class="empty"' in chinese.content.decode()
    assert "<svg" not in english
    assert "Nothing has been published in the last 12 months, so there is nothing to chart yet." in english


def test_without_licences_or_penalties_the_authority_section_says_so(client, english_statistics):
    make_record(kind="dishonest", authority="济南市历下区人民法院", decision_date=month_ago(0))

    english = client.get(english_statistics).content.decode()

    assert english.count("<svg") == 3
    assert "No licences or penalties in the last 12 months." in english


def test_the_page_renders_in_chinese_and_in_english(client, publicity_page, english_statistics):
    make_record(authority=HEALTH, decision_date=month_ago(0))

    chinese = client.get(publicity_page.url + "statistics/")
    english = client.get(english_statistics)

    assert publicity_page.url + "statistics/" == "/publicity/statistics/"
    assert chinese.status_code == 200 and english.status_code == 200
    chinese, english = chinese.content.decode(), english.content.decode()
    assert '<html lang="zh-hans">' in chinese and '<html lang="en">' in english
    assert "公示数据统计" in chinese and chinese_month(0) in chinese
    assert "Statistics of the publicity data" in english and english_month(0) in english
    assert "Licences and penalties per month, by authority" in english and "Penalties per month" in english
    assert "公示数据统计" not in english and chinese_month(0) not in english
    assert english.count("<svg") == chinese.count("<svg") == 4


def record_queries(captured):
    return [
        query["sql"] for query in captured.captured_queries if "publicity_publicityrecord" in query["sql"]
    ]


def test_the_number_of_queries_does_not_grow_with_the_authorities(client, publicity_page):
    url = publicity_page.url + "statistics/"
    make_record(authority=HEALTH, decision_date=month_ago(0))
    client.get(url)  # caches warmed (site, menus, settings)

    cache.clear()  # the statistics computed afresh
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number in range(20):
        make_record(authority=f"历下区第{number}局", decision_date=month_ago(number % 12))
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        page_html = client.get(url).content.decode()

    assert page_html.count("<svg") == 3 + 7
    assert len(many) == len(few)
    # The data's version, then per kind and day, per authority and day.
    assert len(record_queries(many)) == 3


def finish_an_import():
    return ImportRun.objects.create(
        file_name="feed.csv", status=ImportRun.Status.FINISHED, finished_at=timezone.now()
    )


def test_the_statistics_are_computed_once_per_import(client, publicity_page):
    url = publicity_page.url + "statistics/"
    make_record(authority=HEALTH, decision_date=month_ago(0))
    finish_an_import()
    client.get(url)

    with CaptureQueriesContext(connection) as again:
        page_html = client.get(url).content.decode()
    assert charts(page_html)[HEALTH][1][chinese_month(0)] == 1
    # Only the version of the data is read: one query that looks at the ends of two indexes.
    assert len(record_queries(again)) == 1 and "MAX" in record_queries(again)[0]

    make_record(authority=HEALTH, decision_date=month_ago(0))
    finish_an_import()
    with CaptureQueriesContext(connection) as after_import:
        page_html = client.get(url).content.decode()
    assert len(record_queries(after_import)) == 3
    assert charts(page_html)[HEALTH][1][chinese_month(0)] == 2


def test_records_added_while_an_import_runs_show_within_minutes_not_on_every_request(
    client, publicity_page, monkeypatch
):
    from publicity import queries

    url = publicity_page.url + "statistics/"
    make_record(authority=HEALTH, decision_date=month_ago(0))
    client.get(url)
    make_record(authority=HEALTH, decision_date=month_ago(0))  # a batch of a running import

    with CaptureQueriesContext(connection) as soon:
        soon_html = client.get(url).content.decode()
    soon_queries = record_queries(soon)  # read before the next request clears the log
    monkeypatch.setattr(queries, "STATISTICS_REFRESH_SECONDS", 0)  # as if minutes had passed
    later_html = client.get(url).content.decode()

    assert len(soon_queries) == 1
    assert charts(soon_html)[HEALTH][1][chinese_month(0)] == 1
    assert charts(later_html)[HEALTH][1][chinese_month(0)] == 2


def test_the_statistics_of_a_new_day_are_computed_afresh(client, publicity_page):
    from publicity.queries import statistics

    make_record(authority=HEALTH, decision_date=month_ago(0))
    today = timezone.localdate()
    statistics(today=today)

    with CaptureQueriesContext(connection) as same_day:
        statistics(today=today)
    with CaptureQueriesContext(connection) as next_day:
        statistics(today=today + datetime.timedelta(days=1))

    assert len(record_queries(same_day)) == 1 and len(record_queries(next_day)) == 3


def test_while_one_request_computes_new_statistics_the_others_show_the_last_ones(client, publicity_page):
    from publicity.queries import STATISTICS_CACHE_KEY

    url = publicity_page.url + "statistics/"
    make_record(authority=HEALTH, decision_date=month_ago(0))
    client.get(url)
    make_record(authority=HEALTH, decision_date=month_ago(0))
    finish_an_import()
    cache.set(STATISTICS_CACHE_KEY.format(months=12, top=6) + ":computing", True)  # as another request would

    with CaptureQueriesContext(connection) as meanwhile:
        meanwhile_html = client.get(url).content.decode()
    meanwhile_queries = record_queries(meanwhile)
    cache.delete(STATISTICS_CACHE_KEY.format(months=12, top=6) + ":computing")
    after_html = client.get(url).content.decode()

    assert len(meanwhile_queries) == 1
    assert charts(meanwhile_html)[HEALTH][1][chinese_month(0)] == 1
    assert charts(after_html)[HEALTH][1][chinese_month(0)] == 2
