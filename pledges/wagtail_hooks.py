import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models.functions import TruncMonth
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.log_actions import LogFormatter
from wagtail.models import Locale
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, IndexView, InspectView, SnippetViewSet

from integrity_site.core import credit_checks, merchant_search, page_cache
from integrity_site.core.admin_display import ReadableInspectMixin
from integrity_site.core.credit_review import CREDIT_OVERRIDE_PERMISSION
from integrity_site.core.spreadsheets import LabelledExportMixin

from . import admin_views, services, site_search
from .cross_check import active_pledges, check_pledge, pledges_section, revoked_pledges_of
from .forms import RevokeForm, subdistrict_choices
from .models import PledgePage, pledge_page
from .records import Industry, Pledge, PledgeState, PledgeText
from .texts import signed_text


@hooks.register(merchant_search.SEARCH_MERCHANT_HOOK)
def merchants_in_site_search():
    """The site search finds merchants of the register and says whether each has a valid pledge."""
    return merchant_search.MerchantSource(
        find=site_search.merchants_in_the_register,
        facts=site_search.pledge_status,
        order=10,
        topics=("pledges", "pledges.pledge"),
    )


@hooks.register(page_cache.DEPENDENT_PAGES_HOOK)
def pages_showing_pledges(topic):
    """The pledge page holds the text, the register, its JSON and feed, and the certificates:
    "pledges" (services: a pledge entered or left the register), the pledge and text snippets."""
    return PledgePage.objects.all() if topic in ("pledges", "pledges.pledge", "pledges.pledgetext") else []


PERSONAL_DATA_PERMISSION = "pledges.view_pledge_personal_data"
PERSONAL_FIELDS = ["contact_person", "mobile", "email", "signatory_name"]

LOG_ACTIONS = {
    "pledges.submit": (_("Submit integrity pledge"), _("Integrity pledge submitted")),
    "pledges.confirm": (_("Confirm integrity pledge"), _("Integrity pledge confirmed by e-mail")),
    "pledges.approve": (_("Approve integrity pledge"), _("Integrity pledge approved")),
    "pledges.revoke": (_("Revoke integrity pledge"), _("Integrity pledge revoked")),
    "pledges.withdraw": (_("Withdraw integrity pledge"), _("Integrity pledge withdrawn by the merchant")),
    "pledges.expire": (_("Expire integrity pledge"), _("Integrity pledge expired")),
}


@hooks.register(credit_checks.CREDIT_STANDING_HOOK)
def revoked_pledges_weigh_in_credit_checks(parties):
    return revoked_pledges_of(parties)


@hooks.register(credit_checks.CREDIT_COMMITMENT_URL_HOOK)
def pledge_page_for_credit_commitments():
    """Credit repair asks for a credit commitment: the integrity pledge is where a merchant makes one."""
    page = pledge_page(Locale.get_active())
    return page.url if page else None


@hooks.register("register_log_actions")
def register_pledge_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)

    @actions.register_action(services.CREDIT_OVERRIDE_ACTION)
    class ApprovedDespiteCreditHits(LogFormatter):
        label = _("Approve despite credit hits")

        def format_message(self, log_entry):
            data = log_entry.data
            return _("Approved despite the records %(records)s in the publicity feed: %(reason)s") % {
                "records": "、".join(data.get("records", [])),
                "reason": data.get("reason", ""),
            }


# --- the pledge text ------------------------------------------------------------------


def pledge_text_was_signed(text):
    return Pledge.objects.filter(text_revision__in=text.revisions.all()).exists()


class PledgeTextPermissionPolicy(ModelPermissionPolicy):
    """A text that merchants signed stays: their certificates show it."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and pledge_text_was_signed(instance):
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class PledgeTextDeleteView(DeleteView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if pledge_text_was_signed(self.object):
            raise PermissionDenied


class PledgeTextViewSet(SnippetViewSet):
    model = PledgeText
    icon = "doc-full"
    menu_label = _("Pledge texts")
    add_to_admin_menu = False
    list_display = ["title", "live", "last_published_at"]
    delete_view_class = PledgeTextDeleteView


# --- pledges --------------------------------------------------------------------------


def month_choices():
    months = (
        Pledge.objects.annotate(month=TruncMonth("created_at"))
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")[:36]
    )
    return [(month.strftime("%Y-%m"), month.strftime("%Y-%m")) for month in months if month]


class PledgeFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=PledgeState.choices)
    subdistrict = django_filters.ChoiceFilter(
        label=_("Subdistrict"), choices=lambda: subdistrict_choices()[1:]
    )
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices)
    month = django_filters.ChoiceFilter(
        label=_("Month submitted"), choices=month_choices, method="filter_month"
    )

    class Meta:
        model = Pledge
        fields = ["state", "subdistrict", "industry"]

    def filter_month(self, queryset, name, value):
        year, month = (int(part) for part in value.split("-"))
        return queryset.filter(created_at__year=year, created_at__month=month)


class PledgePermissionPolicy(ModelPermissionPolicy):
    """Pledges are signed by merchants, never added in the admin."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action != "add"])


class PledgeIndexView(LabelledExportMixin, IndexView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Personal data in exports only for editors with the permission.
        if request.user.has_perm(PERSONAL_DATA_PERMISSION):
            self.list_export = [*self.list_export, *PERSONAL_FIELDS]


class PledgeReviewView(ReadableInspectMixin, InspectView):
    """The review screen: the pledge, the text signed, what the publicity feed knows of the code,
    and the editor's actions."""

    template_name = "pledges/admin/review.html"

    def get_fields(self):
        fields = [
            "number",
            "state",
            "merchant_name",
            "credit_code",
            "entity_kind",
            "industry",
            "subdistrict",
            "address",
            "consent_to_publication",
            "created_at",
            "confirmed_at",
            "approved_at",
            "valid_until",
            "closed_at",
            "closing_reason",
        ]
        if self.request.user.has_perm(PERSONAL_DATA_PERMISSION):
            fields += PERSONAL_FIELDS
        return fields

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledge = self.object
        others = list(services.other_pledges_for_code(pledge))
        blocking = next((other for other in others if other.state == PledgeState.APPROVED), None)
        feed_check = check_pledge(pledge)
        context.update(
            {
                "pledge": pledge,
                # Several merchants (or impostors) may sign with one code: the editor sees them all.
                "other_pledges": [(other, admin_views.review_url(other)) for other in others],
                "show_personal_data": self.request.user.has_perm(PERSONAL_DATA_PERMISSION),
                "blocking_pledge": blocking if pledge.state == PledgeState.CONFIRMED else None,
                "signed_text": signed_text(pledge.text_revision),
                "feed_check": feed_check,
                "may_override": self.request.user.has_perm(CREDIT_OVERRIDE_PERMISSION),
                "can_change": self.request.user.has_perm("pledges.change_pledge"),
                "can_approve": pledge.state == PledgeState.CONFIRMED and blocking is None,
                "can_revoke": pledge.is_active,
                "revoke_form": RevokeForm(),
                "approve_url": reverse("pledges_approve", args=[pledge.pk]),
                "revoke_url": reverse("pledges_revoke", args=[pledge.pk]),
            }
        )
        return context


class PledgeViewSet(SnippetViewSet):
    model = Pledge
    icon = "doc-full-inverse"
    menu_label = _("Integrity pledges")
    menu_order = 360
    add_to_admin_menu = True
    index_view_class = PledgeIndexView
    inspect_view_class = PledgeReviewView
    inspect_view_enabled = True
    list_display = ["merchant_name", "credit_code", "state", "industry", "subdistrict", "created_at"]
    filterset_class = PledgeFilterSet
    search_fields = ["merchant_name", "credit_code"]
    # Editors search names and code fragments in the database (substring match, any
    # state); the search index serves the public site search of the register.
    search_backend_name = None
    list_export = [
        "number",
        "state",
        "merchant_name",
        "credit_code",
        "entity_kind",
        "industry",
        "subdistrict",
        "address",
        "consent_to_publication",
        "created_at",
        "confirmed_at",
        "approved_at",
        "valid_until",
        "closed_at",
        "closing_reason",
    ]
    export_filename = "integrity-pledges"
    # Editors correct public business details; states change only through the review actions.
    panels = [
        FieldPanel("merchant_name"),
        FieldPanel("entity_kind"),
        FieldPanel("industry"),
        FieldPanel("subdistrict"),
        FieldPanel("address"),
    ]


register_permission_policy(Pledge, PledgePermissionPolicy(Pledge))
register_permission_policy(PledgeText, PledgeTextPermissionPolicy(PledgeText))
register_snippet(PledgeTextViewSet)
register_snippet(PledgeViewSet)


@hooks.register("register_admin_urls")
def pledge_admin_urls():
    return [
        path("pledges/<int:pk>/approve/", admin_views.approve, name="pledges_approve"),
        path("pledges/<int:pk>/revoke/", admin_views.revoke, name="pledges_revoke"),
    ]


@hooks.register("construct_homepage_panels")
def add_pledge_panel(request, panels):
    if request.user.has_perm("pledges.view_pledge") or request.user.has_perm("pledges.change_pledge"):
        panels.append(admin_views.PledgeDashboardPanel())


class ApprovePledgesBulkAction(SnippetBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected pledges")
    template_name = "pledges/admin/bulk_approve.html"
    action_priority = 10
    models = [Pledge]

    def check_perm(self, pledge):
        return self.request.user.has_perm("pledges.change_pledge")

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        approved = refused = held = 0
        # Looked up once for the whole selection, not once per pledge: validity, page, credit checks.
        days, page = services.validity_days(), pledge_page()
        objects = list(objects)
        checks = services.credit_checks_of(objects)
        for pledge in objects:
            try:
                services.approve_pledge(pledge, user=user, days=days, credit_check=checks[pledge.pk])
            except services.CreditHitsFound:
                held += 1  # the feed has records of the merchant: approved one by one, with a reason
                continue
            except services.ActivePledgeExists:
                refused += 1  # another pledge of the code is approved (perhaps just now)
                continue
            except services.TransitionError:
                continue  # not confirmed (yet, or any more): left as it is
            approved += 1
            services.notify_approval(pledge, page)
        # Wagtail passes the second value on to get_success_message as "child objects".
        return approved, {"refused": refused, "held": held}

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = _("%(count)d pledges approved.") % {"count": num_parent_objects}
        if num_child_objects["refused"]:
            message += " " + _(
                "%(count)d left confirmed: another pledge of their credit code is approved."
            ) % {"count": num_child_objects["refused"]}
        if num_child_objects["held"]:
            message += " " + _(
                "%(count)d left confirmed: the publicity feed has current records of them; review each "
                "and approve it with a reason, if at all."
            ) % {"count": num_child_objects["held"]}
        return message


hooks.register("register_bulk_action", ApprovePledgesBulkAction)


# --- what pledges tell other parts of the site (integrity_site.core.credit_checks) ----------


@hooks.register(credit_checks.CROSS_CHECK_SUBJECT_HOOK)
def pledges_to_cross_check():
    return "pledge", active_pledges


hooks.register(credit_checks.CREDIT_PROFILE_SECTION_HOOK, pledges_section)
