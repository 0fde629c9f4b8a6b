"""The life of a pledge: every change of state goes through one of these functions, which
make the change with a conditional UPDATE (so that two requests cannot both make it) and
record it in Wagtail's audit log with who and why."""

import base64
import datetime
import logging
import smtplib

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Site

from integrity_site.core import page_cache
from integrity_site.core.credit_checks import check_credit, check_credits
from integrity_site.core.credit_review import CREDIT_OVERRIDE_PERMISSION
from integrity_site.core.models import SiteSettings

from .records import ACTIVE_STATES, Pledge, PledgeState

CREDIT_OVERRIDE_ACTION = "pledges.approve_despite_credit_hits"

logger = logging.getLogger(__name__)

CONFIRMATION_SALT = "pledges.confirm"
WITHDRAWAL_SALT = "pledges.withdraw"
DEFAULT_VALIDITY_DAYS = 365


def confirmation_max_age():
    """How long a confirmation link works (seconds); unconfirmed pledges are purged after it."""
    return getattr(settings, "PLEDGE_CONFIRMATION_MAX_AGE", 48 * 3600)


class TransitionError(Exception):
    """The pledge is not in a state that allows this change (e.g. a double submission)."""

    def __init__(self, pledge, action):
        super().__init__(f"{action} is not possible for a pledge that is {pledge.state}")
        self.pledge = pledge
        self.action = action


class CreditHitsFound(Exception):
    """The publicity feed has current records of the merchant: approving needs a recorded reason."""

    def __init__(self, check):
        super().__init__("The publicity feed has records of this merchant.")
        self.check = check


class CreditOverrideRefused(CreditHitsFound):
    """A reason was given by a user without the permission to let credit hits pass."""


class ActivePledgeExists(Exception):
    """The credit code already carries an approved pledge (``existing``), which blocks the code:
    another pledge of it can be neither confirmed nor approved while that one is in force."""

    def __init__(self, existing):
        super().__init__(f"credit code already has an active pledge ({existing.number if existing else '?'})")
        self.existing = existing


# --- tokens ---------------------------------------------------------------------------


def _url_safe(signed):
    # Wagtail routes only path segments of letters, digits, "_" and "-"; signed values hold ":".
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _signed(token):
    try:
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise signing.BadSignature("not a token") from None


def confirmation_token(pledge):
    return _url_safe(signing.dumps(pledge.pk, salt=CONFIRMATION_SALT))


def withdrawal_token(pledge):
    # The number too: a token only ever names the pledge it was made for.
    return _url_safe(signing.dumps([pledge.pk, pledge.number], salt=WITHDRAWAL_SALT))


def pledge_for_confirmation_token(token):
    """The pledge the token names; ``signing.SignatureExpired`` / ``BadSignature`` on a bad token,
    ``Pledge.DoesNotExist`` once it was purged."""
    pk = signing.loads(_signed(token), salt=CONFIRMATION_SALT, max_age=confirmation_max_age())
    return Pledge.objects.get(pk=pk)


def pledge_for_withdrawal_token(token):
    pk, number = signing.loads(_signed(token), salt=WITHDRAWAL_SALT)
    return Pledge.objects.get(pk=pk, number=number)


# --- queries --------------------------------------------------------------------------


def active_pledge_for_code(credit_code):
    """A confirmed or approved pledge of the code (the demo loader's "already there")."""
    return Pledge.objects.active().filter(credit_code=credit_code).only("pk", "number", "state").first()


def approved_pledge_for_code(credit_code):
    """The approved pledge that blocks the code, if any (at most one: a unique index)."""
    return Pledge.objects.blocking().filter(credit_code=credit_code).only("pk", "number", "state").first()


def other_pledges_for_code(pledge):
    """What the review screen lists beside ``pledge``: the other pledges of its credit code that
    are waiting (submitted, confirmed) or in force (approved), oldest first."""
    return (
        Pledge.objects.filter(
            credit_code=pledge.credit_code,
            state__in=[PledgeState.SUBMITTED, PledgeState.CONFIRMED, PledgeState.APPROVED],
        )
        .exclude(pk=pledge.pk)
        .order_by("created_at", "pk")
    )


def validity_days(site=None):
    """How long an approved pledge is valid: the site settings of ``site`` or of the default site."""
    site = site or Site.objects.filter(is_default_site=True).first()
    days = SiteSettings.for_site(site).pledge_validity_days if site else None
    return days or DEFAULT_VALIDITY_DAYS


# --- submission -----------------------------------------------------------------------


def submit_pledge(data, text_revision):
    """Record a submitted pledge. A repeated submission of the same code from the same e-mail
    address while the first is unconfirmed updates it (a double click sends no second pledge)."""
    recent = timezone.now() - datetime.timedelta(seconds=confirmation_max_age())
    # Looked up outside the transaction: each transaction below starts with its write, which
    # SQLite serialises by waiting rather than failing with "database is locked".
    pending = (
        Pledge.objects.filter(
            state=PledgeState.SUBMITTED,
            credit_code=data["credit_code"],
            email__iexact=data["email"],
            created_at__gte=recent,
        )
        .order_by("-created_at")
        .first()
    )
    with transaction.atomic():
        if pending is not None:
            for field, value in data.items():
                setattr(pending, field, value)
            pending.text_revision = text_revision
            pending.save()
            pledge = pending
        else:
            pledge = Pledge.objects.create(text_revision=text_revision, **data)
        log(instance=pledge, action="pledges.submit", user=None, data={"by": "merchant"})
    return pledge


def send_confirmation_email(pledge, confirm_url, withdraw_url):
    """Send the confirmation e-mail once the signature is committed: never while the request's
    transaction holds the database (on SQLite, the write lock for every other writer), and never
    for a signature that is then rolled back."""
    transaction.on_commit(lambda: _send_confirmation_email(pledge, confirm_url, withdraw_url))


def _send_confirmation_email(pledge, confirm_url, withdraw_url):
    context = {
        "pledge": pledge,
        "confirm_url": confirm_url,
        "withdraw_url": withdraw_url,
        "hours": confirmation_max_age() // 3600,
    }
    send_mail(
        subject=_("Please confirm your integrity pledge"),
        message=render_to_string("pledges/email/confirmation.txt", context),
        from_email=None,
        recipient_list=[pledge.email],
    )


def approval_links(pledge, page):
    """Absolute links for the approval e-mail: the certificate, the public verification page and
    the private withdrawal link."""
    url_parts = page.get_url_parts() if page else None
    if url_parts is None:
        return {}
    _site_id, root_url, page_path = url_parts
    page_url = root_url + page_path
    return {
        "certificate_url": page_url + page.reverse_subpage("certificate", args=[pledge.number]),
        "verification_url": root_url + pledge.verification_path,
        "withdraw_url": page_url + page.reverse_subpage("withdraw", args=[withdrawal_token(pledge)]),
    }


def notify_approval(pledge, page, on_failure=None):
    """Send the approval e-mail once the approval is committed (as the confirmation e-mail);
    ``on_failure()`` is called if the mail server refuses it."""

    def send():
        if not send_approval_email(pledge, page) and on_failure is not None:
            on_failure()

    transaction.on_commit(send)


def send_approval_email(pledge, page):
    """Tell the merchant the pledge is approved and where its certificate is. In the site's
    default language, whichever language the approving editor uses; a mail server that is down
    is logged and does not undo the approval. Returns whether the e-mail went out. ``page``: the
    pledge page to link to (``pledges.models.pledge_page()``)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"pledge": pledge, **approval_links(pledge, page)}
        subject = _("Your integrity pledge is approved")
        message = render_to_string("pledges/email/approved.txt", context)
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[pledge.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("The approval e-mail for pledge %s could not be sent", pledge.number, exc_info=True)
        return False
    return True


# --- transitions ----------------------------------------------------------------------


def _transition(pledge, action, from_states, to_state, user=None, reason="", by="editor", **changes):
    """Move ``pledge`` from one of ``from_states`` to ``to_state`` in one conditional UPDATE."""
    with transaction.atomic():
        updated = Pledge.objects.filter(pk=pledge.pk, state__in=from_states).update(state=to_state, **changes)
        if not updated:
            pledge.refresh_from_db()
            raise TransitionError(pledge, action)
        pledge.refresh_from_db()
        data = {"by": by}
        if reason:
            data["reason"] = reason
        log(instance=pledge, action=f"pledges.{action}", user=user, data=data)
    if PledgeState.APPROVED in (to_state, *from_states):
        # In or out of the register: the pages that show pledges (hooks) drop their copies.
        page_cache.purge_topic("pledges")
    return pledge


def confirm_pledge(pledge):
    """The merchant opened the link in the e-mail. Several confirmed pledges of one code may wait
    for review (an e-mail address proves nothing about who owns the code); while an approved
    pledge of the code is in force, ``ActivePledgeExists`` names it and nothing changes."""
    existing = approved_pledge_for_code(pledge.credit_code)
    if existing is not None and existing.pk != pledge.pk:
        raise ActivePledgeExists(existing)
    return _transition(
        pledge,
        "confirm",
        [PledgeState.SUBMITTED],
        PledgeState.CONFIRMED,
        by="merchant",
        confirmed_at=timezone.now(),
    )


def credit_checks_of(pledges):
    """{pledge pk: CreditCheck} of the pledges' codes and names, in one look-up of the feed."""
    pledges = list(pledges)
    checks = check_credits((pledge.credit_code, pledge.merchant_name) for pledge in pledges)
    return {pledge.pk: check for pledge, check in zip(pledges, checks, strict=True)}


def approve_pledge(pledge, user, days=None, today=None, override_reason="", credit_check=None):
    """An editor approves a confirmed pledge. The database keeps one approved pledge per credit
    code: while another is in force (also when two editors approve two pledges of one code at the
    same moment), ``ActivePledgeExists`` names it and this one stays confirmed. An approved pledge
    whose validity has ended is expired first, as ``expire_pledges`` would.

    The credit check (联合奖惩) comes first: while the publicity feed has a current penalty or a
    dishonest-debtor record of the merchant, ``CreditHitsFound`` keeps the pledge confirmed,
    unless a user with the override permission gives ``override_reason``, which the audit log
    keeps with the records. ``credit_check``: the merchant's CreditCheck when the caller has it."""
    today = today or timezone.localdate()
    days = days or validity_days()
    check = credit_check or check_credit(credit_code=pledge.credit_code, name=pledge.merchant_name)
    override_reason = (override_reason or "").strip()
    if check.has_hits:
        if not override_reason:
            raise CreditHitsFound(check)
        if not user.has_perm(CREDIT_OVERRIDE_PERMISSION):
            raise CreditOverrideRefused(check)
    expire_pledges(today=today, credit_code=pledge.credit_code)
    try:
        with transaction.atomic():
            approved = _transition(
                pledge,
                "approve",
                [PledgeState.CONFIRMED],
                PledgeState.APPROVED,
                user=user,
                approved_at=timezone.now(),
                valid_until=today + datetime.timedelta(days=days),
            )
            if check.has_hits:
                log(
                    instance=pledge,
                    action=CREDIT_OVERRIDE_ACTION,
                    user=user,
                    data={
                        "reason": override_reason[:1000],
                        "records": [
                            finding.document_number for finding in [*check.dishonest, *check.penalties]
                        ],
                    },
                )
            return approved
    except IntegrityError:
        raise ActivePledgeExists(approved_pledge_for_code(pledge.credit_code)) from None


def revoke_pledge(pledge, user, reason):
    if not (reason or "").strip():
        raise ValueError("An editor revokes a pledge with a reason.")
    return _transition(
        pledge,
        "revoke",
        list(ACTIVE_STATES),
        PledgeState.REVOKED,
        user=user,
        reason=reason.strip(),
        closed_at=timezone.now(),
        closing_reason=reason.strip(),
    )


def withdraw_pledge(pledge, reason=""):
    """The merchant withdraws with the private link, at any point before the pledge ends."""
    return _transition(
        pledge,
        "withdraw",
        [PledgeState.SUBMITTED, *ACTIVE_STATES],
        PledgeState.WITHDRAWN,
        reason=(reason or "").strip(),
        by="merchant",
        closed_at=timezone.now(),
        closing_reason=(reason or "").strip(),
    )


def expire_pledges(today=None, credit_code=None):
    """Approved pledges whose validity has ended (of one credit code, if given) become expired.
    Returns how many."""
    today = today or timezone.localdate()
    count = 0
    lapsed = Pledge.objects.filter(state=PledgeState.APPROVED, valid_until__lt=today)
    if credit_code is not None:
        lapsed = lapsed.filter(credit_code=credit_code)
    for pledge in lapsed:
        try:
            _transition(
                pledge,
                "expire",
                [PledgeState.APPROVED],
                PledgeState.EXPIRED,
                by="system",
                reason=_("validity ended on %(date)s") % {"date": pledge.valid_until.isoformat()},
                closed_at=timezone.now(),
            )
            count += 1
        except TransitionError:  # revoked or withdrawn meanwhile
            pass
    return count


def purge_unconfirmed_pledges(now=None):
    """Delete submissions nobody confirmed in time, with their personal data. Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=confirmation_max_age())
    deleted, _by_model = Pledge.objects.filter(state=PledgeState.SUBMITTED, created_at__lt=cutoff).delete()
    return deleted
