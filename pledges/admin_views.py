"""Editors' actions on one pledge (approve, revoke) and the dashboard panel."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.ui.components import Component

from integrity_site.core.credit_review import CREDIT_OVERRIDE_PERMISSION

from . import services
from .forms import RevokeForm
from .models import pledge_page
from .records import Pledge, PledgeState

REVIEW_URL_NAME = "wagtailsnippets_pledges_pledge:inspect"


def review_url(pledge):
    return reverse(REVIEW_URL_NAME, args=[pledge.pk])


@require_POST
@permission_required("pledges.change_pledge", raise_exception=True)
def approve(request, pk):
    pledge = get_object_or_404(Pledge, pk=pk)
    try:
        services.approve_pledge(
            pledge, user=request.user, override_reason=request.POST.get("override_reason", "")
        )
    except services.CreditHitsFound:
        if request.user.has_perm(CREDIT_OVERRIDE_PERMISSION):
            message = _(
                "The publicity feed has current records of this merchant: give the reason for approving it anyway."
            )
        else:
            message = _(
                "The publicity feed has current records of this merchant; only a user allowed to let credit hits "
                "pass may approve it."
            )
        messages.error(request, message)
    except services.ActivePledgeExists as error:
        messages.error(
            request,
            _(
                "Another pledge of this credit code is approved and in force (certificate %(number)s). "
                "Revoke it, or wait until it ends, before approving this one."
            )
            % {"number": error.existing.number if error.existing else "?"},
        )
    except services.TransitionError:
        messages.error(
            request,
            _("Only a confirmed pledge can be approved; this one is %(state)s.")
            % {"state": pledge.get_state_display()},
        )
    else:
        messages.success(request, _("Pledge of %(name)s approved.") % {"name": pledge.merchant_name})
        services.notify_approval(
            pledge,
            pledge_page(),
            on_failure=lambda: messages.warning(
                request, _("The e-mail telling the merchant could not be sent; the approval stands.")
            ),
        )
    return redirect(review_url(pledge))


@require_POST
@permission_required("pledges.change_pledge", raise_exception=True)
def revoke(request, pk):
    pledge = get_object_or_404(Pledge, pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revoking the pledge."))
        return redirect(review_url(pledge))
    try:
        services.revoke_pledge(pledge, user=request.user, reason=form.cleaned_data["reason"])
    except services.TransitionError:
        messages.error(
            request,
            _("Only a confirmed or approved pledge can be revoked; this one is %(state)s.")
            % {"state": pledge.get_state_display()},
        )
    else:
        messages.success(request, _("Pledge of %(name)s revoked.") % {"name": pledge.merchant_name})
    return redirect(review_url(pledge))


def pledge_counts():
    """Counts by state and, for pledges in the register, by subdistrict (two queries)."""
    by_state = dict(Pledge.objects.values_list("state").annotate(count=Count("pk")).order_by())
    by_subdistrict = list(
        Pledge.objects.published()
        .values("subdistrict")
        .annotate(count=Count("pk"))
        .order_by("-count", "subdistrict")
    )
    return {
        "by_state": [(label, by_state.get(value, 0)) for value, label in PledgeState.choices],
        "by_subdistrict": by_subdistrict,
        "awaiting_review": by_state.get(PledgeState.CONFIRMED, 0),
    }


class PledgeDashboardPanel(Component):
    name = "integrity_pledges"
    order = 150
    template_name = "pledges/admin/dashboard_panel.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(pledge_counts())
        context["list_url"] = reverse("wagtailsnippets_pledges_pledge:list")
        return context
