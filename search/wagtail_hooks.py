from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from integrity_site.core import page_cache
from integrity_site.core.search_sections import SEARCH_PAGE_TYPE_HOOK

from .models import SearchPage
from .records import SynonymGroup

# What the site search finds: any page, and the pledge register's merchants above them; and the
# synonyms it searches with.
TOPICS_SHOWN = {page_cache.ANY_PAGE, "pledges", "pledges.pledge", "search.synonymgroup"}


@hooks.register(page_cache.DEPENDENT_PAGES_HOOK)
def search_pages_to_purge(topic):
    return SearchPage.objects.all() if topic in TOPICS_SHOWN else []


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
