"""Site search: live pages of the visitor's locale, with highlighted snippets,
a facet by page type, editors' promoted results and an anonymous query log."""

import datetime
import html
import re
import unicodedata

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits
from wagtail.models import Page
from wagtail.search.utils import normalise_query_string

from integrity_site.core import page_cache
from integrity_site.core.credit_code import is_valid_credit_code
from integrity_site.core.merchant_search import MerchantResults, find_merchants
from integrity_site.core.pagination import paginate
from integrity_site.core.ratelimit import client_address
from integrity_site.core.search_sections import search_sections
from integrity_site.core.segmentation import TOKEN, search_operator, segment_query
from integrity_site.core.text import printable

from .personal_data import holds_personal_data
from .pinyin import PinyinField, joined_pinyin
from .records import QueryVisitor, SynonymGroup
from .synonyms import alternatives, expanded

MAX_QUERY_LENGTH = 200
SNIPPET_LENGTH = 120
SUGGESTION_LIMIT = 8

# A query is among the popular searches once this many distinct visitors searched it on one day
# (setting SEARCH_POPULAR_MIN_VISITORS): one visitor, however many requests, cannot put words there.
DEFAULT_POPULAR_MIN_VISITORS = 5
VISITOR_SALT = "search.query_visitor"


def clean_query(query):
    """One line of text: runs of white space as one space, control characters and invisible
    format characters (zero-width characters, bidi controls: what a pasted query may carry
    without anybody seeing it) dropped, at most MAX_QUERY_LENGTH characters."""
    text = "".join(char for char in printable(query or "") if unicodedata.category(char) != "Cf")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


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
    query = joined_pinyin(query, locale)
    promotions = promotions_for(query, pages)
    promoted_ids = [promotion["page_id"] for promotion in promotions if promotion["page_id"]]
    candidates = pages.exclude(pk__in=promoted_ids)

    groups = SynonymGroup.groups_for(locale)
    operator = search_operator(candidates, query, expanded(query, groups))
    search_query = expanded(query, groups, operator)
    facets = type_facets(candidates, search_query, operator)
    selected_type = request.GET.get("type", "")
    type_filter = {label: content_type for label, _name, _count, content_type in facets}
    if selected_type in type_filter:
        candidates = candidates.filter(content_type=type_filter[selected_type])
    else:
        selected_type = ""

    results = paginate(request, candidates.specific().search(search_query, operator=operator), per_page)
    marked = " ".join([query, *alternatives(query, groups)])
    for page in results:
        page.search_snippet = highlight(searchable_text(page), marked)
    log_query(query, request)
    first_page = results.number == 1 and not selected_type
    merchants = merchants_for(request, query) if first_page else MerchantResults(cards=[])
    return {
        "merchants": merchants,
        "sections": search_sections(query) if first_page else [],
        "matched_some_words": operator == "or",
        "query": query,
        "results": results,
        "facets": [(label, name, count) for label, name, count, _type in facets],
        "selected_type": selected_type,
        "promotions": promotions if first_page else [],
        "popular_searches": [] if results.paginator.count or promotions or merchants else popular_searches(),
    }


def merchants_for(request, query):
    """The merchants the apps find for the query (``core.merchant_search``), none for a query that
    holds personal data unless it is a credit code: a number or address of a person's names nobody.
    The cards count penalties whose publicity may end tonight, so a cached page lasts until then."""
    if holds_personal_data(query) and not is_valid_credit_code("".join(query.split())):
        return MerchantResults(cards=[])
    merchants = find_merchants(query)
    if merchants:
        page_cache.valid_until(request, next_midnight())
    return merchants


def next_midnight():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))


def type_facets(pages, query, operator="and"):
    """(label, name, count, content type id) per page type that has results, most first;
    ``query`` is a string or a modelsearch query."""
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
        # Neither the title nor the pinyin spellings (search/pinyin.py) are text to quote.
        if (
            isinstance(field, SearchField)
            and field.field_name != "title"
            and not isinstance(field, PinyinField)
        ):
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


def visitor_key(request, date):
    """Who searched, as the popular searches need it: the same for one client on one day, another
    the next day, and no way back to the address without the site's secret key."""
    return salted_hmac(VISITOR_SALT, f"{date.isoformat()}|{client_address(request)}").hexdigest()[:32]


def log_query(query, request):
    """Count the query in Wagtail's query log once per visitor and day: ``QueryDailyHits.hits``
    is the number of distinct visitors of that day. Queries holding personal data are never
    written, not even as a ``Query`` row."""
    if holds_personal_data(query) or not normalise_query_string(query):
        return
    today = timezone.localdate()
    logged = Query.get(query)
    # get_or_create: the same visitor's other request at the same moment finds this row.
    _visit, first_today = QueryVisitor.objects.get_or_create(
        query=logged, date=today, visitor=visitor_key(request, today)
    )
    if not first_today:
        return
    logged.add_hit(date=today)
    # Yesterday's visitors are not needed any more; looked for first, deleted once a day.
    if QueryVisitor.objects.filter(date__lt=today).exists():
        QueryVisitor.objects.filter(date__lt=today).delete()


def popular_min_visitors():
    return getattr(settings, "SEARCH_POPULAR_MIN_VISITORS", DEFAULT_POPULAR_MIN_VISITORS)


def popular_searches(days=90, limit=8):
    """The queries most visitors searched in the last ``days``, of those that at least
    ``SEARCH_POPULAR_MIN_VISITORS`` distinct visitors searched on one day; never one that holds
    personal data (also from before the filter was as strict as it is now)."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    rows = (
        QueryDailyHits.objects.filter(date__gte=since)
        .values("query__query_string")
        .annotate(visitors=Sum("hits"), busiest_day=Max("hits"))
        .filter(busiest_day__gte=popular_min_visitors())
        .order_by("-visitors", "query__query_string")
    )
    popular = []
    for row in rows[: limit * 4]:
        query_string = row["query__query_string"]
        if holds_personal_data(query_string) or query_string != clean_query(query_string):
            continue
        popular.append(query_string)
        if len(popular) == limit:
            break
    return popular


def suggestions(query, locale, limit=SUGGESTION_LIMIT):
    """Titles that complete what the visitor is typing."""
    query = clean_query(query)
    if not query or not segment_query(query):
        return []
    results = locale_pages(locale).autocomplete(joined_pinyin(query, locale), operator="and")[:limit]
    return [{"title": page.title, "url": page.url} for page in results]
