"""Pledges and the publicity data feed (联合奖惩): active pledges are cross-check subjects, and
the review screen asks the feed about one credit code."""

import dataclasses

from django.urls import NoReverseMatch, reverse

from .models import Pledge

try:  # the publicity part owns the feed; the pledge part works without it
    from publicity import cross_check as publicity_cross_check
    from publicity.models import PublicityRecord
except ImportError:  # pragma: no cover - only when the publicity app is not installed
    publicity_cross_check = None
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
