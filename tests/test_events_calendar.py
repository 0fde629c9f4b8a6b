"""Each event offers an .ics file and each index a subscribable iCalendar feed
and an RSS feed, with times in Asia/Shanghai."""

import datetime
import xml.etree.ElementTree as ET
import zoneinfo

import icalendar
import pytest

from integrity_site.events.calendar import calendar_text
from tests import factories

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def lectures(home_page):
    return factories.LectureIndexPageFactory(parent=home_page)


@pytest.fixture
def talk(lectures):
    venue = factories.VenueFactory(
        name="宽厚里社区活动室",
        address="历下区宽厚里, 3号楼; 二楼",
        latitude="36.660600",
        longitude="117.026500",
    )
    start = datetime.datetime(2031, 5, 20, 14, 30, tzinfo=SHANGHAI)
    return factories.LecturePageFactory(
        parent=lectures,
        title="诚信与日常生活：买菜、租房、网购中的信用，以及信用修复的常见问题解答",
        slug="talk",
        start_at=start,
        end_at=start + datetime.timedelta(hours=1, minutes=30),
        venue=venue,
        summary="第一行\n第二行，带逗号; 分号 \\ 反斜杠",
    )


def unfold(text):
    return text.replace("\r\n ", "")


def parse(raw):
    return icalendar.Calendar.from_ical(raw)


def test_an_event_downloads_as_an_ics_file_in_beijing_time(client, talk):
    response = client.get(talk.url + "ics/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert 'filename="talk.ics"' in response["Content-Disposition"]
    raw = response.content
    text = raw.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF everywhere
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # octets, not characters
    lines = unfold(text).split("\r\n")
    assert "BEGIN:VTIMEZONE" in lines and "TZID:Asia/Shanghai" in lines and "TZOFFSETTO:+0800" in lines
    assert "DTSTART;TZID=Asia/Shanghai:20310520T143000" in lines
    assert "DTEND;TZID=Asia/Shanghai:20310520T160000" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    assert f"SUMMARY:{talk.title}" in lines
    assert any(
        line.startswith("LOCATION:宽厚里社区活动室\\, 历下区宽厚里\\, 3号楼\\; 二楼") for line in lines
    )
    assert any(line.startswith("DESCRIPTION:第一行\\n第二行，带逗号\\; 分号 \\\\ 反斜杠") for line in lines)

    # What a calendar program reads back.
    calendar = parse(raw)
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == f"{talk.translation_key}-zh-hans@testserver"
    assert event.start == datetime.datetime(2031, 5, 20, 14, 30, tzinfo=SHANGHAI)
    assert event.end == datetime.datetime(2031, 5, 20, 16, 0, tzinfo=SHANGHAI)
    assert str(event.start.tzinfo) == "Asia/Shanghai"
    assert event.stamp.utcoffset() == datetime.timedelta(0)
    assert event["SUMMARY"] == talk.title
    assert event["LOCATION"] == f"宽厚里社区活动室, 历下区宽厚里, 3号楼; 二楼, {talk.location}"
    url = f"http://testserver{talk.url}"
    assert event["DESCRIPTION"] == f"第一行\n第二行，带逗号; 分号 \\ 反斜杠\n{url}"
    assert event["URL"] == url
    assert (event["GEO"].latitude, event["GEO"].longitude) == (36.6606, 117.0265)
    assert event["LAST-MODIFIED"].dt == talk.last_published_at.replace(microsecond=0)


def test_long_chinese_lines_fold_between_characters(rf, talk):
    talk.title = "诚信" * 40
    raw = calendar_text([talk], rf.get("/"), name="a" + "讲堂" * 40)
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    # Every physical line is whole UTF-8 on its own: no character is split by a fold.
    for line in raw.split(b"\r\n"):
        line.decode("utf-8")
    text = unfold(raw.decode("utf-8"))
    assert "SUMMARY:" + "诚信" * 40 in text.split("\r\n")
    assert "X-WR-CALNAME:a" + "讲堂" * 40 in text.split("\r\n")
    assert parse(raw).walk("VEVENT")[0]["SUMMARY"] == "诚信" * 40


def test_text_is_escaped(rf, talk):
    talk.title = "a,b;c\\d\ne"
    raw = calendar_text([talk], rf.get("/"), name="x,y;z")
    lines = unfold(raw.decode("utf-8")).split("\r\n")
    assert "SUMMARY:a\\,b\\;c\\\\d\\ne" in lines
    assert "X-WR-CALNAME:x\\,y\\;z" in lines
    # The library reads SUMMARY back unescaped (X- properties it returns as written).
    assert parse(raw).walk("VEVENT")[0]["SUMMARY"] == "a,b;c\\d\ne"


def test_the_index_offers_a_subscribable_calendar_of_its_events(client, lectures, talk):
    other = factories.LecturePageFactory(parent=lectures, title="另一讲", slug="other")
    response = client.get(lectures.url + "ical/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "inline" in response["Content-Disposition"]
    text = unfold(response.content.decode())
    assert text.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:另一讲" in text and str(other.translation_key) in text
    assert "X-WR-CALNAME:儒信大讲堂" in text
    page = client.get(lectures.url).text
    assert f'href="{lectures.url}ical/"' in page and f'href="{lectures.url}rss/"' in page


def test_the_index_offers_an_rss_feed(client, lectures, talk):
    response = client.get(lectures.url + "rss/")
    assert response.status_code == 200
    assert "rss" in response["Content-Type"] or "xml" in response["Content-Type"]
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "儒信大讲堂"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [talk.title]
    assert "2031-05-20 14:30" in items[0].findtext("description")
    assert items[0].findtext("link").endswith("/lectures/talk/")


def test_volunteer_events_have_the_same_calendar_and_feeds(client, home_page):
    campaigns = factories.CampaignIndexPageFactory(parent=home_page)
    event = factories.VolunteerEventPageFactory(parent=campaigns, title="宽厚里邀约", slug="invite")
    assert "SUMMARY:宽厚里邀约" in client.get(event.url + "ics/").content.decode()
    assert "SUMMARY:宽厚里邀约" in client.get(campaigns.url + "ical/").content.decode()
    assert "宽厚里邀约" in client.get(campaigns.url + "rss/").content.decode()
