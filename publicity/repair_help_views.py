"""Thin views of credit-repair help on the publicity page: the form (prefilled from a penalty
record's link) and the confirmation with the reference number. Neither is ever cached: the form
carries the visitor's tokens, the confirmation the request."""

from django.http import HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from integrity_site.core import ratelimit
from integrity_site.core.fresh_forms import refill_initial
from integrity_site.core.models import personal_data_retention_days
from integrity_site.core.privacy import mask_phone
from publicity import repair_help
from publicity.repair_help_forms import RepairHelpForm

# What a penalty's link may fill in (``includes/repair_help_link.html``), by query parameter.
PREFILL = {"record": "document_number", "name": "merchant_name", "code": "credit_code"}


def _prefill(request):
    initial = {field: request.GET.get(parameter, "")[:128] for parameter, field in PREFILL.items()}
    return {key: value for key, value in initial.items() if value}


def _render(request, page, form, status=200, message=""):
    response = page.render(
        request,
        template="publicity/repair_help/form.html",
        context_overrides={
            "form": form,
            "message": message,
            "contact_days": repair_help.CONTACT_WORKING_DAYS,
            "retention_days": personal_data_retention_days(Site.find_for_request(request)),
        },
    )
    response.status_code = status
    add_never_cache_headers(response)
    return response


def confirmation_url(page, help_request):
    return page.url + page.reverse_subpage(
        "repair_help_sent", args=[help_request.reference, help_request.access_token]
    )


def repair_help_form(request, page):
    if request.method != "POST":
        return _render(
            request, page, RepairHelpForm(initial={**_prefill(request), **refill_initial(request)})
        )
    form = RepairHelpForm(request.POST)
    limit = ratelimit.hit(request, "repair_help")
    if not limit.allowed:
        form.is_valid()  # keep what was typed; nothing is saved
        message = _("Too many requests from your network. Please try again in %(minutes)s minutes.") % {
            "minutes": limit.retry_after_minutes
        }
        return _render(request, page, form, status=429, message=message)
    if form.is_bot:
        form.is_valid()
        form.add_error(None, _("Your request could not be sent. Please try again."))
        return _render(request, page, form, status=400)
    if not form.is_valid():
        return _render(request, page, form)
    data = form.cleaned_data
    limit = ratelimit.hit(request, "repair_help_mobile", identity=data["mobile"])
    if not limit.allowed:
        message = _("Too many requests with this mobile number. Please try again in %(minutes)s minutes.") % {
            "minutes": limit.retry_after_minutes
        }
        return _render(request, page, form, status=429, message=message)
    result = repair_help.submit(
        merchant_name=data["merchant_name"],
        credit_code=data["credit_code"],
        document_number=data["document_number"],
        record=form.record,
        contact_name=data["contact_name"],
        mobile=data["mobile"],
        preferred_time=data["preferred_time"],
        note=data["note"],
        consent=data["consent"],
        submission_token=data["submission_token"] or None,
        language=get_language() or "",
    )
    return HttpResponseRedirect(confirmation_url(page, result.request), status=303)


def repair_help_sent(request, page, reference, token):
    found = repair_help.find_request(reference, token)
    if found is None or found.anonymised_at:
        status, rate_limited = ratelimit.wrong_private_link(request)
        response = page.render(
            request,
            template="publicity/repair_help/unknown.html",
            context_overrides={"rate_limited": rate_limited},
        )
        response.status_code = status
    else:
        response = page.render(
            request,
            template="publicity/repair_help/sent.html",
            context_overrides={
                "help_request": found,
                "masked_mobile": mask_phone(found.mobile),
                "contact_days": repair_help.CONTACT_WORKING_DAYS,
            },
        )
    # Personal and behind a secret link: never kept by a shared cache.
    add_never_cache_headers(response)
    return response
