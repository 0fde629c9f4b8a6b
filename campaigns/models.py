from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from integrity_site.core.blocks import BodyBlock
from integrity_site.core.events import order_upcoming_first
from integrity_site.core.models import EventPage


class CampaignIndexPage(Page):
    """诚信者行动: theme campaigns and the volunteer events that carry them out."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["campaigns.CampaignPage", "campaigns.VolunteerEventPage"]
    max_count_per_parent = 1
    editor_section = "campaigns"

    class Meta:
        verbose_name = _("campaign index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["campaigns"] = (
            CampaignPage.objects.child_of(self).live()
            .select_related("cover_image").order_by("-start_date", "-pk")
        )
        context["volunteer_events"] = order_upcoming_first(
            VolunteerEventPage.objects.child_of(self).live()
        )[:20]
        return context


class CampaignPage(Page):
    """A theme campaign, such as "我承诺 我诚信 我文明"."""

    slogan = models.CharField(_("slogan"), max_length=120, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    lead = models.TextField(_("lead"), max_length=500, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("cover image"),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("slogan"),
        MultiFieldPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Dates")),
        FieldPanel("lead"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("slogan"),
        index.SearchField("lead"),
        index.SearchField("body"),
    ]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("campaign page")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class VolunteerEventPage(EventPage):
    """One 诚信者行动 volunteer activity in a business district or street."""

    business_district = models.CharField(
        _("business district or street"), max_length=120,
        help_text=_("For example 宽厚里 or 芙蓉街."),
    )
    tasks = models.TextField(
        _("what volunteers do"), blank=True,
        help_text=_("For example: invite shops to sign the integrity pledge."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("business_district"),
        FieldPanel("tasks"),
    ] + EventPage.event_panels
    search_fields = EventPage.search_fields + [
        index.SearchField("business_district"),
        index.SearchField("tasks"),
    ]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("volunteer event page")


class PledgePage(Page):
    """诚信经营承诺: the integrity pledge that merchants sign."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    pledge_text = StreamField(BodyBlock(), verbose_name=_("pledge text"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("pledge_text")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("pledge_text"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    editor_section = "campaigns"

    class Meta:
        verbose_name = _("pledge page")
