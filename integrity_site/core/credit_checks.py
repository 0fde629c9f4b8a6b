"""What the apps tell each other about a party's credit (联合奖惩), through Wagtail hooks.

The pledge and honour parts have parties with credit codes; the publicity part holds the feed of
penalties and dishonest judgment debtors. None of them imports another: each registers what it
has in its ``wagtail_hooks`` module, and asks through the functions below.

``CROSS_CHECK_SUBJECT_HOOK``
    A function without arguments returning ``(subject_type, items)``: ``items`` is a callable that
    yields the CheckedItems of that type the daily cross-check watches (active pledges, entries of
    live honour lists)::

        @hooks.register(credit_checks.CROSS_CHECK_SUBJECT_HOOK)
        def pledges_to_cross_check():
            return "pledge", active_pledges

``CREDIT_PROFILE_SECTION_HOOK``
    A function taking a normalised credit code and returning ``(section title, [ProfileItem, …])``
    for a merchant's credit profile page; sections without items are left out.

``CREDIT_FEED_HOOK``
    The part that holds the feed: a function ``(credit_code="", name="")`` returning a CreditCheck.
    One is expected (the publicity part's); if several are registered, the first in hook order answers.

Wagtail imports the ``wagtail_hooks`` modules on the first ``hooks.get_hooks`` call, which the
functions below make, so management commands and tests see every registration.
"""

import dataclasses
import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

CROSS_CHECK_SUBJECT_HOOK = "register_cross_check_subject"
CREDIT_PROFILE_SECTION_HOOK = "register_credit_profile_section"
CREDIT_FEED_HOOK = "register_credit_feed"


@dataclasses.dataclass(frozen=True)
class CheckedItem:
    """Something the cross-check watches: a pledge, an honour entry…"""

    pk: int
    label: str
    credit_code: str = ""
    name: str = ""
    url: str = ""


@dataclasses.dataclass
class ProfileItem:
    """One line of a section of a merchant's credit profile."""

    label: str
    detail: str = ""
    url: str = ""
    date: datetime.date = None


class MatchedBy(models.TextChoices):
    """How a record of the feed was found to concern a party."""

    CREDIT_CODE = "credit_code", _("credit code")
    NAME = "name", _("name")


@dataclasses.dataclass(frozen=True)
class Finding:
    """One record of the feed that speaks against a party, and when."""

    kind: str
    document_number: str
    authority: str
    decision_date: datetime.date
    publicity_until: datetime.date  # None for dishonest judgment debtors
    matched_by: str  # a MatchedBy value
    record_id: int

    @property
    def matched_by_label(self):
        return MatchedBy(self.matched_by).label


@dataclasses.dataclass
class CreditCheck:
    """What the feed says of one party: its current penalties and dishonest-debtor records, and
    whether any feed was imported at all (without one, no hits mean nothing)."""

    penalties: list
    dishonest: list
    feed_imported: bool = True

    @property
    def has_hits(self):
        return bool(self.penalties or self.dishonest)

    @classmethod
    def no_feed(cls):
        return cls(penalties=[], dishonest=[], feed_imported=False)


def cross_check_subjects():
    """{subject_type: callable yielding CheckedItems} of every registered cross-check subject."""
    subjects = {}
    for hook in hooks.get_hooks(CROSS_CHECK_SUBJECT_HOOK):
        subject_type, items = hook()
        if subject_type in subjects:
            raise ImproperlyConfigured(f"Cross-check subject {subject_type!r} is registered twice.")
        subjects[subject_type] = items
    return subjects


def credit_profile_sections(credit_code):
    """[(section title, [ProfileItem, …]), …] that the parts of the site know of ``credit_code``,
    in hook order, sections without items left out."""
    sections = (hook(credit_code) for hook in hooks.get_hooks(CREDIT_PROFILE_SECTION_HOOK))
    return [(title, items) for title, items in sections if items]


def check_credit(credit_code="", name=""):
    """A CreditCheck of the party from whoever provides the feed; "no feed imported" when nobody does."""
    for provider in hooks.get_hooks(CREDIT_FEED_HOOK):
        return provider(credit_code=credit_code, name=name)
    return CreditCheck.no_feed()
