"""Listing events: upcoming ones soonest first, then past ones latest first."""

from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone


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
