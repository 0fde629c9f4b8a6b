"""What the home page gathers from the sections below it."""

from django.apps import apps
from django.utils import timezone

from integrity_site.events.listings import event_page_models


def latest_articles(locale, limit):
    article_model = apps.get_model("home", "ArticlePage")
    return list(
        article_model.objects.live()
        .filter(locale=locale)
        .select_related("cover_image")
        .order_by("-date", "-pk")[:limit]
    )


def upcoming_events(locale, limit):
    """The next events of every kind (lectures, volunteer events), soonest first."""
    now = timezone.now()
    events = []
    for model in event_page_models():
        events.extend(
            model.objects.live()
            .filter(locale=locale, end_at__gte=now)
            .order_by("start_at")
            .select_related("venue")
            .prefetch_related(*model.listing_prefetch)[:limit]
        )
    return sorted(events, key=lambda event: event.start_at)[:limit]
