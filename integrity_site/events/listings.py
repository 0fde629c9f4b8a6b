"""Listing events: upcoming events soonest first, then past ones latest first, filtered by
subdistrict, community, month and tag, with the seats left, in a constant number
of queries however many events a page shows.
"""

import datetime
import re
import zoneinfo

from django.apps import apps
from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from integrity_site.core import page_cache
from integrity_site.core.pagination import paginate

from .calendar import EVENT_TIME_ZONE
from .models import EventPage
from .records import SeatPool, Venue
from .services import next_change

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def event_page_models():
    """The concrete event page types (lectures, volunteer events, …) that apps define."""
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
    taken = (
        SeatPool.objects.filter(event__translation_key=OuterRef("translation_key"))
        .order_by()
        .values("event__translation_key")
        .annotate(total=Sum("seats_taken"))
        .values("total")[:1]
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
    return {
        name: request.GET.get(name, "").strip()[:60] for name in ("subdistrict", "community", "month", "tag")
    }


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
    venues = Venue.objects.filter(pk__in=queryset.values("venue"))
    zone = zoneinfo.ZoneInfo(EVENT_TIME_ZONE)
    months = queryset.order_by().datetimes("start_at", "month", order="DESC", tzinfo=zone)
    through = queryset.model.tags.through
    tags = through.objects.filter(content_object__in=queryset.values("pk")).values_list(
        "tag__name", flat=True
    )
    return {
        "subdistricts": sorted(set(venues.values_list("subdistrict", flat=True))),
        "communities": sorted(set(venues.exclude(community="").values_list("community", flat=True))),
        "months": [{"value": month.strftime("%Y-%m"), "date": month.date()} for month in months],
        "tags": sorted(set(tags)),
    }


def cached_filter_options(queryset):
    """``filter_options``, computed once per change of content rather than per request: its
    month facet is a DISTINCT over every event of the section."""
    return page_cache.remember(f"event-filter-options:{queryset.query}", lambda: filter_options(queryset))


def event_listing(request, queryset, per_page):
    """One page of events for an index page, with its filters."""
    filters = selected_filters(request)
    filtered = apply_filters(queryset, filters)
    events = (
        order_upcoming_first(with_seat_counts(filtered))
        .select_related("venue")
        .prefetch_related(*queryset.model.listing_prefetch)
    )
    listed = paginate(request, events, per_page)
    # An event that ends moves down the list; registration opening changes its card.
    page_cache.valid_until(request, next_change(listed))
    return {
        "events": listed,
        "filters": filters,
        "is_filtered": any(filters.values()),
        "filter_options": cached_filter_options(queryset),
    }
