"""Importing a feed file: stream, normalise and validate each row, upsert in batches.

Records are keyed by (kind, decision document number, authority). Each batch is one transaction,
so an interrupted import leaves whole batches and running it again finishes the job: rows already
stored compare equal by their hash and are counted as unchanged without being written.

The work has two stages: reading (parse, normalise, validate, hash, write the rejected-rows
report) and writing (look up, insert or update). For a large file on a machine with more than one
core the reading stage runs in a forked process that hands batches to the writing one through a
pipe, so that the two halves of the cost overlap; a small file is read in-process. Both paths run
the same code and give the same result.
"""

import contextlib
import csv
import dataclasses
import datetime
import functools
import gc
import logging
import marshal
import multiprocessing
import operator
import os
import pickle
import signal
import sys
import typing
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrity_site.core import page_cache
from integrity_site.core.busy import retry_when_busy
from integrity_site.core.readers import (
    EXTRA_CELLS,
    INVALID,
    INVALID_COLUMN,
    FeedUnreadable,
    limit_reading_memory,
    open_feed,
    reading_memory_exceeded,
)
from integrity_site.core.spreadsheets import spreadsheet_safe
from integrity_site.core.text import pinyin_spellings
from publicity.layouts import detect_layout
from publicity.normalise import (
    AMOUNT_FIELDS,
    DATE_FIELDS,
    OUTCOME_FIELDS,
    RECORD_FIELDS,
    DocumentKeys,
    RowError,
    build_record,
    parse_date,
    row_hash,
    text,
)
from publicity.records import REPAIR_OUTCOMES, PublicityRecord, RecordKind
from publicity.repair_periods import apply_repairs
from publicity.repair_rules import end_with_repair, load_rules
from publicity.working_days import is_late

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
# Existing records are looked up in slices of this many keys: PostgreSQL plans one IN list of
# 2,000 document numbers as a sequential scan of the whole table (about 50 ms with 130,000
# records), and 500 as index probes (about 3 ms).
LOOKUP_SLICE = 500
# From this size on, a file is read in a second process (about 2,500 rows; below it the fork
# costs more than it saves).
READING_PROCESS_MIN_BYTES = 1024 * 1024
# How long a reading process may take to notice its closed pipe before it is killed.
CHILD_EXIT_SECONDS = 5
# What the credit-repair rules make of a penalty (publicity.repair_rules), computed while reading.
PERIOD_FIELDS = ["severity", "repair_from", "publicity_until"]
# The name's pinyin is derived from it (not hashed): it changes when the name does.
SPELLING_FIELDS = ["name_pinyin", "name_initials"]
UPDATE_FIELDS = RECORD_FIELDS + OUTCOME_FIELDS + PERIOD_FIELDS + SPELLING_FIELDS + ["row_hash", "updated_at"]
# A record between the stages: what the reading stage knows, as plain values (strings, None,
# booleans) that cross the pipe quickly and that both databases take as they are.
STAGED_FIELDS = (
    ["document_number", "authority"]
    + RECORD_FIELDS
    + SPELLING_FIELDS
    + ["row_hash", "late"]
    + OUTCOME_FIELDS
    + PERIOD_FIELDS
)
INSERT_COLUMNS = STAGED_FIELDS + ["kind", "first_imported_on", "updated_at"]
_staged_values = operator.itemgetter(*STAGED_FIELDS)
_DOCUMENT, _AUTHORITY = STAGED_FIELDS.index("document_number"), STAGED_FIELDS.index("authority")
_HASH, _LATE = STAGED_FIELDS.index("row_hash"), STAGED_FIELDS.index("late")
_REPAIRED, _UNTIL = STAGED_FIELDS.index("repaired_on"), STAGED_FIELDS.index("publicity_until")
NO_PERIODS = {"severity": "", "repair_from": None, "publicity_until": None}


# Dates and amounts travel as ISO and decimal text (what SQLite stores and COPY reads), the
# category as its plain value.
_TEXT_FORM = [
    STAGED_FIELDS.index(name)
    for name in STAGED_FIELDS
    if name in DATE_FIELDS | AMOUNT_FIELDS | {"subject_category"}
]


# A feed names the same parties again and again, often in runs: the recent names are spelled once
# (a bounded cache, so that memory stays flat whatever the file's size).
spellings = functools.lru_cache(maxsize=1024)(pinyin_spellings)


def staged_record(fields):
    values = list(_staged_values(fields))
    for index in _TEXT_FORM:
        if values[index] is not None:
            values[index] = str(values[index])
    return tuple(values)


def insert_records(rows):
    """Insert new records (tuples in INSERT_COLUMNS order): COPY on PostgreSQL, one prepared
    statement for the batch on SQLite.

    bulk_create compiles every value of every object through the ORM (about 28 columns × 2,000
    rows per batch), which alone capped the import at a few thousand rows per second; the values
    here are already plain values that both database drivers take natively.
    """
    if not rows:
        return
    table = connection.ops.quote_name(PublicityRecord._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(PublicityRecord._meta.get_field(name).column) for name in INSERT_COLUMNS
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own cursor: its errors (a lock timeout) become Django's, as elsewhere.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(INSERT_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


@dataclasses.dataclass
class ImportSummary:
    kind: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    late: int = 0
    # Repair outcomes: rows whose penalty is not (or not yet) in the feed.
    not_found: int = 0
    report: str = ""

    def as_dict(self):
        summary = dataclasses.asdict(self)
        if self.kind != REPAIR_OUTCOMES:
            del summary["not_found"]
        return summary


def report_directory():
    return Path(getattr(settings, "PUBLICITY_REPORT_DIR", settings.BASE_DIR / "var" / "publicity-reports"))


def default_report_path(feed_path):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S-%f")
    return report_directory() / f"{Path(feed_path).stem}-{stamp}-rejected.csv"


@contextlib.contextmanager
def sqlite_page_cache(kibibytes=16384):
    """On SQLite, a larger page cache for the import's connection: the indexes of a big table then
    stay in memory instead of spilling to the journal in every batch (about twice as fast with
    130,000 records; 16 to 128 MB made no difference there, the default 2 MB did, so the import
    takes the smallest that helps)."""
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
        # Cells come from an outside file and the report opens in Excel: no formulas.
        self.writer.writerow(
            [line, column, "" if value is None else spreadsheet_safe(str(value)[:200]), str(reason)]
        )

    def close(self):
        self.file.close()


class StagedBatch(typing.NamedTuple):
    """What the reading stage hands to the writing one: records as tuples in STAGED_FIELDS order,
    and how far it has read (counts so far, bytes of the file)."""

    records: list
    rows: int
    rejected: int
    bytes_done: int
    finished: bool = False


def default_batches_per_transaction():
    # One batch per transaction, on every database: other writers (a registration, an editor's
    # save) wait for the import only while one batch is written, a fraction of a second, far below
    # the busy timeout. Ten batches per commit on SQLite (once used to halve the cost of writing
    # under the rollback journal) held the write lock for several seconds at a time. With the
    # write-ahead log a commit appends the pages it changed to the log without waiting for the
    # disk, and the checkpoint that copies them into the database runs after the write lock is
    # released.
    return 1


class FeedImport:
    def __init__(
        self,
        path,
        kind="auto",
        report_path=None,
        today=None,
        batch_size=BATCH_SIZE,
        progress=None,
        reading_process=None,
        batches_per_transaction=None,
    ):
        self.path = str(path)
        self.requested_kind = kind
        self.report_path = Path(report_path) if report_path else default_report_path(path)
        self.today = today or timezone.localdate()
        self.batch_size = batch_size
        self.batches_per_transaction = batches_per_transaction or default_batches_per_transaction()
        self.progress = progress
        # None: decide by the file's size; True or False: always or never read in a second process.
        self.reading_process = reading_process
        self.summary = ImportSummary(report=str(self.report_path))

    def run(self):
        """Raises readers.FeedUnreadable or layouts.UnknownLayout when the file cannot be read."""
        with open_feed(self.path) as reader, sqlite_page_cache():
            layout = detect_layout(reader.header, self.requested_kind)
            self.summary.kind = str(layout.kind)
            self.kind = layout.kind
            # The credit-repair rules, read once (and inherited by the reading process).
            self.rules = load_rules()
            if self.kind == REPAIR_OUTCOMES:
                batches = self.repair_outcome_batches(reader)
            elif self.uses_reading_process(reader):
                batches = self.batches_from_reading_process(reader, layout)
            else:
                batches = self.staged_batches(reader, layout)
            # Closed however the loop ends, so that a failed write ends the reading process at once.
            with contextlib.closing(batches):
                self.write_all(batches, reader.size)
        return self.summary

    def write_all(self, batches, size):
        """Write the staged batches, ``batches_per_transaction`` per transaction. Each batch is
        read before its transaction begins, so that the write lock is held only while writing; a
        transaction the database refuses because another writer holds the lock for too long is
        tried again (the batch is still in hand), and the import goes on."""
        finished = statistics_checked = False
        while not finished:
            pending = []
            while len(pending) < self.batches_per_transaction and not finished:
                batch = next(batches)
                pending.append(batch)
                finished = batch.finished
            retry_when_busy(lambda pending=pending: self.write_transaction(pending), what="feed import")
            last = pending[-1]
            if not statistics_checked:
                statistics_checked = ensure_planner_statistics()
            # Reported once committed, so that others see the progress together with the records.
            if self.progress:
                self.progress(self.summary, last.bytes_done, size)

    def write_transaction(self, batches):
        """Write ``batches`` in one transaction. The summary's counts change only if it commits."""
        before = dataclasses.replace(self.summary)
        try:
            with transaction.atomic():
                for batch in batches:
                    self.summary.rows, self.summary.rejected = batch.rows, batch.rejected
                    self.write(batch.records)
        except BaseException:
            self.summary = before
            raise

    def uses_reading_process(self, reader):
        if self.reading_process is not None:
            return self.reading_process and can_fork()
        return reader.size >= READING_PROCESS_MIN_BYTES and usable_cores() > 1 and can_fork()

    def rows(self, reader):
        """The rows of the file; a seam where a subclass may watch or interrupt the stream."""
        return reader.rows()

    # The reading stage.

    def staged_batches(self, reader, layout):
        """Read, normalise, validate and hash every row; yield the valid ones a batch at a time
        and write the rejected ones to the report. The last batch has ``finished`` set."""
        report = RejectedRowsReport(self.report_path)
        keys = DocumentKeys(layout)
        rows = rejected = 0
        records = []
        try:
            for line, row in self.rows(reader):
                rows += 1
                errors = row_errors(row)
                if not errors:
                    fields, errors = build_record(layout, row, self.today)
                if not errors:
                    errors = keys.duplicate_errors(fields, line)
                if errors:
                    rejected += 1
                    for column, value, reason in errors:
                        report.add(line, column, value, reason)
                    continue
                fields["row_hash"] = row_hash(fields)
                fields["name_pinyin"], fields["name_initials"] = spellings(fields["subject_name"])
                fields["late"] = is_late(fields["decision_date"], self.today)
                if self.kind == RecordKind.PENALTY:
                    periods = self.rules.periods(fields)
                    fields.update(
                        severity=periods.severity,
                        repair_from=periods.repair_from,
                        publicity_until=periods.publicity_until,
                    )
                else:
                    fields.update(NO_PERIODS)
                records.append(staged_record(fields))
                if len(records) >= self.batch_size:
                    yield StagedBatch(records, rows, rejected, reader.progress())
                    records = []
        finally:
            report.close()
        yield StagedBatch(records, rows, rejected, reader.size, finished=True)

    def repair_outcome_batches(self, reader):
        """The rows of a file of repair outcomes: (document number, authority or "", repair date)."""
        report = RejectedRowsReport(self.report_path)
        rows = rejected = 0
        outcomes = []
        try:
            for line, row in self.rows(reader):
                rows += 1
                errors = row_errors(row)
                number, authority = text(row.get("CF_WSH")), text(row.get("CF_CFJG"))
                repaired_on = None
                if not errors:
                    try:
                        repaired_on = parse_date(row.get("CF_XFRQ"), "repaired_on")
                    except RowError as error:
                        errors = [("CF_XFRQ", error.value, error.reason)]
                if not errors and not number:
                    errors = [("CF_WSH", "", _("This column is required."))]
                if not errors and repaired_on is None:
                    errors = [("CF_XFRQ", "", _("This column is required."))]
                if not errors and repaired_on > self.today:
                    errors = [("CF_XFRQ", repaired_on.isoformat(), _("The repair date is in the future."))]
                if errors:
                    rejected += 1
                    for column, value, reason in errors:
                        report.add(line, column, value, reason)
                    continue
                outcomes.append((number, authority, repaired_on))
                if len(outcomes) >= self.batch_size:
                    yield StagedBatch(outcomes, rows, rejected, reader.progress())
                    outcomes = []
        finally:
            report.close()
        yield StagedBatch(outcomes, rows, rejected, reader.size, finished=True)

    def batches_from_reading_process(self, reader, layout):
        """The staged batches, read by a forked process while this one writes.

        The child inherits the open reader (this process does not touch it again) and sends each
        batch (marshalled: several times cheaper than pickling for tuples of strings), or the
        exception that stopped it, through a one-way pipe that holds at most a batch ahead, so
        memory stays flat. If this process stops, the child is ended.
        """
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=self._read_in_child, args=(reader, layout, sender, receiver), daemon=True
        )
        # The heap as it is now stays shared between the two processes only while no collection
        # walks it: a collection writes to every object it visits and so copies its pages.
        gc.freeze()
        try:
            try:
                child.start()
            except OSError:
                # No fork (out of memory or processes): read in this process instead.
                sender.close()
                receiver.close()
                yield from self.staged_batches(reader, layout)
                return
            sender.close()
            try:
                while True:
                    try:
                        message = receiver.recv_bytes()
                    except EOFError:
                        child.join()
                        raise FeedUnreadable(
                            _("Reading the file stopped unexpectedly (exit code %(code)s).")
                            % {"code": child.exitcode}
                        ) from None
                    if message[:1] == b"E":
                        raise pickle.loads(message[1:])
                    batch = StagedBatch(*marshal.loads(message[1:]))
                    yield batch
                    if batch.finished:
                        break
            finally:
                # With its pipe closed the child stops at its next send; a child stuck elsewhere
                # is ended.
                receiver.close()
                child.join(timeout=CHILD_EXIT_SECONDS)
                if child.is_alive():
                    child.kill()
                    child.join()
        finally:
            gc.unfreeze()

    def _read_in_child(self, reader, layout, sender, receiver):
        # The parent decides when to stop: Ctrl-C reaches it too, and a task worker's own handlers
        # (inherited with the fork) must not run here.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)
        receiver.close()
        # A hostile file (a row of millions of cells, say) fails this process, not the machine.
        limit_reading_memory()
        out_of_memory = False
        try:
            for batch in self.staged_batches(reader, layout):
                sender.send_bytes(b"B" + marshal.dumps(tuple(batch)))
        except MemoryError:
            # Reported below: until this handler is left, its traceback keeps the memory in use.
            out_of_memory = True
        except BaseException as error:  # noqa: BLE001 - handed to the parent, which raises it
            with contextlib.suppress(OSError):
                sender.send_bytes(b"E" + pickle.dumps(picklable(error)))
        finally:
            if out_of_memory:
                with contextlib.suppress(OSError):
                    sender.send_bytes(b"E" + pickle.dumps(reading_memory_exceeded()))
            sender.close()

    # The writing stage.

    def existing_records(self, records):
        """{(document number, authority): (pk, row hash, first imported on, late, repaired on)} of
        the stored records among ``records``."""
        numbers = sorted({record[_DOCUMENT] for record in records})
        existing = {}
        for start in range(0, len(numbers), LOOKUP_SLICE):
            for (
                pk,
                document_number,
                authority,
                stored_hash,
                first_imported_on,
                late,
                repaired_on,
            ) in PublicityRecord.objects.filter(
                kind=self.kind, document_number__in=numbers[start : start + LOOKUP_SLICE]
            ).values_list(
                "pk", "document_number", "authority", "row_hash", "first_imported_on", "late", "repaired_on"
            ):
                existing[document_number, authority] = (pk, stored_hash, first_imported_on, late, repaired_on)
        return existing

    def write(self, records):
        if not records:
            return
        if self.kind == REPAIR_OUTCOMES:
            repaired, unchanged, missing = apply_repairs(records, self.rules)
            self.summary.updated += repaired
            self.summary.unchanged += unchanged
            self.summary.not_found += missing
            return
        now = timezone.now()
        stored_now = connection.ops.adapt_datetimefield_value(now)
        with transaction.atomic(savepoint=False):
            existing = self.existing_records(records)
            creates, updates = {}, {}  # key → record, so that a row repeated within a batch is written once
            for record in records:
                key = (record[_DOCUMENT], record[_AUTHORITY])
                earlier = creates.get(key) or updates.get(key)
                stored_repair = None
                if earlier is not None:
                    previous_hash, late = earlier[_HASH], earlier[_LATE]
                elif key in existing:
                    _pk, previous_hash, _first, late, stored_repair = existing[key]
                else:
                    previous_hash, late = None, record[_LATE]
                self.summary.late += late
                repair = record[_REPAIRED]
                if repair is None and stored_repair is not None:
                    # A repair recorded earlier (its own file, an older feed) stays.
                    stored = stored_repair.isoformat()
                    until = end_with_repair(_as_date(record[_UNTIL]), stored_repair)
                    record = _with(record, {_REPAIRED: stored, _UNTIL: until and until.isoformat()})
                elif repair is not None and stored_repair is not None and repair == stored_repair.isoformat():
                    stored_repair = repair
                if previous_hash == record[_HASH] and (repair is None or repair == stored_repair):
                    self.summary.unchanged += 1
                    continue
                if previous_hash is None:
                    self.summary.created += 1
                else:
                    self.summary.updated += 1
                # A record keeps the lateness of its first import, also when a later row of the
                # same file corrects it.
                record = record[:_LATE] + (late,) + record[_LATE + 1 :]
                if key in existing:
                    updates[key] = record
                else:
                    creates[key] = record
            insert_records([record + (self.kind, self.today, stored_now) for record in creates.values()])
            if updates:
                PublicityRecord.objects.bulk_update(
                    [
                        PublicityRecord(
                            pk=existing[key][0],
                            kind=self.kind,
                            first_imported_on=existing[key][2],
                            updated_at=now,
                            **dict(zip(STAGED_FIELDS, record, strict=True)),
                        )
                        for key, record in updates.items()
                    ],
                    UPDATE_FIELDS,
                    batch_size=200,
                )


def _as_date(value):
    return datetime.date.fromisoformat(value) if value else None


def _with(record, values):
    """``record`` (a staged tuple) with the values at the given indexes replaced."""
    record = list(record)
    for index, value in values.items():
        record[index] = value
    return tuple(record)


def ensure_planner_statistics():
    """On PostgreSQL, analyse the records table if the planner has no statistics of its document
    numbers; True once that is settled.

    Without them the planner takes an IN list of document numbers to match most of the table and
    scans all of it for every lookup (about 20 ms each with 65,000 records, and more as the first
    import fills the table). Once analysed it knows the numbers are nearly unique, which stays true
    however the table grows, and probes the index (about 3 ms). Only a speed-up: a failure is logged
    and the import goes on.
    """
    if connection.vendor != "postgresql":
        return True
    table = PublicityRecord._meta.db_table
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = current_schema()"
                " AND tablename = %s AND attname = 'document_number')",
                [table],
            )
            if cursor.fetchone()[0]:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    except DatabaseError:
        logger.warning("Could not analyse %s for the import's lookups", table, exc_info=True)
    return True


def row_errors(row):
    """The problems a reader found with a row before its cells could be read."""
    if INVALID in row:
        return [(row.get(INVALID_COLUMN, ""), "", row[INVALID])]
    if EXTRA_CELLS in row:
        return [("", " | ".join(map(str, row[EXTRA_CELLS])), _("The row has more cells than the header."))]
    return []


def can_fork():
    # Forking a process that has loaded system frameworks is unsafe on macOS, and Windows cannot;
    # a daemonic process (as some task workers are) may not start children.
    return sys.platform.startswith("linux") and not multiprocessing.current_process().daemon


def usable_cores():
    # The cores this process may run on (a container or taskset may allow fewer than exist).
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def picklable(error):
    """``error`` if it survives the pipe both ways, else a RuntimeError that says what it was."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - any exception that will not cross the pipe
        return RuntimeError(repr(error))
    return error


def import_feed(path, kind="auto", **options):
    summary = FeedImport(path, kind=kind, **options).run()
    # The publicity pages (queries, statistics, credit profiles) show the feed.
    page_cache.purge_topic("publicity")
    return summary
