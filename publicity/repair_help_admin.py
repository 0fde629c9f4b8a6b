"""The office's admin of credit-repair help requests: a Wagtail ``ModelViewSet`` (list with
filters, the request's page with its history and the next status, export), the dashboard panel,
the retention job and the audit-log messages. ``publicity.wagtail_hooks`` imports this module so
that its hooks are registered.

Who: users with ``publicity.view_repairhelprequest`` see requests; with
``publicity.change_repairhelprequest`` (the publicity editors, 公示数据编辑, and the moderators,
审核员) they handle them and see the contact person and mobile number on the request's own page,
which they need to call. Lists show both masked. Exports carry them only for users with
``publicity.export_repair_help_personal_data`` (the personal-data officers, 活动报名数据管理员),
and each such export is in the audit log; everyone else's export has the counts and statuses."""

import uuid

import django_filters
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter, log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from integrity_site.core.admin_display import ReadableInspectMixin, readable
from integrity_site.core.audit import CountedLogFormatter
from integrity_site.core.models import personal_data_retention_days
from integrity_site.core.privacy import mask_name, mask_phone
from integrity_site.core.spreadsheets import LabelledExportMixin
from integrity_site.scheduler.jobs import Job
from publicity import repair_help
from publicity.repair_help_forms import StatusChangeForm
from publicity.repair_help_records import OPEN_STATUSES, RepairHelpRequest, RepairHelpStatus
from publicity.working_days import working_days_between

URL_NAMESPACE = "publicity_repair_help"
VIEW_PERMISSION = "publicity.view_repairhelprequest"
CHANGE_PERMISSION = "publicity.change_repairhelprequest"
PERSONAL_DATA_PERMISSION = "publicity.export_repair_help_personal_data"


def can_view(user):
    return user.is_active and (user.has_perm(VIEW_PERMISSION) or user.has_perm(CHANGE_PERMISSION))


def can_handle(user):
    return user.is_active and user.has_perm(CHANGE_PERMISSION)


def can_export_personal_data(user):
    return user.is_active and user.has_perm(PERSONAL_DATA_PERMISSION)


class RepairHelpPermissionPolicy(ModelPermissionPolicy):
    """Requests come from merchants and go with the retention period: nobody adds or deletes
    them in the admin, and their status changes only through the request's page."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a not in ("add", "delete")])


def waited_working_days(request, today=None):
    """Working days from a request's arrival to today (open ones) or to its closing."""
    if request.is_open:
        end = today or timezone.localdate()
    else:
        end = timezone.localdate(request.status_changed_at)
    return working_days_between(timezone.localdate(request.created_at), end)


WAITING_CHOICES = [
    ("waiting", gettext_lazy("New, waiting more than 5 working days")),
    ("in_time", gettext_lazy("New, within 5 working days")),
    ("open", gettext_lazy("Open (new, contacted or applied)")),
    ("closed", gettext_lazy("Closed (repaired or not eligible)")),
]


class RepairHelpFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=RepairHelpStatus.choices)
    waiting = django_filters.ChoiceFilter(
        label=gettext_lazy("Waiting time"), choices=WAITING_CHOICES, method="filter_waiting"
    )

    class Meta:
        model = RepairHelpRequest
        fields = []

    def filter_waiting(self, queryset, name, value):
        since = repair_help.waiting_since()
        new = Q(status=RepairHelpStatus.NEW)
        return queryset.filter(
            {
                "waiting": new & Q(created_at__lt=since),
                "in_time": new & Q(created_at__gte=since),
                "open": Q(status__in=OPEN_STATUSES),
                "closed": ~Q(status__in=OPEN_STATUSES),
            }[value]
        )


EXPORT_FIELDS = [
    "reference",
    "merchant_name",
    "credit_code",
    "document_number",
    "status",
    "preferred_time",
    "created_at",
    "status_changed_at",
    "anonymised_at",
]
PERSONAL_EXPORT_FIELDS = ["contact_name", "mobile", "note"]


class RepairHelpIndexView(LabelledExportMixin, IndexView):
    page_title = gettext_lazy("Credit-repair help requests")
    template_name = "publicity/repair_help/admin/index.html"
    default_ordering = "-created_at"
    filterset_class = RepairHelpFilterSet
    any_permission_required = ["view", "change"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.personal = can_export_personal_data(request.user)
        if self.personal:
            self.list_export = [*self.list_export, *PERSONAL_EXPORT_FIELDS]

    @cached_property
    def columns(self):
        today = timezone.localdate()
        return [
            self._get_title_column("reference"),
            Column("merchant_name", label=_("Merchant name"), sort_key="merchant_name"),
            Column("credit_code", label=_("Unified social credit code")),
            Column("contact_name", label=_("Contact person"), accessor=lambda r: mask_name(r.contact_name)),
            Column("mobile", label=_("Mobile number"), accessor=lambda r: mask_phone(r.mobile)),
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            Column(
                "created_at",
                label=_("Received at"),
                sort_key="created_at",
                accessor=lambda r: readable(r.created_at),
            ),
            Column(
                "waited",
                label=_("Working days"),
                accessor=lambda r: waited_working_days(r, today),
            ),
        ]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["personal"] = self.personal
        if not self.results_only:
            context["counts"] = [
                (RepairHelpStatus(status).label, count)
                for status, count in repair_help.status_counts().items()
            ]
            context["dashboard"] = repair_help.dashboard_counts()
        return context

    def get_filename(self):
        return f"credit-repair-help-{timezone.localtime():%Y%m%d-%H%M}"

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if self.personal:
            # One entry in each exported request's history: who took its contact details, how.
            for request in queryset.only("pk", "reference", "merchant_name"):
                log(
                    instance=request,
                    action=repair_help.EXPORT_ACTION,
                    user=self.request.user,
                    uuid=uuid.uuid4(),
                    data={"format": spreadsheet_format, "count": 1},
                )
        response = super().as_spreadsheet(queryset, spreadsheet_format)
        response["Cache-Control"] = "no-store"
        return response


class RepairHelpInspectView(ReadableInspectMixin, InspectView):
    """The request's page: what the merchant sent, its history, and the next status."""

    template_name = "publicity/repair_help/admin/inspect.html"
    any_permission_required = ["view", "change"]

    def get_fields(self):
        fields = [
            "reference",
            "status",
            "merchant_name",
            "credit_code",
            "document_number",
            "preferred_time",
            "created_at",
            "status_changed_at",
            "anonymised_at",
            "language",
        ]
        if can_handle(self.request.user):
            fields[4:4] = ["contact_name", "mobile", "note"]
        return fields

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.object
        may_change = can_handle(self.request.user) and repair_help.next_statuses(request)
        context.update(
            {
                "history": [
                    (entry, entry.data.get("note", "") if can_handle(self.request.user) else "")
                    for entry in repair_help.history(request)
                ],
                "form": kwargs.get("form") or (StatusChangeForm(request=request) if may_change else None),
                "waited": waited_working_days(request),
                "profile_code": request.credit_code,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if not can_handle(request.user):
            raise PermissionDenied
        self.object = self.get_object()
        form = StatusChangeForm(request.POST, request=self.object)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            repair_help.change_status(
                self.object, form.cleaned_data["status"], request.user, form.cleaned_data["note"]
            )
        except repair_help.TransitionError:
            messages.error(request, _("The request was changed meanwhile; please look at it again."))
        else:
            messages.success(
                request,
                _("Request %(reference)s: %(status)s.")
                % {"reference": self.object.reference, "status": self.object.get_status_display()},
            )
        return redirect(self.request.path)


class RepairHelpViewSet(ModelViewSet):
    model = RepairHelpRequest
    name = "repair-help"  # /admin/repair-help/
    url_namespace = URL_NAMESPACE
    icon = "help"
    menu_label = gettext_lazy("Credit-repair help")
    menu_order = 902
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = RepairHelpIndexView
    inspect_view_class = RepairHelpInspectView
    search_fields = ["reference", "merchant_name", "credit_code", "document_number"]
    search_backend_name = None
    list_export = EXPORT_FIELDS
    list_per_page = 50
    form_fields = ["merchant_name"]  # never edited: the edit view is switched off below

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
            path("history/<str:pk>/", self.history_view, name="history"),
        ]

    def get_permissions_to_register(self):
        return Permission.objects.filter(
            content_type__app_label="publicity",
            codename__in=[
                "view_repairhelprequest",
                "change_repairhelprequest",
                "export_repair_help_personal_data",
            ],
        )


register_permission_policy(RepairHelpRequest, RepairHelpPermissionPolicy(RepairHelpRequest))


@hooks.register("register_admin_viewset")
def register_repair_help_viewset():
    return RepairHelpViewSet()


# --- the dashboard --------------------------------------------------------------------------


class RepairHelpPanel(Component):
    """Open requests, and the new ones nobody has called within the promised working days."""

    name = "publicity_repair_help"
    order = 155
    template_name = "publicity/repair_help/admin/dashboard_panel.html"

    def get_context_data(self, parent_context=None):
        counts = repair_help.dashboard_counts()
        waiting = list(repair_help.waiting_requests().order_by("created_at", "pk")[:10])
        return {
            **counts,
            "waiting_requests": waiting,
            "contact_days": repair_help.CONTACT_WORKING_DAYS,
        }


@hooks.register("construct_homepage_panels")
def add_repair_help_panel(request, panels):
    if can_view(request.user):
        panels.append(RepairHelpPanel())


# --- retention ------------------------------------------------------------------------------


def anonymise_expired_requests():
    count = repair_help.anonymise_requests(personal_data_retention_days())
    return f"{count} credit-repair help requests anonymised"


@hooks.register("register_scheduled_jobs")
def repair_help_jobs():
    return [
        Job(
            name="publicity.anonymise_repair_help",
            period="daily",
            at="02:40",
            function=anonymise_expired_requests,
        )
    ]


# --- the audit log --------------------------------------------------------------------------


class StatusFormatter(LogFormatter):
    label = gettext_lazy("Change the status of a credit-repair help request")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        labels = dict(RepairHelpStatus.choices)
        message = _("Status changed from %(from)s to %(to)s") % {
            "from": labels.get(data.get("from"), data.get("from", "")),
            "to": labels.get(data.get("to"), data.get("to", "")),
        }
        if data.get("note"):
            message += _(": %(note)s") % {"note": data["note"]}
        return message


class ExportFormatter(CountedLogFormatter):
    label = gettext_lazy("Export contact details of credit-repair help requests")
    message = ngettext_lazy(
        "Exported with the contact person and mobile number (%(format)s)",
        "Exported with the contact persons and mobile numbers (%(format)s)",
        "count",
    )


@hooks.register("register_log_actions")
def register_repair_help_log_actions(actions):
    actions.register_action(
        repair_help.RECEIVED_ACTION,
        gettext_lazy("Receive a credit-repair help request"),
        gettext_lazy("Credit-repair help request received from the merchant"),
    )
    actions.register_action(repair_help.STATUS_ACTION)(StatusFormatter)
    actions.register_action(
        repair_help.ANONYMISE_ACTION,
        gettext_lazy("Erase the personal data of a credit-repair help request"),
        gettext_lazy("Contact person, mobile number and notes erased after the retention period"),
    )
    actions.register_action(repair_help.EXPORT_ACTION)(ExportFormatter)
