"""What the feed tells the site search of merchants (``core.merchant_search``, registered in
``wagtail_hooks.py``): the merchants whose records the 双公示 query finds for the search, and how
many public records of each kind they have."""

from urllib.parse import urlencode

from django.db.models import Count
from django.utils.translation import gettext, ngettext, pgettext

from integrity_site.core.merchant_search import MerchantFact, MerchantMatches
from publicity import queries
from publicity.models import publicity_page
from publicity.records import PublicityRecord, RecordKind, SubjectCategory

# The newest records of a search looked through for merchants: enough for the few shown, and a
# bound on the work for a word that most names hold.
MERCHANT_WINDOW = 200

COUNT_TEXTS = {
    RecordKind.LICENCE: lambda count: ngettext("%(count)s licence", "%(count)s licences", count),
    RecordKind.PENALTY: lambda count: ngettext("%(count)s penalty", "%(count)s penalties", count),
    RecordKind.DISHONEST: lambda count: ngettext(
        "%(count)s dishonest judgment debtor record", "%(count)s dishonest judgment debtor records", count
    ),
}


def merchants_in_the_feed(query, limit):
    """The parties with a credit code among the newest records that the 双公示 query finds for
    ``query``, newest first. Natural persons are never among them (they have no code, and their
    names only leave the feed masked); what a party is called is what its newest record says."""
    results = queries.search_results(query, limit=MERCHANT_WINDOW)
    ids = results.ids[:MERCHANT_WINDOW]
    rows = (
        PublicityRecord.objects.filter(pk__in=ids)
        .exclude(subject_category=SubjectCategory.NATURAL_PERSON)
        .exclude(credit_code="")
        .values_list("pk", "credit_code", "subject_name")
    )
    by_id = {pk: (code, name) for pk, code, name in rows}
    names = {}
    for pk in ids:
        if pk in by_id:
            names.setdefault(*by_id[pk])
    merchants = list(names.items())
    more_url = ""
    if merchants and (len(merchants) > limit or results.has_more):
        page = publicity_page()
        more_url = f"{page.url}?{urlencode({'q': query})}" if page else ""
    return MerchantMatches(merchants=merchants[:limit], more_url=more_url)


def record_counts(credit_codes):
    """{code: [MerchantFact]}: the public records of each code by kind, in one query."""
    counts = {}
    for code, kind, count in (
        queries.public_records()
        .filter(credit_code__in=credit_codes)
        .values_list("credit_code", "kind")
        .annotate(count=Count("*"))
        .order_by()
    ):
        counts.setdefault(code, {})[kind] = count
    facts = {}
    for code in credit_codes:
        kinds = counts.get(code, {})
        parts = [
            COUNT_TEXTS[kind](kinds[kind]) % {"count": f"{kinds[kind]:,}"}
            for kind, _parameter in queries.PROFILE_KINDS
            if kinds.get(kind)
        ]
        text = pgettext("enumeration", ", ").join(parts) or gettext("none")
        facts[code] = [MerchantFact(label=gettext("Public records"), text=text)]
    return facts
