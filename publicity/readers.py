"""Streaming readers for feed files: CSV (UTF-8 or GBK, with or without BOM), XLSX and JSON (an
array or one object per line). Each yields ``(line, row)`` with ``row`` keyed by normalised column
names, reading a bounded amount at a time so that memory stays flat whatever the file size.

``line`` is the line of the file where the row starts (CSV, JSON), or the spreadsheet row (XLSX).
"""

import codecs
import csv
import functools
import io
import json
import os
import zipfile

from django.utils.translation import gettext as _

from publicity.layouts import normalise_header

SAMPLE_BYTES = 64 * 1024
CHUNK_CHARS = 64 * 1024
EXTRA_CELLS = None  # key under which cells beyond the header are kept, as csv.DictReader does
INVALID = "\x00invalid"  # key of a record that could not be decoded, with the reason
MAX_RECORD_CHARS = 16 * 1024 * 1024


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


class CsvReader(FeedReader):
    def __init__(self, path):
        super().__init__(path)
        self.binary = open(self.path, "rb")
        sample = self.binary.read(SAMPLE_BYTES)
        self.binary.seek(0)
        self.encoding = detect_encoding(sample)
        self.text = io.TextIOWrapper(self.binary, encoding=self.encoding, newline="")
        self.reader = csv.reader(self.text)
        try:
            first = next(self.reader, None)
        except (UnicodeDecodeError, csv.Error) as error:
            raise FeedUnreadable(_("The header cannot be read: %(error)s") % {"error": error}) from None
        if not first:
            raise FeedUnreadable(_("The file is empty."))
        self.header = [_column(name) for name in first]

    def progress(self):
        return self.binary.tell()

    def rows(self):
        header, width = self.header, len(self.header)
        previous_line = self.reader.line_num
        try:
            for cells in self.reader:
                line = previous_line + 1
                previous_line = self.reader.line_num
                if not cells or not any(cells):
                    continue
                row = dict(zip(header, cells, strict=False))
                if len(cells) > width and any(cell.strip() for cell in cells[width:]):
                    row[EXTRA_CELLS] = cells[width:]
                yield line, row
        except UnicodeDecodeError:
            raise FeedUnreadable(
                _("Line %(line)d is not valid %(encoding)s text; the file mixes encodings.")
                % {"line": previous_line + 1, "encoding": self.encoding.upper()}
            ) from None
        except csv.Error as error:
            raise FeedUnreadable(
                _("Line %(line)d cannot be read as CSV: %(error)s")
                % {"line": previous_line + 1, "error": error}
            ) from None

    def close(self):
        self.text.close()


class XlsxReader(FeedReader):
    def __init__(self, path):
        super().__init__(path)
        from openpyxl import load_workbook

        try:
            # read_only streams the sheet XML instead of building every cell.
            self.workbook = load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise FeedUnreadable(
                _("The file is not a readable XLSX workbook: %(error)s") % {"error": error}
            ) from None
        self.sheet = self.workbook.worksheets[0]
        self.iterator = self.sheet.iter_rows(values_only=True)
        first = next(self.iterator, None)
        if not first:
            self.workbook.close()
            raise FeedUnreadable(_("The file is empty."))
        self.header = [_column(name) for name in first]
        self.row_number = 1
        self.total_rows = self.sheet.max_row or 0

    def progress(self):
        if not self.total_rows:
            return 0
        return int(self.size * min(1, self.row_number / self.total_rows))

    def rows(self):
        header, width = self.header, len(self.header)
        for cells in self.iterator:
            self.row_number += 1
            if not any(cell not in (None, "") for cell in cells):
                continue
            row = dict(zip(header, cells, strict=False))
            if len(cells) > width and any(cell not in (None, "") for cell in cells[width:]):
                row[EXTRA_CELLS] = list(cells[width:])
            yield self.row_number, row

    def close(self):
        self.workbook.close()


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
        pending = self.lookahead.pop(0) if self.lookahead else self._next_object()
        while pending is not None:
            line, value = pending
            if INVALID in value:
                yield line, value
            else:
                yield line, {_column(key): cell for key, cell in value.items()}
            pending = self.lookahead.pop(0) if self.lookahead else self._next_object()

    def close(self):
        self.text.close()


READERS = {"csv": CsvReader, "xlsx": XlsxReader, "json": JsonReader}


def open_feed(path):
    if not os.path.isfile(str(path)):
        raise FeedUnreadable(_("There is no file at %(path)s.") % {"path": path})
    return READERS[detect_format(path)](path)
