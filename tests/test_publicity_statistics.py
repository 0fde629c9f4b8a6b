"""Residents read the statistics of the feed as charts with a plain-language summary."""

import datetime
import re

import pytest
from django.utils import timezone

from publicity.queries import records_per_authority, records_per_month
from tests.factories import PublicityPageFactory
from tests.publicity_feeds import make_record

pytestmark = pytest.mark.django_db


def month_ago(months):
    day = timezone.localdate().replace(day=15)
    for _ in range(months):
        day = (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=15)
    return day


def test_records_are_counted_per_month_and_kind_for_the_last_twelve_months():
    make_record(decision_date=month_ago(0))
    make_record(decision_date=month_ago(0))
    make_record(decision_date=month_ago(2), kind="licence", publicity_until=None)
    make_record(decision_date=month_ago(13))

    counts = records_per_month()

    assert len(counts["penalty"]) == 12
    assert counts["penalty"][-1] == (month_ago(0).replace(day=1), 2)
    assert sum(count for _month, count in counts["penalty"]) == 2
    assert counts["licence"][-3][1] == 1


def test_records_are_counted_per_authority_busiest_first():
    make_record(authority="济南市历下区卫生健康局")
    make_record(authority="济南市历下区行政审批服务局", kind="licence", publicity_until=None)
    make_record(authority="济南市历下区行政审批服务局", kind="licence", publicity_until=None)

    assert records_per_authority() == [("济南市历下区行政审批服务局", 2, 0), ("济南市历下区卫生健康局", 0, 1)]


def test_the_statistics_page_draws_bar_charts_with_a_text_summary(client, home_page):
    page = PublicityPageFactory(parent=home_page)
    make_record(decision_date=month_ago(0), authority="济南市历下区卫生健康局")
    make_record(decision_date=month_ago(0), authority="济南市历下区卫生健康局")

    response = client.get(page.url + "statistics/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") == 4
    assert 'role="img"' in html
    # The busiest authority's bar is the full width and carries its number.
    assert re.search(r'<rect x="200" y="0" width="360"', html)
    assert "济南市历下区卫生健康局" in html
    assert "<table" not in html
