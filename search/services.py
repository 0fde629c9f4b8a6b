"""Site search over the live pages of one locale."""

from wagtail.models import Page

from integrity_site.core.pagination import paginate

MAX_QUERY_LENGTH = 200


def clean_query(query):
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def search_pages(request, query, locale, per_page):
    query = clean_query(query)
    if not query:
        return {"query": "", "results": None}
    pages = Page.objects.live().public().filter(locale=locale).specific()
    results = pages.search(query)
    return {"query": query, "results": paginate(request, results, per_page)}
