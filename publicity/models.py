"""The publicity app's page type. Its data models live in ``publicity.records``; they are
imported here so that Django loads them with the app."""

from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Locale

from integrity_site.core import page_cache
from integrity_site.core.models import SectionIndexPage
from publicity import repair_help_views, views
from publicity.records import (  # noqa: F401 (Django finds the app's models through this module)
    CrossCheckHit,
    ImportRun,
    PublicityRecord,
    RecordKind,
    Severity,
    SubjectCategory,
)
from publicity.repair_help_records import RepairHelpRequest  # noqa: F401 (as above)
from publicity.repair_rules import (  # noqa: F401 (as above)
    RepairRuleSet,
    SeverityCriterion,
    SeverityPeriod,
)


class PublicityPage(RoutablePageMixin, SectionIndexPage):
    """双公示查询: where anyone looks up licences, penalties and the dishonest list."""

    subpage_types = []
    editor_section = "publicity"

    class Meta:
        verbose_name = _("publicity page")

    def get_cached_paths(self):
        return ["/", "statistics/", "credit-repair/"]

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

    @path("credit-repair/")
    @page_cache.cacheable
    def credit_repair(self, request):
        return views.credit_repair(request, self)

    # Credit-repair help (信用修复辅导): never cached, the form carries the visitor's tokens.
    @path("repair-help/")
    def repair_help(self, request):
        return repair_help_views.repair_help_form(request, self)

    @path("repair-help/sent/<str:reference>/<str:token>/")
    def repair_help_sent(self, request, reference, token):
        return repair_help_views.repair_help_sent(request, self, reference, token)


def publicity_page():
    """The live publicity page of the visitor's language, or None."""
    return PublicityPage.objects.live().public().filter(locale=Locale.get_active()).first()
