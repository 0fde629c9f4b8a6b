"""The publicity app's page type. Its data models live in ``publicity.records``; they are
imported here so that Django loads them with the app."""

from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Locale

from integrity_site.core import page_cache
from integrity_site.core.models import SectionIndexPage
from publicity import views
from publicity.records import (  # noqa: F401 (Django finds the app's models through this module)
    CrossCheckHit,
    ImportRun,
    PublicityRecord,
    RecordKind,
    SubjectCategory,
)


class PublicityPage(RoutablePageMixin, SectionIndexPage):
    """双公示查询: where anyone looks up licences, penalties and the dishonest list."""

    subpage_types = []
    editor_section = "publicity"

    class Meta:
        verbose_name = _("publicity page")

    def get_cached_paths(self):
        return ["/", "statistics/"]

    @path("")
    @page_cache.cacheable
    def query(self, request):
        return views.query(request, self)

    @path("statistics/")
    @page_cache.cacheable
    def statistics(self, request):
        return views.statistics(request, self)

    @path("credit/<str:credit_code>/")
    @page_cache.cacheable
    def credit_profile(self, request, credit_code):
        return views.credit_profile(request, self, credit_code)


def publicity_page():
    """The live publicity page of the visitor's language, or None."""
    return PublicityPage.objects.live().public().filter(locale=Locale.get_active()).first()
