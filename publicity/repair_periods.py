"""The stored classes and periods of the penalties, kept in step with the credit-repair rules
(``publicity.repair_rules``), the daily end of publicity, and the repairs that come in.

Each penalty carries, computed and indexed, its class (``severity``), the first day credit repair
may be asked for (``repair_from``) and its last public day (``publicity_until``, the column every
public query filters on). The import computes them row by row; ``recompute`` brings the stored
ones in line when a rule set changes (in the background) or from ``manage.py
recompute_repair_periods``. A penalty leaves public view the day after its ``publicity_until``
without any write: the queries compare it with the day. The daily job ``end_of_publicity`` only
drops what caches still hold of the records that left.
"""

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from integrity_site.core import page_cache
from publicity.records import PublicityRecord, RecordKind
from publicity.repair_rules import KEYWORD_FIELDS, load_rules, rules_changed

logger = logging.getLogger(__name__)

# What the rules read of a stored penalty, and what they set.
INPUT_FIELDS = [
    "decision_date",
    "category",
    "fine_amount",
    "confiscated_amount",
    *KEYWORD_FIELDS,
    "feed_severity",
    "authority_until",
    "repaired_on",
]
COMPUTED_FIELDS = ["severity", "repair_from", "publicity_until"]
RECOMPUTE_BATCH = 5000


def _update_periods(model, rows):
    """Write [(severity, repair_from, publicity_until, pk), …] in one prepared statement."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET severity = %s, repair_from = %s, publicity_until = %s WHERE id = %s",
            [(severity, adapt(start), adapt(until), pk) for severity, start, until, pk in rows],
        )


def recompute(rules=None, model=None, records=None, batch_size=RECOMPUTE_BATCH):
    """Bring the stored class and dates of every penalty (or of ``records``, a queryset of them)
    in line with ``rules`` (the stored rule sets); returns (penalties read, penalties changed).
    One read and at most one write per batch, each batch its own transaction; only changed rows
    are written. ``model`` may be a migration's historical model."""
    model = model or PublicityRecord
    rules = rules if rules is not None else load_rules()
    records = records if records is not None else model.objects.all()
    records = records.filter(kind=RecordKind.PENALTY).order_by("pk")
    read = changed = 0
    last = 0
    while True:
        rows = list(records.filter(pk__gt=last).values("pk", *INPUT_FIELDS, *COMPUTED_FIELDS)[:batch_size])
        if not rows:
            break
        last = rows[-1]["pk"]
        read += len(rows)
        updates = []
        for row in rows:
            periods = rules.periods(row)
            new = (periods.severity, periods.repair_from, periods.publicity_until)
            if new != (row["severity"], row["repair_from"], row["publicity_until"]):
                updates.append((*new, row["pk"]))
        with transaction.atomic():
            _update_periods(model, updates)
        changed += len(updates)
    return read, changed


@task(backend="background")
def recompute_after_rules_changed():
    read, changed = recompute()
    page_cache.purge_topic("publicity")
    return {"read": read, "changed": changed}


def rule_set_changed():
    """A rule set was created, edited or deleted: pages load the new rules, and the stored
    periods are recomputed in the background once the change is committed."""
    rules_changed()
    # The 信用修复 page shows the new rules at once; the periods follow when the worker has them.
    page_cache.purge_topic("publicity")
    transaction.on_commit(lambda: recompute_after_rules_changed.enqueue())


def apply_repairs(outcomes, rules):
    """Record completed repairs: ``outcomes`` [(document number, authority or "", repair date)].
    A repaired penalty leaves public view on its repair date. Returns (repaired, unchanged,
    not found)."""
    numbers = sorted({number for number, _authority, _date in outcomes})
    found = {}
    for start in range(0, len(numbers), 500):
        for row in PublicityRecord.objects.filter(
            kind=RecordKind.PENALTY, document_number__in=numbers[start : start + 500]
        ).values("pk", "document_number", "authority", *INPUT_FIELDS, *COMPUTED_FIELDS):
            found.setdefault(row["document_number"], []).append(row)
    repaired = unchanged = missing = 0
    writes = {}
    for number, authority, date in outcomes:
        rows = [row for row in found.get(number, []) if not authority or row["authority"] == authority]
        if not rows:
            missing += 1
            continue
        for row in rows:
            if row["repaired_on"] == date:
                unchanged += 1
                continue
            row["repaired_on"] = date
            writes[row["pk"]] = row
            repaired += 1
    if writes:
        table = connection.ops.quote_name(PublicityRecord._meta.db_table)
        adapt = connection.ops.adapt_datefield_value
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET repaired_on = %s WHERE id = %s",
                [(adapt(row["repaired_on"]), pk) for pk, row in writes.items()],
            )
        _update_periods(
            PublicityRecord,
            [
                (periods.severity, periods.repair_from, periods.publicity_until, pk)
                for pk, periods in ((pk, rules.periods(row)) for pk, row in writes.items())
            ],
        )
    return repaired, unchanged, missing


def leaving_today(today=None):
    """The penalties that leave public view today: their last public day was yesterday."""
    today = today or timezone.localdate()
    return PublicityRecord.objects.filter(
        kind=RecordKind.PENALTY, publicity_until=today - datetime.timedelta(days=1)
    )


def end_of_publicity(today=None):
    """The daily job: the penalties whose publicity ended yesterday (or whose repair took effect
    today) are already out of every query; what the caches still hold of them is dropped (the
    publicity pages, credit profiles and statistics). Returns what it did, for the job's log."""
    today = today or timezone.localdate()
    ended = leaving_today(today).count()
    repaired = PublicityRecord.objects.filter(kind=RecordKind.PENALTY, repaired_on=today).count()
    # The statistics are cached per day (queries.statistics): today's are computed afresh anyway.
    page_cache.purge_topic("publicity")
    return f"{ended} penalties left public view, {repaired} repaired today; publicity pages purged"
