"""Sections that apps add to the first page of the site search, above the pages found (merchants
have their own hook: ``merchant_search``). An app registers a function of the query under
``SEARCH_SECTIONS_HOOK`` in its ``wagtail_hooks.py``; the search app asks every such function,
so it imports none of the apps that answer."""

from dataclasses import dataclass, field

from wagtail import hooks

SEARCH_SECTIONS_HOOK = "register_search_section"


@dataclass(frozen=True)
class SearchSection:
    key: str  # names the section, e.g. "pledges"
    template: str  # renders ``items`` (the template is the app's own)
    items: list = field(default_factory=list)


def search_sections(query):
    """The non-empty sections that the apps have for ``query``, in hook order."""
    sections = [function(query) for function in hooks.get_hooks(SEARCH_SECTIONS_HOOK)]
    return [section for section in sections if section is not None and section.items]


# The page type of the site search, which the header's search form sends to: the search app
# answers with its page model, so that the header names no app.
SEARCH_PAGE_TYPE_HOOK = "register_search_page_type"


def search_page_types():
    return tuple(function() for function in hooks.get_hooks(SEARCH_PAGE_TYPE_HOOK))
