"""The public views of the PublicityPage: query, statistics and a merchant's credit profile."""

from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from integrity_site.core.pagination import paginate
from publicity import charts, queries
from publicity.models import PublicityRecord, RecordKind

RESULTS_PER_PAGE = 20
MAX_QUERY_LENGTH = 100


def query(request, page):
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    kind = request.GET.get("kind", "")
    kind = kind if kind in RecordKind.values else ""
    results = entries = None
    if text:
        results = paginate(request, queries.search(text, kind), RESULTS_PER_PAGE)
        entries = [queries.public_entry(record) for record in results.object_list]
    searched_code = queries.search_terms(text).get("credit_code", "")
    return page.render(request, template="publicity/publicity_page.html", context_overrides={
        "query": text,
        "kind": kind,
        "kinds": RecordKind.choices,
        "results": results,
        "entries": entries,
        "searched_code": searched_code,
        "has_data": results is not None or PublicityRecord.objects.exists(),
    })


def month_label(month):
    return date_format(month, "YEAR_MONTH_FORMAT")


# Whole sentences per kind, so that each translates naturally.
MONTH_CHART_TITLES = {
    RecordKind.LICENCE: _lazy("Licences per month"),
    RecordKind.PENALTY: _lazy("Penalties per month"),
    RecordKind.DISHONEST: _lazy("Dishonest judgment debtors per month"),
}


def month_summary(kind, total, months, busiest, busiest_month):
    values = {"total": total, "months": months, "count": busiest, "month": month_label(busiest_month)}
    if kind == RecordKind.LICENCE:
        return ngettext(
            "%(total)d licence in the last %(months)d months; the most, %(count)d, in %(month)s.",
            "%(total)d licences in the last %(months)d months; the most, %(count)d, in %(month)s.", total,
        ) % values
    if kind == RecordKind.PENALTY:
        return ngettext(
            "%(total)d penalty in the last %(months)d months; the most, %(count)d, in %(month)s.",
            "%(total)d penalties in the last %(months)d months; the most, %(count)d, in %(month)s.", total,
        ) % values
    return ngettext(
        "%(total)d dishonest judgment debtor listed in the last %(months)d months; the most, %(count)d, in %(month)s.",
        "%(total)d dishonest judgment debtors listed in the last %(months)d months; the most, %(count)d, in %(month)s.",
        total,
    ) % values


def month_chart(kind, months):
    total = sum(count for _month, count in months)
    busiest_month, busiest = max(months, key=lambda item: (item[1], item[0]))
    if total:
        summary = month_summary(kind, total, len(months), busiest, busiest_month)
    else:
        summary = _("None in the last %(months)d months.") % {"months": len(months)}
    return charts.bar_chart(
        MONTH_CHART_TITLES[kind], summary, [(month_label(month), count) for month, count in months]
    )


def authority_chart(rows):
    items = [(authority, licences + penalties) for authority, licences, penalties in rows]
    if rows:
        authority, licences, penalties = rows[0]
        summary = _(
            "%(authority)s reported the most: %(licences)d licences and %(penalties)d penalties."
        ) % {"authority": authority, "licences": licences, "penalties": penalties}
    else:
        summary = _("No licences or penalties have been reported yet.")
    return charts.bar_chart(_("Licences and penalties per authority"), summary, items)


def statistics(request, page):
    per_month = queries.records_per_month()
    month_charts = [month_chart(kind, per_month[kind]) for kind in RecordKind.values]
    return page.render(request, template="publicity/statistics.html", context_overrides={
        "charts": month_charts + [authority_chart(queries.records_per_authority())],
    })


def credit_profile(request, page, credit_code):
    profile = queries.credit_profile(credit_code)
    if profile is None:
        raise Http404(_("Not a unified social credit code."))
    return page.render(request, template="publicity/credit_profile.html", context_overrides={"profile": profile})
