"""Events as iCalendar (RFC 5545): one event's file and an index page's subscribable feed.

The ``icalendar`` library writes the text: CRLF line ends, lines folded at 75 octets
without splitting a UTF-8 character, text values escaped."""

import datetime
import zoneinfo

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vText

from integrity_site.core.text import printable

EVENT_TIME_ZONE = "Asia/Shanghai"
PRODID = "-//Integrity CMS//Events//EN"
# China has kept UTC+8 without daylight saving time since 1991: a VTIMEZONE from 2000 on
# is one STANDARD rule. Events are never that old.
TIME_ZONE_FROM = datetime.date(2000, 1, 1)


def event_location(event):
    parts = []
    if event.venue:
        parts += [event.venue.name, event.venue.address]
    if event.location:
        parts.append(event.location)
    return ", ".join(part for part in parts if part)


def time_zone_component(events):
    """The VTIMEZONE of Asia/Shanghai, covering every event given (and at least until 2038)."""
    last = datetime.date(2038, 1, 1)
    for event in events:
        last = max(last, event.end_at.date() + datetime.timedelta(days=366))
    return Timezone.from_tzid(EVENT_TIME_ZONE, first_date=TIME_ZONE_FROM, last_date=last)


def calendar_event(event, request, now):
    tz = zoneinfo.ZoneInfo(EVENT_TIME_ZONE)
    url = event.get_full_url(request)
    description = event.summary or ""
    if url:
        description = f"{description}\n{url}".strip()
    component = Event()
    component.add(
        "uid", f"{event.translation_key}-{event.locale.language_code}@{request.get_host().split(':')[0]}"
    )
    component.add("dtstamp", now.astimezone(datetime.UTC))
    # Wall-clock times in Beijing, written with TZID=Asia/Shanghai.
    component.add("dtstart", timezone.localtime(event.start_at, tz))
    component.add("dtend", timezone.localtime(event.end_at, tz))
    component.add("summary", printable(event.title))
    if description:
        component.add("description", printable(description))
    location = event_location(event)
    if location:
        component.add("location", printable(location))
    if event.venue and event.venue.has_coordinates:
        component.add("geo", (event.venue.latitude, event.venue.longitude))
    if url:
        component.add("url", url)
    if event.last_published_at:
        component.add("last-modified", event.last_published_at.astimezone(datetime.UTC))
    return component


def calendar(events, request, name=""):
    """A ``Calendar`` of the events, with the VTIMEZONE their times refer to."""
    events = list(events)
    now = timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", vText(printable(name)))
    cal.add("x-wr-timezone", vText(EVENT_TIME_ZONE))
    cal.add_component(time_zone_component(events))
    for event in events:
        cal.add_component(calendar_event(event, request, now))
    return cal


def calendar_text(events, request, name=""):
    return calendar(events, request, name).to_ical(sorted=False)


def event_calendar_response(request, events, filename, name="", download=True):
    response = HttpResponse(calendar_text(events, request, name), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
