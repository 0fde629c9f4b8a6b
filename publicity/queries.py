"""What the public sees of the feed: searches, a merchant's credit profile and the statistics.

Penalties leave public view after their publicity end date (公示截止期); they stay in the table for
editors and the cross-check. Identity numbers are not stored at all, and private persons' names
(parties and legal representatives) only ever leave this module masked.
"""

import dataclasses
import datetime
import re
import time

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from integrity_site.core.credit_checks import credit_profile_sections
from integrity_site.core.credit_code import is_valid_credit_code, normalize_credit_code
from integrity_site.core.privacy import mask_name
from publicity.records import ImportRun, PublicityRecord, RecordKind, SubjectCategory

# A search lists at most this many records (the newest): past that, the visitor narrows it down.
MAX_RESULTS = 1000
# Terms shorter than this give pg_trgm no trigram; on PostgreSQL the name-gram index serves them.
TRIGRAM_LENGTH = 3

PUBLIC_FIELDS = [
    "pk",
    "kind",
    "document_number",
    "authority",
    "subject_name",
    "subject_category",
    "credit_code",
    "legal_representative",
    "title",
    "category",
    "content",
    "violation",
    "fine_amount",
    "confiscated_amount",
    "licence_number",
    "decision_date",
    "valid_until",
    "publicity_until",
    "status",
    "severity",
    "repair_from",
]


def public_condition(today=None):
    """What makes a record public today: a licence or dishonest-debtor record always; a penalty up
    to its last public day (``publicity_until``: the authority's 公示截止期 or the end of its
    class's period, the day before its credit repair; empty when its class is not published).
    The query, credit profiles and statistics all count by this alone."""
    today = today or timezone.localdate()
    return ~Q(kind=RecordKind.PENALTY) | Q(publicity_until__gte=today)


def public_records(today=None):
    """Every record a resident may see today."""
    return PublicityRecord.objects.filter(public_condition(today))


def search_terms(query):
    """A credit code is looked up exactly; anything else is part of a name, and a query of Latin
    letters alone also part of the name's pinyin (``pinyin_term``).

    The name lookup is ``contains`` (``subject_name LIKE '%…%'``), which on PostgreSQL the trigram
    index publicity_record_name_trgm serves for terms of three or more characters (migration 0004);
    ``icontains`` would compile to ``UPPER(subject_name) LIKE …``, which that index cannot serve.
    """
    query = (query or "").strip()
    # Residents copy codes with spaces in them (9137 0102 …) and type them in lower case.
    code = normalize_credit_code("".join(query.split()))
    if is_valid_credit_code(code):
        return {"credit_code": code}
    if not query:
        return {}
    terms = {"subject_name__contains": query}
    spelled = pinyin_term(query)
    if spelled:
        terms["pinyin"] = spelled
    return terms


# A pinyin query: Latin letters alone (spaces dropped, any case), at least three of them, so that
# two initials (kh) or one syllable's start do not list half the feed.
PINYIN_QUERY = re.compile(r"[a-z]{3,}")


def pinyin_term(query):
    """The query as a pinyin spelling to look for in names (kuanhouli, khl, "Kuan Hou Li"), or ""."""
    spelled = "".join((query or "").lower().split())
    return spelled if PINYIN_QUERY.fullmatch(spelled) else ""


def name_condition(terms):
    """The filter of a name search: the name holds the query, or its full pinyin spelling or its
    initials hold the query's spelling (the columns the records keep, with trigram indexes on
    PostgreSQL: migration 0010)."""
    condition = Q(subject_name__contains=terms["subject_name__contains"])
    spelled = terms.get("pinyin")
    if spelled:
        condition |= Q(name_pinyin__contains=spelled) | Q(name_initials__contains=spelled)
    return condition


def name_gram_filter(term):
    """On PostgreSQL, for a term of one or two characters: the records whose name holds it as a
    gram, which the GIN index publicity_record_name_grams serves (migration 0007); None elsewhere.
    It only narrows what ``LIKE`` then checks, so the results are the same either way."""
    if connection.vendor != "postgresql" or not 0 < len(term) < TRIGRAM_LENGTH:
        return None
    return RawSQL("publicity_name_grams(subject_name) @> %s", ([term],), output_field=BooleanField())


def search(query, kind="", today=None, name_grams=True):
    terms = search_terms(query)
    if not terms:
        return PublicityRecord.objects.none()
    if "credit_code" in terms:
        records = public_records(today).filter(credit_code=terms["credit_code"])
    else:
        records = public_records(today).filter(name_condition(terms))
    # Pinyin matches come from their own indexes; the name grams would only narrow the name's.
    short_name = "pinyin" not in terms and terms.get("subject_name__contains", "")
    grams = name_gram_filter(short_name) if name_grams and short_name else None
    if grams is not None:
        records = records.filter(grams)
    if kind in RecordKind.values:
        records = records.filter(kind=kind)
    return records.order_by("-decision_date", "-pk").only(*PUBLIC_FIELDS)


# On PostgreSQL a name search first looks through this many of the newest records (see SearchResults).
RECENT_WINDOW = 50_000
WINDOW_COLUMNS = "id, decision_date, subject_name, kind, publicity_until"


class SearchResults:
    """The newest ``limit`` records of a search, for a Paginator, at a cost that does not grow with
    the table or the page number: the ids of the first ``limit`` + 1 matches in order (the one
    more tells whether there are more), then the rows of the page shown. A page number past the end
    is answered from the ids already read (``Paginator.get_page`` takes the last page).

    On SQLite the ids come from one walk of ``publicity_record_newest`` from its newest end, which
    stops as soon as it has them. PostgreSQL's planner cannot tell a common name fragment from a rare
    one (it guessed 11,904 matches for one with 266, walked all 1.4 million index entries instead of
    asking the trigram index, and took seconds), so the choice is made here: first the newest
    ``RECENT_WINDOW`` records are looked through (a bounded walk of that index); if they hold enough
    matches, those are the newest ones. Otherwise the term is rare, and all its matches are fetched
    through the name indexes (trigrams, name grams or the credit code) and the newest taken.
    """

    def __init__(self, records, limit=None, window_records=None):
        self.records, self.limit = records, MAX_RESULTS if limit is None else limit
        # The same search without the conditions that only serve an index (they cost time per
        # row), to look through the newest records with; None: straight to the indexes (codes).
        self.window_records = window_records
        self._ids = None

    @property
    def ids(self):
        if self._ids is None:
            if not self.records.query.is_empty() and connection.vendor == "postgresql":
                self._ids = self._ids_on_postgresql()
            else:
                self._ids = list(self.records.values_list("pk", flat=True)[: self.limit + 1])
        return self._ids

    def _ids_on_postgresql(self):
        table = connection.ops.quote_name(PublicityRecord._meta.db_table)
        wanted = self.limit + 1
        with connection.cursor() as cursor:
            if self.window_records is not None:
                query = self.window_records.query
                condition, condition_params = query.get_compiler(connection=connection).compile(query.where)
                # The columns of publicity_record_newest: the walk reads no table rows.
                cursor.execute(
                    f"WITH recent AS MATERIALIZED (SELECT {WINDOW_COLUMNS} FROM {table}"
                    f" ORDER BY decision_date DESC, id DESC LIMIT %s) SELECT id FROM recent AS {table}"
                    f" WHERE {condition} ORDER BY decision_date DESC, id DESC LIMIT %s",
                    [RECENT_WINDOW, *condition_params, wanted],
                )
                ids = [row[0] for row in cursor.fetchall()]
                if len(ids) == wanted:
                    return ids
            # MATERIALIZED: the planner fetches all the matches (by an index), not the newest first.
            matches, params = (
                self.records.order_by().values_list("pk", "decision_date").query.sql_with_params()
            )
            cursor.execute(
                f"WITH matches (id, decision_date) AS MATERIALIZED ({matches}) SELECT id FROM matches"
                " ORDER BY decision_date DESC, id DESC LIMIT %s",
                [*params, wanted],
            )
            return [row[0] for row in cursor.fetchall()]

    @property
    def has_more(self):
        """More records match than are listed."""
        return len(self.ids) > self.limit

    def count(self):
        return min(len(self.ids), self.limit)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        ids = self.ids[: self.limit][index]
        return records_by_id(ids if isinstance(index, slice) else [ids])


def records_by_id(ids):
    """The public fields of the records ``ids``, in that order: one query."""
    found = PublicityRecord.objects.only(*PUBLIC_FIELDS).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


class PagedIds:
    """All of an ordered queryset's records, for a Paginator: the count, then the ids of the page
    (which an index holding them reads without the table, however far down the page is), then
    their rows."""

    def __init__(self, records):
        self.records = records

    def count(self):
        return self.records.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            index = slice(index, index + 1)
        return records_by_id(list(self.records.values_list("pk", flat=True)[index]))


def search_results(query, kind="", today=None, limit=None):
    # A code's records come straight from its own index; a name search looks at the newest first.
    terms = search_terms(query)
    # On PostgreSQL a pinyin spelling goes straight to its trigram indexes (the window's columns
    # do not hold it); SQLite walks publicity_record_newest, which does.
    by_name = "subject_name__contains" in terms and "pinyin" not in terms
    window = search(query, kind, today, name_grams=False) if by_name else None
    return SearchResults(search(query, kind, today), limit, window_records=window)


@dataclasses.dataclass
class PublicEntry:
    """One record as the public sees it."""

    kind: str
    kind_label: str
    name: str
    credit_code: str
    category_label: str
    document_number: str
    authority: str
    title: str
    category: str
    content: str
    violation: str
    fine_amount: object
    confiscated_amount: object
    licence_number: str
    decision_date: datetime.date
    valid_until: datetime.date
    publicity_until: datetime.date
    status: str
    legal_representative: str
    profile_code: str
    # A penalty's class (publicity.repair_rules) and the first day credit repair may be asked for.
    severity: str = ""
    severity_label: str = ""
    repair_from: datetime.date = None
    rows: list = dataclasses.field(default_factory=list)  # [(field, label, text), …] for this kind
    # Within a credit profile, which names the code and heads each record with its document number.
    in_profile: bool = False

    @property
    def details(self):
        """[(label, text, is_code), …]: what the record shows under its heading."""
        return [
            (label, text, field == "credit_code")
            for field, label, text in self.rows
            if not (self.in_profile and field in PROFILE_HEADED)
        ]


# What each kind of record shows, in order, under the labels its source uses: the same column
# means another thing in each (a licence's document number, a penalty's decision number, a
# court's case number). Empty values are left out.
DETAIL_LABELS = {
    RecordKind.LICENCE: [
        ("credit_code", _("Unified social credit code")),
        ("document_number", _("Licence decision number")),
        ("title", _("Licence decision")),
        ("category", _("Licence category")),
        ("content", _("Licence content")),
        ("licence_number", _("Licence or certificate")),
        ("authority", _("Licensing authority")),
        ("decision_date", _("Licence decision date")),
        ("valid_until", _("Valid until")),
    ],
    RecordKind.PENALTY: [
        ("credit_code", _("Unified social credit code")),
        ("document_number", _("Penalty decision number")),
        ("title", _("Penalty name")),
        ("violation", _("Violation")),
        ("category", _("Penalty category")),
        ("content", _("Penalty content")),
        ("fine_amount", _("Fine")),
        ("confiscated_amount", _("Confiscated")),
        ("licence_number", _("Licence suspended or revoked")),
        ("authority", _("Penalty authority")),
        ("decision_date", _("Penalty decision date")),
        ("publicity_until", _("Public until")),
    ],
    RecordKind.DISHONEST: [
        ("credit_code", _("Unified social credit code")),
        ("document_number", _("Case number")),
        ("title", _("Enforcement basis number")),
        ("violation", _("Circumstances of dishonesty")),
        ("content", _("Duty set by the judgment")),
        ("status", _("Performance")),
        ("authority", _("Enforcing court")),
        ("decision_date", _("Published on")),
    ],
}


def ten_thousand_yuan(amount):
    """An amount in 万元 as a reader writes it: 0.8万元, 12万元, never 0.800000."""
    text = f"{amount.normalize():f}" if amount is not None else ""
    return gettext("%(amount)s × 10,000 yuan") % {"amount": text} if text else ""


def _detail_text(value):
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return "" if value is None else str(value)


def _categories(value):
    """Feeds separate categories with ";" (警告;罚款): shown as a list (警告、罚款)."""
    parts = [part.strip() for part in (value or "").replace("；", ";").split(";") if part.strip()]
    return pgettext("enumeration", ", ").join(parts)


# What a credit profile shows of each record above its details.
PROFILE_HEADED = {"credit_code", "document_number"}


def record_rows(entry):
    """[(field, label, text), …] of a public entry, in the active language."""
    details = []
    for field, label in DETAIL_LABELS.get(entry.kind, []):
        value = getattr(entry, field)
        if field.endswith("_amount"):
            text = ten_thousand_yuan(value)
        elif field == "category":
            text = _categories(value)
        else:
            text = _detail_text(value)
        if text:
            details.append((field, label, text))
    return details


def public_entry(record, in_profile=False):
    private_person = record.subject_category == SubjectCategory.NATURAL_PERSON
    entry = PublicEntry(
        kind=record.kind,
        kind_label=record.get_kind_display(),
        name=mask_name(record.subject_name) if private_person else record.subject_name,
        credit_code=record.credit_code,
        category_label=record.get_subject_category_display(),
        document_number=record.document_number,
        authority=record.authority,
        title=record.title,
        category=record.category,
        content=record.content,
        violation=record.violation,
        fine_amount=record.fine_amount,
        confiscated_amount=record.confiscated_amount,
        licence_number=record.licence_number,
        decision_date=record.decision_date,
        valid_until=record.valid_until,
        publicity_until=record.publicity_until if record.kind == RecordKind.PENALTY else None,
        status=record.status if record.kind == RecordKind.DISHONEST else "",
        legal_representative=mask_name(record.legal_representative),
        profile_code=record.credit_code,
        in_profile=in_profile,
    )
    if record.kind == RecordKind.PENALTY:
        entry.severity = record.severity
        entry.severity_label = record.get_severity_display() if record.severity else ""
        entry.repair_from = record.repair_from
    entry.rows = record_rows(entry)
    return entry


PROFILE_PER_PAGE = 20
# The credit profile's sections, in the order shown, each with the query parameter of its page.
PROFILE_KINDS = [
    (RecordKind.DISHONEST, "dishonest"),
    (RecordKind.PENALTY, "penalties"),
    (RecordKind.LICENCE, "licences"),
]


@dataclasses.dataclass
class ProfileRecords:
    """One kind of a credit profile's records: a page of them (``page``, a Paginator page, with its
    ``entries``) and how many there are in all (``page.paginator.count``)."""

    kind: str
    parameter: str  # the query parameter that holds the page number
    page: object
    entries: list

    @property
    def count(self):
        return self.page.paginator.count

    def __bool__(self):
        return bool(self.count)


@dataclasses.dataclass
class CreditProfile:
    credit_code: str
    name: str
    dishonest: ProfileRecords
    penalties: ProfileRecords
    licences: ProfileRecords
    # The days on which penalties of this code were repaired (the records themselves are not shown).
    repaired_on: list
    sections: (
        list  # (title, [ProfileItem, …]) from other parts of the site (honours, pledges), see credit_checks
    )

    @property
    def is_empty(self):
        return not (
            self.licences
            or self.penalties
            or self.dishonest
            or self.repaired_on
            or any(items for _t, items in self.sections)
        )


def credit_profile(credit_code, today=None, pages=None, per_page=PROFILE_PER_PAGE):
    """Everything public about one credit code, or None when the code is not valid.

    Each kind of record comes a page at a time (``pages``: {query parameter: page number as given},
    e.g. ``{"licences": "3"}``), with its count: a count, the page's ids and their rows for each
    kind (the first two from the index on credit code, kind, decision date, id and end of
    publicity alone), however many records the code has and however deep the page.
    """
    code = normalize_credit_code(credit_code)
    if not is_valid_credit_code(code):
        return None
    pages = pages or {}
    records = search(code, today=today)
    kinds = {}
    for kind, parameter in PROFILE_KINDS:
        page = Paginator(PagedIds(records.filter(kind=kind)), per_page).get_page(pages.get(parameter))
        entries = [public_entry(record, in_profile=True) for record in page]
        kinds[parameter] = ProfileRecords(kind, parameter, page, entries)
    sections = credit_profile_sections(code)
    repaired_on = repaired_dates(code, today)
    # The name the newest record gives, else what the other sections call the party.
    entries = sorted(
        (records.entries[0] for records in kinds.values() if records.entries),
        key=lambda entry: entry.decision_date,
        reverse=True,
    )
    names = [entry.name for entry in entries] + [item.label for _title, items in sections for item in items]
    return CreditProfile(
        credit_code=code, name=names[0] if names else "", sections=sections, repaired_on=repaired_on, **kinds
    )


def repaired_dates(credit_code, today=None):
    """The days, newest first, on which penalties of ``credit_code`` were repaired (已信用修复)."""
    today = today or timezone.localdate()
    return list(
        PublicityRecord.objects.filter(
            credit_code=credit_code, kind=RecordKind.PENALTY, repaired_on__lte=today
        )
        .order_by("-repaired_on")
        .values_list("repaired_on", flat=True)
        .distinct()
    )


def records_per_month(months=12, today=None):
    """{kind: [(first day of month, count), …]} for the last ``months`` months, oldest first."""
    today = today or timezone.localdate()
    month_starts = _month_starts(months, today)
    counts = {}
    # The records public today, as the query shows them: expired, unpublished and repaired
    # penalties count nowhere.
    for kind, day, count in _per_day(public_records(today), "kind", month_starts[0], today):
        key = (kind, _month_of(day))
        counts[key] = counts.get(key, 0) + count
    return {
        kind: [(start, counts.get((kind, start), 0)) for start in month_starts] for kind in RecordKind.values
    }


def _month_starts(months, today):
    """The first days of the last ``months`` months up to ``today``, oldest first."""
    month_index = today.year * 12 + today.month - 1
    return [
        datetime.date(index // 12, index % 12 + 1, 1)
        for index in range(month_index - months + 1, month_index + 1)
    ]


def _per_day(records, field, first, today):
    """One aggregate query: (``field``, day, count) of the records decided from ``first`` to ``today``.

    Grouped by the day, not the month: the date column groups natively on both databases (SQLite
    would truncate every date to its month in a Python function, a few microseconds per record),
    and the months are added up here from at most a few hundred days per group.
    """
    return (
        records.filter(decision_date__gte=first, decision_date__lte=today)
        .values_list(field, "decision_date")
        .annotate(count=Count("*"))
        .order_by()
    )


def _month_of(day):
    if isinstance(day, datetime.datetime):
        day = day.date()
    return day.replace(day=1)


@dataclasses.dataclass
class AuthorityMonths:
    """An authority's licences and penalties per month: [(first day of month, count), …], oldest first.

    The row of the authorities folded together has no ``authority`` and says in ``folded`` how
    many authorities it holds.
    """

    authority: str
    months: list
    folded: int = 0


def records_per_authority_per_month(top=6, months=12, today=None):
    """[AuthorityMonths, …] for the last ``months`` months: the ``top`` authorities with the most
    licences and penalties in those months, busiest first (then by name), and the rest folded into
    one last row — unless the rest is a single authority, which is then shown by its name.
    Authorities without records in those months are left out. One query, however many authorities.
    """
    today = today or timezone.localdate()
    month_starts = _month_starts(months, today)
    records = public_records(today).filter(kind__in=[RecordKind.LICENCE, RecordKind.PENALTY])
    counts = {}
    for authority, day, count in _per_day(records, "authority", month_starts[0], today):
        per_month = counts.setdefault(authority, {})
        month = _month_of(day)
        per_month[month] = per_month.get(month, 0) + count
    ranked = sorted(counts, key=lambda authority: (-sum(counts[authority].values()), authority))
    shown, rest = (ranked[:top], ranked[top:]) if len(ranked) > top + 1 else (ranked, [])
    rows = [
        AuthorityMonths(authority, [(start, counts[authority].get(start, 0)) for start in month_starts])
        for authority in shown
    ]
    if rest:
        rows.append(
            AuthorityMonths(
                "",
                [
                    (start, sum(counts[authority].get(start, 0) for authority in rest))
                    for start in month_starts
                ],
                folded=len(rest),
            )
        )
    return rows


# The statistics are cached under the state of the data (see ``data_version``) and the day.
STATISTICS_CACHE_KEY = "publicity:statistics:{months}:{top}"
# While records arrive without a finished import (an import under way, records entered by hand),
# the cached statistics are recomputed at most this often; a finished import renews them at once.
STATISTICS_REFRESH_SECONDS = 300
STATISTICS_CACHE_SECONDS = 24 * 60 * 60
# How long one request may hold the right to compute them (others meanwhile show the last ones).
STATISTICS_COMPUTING_SECONDS = 120


def data_version():
    """(the last finished or failed import: id and end, the highest record id), in one query that
    reads two indexes' ends: it changes whenever an import ends or records are added."""
    runs = connection.ops.quote_name(ImportRun._meta.db_table)
    records = connection.ops.quote_name(PublicityRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {runs} WHERE finished_at IS NOT NULL),"
            f" (SELECT MAX(finished_at) FROM {runs}), (SELECT MAX(id) FROM {records})"
        )
        last_run, last_end, last_record = cursor.fetchone()
    return (last_run, str(last_end)), last_record


def statistics(months=12, top=6, today=None):
    """(``records_per_month``, ``records_per_authority_per_month``), computed once for each state
    of the data and day, and cached: the two aggregate queries read every record of the months
    shown (a third of 1.4 million in the benchmark), which no visitor should wait for twice.
    A cheap query of the data's version (``data_version``) decides whether the cached figures
    still hold."""
    today = today or timezone.localdate()
    imports, last_record = data_version()
    key = STATISTICS_CACHE_KEY.format(months=months, top=top)
    cached = cache.get(key)
    if cached is not None:
        day, cached_imports, cached_record, computed_at, figures = cached
        if day == today and cached_imports == imports:
            if cached_record == last_record or time.time() - computed_at < STATISTICS_REFRESH_SECONDS:
                return figures
        # Another request is computing the new figures: until they are there, the last ones do.
        if not cache.add(key + ":computing", True, STATISTICS_COMPUTING_SECONDS):
            return figures
    try:
        figures = (records_per_month(months, today), records_per_authority_per_month(top, months, today))
        cache.set(key, (today, imports, last_record, time.time(), figures), STATISTICS_CACHE_SECONDS)
    finally:
        cache.delete(key + ":computing")
    return figures
