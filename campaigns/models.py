from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from integrity_site.core.blocks import BodyBlock
from integrity_site.core.models import SectionIndexPage
from integrity_site.events.listings import event_listing
from integrity_site.events.models import EventIndexMixin, EventPage


class CampaignIndexPage(EventIndexMixin, RoutablePageMixin, SectionIndexPage):
    """诚信者行动: theme campaigns and the volunteer events that carry them out."""

    subpage_types = ["campaigns.CampaignPage", "campaigns.VolunteerEventPage"]
    editor_section = "campaigns"
    volunteer_events_per_page = 12

    class Meta:
        verbose_name = _("campaign index page")

    def feed_events(self):
        return VolunteerEventPage.objects.child_of(self).live().order_by("-start_at")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["campaigns"] = (
            CampaignPage.objects.child_of(self)
            .live()
            .select_related("cover_image")
            .order_by("-start_date", "-pk")
        )
        listing = event_listing(
            request, VolunteerEventPage.objects.child_of(self).live(), self.volunteer_events_per_page
        )
        context.update(listing)
        context["volunteer_events"] = listing["events"]
        return context


class CampaignPage(Page):
    """A theme campaign, such as "我承诺 我诚信 我文明"."""

    slogan = models.CharField(_("slogan"), max_length=120, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    lead = models.TextField(_("lead"), max_length=500, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
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
    api_fields = [
        APIField("slogan"),
        APIField("start_date"),
        APIField("end_date"),
        APIField("lead"),
        APIField("cover_image"),
        APIField("body"),
    ]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("campaign page")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})


class VolunteerEventPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "campaigns.VolunteerEventPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class VolunteerEventPage(EventPage):
    """One 诚信者行动 volunteer activity in a business district or street. The
    meeting point is the event's venue and location; each volunteer role has its
    own number of places."""

    business_district = models.CharField(
        _("business district or street"),
        max_length=120,
        help_text=_("For example 宽厚里 or 芙蓉街."),
    )
    tasks = models.TextField(
        _("what volunteers do"),
        blank=True,
        help_text=_("For example: invite shops to sign the integrity pledge."),
    )
    tags = ClusterTaggableManager(through=VolunteerEventPageTag, blank=True, verbose_name=_("tags"))
    recap = RichTextField(_("recap"), blank=True, features=["h3", "bold", "italic", "ol", "ul", "link"])

    content_panels = (
        Page.content_panels
        + [
            FieldPanel("business_district"),
            FieldPanel("tasks"),
        ]
        + EventPage.event_panels
        + [FieldPanel("tags")]
        + EventPage.registration_panels
        + [
            InlinePanel(
                "roles",
                heading=_("Volunteer roles"),
                label=_("Role"),
                help_text=_("Each role has its own places. Without roles, the event's seats apply."),
            ),
            FieldPanel("recap"),
        ]
    )
    search_fields = EventPage.search_fields + [
        index.SearchField("business_district"),
        index.SearchField("tasks"),
        index.SearchField("recap"),
    ]
    api_fields = EventPage.api_fields + [
        APIField("business_district"),
        APIField("tasks"),
        APIField("tags"),
        APIField("recap"),
        APIField("roles"),
    ]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("volunteer event page")

    def seat_pools(self):
        roles = list(self.roles.all())
        if not roles:
            return super().seat_pools()
        return [(str(role.translation_key), role.name, role.slots) for role in roles]

    @classmethod
    def capacity_expression(cls):
        role_slots = (
            VolunteerRole.objects.filter(page=OuterRef("pk"))
            .order_by()
            .values("page")
            .annotate(total=Sum("slots"))
            .values("total")[:1]
        )
        return Coalesce(Subquery(role_slots), models.F("capacity"), output_field=models.IntegerField())


class VolunteerRole(TranslatableMixin, Orderable):
    """A volunteer role with its places, e.g. 宣传员 ×5."""

    page = ParentalKey(VolunteerEventPage, related_name="roles", on_delete=models.CASCADE)
    name = models.CharField(_("role"), max_length=60, help_text=_("For example 宣传员 or 引导员."))
    slots = models.PositiveSmallIntegerField(_("places"))
    description = models.CharField(_("what this role does"), max_length=255, blank=True)

    api_fields = [APIField("name"), APIField("slots"), APIField("description")]

    panels = [FieldPanel("name"), FieldPanel("slots"), FieldPanel("description")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("volunteer role")
        verbose_name_plural = _("volunteer roles")

    def __str__(self):
        return f"{self.name} ×{self.slots}"
