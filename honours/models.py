from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from honours.presentation import ORDERS, entry_groups
from integrity_site.core.credit_code import normalize_credit_code, validate_credit_code
from integrity_site.core.feeds import FeedIndexMixin
from integrity_site.core.models import SectionIndexPage
from integrity_site.core.subdistricts import subdistrict_choices
from integrity_site.core.text import pinyin_sort_key, validate_name_text


class HonourIndexPage(FeedIndexMixin, RoutablePageMixin, SectionIndexPage):
    """诚信榜样: all honour lists, newest year first, with RSS and Atom of the newest lists."""

    subpage_types = ["honours.HonourListPage"]
    editor_section = "honours"

    class Meta:
        verbose_name = _("honour index page")

    def feed_pages(self):
        lists = HonourListPage.objects.child_of(self).live().order_by("-first_published_at", "-pk")
        return list(lists[: self.feed_size])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["honour_lists"] = (
            HonourListPage.objects.child_of(self).live().order_by("-year", "category", "pk")
        )
        return context


class HonourCategory(models.TextChoices):
    RED_LIST = "red_list", _("Red list")
    INTEGRITY_UNIT = "integrity_unit", _("Integrity units")
    GOLD_SERVICE = "gold_service", _("Gold-medal service staff")
    ROLE_MODEL = "role_model", _("Honest and trustworthy role models")
    HELPING_OTHERS = "helping_others", _("Role models in helping others")
    MODEL_ENTERPRISE = "model_enterprise", _("Credit model enterprises")
    CREDIT_GRADE = "credit_grade", _("Enterprises graded B or above (graded credit supervision)")


class HonourListPage(Page):
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    category = models.CharField(_("category"), max_length=30, choices=HonourCategory.choices)
    awarding_unit = models.CharField(
        _("awarding unit"),
        max_length=120,
        blank=True,
        help_text=_("For example 历下区商务局 or 历下区文明办."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("year"), FieldPanel("category"), FieldPanel("awarding_unit")], heading=_("List")
        ),
        FieldPanel("intro"),
        InlinePanel("entries", heading=_("Entries"), label=_("Entry")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.RelatedFields("entries", [index.SearchField("name"), index.SearchField("citation")]),
        index.FilterField("year"),
    ]
    api_fields = [
        APIField("year"),
        APIField("category"),
        APIField("awarding_unit"),
        APIField("intro"),
        APIField("entries"),
    ]
    parent_page_types = ["honours.HonourIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("honour list page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        order = request.GET.get("by")
        order = order if order in ORDERS else ORDERS[0]
        context["order"] = order
        groups = entry_groups(self, order)
        context["entry_groups"] = groups
        context["has_subdistricts"] = any(
            shown.entry.subdistrict for _heading, members in groups for shown in members
        )
        return context

    @property
    def category_label(self):
        return HonourCategory(self.category).label

    def entries_by_pinyin(self):
        return sorted(self.entries.all(), key=lambda entry: (entry.name_sort_key, entry.pk or 0))


class HonourEntry(TranslatableMixin, Orderable):
    page = ParentalKey(HonourListPage, related_name="entries", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120, validators=[validate_name_text])
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("For organisations and businesses; leave empty for persons."),
    )
    organisation = models.CharField(
        _("organisation"), max_length=120, blank=True, validators=[validate_name_text]
    )
    subdistrict = models.CharField(
        _("subdistrict"),
        max_length=60,
        blank=True,
        choices=subdistrict_choices,
        help_text=_("Where the person or organisation is; lists can be shown grouped by it."),
    )
    citation = models.TextField(_("citation"), max_length=1000, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    name_sort_key = models.CharField(max_length=255, editable=False, blank=True)

    # Public on the list anyway; the credit code is an organisation's (persons have none).
    api_fields = [
        APIField("name"),
        APIField("organisation"),
        APIField("credit_code"),
        APIField("subdistrict"),
        APIField("citation"),
    ]

    panels = [
        FieldPanel("name"),
        FieldPanel("credit_code"),
        FieldPanel("organisation"),
        FieldPanel("subdistrict"),
        FieldPanel("citation"),
        FieldPanel("photo"),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("honour entry")
        verbose_name_plural = _("honour entries")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = normalize_credit_code(self.credit_code)
        self.name_sort_key = pinyin_sort_key(self.name)
        super().save(*args, **kwargs)
