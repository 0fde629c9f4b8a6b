"""The public views of the PublicityPage: query, statistics and a merchant's credit profile."""

import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from integrity_site.core import page_cache
from integrity_site.core.pagination import paginate
from publicity import charts, queries, repair_explanation
from publicity.records import PublicityRecord, RecordKind

RESULTS_PER_PAGE = 20
MAX_QUERY_LENGTH = 100


def until_tomorrow(request):
    """Penalties leave public view at midnight: no cached copy of a page showing them outlives the day."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page_cache.valid_until(
        request, timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    )


def query(request, page):
    until_tomorrow(request)
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    kind = request.GET.get("kind", "")
    kind = kind if kind in RecordKind.values else ""
    results = entries = None
    if text:
        # At most queries.MAX_RESULTS records, whatever the page number: two or three queries.
        results = paginate(request, queries.search_results(text, kind), RESULTS_PER_PAGE)
        entries = [queries.public_entry(record) for record in results.object_list]
    searched_code = queries.search_terms(text).get("credit_code", "")
    return page.render(
        request,
        template="publicity/publicity_page.html",
        context_overrides={
            "query": text,
            "kind": kind,
            "kinds": RecordKind.choices,
            "results": results,
            "entries": entries,
            # Set when more records match than a search lists.
            "more_than": f"{queries.MAX_RESULTS:,}"
            if results and results.paginator.object_list.has_more
            else "",
            "searched_code": searched_code,
            "has_data": results is not None or PublicityRecord.objects.exists(),
            **(repair_explanation.repair_links() if entries else {}),
        },
    )


STATISTICS_MONTHS = 12
TOP_AUTHORITIES = 6


def statistics(request, page):
    until_tomorrow(request)
    # Cached until the data changes (the end of an import): see queries.statistics.
    per_kind, per_authority = queries.statistics(STATISTICS_MONTHS, TOP_AUTHORITIES)
    return page.render(
        request,
        template="publicity/statistics.html",
        context_overrides={
            "months": STATISTICS_MONTHS,
            "sections": charts.statistics_sections(
                per_kind, per_authority, STATISTICS_MONTHS, TOP_AUTHORITIES
            ),
        },
    )


def credit_profile(request, page, credit_code):
    until_tomorrow(request)
    pages = {parameter: request.GET.get(parameter) for _kind, parameter in queries.PROFILE_KINDS}
    profile = queries.credit_profile(credit_code, pages=pages)
    if profile is None:
        raise Http404(_("Not a unified social credit code."))
    return page.render(
        request,
        template="publicity/credit_profile.html",
        context_overrides={"profile": profile, **repair_explanation.repair_links()},
    )


def credit_repair(request, page):
    """信用修复: the process and the rules, written from the rule sets."""
    return page.render(
        request,
        template="publicity/credit_repair.html",
        context_overrides={
            "rule_sets": repair_explanation.explained_rule_sets(),
            **repair_explanation.repair_links(),
        },
    )
