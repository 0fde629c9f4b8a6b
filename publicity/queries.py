"""What the public sees of the feed: searches, a merchant's credit profile and the statistics.

Penalties leave public view after their publicity end date (公示截止期); they stay in the table for
editors and the cross-check. Identity numbers are not stored at all, and private persons' names
(parties and legal representatives) only ever leave this module masked.
"""

import dataclasses
import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from integrity_site.core.credit_checks import credit_profile_sections
from integrity_site.core.credit_code import is_valid_credit_code, normalize_credit_code
from integrity_site.core.privacy import mask_name
from publicity.records import PublicityRecord, RecordKind, SubjectCategory

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
]


def public_records(today=None):
    """Every record a resident may see today."""
    today = today or timezone.localdate()
    return PublicityRecord.objects.filter(~Q(kind=RecordKind.PENALTY) | Q(publicity_until__gte=today))


def search_terms(query):
    """A credit code is looked up exactly; anything else is part of a name.

    The name lookup is ``contains`` (``subject_name LIKE '%…%'``), which on PostgreSQL the trigram
    index publicity_record_name_trgm serves for terms of three or more characters (migration 0004);
    ``icontains`` would compile to ``UPPER(subject_name) LIKE …``, which that index cannot serve.
    """
    query = (query or "").strip()
    code = normalize_credit_code(query)
    if is_valid_credit_code(code):
        return {"credit_code": code}
    return {"subject_name__contains": query} if query else {}


def search(query, kind="", today=None):
    terms = search_terms(query)
    if not terms:
        return PublicityRecord.objects.none()
    records = public_records(today).filter(**terms)
    if kind in RecordKind.values:
        records = records.filter(kind=kind)
    return records.order_by("-decision_date", "-pk").only(*PUBLIC_FIELDS)


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
    licence_number: str
    decision_date: datetime.date
    valid_until: datetime.date
    publicity_until: datetime.date
    status: str
    legal_representative: str
    profile_code: str


def public_entry(record):
    private_person = record.subject_category == SubjectCategory.NATURAL_PERSON
    return PublicEntry(
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
        licence_number=record.licence_number,
        decision_date=record.decision_date,
        valid_until=record.valid_until,
        publicity_until=record.publicity_until if record.kind == RecordKind.PENALTY else None,
        status=record.status if record.kind == RecordKind.DISHONEST else "",
        legal_representative=mask_name(record.legal_representative),
        profile_code=record.credit_code,
    )


@dataclasses.dataclass
class CreditProfile:
    credit_code: str
    name: str
    licences: list
    penalties: list
    dishonest: list
    sections: (
        list  # (title, [ProfileItem, …]) from other parts of the site (honours, pledges), see credit_checks
    )

    @property
    def is_empty(self):
        return not (
            self.licences or self.penalties or self.dishonest or any(items for _t, items in self.sections)
        )


def credit_profile(credit_code, today=None):
    """Everything public about one credit code, or None when the code is not valid."""
    code = normalize_credit_code(credit_code)
    if not is_valid_credit_code(code):
        return None
    records = [public_entry(record) for record in search(code, today=today)]
    sections = credit_profile_sections(code)
    names = [entry.name for entry in records] + [item.label for _title, items in sections for item in items]
    return CreditProfile(
        credit_code=code,
        name=names[0] if names else "",
        licences=[entry for entry in records if entry.kind == RecordKind.LICENCE],
        penalties=[entry for entry in records if entry.kind == RecordKind.PENALTY],
        dishonest=[entry for entry in records if entry.kind == RecordKind.DISHONEST],
        sections=sections,
    )


def records_per_month(months=12, today=None):
    """{kind: [(first day of month, count), …]} for the last ``months`` months, oldest first."""
    today = today or timezone.localdate()
    month_starts = _month_starts(months, today)
    counts = {
        (row["kind"], _as_date(row["month"])): row["count"]
        for row in _per_month(PublicityRecord.objects.all(), "kind", month_starts[0], today)
    }
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


def _per_month(records, field, first, today):
    """One aggregate query: rows of ``field``, month and count of the records decided from ``first`` to ``today``."""
    return (
        records.filter(decision_date__gte=first, decision_date__lte=today)
        .annotate(month=TruncMonth("decision_date"))
        .values(field, "month")
        .annotate(count=Count("pk"))
        .order_by()
    )


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


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
    records = PublicityRecord.objects.filter(kind__in=[RecordKind.LICENCE, RecordKind.PENALTY])
    counts = {}
    for row in _per_month(records, "authority", month_starts[0], today):
        counts.setdefault(row["authority"], {})[_as_date(row["month"])] = row["count"]
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
