"""Normalising and validating one feed row into the fields of a publicity record.

Every problem is reported as (column, value, reason) with a translatable reason, so that the
rejected-rows report says exactly what to correct; a row with any problem is not stored.
"""

import array
import dataclasses
import datetime
import functools
import hashlib
import operator
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from integrity_site.core.credit_code import INDIVIDUAL_BUSINESS_PLACEHOLDER, is_valid_credit_code
from publicity.records import PublicityRecord, RecordKind, SubjectCategory
from publicity.repair_rules import SEVERITY_NAMES

# Fields that take part in the row hash and are written on update, in a fixed order.
RECORD_FIELDS = [
    "subject_name",
    "subject_category",
    "credit_code",
    "legal_representative",
    "title",
    "category",
    "content",
    "violation",
    "facts",
    "legal_basis",
    "fine_amount",
    "confiscated_amount",
    "licence_number",
    "decision_date",
    "valid_from",
    "valid_until",
    "authority_until",
    "feed_severity",
    "status",
    "source_unit",
    "remarks",
    "authority_code",
]
DATE_FIELDS = {
    "decision_date",
    "valid_from",
    "valid_until",
    "authority_until",
    "repaired_on",
    "publicity_until",
    "repair_from",
}
# Read from the feed but not part of the row hash: a repair date arrives with a later feed, or in
# a file of its own, and must neither be lost nor make an unchanged row look changed.
OUTCOME_FIELDS = ["repaired_on"]
AMOUNT_FIELDS = {"fine_amount", "confiscated_amount"}
MAX_LENGTHS = {
    f.name: f.max_length
    for f in PublicityRecord._meta.get_fields()
    if getattr(f, "max_length", None) and f.get_internal_type() == "CharField"
}

CATEGORY_NAMES = {
    "法人及非法人组织": SubjectCategory.ORGANISATION,
    "法人及其他组织": SubjectCategory.ORGANISATION,
    "法人或其他组织": SubjectCategory.ORGANISATION,
    "法人和非法人组织": SubjectCategory.ORGANISATION,
    "法人": SubjectCategory.ORGANISATION,
    "非法人组织": SubjectCategory.ORGANISATION,
    "自然人": SubjectCategory.NATURAL_PERSON,
    "个体工商户": SubjectCategory.INDIVIDUAL_BUSINESS,
    **{choice.value: choice for choice in SubjectCategory},
}
LONG_TERM = {"长期", "长期有效", "永久", "无期限"}
EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
SERIAL_PATTERN = re.compile(r"^\d{1,5}(?:\.0+)?$")
AMOUNT_PATTERN = re.compile(r"^\d+(?:\.\d+)?$")
AMOUNT_PLACES = Decimal("0.000001")
is_normalized = unicodedata.is_normalized


class RowError(Exception):
    def __init__(self, field, reason, value=""):
        super().__init__(reason)
        self.field, self.reason, self.value = field, reason, value


def text(value):
    """Full-width to half-width, trimmed; numbers from XLSX or JSON become their plain digits."""
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    # The quick check is much cheaper than normalising, and most cells are already normal.
    if not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value)
    return value.strip()


def parse_date(value, field):
    """A date in any form the feeds use; raises RowError for nonsense or days that do not exist."""
    if value.__class__ is not str:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        value = text(value)
    try:
        return _date_from_text(value)
    except RowError as error:
        error.field = field
        raise


@functools.lru_cache(maxsize=32768)
def _date_from_text(value):
    # Feeds repeat the same few thousand dates in their few forms (8,500 distinct in a district's
    # 127,000 licences); parsing each once is enough, and the cache must hold them all.
    value = text(value)
    if not value:
        return None
    if SERIAL_PATTERN.match(value):
        serial = int(float(value))
        if serial < 1:
            raise RowError("", _("Not a date: %(value)s.") % {"value": value}, value)
        return EXCEL_EPOCH + datetime.timedelta(days=serial)
    for pattern in DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise RowError(
                    "", _("The date %(value)s does not exist.") % {"value": value}, value
                ) from None
    raise RowError(
        "",
        _("Not a date: %(value)s (use YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年MM月DD日).")
        % {"value": value},
        value,
    )


def parse_amount(value, field):
    """An amount in 10,000 yuan (万元): "1.5", "1.5万元", "1,500.00"; never negative."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = repr(value) if isinstance(value, float) else str(value)
    value = text(value).replace(",", "").removesuffix("万元").strip()
    if not value:
        return None
    if not AMOUNT_PATTERN.match(value):
        raise RowError(field, _("Not an amount in 10,000 yuan: %(value)s.") % {"value": value}, value)
    try:
        return Decimal(value).quantize(AMOUNT_PLACES)
    except InvalidOperation:
        raise RowError(field, _("The amount %(value)s is too large.") % {"value": value}, value) from None


def add_years(date, years):
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def subject_category(raw_category, credit_code, has_identity_number):
    if raw_category:
        category = CATEGORY_NAMES.get(raw_category)
        if category is None:
            raise RowError(
                "subject_category",
                _("Unknown category of the party: %(value)s.") % {"value": raw_category},
                raw_category,
            )
        return category
    # Older layouts have no category column: the code tells.
    if credit_code == INDIVIDUAL_BUSINESS_PLACEHOLDER:
        return SubjectCategory.INDIVIDUAL_BUSINESS
    if not credit_code and has_identity_number:
        return SubjectCategory.NATURAL_PERSON
    return SubjectCategory.ORGANISATION


def check_credit_code(credit_code, category):
    """The stored code: a valid code, or empty for persons and placeholder businesses."""
    if credit_code == INDIVIDUAL_BUSINESS_PLACEHOLDER:
        if category == SubjectCategory.ORGANISATION:
            raise RowError(
                "credit_code",
                _("The placeholder code 00000000000000000X is only for individual businesses."),
                credit_code,
            )
        return ""
    if not credit_code:
        if category == SubjectCategory.ORGANISATION:
            raise RowError("credit_code", _("An organisation needs its unified social credit code."))
        return ""
    if not is_valid_credit_code(credit_code):
        raise RowError(
            "credit_code",
            _(
                "Not a valid unified social credit code (wrong length, character or check character): %(value)s."
            )
            % {"value": credit_code},
            credit_code,
        )
    return credit_code


_record_values = operator.itemgetter(*RECORD_FIELDS)


def row_hash(fields):
    joined = "\x1f".join(
        [
            value if value.__class__ is str else ("" if value is None else str(value))
            for value in _record_values(fields)
        ]
    )
    return hashlib.md5(joined.encode(), usedforsecurity=False).hexdigest()


def parse_severity(value, field):
    """The class of dishonesty information a feed gives (轻微 / 一般 / 严重), or empty."""
    value = text(value)
    if not value:
        return ""
    severity = SEVERITY_NAMES.get(value.lower())
    if severity is None:
        raise RowError(
            field, _("Unknown class (use 轻微, 一般 or 严重): %(value)s.") % {"value": value}, value
        )
    return str(severity)


def parse_end_date(value, field):
    """An end of validity, which may be 长期 (long-term): no end."""
    return None if text(value) in LONG_TERM else parse_date(value, field)


@dataclasses.dataclass
class LayoutPlan:
    """What build_record needs of a layout, worked out once instead of per row."""

    columns: list  # (column, field, parser or None for text)
    required: list  # (column, field)
    column_of: dict  # field → column, for error reports
    length_limits: list  # (field, limit) of the text fields the layout fills
    defaults: dict  # the record fields the layout does not fill


@functools.cache
def layout_plan(layout):
    columns = []
    for column, field in layout.columns.items():
        if field == "valid_until":
            parser = parse_end_date
        elif field == "feed_severity":
            parser = parse_severity
        elif field in DATE_FIELDS:
            parser = parse_date
        elif field in AMOUNT_FIELDS:
            parser = parse_amount
        else:
            parser = None
        columns.append((column, field, parser))
    filled = set(layout.columns.values()) | {"subject_category", "credit_code"}
    return LayoutPlan(
        columns=columns,
        required=[(column, layout.columns[column]) for column in layout.required],
        column_of={field: column for column, field in reversed(layout.columns.items())},
        length_limits=[(field, MAX_LENGTHS[field]) for field in sorted(filled) if field in MAX_LENGTHS],
        defaults={
            field: None if field in DATE_FIELDS | AMOUNT_FIELDS else ""
            for field in RECORD_FIELDS + OUTCOME_FIELDS + ["document_number", "authority"]
            if field not in filled
        },
    )


def build_record(layout, row, today):
    """(fields, errors) for one raw row: ``row`` maps normalised header names to raw values."""
    plan = layout_plan(layout)
    errors = []
    values = dict(plan.defaults)
    for column, field, parser in plan.columns:
        raw = row.get(column)
        if parser is None:
            # text() inlined for the common case: this loop runs for every cell of the feed.
            if raw.__class__ is str:
                if not is_normalized("NFKC", raw):
                    raw = unicodedata.normalize("NFKC", raw)
                values[field] = raw.strip()
            else:
                values[field] = text(raw)
            continue
        try:
            values[field] = parser(raw, field)
        except RowError as error:
            errors.append((column, error.value, error.reason))
            values[field] = None
    for column, field in plan.required:
        value = values[field]
        if (value is None or value == "") and not any(error[0] == column for error in errors):
            errors.append((column, "", _("This column is required.")))

    # Folded columns of some layouts.
    extra_number = values.pop("licence_number_extra", "")
    if extra_number:
        values["licence_number"] = " ".join(filter(None, [values.get("licence_number"), extra_number]))
    extra_category = values.pop("category_extra", "")
    if extra_category:
        values["category"] = ";".join(filter(None, [values.get("category"), extra_category]))

    raw_code = text(row.get(plan.column_of.get("credit_code"))).upper()
    if layout.kind == RecordKind.DISHONEST and not raw_code:
        # The court list carries organisations' codes in the ID-number column; persons' numbers are dropped.
        card_number = text(row.get("CARDNUM")).upper()
        raw_code = card_number if is_valid_credit_code(card_number) else ""
    raw_category = values.get("subject_category") or ""
    # Only a row with neither category nor code is told apart by its identity number.
    has_identity_number = (
        not raw_category
        and not raw_code
        and any(text(row.get(column)) for column in layout.identity_columns if row.get(column))
    )
    try:
        category = subject_category(raw_category, raw_code, has_identity_number)
        values["subject_category"] = category
        values["credit_code"] = check_credit_code(raw_code, category)
    except RowError as error:
        column = (
            layout.category_column
            if error.field == "subject_category"
            else plan.column_of.get("credit_code", "")
        )
        errors.append((column, error.value, error.reason))

    decision_date = values.get("decision_date")
    if decision_date and decision_date > today:
        errors.append(
            (
                plan.column_of["decision_date"],
                decision_date.isoformat(),
                _("The decision date %(value)s is in the future.") % {"value": decision_date.isoformat()},
            )
        )
    # Without the authority's end of publicity (the 2016 layout), the credit-repair rules give one.
    publicity_until = values.get("authority_until")
    if publicity_until and decision_date and publicity_until < decision_date:
        errors.append(
            (
                plan.column_of.get("authority_until", ""),
                publicity_until.isoformat(),
                _("The end of publicity is before the decision date."),
            )
        )
    valid_from, valid_until = values.get("valid_from"), values.get("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        errors.append(
            (
                plan.column_of.get("valid_until", ""),
                valid_until.isoformat(),
                _("The end of validity is before its start."),
            )
        )

    for field, limit in plan.length_limits:
        value = values.get(field) or ""
        if len(value) > limit:
            errors.append(
                (
                    plan.column_of.get(field, field),
                    value[:40] + "…",
                    _("Longer than %(limit)d characters.") % {"limit": limit},
                )
            )
    if errors:
        return None, errors
    return values, []


class DocumentKeys:
    """The key (decision document number and authority) of every valid row read so far from one
    file, with the line of its row, so that a second row with the same key is reported instead of
    silently overwriting the first: the later row is rejected and names the line of the first.

    The keys are kept as their 64-bit hashes with the line, in an open-addressing table of two flat
    arrays at most two-thirds full: about 18 to 36 bytes a row (at most 50 MB for a file of 1.4
    million rows; a dict would take about 100 bytes a row). Two different keys share a hash with a
    chance of about n² / 2⁶⁵ (one in ten million for 1.4 million rows).
    """

    INITIAL_SLOTS = 1024

    def __init__(self, layout):
        self.column = layout_plan(layout).column_of.get("document_number", "")
        self.hashes = array.array("q", [0]) * self.INITIAL_SLOTS  # 0: an empty slot
        self.lines = array.array("Q", [0]) * self.INITIAL_SLOTS
        self.used = 0

    def _slot(self, key_hash):
        hashes, mask = self.hashes, len(self.hashes) - 1
        slot = key_hash & mask
        while hashes[slot] not in (0, key_hash):
            slot = (slot + 1) & mask
        return slot

    def _grow(self):
        old_hashes, old_lines = self.hashes, self.lines
        self.hashes = array.array("q", [0]) * (2 * len(old_hashes))
        self.lines = array.array("Q", [0]) * (2 * len(old_lines))
        for key_hash, line in zip(old_hashes, old_lines, strict=True):
            if key_hash:
                slot = self._slot(key_hash)
                self.hashes[slot], self.lines[slot] = key_hash, line

    def first_line(self, document_number, authority, line):
        """The line of the earlier row with this key, or None (and this row's line is kept)."""
        key_hash = hash((document_number, authority)) or 1
        slot = self._slot(key_hash)
        if self.hashes[slot]:
            return self.lines[slot]
        self.hashes[slot], self.lines[slot] = key_hash, line
        self.used += 1
        if 3 * self.used > 2 * len(self.hashes):
            self._grow()
        return None

    def duplicate_errors(self, fields, line):
        document = fields["document_number"]
        first = self.first_line(document, fields["authority"], line)
        if first is None:
            return []
        return [
            (
                self.column,
                document,
                _(
                    "The same decision document number and authority as the row on line %(line)d; "
                    "only that first row is imported."
                )
                % {"line": first},
            )
        ]
