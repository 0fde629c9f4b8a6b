from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from integrity_site.core import page_cache
from integrity_site.core.merchant_search import merchant_topics
from integrity_site.core.search_sections import SEARCH_PAGE_TYPE_HOOK

from .models import SearchPage
from .records import SynonymGroup

# Search results change with the synonyms they are searched with.
SYNONYMS_TOPIC = "search.synonymgroup"


@hooks.register(page_cache.DEPENDENT_PAGES_HOOK)
def search_pages_to_purge(topic):
    """The site search shows any page, and above them merchants: what the apps that know
    merchants name as their topics (a feed import, the pledge register) changes those; and it
    searches with the synonyms."""
    shown = topic in (page_cache.ANY_PAGE, SYNONYMS_TOPIC) or topic in merchant_topics()
    return SearchPage.objects.all() if shown else []


@hooks.register(SEARCH_PAGE_TYPE_HOOK)
def search_page_type():
    return SearchPage


class SynonymGroupViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "list-ul"
    menu_label = _("Search synonyms")
    list_display = ["__str__", "locale"]
    list_filter = ["locale"]
    search_fields = ["terms"]


register_snippet(SynonymGroupViewSet)
