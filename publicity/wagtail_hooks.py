from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import CreateView, EditView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from integrity_site.core import credit_checks, merchant_search, page_cache
from integrity_site.core.admin_display import ReadableInspectMixin
from integrity_site.core.worker import WORKER_STARTED_HOOK
from integrity_site.scheduler.jobs import Job
from publicity import (  # noqa: F401 (repair_help_admin: its hooks)
    admin_views,
    cross_check,
    repair_help_admin,
    repair_periods,
    site_search,
    tasks,
)
from publicity.models import PublicityPage, publicity_page
from publicity.records import CrossCheckHit, PublicityRecord
from publicity.repair_rules import RepairRuleSet

DASHBOARD_HITS = 20
# What the publicity page shows: the feed ("publicity": an import), and in credit profiles the
# pledges (the register, a pledge edited) and honours (an honour list page).
TOPICS_SHOWN = {"publicity", "pledges", "pledges.pledge", "honours"}


@hooks.register(page_cache.DEPENDENT_PAGES_HOOK)
def pages_showing_publicity(topic):
    return PublicityPage.objects.all() if topic in TOPICS_SHOWN else []


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("publicity/imports/", admin_views.ImportIndexView.as_view(), name="publicity_imports"),
        path("publicity/imports/<int:pk>/", admin_views.ImportRunView.as_view(), name="publicity_import_run"),
        path(
            "publicity/imports/<int:pk>/report/", admin_views.download_report, name="publicity_import_report"
        ),
        path("publicity/imports/<int:pk>/retry/", admin_views.retry_run, name="publicity_import_retry"),
        path(
            "publicity/cross-check/",
            admin_views.CrossCheckHitIndexView.as_view(),
            name="publicity_cross_check_hits",
        ),
        path(
            "publicity/cross-check/<int:pk>/acknowledge/",
            admin_views.acknowledge_hit,
            name="publicity_acknowledge_cross_check_hit",
        ),
    ]


@hooks.register(WORKER_STARTED_HOOK)
def fail_interrupted_imports():
    """Imports whose worker died (killed, out of memory, the machine restarted) are failed as
    interrupted, so that the admin offers to retry them."""
    tasks.fail_stale_runs()


@hooks.register(credit_checks.CREDIT_PROFILE_URL_HOOK)
def credit_profile_links():
    """Credit profiles live under the publicity page of the visitor's language."""
    page = publicity_page()
    if page is None:
        return None
    page_url = page.url
    return lambda credit_code: page_url + page.reverse_subpage("credit_profile", args=[credit_code])


@hooks.register(merchant_search.SEARCH_MERCHANT_HOOK)
def merchants_in_site_search():
    """The site search finds merchants with the 双公示 query and shows their records by kind."""
    return merchant_search.MerchantSource(
        find=site_search.merchants_in_the_feed,
        facts=site_search.record_counts,
        order=30,
        topics=("publicity",),
    )


@hooks.register(credit_checks.CREDIT_FEED_HOOK)
def check_credit_against_the_feed(parties):
    """The publicity part holds the feed: moderation, pledge review (and any other part) ask it
    through credit_checks.check_credits."""
    return cross_check.check_parties(parties)


@hooks.register("register_log_actions")
def register_publicity_log_actions(actions):
    actions.register_action(
        cross_check.ACKNOWLEDGE_ACTION, _("Acknowledge cross-check hit"), _("Cross-check hit acknowledged")
    )


@hooks.register("register_permissions")
def register_cross_check_permissions():
    # So that Settings → Groups offers them: who sees the hits, who may acknowledge them.
    return Permission.objects.filter(
        content_type__app_label="publicity", codename__in=["view_crosscheckhit", "change_crosscheckhit"]
    )


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.IMPORT_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("Publicity data"), reverse("publicity_imports"), icon_name="table", order=900)


class CrossCheckPanel(Component):
    """The cross-check hits nobody has acknowledged yet, for the editors who follow up on pledges
    and honours."""

    name = "publicity_cross_check"
    order = 150
    template_name = "publicity/admin/cross_check_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        hits = cross_check.open_hits().select_related("record")
        shown = list(hits[:DASHBOARD_HITS])
        return {
            "hits": shown,
            "total": hits.count(),
            "acknowledged_any": not shown
            and CrossCheckHit.objects.filter(acknowledged_at__isnull=False).exists(),
            "all_hits_url": reverse("publicity_cross_check_hits"),
            **admin_views.acknowledge_controls(self.request),
        }


@hooks.register("construct_homepage_panels")
def add_cross_check_panel(request, panels):
    if admin_views.can_view_hits(request.user):
        panels.append(CrossCheckPanel(request))


class PublicityRecordInspectView(ReadableInspectMixin, InspectView):
    pass


class RecomputesPeriods:
    """A record saved by hand gets its class and dates from the rules, as an imported one does."""

    def save_instance(self):
        record = super().save_instance()
        repair_periods.recompute(records=PublicityRecord.objects.filter(pk=record.pk))
        return record


class PublicityRecordCreateView(RecomputesPeriods, CreateView):
    pass


class PublicityRecordEditView(RecomputesPeriods, EditView):
    pass


class PublicityRecordViewSet(ModelViewSet):
    """Editors browse every record, expired penalties included, and correct one by hand."""

    model = PublicityRecord
    icon = "list-ul"
    menu_label = _("Publicity records")
    add_to_admin_menu = True
    menu_order = 901
    list_display = [
        "subject_name",
        "credit_code",
        "kind",
        "document_number",
        "authority",
        "decision_date",
        "severity",
        "publicity_until",
    ]
    list_filter = ["kind", "subject_category", "severity", "late"]
    # 130,000 rows stay out of the search index; the admin filters them with the database.
    search_fields = ["subject_name", "credit_code", "document_number"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = PublicityRecordInspectView
    add_view_class = PublicityRecordCreateView
    edit_view_class = PublicityRecordEditView
    copy_view_enabled = False
    # The class and dates follow from the rules (publicity.repair_periods), never typed in.
    exclude_form_fields = [
        "first_imported_on",
        "late",
        "updated_at",
        "severity",
        "repair_from",
        "publicity_until",
    ]


@hooks.register("register_admin_viewset")
def register_publicity_record_viewset():
    return PublicityRecordViewSet("publicity_records")


class RepairRuleSetViewSet(SnippetViewSet):
    """The credit-repair rules, one rule set per version: editors with the rule set permissions
    (the publicity editors, migration 0011) maintain them; every change is in the audit log, and
    the stored periods are recomputed after it."""

    model = RepairRuleSet
    icon = "doc-full"
    menu_label = _("Credit-repair rules")
    list_display = ["name", "effective_from", "default_severity"]
    ordering = ["-effective_from"]


register_snippet(RepairRuleSetViewSet)


def _rule_set_changed(request, instance):
    if isinstance(instance, RepairRuleSet):
        repair_periods.rule_set_changed()


hooks.register("after_create_snippet", _rule_set_changed)
hooks.register("after_edit_snippet", _rule_set_changed)


@hooks.register("after_delete_snippet")
def _rule_sets_deleted(request, instances):
    if any(isinstance(instance, RepairRuleSet) for instance in instances):
        repair_periods.rule_set_changed()


@hooks.register("register_scheduled_jobs")
def end_of_publicity_job():
    # Just after midnight: the penalties whose last public day was yesterday leave the caches.
    return [
        Job(
            name="publicity.end_of_publicity",
            period="daily",
            at="00:05",
            function=repair_periods.end_of_publicity,
        )
    ]
