"""Thin views: the registration form on an event page and the private link."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from integrity_site.core import ratelimit
from integrity_site.core.fresh_forms import refill_initial
from integrity_site.core.links import absolute_url
from integrity_site.core.models import SiteSettings, personal_data_retention_days
from integrity_site.core.privacy import mask_name

from .forms import RegistrationForm
from .records import RegistrationStatus
from .services import (
    CancelOutcome,
    Outcome,
    cancel,
    find_registration,
    pools_for,
    register,
    registration_event,
    registration_state,
    registration_window,
    waiting_position,
)


def registration_panel(request, page, form=None, message="", offer_waiting_list=False, event=None):
    """What the event page shows about registration: state, seats left, the form. Nothing for
    an event that has ended: its page shows the recap instead, so the seats are not counted."""
    if not page.registration_enabled or not page.is_upcoming:
        return None
    event = event or registration_event(page)
    state = registration_state(event)
    pools = pools_for(page, event)
    if form is None and state == "open":
        # What was typed, when the form came back for a security token (core.fresh_forms).
        form = RegistrationForm(
            pools=pools, max_companions=event.max_companions, initial=refill_initial(request)
        )
    opens, closes = registration_window(event)
    limited = [pool for pool in pools if pool.capacity is not None]
    return {
        "state": state,
        "opens_at": opens,
        "closes_at": closes,
        "pools": pools,
        "has_roles": len(pools) > 1,
        "seats_left": sum(pool.seats_left for pool in limited) if len(limited) == len(pools) else None,
        "form": form,
        "message": message,
        "offer_waiting_list": offer_waiting_list,
        "retention_days": personal_data_retention_days(Site.find_for_request(request)),
    }


def _render_page(request, page, status=200, **panel):
    """The event page again, with the bound form and a message."""
    response = page.render(request, registration=registration_panel(request, page, **panel))
    response.status_code = status
    return response


def private_link(registration):
    return reverse("registration_detail", args=[registration.code, registration.access_token])


def duplicate_mobile_message(request):
    """The answer when the number is already registered for the event. No SMS code proves whose
    number it is, so anybody may have typed it: the resident it belongs to learns how to have a
    registration they did not make cancelled (an editor cancels it), with the office's telephone
    from the site settings when there is one."""
    message = _(
        "This mobile number cannot be registered for this event again. "
        "If you registered before, open the private link you were given."
    )
    phone = SiteSettings.for_request(request).phone
    if phone:
        advice = _(
            "If you did not register with this number, please call the organisers at %(phone)s: "
            "they cancel the registration so that you can register."
        ) % {"phone": phone}
    else:
        advice = _(
            "If you did not register with this number, please contact the organisers: they cancel "
            "the registration so that you can register."
        )
    return f"{message} {advice}"


def submit_registration(request, page):
    event = registration_event(page)
    pools = pools_for(page, event)
    form = RegistrationForm(request.POST, pools=pools, max_companions=event.max_companions)
    limit = ratelimit.hit(request, "register")
    if not limit.allowed:
        form.is_valid()  # keep what was typed; nothing is saved
        message = _(
            "Too many registration attempts from your network. Please try again in %(minutes)s minutes."
        ) % {"minutes": limit.retry_after_minutes}
        return _render_page(request, page, status=429, form=form, message=message)
    if form.is_bot:
        form.is_valid()
        form.add_error(None, _("Your registration could not be sent. Please try again."))
        return _render_page(request, page, status=400, form=form)
    if not form.is_valid():
        return _render_page(request, page, status=200, form=form)

    result = register(
        page,
        name=form.cleaned_data["name"],
        mobile=form.cleaned_data["mobile"],
        companions=form.cleaned_data.get("companions", 0),
        role_key=form.role_key,
        join_waiting_list=form.cleaned_data["join_waiting_list"],
        submission_token=form.cleaned_data["submission_token"],
        language=get_language() or "",
        event=event,
    )
    if result.outcome in (Outcome.CONFIRMED, Outcome.WAITING, Outcome.ALREADY_SUBMITTED):
        return HttpResponseRedirect(private_link(result.registration), status=303)
    if result.outcome == Outcome.FULL:
        message = _(
            "There are no places left. You can join the waiting list: if someone cancels, "
            "the first person waiting gets the place."
        )
        return _render_page(request, page, status=409, form=form, message=message, offer_waiting_list=True)
    if result.outcome == Outcome.DUPLICATE:
        form.add_error("mobile", duplicate_mobile_message(request))
        return _render_page(request, page, status=409, form=form)
    if result.outcome == Outcome.UNKNOWN_ROLE:
        form.add_error("role", _("This role is no longer offered. Please choose another."))
        return _render_page(request, page, status=409, form=form)
    # Not open yet, or closed: the panel says which.
    return _render_page(request, page, status=409, form=form)


@require_http_methods(["GET", "POST"])
def registration_detail(request, code, token):
    registration = find_registration(code, token)
    if registration is None:
        status, rate_limited = ratelimit.wrong_private_link(request)
        return render(
            request, "events/registration/unknown.html", {"rate_limited": rate_limited}, status=status
        )
    if registration.anonymised_at:
        return render(request, "events/registration/unknown.html", {"expired": True}, status=410)

    event = registration.event.specific
    page = event.localized  # the event in the visitor's language, where translated
    if request.method == "POST":
        outcome, _promoted = cancel(registration)
        if outcome == CancelOutcome.CANCELLED:
            messages.success(request, _("Your registration has been cancelled."))
        elif outcome == CancelOutcome.ALREADY_CANCELLED:
            messages.info(request, _("This registration was already cancelled."))
        else:
            messages.error(request, _("The event has started; registrations can no longer be cancelled."))
        return HttpResponseRedirect(request.path, status=303)

    role_label = next(
        (pool.label for pool in pools_for(page, event) if pool.key == registration.role_key), ""
    )
    response = TemplateResponse(
        request,
        "events/registration/detail.html",
        {
            "registration": registration,
            "event": page,
            "role_label": role_label or registration.role_name,
            "masked_name": mask_name(registration.name),
            "waiting_position": waiting_position(registration),
            "can_cancel": registration.is_active and event.is_upcoming and not event.start_at_passed,
            "is_confirmed": registration.status == RegistrationStatus.CONFIRMED,
            "is_waiting": registration.status == RegistrationStatus.WAITING,
            "is_cancelled": registration.status == RegistrationStatus.CANCELLED,
            "private_url": absolute_url(request.path, page.get_site()),  # to keep: the configured host
        },
    )
    # Personal and behind a secret link: never kept by a shared cache.
    add_never_cache_headers(response)
    return response
