"""What the pledge register tells the site search of merchants (``core.merchant_search``,
registered in ``wagtail_hooks.py``): the merchants of the public register whose name or address
the search names, and whether a merchant has a valid integrity pledge."""

from django.utils.formats import date_format
from django.utils.translation import gettext

from integrity_site.core.merchant_search import MerchantFact, MerchantMatches
from integrity_site.core.segmentation import search_operator

from .cross_check import current_pledges_for_codes
from .records import Pledge

PLEDGE_CANDIDATES = 50


def matching_pledges(query, limit):
    """Pledges of the public register whose name or address matches, best first."""
    # Search the index, then keep what the register shows now (see Pledge.search_fields).
    operator = search_operator(Pledge.objects.all(), query)
    found = [pledge.pk for pledge in Pledge.objects.search(query, operator=operator)[:PLEDGE_CANDIDATES]]
    published = Pledge.objects.published().only("pk", "merchant_name", "credit_code").in_bulk(found)
    return [published[pk] for pk in found if pk in published][:limit]


def merchants_in_the_register(query, limit):
    return MerchantMatches(
        merchants=[(pledge.credit_code, pledge.merchant_name) for pledge in matching_pledges(query, limit)]
    )


def pledge_status(credit_codes):
    """{code: [MerchantFact]}: the code's valid pledge (certificate, valid until, verification
    address), or that it has none, in one query."""
    current = {}
    for pledge in current_pledges_for_codes(credit_codes):
        current.setdefault(pledge.credit_code, pledge)
    facts = {}
    for code in credit_codes:
        pledge = current.get(code)
        if pledge is None:
            facts[code] = [MerchantFact(label=gettext("Integrity pledge"), text=gettext("no valid pledge"))]
            continue
        text = gettext("valid until %(date)s (certificate %(number)s)") % {
            "date": date_format(pledge.valid_until, "DATE_FORMAT") if pledge.valid_until else "",
            "number": pledge.number,
        }
        facts[code] = [
            MerchantFact(label=gettext("Integrity pledge"), text=text, url=pledge.verification_path)
        ]
    return facts
