"""Feed files that would hurt the importer: zip bombs, runaway quotes, huge cells, repeated keys.

Each is refused with a clear reason (the file, or only the row, with its line), never counted as
success, and never takes the process (or the machine's memory) down with it.
"""

import csv
import resource
import zipfile

import pytest
from django.utils import translation

from integrity_site.core import readers
from integrity_site.core.readers import FeedUnreadable, open_feed
from integrity_site.demo.feedgen import PENALTY_CURRENT_COLUMNS, generate_feed, write_feed
from publicity.importer import FeedImport
from publicity.records import PublicityRecord
from tests.publicity_feeds import (  # noqa: F401 (fixture)
    import_command,
    penalty_row,
    report_dir,
    run_import,
    write_penalties,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The reasons are read in English here (the Chinese ones are checked once, below)."""
    with translation.override("en"):
        yield


BOTH_PATHS = pytest.mark.parametrize("reading_process", [False, True], ids=["in-process", "reading-process"])


def report_rows(summary):
    with open(summary["report"], encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))[1:]


def import_both_ways(path, reading_process, **options):
    summary = FeedImport(path, reading_process=reading_process, **options).run().as_dict()
    return summary, report_rows(summary)


# --- XLSX zip bombs ---------------------------------------------------------------------------


def sheet_xml_cell(value):
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def zip_bomb(path, tmp_path, megabytes=60, cell=b"<c><v>1</v></c>"):
    """A real workbook (written by openpyxl) whose sheet is replaced by a header row and one row
    of ``megabytes`` MB of repeated cells: it packs to a few hundred kilobytes."""
    template = tmp_path / "template.xlsx"
    write_feed(template, [penalty_row()], PENALTY_CURRENT_COLUMNS)
    header = "".join(sheet_xml_cell(name) for name in PENALTY_CURRENT_COLUMNS)
    chunk = cell * (1024 * 1024 // len(cell))
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(member, source.read(member))
                continue
            with bomb.open(member.filename, "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<?xml version="1.0" encoding="UTF-8"?>'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                )
                sheet.write(f'<row r="1">{header}</row><row r="2">'.encode())
                for _megabyte in range(megabytes):
                    sheet.write(chunk)
                sheet.write(b"</row></sheetData></worksheet>")
    return path


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    path = zip_bomb(tmp_path / "bomb.xlsx", tmp_path)
    assert path.stat().st_size < 1024 * 1024  # 60 MB of sheet in well under a megabyte
    opened = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *args, **kwargs: opened.append(args))

    with pytest.raises(FeedUnreadable) as error:
        open_feed(path)

    message = str(error.value)
    assert "xl/worksheets/sheet1.xml" in message and "PUBLICITY_XLSX_MAX_COMPRESSION_RATIO" in message
    assert "100 times" in message
    assert opened == []


def test_the_import_command_refuses_a_zip_bomb_with_exit_status_2(tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", tmp_path)

    code, summary, stderr, _lines = import_command(path)

    assert code == 2 and summary is None
    assert "PUBLICITY_XLSX_MAX_COMPRESSION_RATIO" in stderr
    assert not PublicityRecord.objects.exists()


def test_a_workbook_that_would_unpack_beyond_the_total_limit_is_refused(tmp_path, settings):
    path = tmp_path / "penalties.xlsx"
    generate_feed(path, "penalty", 300, seed=3)
    unpacked = sum(member.file_size for member in zipfile.ZipFile(path).infolist())
    settings.PUBLICITY_XLSX_MAX_UNPACKED_BYTES = unpacked - 1

    with pytest.raises(FeedUnreadable, match="PUBLICITY_XLSX_MAX_UNPACKED_BYTES"):
        open_feed(path)

    settings.PUBLICITY_XLSX_MAX_UNPACKED_BYTES = unpacked
    assert run_import(path)["created"] == 300


def test_an_ordinary_workbook_is_well_within_the_limits(tmp_path):
    path = tmp_path / "licences.xlsx"
    generate_feed(path, "licence", 3000, seed=4)

    readers.check_archive(path)  # no error
    largest = max(zipfile.ZipFile(path).infolist(), key=lambda member: member.file_size)
    assert largest.file_size < readers.XLSX_MAX_COMPRESSION_RATIO / 4 * largest.compress_size


# --- the reading process's memory limit ------------------------------------------------------------


class GreedyImport(FeedImport):
    """Its reading stage asks for far more memory than the limit allows."""

    def rows(self, reader):
        hoard = []
        for line, row in super().rows(reader):
            hoard.append(bytearray(64 * 1024 * 1024))
            yield line, row


def test_a_reading_process_over_its_memory_limit_fails_the_import_cleanly(tmp_path, settings):
    settings.PUBLICITY_READING_MEMORY_BYTES = 256 * 1024 * 1024
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 50, seed=5)
    limits_before = resource.getrlimit(resource.RLIMIT_AS)

    with pytest.raises(FeedUnreadable) as error:
        GreedyImport(path, reading_process=True).run()

    assert "PUBLICITY_READING_MEMORY_BYTES" in str(error.value) and "256.0" in str(error.value)
    # The limit held only in the reading process: this one is as before and imports on.
    assert resource.getrlimit(resource.RLIMIT_AS) == limits_before
    hoard = bytearray(512 * 1024 * 1024)
    del hoard
    assert FeedImport(path, reading_process=True).run().created == 50


def test_a_zip_bomb_let_through_the_archive_checks_is_stopped_by_the_memory_limit(tmp_path, settings):
    # With the archive checks out of the way, openpyxl builds the sheet's one huge row in memory.
    settings.PUBLICITY_XLSX_MAX_COMPRESSION_RATIO = 10**9
    settings.PUBLICITY_READING_MEMORY_BYTES = 256 * 1024 * 1024
    path = zip_bomb(tmp_path / "bomb.xlsx", tmp_path, megabytes=40)

    with pytest.raises(FeedUnreadable, match="PUBLICITY_READING_MEMORY_BYTES"):
        FeedImport(path, reading_process=True).run()

    assert resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY


# --- CSV quotes that are never closed ----------------------------------------------------------------


def licences_with_broken_lines(tmp_path, count, breaks):
    """``count`` licence rows (lines 2 to count + 1) with ``breaks`` {line: function(text) → text}."""
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", count, seed=6)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for line, spoil in breaks.items():
        lines[line - 1] = spoil(lines[line - 1])
    path.write_text("".join(lines), encoding="utf-8")
    return path


def open_quote(text):
    return '"' + text


@BOTH_PATHS
def test_a_quote_opened_on_line_4_and_never_closed_rejects_only_that_row(tmp_path, reading_process):
    path = licences_with_broken_lines(tmp_path, 400, {4: open_quote})

    summary, report = import_both_ways(path, reading_process)

    assert (summary["rows"], summary["created"], summary["rejected"]) == (400, 399, 1)
    assert [(row[0], row[1]) for row in report] == [("4", "")]
    assert "quotation mark" in report[0][3]
    assert PublicityRecord.objects.count() == 399


def test_the_import_command_reports_the_unclosed_quote_instead_of_three_rows(tmp_path):
    path = licences_with_broken_lines(tmp_path, 400, {4: open_quote})

    summary = run_import(path)

    assert (summary["rows"], summary["created"], summary["rejected"]) == (400, 399, 1)


def test_an_unclosed_quote_in_the_last_cell_is_found_at_the_end_of_the_file(tmp_path):
    # The swallowing cell is the last one, so the runaway record has the header's number of cells.
    path = licences_with_broken_lines(tmp_path, 50, {10: lambda text: text.rstrip("\r\n") + '"\r\n'})

    summary = run_import(path)

    assert (summary["rows"], summary["created"], summary["rejected"]) == (50, 49, 1)
    assert report_rows(summary)[0][0] == "10"


@BOTH_PATHS
def test_a_quote_closed_by_a_stray_quote_further_down_rejects_the_two_rows(tmp_path, reading_process):
    # Line 4 opens a quote in its first cell; line 30 opens another in its last cell, which closes
    # the first: lines 4 to 30 would be one record of one cell.
    path = licences_with_broken_lines(
        tmp_path, 100, {4: open_quote, 30: lambda text: text.rstrip("\r\n") + '"\r\n'}
    )

    summary, report = import_both_ways(path, reading_process)

    assert (summary["rows"], summary["created"], summary["rejected"]) == (100, 98, 2)
    assert [row[0] for row in report] == ["4", "30"]


def test_a_quoted_cell_over_several_lines_is_still_one_cell(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(
        path,
        [
            penalty_row(CF_WSH="M-1"),
            penalty_row(CF_WSH="M-2", CF_SY='当事人销售"过期"食品。\n第二段。\n第三段。'),
            penalty_row(CF_WSH="M-3", CF_JDRQ="2020-13-01"),
        ],
    )

    summary = run_import(path)

    assert (summary["rows"], summary["created"], summary["rejected"]) == (3, 2, 1)
    assert (
        PublicityRecord.objects.get(document_number="M-2").facts
        == '当事人销售"过期"食品。\n第二段。\n第三段。'
    )
    assert report_rows(summary)[0][0] == "6"  # M-2 takes lines 3 to 5


def test_a_row_over_more_lines_than_the_limit_is_rejected_and_the_rest_read(tmp_path, settings):
    settings.PUBLICITY_FEED_MAX_RECORD_LINES = 5
    path = tmp_path / "penalties.csv"
    write_penalties(
        path,
        [
            penalty_row(CF_WSH="L-1"),
            penalty_row(CF_WSH="L-2", CF_SY="\n".join(f"第{number}段。" for number in range(1, 8))),
            penalty_row(CF_WSH="L-3"),
        ],
    )

    summary = run_import(path)

    assert set(PublicityRecord.objects.values_list("document_number", flat=True)) == {"L-1", "L-3"}
    report = report_rows(summary)
    assert report[0][0] == "3" and "more than 5 lines" in report[0][3]
    # The lines of the broken row were read as rows of their own, and rejected as such.
    assert summary["rejected"] == len({row[0] for row in report}) == 7
    assert summary["created"] == 2


# --- huge cells -------------------------------------------------------------------------------------------


@BOTH_PATHS
def test_a_200000_character_cell_rejects_its_row_not_the_file(tmp_path, reading_process):
    path = tmp_path / "penalties.csv"
    rows = [penalty_row(CF_WSH=f"H-{number}") for number in range(1, 6)]
    rows[2]["CF_SY"] = "违" * 200_000
    write_penalties(path, rows)

    summary, report = import_both_ways(path, reading_process)

    assert (summary["rows"], summary["created"], summary["rejected"]) == (5, 4, 1)
    assert report[0][0] == "4" and "100,000" in report[0][3]
    assert not PublicityRecord.objects.filter(document_number="H-3").exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_a_cell_over_the_limit_is_reported_with_its_column(tmp_path, settings, file_format):
    settings.PUBLICITY_FEED_MAX_CELL_CHARS = 1000
    path = tmp_path / f"penalties.{file_format}"
    write_penalties(path, [penalty_row(CF_WSH="C-1"), penalty_row(CF_WSH="C-2", CF_YJ="依据" * 600)])

    summary = run_import(path)

    assert (summary["created"], summary["rejected"]) == (1, 1)
    line, column, _value, reason = report_rows(summary)[0]
    assert column == "CF_YJ" and "1,200" in reason and "1,000" in reason
    if file_format != "json":
        assert line == "3"


def test_a_cell_under_the_limit_but_over_the_csv_modules_default_is_read(tmp_path, settings):
    settings.PUBLICITY_FEED_MAX_CELL_CHARS = 300_000
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row(CF_WSH="B-1", CF_SY="违" * 200_000)])

    summary = run_import(path)

    assert summary["created"] == 1
    assert len(PublicityRecord.objects.get().facts) == 200_000


def test_a_line_too_long_to_be_a_row_stops_the_file_with_its_line(tmp_path, settings, monkeypatch):
    monkeypatch.setattr(readers, "MAX_RECORD_CHARS", 10_000)
    settings.PUBLICITY_FEED_MAX_CELL_CHARS = 100
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row(CF_WSH="T-1")])
    with open(path, "a", encoding="utf-8") as file:
        file.write("x" * 20_000 + "\n")

    code, summary, stderr, _lines = import_command(path)

    assert code == 2 and summary is None
    assert "Line 3" in stderr and "10,000" in stderr


# --- keys repeated within one file ------------------------------------------------------------------------


@BOTH_PATHS
def test_a_repeated_key_rejects_the_later_row_naming_the_line_of_the_first(tmp_path, reading_process):
    path = tmp_path / "penalties.csv"
    write_penalties(
        path,
        [
            penalty_row(CF_WSH="K-1", CF_NR_FK="0.5"),
            penalty_row(CF_WSH="K-2"),
            penalty_row(CF_WSH="K-1", CF_NR_FK="9"),  # line 4: the same number and authority
            penalty_row(CF_WSH="K-1", CF_CFJG="济南市历下区卫生健康局"),  # another authority: another record
        ],
    )

    summary, report = import_both_ways(path, reading_process, batch_size=1, batches_per_transaction=1)

    assert (summary["rows"], summary["created"], summary["updated"], summary["rejected"]) == (4, 3, 0, 1)
    assert report == [
        [
            "4",
            "CF_WSH",
            "K-1",
            "The same decision document number and authority as the row on line 2; "
            "only that first row is imported.",
        ]
    ]
    first = PublicityRecord.objects.get(document_number="K-1", authority="济南市历下区市场监督管理局")
    assert str(first.fine_amount) == "0.500000"


def test_a_rejected_row_does_not_claim_its_key(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(
        path, [penalty_row(CF_WSH="R-1", CF_JDRQ="2020-13-01"), penalty_row(CF_WSH="R-1", CF_NR_FK="3")]
    )

    summary = run_import(path)

    assert (summary["created"], summary["rejected"]) == (1, 1)
    assert str(PublicityRecord.objects.get().fine_amount) == "3.000000"


def test_a_repeated_key_in_a_licence_file_is_reported_by_its_document_column(tmp_path):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 20, seed=7)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[5]]), encoding="utf-8")

    summary = run_import(path)

    assert (summary["rows"], summary["created"], summary["rejected"]) == (21, 20, 1)
    line, column, _value, reason = report_rows(summary)[0]
    assert (line, column) == ("22", "XK_WSH") and "line 6" in reason


def test_the_reasons_are_written_in_the_sites_language(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row(CF_WSH="Z-1"), penalty_row(CF_WSH="Z-1")])

    with translation.override("zh-hans"):
        summary = FeedImport(path).run().as_dict()

    assert report_rows(summary)[0][3] == "决定文书号和机关与第2行相同，只导入第2行。"


def test_the_table_of_keys_keeps_every_first_line_as_it_grows():
    from publicity.layouts import PENALTY_CURRENT
    from publicity.normalise import DocumentKeys

    keys = DocumentKeys(PENALTY_CURRENT)
    for line in range(2, 5002):
        assert keys.first_line(f"罚-{line}", "济南市历下区市场监督管理局", line) is None
    assert len(keys.hashes) > DocumentKeys.INITIAL_SLOTS and keys.used == 5000

    assert keys.first_line("罚-2", "济南市历下区市场监督管理局", 6000) == 2
    assert keys.first_line("罚-4321", "济南市历下区市场监督管理局", 6001) == 4321
    assert keys.first_line("罚-4321", "济南市历下区卫生健康局", 6002) is None
    assert keys.used == 5001
