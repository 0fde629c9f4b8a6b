"""Public views of the pledge. The ``PledgePage`` routes delegate here with the page; the
short verification URL ``/v/<number>/`` is ``pledges.verification``."""

from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from integrity_site.core.credit_checks import credit_profile_linker
from integrity_site.core.credit_code import is_valid_credit_code, normalize_credit_code
from integrity_site.core.fresh_forms import refill_initial
from integrity_site.core.links import absolute_url
from integrity_site.core.pagination import paginate
from integrity_site.core.ratelimit import hit

from . import services
from .feeds import register_json_page
from .forms import PledgeForm, RegisterFilterForm, WithdrawForm
from .qr import qr_svg
from .records import Pledge, PledgeState
from .texts import current_text_revision, signed_text

REGISTER_PAGE_SIZE = 20
# The signed text with its version number, in the query that reads the pledge.
SIGNED_TEXT_RELATED = ["text_revision", "text_revision__pledge_text_version"]

# What the register and certificate read: public business details only, never personal data.
PUBLIC_FIELDS = [
    "pk",
    "number",
    "state",
    "merchant_name",
    "credit_code",
    "entity_kind",
    "industry",
    "confirmed_at",
    "subdistrict",
    "address",
    "approved_at",
    "valid_until",
    "closed_at",
    "text_revision_id",
]


def route_url(page, name, *args):
    return page.url + page.reverse_subpage(name, args=list(args))


def certificate_url(page, pledge):
    return route_url(page, "certificate", pledge.number) if page else ""


def _outcome(request, page, title, message, status=200, **extra):
    """A friendly page for every outcome that is not the normal path."""
    response = page.render(
        request,
        template="pledges/outcome.html",
        context_overrides={
            "outcome_title": title,
            "outcome_message": message,
            "sign_url": page.url,
            **extra,
        },
    )
    return _with_status(response, status)


def _with_status(response, status):
    response.status_code = status
    return response


def _active_pledge_outcome(request, page, existing):
    """The code's approved pledge is in force. (Confirmed ones waiting for review never block a
    code: anybody can confirm with their own e-mail address.)"""
    return _outcome(
        request,
        page,
        _("This code already has an active pledge"),
        _(
            "The unified social credit code you entered already has an approved integrity pledge in "
            "the register. A merchant keeps one pledge in force at a time. If it is not yours, "
            "please contact the credit office."
        ),
        certificate_link=certificate_url(page, existing)
        if existing and existing.state == PledgeState.APPROVED
        else "",
    )


# --- signing --------------------------------------------------------------------------


def sign(request, page):
    text_revision = current_text_revision()
    context = {"pledge_text": signed_text(text_revision) if text_revision else None}
    if request.method != "POST":
        # What was typed, when the form came back for a security token (core.fresh_forms); the
        # text version is the one shown now.
        form = PledgeForm(
            initial={**refill_initial(request), "text_version": text_revision.pk if text_revision else None}
        )
        return page.render(request, context_overrides={**context, "form": form})
    if text_revision is None:
        return _outcome(
            request,
            page,
            _("Signing is not open"),
            _("No pledge text has been published yet. Please come back later."),
        )
    form = PledgeForm(request.POST)
    if form.is_bot:
        # Bots learn nothing: the same answer as a real submission, and nothing stored or sent.
        return page.render(request, template="pledges/sent.html", context_overrides={"email": ""})
    if not hit(request, "pledge_sign").allowed:
        return _with_status(
            page.render(request, context_overrides={**context, "form": form, "rate_limited": True}), 429
        )
    if not form.is_valid() or not form.check_text_version(text_revision):
        return page.render(request, context_overrides={**context, "form": form})
    data = form.pledge_data()
    existing = services.approved_pledge_for_code(data["credit_code"])
    if existing is not None:
        return _active_pledge_outcome(request, page, existing)
    if not hit(request, "pledge_code", identity=data["credit_code"]).allowed:
        return _with_status(
            page.render(request, context_overrides={**context, "form": form, "rate_limited": True}), 429
        )
    pledge = services.submit_pledge(data, text_revision)
    site = page.get_site()
    services.send_confirmation_email(
        pledge,
        confirm_url=absolute_url(route_url(page, "confirm", services.confirmation_token(pledge)), site),
        withdraw_url=absolute_url(route_url(page, "withdraw", services.withdrawal_token(pledge)), site),
    )
    return page.render(request, template="pledges/sent.html", context_overrides={"email": pledge.email})


def confirm(request, page, token):
    """GET shows a button, POST confirms: mail scanners that open links do not confirm pledges."""
    if not hit(request, "private_link").allowed:
        return _outcome(
            request, page, _("Too many attempts"), _("Please try again in a few minutes."), status=429
        )
    try:
        pledge = services.pledge_for_confirmation_token(token)
    except signing.SignatureExpired:
        return _outcome(
            request,
            page,
            _("This link has expired"),
            _("Confirmation links work for a limited time. Please sign the pledge again."),
            sign_again=True,
            status=410,
        )
    except (signing.BadSignature, Pledge.DoesNotExist):
        return _outcome(
            request,
            page,
            _("This link is not valid"),
            _("Please copy the whole link from the e-mail, or sign the pledge again."),
            sign_again=True,
            status=404,
        )
    if pledge.state != PledgeState.SUBMITTED:
        return _state_outcome(request, page, pledge)
    if request.method == "POST":
        try:
            services.confirm_pledge(pledge)
        except services.ActivePledgeExists as error:
            return _active_pledge_outcome(request, page, error.existing)
        except services.TransitionError:
            return _state_outcome(request, page, pledge)
        return _outcome(
            request,
            page,
            _("Thank you: your pledge is confirmed"),
            _(
                "The credit office reviews it now. Once it is approved, it appears in the register "
                "with its certificate."
            ),
        )
    return page.render(
        request,
        template="pledges/confirm.html",
        context_overrides={"pledge": pledge, "text": signed_text(pledge.text_revision)},
    )


def _state_outcome(request, page, pledge):
    """What a private link shows once the pledge has moved on (e.g. a second click)."""
    messages = {
        PledgeState.CONFIRMED: (
            _("Your pledge is already confirmed"),
            _("The credit office reviews it now."),
        ),
        PledgeState.APPROVED: (_("Your pledge is approved"), _("Its certificate is in the register.")),
        PledgeState.EXPIRED: (_("This pledge has expired"), _("You are welcome to sign a new pledge.")),
        PledgeState.REVOKED: (
            _("This pledge was revoked"),
            _("The credit office revoked it. Please contact the office for details."),
        ),
        PledgeState.WITHDRAWN: (_("This pledge was withdrawn"), _("You are welcome to sign a new pledge.")),
    }
    title, message = messages.get(pledge.state, (_("Nothing to do"), ""))
    return _outcome(
        request,
        page,
        title,
        message,
        certificate_link=certificate_url(page, pledge) if pledge.state == PledgeState.APPROVED else "",
        sign_again=pledge.state in (PledgeState.EXPIRED, PledgeState.WITHDRAWN),
    )


def withdraw(request, page, token):
    if not hit(request, "private_link").allowed:
        return _outcome(
            request, page, _("Too many attempts"), _("Please try again in a few minutes."), status=429
        )
    try:
        pledge = services.pledge_for_withdrawal_token(token)
    except (signing.BadSignature, Pledge.DoesNotExist):
        return _outcome(
            request,
            page,
            _("This link is not valid"),
            _("Please copy the whole link from the e-mail."),
            status=404,
        )
    if pledge.state not in (PledgeState.SUBMITTED, PledgeState.CONFIRMED, PledgeState.APPROVED):
        return _state_outcome(request, page, pledge)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_pledge(pledge, form.cleaned_data["reason"])
        except services.TransitionError:
            return _state_outcome(request, page, pledge)
        return _outcome(
            request,
            page,
            _("Your pledge is withdrawn"),
            _("It no longer appears in the register, and its certificate shows it as withdrawn."),
        )
    return page.render(
        request, template="pledges/withdraw.html", context_overrides={"pledge": pledge, "form": form}
    )


# --- public register ------------------------------------------------------------------


def register_queryset(form):
    pledges = Pledge.objects.published().only(*PUBLIC_FIELDS).order_by("-approved_at", "-pk")
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            code = normalize_credit_code(query)
            pledges = (
                pledges.filter(credit_code=code)
                if is_valid_credit_code(code)
                else pledges.filter(Q(merchant_name__icontains=query) | Q(credit_code__startswith=code))
            )
        if form.cleaned_data["subdistrict"]:
            pledges = pledges.filter(subdistrict=form.cleaned_data["subdistrict"])
        if form.cleaned_data["industry"]:
            pledges = pledges.filter(industry=form.cleaned_data["industry"])
    return pledges


def register(request, page):
    form = RegisterFilterForm(request.GET or None)
    pledges = paginate(request, register_queryset(form), REGISTER_PAGE_SIZE)
    page_url = page.url
    profile_url = credit_profile_linker()
    return page.render(
        request,
        template="pledges/register.html",
        context_overrides={
            "filter_form": form,
            "pledges": pledges,
            "rows": [
                (
                    pledge,
                    page_url + page.reverse_subpage("certificate", args=[pledge.number]),
                    profile_url(pledge.credit_code),
                )
                for pledge in pledges
            ],
            "json_url": route_url(page, "register_json"),
            "feed_url": route_url(page, "feed"),
        },
    )


def register_json(request, page):
    form = RegisterFilterForm(request.GET or None)
    paginator = Paginator(register_queryset(form).select_related(*SIGNED_TEXT_RELATED), 100)
    return JsonResponse(
        register_json_page(request, page, paginator), json_dumps_params={"ensure_ascii": False}
    )


# --- certificate and verification -----------------------------------------------------


def certificate(request, page, number):
    pledge = (
        Pledge.objects.filter(number=number.upper())
        .select_related(*SIGNED_TEXT_RELATED)
        .only(
            *PUBLIC_FIELDS,
            "text_revision__id",
            "text_revision__content",
            "text_revision__created_at",
            "text_revision__pledge_text_version__number",
        )
        .first()
    )
    if (
        pledge is None
        or pledge.state
        not in (PledgeState.APPROVED, PledgeState.EXPIRED, PledgeState.REVOKED, PledgeState.WITHDRAWN)
        or pledge.approved_at is None
    ):
        raise Http404
    verification_url = absolute_url(pledge.verification_path, page.get_site())  # the QR code
    return page.render(
        request,
        template="pledges/certificate.html",
        context_overrides={
            "pledge": pledge,
            "text": signed_text(pledge.text_revision),
            "verification_url": verification_url,
            "qr_code": qr_svg(verification_url),
            "credit_profile_url": credit_profile_linker()(pledge.credit_code),
        },
    )
