from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, Site
from wagtail.search import index


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """The credit office's contact details and site-wide policies, edited under Settings."""

    site_name_en = models.CharField(
        _("site name (English)"),
        max_length=100,
        blank=True,
        help_text=_(
            "The site's name on English pages (page titles, share cards). The Chinese name is the "
            "site's own name under Settings → Sites."
        ),
    )
    office_name = models.CharField(_("office name"), max_length=120, blank=True)
    office_name_en = models.CharField(_("office name (English)"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=255, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=120, blank=True)
    office_hours_en = models.CharField(_("office hours (English)"), max_length=120, blank=True)
    icp_number = models.CharField(
        _("ICP licence number"),
        max_length=60,
        blank=True,
        help_text=_("The website's ICP filing number (ICP备案号), shown in the footer."),
    )
    personal_data_retention_days = models.PositiveIntegerField(
        _("personal data retention (days)"),
        default=180,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Personal data of registrations and signatures is anonymised this many days "
            "after the event or campaign ends."
        ),
    )
    pledge_validity_days = models.PositiveIntegerField(
        _("integrity pledge validity (days)"),
        default=365,
        validators=[MinValueValidator(1)],
        help_text=_("An approved integrity pledge is valid this many days; then it expires."),
    )

    panels = [
        FieldPanel("site_name_en"),
        MultiFieldPanel(
            [
                FieldPanel("office_name"),
                FieldPanel("office_name_en"),
                FieldPanel("address"),
                FieldPanel("address_en"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("office_hours"),
                FieldPanel("office_hours_en"),
            ],
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
    def display_site_name(self):
        """The English name on English pages; empty elsewhere (the Wagtail site's name is the
        Chinese one)."""
        if (get_language() or "").startswith("en"):
            return self.site_name_en
        return ""

    @property
    def display_office_name(self):
        return self.localized("office_name")

    @property
    def display_address(self):
        return self.localized("address")

    @property
    def display_office_hours(self):
        return self.localized("office_hours")


def personal_data_retention_days(site=None):
    """How long personal data is kept: ``site``'s setting (the default site's when no site is
    given), else the ``PERSONAL_DATA_RETENTION_DAYS`` setting when there is no site at all."""
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return settings.PERSONAL_DATA_RETENTION_DAYS
    return SiteSettings.for_site(site).personal_data_retention_days


class SectionIndexPage(Page):
    """The page at the top of a section (news, lectures, campaigns, the pledge, honours,
    publicity), once per home page: an introduction above what the section lists.
    ``editor_section`` names the editor group that runs the section (``core.sections``)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    max_count_per_parent = 1
    editor_section = ""

    class Meta:
        abstract = True
