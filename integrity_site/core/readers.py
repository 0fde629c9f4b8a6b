"""Streaming readers for uploaded data files (the publicity feed, honour-list spreadsheets): CSV
(UTF-8 or GBK, with or without BOM), XLSX and JSON (an array or one object per line). Each yields ``(line, row)`` with ``row`` keyed by normalised column
names, reading a bounded amount at a time so that memory stays flat whatever the file size.

``line`` is the line of the file where the row starts (CSV, JSON), or the spreadsheet row (XLSX).

A file may be hostile or broken; none of it may take the import down or pass for success:

- a cell longer than ``PUBLICITY_FEED_MAX_CELL_CHARS`` rejects its row, not the file;
- in a CSV, a quotation mark that is never closed would swallow every later line into one cell.
  A row that runs over several lines and then does not have the header's number of cells, that
  is still open at the end of the file, or that runs over more than
  ``PUBLICITY_FEED_MAX_RECORD_LINES`` lines, is rejected (by the line it starts on), and the lines
  after its first are read again as rows of their own;
- an XLSX workbook is a zip archive: before it is opened, its members' declared sizes (which
  bound what unpacking them can give) must stay under ``PUBLICITY_XLSX_MAX_UNPACKED_BYTES`` in
  all and each under ``PUBLICITY_XLSX_MAX_COMPRESSION_RATIO`` times its packed size, so that a zip
  bomb is refused before a byte of it is unpacked;
- the reading process that the importer forks for large files runs under an address-space limit
  (``limit_reading_memory``): a file that needs more memory than that fails with a clear error
  instead of taking the machine's memory.
"""

import codecs
import collections
import contextlib
import csv
import functools
import io
import json
import os
import re
import unicodedata
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SAMPLE_BYTES = 64 * 1024
CHUNK_CHARS = 64 * 1024
EXTRA_CELLS = None  # key under which cells beyond the header are kept, as csv.DictReader does
INVALID = "\x00invalid"  # key of a record that could not be decoded, with the reason
INVALID_COLUMN = "\x00column"  # with INVALID: the column the reason is about, when there is one
MAX_RECORD_CHARS = 16 * 1024 * 1024

# The limits, each a setting (these are the defaults). The settings keep the names they were given
# for the publicity feed, the first file these readers read.
MAX_CELL_CHARS = 100_000
MAX_RECORD_LINES = 100
XLSX_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
XLSX_MAX_COMPRESSION_RATIO = 100
# Members smaller than this are not held to the ratio: tiny XML parts compress oddly.
XLSX_RATIO_MIN_BYTES = 1024 * 1024
READING_MEMORY_BYTES = 1024 * 1024 * 1024


def max_cell_chars():
    return int(getattr(settings, "PUBLICITY_FEED_MAX_CELL_CHARS", MAX_CELL_CHARS))


def max_record_lines():
    return int(getattr(settings, "PUBLICITY_FEED_MAX_RECORD_LINES", MAX_RECORD_LINES))


def reading_memory_bytes():
    return int(getattr(settings, "PUBLICITY_READING_MEMORY_BYTES", READING_MEMORY_BYTES))


class FeedUnreadable(Exception):
    """The file cannot be read at all (or, part-way, any further)."""


def detect_format(path):
    extension = os.path.splitext(str(path))[1].lower()
    if extension in (".csv", ".txt"):
        return "csv"
    if extension in (".xlsx", ".xlsm"):
        return "xlsx"
    if extension in (".json", ".jsonl", ".ndjson"):
        return "json"
    with open(path, "rb") as file:
        start = file.read(SAMPLE_BYTES)
    if start.startswith(b"PK\x03\x04"):
        return "xlsx"
    if start.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def detect_encoding(sample):
    """UTF-8 (with or without BOM) when the sample decodes as UTF-8, else GBK (read as GB 18030,
    its superset, so that rarer characters survive)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def normalise_header(value):
    """``XK_WSH``, `` xk_wsh ``, full-width ``ＸＫ＿ＷＳＨ`` and ``XK_WSH 决定文书号`` name one column."""
    text = unicodedata.normalize("NFKC", str(value or "")).replace("\ufeff", "").strip()
    return text.split()[0].upper() if text else ""


@functools.lru_cache(maxsize=1024)
def _column(name):
    return normalise_header(name)


class FeedReader:
    def __init__(self, path):
        self.path = str(path)
        try:
            self.size = os.path.getsize(self.path)
        except OSError as error:
            raise FeedUnreadable(
                _("The file cannot be opened: %(error)s") % {"error": error.strerror}
            ) from None
        self.header = []

    def progress(self):
        """Bytes (or the equivalent) read so far, for progress reports."""
        return 0

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _BrokenRecord(Exception):  # noqa: N818 - a signal between CsvReader's parts, never raised out of it
    """The record being read runs over too many lines: a quoted cell in it is not closed."""


class CsvReader(FeedReader):
    """Physical lines are handed to the csv module one at a time, and the lines of the record it is
    reading are kept (at most ``PUBLICITY_FEED_MAX_RECORD_LINES`` of them), so that a record that
    turns out to be broken can be rejected by its first line and the lines after it read again."""

    def __init__(self, path):
        super().__init__(path)
        self.binary = open(self.path, "rb")
        sample = self.binary.read(SAMPLE_BYTES)
        self.binary.seek(0)
        self.encoding = detect_encoding(sample)
        self.text = io.TextIOWrapper(self.binary, encoding=self.encoding, newline="")
        self.max_cell = max_cell_chars()
        self.max_lines = max_record_lines()
        # Longer cells are rejected by the check below; the csv module's own limit (process-wide,
        # 131,072 by default) only has to let them reach it.
        if csv.field_size_limit() < self.max_cell:
            csv.field_size_limit(self.max_cell)
        self.max_line_chars = max(MAX_RECORD_CHARS, 8 * self.max_cell)
        self.record = []  # the physical lines of the record being read
        self.replay = collections.deque()  # lines to read again after a broken record
        self.line = 1  # the line where the next record starts
        self.ended_in_record = False  # the file ended inside a record: a quote was never closed
        self.reader = csv.reader(self._lines())
        try:
            first = next(self.reader, None)
        except (UnicodeDecodeError, csv.Error) as error:
            raise FeedUnreadable(_("The header cannot be read: %(error)s") % {"error": error}) from None
        except _BrokenRecord:
            first = None
            self.ended_in_record = True
        if self.ended_in_record:
            raise FeedUnreadable(_("The header cannot be read: a quotation mark in it is not closed."))
        if not first:
            raise FeedUnreadable(_("The file is empty."))
        self.line += len(self.record)
        self.record.clear()
        self.header = [_column(name) for name in first]

    def progress(self):
        return self.binary.tell()

    def _lines(self):
        """The file's physical lines, for the csv module; each is kept in ``self.record`` until the
        record it belongs to has been read."""
        record, replay, max_lines, max_chars = self.record, self.replay, self.max_lines, self.max_line_chars
        readline = self.text.readline
        while True:
            if replay:
                line = replay.popleft()
            else:
                line = readline(max_chars)
                if not line:
                    self.ended_in_record = bool(record)
                    return
                if len(line) == max_chars and line[-1] not in "\r\n":
                    raise FeedUnreadable(
                        _(
                            "Line %(line)d is longer than %(limit)s characters; the file cannot be read as CSV."
                        )
                        % {"line": self.line + len(record), "limit": f"{max_chars:,}"}
                    )
            record.append(line)
            if len(record) > max_lines:
                raise _BrokenRecord
            yield line

    def rows(self):
        header, width, record, max_cell = self.header, len(self.header), self.record, self.max_cell
        while True:
            try:
                cells = next(self.reader, None)
            except UnicodeDecodeError:
                raise FeedUnreadable(
                    _("Line %(line)d is not valid %(encoding)s text; the file mixes encodings.")
                    % {"line": self.line + len(record), "encoding": self.encoding.upper()}
                ) from None
            except _BrokenRecord:
                yield self._broken(
                    _(
                        "The row runs over more than %(lines)d lines: a quotation mark opened in it is not "
                        "closed. The row is rejected and the lines after it are read as rows of their own."
                    )
                    % {"lines": self.max_lines}
                )
                continue
            except csv.Error as error:
                if "field larger than field limit" in str(error):
                    reason = _("A cell is longer than %(limit)s characters.") % {"limit": f"{max_cell:,}"}
                else:
                    reason = _("The row cannot be read as CSV: %(error)s") % {"error": error}
                yield self._broken(reason)
                continue
            if cells is None:
                return
            spanned = len(record)
            if self.ended_in_record or (
                spanned > 1
                and (
                    len(cells) < width or (len(cells) > width and any(cell.strip() for cell in cells[width:]))
                )
            ):
                # A quoted cell that runs into the following lines (to the end of the file, or to
                # some later quotation mark) leaves a record of the wrong shape.
                yield self._broken(
                    _(
                        "A quotation mark opened in this row is not closed where the row ends. The row is "
                        "rejected and the lines after it are read as rows of their own."
                    )
                )
                continue
            line = self.line
            self.line += spanned
            long_line = spanned > 1 or len(record[0]) > max_cell
            record.clear()
            if not cells or not any(cells):
                continue
            if long_line:
                oversize = oversize_cell(zip(header, cells, strict=False), max_cell)
                if oversize:
                    yield line, oversize
                    continue
            row = dict(zip(header, cells, strict=False))
            if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                row[EXTRA_CELLS] = cells[width:]
            yield line, row

    def _broken(self, reason):
        """Reject the record being read by its first line; its other lines are read again."""
        line = self.line
        self.replay.extendleft(reversed(self.record[1:]))
        self.record.clear()
        self.line += 1
        self.ended_in_record = False
        # The old parser may be mid-record and its line source finished: start both afresh.
        self.reader = csv.reader(self._lines())
        return line, {INVALID: reason}

    def close(self):
        self.text.close()


def oversize_cell(cells, limit):
    """The invalid row for the first of ``cells`` ((column, value) pairs) longer than ``limit``
    characters, or None."""
    for column, value in cells:
        if value.__class__ is str and len(value) > limit:
            return {
                INVALID: _("The cell holds %(length)s characters, more than the limit of %(limit)s.")
                % {"length": f"{len(value):,}", "limit": f"{limit:,}"},
                INVALID_COLUMN: "" if column is None else column,
            }
    return None


class XlsxReader(FeedReader):
    def __init__(self, path):
        super().__init__(path)
        check_archive(self.path)
        try:
            self.workbook = open_workbook(self.path)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise FeedUnreadable(
                _("The file is not a readable XLSX workbook: %(error)s") % {"error": error}
            ) from None
        if not self.workbook.worksheets:
            self.workbook.close()
            raise FeedUnreadable(_("The workbook has no worksheet."))
        self.sheet = self.workbook.worksheets[0]
        self.iterator = self.sheet.iter_rows(values_only=True)
        first = next(self._sheet_rows(), None)
        if not first:
            self.workbook.close()
            raise FeedUnreadable(_("The file is empty."))
        self.header = [_column(name) for name in first]
        self.row_number = 1
        self.total_rows = self.sheet.declared_rows

    def progress(self):
        if not self.total_rows:
            return 0
        return int(self.size * min(1, self.row_number / self.total_rows))

    def rows(self):
        header, width, max_cell = self.header, len(self.header), max_cell_chars()
        for cells in self._sheet_rows():
            self.row_number += 1
            if not any(cell not in (None, "") for cell in cells):
                continue
            oversize = oversize_cell(zip(header, cells, strict=False), max_cell)
            if oversize:
                yield self.row_number, oversize
                continue
            row = dict(zip(header, cells, strict=False))
            if len(cells) > width and any(cell not in (None, "") for cell in cells[width:]):
                row[EXTRA_CELLS] = list(cells[width:])
            yield self.row_number, row

    def _sheet_rows(self):
        """The sheet's rows; a sheet broken part-way (or a parser out of memory) stops the file
        with a clear error rather than with the parser's own exception."""
        while True:
            try:
                cells = next(self.iterator, None)
            except MemoryError:
                raise
            except Exception as error:  # noqa: BLE001 - whatever the XML parser raises
                if "out of memory" in str(error).lower():
                    raise MemoryError(str(error)) from None
                raise FeedUnreadable(
                    _("The workbook cannot be read after row %(row)d: %(error)s")
                    % {"row": self.row_number, "error": error}
                ) from None
            if cells is None:
                return
            yield cells

    def close(self):
        self.workbook.close()


DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
SHEET_START_BYTES = 64 * 1024


def open_workbook(path):
    """openpyxl's read-only workbook (which streams the sheet XML instead of building every cell),
    but with sheets that read their declared size from the start of their XML only.

    openpyxl itself looks for a sheet's ``<dimension>`` by parsing the XML up to the end of the
    sheet's data: for a sheet without one (or a zip bomb) that is a whole pass over it, in the
    importing process itself, before the first row is read. The declared size is only used for
    progress here; rows are read to the end of the sheet's data whatever it says.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):
        declared_rows = 0

        def _get_size(self):
            with self._get_source() as source:
                start = source.read(SHEET_START_BYTES)
            match = DIMENSION.search(start)
            if match:
                with contextlib.suppress(ValueError, TypeError):
                    self.declared_rows = range_boundaries(match[1].decode())[3] or 0

    class Reader(ExcelReader):
        def read_worksheets(self):
            for sheet, relation in self.parser.find_sheets():
                if relation.target in self.valid_files and "chartsheet" not in relation.Type:
                    worksheet = Sheet(self.wb, sheet.name, relation.target, self.shared_strings)
                    worksheet.sheet_state = sheet.state
                    self.wb._sheets.append(worksheet)

    reader = Reader(path, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def check_archive(path):
    """Refuse a zip archive that would unpack to more than the limits allow, before unpacking it.

    The sizes come from the archive's central directory; Python's zipfile never unpacks more
    than a member's declared size, so they bound what reading the workbook can produce.
    """
    total_limit = int(getattr(settings, "PUBLICITY_XLSX_MAX_UNPACKED_BYTES", XLSX_MAX_UNPACKED_BYTES))
    ratio_limit = float(getattr(settings, "PUBLICITY_XLSX_MAX_COMPRESSION_RATIO", XLSX_MAX_COMPRESSION_RATIO))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FeedUnreadable(
            _("The file is not a readable XLSX workbook: %(error)s") % {"error": error}
        ) from None
    total = sum(member.file_size for member in members)
    if total > total_limit:
        raise FeedUnreadable(
            _(
                "The workbook would unpack to %(size)s, more than the limit of %(limit)s "
                "(PUBLICITY_XLSX_MAX_UNPACKED_BYTES); it was not opened."
            )
            % {"size": filesizeformat(total), "limit": filesizeformat(total_limit)}
        )
    for member in members:
        if member.file_size >= XLSX_RATIO_MIN_BYTES and member.file_size > ratio_limit * max(
            member.compress_size, 1
        ):
            raise FeedUnreadable(
                _(
                    "The workbook's part %(name)s would unpack to %(size)s from %(packed)s, more than "
                    "%(limit)s times its packed size (PUBLICITY_XLSX_MAX_COMPRESSION_RATIO); it was not opened."
                )
                % {
                    "name": member.filename,
                    "size": filesizeformat(member.file_size),
                    "packed": filesizeformat(member.compress_size),
                    "limit": f"{ratio_limit:g}",
                }
            )


class JsonReader(FeedReader):
    """A JSON array of objects, decoded one element at a time, or JSON Lines."""

    def __init__(self, path):
        super().__init__(path)
        self.binary = open(self.path, "rb")
        sample = self.binary.read(SAMPLE_BYTES)
        self.binary.seek(0)
        self.text = io.TextIOWrapper(self.binary, encoding=detect_encoding(sample))
        self.decoder = json.JSONDecoder()
        self.buffer = ""
        self.position = 0
        self.line = 1
        self.eof = False
        self.is_array = self._skip_whitespace() and self.buffer[self.position] == "["
        if self.is_array:
            self.position += 1
        # The header is the keys of the first decodable record; records before it wait here.
        self.lookahead = []
        while True:
            pending = self._next_object()
            if pending is None:
                self.close()
                raise FeedUnreadable(_("The file holds no records."))
            self.lookahead.append(pending)
            if INVALID not in pending[1]:
                break
        self.header = [_column(name) for name in pending[1]]

    def progress(self):
        return self.binary.tell()

    def _fill(self):
        chunk = self.text.read(CHUNK_CHARS)
        if not chunk:
            self.eof = True
            return False
        consumed = self.buffer[: self.position]
        self.line += consumed.count("\n")
        self.buffer = self.buffer[self.position :] + chunk
        self.position = 0
        return True

    def _skip_whitespace(self, separators=" \t\r\n"):
        while True:
            while self.position < len(self.buffer) and self.buffer[self.position] in separators:
                self.position += 1
            if self.position < len(self.buffer):
                return True
            if not self._fill():
                return False

    def _current_line(self):
        return self.line + self.buffer.count("\n", 0, self.position)

    def _next_object(self):
        separators = " \t\r\n," if self.is_array else " \t\r\n"
        if not self._skip_whitespace(separators):
            if self.is_array:
                raise FeedUnreadable(_("The JSON array is not closed; the file is cut short."))
            return None
        if self.is_array and self.buffer[self.position] == "]":
            return None
        line = self._current_line()
        if not self.is_array:
            return line, self._next_line_object()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                # Perhaps the element runs past the buffer: read on, but never without bound.
                if len(self.buffer) - self.position < MAX_RECORD_CHARS and self._fill():
                    continue
                raise FeedUnreadable(
                    _("Line %(line)d: not valid JSON (%(error)s); the rest of the file cannot be read.")
                    % {"line": line, "error": error.msg}
                ) from None
            self.position = end
            return line, value if isinstance(value, dict) else {
                INVALID: _("Each record must be a JSON object.")
            }

    def _next_line_object(self):
        """JSON Lines: one broken line loses only itself."""
        while self.buffer.find("\n", self.position) < 0 and not self.eof:
            if len(self.buffer) - self.position > MAX_RECORD_CHARS:
                break
            self._fill()
        newline = self.buffer.find("\n", self.position)
        end = newline if newline >= 0 else len(self.buffer)
        text = self.buffer[self.position : end]
        self.position = end
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            return {INVALID: _("Not valid JSON: %(error)s") % {"error": error.msg}}
        return value if isinstance(value, dict) else {INVALID: _("Each record must be a JSON object.")}

    def rows(self):
        max_cell = max_cell_chars()
        pending = self.lookahead.pop(0) if self.lookahead else self._next_object()
        while pending is not None:
            line, value = pending
            if INVALID in value:
                yield line, value
            else:
                row = {_column(key): cell for key, cell in value.items()}
                yield line, oversize_cell(row.items(), max_cell) or row
            pending = self.lookahead.pop(0) if self.lookahead else self._next_object()

    def close(self):
        self.text.close()


READERS = {"csv": CsvReader, "xlsx": XlsxReader, "json": JsonReader}


def _address_space_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def limit_reading_memory():
    """Cap this process's address space at what it is now plus ``PUBLICITY_READING_MEMORY_BYTES``
    (0: no cap). Only for the forked reading process: in the web server or the task worker the
    cap would stay on everything they do afterwards. Beyond it, allocations fail with MemoryError,
    which the importer reports as ``reading_memory_exceeded()``. Linux only; elsewhere nothing."""
    allowance = reading_memory_bytes()
    if allowance <= 0:
        return
    try:
        import resource

        current = _address_space_bytes()
    except (ImportError, OSError, ValueError):
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + allowance
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def reading_memory_exceeded():
    return FeedUnreadable(
        _(
            "Reading the file needed more memory than the limit of %(limit)s (PUBLICITY_READING_MEMORY_BYTES); "
            "the file is too big or malformed (for instance a row of millions of cells)."
        )
        % {"limit": filesizeformat(reading_memory_bytes())}
    )


def open_feed(path):
    if not os.path.isfile(str(path)):
        raise FeedUnreadable(_("There is no file at %(path)s.") % {"path": path})
    return READERS[detect_format(path)](path)
