from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Events residents attend: venues, the event page base, listings, iCalendar and RSS,
    and registration with capacity, waiting list, check-in, export and retention."""

    name = "events"
    verbose_name = _("Events and registration")

    def ready(self):
        from . import signals  # noqa: F401  (connects the waiting-list receiver)
