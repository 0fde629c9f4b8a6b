"""The short address printed as a QR code on certificates, ``/v/<number>/``: a plain Django view
(outside the page tree) that says whether a pledge is valid, expired or revoked."""

from django.shortcuts import render
from wagtail.models import Locale

from integrity_site.core.credit_checks import credit_profile_linker

from .models import pledge_page
from .records import Pledge
from .texts import version_number
from .views import PUBLIC_FIELDS, SIGNED_TEXT_RELATED, certificate_url, route_url


def verify(request, number):
    """The short address the QR code points to: is this pledge valid, expired or revoked?"""
    pledge = (
        Pledge.objects.filter(number=number.upper())
        .select_related(*SIGNED_TEXT_RELATED)
        .only(*PUBLIC_FIELDS, "text_revision__created_at", "text_revision__pledge_text_version__number")
        .first()
    )
    if pledge is not None and pledge.approved_at is None:
        pledge = None  # never approved: nothing to verify in public
    page = pledge_page(Locale.get_active())
    response = render(
        request,
        "pledges/verify.html",
        {
            "pledge": pledge,
            "number": number,
            "certificate_link": certificate_url(page, pledge) if page and pledge else "",
            "register_link": route_url(page, "register") if page else "",
            "text_version": version_number(pledge.text_revision) if pledge else None,
            "credit_profile_url": credit_profile_linker()(pledge.credit_code) if pledge else "",
        },
    )
    if pledge is None:
        response.status_code = 404
    return response
