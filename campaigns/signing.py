"""Signing a campaign's initiative: opening state, the text versions, signing, withdrawing,
invalidating, and the counts. Every change of a count goes through ``_add_to_count`` in the
transaction that changes the signature (see ``SignatureCounter`` for why the count is sharded).

The database keeps one counted signature per mobile number and campaign (a partial unique
index); a form sent twice (a double tap) carries the same submission token and finds its
signature again instead of making a second one."""

import datetime
import enum
import random
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr, TruncHour
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.log_actions import log
from wagtail.models import Page

from integrity_site.core import page_cache
from integrity_site.core.mobile import normalize_mobile
from integrity_site.core.subdistricts import subdistrict_label
from integrity_site.core.translation import source_page

from .signatures import InitiativeText, MessageState, OfflineTally, Signature, SignatureCounter


class Outcome(enum.Enum):
    SIGNED = "signed"
    ALREADY_SUBMITTED = "already_submitted"  # the same form sent twice
    DUPLICATE = "duplicate"  # this mobile number has signed this campaign
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    NO_TEXT = "no_text"


@dataclass
class SignResult:
    outcome: Outcome
    signature: Signature | None = None


def counter_shards():
    return max(int(getattr(settings, "SIGNATURE_COUNTER_SHARDS", 8)), 1)


# --- the campaign behind a page -------------------------------------------------------------


def signing_campaign(page):
    """The campaign signatures are kept on: the page in the default language."""
    return source_page(page)


def signing_state(campaign, now=None):
    """ "off" (no signing on this campaign), "not_open", "open" or "closed"."""
    now = now or timezone.now()
    if not campaign.signing_enabled and not campaign.signing_closed_at:
        return "off"
    if campaign.signing_opens_at and now < campaign.signing_opens_at:
        return "not_open"
    closes = closing_moment(campaign)
    if not campaign.signing_enabled or (closes and now >= closes):
        return "closed"
    return "open"


def closing_moment(campaign):
    """When signing closed or closes: the editor's closing, else the closing date set."""
    if not campaign.signing_enabled and campaign.signing_closed_at:
        return campaign.signing_closed_at
    return campaign.signing_closes_at


def _plain(text):
    return "\n".join(line.strip() for line in strip_tags(text or "").strip().splitlines())


def current_text(campaign):
    return InitiativeText.objects.filter(campaign=campaign).order_by("-version").first()


def record_text_version(campaign):
    """After the campaign is published: a new version (第n版) when its initiative text changed.
    Returns the current version, or None while there is no text."""
    text = _plain(campaign.initiative_text)
    latest = current_text(campaign)
    if not text or (latest is not None and latest.text == text):
        return latest
    with transaction.atomic():
        version = (latest.version if latest else 0) + 1
        created = InitiativeText.objects.create(campaign=campaign, version=version, text=text)
        log(instance=campaign, action="campaigns.initiative_text", data={"version": version})
    return created


# --- counts --------------------------------------------------------------------------------


def _add_to_count(campaign_id, subdistrict, community, delta):
    """Add ``delta`` to one shard of the subdistrict's and community's count, creating the row
    the first time: one INSERT … ON CONFLICT statement (SQLite and PostgreSQL)."""
    table = connection.ops.quote_name(SignatureCounter._meta.db_table)
    count = connection.ops.quote_name("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, subdistrict, community, shard, {count}) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (campaign_id, subdistrict, community, shard) "
            f"DO UPDATE SET {count} = {table}.{count} + excluded.{count}",
            [campaign_id, subdistrict, community or "", random.randrange(counter_shards()), delta],
        )


def online_count(campaign):
    return SignatureCounter.objects.filter(campaign=campaign).aggregate(total=Sum("count"))["total"] or 0


def offline_count(campaign):
    return OfflineTally.objects.filter(campaign=campaign).aggregate(total=Sum("count"))["total"] or 0


def total_count(campaign):
    return online_count(campaign) + offline_count(campaign)


@dataclass
class AreaCount:
    subdistrict: str
    online: int = 0
    offline: int = 0
    communities: dict = None

    @property
    def total(self):
        return self.online + self.offline

    @property
    def subdistrict_label(self):
        """The subdistrict's name in the visitor's language (stored in Chinese)."""
        return subdistrict_label(self.subdistrict)


def breakdown(campaign):
    """Counts per subdistrict (with their communities), online and offline, largest first: the
    counter rows and the tallies grouped, never the signatures."""
    areas = {}

    def area(name):
        return areas.setdefault(name, AreaCount(name, communities={}))

    # Online counts (the counter rows) in column 0 of a community's pair, offline tallies in 1.
    for column, model in enumerate((SignatureCounter, OfflineTally)):
        rows = (
            model.objects.filter(campaign=campaign)
            .values_list("subdistrict", "community")
            .annotate(total=Sum("count"))
            .order_by()
        )
        for subdistrict, community, total in rows:
            if not total:
                continue
            entry = area(subdistrict)
            if column:
                entry.offline += total
            else:
                entry.online += total
            entry.communities.setdefault(community, [0, 0])[column] += total
    return sorted((a for a in areas.values() if a.total > 0), key=lambda a: (-a.total, a.subdistrict))


def recount(campaign):
    """Rebuild the counter rows from the signatures (after a bulk change made outside these
    functions). The count it finds is the one the rows summed to, unless they drifted."""
    with transaction.atomic():
        SignatureCounter.objects.filter(campaign=campaign).delete()
        rows = (
            Signature.objects.filter(
                campaign=campaign, withdrawn_at__isnull=True, invalidated_at__isnull=True
            )
            .values_list("subdistrict", "community")
            .annotate(total=Count("pk"))
            .order_by()
        )
        SignatureCounter.objects.bulk_create(
            SignatureCounter(campaign=campaign, subdistrict=s, community=c, shard=0, count=n)
            for s, c, n in rows
        )
    count_changed(campaign)


def count_changed(campaign):
    """The count is on the campaign page in every language (and what lists it): drop their
    cached copies once the change is committed."""
    page_cache.purge_page(campaign, content=False)


# --- signing -------------------------------------------------------------------------------


def sign(
    page,
    *,
    name,
    subdistrict,
    community="",
    mobile,
    message="",
    consent=True,
    client_address=None,
    submission_token=None,
    language="",
    now=None,
    campaign=None,
):
    """Sign the initiative of the campaign shown on ``page`` (any language)."""
    if submission_token:
        earlier = Signature.objects.filter(submission_token=submission_token).first()
        if earlier is not None:
            return SignResult(Outcome.ALREADY_SUBMITTED, earlier)
    campaign = campaign or signing_campaign(page)
    state = signing_state(campaign, now)
    if state != "open":
        return SignResult(Outcome.NOT_OPEN if state == "not_open" else Outcome.CLOSED)
    text = current_text(campaign)
    if text is None:
        return SignResult(Outcome.NO_TEXT)
    mobile = normalize_mobile(mobile)
    message = (message or "").strip()
    signature = Signature(
        campaign=campaign,
        text=text,
        name=name.strip(),
        subdistrict=subdistrict,
        community=(community or "").strip(),
        mobile=mobile,
        message=message,
        message_state=MessageState.PENDING if message else MessageState.NONE,
        consent=consent,
        client_address=client_address or None,
        access_token=secrets.token_urlsafe(24),
        submission_token=submission_token or None,
        language=language,
    )
    try:
        with transaction.atomic():
            signature.save(force_insert=True)
            _add_to_count(campaign.pk, signature.subdistrict, signature.community, 1)
            # Numbered once committed, outside this transaction: see number_signatures.
            transaction.on_commit(lambda: _number(signature), robust=True)
    except IntegrityError:
        if submission_token:
            earlier = Signature.objects.filter(submission_token=submission_token).first()
            if earlier is not None:
                return SignResult(Outcome.ALREADY_SUBMITTED, earlier)
        return SignResult(Outcome.DUPLICATE)
    count_changed(campaign)
    return SignResult(Outcome.SIGNED, signature)


def _number(signature):
    number_signatures(signature.campaign_id, signature.pk)
    signature.place = Signature.objects.values_list("place", flat=True).get(pk=signature.pk)


PLACE_LOCK = 0x5167  # the first key of the campaigns' advisory locks on PostgreSQL (the second: the campaign)


def number_signatures(campaign_id, signature_id=None):
    """Give the campaign's committed signatures without a place the next places (1, 2, 3 … in
    the order they were made; a withdrawn signature keeps its place). Returns how many; with
    ``signature_id``, nothing when that one has its place already.

    Why so: only this one statement after the commit is serialised per campaign (an advisory
    lock on PostgreSQL, the write lock on SQLite), never the signing, and it numbers everyone
    committed so far through the (campaign, place) index, without counting the signatures."""
    if signature_id is not None and not Signature.objects.filter(pk=signature_id, place=None).exists():
        return 0
    table = connection.ops.quote_name(Signature._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PLACE_LOCK, campaign_id])
        cursor.execute(
            f"UPDATE {table} SET place = numbered.place FROM ("  # noqa: S608 - names quoted, values bound
            f"SELECT id, (SELECT COALESCE(MAX(place), 0) FROM {table} WHERE campaign_id = %s) "
            f"+ ROW_NUMBER() OVER (ORDER BY id) AS place FROM {table} "
            "WHERE campaign_id = %s AND place IS NULL) AS numbered "
            f"WHERE {table}.id = numbered.id",
            [campaign_id, campaign_id],
        )
        return cursor.rowcount


def find_signature(pk, token):
    """The signature a private link points to, or None. Both parts must match."""
    signature = Signature.objects.filter(pk=pk).select_related("campaign", "text").first()
    if signature is None or not secrets.compare_digest(signature.access_token, token or ""):
        return None
    return signature


def _uncount(queryset, field, value, extra=None):
    """Mark the counted signatures of ``queryset`` as withdrawn or invalidated and take them
    off the count, in one transaction. Returns the signatures taken off."""
    with transaction.atomic():
        # Locked, then updated only while still counted: two requests cannot both take one off.
        rows = list(
            queryset.filter(withdrawn_at__isnull=True, invalidated_at__isnull=True)
            .select_for_update()
            .only("pk", "campaign_id", "subdistrict", "community")
        )
        taken = []
        for signature in rows:
            updated = Signature.objects.filter(
                pk=signature.pk, withdrawn_at__isnull=True, invalidated_at__isnull=True
            ).update(**{field: value}, **(extra or {}))
            if updated:
                _add_to_count(signature.campaign_id, signature.subdistrict, signature.community, -1)
                taken.append(signature)
    return taken


def withdraw(signature, now=None):
    """The signer withdraws with the private link. False if it no longer counted."""
    taken = _uncount(Signature.objects.filter(pk=signature.pk), "withdrawn_at", now or timezone.now())
    if taken:
        count_changed(signature.campaign)
    signature.refresh_from_db()
    return bool(taken)


def invalidate(campaign, signature_ids, user, reason, now=None):
    """An editor invalidates a set of signatures (fraud): off the count, with the reason in each
    and one audit-log entry on the campaign. Returns how many were taken off."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("Signatures are invalidated with a reason.")
    taken = _uncount(
        Signature.objects.filter(campaign=campaign, pk__in=list(signature_ids)),
        "invalidated_at",
        now or timezone.now(),
        extra={"invalidation_reason": reason[:255]},
    )
    if taken:
        log(
            instance=campaign,
            action="campaigns.invalidate_signatures",
            user=user,
            uuid=uuid.uuid4(),
            data={"count": len(taken), "reason": reason, "signatures": [s.pk for s in taken]},
        )
        count_changed(campaign)
    return len(taken)


def moderate_message(signature, state, user):
    """Approve or hide a signer's message (audit-logged)."""
    if state not in (MessageState.APPROVED, MessageState.HIDDEN) or not signature.message:
        raise ValueError("Only a message can be approved or hidden.")
    Signature.objects.filter(pk=signature.pk).update(message_state=state)
    log(
        instance=signature.campaign,
        action="campaigns.moderate_message",
        user=user,
        uuid=uuid.uuid4(),
        data={"signature": signature.pk, "state": state},
    )
    count_changed(signature.campaign)


# --- what the page shows -------------------------------------------------------------------


def latest_signers(campaign, limit=10):
    return list(
        Signature.objects.filter(campaign=campaign, withdrawn_at__isnull=True, invalidated_at__isnull=True)
        .only("name", "community", "subdistrict", "created_at")
        .order_by("-created_at", "-pk")[:limit]
    )


def approved_messages(campaign, limit=10):
    return list(
        Signature.objects.filter(
            campaign=campaign,
            message_state=MessageState.APPROVED,
            withdrawn_at__isnull=True,
            invalidated_at__isnull=True,
        )
        .only("name", "community", "subdistrict", "message", "created_at")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- editors: fraud view, export, retention -------------------------------------------------

MOBILE_PREFIX_LENGTH = 7  # 138 0013: the carrier's block of numbers


def fraud_groups(campaign, limit=20):
    """Counted signatures per hour, per client address and per mobile prefix, largest first:
    what an editor looks at for a burst from one place."""
    counted = Signature.objects.filter(
        campaign=campaign, withdrawn_at__isnull=True, invalidated_at__isnull=True
    )
    per_hour = (
        counted.annotate(hour=TruncHour("created_at"))
        .values_list("hour")
        .annotate(total=Count("pk"))
        .order_by("-hour")[:48]
    )
    per_address = (
        counted.exclude(client_address=None)
        .values_list("client_address")
        .annotate(total=Count("pk"))
        .order_by("-total", "client_address")[:limit]
    )
    per_prefix = (
        counted.exclude(mobile="")
        .annotate(prefix=Substr("mobile", 1, MOBILE_PREFIX_LENGTH))
        .values_list("prefix")
        .annotate(total=Count("pk"))
        .order_by("-total", "prefix")[:limit]
    )
    return {"hour": list(per_hour), "address": list(per_address), "prefix": list(per_prefix)}


def signatures_in_group(campaign, kind, value):
    """The counted signatures of one row of ``fraud_groups``: ``kind`` is "address", "prefix"
    or "hour" (an ISO datetime of the hour's start)."""
    counted = Signature.objects.filter(
        campaign=campaign, withdrawn_at__isnull=True, invalidated_at__isnull=True
    )
    if kind == "address":
        return counted.filter(client_address=value)
    if kind == "prefix" and value.isdigit():
        return counted.filter(mobile__startswith=value)
    if kind == "hour":
        start = datetime.datetime.fromisoformat(value)
        return counted.filter(created_at__gte=start, created_at__lt=start + datetime.timedelta(hours=1))
    return counted.none()


def signatures_to_anonymise(days, now=None):
    """Signatures whose campaign closed more than ``days`` ago and still hold personal data."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    closed = Q(campaign__signing_enabled=False, campaign__signing_closed_at__lt=cutoff) | Q(
        campaign__signing_closes_at__lt=cutoff
    )
    return Signature.objects.filter(closed, anonymised_at__isnull=True)


def anonymise_signatures(days, dry_run=False, now=None):
    """Names, mobile numbers, messages and addresses of signatures of campaigns closed more than
    the retention period ago are erased; counts, subdistricts and communities stay. One entry
    per campaign in its history, with the number. Returns how many."""
    signatures = signatures_to_anonymise(days, now)
    counts = dict(signatures.order_by().values_list("campaign_id").annotate(count=Count("pk")))
    count = sum(counts.values())
    if dry_run or not count:
        return count
    with transaction.atomic():
        signatures.update(
            name="",
            mobile="",
            message="",
            client_address=None,
            submission_token=None,
            anonymised_at=now or timezone.now(),
        )
        for campaign in Page.objects.filter(pk__in=counts).order_by("pk").specific():
            log(
                instance=campaign,
                action="campaigns.anonymise_signatures",
                uuid=uuid.uuid4(),
                title=campaign.get_admin_display_title(),
                data={"count": counts[campaign.pk], "retention_days": days},
            )
            count_changed(campaign)
    return count


def signed_today(campaigns, now=None):
    """{campaign id: counted signatures since midnight} for the dashboard."""
    start = timezone.localtime(now or timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    return dict(
        Signature.objects.filter(
            campaign__in=campaigns,
            created_at__gte=start,
            withdrawn_at__isnull=True,
            invalidated_at__isnull=True,
        )
        .order_by()
        .values_list("campaign_id")
        .annotate(total=Count("pk"))
    )
