"""The editors' view of a campaign's signatures: counts, the breakdown with offline tallies,
the fraud view (per hour, per client address, per mobile prefix) with invalidation, message
moderation, and the export. For editors who can edit the campaign page; names and mobile
numbers are shown and exported only to people with ``campaigns.export_signature_personal_data``."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.permission_policies.pages import PagePermissionPolicy

from integrity_site.core.privacy import mask_name
from integrity_site.core.spreadsheets import spreadsheet_safe

from . import signing
from .forms import InvalidateForm
from .models import CampaignPage
from .signatures import MessageState, Signature

PENDING_SHOWN = 50


def can_see_personal_data(user):
    return user.is_active and user.has_perm("campaigns.export_signature_personal_data")


def can_manage(user, campaign):
    return user.is_active and (
        user.is_superuser or PagePermissionPolicy().user_has_permission_for_instance(user, "change", campaign)
    )


def signatures_url(campaign_id):
    return reverse("campaign_signatures", args=[campaign_id])


def _campaign(request, page_id):
    campaign = signing.signing_campaign(get_object_or_404(CampaignPage, pk=page_id))
    if not can_manage(request.user, campaign):
        raise PermissionDenied
    return campaign


class CampaignSignaturesView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "campaigns/admin/signatures.html"
    page_title = gettext_lazy("Initiative signatures")
    header_icon = "group"

    def setup(self, request, *args, page_id, **kwargs):
        super().setup(request, *args, page_id=page_id, **kwargs)
        self.page_id = page_id

    def dispatch(self, request, *args, **kwargs):
        self.campaign = _campaign(request, self.page_id)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.campaign.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign
        personal = can_see_personal_data(self.request.user)
        pending = (
            Signature.objects.filter(campaign=campaign, message_state=MessageState.PENDING)
            .filter(withdrawn_at__isnull=True, invalidated_at__isnull=True)
            .order_by("created_at", "pk")[:PENDING_SHOWN]
        )
        context.update(
            {
                "campaign": campaign,
                "online": signing.online_count(campaign),
                "offline": signing.offline_count(campaign),
                "total": signing.total_count(campaign),
                "areas": signing.breakdown(campaign),
                "tallies": campaign.offline_tallies.select_related("entered_by"),
                "groups": signing.fraud_groups(campaign),
                "pending": [(s, s.name if personal else mask_name(s.name)) for s in pending],
                "invalidate_form": kwargs.get("invalidate_form") or InvalidateForm(),
                "personal": personal,
                "export_urls": [
                    (reverse("campaign_signatures_export", args=[campaign.pk, "csv"]), "CSV"),
                    (reverse("campaign_signatures_export", args=[campaign.pk, "xlsx"]), "XLSX"),
                ],
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action in ("approve", "hide"):
            signature = get_object_or_404(Signature, pk=request.POST.get("signature"), campaign=self.campaign)
            state = MessageState.APPROVED if action == "approve" else MessageState.HIDDEN
            signing.moderate_message(signature, state, request.user)
            messages.success(request, _("Message approved.") if action == "approve" else _("Message hidden."))
        elif action == "invalidate":
            form = InvalidateForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(invalidate_form=form))
            group = signing.signatures_in_group(
                self.campaign, request.POST.get("kind"), request.POST.get("value", "")
            )
            count = signing.invalidate(
                self.campaign, group.values_list("pk", flat=True), request.user, form.cleaned_data["reason"]
            )
            messages.success(
                request,
                ngettext("%(count)d signature invalidated.", "%(count)d signatures invalidated.", count)
                % {"count": count},
            )
        return redirect(signatures_url(self.campaign.pk))


EXPORT_FIELDS = [
    ("pk", gettext_lazy("number")),
    ("created_at", gettext_lazy("signed at")),
    ("subdistrict", gettext_lazy("subdistrict")),
    ("community", gettext_lazy("community")),
    ("text_version", gettext_lazy("version")),
    ("status", gettext_lazy("status")),
    ("message", gettext_lazy("message")),
]
PERSONAL_FIELDS = [("name", gettext_lazy("name")), ("mobile", gettext_lazy("mobile number"))]


def _status(signature):
    if signature.invalidated_at:
        return _("invalidated: %(reason)s") % {"reason": signature.invalidation_reason}
    if signature.withdrawn_at:
        return _("withdrawn")
    return _("counted")


def export_rows(campaign, personal):
    """The heading and one row per signature, every cell through the spreadsheet guard."""
    fields = EXPORT_FIELDS + (PERSONAL_FIELDS if personal else [])
    yield [spreadsheet_safe(str(label)) for _name, label in fields]
    signatures = (
        Signature.objects.filter(campaign=campaign).select_related("text").order_by("created_at", "pk")
    )
    for signature in signatures.iterator(chunk_size=2000):
        values = {
            "pk": signature.pk,
            "created_at": timezone.localtime(signature.created_at).strftime("%Y-%m-%d %H:%M"),
            "subdistrict": signature.subdistrict,
            "community": signature.community,
            "text_version": signature.text.version,
            "status": _status(signature),
            "message": signature.message,
            "name": signature.name,
            "mobile": signature.mobile,
        }
        yield [spreadsheet_safe(str(values[name])) for name, _label in fields]


def export_signatures(request, page_id, file_format):
    campaign = _campaign(request, page_id)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    personal = can_see_personal_data(request.user)
    rows = list(export_rows(campaign, personal))
    filename = f"signatures-{campaign.pk}-{timezone.localdate():%Y%m%d}.{file_format}"
    if file_format == "csv":
        output = io.StringIO()
        csv.writer(output).writerows(rows)
        response = HttpResponse("\ufeff" + output.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in rows:
            sheet.append(row)
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if personal:
        log(
            instance=campaign,
            action="campaigns.export_personal_data",
            user=request.user,
            data={"format": file_format, "count": len(rows) - 1},
        )
    return response


class SigningDashboardPanel(Component):
    """Open campaigns with today's signatures and their totals."""

    name = "campaign_signing"
    order = 160
    template_name = "campaigns/admin/dashboard_panel.html"

    def __init__(self, campaigns):
        self.campaigns = campaigns

    def get_context_data(self, parent_context=None):
        today = signing.signed_today(self.campaigns)
        return {
            "rows": [
                (
                    campaign,
                    today.get(campaign.pk, 0),
                    signing.total_count(campaign),
                    signatures_url(campaign.pk),
                )
                for campaign in self.campaigns
            ]
        }


def open_campaigns(user):
    campaigns = [
        campaign
        for campaign in CampaignPage.objects.live()
        .filter(signing_enabled=True)
        .order_by("-signing_opens_at", "-pk")
        if signing.signing_campaign(campaign) == campaign and signing.signing_state(campaign) == "open"
    ]
    return [campaign for campaign in campaigns if can_manage(user, campaign)]
