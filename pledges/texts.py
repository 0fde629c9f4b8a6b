"""The pledge text as signed: read from a published revision of the ``PledgeText`` snippet."""

import dataclasses
import datetime

from .records import PledgeText


@dataclasses.dataclass(frozen=True)
class SignedText:
    revision_id: int
    published_at: datetime.datetime
    title: str
    reason: str
    commitment: str  # rich text (HTML in Wagtail's internal format)
    liability: str

    @property
    def version(self):
        return f"{self.revision_id}"


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
    )


def current_text_revision():
    """The revision of the live pledge text that merchants sign now, or None if there is none."""
    text = (
        PledgeText.objects.filter(live=True, live_revision__isnull=False)
        .select_related("live_revision")
        .order_by("-last_published_at", "-pk")
        .first()
    )
    return text.live_revision if text else None
