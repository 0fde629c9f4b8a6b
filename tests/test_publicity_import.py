"""Importing the publicity data feed with `manage.py import_publicity_feed`."""

import csv
import datetime
import json
import os
import signal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrity_site.core.readers import FeedUnreadable
from integrity_site.demo.feedgen import (
    DISHONEST_COLUMNS,
    LICENCE_2016_COLUMNS,
    LICENCE_CURRENT_COLUMNS,
    PENALTY_2016_COLUMNS,
    generate_feed,
    write_feed,
)
from publicity import importer
from publicity.importer import FeedImport, import_feed
from publicity.records import ImportRun, PublicityRecord, RecordKind, SubjectCategory
from tests.publicity_feeds import (  # noqa: F401 (fixture)
    import_command,
    licence_row,
    penalty_row,
    report_dir,
    run_import,
    write_penalties,
)

pytestmark = pytest.mark.django_db


def report_rows(summary):
    with open(summary["report"], encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))[1:]


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json", "jsonl"])
def test_an_editor_imports_a_penalty_feed_in_every_format(tmp_path, file_format):
    path = tmp_path / f"penalties.{file_format}"
    generate_feed(path, "penalty", 120, seed=1)

    summary = run_import(path)

    assert summary == {
        "kind": "penalty",
        "rows": 120,
        "created": 120,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "late": summary["late"],
        "report": summary["report"],
    }
    assert PublicityRecord.objects.filter(kind=RecordKind.PENALTY).count() == 120
    assert report_rows(summary) == []
    assert ImportRun.objects.get().summary == summary


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gbk", False)])
def test_csv_feeds_are_read_in_utf8_with_or_without_bom_and_in_gbk(tmp_path, encoding, bom):
    path = tmp_path / "penalties.csv"
    write_penalties(
        path,
        [
            penalty_row(
                CF_XDR_MC="历下区甸柳庄王芳眼镜店", CF_XDR_LB="个体工商户", CF_XDR_SHXYM="00000000000000000X"
            )
        ],
        encoding=encoding,
        bom=bom,
    )

    summary = run_import(path)

    assert summary["created"] == 1
    record = PublicityRecord.objects.get()
    assert record.subject_name == "历下区甸柳庄王芳眼镜店"
    assert record.subject_category == SubjectCategory.INDIVIDUAL_BUSINESS
    assert record.authority == "济南市历下区市场监督管理局"


@pytest.mark.parametrize(
    ("kind", "layout", "columns"),
    [
        ("licence", "current", LICENCE_CURRENT_COLUMNS),
        ("licence", "2016", LICENCE_2016_COLUMNS),
        ("penalty", "2016", PENALTY_2016_COLUMNS),
        ("dishonest", "current", DISHONEST_COLUMNS),
    ],
)
def test_kind_and_layout_are_detected_from_the_header(tmp_path, kind, layout, columns):
    path = tmp_path / "feed.csv"
    generate_feed(path, kind, 50, layout=layout, seed=2)

    summary = run_import(path)

    assert summary["kind"] == kind
    assert summary["created"] == 50 and summary["rejected"] == 0
    assert PublicityRecord.objects.filter(kind=kind).count() == 50


def test_the_2016_layout_fills_the_same_fields_as_the_current_one(tmp_path):
    path = tmp_path / "old.csv"
    write_feed(
        path,
        [
            {
                "XK_WSH": "济历审批许字〔2016〕88号",
                "XK_XMMC": "食品经营许可",
                "XK_SPLB": "普通",
                "XK_NR": "准予许可",
                "XK_XDR": "济南千佛山路明华商贸有限公司",
                "XK_XDR_SHXYM": "91230500MA1B3N1N2M",
                "XK_FR": "张明华",
                "XK_JDRQ": "2016/05/04",
                "XK_JZQ": "2021/05/03",
                "XK_XZJG": "济南市历下区行政审批服务局",
            },
            {
                "XK_WSH": "济历审批许字〔2016〕89号",
                "XK_XMMC": "公共场所卫生许可",
                "XK_NR": "准予许可",
                "XK_XDR": "赵秀英",
                "XK_XDR_SFZ": "370102196512120021",
                "XK_JDRQ": "20160506",
                "XK_XZJG": "济南市历下区行政审批服务局",
            },
        ],
        LICENCE_2016_COLUMNS,
    )

    run_import(path)

    company, person = PublicityRecord.objects.order_by("document_number")
    assert (company.subject_name, company.credit_code, company.legal_representative) == (
        "济南千佛山路明华商贸有限公司",
        "91230500MA1B3N1N2M",
        "张明华",
    )
    assert (company.title, company.decision_date, company.valid_until) == (
        "食品经营许可",
        datetime.date(2016, 5, 4),
        datetime.date(2021, 5, 3),
    )
    assert person.subject_category == SubjectCategory.NATURAL_PERSON
    assert person.credit_code == ""
    assert "370102196512120021" not in str(PublicityRecord.objects.values_list().get(pk=person.pk))


def test_the_kind_can_be_forced_and_a_mismatching_header_is_refused(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row()])

    assert run_import(path, "--kind", "penalty")["created"] == 1
    code, summary, stderr, _lines = import_command(path, "--kind", "licence")

    assert code == 2 and summary is None
    assert "penalty" in stderr.lower() or "处罚" in stderr


def test_a_file_that_cannot_be_read_exits_2_with_the_reason(tmp_path):
    missing_code, _summary, missing_error, _ = import_command(tmp_path / "nowhere.csv")
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("名称,日期\n甲,2020-01-01\n", encoding="utf-8")
    unknown_code, _summary, unknown_error, _ = import_command(unknown)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    broken_code, _summary, broken_error, _ = import_command(broken)

    assert (missing_code, unknown_code, broken_code) == (2, 2, 2)
    assert "nowhere.csv" in missing_error
    assert ImportRun.objects.filter(status=ImportRun.Status.FAILED).count() == 3
    assert "XK_WSH" in unknown_error
    assert broken_error.strip()
    assert PublicityRecord.objects.count() == 0


def test_bad_rows_are_reported_with_line_column_and_reason_and_the_good_ones_kept(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(
        path,
        [
            penalty_row(CF_WSH="A-1"),
            penalty_row(CF_WSH="A-2", CF_XDR_SHXYM="91350100M000100Y44"),
            penalty_row(CF_WSH="A-3", CF_JDRQ="2020-02-30"),
            penalty_row(CF_WSH="A-4"),
        ],
    )

    summary = run_import(path)

    assert (summary["rows"], summary["created"], summary["rejected"]) == (4, 2, 2)
    assert sorted(PublicityRecord.objects.values_list("document_number", flat=True)) == ["A-1", "A-4"]
    rejected = report_rows(summary)
    assert [(line, column) for line, column, _value, _reason in rejected] == [
        ("3", "CF_XDR_SHXYM"),
        ("4", "CF_JDRQ"),
    ]
    assert "91350100M000100Y44" in rejected[0][3]
    assert "2020-02-30" in rejected[1][3]


def test_line_numbers_count_physical_lines_of_multi_line_cells(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(
        path, [penalty_row(CF_WSH="B-1", CF_SY="第一行\n第二行"), penalty_row(CF_WSH="B-2", CF_JDRQ="")]
    )

    summary = run_import(path)

    assert report_rows(summary)[0][:2] == ["4", "CF_JDRQ"]


def test_importing_the_same_file_twice_creates_nothing_the_second_time(tmp_path):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 300, seed=5, bad_share=0.1)
    first = run_import(path)

    with CaptureQueriesContext(connection) as queries:
        second = run_import(path)

    assert first["created"] == first["rows"] - first["rejected"]
    assert (second["created"], second["updated"]) == (0, 0)
    assert second["unchanged"] == second["rows"] - second["rejected"]
    assert second["rejected"] == first["rejected"] and second["late"] == first["late"]
    # An unchanged import only reads its records: one lookup per batch, no writes. (On PostgreSQL
    # it also asks pg_stats whether the table has statistics, naming it as a string, not a table.)
    record_queries = [
        query["sql"] for query in queries.captured_queries if '"publicity_publicityrecord"' in query["sql"]
    ]
    assert len(record_queries) == 1  # 300 rows, one batch
    assert record_queries[0].lstrip().upper().startswith("SELECT")


def test_a_corrected_file_updates_records_in_place(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row(CF_WSH="C-1"), penalty_row(CF_WSH="C-2")])
    run_import(path)
    original = PublicityRecord.objects.get(document_number="C-1")
    write_penalties(path, [penalty_row(CF_WSH="C-1", CF_NR_FK="0.8"), penalty_row(CF_WSH="C-2")])

    summary = run_import(path)

    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 1, 1)
    corrected = PublicityRecord.objects.get(document_number="C-1")
    assert corrected.pk == original.pk
    assert str(corrected.fine_amount) == "0.800000"
    assert PublicityRecord.objects.count() == 2


def test_the_same_document_number_from_another_authority_is_another_record(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(
        path, [penalty_row(CF_WSH="D-1"), penalty_row(CF_WSH="D-1", CF_CFJG="济南市历下区卫生健康局")]
    )

    summary = run_import(path)

    assert summary["created"] == 2


def test_a_key_repeated_in_one_file_keeps_the_first_row_and_rejects_the_others(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(
        path, [penalty_row(CF_WSH="E-1"), penalty_row(CF_WSH="E-1"), penalty_row(CF_WSH="E-1", CF_NR_FK="2")]
    )

    summary = run_import(path)

    assert (summary["created"], summary["unchanged"], summary["updated"], summary["rejected"]) == (1, 0, 0, 2)
    assert str(PublicityRecord.objects.get().fine_amount) == "0.500000"


class InterruptedImport(FeedImport):
    """An import stopped (as by Ctrl-C or a killed worker) after reading ``stop_after`` rows."""

    def __init__(self, *args, stop_after, **kwargs):
        super().__init__(*args, **kwargs)
        self.stop_after = stop_after

    def rows(self, reader):
        for number, row in enumerate(super().rows(reader), start=1):
            if number > self.stop_after:
                raise KeyboardInterrupt
            yield row


@pytest.mark.parametrize("reading_process", [False, True], ids=["in-process", "reading-process"])
def test_an_interrupted_import_leaves_whole_batches_and_a_rerun_finishes_the_job(tmp_path, reading_process):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 250, seed=7)

    with pytest.raises(KeyboardInterrupt):
        InterruptedImport(
            path, batch_size=50, batches_per_transaction=2, stop_after=230, reading_process=reading_process
        ).run()

    # Two whole transactions of two batches each; the 30 rows read of the third are not kept.
    assert PublicityRecord.objects.count() == 200
    summary = import_feed(path, batch_size=100)
    assert (summary.created, summary.unchanged) == (50, 200)
    assert PublicityRecord.objects.count() == 250


def test_late_counts_records_imported_more_than_seven_working_days_after_the_decision(tmp_path):
    # Decided on Wednesday 23 September 2020; the National Day holiday runs 1–8 October and
    # Sunday 27 September and Saturday 10 October are working days.
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row(CF_WSH="F-1", CF_JDRQ="2020-09-23", CF_GSJZQ="2021-09-23")])
    on_time = FeedImport(path, today=datetime.date(2020, 10, 9)).run()  # 24,25,27,28,29,30 Sep, 9 Oct: 7
    PublicityRecord.objects.all().delete()
    late = FeedImport(path, today=datetime.date(2020, 10, 10)).run()  # + Saturday 10 October: 8

    assert (on_time.late, late.late) == (0, 1)
    assert PublicityRecord.objects.get().late is True


def test_a_later_reimport_keeps_the_first_import_date_for_lateness(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row(CF_WSH="G-1", CF_JDRQ="2020-11-02")])
    FeedImport(path, today=datetime.date(2020, 11, 3)).run()

    again = FeedImport(path, today=datetime.date(2020, 12, 31)).run()

    assert (again.unchanged, again.late) == (1, 0)
    assert PublicityRecord.objects.get().first_imported_on == datetime.date(2020, 11, 3)


def test_a_json_lines_file_loses_only_its_broken_line(tmp_path):
    path = tmp_path / "penalties.jsonl"
    path.write_text(
        json.dumps(penalty_row(CF_WSH="H-1"), ensure_ascii=False)
        + "\n"
        + '{"CF_WSH": "H-2", broken\n'
        + json.dumps(penalty_row(CF_WSH="H-3"), ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )

    summary = run_import(path)

    assert (summary["rows"], summary["created"], summary["rejected"]) == (3, 2, 1)
    assert report_rows(summary)[0][0] == "2"


def test_a_row_with_more_cells_than_the_header_is_rejected(tmp_path):
    path = tmp_path / "licences.csv"
    header = ",".join(LICENCE_CURRENT_COLUMNS)
    good = ",".join(licence_row().get(column, "") for column in LICENCE_CURRENT_COLUMNS)
    path.write_text(f"{header}\n{good}\n{good},surplus\n", encoding="utf-8")

    summary = run_import(path)

    assert (summary["created"], summary["unchanged"], summary["rejected"]) == (1, 0, 1)


def test_xlsx_cells_may_hold_real_dates_and_numbers(tmp_path):
    from openpyxl import Workbook

    from integrity_site.demo.feedgen import PENALTY_CURRENT_COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(PENALTY_CURRENT_COLUMNS)
    row = penalty_row(CF_WSH="X-1", CF_JDRQ=datetime.datetime(2020, 11, 2), CF_GSJZQ=44501, CF_NR_FK=0.25)
    sheet.append([row.get(column) for column in PENALTY_CURRENT_COLUMNS])
    sheet.append([None] * len(PENALTY_CURRENT_COLUMNS))  # trailing empty rows are not records
    workbook.save(tmp_path / "penalties.xlsx")

    summary = run_import(tmp_path / "penalties.xlsx")

    assert (summary["rows"], summary["created"]) == (1, 1)
    record = PublicityRecord.objects.get()
    assert (record.decision_date, record.publicity_until) == (
        datetime.date(2020, 11, 2),
        datetime.date(2021, 11, 1),
    )
    assert str(record.fine_amount) == "0.250000"


def test_json_records_may_hold_numbers(tmp_path):
    path = tmp_path / "penalties.json"
    path.write_text(
        json.dumps([penalty_row(CF_WSH="J-1", CF_JDRQ=20201102, CF_NR_FK=1.5)], ensure_ascii=False),
        encoding="utf-8",
    )

    run_import(path)

    record = PublicityRecord.objects.get()
    assert record.decision_date == datetime.date(2020, 11, 2)
    assert str(record.fine_amount) == "1.500000"


@pytest.mark.postgres
def test_on_postgresql_new_records_are_copied_in_with_every_value_intact(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(
        path,
        [penalty_row(CF_WSH="P-1", CF_NR_FK="0.123456", CF_JDRQ="2020-02-29", CF_SY="含\t制表符\n和换行")],
    )

    with CaptureQueriesContext(connection) as queries:
        summary = run_import(path)

    assert summary["created"] == 1
    assert not any(
        query["sql"].lstrip().upper().startswith('INSERT INTO "PUBLICITY_PUBLICITYRECORD"')
        for query in queries.captured_queries
    )
    record = PublicityRecord.objects.get()
    assert (str(record.fine_amount), record.decision_date) == ("0.123456", datetime.date(2020, 2, 29))
    assert record.facts == "含\t制表符\n和换行"
    assert record.updated_at.tzinfo is not None
    assert run_import(path)["unchanged"] == 1


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_memory_stays_flat_whatever_the_file_size(tmp_path, file_format):
    # (XLSX is streamed by openpyxl's read-only mode; measuring it under tracemalloc is too slow here.)
    import tracemalloc

    peaks = []
    for count in (600, 3600):
        path = tmp_path / f"licences-{count}.{file_format}"
        generate_feed(path, "licence", count, seed=count)
        tracemalloc.start()
        # Both stages in this process, so that tracemalloc sees all of it.
        import_feed(path, batch_size=200, reading_process=False)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()

    small, large = peaks
    # Six times the rows, about the same memory: only one batch is ever held.
    assert large < small * 1.5, peaks


class WitnessedImport(FeedImport):
    """An import that notes which process read the rows, and may kill that process part-way."""

    def __init__(self, *args, witness, die_after=None, die_by=signal.SIGKILL, **kwargs):
        super().__init__(*args, **kwargs)
        self.witness, self.die_after, self.die_by = witness, die_after, die_by

    def rows(self, reader):
        self.witness.write_text(str(os.getpid()))
        for number, row in enumerate(super().rows(reader), start=1):
            if self.die_after and number == self.die_after + 1:
                os.kill(os.getpid(), self.die_by)
            yield row


def stored_records():
    fields = [
        field.attname
        for field in PublicityRecord._meta.concrete_fields
        if field.attname not in ("id", "updated_at")
    ]
    return list(PublicityRecord.objects.order_by("document_number", "authority").values_list(*fields))


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "jsonl"])
def test_a_large_file_read_in_a_second_process_gives_the_same_records_summary_and_report(
    tmp_path, file_format
):
    path = tmp_path / f"licences.{file_format}"
    generate_feed(path, "licence", 600, seed=5, bad_share=0.05)
    witness = tmp_path / "reader.pid"

    alone = WitnessedImport(
        path, batch_size=100, reading_process=False, witness=witness, report_path=tmp_path / "alone.csv"
    ).run()
    assert int(witness.read_text()) == os.getpid()
    records_alone = stored_records()
    PublicityRecord.objects.all().delete()
    paired = WitnessedImport(
        path, batch_size=100, reading_process=True, witness=witness, report_path=tmp_path / "paired.csv"
    ).run()

    assert int(witness.read_text()) != os.getpid()
    assert alone.rejected > 0
    assert dict(alone.as_dict(), report="") == dict(paired.as_dict(), report="")
    assert stored_records() == records_alone
    assert (tmp_path / "alone.csv").read_bytes() == (tmp_path / "paired.csv").read_bytes()


def test_the_file_size_decides_whether_a_second_process_reads_it(tmp_path, monkeypatch):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 50, seed=6)
    witness = tmp_path / "reader.pid"

    monkeypatch.setattr(importer, "READING_PROCESS_MIN_BYTES", path.stat().st_size + 1)
    WitnessedImport(path, witness=witness).run()
    read_here = int(witness.read_text())
    monkeypatch.setattr(importer, "READING_PROCESS_MIN_BYTES", path.stat().st_size)
    WitnessedImport(path, witness=witness).run()

    assert read_here == os.getpid()
    assert int(witness.read_text()) != os.getpid() or os.cpu_count() == 1


def test_a_file_unreadable_part_way_stops_the_import_the_same_way_in_a_second_process(tmp_path):
    good = tmp_path / "good.csv"
    generate_feed(good, "licence", 3000, seed=8)
    path = tmp_path / "mixed.csv"
    # UTF-8 for far beyond the 64 KB the encoding is detected from, then GBK bytes.
    path.write_bytes(good.read_bytes() + "济南市历下区,损坏\n".encode("gbk"))
    outcomes = []
    for reading_process in (False, True):
        PublicityRecord.objects.all().delete()
        with pytest.raises(FeedUnreadable) as error:
            FeedImport(
                path, batch_size=1000, batches_per_transaction=1, reading_process=reading_process
            ).run()
        outcomes.append((str(error.value), PublicityRecord.objects.count()))

    alone, paired = outcomes
    assert alone == paired
    assert "UTF-8" in alone[0] and alone[1] == 2000


def test_a_reading_process_that_dies_fails_the_import_and_keeps_the_whole_batches(tmp_path):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 250, seed=9)

    with pytest.raises(FeedUnreadable, match="-9"):
        WitnessedImport(
            path,
            batch_size=100,
            batches_per_transaction=1,
            reading_process=True,
            witness=tmp_path / "pid",
            die_after=150,
        ).run()

    assert PublicityRecord.objects.count() == 100
    assert (import_feed(path, batch_size=100).created, PublicityRecord.objects.count()) == (150, 250)


class FailingWrite(FeedImport):
    """An import whose database write fails at the second batch."""

    def write(self, records):
        if self.summary.rows > 100:
            raise RuntimeError("the database went away")
        super().write(records)


def test_a_failed_write_ends_the_reading_process_at_once(tmp_path):
    import gc
    import multiprocessing

    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 3000, seed=10)  # more than the pipe holds: the child is still reading

    try:
        FailingWrite(path, batch_size=100, batches_per_transaction=1, reading_process=True).run()
    except RuntimeError as error:
        failure = error  # its traceback keeps the import's frames, and so their locals, alive

    assert "went away" in str(failure) and failure.__traceback__ is not None
    assert multiprocessing.active_children() == []
    assert gc.get_freeze_count() == 0
    assert PublicityRecord.objects.count() == 100


def test_a_corrected_row_in_a_later_file_keeps_the_lateness_of_the_first(tmp_path):
    # Decided on Monday 2 November 2020; imported on Wednesday 11 November: 7 working days, on time.
    # The correction says 30 October (Friday): 8 working days, but the record was first seen on time.
    # (Within one file a second row with the same key is rejected instead.)
    first_path, corrected_path = tmp_path / "penalties.csv", tmp_path / "corrected.csv"
    write_penalties(first_path, [penalty_row(CF_WSH="G-1", CF_JDRQ="2020-11-02")])
    write_penalties(corrected_path, [penalty_row(CF_WSH="G-1", CF_JDRQ="2020-10-30")])

    first = FeedImport(first_path, today=datetime.date(2020, 11, 11)).run()
    corrected = FeedImport(corrected_path, today=datetime.date(2020, 11, 11)).run()
    again = FeedImport(corrected_path, today=datetime.date(2020, 11, 11)).run()

    record = PublicityRecord.objects.get()
    assert record.decision_date == datetime.date(2020, 10, 30) and record.late is False
    assert corrected.updated == 1 and again.unchanged == 1
    assert first.late == corrected.late == again.late == 0


class UnpicklableError(Exception):
    def __init__(self, message, detail):
        super().__init__(message)
        self.detail = detail


class FailingRead(FeedImport):
    """An import whose reading stage fails with an exception that cannot be rebuilt from its args."""

    def rows(self, reader):
        raise UnpicklableError("the reader broke", "detail")
        yield  # pragma: no cover


def test_an_error_that_cannot_cross_the_pipe_still_reaches_the_import_by_its_name(tmp_path):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 10, seed=11)

    with pytest.raises(RuntimeError, match="UnpicklableError.*the reader broke"):
        FailingRead(path, reading_process=True).run()


def test_a_terminated_reading_process_ends_instead_of_running_the_workers_handler(tmp_path):
    # A task worker handles SIGTERM by finishing its task first; the forked reader inherits that
    # handler unless it restores the default, and would then read on after being told to stop.
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 300, seed=12)
    handler_ran = tmp_path / "handler-ran"
    previous = signal.signal(signal.SIGTERM, lambda *_args: handler_ran.write_text("ran"))
    try:
        with pytest.raises(FeedUnreadable, match="-15"):
            WitnessedImport(
                path,
                batch_size=100,
                batches_per_transaction=1,
                reading_process=True,
                witness=tmp_path / "pid",
                die_after=150,
                die_by=signal.SIGTERM,
            ).run()
    finally:
        signal.signal(signal.SIGTERM, previous)

    assert not handler_ran.exists()
    assert PublicityRecord.objects.count() == 100
