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

``CREDIT_PROFILE_URL_HOOK``
    The part that shows credit profiles: a function without arguments returning a function
    ``(credit_code) -> path`` of that code's public credit profile in the active language, or None
    when there is no profile page. Other parts link merchants' codes to it (register, certificate).

``CREDIT_COMMITMENT_URL_HOOK``
    The part where merchants make a credit commitment (the integrity pledge): a function without
    arguments returning the path of that page in the active language, or None. Credit repair asks
    for a commitment, so the publicity part links to it.

``CREDIT_CHECKED_CONTENT_HOOK``
    A function taking a page (or other object under moderation) and returning the CheckedItems of
    the parties it names, or None when the object is not of its kind: the credit check step of
    moderation (``CreditCheckTask``) checks them.

``CREDIT_STANDING_HOOK``
    A function taking the same list of ``(credit_code, name)`` pairs and returning, for each, the
    Findings that part holds against the party (the pledges part: its revoked pledges, by credit
    code); ``check_credits`` adds them to the feed's CreditCheck, so that every credit check
    (moderation, pledge approval) weighs them.

``CREDIT_FEED_HOOK``
    The part that holds the feed: a function taking a list of ``(credit_code, name)`` pairs and
    returning a CreditCheck for each, in order (a few queries for any number of parties). One is
    expected (the publicity part's); if several are registered, the first in hook order answers.

The site search's merchant cards have their hook beside these, in ``merchant_search``
(``SEARCH_MERCHANT_HOOK``): the feed and the register find merchants for a query, and each part
says what it knows of them.

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
CREDIT_CHECKED_CONTENT_HOOK = "register_credit_checked_content"
CREDIT_STANDING_HOOK = "register_credit_standing"
CREDIT_PROFILE_URL_HOOK = "register_credit_profile_url"
CREDIT_COMMITMENT_URL_HOOK = "register_credit_commitment_url"


@dataclasses.dataclass(frozen=True)
class CheckedItem:
    """Something the cross-check watches: a pledge, an honour entry…"""

    pk: int
    label: str
    credit_code: str = ""
    name: str = ""
    url: str = ""
    # The editorial section (core.sections) whose editors follow up a hit on it.
    section: str = ""


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


# The kind of a Finding that is not a feed record: an integrity pledge the office revoked.
REVOKED_PLEDGE = "revoked_pledge"


@dataclasses.dataclass(frozen=True)
class Finding:
    """One record (of the feed, or a revoked pledge: ``REVOKED_PLEDGE``) that speaks against a
    party, and when."""

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
    """What the site knows against one party: its current penalties and dishonest-debtor records
    in the feed, its revoked integrity pledges, and whether any feed was imported at all (without
    one, no hits mean nothing)."""

    penalties: list
    dishonest: list
    feed_imported: bool = True
    revoked_pledges: list = dataclasses.field(default_factory=list)

    @property
    def has_hits(self):
        return bool(self.penalties or self.dishonest or self.revoked_pledges)

    @property
    def findings(self):
        return [*self.dishonest, *self.penalties, *self.revoked_pledges]

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
    return check_credits([(credit_code, name)])[0]


def check_credits(parties):
    """A CreditCheck for each ``(credit_code, name)`` of ``parties``, in order: the feed's
    provider's, with what other parts hold against each party (``CREDIT_STANDING_HOOK``)."""
    parties = list(parties)
    checks = None
    for provider in hooks.get_hooks(CREDIT_FEED_HOOK):
        checks = provider(parties)
        break
    if checks is None:
        checks = [CreditCheck.no_feed() for _party in parties]
    for hook in hooks.get_hooks(CREDIT_STANDING_HOOK):
        for check, findings in zip(checks, hook(parties), strict=True):
            check.revoked_pledges.extend(findings)
    return checks


def credit_profile_linker():
    """A function ``(credit_code) -> path`` of the code's public credit profile ("" for no code),
    from the part that shows profiles; one that always answers "" when none does. Made once per
    page, so that a list of merchants costs one look-up of the profile page."""
    for hook in hooks.get_hooks(CREDIT_PROFILE_URL_HOOK):
        link = hook()
        if link is not None:
            return lambda credit_code: link(credit_code) if credit_code else ""
    return lambda credit_code: ""


def credit_commitment_url():
    """The path of the page where a merchant makes a credit commitment, or "" when none is live."""
    for hook in hooks.get_hooks(CREDIT_COMMITMENT_URL_HOOK):
        url = hook()
        if url:
            return url
    return ""


def checked_parties(obj):
    """The parties (CheckedItems) that ``obj`` names, from every part that knows ``obj``'s kind:
    a hook function takes the object and returns its CheckedItems, or None when it is not its kind."""
    parties = []
    for hook in hooks.get_hooks(CREDIT_CHECKED_CONTENT_HOOK):
        parties.extend(hook(obj) or [])
    return parties
