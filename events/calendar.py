"""Events as iCalendar (RFC 5545): one event's file and an index page's subscribable feed."""

import datetime
import zoneinfo

from django.http import HttpResponse
from django.utils import timezone

EVENT_TIME_ZONE = "Asia/Shanghai"


VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{EVENT_TIME_ZONE}",
    "X-LIC-LOCATION:Asia/Shanghai",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def ics_escape(text):
    text = (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def ics_fold(line):
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # continuation lines start with a space
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def ics_local_time(value):
    return timezone.localtime(value, zoneinfo.ZoneInfo(EVENT_TIME_ZONE)).strftime("%Y%m%dT%H%M%S")


def ics_utc_time(value):
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_location(event):
    parts = []
    if event.venue:
        parts += [event.venue.name, event.venue.address]
    if event.location:
        parts.append(event.location)
    return ", ".join(part for part in parts if part)


def vevent_lines(event, request, now):
    url = event.get_full_url(request)
    description = event.summary or ""
    if url:
        description = f"{description}\n{url}".strip()
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.translation_key}-{event.locale.language_code}@{request.get_host().split(':')[0]}",
        f"DTSTAMP:{ics_utc_time(now)}",
        f"DTSTART;TZID={EVENT_TIME_ZONE}:{ics_local_time(event.start_at)}",
        f"DTEND;TZID={EVENT_TIME_ZONE}:{ics_local_time(event.end_at)}",
        f"SUMMARY:{ics_escape(event.title)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{ics_escape(description)}")
    location = event_location(event)
    if location:
        lines.append(f"LOCATION:{ics_escape(location)}")
    if event.venue and event.venue.has_coordinates:
        lines.append(f"GEO:{event.venue.latitude};{event.venue.longitude}")
    if url:
        lines.append(f"URL:{url}")
    if event.last_published_at:
        lines.append(f"LAST-MODIFIED:{ics_utc_time(event.last_published_at)}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(events, request, name=""):
    now = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Integrity CMS//Events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if name:
        lines.append(f"X-WR-CALNAME:{ics_escape(name)}")
    lines.append(f"X-WR-TIMEZONE:{EVENT_TIME_ZONE}")
    lines += VTIMEZONE
    for event in events:
        lines += vevent_lines(event, request, now)
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


def event_calendar_response(request, events, filename, name="", download=True):
    response = HttpResponse(calendar_text(events, request, name), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
