"""The cross-check (联合奖惩): is a party among the penalties in their publicity period or the
dishonest judgment debtors?

``cross_check(credit_code=…, name=…)`` answers for one party; pledge review and honour-list
publishing call it on their own screens. ``recheck_all()`` (the daily `cross_check_publicity`
command) runs it for every *cross-check subject* and keeps the hits for the admin dashboard.

Cross-check subjects are registered, so that parts of the site that do not exist yet plug in
without this module knowing them. The pledge part registers its active pledges like this::

    from publicity.cross_check import CheckedItem, register_cross_check_subject

    @register_cross_check_subject("pledge")
    def active_pledges():
        for pledge in Pledge.objects.active():
            yield CheckedItem(pk=pledge.pk, label=pledge.merchant_name, credit_code=pledge.credit_code,
                              name=pledge.merchant_name, url=…)

Honour entries on live honour lists are registered in ``publicity.subjects``.
"""

import dataclasses
import datetime
import unicodedata

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from integrity_site.core.credit_code import is_valid_credit_code, normalize_credit_code
from publicity.records import CrossCheckHit, PublicityRecord, RecordKind

# A dishonest judgment debtor who has fully performed is off the list.
SETTLED_PERFORMANCE = {"全部已履行", "已履行", "全部履行"}
LOOKUP_CHUNK = 500


@dataclasses.dataclass(frozen=True)
class Finding:
    """One record that speaks against a party, and when."""

    kind: str
    document_number: str
    authority: str
    decision_date: datetime.date
    publicity_until: datetime.date
    matched_by: str  # "credit_code" or "name"
    record_id: int


@dataclasses.dataclass
class CrossCheckResult:
    penalties: list
    dishonest: list

    @property
    def has_hits(self):
        return bool(self.penalties or self.dishonest)


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
    code, name = _lookup_terms(credit_code, name)
    if not (code or name):
        return CrossCheckResult(penalties=[], dishonest=[])
    condition = Q()
    if code:
        condition |= Q(credit_code=code)
    if name:
        condition |= Q(subject_name=name)
    findings = [
        _finding(record, code) for record in current_records(today).filter(condition).order_by("-decision_date", "pk")
    ]
    return CrossCheckResult(
        penalties=[finding for finding in findings if finding.kind == RecordKind.PENALTY],
        dishonest=[finding for finding in findings if finding.kind == RecordKind.DISHONEST],
    )


def _finding(record, code):
    return Finding(
        kind=record.kind, document_number=record.document_number, authority=record.authority,
        decision_date=record.decision_date,
        publicity_until=record.publicity_until if record.kind == RecordKind.PENALTY else None,
        matched_by="credit_code" if code and record.credit_code == code else "name",
        record_id=record.pk,
    )


@dataclasses.dataclass(frozen=True)
class CheckedItem:
    """Something the cross-check watches: a pledge, an honour entry…"""

    pk: int
    label: str
    credit_code: str = ""
    name: str = ""
    url: str = ""


SUBJECTS = {}


def register_cross_check_subject(subject_type):
    """Register a callable that yields the CheckedItems of ``subject_type`` to re-check daily."""

    def register(function):
        SUBJECTS[subject_type] = function
        return function

    return register


def recheck_all(today=None):
    """Re-check every registered subject against the latest feed; keep exactly the current hits.

    A hit found again (same subject, same record) is the same row, so an editor's acknowledgement
    stays; a hit that no longer applies is deleted, and comes back unacknowledged if it recurs.
    Returns {"checked": N, "hits": N}. The lookups go in chunks, a few queries for thousands of items.
    """
    now = timezone.now()
    checked = 0
    hits = []
    for subject_type, items_function in SUBJECTS.items():
        items = list(items_function())
        checked += len(items)
        for start in range(0, len(items), LOOKUP_CHUNK):
            hits.extend(_hits_for(subject_type, items[start:start + LOOKUP_CHUNK], today, now))
    with transaction.atomic():
        keep = []
        for hit in hits:
            stored, _created = CrossCheckHit.objects.get_or_create(
                subject_type=hit.subject_type, subject_id=hit.subject_id, record_id=hit.record_id,
                defaults={"subject_label": hit.subject_label, "subject_url": hit.subject_url,
                          "matched_by": hit.matched_by, "found_at": now},
            )
            keep.append(stored.pk)
        CrossCheckHit.objects.exclude(pk__in=keep).delete()
    return {"checked": checked, "hits": len(hits)}


def _hits_for(subject_type, items, today, now):
    terms = [(item, *_lookup_terms(item.credit_code, item.name)) for item in items]
    codes = {code for _item, code, _name in terms if code}
    names = {name for _item, _code, name in terms if name}
    if not (codes or names):
        return []
    records = list(
        current_records(today).filter(Q(credit_code__in=codes) | Q(subject_name__in=names))
        .only("pk", "credit_code", "subject_name")
    )
    by_code, by_name = {}, {}
    for record in records:
        if record.credit_code:
            by_code.setdefault(record.credit_code, []).append(record)
        by_name.setdefault(record.subject_name, []).append(record)
    hits = []
    for item, code, name in terms:
        found = {}
        for record in by_code.get(code, []) if code else []:
            found[record.pk] = "credit_code"
        for record in by_name.get(name, []) if name else []:
            found.setdefault(record.pk, "name")
        for record_id, matched_by in found.items():
            hits.append(CrossCheckHit(
                subject_type=subject_type, subject_id=item.pk, subject_label=item.label[:300],
                subject_url=item.url, record_id=record_id, matched_by=matched_by, found_at=now,
            ))
    return hits


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
            acknowledged_by=user, acknowledged_at=timezone.now(), acknowledgement_note=note,
        )
        if not updated:
            return False
        hit.refresh_from_db()
        log(instance=hit, action=ACKNOWLEDGE_ACTION, user=user, data={
            "subject": hit.subject_label, "record": str(hit.record), "note": note,
        })
    return True
