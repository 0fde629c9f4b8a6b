"""The cross-check (联合奖惩): is a party among the penalties in their publicity period or the
dishonest judgment debtors?

``check_parties([(credit_code, name), …])`` answers for any number of parties with a CreditCheck
each (``cross_check`` for one); the publicity part registers it as the feed provider
(``integrity_site.core.credit_checks.CREDIT_FEED_HOOK``), so that moderation's credit check and
pledge review ask ``credit_checks.check_credits`` without importing this module.
``recheck_all()`` (the daily `cross_check_publicity` command) runs it for every *cross-check
subject* the other parts register (``CROSS_CHECK_SUBJECT_HOOK``: active pledges, entries of live
honour lists) and keeps the hits for the admin dashboard.
"""

import datetime
import unicodedata

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from integrity_site.core.credit_checks import CreditCheck, Finding, MatchedBy, cross_check_subjects
from integrity_site.core.credit_code import is_valid_credit_code, normalize_credit_code
from publicity.notifications import notify_new_hits
from publicity.records import CrossCheckHit, PublicityRecord, RecordKind

# A dishonest judgment debtor who has fully performed is off the list.
SETTLED_PERFORMANCE = {"全部已履行", "已履行", "全部履行"}
LOOKUP_CHUNK = 500


def current_records(today=None):
    """Penalties still in their publicity period and unsettled dishonest-debtor records."""
    today = today or timezone.localdate()
    return PublicityRecord.objects.filter(
        Q(kind=RecordKind.PENALTY, publicity_until__gte=today)
        | (Q(kind=RecordKind.DISHONEST) & ~Q(status__in=SETTLED_PERFORMANCE))
    )


def normalise_name(name):
    return unicodedata.normalize("NFKC", name or "").strip()


def _lookup_terms(credit_code, name):
    code = normalize_credit_code(credit_code)
    code = code if is_valid_credit_code(code) else ""
    return code, normalise_name(name)


def cross_check(credit_code="", name="", today=None):
    """Current penalties and dishonest-debtor records of a party, by credit code or exact name."""
    return check_parties([(credit_code, name)], today=today)[0]


def check_parties(parties, today=None, tell_feed_imported=True):
    """A CreditCheck for each ``(credit_code, name)`` of ``parties``, in order: a few queries for
        any number of parties (chunks of LOOKUP_CHUNK), the one lookup behind every credit check (the
        moderation step, pledge review, the daily re-check). Without ``tell_feed_imported`` a check
    without findings does not say whether any feed was imported (one query fewer, for callers that
    only want the hits)."""
    terms = [_lookup_terms(code, name) for code, name in parties]
    feed_imported = None
    checks = []
    for start in range(0, len(terms), LOOKUP_CHUNK):
        chunk = terms[start : start + LOOKUP_CHUNK]
        codes = {code for code, _name in chunk if code}
        names = {name for _code, name in chunk if name}
        records = []
        if codes or names:
            records = list(
                current_records(today)
                .filter(Q(credit_code__in=codes) | Q(subject_name__in=names))
                .only(
                    "pk",
                    "kind",
                    "document_number",
                    "authority",
                    "decision_date",
                    "publicity_until",
                    "credit_code",
                    "subject_name",
                )
                .order_by("-decision_date", "pk")
            )
        by_code, by_name = {}, {}
        for record in records:
            if record.credit_code:
                by_code.setdefault(record.credit_code, []).append(record)
            by_name.setdefault(record.subject_name, []).append(record)
        for code, name in chunk:
            found = {}
            for record in by_code.get(code, []) if code else []:
                found[record.pk] = record
            for record in by_name.get(name, []) if name else []:
                found.setdefault(record.pk, record)
            ordered = sorted(
                found.values(), key=lambda record: (-record.decision_date.toordinal(), record.pk)
            )
            findings = [_finding(record, code) for record in ordered]
            if not findings and feed_imported is None and tell_feed_imported:
                feed_imported = PublicityRecord.objects.exists()
            checks.append(
                CreditCheck(
                    penalties=[finding for finding in findings if finding.kind == RecordKind.PENALTY],
                    dishonest=[finding for finding in findings if finding.kind == RecordKind.DISHONEST],
                    feed_imported=bool(findings) or bool(feed_imported),
                )
            )
    return checks


def _newest_first(record):
    return (-(record.decision_date or datetime.date.min).toordinal(), record.pk)


def _finding(record, code):
    return Finding(
        kind=record.kind,
        document_number=record.document_number,
        authority=record.authority,
        decision_date=record.decision_date,
        publicity_until=record.publicity_until if record.kind == RecordKind.PENALTY else None,
        matched_by=MatchedBy.CREDIT_CODE if code and record.credit_code == code else MatchedBy.NAME,
        record_id=record.pk,
    )


def recheck_all(today=None):
    """Re-check every registered subject against the latest feed; keep exactly the current hits.

    A hit found again (same subject, same record) is the same row, so an editor's acknowledgement
    stays; a hit that no longer applies is deleted, and comes back unacknowledged if it recurs.
    Returns {"checked": N, "hits": N}. The lookups go in chunks, a few queries for thousands of items.
    """
    now = timezone.now()
    checked = 0
    hits = []
    sections = {}
    for subject_type, items_function in cross_check_subjects().items():
        items = list(items_function())
        checked += len(items)
        sections[subject_type] = next((item.section for item in items if item.section), "")
        for start in range(0, len(items), LOOKUP_CHUNK):
            hits.extend(_hits_for(subject_type, items[start : start + LOOKUP_CHUNK], today, now))
    with transaction.atomic():
        keep = []
        new_hits = []
        for hit in hits:
            stored, created = CrossCheckHit.objects.get_or_create(
                subject_type=hit.subject_type,
                subject_id=hit.subject_id,
                record_id=hit.record_id,
                defaults={
                    "subject_label": hit.subject_label,
                    "subject_url": hit.subject_url,
                    "matched_by": hit.matched_by,
                    "found_at": now,
                },
            )
            keep.append(stored.pk)
            if created:
                new_hits.append(stored)
        CrossCheckHit.objects.exclude(pk__in=keep).delete()
        transaction.on_commit(lambda: notify_new_hits(new_hits, sections))
    return {"checked": checked, "hits": len(hits), "new": len(new_hits)}


def _hits_for(subject_type, items, today, now):
    checks = check_parties(
        [(item.credit_code, item.name) for item in items], today=today, tell_feed_imported=False
    )
    return [
        CrossCheckHit(
            subject_type=subject_type,
            subject_id=item.pk,
            subject_label=item.label[:300],
            subject_url=item.url,
            record_id=finding.record_id,
            matched_by=finding.matched_by,
            found_at=now,
        )
        for item, check in zip(items, checks, strict=True)
        for finding in [*check.penalties, *check.dishonest]
    ]


ACKNOWLEDGE_ACTION = "publicity.acknowledge_cross_check_hit"
ACKNOWLEDGEMENT_NOTE_MAX_LENGTH = CrossCheckHit._meta.get_field("acknowledgement_note").max_length


def open_hits():
    """Hits no editor has acknowledged yet: what the dashboard asks someone to follow up."""
    return CrossCheckHit.objects.filter(acknowledged_at__isnull=True)


def acknowledge_hit(hit, user, note=""):
    """Mark ``hit`` as followed up by ``user`` and record it in the audit log.

    One conditional UPDATE, so a double click or two editors at once acknowledge it once. Returns
    False when it was already acknowledged (or is gone: the daily re-check dropped it).
    """
    note = (note or "").strip()[:ACKNOWLEDGEMENT_NOTE_MAX_LENGTH]
    with transaction.atomic():
        updated = CrossCheckHit.objects.filter(pk=hit.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=user,
            acknowledged_at=timezone.now(),
            acknowledgement_note=note,
        )
        if not updated:
            return False
        hit.refresh_from_db()
        log(
            instance=hit,
            action=ACKNOWLEDGE_ACTION,
            user=user,
            data={
                "subject": hit.subject_label,
                "record": str(hit.record),
                "note": note,
            },
        )
    return True
