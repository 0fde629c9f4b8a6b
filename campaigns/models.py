from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from integrity_site.core import page_cache
from integrity_site.core.blocks import BodyBlock
from integrity_site.core.models import SectionIndexPage
from integrity_site.events.listings import event_listing
from integrity_site.events.models import EventIndexMixin, EventPage

from . import views
from .feeds import SignatureCountFeed
from .signatures import InitiativeText, OfflineTally, Signature, SignatureCounter  # noqa: F401  (loaded with the app)


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


class CampaignPage(RoutablePageMixin, Page):
    """A theme campaign, such as "我承诺 我诚信 我文明", and its initiative residents sign
    (倡议签名, see ``campaigns.signing``)."""

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
    initiative_text = models.TextField(
        _("initiative text"),
        blank=True,
        help_text=_(
            "What residents sign. Each publication with a changed text is a new version "
            "(第1版, 第2版 …); every signature keeps the version its signer read."
        ),
    )
    signing_enabled = models.BooleanField(
        _("signing open"),
        default=False,
        help_text=_("Untick to close signing: the count stays on the page with the day it closed."),
    )
    signing_opens_at = models.DateTimeField(_("signing opens at"), null=True, blank=True)
    signing_closes_at = models.DateTimeField(_("signing closes at"), null=True, blank=True)
    # Set when an editor closes signing (untick), so that the page can say when it closed.
    signing_closed_at = models.DateTimeField(_("signing closed at"), null=True, blank=True, editable=False)
    signature_goal = models.PositiveIntegerField(
        _("goal"),
        null=True,
        blank=True,
        help_text=_("Number of signatures aimed at; shown as a progress bar."),
    )
    show_signer_messages = models.BooleanField(
        _("show signers' messages"),
        default=False,
        help_text=_("Approved messages only: each message is moderated before it is public."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("slogan"),
        MultiFieldPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Dates")),
        FieldPanel("lead"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("initiative_text"),
                FieldPanel("signing_enabled"),
                FieldRowPanel([FieldPanel("signing_opens_at"), FieldPanel("signing_closes_at")]),
                FieldPanel("signature_goal"),
                FieldPanel("show_signer_messages"),
            ],
            heading=_("Initiative signatures"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("slogan"),
        index.SearchField("lead"),
        index.SearchField("body"),
        index.SearchField("initiative_text"),
    ]
    api_fields = [
        APIField("slogan"),
        APIField("start_date"),
        APIField("end_date"),
        APIField("lead"),
        APIField("cover_image"),
        APIField("body"),
        APIField("initiative_text"),
        APIField("signing_enabled"),
        APIField("signing_opens_at"),
        APIField("signing_closes_at"),
        APIField("signature_goal"),
    ]
    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("campaign page")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if (
            self.signing_opens_at
            and self.signing_closes_at
            and self.signing_closes_at <= self.signing_opens_at
        ):
            raise ValidationError({"signing_closes_at": _("Signing cannot close before it opens.")})
        if self.signing_enabled and not self.initiative_text.strip():
            raise ValidationError({"initiative_text": _("Give the initiative text to open signing.")})

    def save(self, *args, **kwargs):
        self.signing_closed_at = None if self.signing_enabled else _closing_now(self)
        return super().save(*args, **kwargs)

    def get_cached_paths(self):
        return ["/", "signatures/json/", "signatures/feed/"]

    # The page itself (and its counts) is the same for everyone; the private link never is.
    @path("", name="sign")
    @page_cache.cacheable
    def sign_view(self, request):
        return views.campaign(request, self)

    @path("signature/<int:pk>/<str:token>/", name="signature")
    def signature_view(self, request, pk, token):
        return views.signature(request, self, pk, token)

    @path("signatures/json/", name="signatures_json")
    @page_cache.cacheable
    def signatures_json_view(self, request):
        return views.signatures_json(request, self)

    @path("signatures/feed/", name="signatures_feed")
    @page_cache.cacheable
    def signatures_feed_view(self, request):
        return SignatureCountFeed(self)(request)


def _closing_now(campaign):
    """When signing was closed: kept once set; now when an editor closes signing that was
    open; None for a campaign that never opened."""
    if campaign.pk is None:
        return None
    enabled, closed_at = CampaignPage.objects.filter(pk=campaign.pk).values_list(
        "signing_enabled", "signing_closed_at"
    ).first() or (False, None)
    return closed_at or (timezone.now() if enabled else None)


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
