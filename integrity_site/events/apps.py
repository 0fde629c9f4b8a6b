from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Events residents attend: venues, the event page base, listings, iCalendar and RSS,
    and registration with capacity, waiting list, check-in, export and retention."""

    # Not a top-level ``events`` package: that name belongs to the PyPI package ``Events``, which
    # opensearch-py imports. The label keeps the app's tables, content types and permissions.
    name = "integrity_site.events"
    label = "events"
    verbose_name = _("Events and registration")

    def ready(self):
        from . import signals  # noqa: F401  (connects the waiting-list receiver)
