from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from .blocks import BodyBlock
from .registration import signals as _registration_signals  # noqa: F401  (connects receivers)
from .registration.models import Registration, SeatPool  # noqa: F401  (models of this app)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """The credit office's contact details and site-wide policies, edited under Settings."""

    office_name = models.CharField(_("office name"), max_length=120, blank=True)
    office_name_en = models.CharField(_("office name (English)"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=255, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=120, blank=True)
    office_hours_en = models.CharField(_("office hours (English)"), max_length=120, blank=True)
    icp_number = models.CharField(
        _("ICP licence number"), max_length=60, blank=True,
        help_text=_("The website's ICP filing number (ICP备案号), shown in the footer."),
    )
    personal_data_retention_days = models.PositiveIntegerField(
        _("personal data retention (days)"), default=180, validators=[MinValueValidator(1)],
        help_text=_(
            "Personal data of registrations and signatures is anonymised this many days "
            "after the event or campaign ends."
        ),
    )
    pledge_validity_days = models.PositiveIntegerField(
        _("integrity pledge validity (days)"), default=365, validators=[MinValueValidator(1)],
        help_text=_("An approved integrity pledge is valid this many days; then it expires."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("office_name"), FieldPanel("office_name_en"), FieldPanel("address"),
             FieldPanel("address_en"), FieldPanel("phone"), FieldPanel("email"),
             FieldPanel("office_hours"), FieldPanel("office_hours_en")],
            heading=_("Contact details"),
        ),
        FieldPanel("icp_number"),
        FieldPanel("personal_data_retention_days"),
        FieldPanel("pledge_validity_days"),
    ]

    class Meta:
        verbose_name = _("site settings")

    def localized(self, field_name):
        """The English variant of a field on English pages, falling back to Chinese."""
        if (get_language() or "").startswith("en"):
            english = getattr(self, f"{field_name}_en", "")
            if english:
                return english
        return getattr(self, field_name)

    @property
    def display_office_name(self):
        return self.localized("office_name")

    @property
    def display_address(self):
        return self.localized("address")

    @property
    def display_office_hours(self):
        return self.localized("office_hours")


class Venue(TranslatableMixin, models.Model):
    """Where events take place: a community room, a hall, a street corner.
    A snippet, translated with wagtail-localize like the pages that use it."""

    name = models.CharField(_("name"), max_length=120)
    subdistrict = models.CharField(_("subdistrict"), max_length=60, help_text=_("For example 解放路街道."))
    community = models.CharField(_("community"), max_length=60, blank=True,
                                 help_text=_("For example 宽厚里社区."))
    address = models.CharField(_("address"), max_length=255)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("subdistrict"), FieldPanel("community")]),
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")], heading=_("Map coordinates")),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["subdistrict", "community", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": _("Latitude lies between -90 and 90.")})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": _("Longitude lies between -180 and 180.")})

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None


class EventPage(RoutablePageMixin, Page):
    """A dated event that residents attend and may register for: the base of
    lectures and volunteer events. Registration itself lives in
    ``core.registration``; the page only holds what the editor sets."""

    start_at = models.DateTimeField(_("starts at"), db_index=True)
    end_at = models.DateTimeField(_("ends at"))
    venue = models.ForeignKey(
        "core.Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("venue"),
    )
    location = models.CharField(
        _("room or meeting point"), max_length=255, blank=True,
        help_text=_("Where exactly to go, for example 二楼活动室 or 南入口."),
    )
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    registration_enabled = models.BooleanField(_("take registrations online"), default=False)
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True,
        help_text=_("How many people can come, companions included. Empty: no limit."),
    )
    max_companions = models.PositiveSmallIntegerField(
        _("companions per registration"), default=0,
        help_text=_("How many companions one registration may bring; 0 allows none."),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens at"), null=True, blank=True,
        help_text=_("Empty: as soon as the page is published."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True,
        help_text=_("Empty: when the event starts. Registration always closes when the event starts."),
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("location"),
        index.SearchField("body"),
        index.FilterField("start_at"),
    ]

    event_panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start_at"), FieldPanel("end_at")]),
             FieldPanel("venue"), FieldPanel("location")],
            heading=_("Time and place"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    registration_panels = [
        MultiFieldPanel(
            [FieldPanel("registration_enabled"), FieldPanel("capacity"), FieldPanel("max_companions"),
             FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")])],
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
        if (self.registration_opens_at and self.registration_closes_at
                and self.registration_closes_at <= self.registration_opens_at):
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
        from .registration.views import registration_panel

        context = super().get_context(request, *args, **kwargs)
        if "registration" in kwargs:  # a bound form after a POST
            context["registration"] = kwargs["registration"]
        else:
            context["registration"] = registration_panel(request, self)
        return context

    @path("")
    def event_view(self, request):
        """The event page; a POST is a registration."""
        if request.method == "POST":
            from .registration.views import submit_registration

            return submit_registration(request, self)
        return self.render(request)

    @path("ics/")
    def calendar_file(self, request):
        from .events import event_calendar_response

        return event_calendar_response(request, [self], filename=f"{self.slug}.ics", name=self.title)

    @property
    def calendar_url(self):
        return self.url + self.reverse_subpage("calendar_file")

    @property
    def start_at_passed(self):
        return self.start_at <= timezone.now()

    @property
    def listed_seats_left(self):
        """Seats left, from a listing's annotations (``core.events.with_seat_counts``)."""
        capacity = getattr(self, "total_capacity", None)
        if not self.registration_enabled or capacity is None:
            return None
        return max(capacity - (getattr(self, "seats_taken_total", 0) or 0), 0)
