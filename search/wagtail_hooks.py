from wagtail import hooks

from integrity_site.core import page_cache
from integrity_site.core.merchant_search import merchant_topics
from integrity_site.core.search_sections import SEARCH_PAGE_TYPE_HOOK

from .models import SearchPage


@hooks.register(page_cache.DEPENDENT_PAGES_HOOK)
def search_pages_to_purge(topic):
    """The site search shows any page, and above them merchants: what the apps that know
    merchants name as their topics (a feed import, the pledge register) changes those."""
    shown = topic == page_cache.ANY_PAGE or topic in merchant_topics()
    return SearchPage.objects.all() if shown else []


@hooks.register(SEARCH_PAGE_TYPE_HOOK)
def search_page_type():
    return SearchPage
