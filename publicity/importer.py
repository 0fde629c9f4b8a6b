"""Importing a feed file: stream, normalise and validate each row, upsert in batches.

Records are keyed by (kind, decision document number, authority). Each batch is one transaction,
so an interrupted import leaves whole batches and running it again finishes the job: rows already
stored compare equal by their hash and are counted as unchanged without being written.
"""

import contextlib
import csv
import dataclasses
import operator
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from publicity.layouts import detect_layout
from publicity.models import PublicityRecord
from publicity.normalise import RECORD_FIELDS, build_record, row_hash
from publicity.readers import EXTRA_CELLS, INVALID, open_feed
from publicity.working_days import is_late

BATCH_SIZE = 2000
UPDATE_FIELDS = RECORD_FIELDS + ["row_hash", "updated_at"]
INSERT_FIELDS = [field for field in PublicityRecord._meta.concrete_fields if not field.primary_key]


def insert_records(rows):
    """Insert new records: COPY on PostgreSQL, one prepared statement for the batch on SQLite.

    bulk_create compiles every value of every object through the ORM (about 28 columns × 2,000
    rows per batch), which alone capped the import at a few thousand rows per second; the values
    here are already clean Python values that both database drivers adapt natively.
    """
    if not rows:
        return
    table = connection.ops.quote_name(PublicityRecord._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in INSERT_FIELDS)
    values = operator.itemgetter(*[field.attname for field in INSERT_FIELDS])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
        else:
            placeholders = ", ".join(["%s"] * len(INSERT_FIELDS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(map(values, rows)))


@dataclasses.dataclass
class ImportSummary:
    kind: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    late: int = 0
    report: str = ""

    def as_dict(self):
        return dataclasses.asdict(self)


def report_directory():
    return Path(getattr(settings, "PUBLICITY_REPORT_DIR", settings.BASE_DIR / "var" / "publicity-reports"))


def default_report_path(feed_path):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S-%f")
    return report_directory() / f"{Path(feed_path).stem}-{stamp}-rejected.csv"


@contextlib.contextmanager
def sqlite_page_cache(kibibytes=32768):
    """On SQLite, a larger page cache for the import's connection: the indexes of a big table then
    stay in memory instead of spilling to the journal in every batch (about twice as fast
    with 130,000 records; 16 to 128 MB made no difference there, the default 2 MB did)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-int(kibibytes)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


class RejectedRowsReport:
    """The CSV that lists every rejected row: line, column, value and reason (opens in Excel)."""

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file)
        self.writer.writerow([_("line"), _("column"), _("value"), _("reason")])

    def add(self, line, column, value, reason):
        self.writer.writerow([line, column, "" if value is None else str(value)[:200], str(reason)])

    def close(self):
        self.file.close()


class FeedImport:
    def __init__(self, path, kind="auto", report_path=None, today=None, batch_size=BATCH_SIZE, progress=None):
        self.path = str(path)
        self.requested_kind = kind
        self.report_path = Path(report_path) if report_path else default_report_path(path)
        self.today = today or timezone.localdate()
        self.batch_size = batch_size
        self.progress = progress
        self.summary = ImportSummary(report=str(self.report_path))

    def run(self):
        """Raises readers.FeedUnreadable or layouts.UnknownLayout when the file cannot be read."""
        with open_feed(self.path) as reader, sqlite_page_cache():
            layout = detect_layout(reader.header, self.requested_kind)
            self.summary.kind = str(layout.kind)
            self.kind = layout.kind
            report = RejectedRowsReport(self.report_path)
            try:
                batch = []
                for line, row in self.rows(reader):
                    self.summary.rows += 1
                    if INVALID in row:
                        self.reject(report, line, [("", "", row[INVALID])])
                        continue
                    if EXTRA_CELLS in row:
                        self.reject(report, line, [("", " | ".join(map(str, row[EXTRA_CELLS])),
                                                    _("The row has more cells than the header."))])
                        continue
                    fields, errors = build_record(layout, row, self.today)
                    if errors:
                        self.reject(report, line, errors)
                        continue
                    batch.append(fields)
                    if len(batch) >= self.batch_size:
                        self.write(batch)
                        batch = []
                        self.report_progress(reader)
                if batch:
                    self.write(batch)
                self.report_progress(reader, finished=True)
            finally:
                report.close()
        return self.summary

    def rows(self, reader):
        """The rows of the file; a seam where a subclass may watch or interrupt the stream."""
        return reader.rows()

    def reject(self, report, line, errors):
        self.summary.rejected += 1
        for column, value, reason in errors:
            report.add(line, column, value, reason)

    def report_progress(self, reader, finished=False):
        if self.progress:
            self.progress(self.summary, reader.size if finished else reader.progress(), reader.size)

    def write(self, batch):
        now = timezone.now()
        stored_now = connection.ops.adapt_datetimefield_value(now)
        with transaction.atomic():
            existing = {
                (document_number, authority): (pk, stored_hash, first_imported_on, late)
                for pk, document_number, authority, stored_hash, first_imported_on, late in
                PublicityRecord.objects.filter(
                    kind=self.kind, document_number__in={fields["document_number"] for fields in batch}
                ).values_list("pk", "document_number", "authority", "row_hash", "first_imported_on", "late")
            }
            creates, updates = {}, {}  # key → row, so that a row repeated within a batch is written once
            for fields in batch:
                key = (fields["document_number"], fields["authority"])
                digest = row_hash(fields)
                earlier = creates.get(key) or updates.get(key)
                if earlier is not None:
                    previous_hash, late = earlier["row_hash"], earlier["late"]
                elif key in existing:
                    _pk, previous_hash, _first, late = existing[key]
                else:
                    previous_hash, late = None, is_late(fields["decision_date"], self.today)
                self.summary.late += late
                if previous_hash == digest:
                    self.summary.unchanged += 1
                    continue
                if previous_hash is None:
                    self.summary.created += 1
                else:
                    self.summary.updated += 1
                row = dict(fields, kind=self.kind, row_hash=digest, late=late)
                if key in existing:
                    row["pk"], _hash, row["first_imported_on"], _late = existing[key]
                    updates[key] = row
                else:
                    row.update(first_imported_on=self.today, updated_at=stored_now)
                    creates[key] = row
            insert_records(list(creates.values()))
            if updates:
                PublicityRecord.objects.bulk_update(
                    [PublicityRecord(updated_at=now, **row) for row in updates.values()], UPDATE_FIELDS, batch_size=200
                )


def import_feed(path, kind="auto", **options):
    return FeedImport(path, kind=kind, **options).run()

