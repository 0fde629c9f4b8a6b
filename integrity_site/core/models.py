from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyBlock


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

    panels = [
        MultiFieldPanel(
            [FieldPanel("office_name"), FieldPanel("office_name_en"), FieldPanel("address"),
             FieldPanel("address_en"), FieldPanel("phone"), FieldPanel("email"),
             FieldPanel("office_hours"), FieldPanel("office_hours_en")],
            heading=_("Contact details"),
        ),
        FieldPanel("icp_number"),
        FieldPanel("personal_data_retention_days"),
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


class EventPage(Page):
    """A dated event that residents attend: the base of lectures and volunteer events."""

    start_at = models.DateTimeField(_("starts at"), db_index=True)
    end_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=255)
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("location"),
        index.SearchField("body"),
        index.FilterField("start_at"),
    ]

    event_panels = [
        MultiFieldPanel(
            [FieldPanel("start_at"), FieldPanel("end_at"), FieldPanel("location")],
            heading=_("Time and place"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise ValidationError({"end_at": _("The end must be after the start.")})

    @property
    def is_upcoming(self):
        return self.end_at >= timezone.now()
