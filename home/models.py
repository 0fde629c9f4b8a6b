import datetime
import zoneinfo

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from integrity_site.core import page_cache
from integrity_site.core.blocks import BodyBlock
from integrity_site.core.feeds import FeedIndexMixin
from integrity_site.core.models import SectionIndexPage
from integrity_site.core.pagination import paginate
from integrity_site.events.services import next_change

from .services import latest_articles, upcoming_events


class HomePage(Page):
    """The site root of one locale: the programme's front page."""

    hero_title = models.CharField(_("hero title"), max_length=120, blank=True)
    hero_text = models.TextField(_("hero text"), max_length=500, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero image"),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_image")],
            heading=_("Hero"),
        ),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [index.SearchField("hero_text"), index.SearchField("body")]
    api_fields = [APIField("hero_title"), APIField("hero_text"), APIField("hero_image"), APIField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.ArticleIndexPage",
        "lectures.LectureIndexPage",
        "campaigns.CampaignIndexPage",
        "pledges.PledgePage",
        "honours.HonourIndexPage",
        "publicity.PublicityPage",
        "search.SearchPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = latest_articles(self.locale, limit=6)
        context["upcoming_events"] = upcoming_events(self.locale, limit=6)
        # An event that ends leaves the list: a cached copy lasts no longer.
        page_cache.valid_until(request, next_change(context["upcoming_events"]))
        return context


class ArticleIndexPage(FeedIndexMixin, RoutablePageMixin, SectionIndexPage):
    """诚信动态: the news section, with RSS and Atom of its newest articles."""

    subpage_types = ["home.ArticlePage"]
    editor_section = "articles"
    articles_per_page = 12

    class Meta:
        verbose_name = _("article index page")

    def feed_pages(self):
        return list(ArticlePage.objects.child_of(self).live().order_by("-date", "-pk")[: self.feed_size])

    def feed_date(self, page):
        """The article's own date (a report published later keeps the day it reports), at noon
        Beijing time; else when it was first published."""
        if page.date is None:
            return page.first_published_at
        return datetime.datetime.combine(
            page.date, datetime.time(12), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = (
            ArticlePage.objects.child_of(self).live().select_related("cover_image").order_by("-date", "-pk")
        )
        category = request.GET.get("category", "")
        if category in ArticleCategory.values:
            articles = articles.filter(category=category)
        else:
            category = ""
        tag = request.GET.get("tag", "").strip()[:100]
        if tag:
            articles = articles.filter(tags__name__iexact=tag).distinct()
        context.update(
            articles=paginate(request, articles, self.articles_per_page),
            categories=ArticleCategory.choices,
            current_category=category,
            current_tag=tag,
        )
        return context


class ArticleCategory(models.TextChoices):
    BRAND = "brand", _("Integrity brand building")
    INNOVATION = "innovation", _("Credit innovation")
    MEDIA = "media", _("Media reports")
    NOTICE = "notice", _("Notices")


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("home.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)


class ArticlePage(Page):
    date = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    lead = models.TextField(_("lead"), max_length=500, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=ArticleCategory.choices,
        default=ArticleCategory.BRAND,
        db_index=True,
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"))
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("category"), FieldPanel("tags")],
            heading=_("Article information"),
        ),
        FieldPanel("lead"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("category"),
    ]
    # News: search ranks newer articles higher among equal matches (search.backends.ranking).
    search_recency_field = "date"
    api_fields = [
        APIField("date"),
        APIField("category"),
        APIField("lead"),
        APIField("cover_image"),
        APIField("tags"),
        APIField("body"),
    ]

    parent_page_types = ["home.ArticleIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("article page")
        ordering = ["-date"]

    @property
    def category_label(self):
        return ArticleCategory(self.category).label
