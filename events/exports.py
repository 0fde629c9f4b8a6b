"""Registrations of one event as CSV or XLSX, for editors. Personal data (name,
mobile number) only for people with the ``events.export_personal_data`` permission."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from integrity_site.core.spreadsheets import spreadsheet_safe

from .records import Registration


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_rows(event, with_personal_data):
    header = [
        _("Registration code"),
        _("Status"),
        _("Role"),
        _("Companions"),
        _("Registered at"),
        _("Checked in at"),
    ]
    if with_personal_data:
        header += [_("Name"), _("Mobile number")]
    rows = [header]
    for registration in Registration.objects.filter(event=event).order_by("status", "created_at", "pk"):
        row = [
            registration.code,
            registration.get_status_display(),
            registration.role_name,
            registration.companions,
            _local(registration.created_at),
            _local(registration.attended_at),
        ]
        if with_personal_data:
            row += [registration.name, registration.mobile]
        rows.append([spreadsheet_safe(value) for value in row])
    return rows


def as_csv(rows):
    output = io.StringIO()
    # A byte order mark, so that Excel opens the UTF-8 file with Chinese intact.
    output.write("\ufeff")
    csv.writer(output).writerows(rows)
    return output.getvalue().encode("utf-8")


def as_xlsx(rows, title):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "registrations"
    for row in rows:
        # Every cell as text: a mobile number must not turn into a number or a formula.
        sheet.append([str(value) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
