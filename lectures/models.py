from django.db import models
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

from integrity_site.core.blocks import CaptionedImageBlock
from integrity_site.core.models import SectionIndexPage
from integrity_site.events.listings import event_listing
from integrity_site.events.models import EventIndexMixin, EventPage


class Speaker(TranslatableMixin, models.Model):
    """A speaker of the lecture series; a snippet, translated like pages."""

    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=120, blank=True, help_text=_("For example 教授."))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    biography = RichTextField(_("biography"), blank=True, features=["bold", "italic", "link"])

    panels = [
        FieldPanel("name"),
        FieldPanel("title"),
        FieldPanel("organisation"),
        FieldPanel("photo"),
        FieldPanel("biography"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class LectureIndexPage(EventIndexMixin, RoutablePageMixin, SectionIndexPage):
    """儒信大讲堂: the lecture series."""

    subpage_types = ["lectures.LecturePage"]
    editor_section = "lectures"
    lectures_per_page = 12

    class Meta:
        verbose_name = _("lecture index page")

    def feed_events(self):
        return LecturePage.objects.child_of(self).live().order_by("-start_at")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing = event_listing(request, LecturePage.objects.child_of(self).live(), self.lectures_per_page)
        context.update(listing)
        context["lectures"] = listing["events"]
        return context


class LecturePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "lectures.LecturePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class LecturePage(EventPage):
    """One talk of the 儒信大讲堂 series."""

    topic = models.CharField(_("topic"), max_length=200, blank=True)
    tags = ClusterTaggableManager(through=LecturePageTag, blank=True, verbose_name=_("tags"))
    recap = RichTextField(_("recap"), blank=True, features=["h3", "bold", "italic", "ol", "ul", "link"])
    gallery = StreamField([("image", CaptionedImageBlock())], blank=True, verbose_name=_("photo gallery"))
    video_url = models.URLField(
        _("video"),
        blank=True,
        help_text=_("The address of a recording on a video site, embedded on the page."),
    )
    attendance = models.PositiveIntegerField(
        _("attendance"),
        null=True,
        blank=True,
        help_text=_("How many people came."),
    )

    content_panels = (
        Page.content_panels
        + [
            FieldPanel("topic"),
            InlinePanel("speakers", heading=_("Speakers"), label=_("Speaker")),
        ]
        + EventPage.event_panels
        + [FieldPanel("tags")]
        + EventPage.registration_panels
        + [
            MultiFieldPanel(
                [
                    FieldPanel("recap"),
                    FieldPanel("gallery"),
                    FieldPanel("video_url"),
                    FieldPanel("attendance"),
                ],
                heading=_("After the lecture"),
            ),
        ]
    )

    search_fields = EventPage.search_fields + [
        index.SearchField("topic"),
        index.SearchField("recap"),
        index.RelatedFields("speakers", [index.RelatedFields("speaker", [index.SearchField("name")])]),
    ]
    api_fields = EventPage.api_fields + [APIField("topic"), APIField("tags"), APIField("recap")]

    parent_page_types = ["lectures.LectureIndexPage"]
    subpage_types = []
    listing_prefetch = ("speakers__speaker",)

    class Meta:
        verbose_name = _("lecture page")

    @property
    def speaker_list(self):
        return [item.speaker for item in self.speakers.all() if item.speaker_id]

    @property
    def has_recap(self):
        return bool(self.recap or self.gallery or self.video_url or self.attendance)


class LectureSpeaker(TranslatableMixin, Orderable):
    page = ParentalKey(LecturePage, related_name="speakers", on_delete=models.CASCADE)
    speaker = models.ForeignKey(
        Speaker, on_delete=models.PROTECT, related_name="+", verbose_name=_("speaker")
    )

    panels = [FieldPanel("speaker")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("lecture speaker")
