"""Merchants in the public pledge register, shown above the pages when a site search names
them (registered under ``core.search_sections``'s hook in ``wagtail_hooks.py``)."""

from django.urls import reverse

from integrity_site.core.search_sections import SearchSection
from integrity_site.core.segmentation import search_operator

from .records import Pledge

PLEDGE_RESULTS = 5
PLEDGE_CANDIDATES = 50


def matching_pledges(query, limit=PLEDGE_RESULTS):
    """Merchants in the public pledge register whose name or address matches."""
    # Search the index, then keep what the register shows now (see Pledge.search_fields).
    operator = search_operator(Pledge.objects.all(), query)
    found = [pledge.pk for pledge in Pledge.objects.search(query, operator=operator)[:PLEDGE_CANDIDATES]]
    published = Pledge.objects.published().in_bulk(found)
    pledges = [published[pk] for pk in found if pk in published][:limit]
    for pledge in pledges:
        pledge.verification_url = reverse("pledges:verify", args=[pledge.number])
    return pledges


def pledge_search_section(query):
    return SearchSection(key="pledges", template="pledges/search_section.html", items=matching_pledges(query))
