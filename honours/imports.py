"""Honour lists from a spreadsheet (XLSX or CSV, UTF-8 or GBK, with or without BOM).

Reading and importing are two steps, so that the admin can show the rows before anything is
written: ``read_honour_file`` checks every row and reports each bad one by its line, column and
reason; ``import_rows`` adds the good rows to the list's latest revision as a draft (the live list
does not change until an editor publishes it). An entry is the same entry again when its credit
code matches, or, without a code, its name and organisation: importing the same file twice
changes nothing the second time.
"""

import dataclasses
import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.log_actions import log

from honours.models import HonourEntry, HonourListPage
from integrity_site.core.busy import retry_when_busy
from integrity_site.core.credit_code import normalize_credit_code, validate_credit_code
from integrity_site.core.readers import EXTRA_CELLS, INVALID, INVALID_COLUMN, FeedUnreadable, open_feed
from integrity_site.core.readers import normalise_header as normalise_column
from integrity_site.core.spreadsheets import looks_like_formula
from integrity_site.core.subdistricts import subdistricts
from integrity_site.core.text import validate_name_text

IMPORT_LOG_ACTION = "honours.import_entries"
MAX_ROWS = 2000
CITATION_MAX_CHARS = HonourEntry._meta.get_field("citation").max_length

# Entry field → the column names a spreadsheet may use for it (the first is the one shown).
COLUMNS = {
    "name": ("名称/姓名", "名称", "姓名", "单位名称", "NAME"),
    "credit_code": ("统一社会信用代码", "信用代码", "CREDIT_CODE"),
    "organisation": ("单位", "所在单位", "工作单位", "ORGANISATION", "ORGANIZATION"),
    "subdistrict": ("街道", "所在街道", "SUBDISTRICT"),
    "citation": ("事迹/称号", "事迹", "称号", "主要事迹", "CITATION"),
    "photo": ("照片", "照片文件", "照片文件名", "PHOTO"),
}
FIELD_BY_COLUMN = {normalise_column(name): field for field, names in COLUMNS.items() for name in names}
ENTRY_FIELDS = ("name", "credit_code", "organisation", "subdistrict", "citation", "photo_id")


class HonourFileUnreadable(Exception):
    """The file cannot be read as an honour list at all (no name column, not a spreadsheet…)."""


@dataclasses.dataclass(frozen=True)
class Problem:
    line: int
    column: str
    reason: str

    def as_dict(self):
        return {"line": self.line, "column": self.column, "reason": self.reason}


@dataclasses.dataclass
class HonourRow:
    line: int
    name: str
    credit_code: str = ""
    organisation: str = ""
    subdistrict: str = ""
    citation: str = ""
    photo_id: int | None = None
    photo: str = ""
    # The entry fields the file has columns for: a column the file lacks leaves the field alone.
    fields: tuple = ENTRY_FIELDS

    @property
    def key(self):
        return entry_key(self)

    def values(self):
        return {field: getattr(self, field) for field in self.fields}


@dataclasses.dataclass
class HonourFile:
    rows: list
    problems: list
    unknown_columns: list

    @property
    def rejected_lines(self):
        return sorted({problem.line for problem in self.problems if problem.line > 1})


@dataclasses.dataclass
class ImportSummary:
    page: HonourListPage
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def entry_key(entry):
    if entry.credit_code:
        return ("code", entry.credit_code)
    return ("name", entry.name, entry.organisation)


def column_label(field):
    return COLUMNS[field][0]


def _text(value):
    return "" if value is None else str(value).strip()


def _check(validator, value):
    try:
        validator(value)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _find_photo(file_name):
    """The library image uploaded from ``file_name`` (or titled like it), or None."""
    base = os.path.basename(file_name)
    stem = os.path.splitext(base)[0]
    images = get_image_model().objects.order_by("-pk")
    return images.filter(file=f"original_images/{base}").first() or images.filter(title=stem).first()


def _read_row(line, cells, fields):
    """A HonourRow, or the problems that keep the row out."""
    problems = []

    def refuse(field, reason):
        problems.append(Problem(line, column_label(field), reason))

    row = HonourRow(line=line, name=_text(cells.get("name")), fields=fields)
    if not row.name:
        refuse("name", _("The name is missing."))
    elif looks_like_formula(row.name):
        refuse("name", _("A name cannot start with = + - or @."))
    elif reason := _check(validate_name_text, row.name):
        refuse("name", reason)
    elif len(row.name) > HonourEntry._meta.get_field("name").max_length:
        refuse("name", _("The name is longer than 120 characters."))
    row.credit_code = normalize_credit_code(_text(cells.get("credit_code")))
    if row.credit_code and (reason := _check(validate_credit_code, row.credit_code)):
        refuse("credit_code", reason)
    row.organisation = _text(cells.get("organisation"))
    if row.organisation and (reason := _check(validate_name_text, row.organisation)):
        refuse("organisation", reason)
    elif len(row.organisation) > HonourEntry._meta.get_field("organisation").max_length:
        refuse("organisation", _("The organisation is longer than 120 characters."))
    subdistrict = _text(cells.get("subdistrict"))
    if subdistrict:
        known = {name: name for name, _english in subdistricts()}
        known.update({english: name for name, english in subdistricts()})
        row.subdistrict = known.get(subdistrict, "")
        if not row.subdistrict:
            refuse(
                "subdistrict",
                _("%(name)s is not one of the district's subdistricts: %(known)s.")
                % {"name": subdistrict, "known": "、".join(name for name, _english in subdistricts())},
            )
    row.citation = _text(cells.get("citation"))
    if len(row.citation) > CITATION_MAX_CHARS:
        refuse(
            "citation", _("The citation is longer than %(limit)d characters.") % {"limit": CITATION_MAX_CHARS}
        )
    row.photo = _text(cells.get("photo"))
    if row.photo:
        image = _find_photo(row.photo)
        if image is None:
            refuse(
                "photo",
                _("No image called %(name)s is in the image library; upload it first.") % {"name": row.photo},
            )
        else:
            row.photo_id = image.pk
    return row, problems


def read_honour_file(path):
    """Every row of the file at ``path``, checked; raises HonourFileUnreadable."""
    try:
        with open_feed(path) as reader:
            fields = [FIELD_BY_COLUMN.get(column) for column in reader.header]
            if "name" not in fields:
                raise HonourFileUnreadable(
                    _("The first row must name the columns, with a column %(column)s; found: %(found)s.")
                    % {"column": column_label("name"), "found": "、".join(filter(None, reader.header)) or "—"}
                )
            present = tuple(
                field for field in ENTRY_FIELDS if ("photo" if field == "photo_id" else field) in fields
            )
            unknown = [
                column for column, field in zip(reader.header, fields, strict=True) if column and not field
            ]
            problems = [
                Problem(1, column, _("Unknown column: its cells are not imported.")) for column in unknown
            ]
            rows, first_line_of = [], {}
            for line, cells in reader.rows():
                if INVALID in cells:
                    problems.append(Problem(line, cells.get(INVALID_COLUMN, ""), cells[INVALID]))
                    continue
                if len(rows) >= MAX_ROWS:
                    problems.append(
                        Problem(
                            line,
                            "",
                            _("More than %(limit)d rows: import the rest from another file.")
                            % {"limit": MAX_ROWS},
                        )
                    )
                    break
                values = {FIELD_BY_COLUMN.get(column): value for column, value in cells.items() if column}
                row, row_problems = _read_row(line, values, present)
                if cells.get(EXTRA_CELLS):
                    row_problems.append(Problem(line, "", _("The row has more cells than the header.")))
                if not row_problems and row.key in first_line_of:
                    row_problems.append(
                        Problem(
                            line,
                            column_label("credit_code" if row.credit_code else "name"),
                            _("A duplicate of line %(line)d in this file.")
                            % {"line": first_line_of[row.key]},
                        )
                    )
                if row_problems:
                    problems.extend(row_problems)
                    continue
                first_line_of[row.key] = line
                rows.append(row)
    except FeedUnreadable as error:
        raise HonourFileUnreadable(str(error)) from None
    return HonourFile(rows=rows, problems=problems, unknown_columns=unknown)


def planned_changes(page, rows):
    """For each row, whether importing it adds an entry, changes one or changes nothing."""
    existing = {entry_key(entry): entry for entry in _latest(page).entries.all()}
    changes = []
    for row in rows:
        entry = existing.get(row.key)
        if entry is None:
            changes.append("create")
        elif _differs(entry, row):
            changes.append("update")
        else:
            changes.append("unchanged")
    return changes


def _differs(entry, row):
    return any(getattr(entry, field) != value for field, value in row.values().items())


def _latest(page):
    return page.get_latest_revision_as_object() if page.latest_revision_id else page


def create_draft_list(parent, *, title, year, category, user=None):
    """A new, unpublished honour list under the honour index ``parent``."""
    page = HonourListPage(title=title, year=year, category=category, live=False, owner=user)
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page


def import_rows(page, rows, *, user=None, file_name=""):
    """Add ``rows`` to the draft of ``page``; an ImportSummary. Nothing is saved when nothing
    changes."""

    def work():
        with transaction.atomic():
            # One import at a time per list: each starts from the draft the previous one left.
            locked = HonourListPage.objects.select_for_update().get(pk=page.pk)
            draft = _latest(locked)
            summary = ImportSummary(page=locked)
            entries = list(draft.entries.all())
            existing = {entry_key(entry): entry for entry in entries}
            for row in rows:
                entry = existing.get(row.key)
                if entry is None:
                    entry = HonourEntry(locale_id=locked.locale_id, **row.values())
                    entries.append(entry)
                    existing[row.key] = entry
                    summary.created += 1
                elif _differs(entry, row):
                    for field, value in row.values().items():
                        setattr(entry, field, value)
                    summary.updated += 1
                else:
                    summary.unchanged += 1
            if summary.created or summary.updated:
                draft.entries = entries
                draft.save_revision(user=user, log_action=True)
                log(
                    instance=locked,
                    action=IMPORT_LOG_ACTION,
                    user=user,
                    data={
                        "file": os.path.basename(file_name),
                        "created": summary.created,
                        "updated": summary.updated,
                        "unchanged": summary.unchanged,
                    },
                )
            return summary

    return retry_when_busy(work, what="honour list import")
