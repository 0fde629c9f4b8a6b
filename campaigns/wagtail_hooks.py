"""The campaigns admin: the signatures view of each campaign (a button on the page), offline
tallies (a snippet), the dashboard panel, the retention job and the audit-log actions."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from integrity_site.core import page_cache
from integrity_site.core.audit import CountedLogFormatter
from integrity_site.core.models import personal_data_retention_days
from integrity_site.scheduler.jobs import Job

from . import admin_views, signing
from .models import CampaignPage
from .signatures import OfflineTally


@hooks.register("register_admin_urls")
def signing_admin_urls():
    return [
        path(
            "campaign-signatures/<int:page_id>/",
            admin_views.CampaignSignaturesView.as_view(),
            name="campaign_signatures",
        ),
        path(
            "campaign-signatures/<int:page_id>/export/<str:file_format>/",
            admin_views.export_signatures,
            name="campaign_signatures_export",
        ),
    ]


def _signatures_button(page, user):
    page = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if isinstance(page, CampaignPage) and (page.signing_enabled or page.signing_closed_at):
        campaign = signing.signing_campaign(page)
        if admin_views.can_manage(user, campaign):
            yield Button(
                _("Signatures"), admin_views.signatures_url(campaign.pk), icon_name="group", priority=35
            )


@hooks.register("register_page_header_buttons")
def signatures_header_button(page, user, view_name=None, next_url=None):
    yield from _signatures_button(page, user)


@hooks.register("register_page_listing_more_buttons")
def signatures_listing_button(page, user, next_url=None):
    yield from _signatures_button(page, user)


@hooks.register("construct_homepage_panels")
def add_signing_panel(request, panels):
    campaigns = admin_views.open_campaigns(request.user)
    if campaigns:
        panels.append(admin_views.SigningDashboardPanel(campaigns))


@hooks.register(page_cache.DEPENDENT_PAGES_HOOK)
def pages_showing_tallies(topic):
    """Offline tallies are in the campaign pages' counts."""
    return CampaignPage.objects.all() if topic == "campaigns.offlinetally" else []


class OfflineTallyViewSet(SnippetViewSet):
    """Paper signatures from street events. Wagtail's snippet views write every change to the
    audit log; who entered a tally is recorded with it."""

    model = OfflineTally
    icon = "doc-full"
    menu_label = _("Offline tallies")
    list_display = ["event", "campaign", "count", "subdistrict", "community", "collected_on", "entered_by"]
    list_filter = ["campaign", "subdistrict"]
    search_fields = ["event", "community"]


register_snippet(OfflineTallyViewSet)


@hooks.register("after_create_snippet")
def record_who_entered_a_tally(request, instance):
    if isinstance(instance, OfflineTally) and instance.entered_by_id is None:
        OfflineTally.objects.filter(pk=instance.pk).update(entered_by=request.user)


def anonymise_expired_signatures():
    count = signing.anonymise_signatures(personal_data_retention_days())
    return f"{count} signatures anonymised"


@hooks.register("register_scheduled_jobs")
def signing_jobs():
    return [
        Job(
            name="campaigns.anonymise_signatures",
            period="daily",
            at="02:30",
            function=anonymise_expired_signatures,
        )
    ]


class InitiativeTextFormatter(LogFormatter):
    label = _("New version of the initiative text")

    def format_message(self, log_entry):
        return _("Initiative text version %(version)s published") % {
            "version": (log_entry.data or {}).get("version", "?")
        }


class InvalidateFormatter(LogFormatter):
    label = _("Invalidate signatures")
    message = ngettext_lazy(
        "%(count)d signature invalidated: %(reason)s",
        "%(count)d signatures invalidated: %(reason)s",
        "count",
    )

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return self.message % {"count": data.get("count", 0), "reason": data.get("reason", "")}


class ModerateFormatter(LogFormatter):
    label = _("Moderate a signer's message")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        if data.get("state") == "approved":
            return _("Message of signature %(pk)s approved") % {"pk": data.get("signature")}
        return _("Message of signature %(pk)s hidden") % {"pk": data.get("signature")}


class AnonymiseFormatter(CountedLogFormatter):
    label = _("Anonymise signatures")
    message = ngettext_lazy(
        "Personal data of %(count)d signature anonymised after the retention period",
        "Personal data of %(count)d signatures anonymised after the retention period",
        "count",
    )


class ExportFormatter(CountedLogFormatter):
    label = _("Export personal data of signatures")
    message = ngettext_lazy(
        "%(count)d signature exported with names and mobile numbers (%(format)s)",
        "%(count)d signatures exported with names and mobile numbers (%(format)s)",
        "count",
    )


@hooks.register("register_log_actions")
def register_signing_log_actions(actions):
    actions.register_action("campaigns.initiative_text")(InitiativeTextFormatter)
    actions.register_action("campaigns.invalidate_signatures")(InvalidateFormatter)
    actions.register_action("campaigns.moderate_message")(ModerateFormatter)
    actions.register_action("campaigns.anonymise_signatures")(AnonymiseFormatter)
    actions.register_action("campaigns.export_personal_data")(ExportFormatter)
