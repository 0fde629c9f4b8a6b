"""The admin's registration views: events with registrations, one event's list
with check-in by code, and the CSV/XLSX export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from integrity_site.core.pagination import paginate
from integrity_site.core.privacy import mask_name, mask_phone

from . import exports
from .forms import CheckInForm
from .listings import event_page_models
from .permissions import (
    can_check_in,
    can_see_personal_data,
    can_view_registrations,
    may_use_registrations_admin,
)
from .records import Registration, RegistrationStatus
from .services import CHECK_IN_MESSAGES, check_in, pools_for, registration_event

# A lecture hall's worth per page: the check-in desk scrolls one page, the export has everyone.
REGISTRATIONS_PER_PAGE = 100


def _counts():
    return {
        "confirmed_count": Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        "waiting_count": Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
        "attended_count": Count("registrations", filter=Q(registrations__attended_at__isnull=False)),
    }


def index(request):
    if not may_use_registrations_admin(request.user):
        raise PermissionDenied
    locale = Locale.get_default()
    events = []
    for model in event_page_models():
        events += model.objects.filter(locale=locale, registration_enabled=True).annotate(**_counts())
    events = [event for event in events if can_view_registrations(request.user, event)]
    events.sort(key=lambda event: event.start_at, reverse=True)
    return TemplateResponse(request, "events/registration/admin/index.html", {"events": events})


def _event_or_403(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not any(isinstance(page, model) for model in event_page_models()):
        raise Http404
    # A translation's registrations are kept on the page in the default language.
    page = registration_event(page)
    if not can_view_registrations(request.user, page):
        raise PermissionDenied
    return page


def event_registrations(request, page_id):
    event = _event_or_403(request, page_id)
    personal = can_see_personal_data(request.user)
    may_check_in = can_check_in(request.user, event)
    form = CheckInForm(request.POST or None)
    if request.method == "POST":
        if not may_check_in:
            raise PermissionDenied
        if form.is_valid():
            outcome, registration = check_in(event, form.cleaned_data["code"])
            level = messages.SUCCESS if registration and outcome.value == "checked_in" else messages.WARNING
            messages.add_message(
                request, level, f"{form.cleaned_data['code'].upper()}: {CHECK_IN_MESSAGES[outcome]}"
            )
            return redirect("event_registrations:event", page_id=event.pk)
    registrations = Registration.objects.filter(event=event)
    page = paginate(request, registrations.order_by("status", "created_at", "pk"), REGISTRATIONS_PER_PAGE)
    for registration in page.object_list:
        registration.shown_name = registration.name if personal else mask_name(registration.name)
        registration.shown_mobile = registration.mobile if personal else mask_phone(registration.mobile)
    return TemplateResponse(
        request,
        "events/registration/admin/event.html",
        {
            "event": event,
            "pools": pools_for(event),
            "registrations": page,
            "personal": personal,
            "may_check_in": may_check_in,
            "form": form,
            **registrations.aggregate(
                confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
                waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
                attended=Count("pk", filter=Q(attended_at__isnull=False)),
            ),
        },
    )


def export(request, page_id, file_format):
    event = _event_or_403(request, page_id)
    rows = exports.export_rows(event, with_personal_data=can_see_personal_data(request.user))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"registrations-{event.slug}-{stamp}"
    if file_format == "csv":
        response = HttpResponse(exports.as_csv(rows), content_type="text/csv; charset=utf-8")
    elif file_format == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(rows, _("Registrations")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response
