"""Residents find the next lecture or volunteer event: upcoming first, filtered by
where and when, with the places left, at a constant cost in queries."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrity_site.events.services import register
from lectures.models import LectureIndexPage
from tests import factories

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def lectures(home_page):
    return factories.LectureIndexPageFactory(parent=home_page)


def days(n, hour=14):
    today = timezone.localdate()
    return datetime.datetime.combine(today + datetime.timedelta(days=n), datetime.time(hour), tzinfo=SHANGHAI)


def lecture(parent, title, start, **fields):
    return factories.LecturePageFactory(
        parent=parent, title=title, start_at=start, end_at=start + datetime.timedelta(hours=2), **fields
    )


def test_upcoming_lectures_come_first_soonest_first_then_past_ones(client, lectures):
    lecture(lectures, "上周讲座", days(-7))
    lecture(lectures, "下月讲座", days(30))
    lecture(lectures, "明天讲座", days(1))
    lecture(lectures, "去年讲座", days(-300))
    text = client.get(lectures.url).text
    assert text.index("明天讲座") < text.index("下月讲座") < text.index("上周讲座") < text.index("去年讲座")


def test_lectures_can_be_filtered_by_subdistrict_and_community(client, lectures):
    kuanhouli = factories.VenueFactory(subdistrict="解放路街道", community="宽厚里社区")
    quancheng = factories.VenueFactory(subdistrict="泉城路街道", community="芙蓉街社区")
    lecture(lectures, "宽厚里讲座", days(3), venue=kuanhouli)
    lecture(lectures, "芙蓉街讲座", days(4), venue=quancheng)
    by_subdistrict = client.get(lectures.url, {"subdistrict": "泉城路街道"}).text
    assert "芙蓉街讲座" in by_subdistrict and "宽厚里讲座" not in by_subdistrict
    by_community = client.get(lectures.url, {"community": "宽厚里社区"}).text
    assert "宽厚里讲座" in by_community and "芙蓉街讲座" not in by_community
    assert '<option value="泉城路街道"' in client.get(lectures.url).text


def test_lectures_can_be_filtered_by_month_in_beijing_time(client, lectures):
    # 00:30 on the 1st in Beijing is still the previous month in UTC.
    first_of_month = datetime.datetime(2031, 3, 1, 0, 30, tzinfo=SHANGHAI)
    lecture(lectures, "三月讲座", first_of_month)
    lecture(lectures, "二月讲座", datetime.datetime(2031, 2, 20, 14, tzinfo=SHANGHAI))
    march = client.get(lectures.url, {"month": "2031-03"}).text
    assert "三月讲座" in march and "二月讲座" not in march
    assert 'value="2031-03"' in client.get(lectures.url).text
    assert "三月讲座" in client.get(lectures.url, {"month": "not-a-month"}).text


def test_lectures_can_be_filtered_by_tag(client, lectures):
    tagged = lecture(lectures, "信用修复讲座", days(2))
    tagged.tags.add("信用修复")
    tagged.save_revision().publish()
    lecture(lectures, "其他讲座", days(3))
    text = client.get(lectures.url, {"tag": "信用修复"}).text
    assert "信用修复讲座" in text and "其他讲座" not in text


def test_a_filter_that_matches_nothing_says_so(client, lectures):
    lecture(lectures, "讲座", days(2))
    response = client.get(lectures.url, {"subdistrict": "不存在街道"})
    assert response.status_code == 200
    assert "讲座</a>" not in response.text


def test_the_listing_is_paginated_and_pages_keep_the_filters(client, lectures, monkeypatch):
    monkeypatch.setattr(LectureIndexPage, "lectures_per_page", 2)
    venue = factories.VenueFactory(subdistrict="解放路街道")
    for n in range(5):
        lecture(lectures, f"讲座{n}", days(n + 1), venue=venue)
    first = client.get(lectures.url, {"subdistrict": "解放路街道"}).text
    assert "讲座0" in first and "讲座2" not in first
    assert "subdistrict=%E8%A7%A3%E6%94%BE%E8%B7%AF%E8%A1%97%E9%81%93&amp;page=2" in first
    third = client.get(lectures.url, {"subdistrict": "解放路街道", "page": 3}).text
    assert "讲座4" in third
    assert client.get(lectures.url, {"page": 99}).status_code == 200


def test_cards_show_the_places_left(client, lectures):
    talk = lecture(lectures, "讲座", days(2), registration_enabled=True, capacity=5)
    register(talk, name="甲", mobile="13800000001", companions=0)
    assert 'data-seats-left="4"' in client.get(lectures.url).text
    for n in range(4):
        register(talk, name="乙", mobile=f"1380000001{n}")
    assert 'data-seats-left="0"' in client.get(lectures.url).text


def test_volunteer_event_cards_count_the_places_of_every_role(client, home_page):
    campaigns = factories.CampaignIndexPageFactory(parent=home_page)
    event = factories.VolunteerEventPageFactory(
        parent=campaigns,
        title="宽厚里邀约",
        registration_enabled=True,
        roles=[("宣传员", 5), ("引导员", 3)],
    )
    from integrity_site.events.listings import with_seat_counts

    listed = with_seat_counts(type(event).objects.filter(pk=event.pk)).get()
    assert listed.listed_seats_left == 8
    register(event, name="甲", mobile="13800000001", role_key=event.seat_pools()[1][0])
    listed = with_seat_counts(type(event).objects.filter(pk=event.pk)).get()
    assert listed.listed_seats_left == 7
    assert "宽厚里邀约" in client.get(campaigns.url).text


def index_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_an_index_page_costs_the_same_queries_for_two_or_twenty_events(client, lectures, monkeypatch):
    monkeypatch.setattr(LectureIndexPage, "lectures_per_page", 20)
    venue = factories.VenueFactory()
    speaker = factories.SpeakerFactory()

    def add(count, offset):
        for n in range(count):
            talk = lecture(
                lectures,
                f"讲座{offset + n}",
                days(offset + n + 1),
                venue=venue,
                speakers=[speaker],
                registration_enabled=True,
                capacity=10,
            )
            talk.tags.add("诚信")
            talk.save_revision().publish()

    add(2, 0)
    index_queries(client, lectures.url)  # warm caches (site root paths, locales)
    two = index_queries(client, lectures.url)
    add(18, 2)
    twenty = index_queries(client, lectures.url)
    assert "讲座19" in client.get(lectures.url).text
    assert twenty == two
