"""The event page types' base: the abstract ``EventPage`` that lectures and volunteer
events extend, and the mixin of their index pages (iCalendar and RSS feeds).

The data the pages use (venues, registrations, seat pools) is in ``integrity_site.events.records``;
this module sits on top of the app's views, so nothing in the app imports it but the
listings and the admin."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from integrity_site.core import page_cache
from integrity_site.core.blocks import BodyBlock
from integrity_site.core.feeds import FeedIndexMixin

from . import views
from .calendar import event_calendar_response
from .feeds import event_feed_description
from .records import Registration, SeatPool, Venue  # noqa: F401  (the app's data models, loaded with it)
from .services import next_change


class EventPage(RoutablePageMixin, Page):
    """A dated event that residents attend and may register for: the base of
    lectures and volunteer events. Registration itself is ``integrity_site.events.services``;
    the page only holds what the editor sets."""

    start_at = models.DateTimeField(_("starts at"), db_index=True)
    end_at = models.DateTimeField(_("ends at"))
    venue = models.ForeignKey(
        "events.Venue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("venue"),
    )
    location = models.CharField(
        _("room or meeting point"),
        max_length=255,
        blank=True,
        help_text=_("Where exactly to go, for example 二楼活动室 or 南入口."),
    )
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    registration_enabled = models.BooleanField(_("take registrations online"), default=False)
    capacity = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("How many people can come, companions included. Empty: no limit."),
    )
    max_companions = models.PositiveSmallIntegerField(
        _("companions per registration"),
        default=0,
        help_text=_("How many companions one registration may bring; 0 allows none."),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens at"),
        null=True,
        blank=True,
        help_text=_("Empty: as soon as the page is published."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"),
        null=True,
        blank=True,
        help_text=_("Empty: when the event starts. Registration always closes when the event starts."),
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("location"),
        index.SearchField("body"),
        index.FilterField("start_at"),
    ]
    api_fields = [
        APIField("start_at"),
        APIField("end_at"),
        APIField("location"),
        APIField("summary"),
        APIField("body"),
        APIField("registration_enabled"),
    ]

    event_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_at"), FieldPanel("end_at")]),
                FieldPanel("venue"),
                FieldPanel("location"),
            ],
            heading=_("Time and place"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    registration_panels = [
        MultiFieldPanel(
            [
                FieldPanel("registration_enabled"),
                FieldPanel("capacity"),
                FieldPanel("max_companions"),
                FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
            ],
            heading=_("Registration"),
        ),
    ]

    # Related rows an event card shows, fetched in one query per listing.
    listing_prefetch = ()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            errors["end_at"] = _("The end must be after the start.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if self.registration_opens_at and self.start_at and self.registration_opens_at >= self.start_at:
            errors["registration_opens_at"] = _("Registration must open before the event starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_upcoming(self):
        return self.end_at >= timezone.now()

    def seat_pools(self):
        """The pools seats are taken from: ``[(key, label, capacity)]``. One pool for
        the whole event; volunteer events override this with one pool per role."""
        return [("", "", self.capacity)]

    @classmethod
    def capacity_expression(cls):
        """The event's total capacity as a database expression, for listings."""
        return models.F("capacity")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if "registration" in kwargs:  # a bound form after a POST
            context["registration"] = kwargs["registration"]
        else:
            context["registration"] = views.registration_panel(request, self)
        # The page changes by itself when registration opens or closes and the event starts or
        # ends: a cached copy lasts no longer. Seats taken and freed purge it (services).
        page_cache.valid_until(request, next_change([self]))
        return context

    def get_cached_paths(self):
        return ["/", "ics/"]

    @path("")
    @page_cache.cacheable
    def event_view(self, request):
        """The event page; a POST is a registration."""
        if request.method == "POST":
            return views.submit_registration(request, self)
        return self.render(request)

    @path("ics/")
    @page_cache.cacheable
    def calendar_file(self, request):
        return event_calendar_response(request, [self], filename=f"{self.slug}.ics", name=self.title)

    @property
    def calendar_url(self):
        return self.url + self.reverse_subpage("calendar_file")

    @property
    def start_at_passed(self):
        return self.start_at <= timezone.now()

    @property
    def listed_seats_left(self):
        """Seats left, from a listing's annotations (``integrity_site.events.listings.with_seat_counts``)."""
        capacity = getattr(self, "total_capacity", None)
        if not self.registration_enabled or capacity is None:
            return None
        return max(capacity - (getattr(self, "seats_taken_total", 0) or 0), 0)


class EventIndexMixin(FeedIndexMixin):
    """For index pages of events (with ``RoutablePageMixin``): the events below the
    page, a subscribable iCalendar feed at ``ical/``, and RSS and Atom (``FeedIndexMixin``)."""

    feed_size = 50

    def feed_events(self):
        """Live events below this page, newest first; subclasses name the model."""
        raise NotImplementedError

    def feed_events_for_calendar(self):
        return list(self.feed_events().select_related("venue", "locale")[: self.feed_size])

    def feed_pages(self):
        return self.feed_events_for_calendar()

    def feed_item_description(self, event):
        return event_feed_description(event)

    def get_cached_paths(self):
        return [*super().get_cached_paths(), "ical/"]

    @path("ical/")
    @page_cache.cacheable
    def calendar_feed(self, request):
        return event_calendar_response(
            request,
            self.feed_events_for_calendar(),
            filename=f"{self.slug}.ics",
            name=self.title,
            download=False,
        )

    @property
    def calendar_feed_url(self):
        return self.url + self.reverse_subpage("calendar_feed")
