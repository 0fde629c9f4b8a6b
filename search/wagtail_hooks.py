from wagtail import hooks

from integrity_site.core import page_cache
from integrity_site.core.search_sections import SEARCH_PAGE_TYPE_HOOK

from .models import SearchPage

# What the site search finds: any page, and the pledge register's merchants above them.
TOPICS_SHOWN = {page_cache.ANY_PAGE, "pledges", "pledges.pledge"}


@hooks.register(page_cache.DEPENDENT_PAGES_HOOK)
def search_pages_to_purge(topic):
    return SearchPage.objects.all() if topic in TOPICS_SHOWN else []


@hooks.register(SEARCH_PAGE_TYPE_HOOK)
def search_page_type():
    return SearchPage
