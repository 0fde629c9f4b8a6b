"""The registrations admin, a Wagtail ``ModelViewSet`` for ``Registration``.

- ``event_registrations:index`` (``/admin/registrations/``): the events that take
  registrations, with their counts, and every registration the user may see, with
  filters (event, status, role, checked in), ordering, search by code and export.
- ``event_registrations:event`` (``/admin/registrations/<page id>/``): one event's list
  with its totals and seats, and the check-in form; ``event_registrations:export``
  (``…/export/csv/`` or ``…/export/xlsx/``) its whole list as a file.
- ``event_registrations:cancel``: an editor cancels a registration (the waiting list
  moves up).

Every listing and export is scoped by ``RegistrationPermissionPolicy``: editors see the
registrations of events they can edit, with names and mobile numbers masked; exports
carry those only for people with ``events.export_personal_data``, and such an export is
written to the audit log of each event it covers (how many rows, which format).
"""

import uuid

import django_filters
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.models import Locale, Page

from integrity_site.core.admin_display import readable
from integrity_site.core.privacy import mask_name, mask_phone
from integrity_site.core.spreadsheets import LabelledExportMixin

from .forms import CheckInForm
from .listings import event_page_models
from .permissions import (
    can_check_in,
    can_see_personal_data,
    can_view_registrations,
    editable_events,
    registration_policy,
    sees_every_event,
)
from .records import Registration, RegistrationStatus
from .services import (
    CHECK_IN_MESSAGES,
    CancelOutcome,
    CheckInOutcome,
    cancel_by_editor,
    check_in,
    pools_for,
    registration_event,
)

# A lecture hall's worth per page: the check-in desk scrolls one page, the export has everyone.
REGISTRATIONS_PER_PAGE = 100
URL_NAMESPACE = "event_registrations"

EXPORT_FIELDS = [
    "code",
    "event",
    "get_status_display",
    "role_name",
    "companions",
    "created_at",
    "attended_at",
]
PERSONAL_EXPORT_FIELDS = ["name", "mobile"]
EXPORT_HEADINGS = {
    "code": gettext_lazy("Registration code"),
    "event": gettext_lazy("Event"),
    "get_status_display": gettext_lazy("Status"),
    "role_name": gettext_lazy("Role"),
    "companions": gettext_lazy("Companions"),
    "created_at": gettext_lazy("Registered at"),
    "attended_at": gettext_lazy("Checked in at"),
    "name": gettext_lazy("Name"),
    "mobile": gettext_lazy("Mobile number"),
}


def event_url(event_id):
    return reverse(f"{URL_NAMESPACE}:event", args=[event_id])


def local_datetime(value, format_name="SHORT_DATETIME_FORMAT"):
    return formats.date_format(timezone.localtime(value), format_name) if value else ""


# --- events and filters ---------------------------------------------------------------


def events_with_registrations(user):
    """The events (in the default language, where registrations are kept) that take
    registrations or have some, which the user may see; latest first, with their counts.
    One query per event page type."""
    locale = Locale.get_default()
    has_registrations = Q(pk__in=Registration.objects.values("event_id"))
    events = []
    for model in event_page_models():
        pages = model.objects.filter(Q(registration_enabled=True) | has_registrations, locale=locale)
        if not sees_every_event(user):
            pages = pages.filter(pk__in=editable_events(user).values("pk"))
        events += pages.annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            ),
            waiting_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
            attended_count=Count("registrations", filter=Q(registrations__attended_at__isnull=False)),
        ).only("pk", "title", "start_at")
    events.sort(key=lambda event: event.start_at, reverse=True)
    return events


CHECKED_IN_CHOICES = [("yes", gettext_lazy("Checked in")), ("no", gettext_lazy("Not checked in"))]


class RegistrationFilterSet(WagtailFilterSet):
    event = django_filters.ChoiceFilter(label=gettext_lazy("Event"), field_name="event_id", choices=())
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=RegistrationStatus.choices)
    role = django_filters.ChoiceFilter(label=gettext_lazy("Role"), field_name="role_name", choices=())
    checked_in = django_filters.ChoiceFilter(
        label=gettext_lazy("Check-in"), choices=CHECKED_IN_CHOICES, method="filter_checked_in"
    )

    class Meta:
        model = Registration
        fields = []

    def __init__(self, *args, events=None, roles=(), **kwargs):
        """``events``: the events to choose from, or None for one event's list (no event
        filter); ``roles``: the role names to choose from."""
        super().__init__(*args, **kwargs)
        if events is None:
            del self.filters["event"]
        else:
            self.filters["event"].extra["choices"] = [
                (str(event.pk), f"{event.title} ({local_datetime(event.start_at, 'SHORT_DATE_FORMAT')})")
                for event in events
            ]
        if roles:
            self.filters["role"].extra["choices"] = [(role, role) for role in roles]
        else:
            del self.filters["role"]

    def filter_checked_in(self, queryset, name, value):
        return queryset.filter(attended_at__isnull=value != "yes")


# --- the listings ---------------------------------------------------------------------


class EventColumn(Column):
    """The event's title, linking to the event's registrations."""

    cell_template_name = "events/registration/admin/link_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        return {
            **super().get_cell_context_data(instance, parent_context),
            "link_url": event_url(instance.event_id),
        }


class RegistrationIndexView(LabelledExportMixin, IndexView):
    """Every registration the user may see."""

    template_name = "events/registration/admin/index.html"
    page_title = gettext_lazy("Registrations")
    results_template_name = "events/registration/admin/index_results.html"
    any_permission_required = ["view"]
    page_kwarg = "page"  # the parameter the site's pages (and bookmarks) use
    default_ordering = "-created_at"
    filterset_class = RegistrationFilterSet
    export_headings = EXPORT_HEADINGS
    event = None  # one event's list: the event

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.personal = can_see_personal_data(request.user)
        list_export = [field for field in self.list_export if not (self.event and field == "event")]
        if self.personal:
            list_export += PERSONAL_EXPORT_FIELDS
        self.list_export = list_export

    # The queryset: only registrations of events the user may see.

    def get_base_queryset(self):
        registrations = registration_policy.instances_user_has_permission_for(self.request.user, "view")
        if self.event is not None:
            registrations = registrations.filter(event=self.event)
        return registrations.select_related("event")

    @cached_property
    def events(self):
        return events_with_registrations(self.request.user)

    def role_names(self):
        return list(
            self.get_base_queryset()
            .exclude(role_name="")
            .order_by("role_name")
            .values_list("role_name", flat=True)
            .distinct()
        )

    def event_choices(self):
        return self.events

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "events": self.event_choices(), "roles": self.role_names()}

    # The table.

    def shown_name(self, registration):
        return registration.name if self.personal else mask_name(registration.name)

    def shown_mobile(self, registration):
        return registration.mobile if self.personal else mask_phone(registration.mobile)

    @cached_property
    def columns(self):
        columns = [self._get_title_column("code")]
        if self.event is None:
            columns.append(EventColumn("event", label=_("Event"), accessor="event.title"))
        return columns + [
            Column("name", label=_("Name"), accessor=self.shown_name),
            Column("mobile", label=_("Mobile number"), accessor=self.shown_mobile),
            Column("role_name", label=_("Role"), sort_key="role_name"),
            Column("companions", label=_("Companions"), sort_key="companions"),
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            Column(
                "created_at",
                label=_("Registered at"),
                sort_key="created_at",
                accessor=lambda registration: readable(registration.created_at),
            ),
            Column(
                "attended_at",
                label=_("Checked in at"),
                sort_key="attended_at",
                accessor=lambda registration: readable(registration.attended_at),
            ),
        ]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active and self.user_has_permission_for_instance("change", instance):
            cancel_url = reverse(f"{URL_NAMESPACE}:cancel", args=[instance.pk])
            buttons.append(
                MenuItem(
                    _("Cancel registration"),
                    url=f"{cancel_url}?{urlencode({'next': self.listing_url})}",
                    icon_name="cross",
                    priority=40,
                )
            )
        return buttons

    @cached_property
    def listing_url(self):
        """This listing with its filters, ordering and page: where to come back to (also from
        the results fragment that Wagtail's filters fetch)."""
        params = self.request.GET.copy()
        params.pop("_w_filter_fragment", None)
        return f"{self.index_url}?{params.urlencode()}" if params else self.index_url

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return super().no_results_message
        return _("No registrations yet.")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["personal"] = self.personal
        if self.event is None and not self.results_only:
            context["events"] = self.events
        return context

    # The export: Wagtail's, written as every export of the site (LabelledExportMixin), and an
    # audit log entry when it carries personal data.

    def get_filename(self):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"registrations-{self.event.slug}-{stamp}" if self.event else f"registrations-{stamp}"

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=_("Registrations")[:31])
        header = []
        for field in self.list_export:
            cell = WriteOnlyCell(sheet, self.get_heading(queryset, field))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for item in queryset:
            sheet.append(self.generate_xlsx_row(sheet, self.to_row_dict(item)))
        workbook.save(output)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if self.personal:
            self.log_personal_data_export(queryset, spreadsheet_format)
        response = super().as_spreadsheet(queryset, spreadsheet_format)
        response["Cache-Control"] = "no-store"
        return response

    def log_personal_data_export(self, queryset, spreadsheet_format):
        """One entry in the history of each event whose people the file holds: format and
        number of rows, not the people."""
        counts = dict(queryset.order_by().values_list("event_id").annotate(count=Count("pk")))
        for page in Page.objects.filter(pk__in=counts).order_by("pk").specific():
            # An entry of its own for each event (entries of one request share a UUID, and a
            # page's history shows only the latest entry of a UUID and action).
            log(
                instance=page,
                action="events.export_personal_data",
                user=self.request.user,
                uuid=uuid.uuid4(),
                title=page.get_admin_display_title(),
                data={"format": spreadsheet_format, "count": counts[page.pk]},
            )


class EventRegistrationsView(RegistrationIndexView):
    """One event's registrations, its totals and seats, and the check-in form."""

    template_name = "events/registration/admin/event.html"
    default_ordering = ("status", "created_at", "pk")
    export_format = None

    def setup(self, request, *args, page_id, file_format=None, **kwargs):
        self.event = self.get_event(page_id)
        if not can_view_registrations(request.user, self.event):
            raise PermissionDenied
        super().setup(request, *args, page_id=page_id, **kwargs)
        if file_format is not None:  # event_registrations:export
            if file_format not in self.FORMATS:
                raise Http404
            self.is_export, self.export_format = True, file_format
        self.may_check_in = can_check_in(request.user, self.event)
        self.check_in_form = CheckInForm()

    @staticmethod
    def get_event(page_id):
        page = get_object_or_404(Page, pk=page_id).specific
        if not any(isinstance(page, model) for model in event_page_models()):
            raise Http404
        # A translation's registrations are kept on the page in the default language.
        return registration_event(page)

    def event_choices(self):
        return None  # one event: no event filter

    def get_index_url(self):
        return event_url(self.event.pk)

    def get_index_results_url(self):
        return reverse(f"{URL_NAMESPACE}:event_results", args=[self.event.pk])

    def get_page_title(self):
        return self.event.title

    def get_header_title(self):
        return _("Registrations: %(title)s") % {"title": self.event.title}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": _("Registrations")},
            {"url": "", "label": self.event.title},
        ]

    def post(self, request, *args, **kwargs):
        if not self.may_check_in:
            raise PermissionDenied
        form = CheckInForm(request.POST)
        if not form.is_valid():
            self.check_in_form = form
            return self.get(request, *args, **kwargs)
        code = form.cleaned_data["code"]
        outcome, registration = check_in(self.event, code, user=request.user)
        text = _("%(code)s: %(outcome)s") % {"code": code.upper(), "outcome": CHECK_IN_MESSAGES[outcome]}
        if outcome == CheckInOutcome.CHECKED_IN:
            messages.success(request, text)
        else:
            messages.warning(request, text)
        return redirect(self.index_url)

    def render_to_response(self, context, **response_kwargs):
        if self.export_format:
            return self.as_spreadsheet(context["object_list"], self.export_format)
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context.update(
            {
                "event": self.event,
                "may_check_in": self.may_check_in,
                "form": self.check_in_form,
                # The totals count every registration of the event, not the page shown.
                **Registration.objects.filter(event=self.event).aggregate(
                    confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
                    waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
                    attended=Count("pk", filter=Q(attended_at__isnull=False)),
                ),
            }
        )
        if not self.results_only:
            context["pools"] = pools_for(self.event)
            context["export_urls"] = [
                (reverse(f"{URL_NAMESPACE}:export", args=[self.event.pk, file_format]), label)
                for file_format, label in (("csv", _("Export CSV")), ("xlsx", _("Export XLSX")))
            ]
        return context


# --- cancelling -----------------------------------------------------------------------


class RegistrationCancelView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """An editor cancels a registration; a seat set free goes to the waiting list."""

    model = Registration
    permission_required = "change"
    template_name = "events/registration/admin/confirm_cancel.html"
    page_title = gettext_lazy("Cancel registration")
    header_icon = "group"
    index_url_name = None

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, pk=pk, **kwargs)
        self.object = get_object_or_404(Registration.objects.select_related("event"), pk=pk)

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission_for_instance("change", self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.code

    @cached_property
    def success_url(self):
        return get_valid_next_url_from_request(self.request) or event_url(self.object.event_id)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": _("Registrations")},
            {"url": event_url(self.object.event_id), "label": self.object.event.title},
            {"url": "", "label": self.get_page_title(), "sublabel": self.object.code},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = self.object
        personal = can_see_personal_data(self.request.user)
        context.update(
            {
                "registration": registration,
                "event": registration.event,
                "shown_name": registration.name if personal else mask_name(registration.name),
                "success_url": self.success_url,
                "next_url": get_valid_next_url_from_request(self.request),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        registration = self.object
        outcome, promoted = cancel_by_editor(registration, request.user)
        code = registration.code
        if outcome == CancelOutcome.CANCELLED:
            text = _("Registration %(code)s cancelled.") % {"code": code}
            if promoted:
                text += " " + ngettext(
                    "%(count)d registration moved up from the waiting list.",
                    "%(count)d registrations moved up from the waiting list.",
                    len(promoted),
                ) % {"count": len(promoted)}
            messages.success(request, text)
        elif outcome == CancelOutcome.ALREADY_CANCELLED:
            messages.warning(request, _("Registration %(code)s was already cancelled.") % {"code": code})
        else:
            messages.error(
                request,
                _("The event has started: registration %(code)s can no longer be cancelled.")
                % {"code": code},
            )
        return redirect(self.success_url)


# --- the viewset ----------------------------------------------------------------------


class RegistrationURLFinder(ModelAdminURLFinder):
    """Audit log reports link a registration to its event's list."""

    def construct_edit_url(self, instance):
        return event_url(instance.event_id)

    def get_edit_url(self, instance):
        if self.user and not registration_policy.user_has_permission_for_instance(
            self.user, "view", instance
        ):
            return None
        return self.construct_edit_url(instance)


class RegistrationViewSet(ModelViewSet):
    model = Registration
    name = "registrations"  # the URL prefix: /admin/registrations/
    url_namespace = URL_NAMESPACE
    icon = "group"
    menu_label = gettext_lazy("Registrations")
    menu_order = 350
    add_to_admin_menu = True
    # Registrations point at pages; indexing them would count as "uses" of the event page
    # and cost a write with every registration a resident makes.
    add_to_reference_index = False
    copy_view_enabled = False
    index_view_class = RegistrationIndexView
    event_view_class = EventRegistrationsView
    cancel_view_class = RegistrationCancelView
    list_per_page = REGISTRATIONS_PER_PAGE
    search_fields = ["code"]
    search_backend_name = None
    list_export = EXPORT_FIELDS
    url_finder_class = RegistrationURLFinder

    def get_common_view_kwargs(self, **kwargs):
        # Registrations are neither added, edited, copied nor deleted in the admin.
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    @property
    def event_view(self):
        return self.construct_view(
            self.event_view_class,
            **self.get_index_view_kwargs(
                template_name=self.event_view_class.template_name,
                index_results_url_name=self.get_url_name("event_results"),
            ),
        )

    @property
    def event_results_view(self):
        return self.construct_view(
            self.event_view_class,
            **self.get_index_view_kwargs(
                template_name=self.event_view_class.template_name,
                index_results_url_name=self.get_url_name("event_results"),
            ),
            results_only=True,
        )

    @property
    def cancel_view(self):
        return self.construct_view(self.cancel_view_class)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:page_id>/", self.event_view, name="event"),
            path("<int:page_id>/results/", self.event_results_view, name="event_results"),
            path("<int:page_id>/export/<str:file_format>/", self.event_view, name="export"),
            path("cancel/<int:pk>/", self.cancel_view, name="cancel"),
        ]

    def get_permissions_to_register(self):
        """The permissions an administrator grants to groups on the group screen."""
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Registration),
            codename__in=["view_registration", "change_registration", "export_personal_data"],
        )
