"""The pledge text as signed: read from a published revision of the ``PledgeText`` snippet."""

import dataclasses
import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Max

from .records import PledgeText, PledgeTextVersion


@dataclasses.dataclass(frozen=True)
class SignedText:
    revision_id: int
    published_at: datetime.datetime
    title: str
    reason: str
    commitment: str  # rich text (HTML in Wagtail's internal format)
    liability: str
    version: int  # 1, 2 … per pledge text, in the order its revisions were published


def signed_text(revision):
    """The text of one revision, straight from its stored content: no further queries,
    so that a listing of thousands of pledges costs no more queries than one of ten."""
    content = revision.content or {}
    return SignedText(
        revision_id=revision.pk,
        published_at=revision.created_at,
        title=content.get("title", ""),
        reason=content.get("reason", ""),
        commitment=content.get("commitment", ""),
        liability=content.get("liability", ""),
        version=version_number(revision),
    )


def version_number(revision):
    """The version number of a published revision of a pledge text. Read with the revision when
    it was loaded with ``select_related("pledge_text_version")``; numbered now if it has none yet."""
    try:
        return revision.pledge_text_version.number
    except ObjectDoesNotExist:
        return number_version(revision).number


def number_version(revision):
    """Give a published revision of a pledge text the next version number of its text (once)."""
    for _attempt in range(3):
        existing = PledgeTextVersion.objects.filter(revision=revision).first()
        if existing is not None:
            return existing
        text_id = int(revision.object_id)
        last = PledgeTextVersion.objects.filter(text_id=text_id).aggregate(last=Max("number"))["last"]
        try:
            with transaction.atomic():
                return PledgeTextVersion.objects.create(
                    text_id=text_id, revision=revision, number=(last or 0) + 1
                )
        except IntegrityError:
            continue  # another publication took the number (or numbered this revision) meanwhile
    raise RuntimeError(f"Could not number revision {revision.pk} of pledge text {revision.object_id}.")


def number_published_text(sender, instance, revision=None, **kwargs):
    """``wagtail.signals.published``: each publication of a pledge text is its next version."""
    if revision is not None:
        number_version(revision)


def current_text_revision():
    """The revision of the live pledge text that merchants sign now, or None if there is none."""
    text = (
        PledgeText.objects.filter(live=True, live_revision__isnull=False)
        .select_related("live_revision")
        .order_by("-last_published_at", "-pk")
        .first()
    )
    return text.live_revision if text else None
