"""Listing events, and publishing them as iCalendar and RSS.

Listings: upcoming events soonest first, then past ones latest first, filtered by
subdistrict, community, month and tag, with the seats left, in a constant number
of queries however many events a page shows.
"""

import datetime
import re
import zoneinfo

from django.apps import apps
from django.contrib.syndication.views import Feed
from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.contrib.routable_page.models import path as route

from .pagination import paginate

EVENT_TIME_ZONE = "Asia/Shanghai"
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def event_page_models():
    from .models import EventPage

    return [model for model in apps.get_models() if issubclass(model, EventPage)]


def order_upcoming_first(queryset):
    """Order events in one query, so that listings can paginate in the database."""
    now = timezone.now()
    is_past = When(end_at__lt=now, then=Value(1))
    return queryset.annotate(
        is_past=Case(is_past, default=Value(0), output_field=IntegerField()),
        upcoming_start=Case(When(end_at__gte=now, then=F("start_at")), default=None),
        past_start=Case(When(end_at__lt=now, then=F("start_at")), default=None),
    ).order_by(
        "is_past",
        F("upcoming_start").asc(nulls_last=True),
        F("past_start").desc(nulls_last=True),
        "pk",
    )


def with_seat_counts(queryset):
    """Annotate ``total_capacity`` and ``seats_taken_total``. Seats are counted on the
    event's source page, shared by its translations through the translation key."""
    from .registration.models import SeatPool

    taken = (
        SeatPool.objects.filter(event__translation_key=OuterRef("translation_key"))
        .order_by().values("event__translation_key").annotate(total=Sum("seats_taken")).values("total")[:1]
    )
    return queryset.annotate(
        total_capacity=queryset.model.capacity_expression(),
        seats_taken_total=Coalesce(Subquery(taken), Value(0)),
    )


# --- filters ------------------------------------------------------------------------


def month_range(value):
    """The [start, end) of a ``YYYY-MM`` month in the event time zone, or None."""
    match = MONTH_PATTERN.match(value or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        return None
    zone = zoneinfo.ZoneInfo(EVENT_TIME_ZONE)
    start = datetime.datetime(year, month, 1, tzinfo=zone)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def selected_filters(request):
    return {name: request.GET.get(name, "").strip()[:60] for name in ("subdistrict", "community", "month", "tag")}


def apply_filters(queryset, filters):
    if filters["subdistrict"]:
        queryset = queryset.filter(venue__subdistrict=filters["subdistrict"])
    if filters["community"]:
        queryset = queryset.filter(venue__community=filters["community"])
    month = month_range(filters["month"])
    if month:
        queryset = queryset.filter(start_at__gte=month[0], start_at__lt=month[1])
    if filters["tag"]:
        queryset = queryset.filter(tags__name=filters["tag"]).distinct()
    return queryset


def filter_options(queryset):
    """The values the filters offer: only those that some listed event has."""
    from .models import Venue

    venues = Venue.objects.filter(pk__in=queryset.values("venue"))
    zone = zoneinfo.ZoneInfo(EVENT_TIME_ZONE)
    months = queryset.order_by().datetimes("start_at", "month", order="DESC", tzinfo=zone)
    through = queryset.model.tags.through
    tags = through.objects.filter(content_object__in=queryset.values("pk")).values_list("tag__name", flat=True)
    return {
        "subdistricts": sorted(set(venues.values_list("subdistrict", flat=True))),
        "communities": sorted(set(venues.exclude(community="").values_list("community", flat=True))),
        "months": [{"value": month.strftime("%Y-%m"), "date": month.date()} for month in months],
        "tags": sorted(set(tags)),
    }


def event_listing(request, queryset, per_page):
    """One page of events for an index page, with its filters."""
    filters = selected_filters(request)
    filtered = apply_filters(queryset, filters)
    events = (
        order_upcoming_first(with_seat_counts(filtered))
        .select_related("venue").prefetch_related(*queryset.model.listing_prefetch)
    )
    return {
        "events": paginate(request, events, per_page),
        "filters": filters,
        "is_filtered": any(filters.values()),
        "filter_options": filter_options(queryset),
    }


# --- iCalendar (RFC 5545) -------------------------------------------------------------

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
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Integrity CMS//Events//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
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


# --- the index pages' feeds ----------------------------------------------------------------


class EventIndexMixin:
    """For index pages of events (with ``RoutablePageMixin``): the events below the
    page, a subscribable iCalendar feed at ``ical/`` and RSS at ``rss/``."""

    feed_size = 50

    def feed_events(self):
        """Live events below this page, newest first; subclasses name the model."""
        raise NotImplementedError

    def feed_events_for_calendar(self):
        return list(self.feed_events().select_related("venue", "locale")[: self.feed_size])

    @route("ical/")
    def calendar_feed(self, request):
        return event_calendar_response(
            request, self.feed_events_for_calendar(), filename=f"{self.slug}.ics", name=self.title,
            download=False,
        )

    @route("rss/")
    def rss_feed(self, request):
        return EventFeed()(request, index_page=self)

    @property
    def calendar_feed_url(self):
        return self.url + self.reverse_subpage("calendar_feed")

    @property
    def rss_feed_url(self):
        return self.url + self.reverse_subpage("rss_feed")


class EventFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, index_page):
        self.request = request
        return index_page

    def title(self, index_page):
        return index_page.title

    def link(self, index_page):
        return index_page.url

    def description(self, index_page):
        return strip_tags(getattr(index_page, "intro", "") or "") or index_page.title

    def items(self, index_page):
        return index_page.feed_events_for_calendar()

    def item_title(self, event):
        return event.title

    def item_description(self, event):
        when = timezone.localtime(event.start_at, zoneinfo.ZoneInfo(EVENT_TIME_ZONE))
        place = event_location(event)
        text = _("Time: %(time)s (Beijing time)") % {"time": when.strftime("%Y-%m-%d %H:%M")}
        if place:
            text += "\n" + _("Place: %(place)s") % {"place": place}
        if event.summary:
            text += "\n" + event.summary
        return text

    def item_link(self, event):
        return event.url

    def item_guid(self, event):
        return event.get_full_url(self.request)

    def item_pubdate(self, event):
        return event.first_published_at

    def item_updateddate(self, event):
        return event.last_published_at
