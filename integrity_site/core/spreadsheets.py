"""The spreadsheet guard: text that spreadsheet programs would run as a formula (CSV/formula
injection). One rule for every export and for the forms that refuse such names; and the one way
every export of the site writes its cells (``LabelledExportMixin``)."""

import datetime
import decimal

from django.core.exceptions import FieldDoesNotExist
from django.http import StreamingHttpResponse
from django.utils import timezone, translation

from .admin_display import local_time, yes_no
from .text import printable

FORMAT_XLSX = "xlsx"  # as Wagtail's SpreadsheetExportMixin names its formats
BOM = "\ufeff"
# Times in XLSX: one unambiguous number format whatever the admin's language.
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# A cell that starts with one of these is a formula (or, for tab and carriage return, is
# turned into one by some programs once the whitespace is dropped).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def spreadsheet_safe(value):
    """The value as a spreadsheet shows it without running it: a formula-like text is quoted,
    and what an XLSX cell cannot hold (control characters) is dropped."""
    value = printable(value)
    return "'" + value if looks_like_formula(value) else value


def spreadsheet_cell(value, export_format):
    """A value as an editor's spreadsheet should hold it: times in the site's time zone without
    microseconds (XLSX: a date cell; CSV: "2026-12-02 14:05"), yes or no in words, nothing as an
    empty cell, and text passed through the guard."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime.datetime):
        value = local_time(value).replace(microsecond=0, tzinfo=None)
        return value if export_format == FORMAT_XLSX else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value if export_format == FORMAT_XLSX else value.isoformat()
    if isinstance(value, (int, float, decimal.Decimal)):
        return value
    if isinstance(value, (list, tuple)):  # as Wagtail's own export writes lists
        value = ", ".join(str(item) for item in value)
    return spreadsheet_safe(str(value))


class LabelledExportMixin:
    """For a Wagtail view with ``list_export`` (a listing's "Export CSV / XLSX"): every export of
    the site is written the same way. A choice field shows its label, every cell goes through
    ``spreadsheet_cell``, and the CSV starts with a byte order mark so that Excel reads the UTF-8
    (Chinese) correctly."""

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for name in row:
            field = self._export_model_field(name)
            if field is not None and field.choices:
                row[name] = getattr(item, f"get_{name}_display")()
        return row

    def _export_model_field(self, name):
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_cell(value, export_format)

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        return super().generate_xlsx_row(worksheet, row_dict, date_format=XLSX_DATETIME_FORMAT)

    def write_csv_response(self, queryset):
        language, zone = translation.get_language(), timezone.get_current_timezone()

        def rows():
            # The file streams after the view has returned, when the admin's language and time
            # zone are no longer active: the headings and labels would come out in the default.
            with translation.override(language), timezone.override(zone):
                yield BOM.encode()
                yield from self.stream_csv(queryset)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.get_filename()}.csv"'
        return response
