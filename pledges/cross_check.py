"""Pledges and the publicity data feed (联合奖惩): active pledges are cross-check subjects, the
review screen asks the feed about one credit code, and a merchant's credit profile lists its
current approved pledge. The feed is another part's: this module asks it, and tells it about
pledges, only through integrity_site.core.credit_checks (registered in pledges/wagtail_hooks.py)."""

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from integrity_site.core.credit_checks import (
    REVOKED_PLEDGE,
    CheckedItem,
    Finding,
    MatchedBy,
    ProfileItem,
    check_credit,
)
from integrity_site.core.credit_code import normalize_credit_code

from .models import PledgePage
from .records import Pledge, PledgeState


def check_pledge(pledge):
    """What the review screen shows: a CreditCheck of the pledge's code and name (or that no feed
    has been imported)."""
    return check_credit(credit_code=pledge.credit_code, name=pledge.merchant_name)


def _review_url(pk):
    try:
        return reverse("wagtailsnippets_pledges_pledge:inspect", args=[pk])
    except NoReverseMatch:
        return ""


def active_pledges():
    """The CheckedItems of the daily cross-check: every active pledge."""
    for pledge in Pledge.objects.active().only("pk", "merchant_name", "credit_code").iterator():
        yield CheckedItem(
            pk=pledge.pk,
            label=pledge.merchant_name,
            credit_code=pledge.credit_code,
            name=pledge.merchant_name,
            url=_review_url(pledge.pk),
            section=PledgePage.editor_section,
        )


def current_pledges_for_code(credit_code, today=None):
    """Approved pledges of the code that are still valid (also before `expire_pledges` has run)."""
    return current_pledges_for_codes([credit_code], today)


def current_pledges_for_codes(credit_codes, today=None):
    """Approved pledges of any of the codes that are still valid, newest approval first."""
    today = today or timezone.localdate()
    return (
        Pledge.objects.published()
        .filter(credit_code__in=credit_codes)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        # Public business details only: the signer's personal data never leaves the admin.
        .only("pk", "number", "merchant_name", "credit_code", "approved_at", "valid_until")
        .order_by("-approved_at", "-pk")
    )


def _local_date(value):
    return date_format(value, "DATE_FORMAT") if value else ""


def credit_profile_item(pledge):
    detail = gettext("Certificate %(number)s · approved on %(approved)s · valid until %(valid_until)s") % {
        "number": pledge.number,
        "approved": _local_date(
            timezone.localtime(pledge.approved_at).date() if pledge.approved_at else None
        ),
        "valid_until": _local_date(pledge.valid_until),
    }
    return ProfileItem(label=pledge.merchant_name, detail=detail, url=pledge.verification_path)


def pledges_section(credit_code):
    """The credit profile's section of pledges: the current approved pledges of the code."""
    return _("Integrity pledges"), [
        credit_profile_item(pledge) for pledge in current_pledges_for_code(credit_code)
    ]


def revoked_pledges_of(parties):
    """For each ``(credit_code, name)``, the revoked pledges of the code as Findings: a merchant
    whose pledge the office revoked is weighed again before any honour or new approval."""
    codes = {normalize_credit_code(code) for code, _name in parties if code}
    revoked = {}
    for pledge in Pledge.objects.filter(credit_code__in=codes, state=PledgeState.REVOKED).order_by(
        "-closed_at", "pk"
    ):
        closed = timezone.localtime(pledge.closed_at).date() if pledge.closed_at else None
        revoked.setdefault(pledge.credit_code, []).append(
            Finding(
                kind=REVOKED_PLEDGE,
                document_number=pledge.number or str(pledge.pk),
                authority=pledge.closing_reason,
                decision_date=closed,
                publicity_until=None,
                matched_by=MatchedBy.CREDIT_CODE,
                record_id=pledge.pk,
            )
        )
    return [revoked.get(normalize_credit_code(code), []) if code else [] for code, _name in parties]
