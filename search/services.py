"""Site search: live pages of the visitor's locale, with highlighted snippets,
a facet by page type, editors' promoted results and an anonymous query log."""

import datetime
import html
import re

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page
from wagtail.search.utils import normalise_query_string

from integrity_site.core.pagination import paginate
from integrity_site.core.search_sections import search_sections
from integrity_site.core.segmentation import TOKEN, search_operator, segment_query

MAX_QUERY_LENGTH = 200
SNIPPET_LENGTH = 120
SUGGESTION_LIMIT = 8

# Queries that hold personal data (a mobile number, an ID number, an e-mail
# address) are answered but never written to the query log.
PERSONAL_DATA = re.compile(
    r"1[3-9]\d{9}"  # mainland mobile number
    r"|\d{17}[\dXx]|\d{15}"  # resident identity card number
    r"|[^@\s]+@[^@\s]+\.\w+"  # e-mail address
)


def clean_query(query):
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def locale_pages(locale):
    return Page.objects.live().public().filter(locale=locale)


def page_type_label(model):
    return model._meta.label_lower


def search_pages(request, query, locale, per_page):
    """What the search page shows for ``query``; a blank query shows nothing."""
    query = clean_query(query)
    if not query or not segment_query(query):
        return {
            "query": query,
            "results": None,
            "facets": [],
            "promotions": [],
            "sections": [],
            "popular_searches": popular_searches(),
        }

    pages = locale_pages(locale)
    promotions = promotions_for(query, pages)
    promoted_ids = [promotion["page_id"] for promotion in promotions if promotion["page_id"]]
    candidates = pages.exclude(pk__in=promoted_ids)

    operator = search_operator(candidates, query)
    facets = type_facets(candidates, query, operator)
    selected_type = request.GET.get("type", "")
    type_filter = {label: content_type for label, _name, _count, content_type in facets}
    if selected_type in type_filter:
        candidates = candidates.filter(content_type=type_filter[selected_type])
    else:
        selected_type = ""

    results = paginate(request, candidates.specific().search(query, operator=operator), per_page)
    for page in results:
        page.search_snippet = highlight(searchable_text(page), query)
    log_query(query)
    first_page = results.number == 1 and not selected_type
    return {
        "sections": search_sections(query) if first_page else [],
        "matched_some_words": operator == "or",
        "query": query,
        "results": results,
        "facets": [(label, name, count) for label, name, count, _type in facets],
        "selected_type": selected_type,
        "promotions": promotions if first_page else [],
        "popular_searches": [] if results.paginator.count or promotions else popular_searches(),
    }


def type_facets(pages, query, operator="and"):
    """(label, name, count, content type id) per page type that has results, most first."""
    counts = pages.search(query, operator=operator).facet("content_type_id")
    content_types = ContentType.objects.in_bulk([pk for pk in counts if pk])
    facets = []
    for pk, count in counts.items():
        content_type = content_types.get(pk)
        model = content_type.model_class() if content_type else None
        if model is None or not count:
            continue
        facets.append((page_type_label(model), model._meta.verbose_name, count, pk))
    return sorted(facets, key=lambda facet: (-facet[2], facet[0]))


def promotions_for(query, pages):
    """What editors pinned to this query (Wagtail's search promotions): live pages
    of the visitor's locale, and external links."""
    promotion_query = Query.objects.filter(query_string=normalise_query_string(query)).first()
    if promotion_query is None:
        return []
    picks = list(promotion_query.editors_picks.select_related("page"))
    live_ids = set(
        pages.filter(pk__in=[pick.page_id for pick in picks if pick.page_id]).values_list("pk", flat=True)
    )
    promotions = []
    for pick in picks:
        if pick.page_id and pick.page_id not in live_ids:
            continue
        promotions.append(
            {
                "title": pick.title,
                "url": pick.page.url if pick.page_id else pick.external_link_url,
                "description": pick.description,
                "page_id": pick.page_id,
            }
        )
    return promotions


def searchable_text(page):
    """The text of a page that search reads, as plain text."""
    from modelsearch.index import SearchField

    parts = []
    for field in page.get_search_fields():
        if isinstance(field, SearchField) and field.field_name != "title":
            value = field.get_value(page)
            if isinstance(value, list | tuple):
                value = " ".join(str(item) for item in value)
            parts.append(strip_tags(str(value or "")))
    return html.unescape(" ".join(" ".join(parts).split()))


def query_terms(query):
    """The words to mark in a snippet: whole Chinese runs and other words."""
    return [chinese or other for chinese, other in TOKEN.findall(query) if (chinese or other)]


def highlight(text, query, length=SNIPPET_LENGTH):
    """A window of ``text`` around the first matched term, terms wrapped in <mark>."""
    terms = sorted(set(query_terms(query)), key=len, reverse=True)
    if not text:
        return ""
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE) if terms else None
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - length // 3) if match else 0
    window = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    escaped = html.escape(window)
    if pattern:
        escaped_pattern = re.compile("|".join(re.escape(html.escape(term)) for term in terms), re.IGNORECASE)
        escaped = escaped_pattern.sub(lambda found: f"<mark>{found.group(0)}</mark>", escaped)
    return mark_safe(prefix + escaped + suffix)  # noqa: S308 - built from escaped text


def log_query(query):
    if PERSONAL_DATA.search(query.replace(" ", "")):
        return
    Query.get(query).add_hit()


def popular_searches(days=90, limit=8):
    since = timezone.localdate() - datetime.timedelta(days=days)
    return [query.query_string for query in Query.get_most_popular(date_since=since)[:limit]]


def suggestions(query, locale, limit=SUGGESTION_LIMIT):
    """Titles that complete what the visitor is typing."""
    query = clean_query(query)
    if not query or not segment_query(query):
        return []
    results = locale_pages(locale).autocomplete(query, operator="and")[:limit]
    return [{"title": page.title, "url": page.url} for page in results]
