"""Pledges and the publicity data feed (联合奖惩): active pledges are cross-check subjects, the
review screen asks the feed about one credit code, and a merchant's credit profile lists its
current approved pledge."""

import dataclasses

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Pledge

try:  # the publicity part owns the feed; the pledge part works without it
    from publicity import cross_check as publicity_cross_check
    from publicity import queries as publicity_queries
    from publicity.records import PublicityRecord
except ImportError:  # pragma: no cover - only when the publicity app is not installed
    publicity_cross_check = None
    publicity_queries = None
    PublicityRecord = None


@dataclasses.dataclass
class FeedCheck:
    """What the review screen shows: whether any feed was imported, and what it says of the code."""

    feed_imported: bool
    penalties: list
    dishonest: list

    @property
    def has_hits(self):
        return bool(self.penalties or self.dishonest)


def check_pledge(pledge):
    if publicity_cross_check is None or not PublicityRecord.objects.exists():
        return FeedCheck(feed_imported=False, penalties=[], dishonest=[])
    result = publicity_cross_check.cross_check(credit_code=pledge.credit_code, name=pledge.merchant_name)
    return FeedCheck(feed_imported=True, penalties=result.penalties, dishonest=result.dishonest)


def _review_url(pk):
    try:
        return reverse("wagtailsnippets_pledges_pledge:inspect", args=[pk])
    except NoReverseMatch:
        return ""


if publicity_cross_check is not None:

    @publicity_cross_check.register_cross_check_subject("pledge")
    def active_pledges():
        for pledge in Pledge.objects.active().only("pk", "merchant_name", "credit_code").iterator():
            yield publicity_cross_check.CheckedItem(
                pk=pledge.pk, label=pledge.merchant_name, credit_code=pledge.credit_code,
                name=pledge.merchant_name, url=_review_url(pledge.pk),
            )


def current_pledges_for_code(credit_code, today=None):
    """Approved pledges of the code that are still valid (also before `expire_pledges` has run)."""
    today = today or timezone.localdate()
    return (
        Pledge.objects.published().filter(credit_code=credit_code)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        # Public business details only: the signer's personal data never leaves the admin.
        .only("pk", "number", "merchant_name", "approved_at", "valid_until")
        .order_by("-approved_at", "-pk")
    )


def _local_date(value):
    return date_format(value, "DATE_FORMAT") if value else ""


def credit_profile_item(pledge):
    detail = gettext("Certificate %(number)s · approved on %(approved)s · valid until %(valid_until)s") % {
        "number": pledge.number,
        "approved": _local_date(timezone.localtime(pledge.approved_at).date() if pledge.approved_at else None),
        "valid_until": _local_date(pledge.valid_until),
    }
    return publicity_queries.ProfileItem(label=pledge.merchant_name, detail=detail, url=pledge.verification_path)


if publicity_queries is not None:

    @publicity_queries.register_profile_section
    def pledges_section(credit_code):
        return _("Integrity pledges"), [credit_profile_item(pledge) for pledge in current_pledges_for_code(credit_code)]
