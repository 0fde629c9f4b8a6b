from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from integrity_site.core import page_cache

from .records import QueryVisitor  # noqa: F401  (the app's data model, loaded with it)
from .services import search_pages, suggestions


class SearchPage(RoutablePageMixin, Page):
    """The site search, at /search/ in each language, with suggestions while typing
    at /search/suggest/?q=…"""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    results_per_page = 10

    class Meta:
        verbose_name = _("search page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            search_pages(request, request.GET.get("q", ""), self.locale, per_page=self.results_per_page)
        )
        return context

    def get_cached_paths(self):
        return ["/", "suggest/"]

    @path("suggest/")
    @page_cache.cacheable
    def suggest(self, request):
        return JsonResponse({"suggestions": suggestions(request.GET.get("q", ""), self.locale)})
