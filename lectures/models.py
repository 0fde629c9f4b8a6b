from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from integrity_site.core.events import order_upcoming_first
from integrity_site.core.models import EventPage
from integrity_site.core.pagination import paginate


class LectureIndexPage(Page):
    """儒信大讲堂: the lecture series."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["lectures.LecturePage"]
    max_count_per_parent = 1
    editor_section = "lectures"
    lectures_per_page = 12

    class Meta:
        verbose_name = _("lecture index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        lectures = order_upcoming_first(LecturePage.objects.child_of(self).live())
        context["lectures"] = paginate(request, lectures, self.lectures_per_page)
        return context


class LecturePage(EventPage):
    """One talk of the 儒信大讲堂 series."""

    speaker_name = models.CharField(_("speaker"), max_length=120)
    speaker_title = models.CharField(
        _("speaker's title and organisation"), max_length=255, blank=True
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("speaker_name"), FieldPanel("speaker_title")], heading=_("Speaker")
        ),
    ] + EventPage.event_panels

    search_fields = EventPage.search_fields + [index.SearchField("speaker_name")]

    parent_page_types = ["lectures.LectureIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lecture page")
