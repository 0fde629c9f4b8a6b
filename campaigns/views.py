"""Thin views of initiative signing: the campaign page with its signing panel, the signer's
private link (place, share, withdraw) and the partners' JSON of counts."""

from django.http import HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from integrity_site.core import ratelimit
from integrity_site.core.fresh_forms import refill_initial
from integrity_site.core.links import absolute_url
from integrity_site.core.models import personal_data_retention_days
from integrity_site.core.privacy import mask_name
from integrity_site.events.records import Venue

from . import signing
from .forms import SignatureForm, WithdrawSignatureForm


def _since(moment, now):
    """ "3 分钟前", or "刚刚" within the first minute."""
    if (now - moment).total_seconds() < 60:
        return _("just now")
    return _("%(since)s ago") % {"since": timesince(moment, now, depth=1)}


def signing_panel(request, page, campaign=None, form=None, message=""):
    """What the campaign page shows about signing; None when the campaign has no signing."""
    campaign = campaign or signing.signing_campaign(page)
    state = signing.signing_state(campaign)
    if state == "off":
        return None
    now = timezone.now()
    text = signing.current_text(campaign)
    if form is None and state == "open":
        # What was typed, when the form came back for a security token (core.fresh_forms).
        form = SignatureForm(initial=refill_initial(request))
    online = signing.online_count(campaign)
    offline = signing.offline_count(campaign)
    count = online + offline
    goal = campaign.signature_goal
    areas = signing.breakdown(campaign)
    largest = max((area.total for area in areas), default=0)
    latest = [
        {
            "name": mask_name(signature.name),
            "community": signature.community or signature.subdistrict,
            "since": _since(signature.created_at, now),
        }
        for signature in signing.latest_signers(campaign)
    ]
    messages = []
    if campaign.show_signer_messages:
        messages = [
            {
                "name": mask_name(signature.name),
                "community": signature.community or signature.subdistrict,
                "message": signature.message,
                "since": _since(signature.created_at, now),
            }
            for signature in signing.approved_messages(campaign)
        ]
    return {
        "state": state,
        "opens_at": campaign.signing_opens_at,
        "closes_at": signing.closing_moment(campaign),
        "text": text,
        "count": count,
        "online": online,
        "offline": offline,
        "goal": goal,
        "goal_percent": min(100, count * 100 // goal) if goal else None,
        "areas": areas,
        "largest_area": largest,
        "latest": latest,
        "messages": messages,
        "form": form,
        "message": message,
        "communities": _communities(),
        "retention_days": personal_data_retention_days(Site.find_for_request(request)),
        "json_url": page.url + page.reverse_subpage("signatures_json"),
        "feed_url": page.url + page.reverse_subpage("signatures_feed"),
    }


def _communities():
    """Suggestions for the community field: the communities of the site's venues."""
    return list(
        Venue.objects.exclude(community="")
        .order_by("community")
        .values_list("community", flat=True)
        .distinct()
    )


def _render(request, page, status=200, **panel):
    response = page.render(request, context_overrides={"signing": signing_panel(request, page, **panel)})
    response.status_code = status
    return response


def private_link(page, signature):
    return page.url + page.reverse_subpage("signature", args=[signature.pk, signature.access_token])


def campaign(request, page):
    if request.method != "POST":
        return _render(request, page)
    campaign = signing.signing_campaign(page)
    form = SignatureForm(request.POST)
    limit = ratelimit.hit(request, "sign")
    if not limit.allowed:
        form.is_valid()  # keep what was typed; nothing is saved
        message = _("Too many signatures from your network. Please try again in %(minutes)s minutes.") % {
            "minutes": limit.retry_after_minutes
        }
        return _render(request, page, status=429, campaign=campaign, form=form, message=message)
    if form.is_bot:
        form.is_valid()
        form.add_error(None, _("Your signature could not be sent. Please try again."))
        return _render(request, page, status=400, campaign=campaign, form=form)
    if not form.is_valid():
        return _render(request, page, campaign=campaign, form=form)
    data = form.cleaned_data
    limit = ratelimit.hit(request, "sign_mobile", identity=data["mobile"])
    if not limit.allowed:
        message = _("Too many attempts with this mobile number. Please try again in %(minutes)s minutes.") % {
            "minutes": limit.retry_after_minutes
        }
        return _render(request, page, status=429, campaign=campaign, form=form, message=message)
    result = signing.sign(
        page,
        campaign=campaign,
        name=data["name"],
        subdistrict=data["subdistrict"],
        community=data["community"],
        mobile=data["mobile"],
        message=data["message"],
        consent=data["consent"],
        client_address=ratelimit.client_address(request) or None,
        submission_token=data["submission_token"],
        language=get_language() or "",
    )
    if result.outcome in (signing.Outcome.SIGNED, signing.Outcome.ALREADY_SUBMITTED):
        return HttpResponseRedirect(private_link(page, result.signature), status=303)
    if result.outcome == signing.Outcome.DUPLICATE:
        form.add_error(
            "mobile",
            _(
                "This mobile number has already signed this initiative. If it was not you, please "
                "contact the organisers."
            ),
        )
        return _render(request, page, status=409, campaign=campaign, form=form)
    messages = {
        signing.Outcome.NOT_OPEN: _("Signing has not opened yet. Nothing was recorded."),
        signing.Outcome.CLOSED: _("Signing has closed. Nothing was recorded."),
        signing.Outcome.NO_TEXT: _("The initiative text is not published yet. Nothing was recorded."),
    }
    return _render(request, page, status=409, campaign=campaign, form=form, message=messages[result.outcome])


def signature(request, page, pk, token):
    """The signer's private page: their place, the page to share, the withdrawal."""
    found = signing.find_signature(pk, token)
    if found is None or found.anonymised_at:
        status, rate_limited = ratelimit.wrong_private_link(request)
        response = page.render(
            request,
            template="campaigns/signing/unknown.html",
            context_overrides={"rate_limited": rate_limited},
        )
        response.status_code = status
        add_never_cache_headers(response)
        return response
    if found.place is None:  # its numbering after the commit failed: numbered now
        signing.number_signatures(found.campaign_id)
        found.refresh_from_db(fields=["place"])
    form = WithdrawSignatureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        signing.withdraw(found)
        return HttpResponseRedirect(request.path, status=303)
    site = page.get_site()
    response = page.render(
        request,
        template="campaigns/signing/signature.html",
        context_overrides={
            "signature": found,
            "masked_name": mask_name(found.name),
            "withdraw_form": form,
            "private_url": absolute_url(request.path, site),
            "count": signing.total_count(found.campaign),
        },
    )
    # Personal and behind a secret link: never kept by a shared cache.
    add_never_cache_headers(response)
    return response


def signatures_json(request, page):
    """Partners: the campaign's count and its totals per subdistrict and community. No one's name."""
    campaign = signing.signing_campaign(page)
    online = signing.online_count(campaign)
    offline = signing.offline_count(campaign)
    closes = signing.closing_moment(campaign)
    data = {
        "campaign": page.title,
        "url": absolute_url(page.url, page.get_site()),
        "state": signing.signing_state(campaign),
        "opens_at": campaign.signing_opens_at.isoformat() if campaign.signing_opens_at else None,
        "closes_at": closes.isoformat() if closes else None,
        "goal": campaign.signature_goal,
        "count": online + offline,
        "online": online,
        "offline": offline,
        "subdistricts": [
            {
                "subdistrict": area.subdistrict,
                "count": area.total,
                "online": area.online,
                "offline": area.offline,
                "communities": [
                    {"community": name, "online": counts[0], "offline": counts[1]}
                    for name, counts in sorted(area.communities.items())
                ],
            }
            for area in signing.breakdown(campaign)
        ],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
