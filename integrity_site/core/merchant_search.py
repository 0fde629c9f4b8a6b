"""Merchants in the site search: a search for a merchant's name, the pinyin of its name or its
unified social credit code shows, above the pages, a card per merchant that leads to its credit
profile. The search app knows none of the apps that know merchants; each tells what it knows
through one Wagtail hook:

``SEARCH_MERCHANT_HOOK``
    A function without arguments returning a ``MerchantSource``:

    - ``find(query, limit)``: a ``MerchantMatches`` of at most ``limit`` merchants
      (``(credit_code, name)``, best first) that the app finds for the query, and the address of
      its own fuller search when it has more (the publicity part: its 双公示 query);
    - ``facts(credit_codes)``: ``{credit_code: [MerchantFact, …]}`` of what the app knows of those
      merchants (the publicity part: its public records by kind; pledges: whether a valid pledge is
      there; honours: the honour lists), for all of them at once, in a constant number of queries;
    - ``order``: where its facts come on the card (smaller first);
    - ``topics``: the page-cache topics (``page_cache.DEPENDENT_PAGES_HOOK``) after which what it
      says may have changed, so that cached search pages are dropped with them.

    Either callable may be None. Persons never get a card: a finder returns only parties that the
    site publishes by name (organisations and individual businesses with a credit code), never
    natural persons.

The card links the merchant's credit profile through ``credit_checks.credit_profile_linker``.
"""

import dataclasses

from wagtail import hooks

from .credit_checks import credit_profile_linker

SEARCH_MERCHANT_HOOK = "register_search_merchants"
# A search shows at most this many merchants; past that, a link to the fuller search.
MERCHANT_LIMIT = 3
# One character is no distinctive part of a name: it would put merchants above any page.
MIN_QUERY_CHARACTERS = 2


@dataclasses.dataclass(frozen=True)
class MerchantFact:
    """One line of a merchant's card: e.g. "Integrity pledge" / "valid until 2027年1月5日"."""

    label: str
    text: str = ""
    url: str = ""


@dataclasses.dataclass
class MerchantMatches:
    merchants: list  # [(credit_code, name), …], best first
    more_url: str = ""


@dataclasses.dataclass(frozen=True)
class MerchantSource:
    find: object = None  # (query, limit) -> MerchantMatches
    facts: object = None  # (credit_codes) -> {credit_code: [MerchantFact, …]}
    order: int = 0
    topics: tuple = ()


@dataclasses.dataclass
class MerchantCard:
    credit_code: str
    name: str
    profile_url: str = ""
    facts: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class MerchantResults:
    cards: list
    more_url: str = ""  # a fuller search, when more merchants match than the cards show

    def __bool__(self):
        return bool(self.cards)


def merchant_sources():
    return [function() for function in hooks.get_hooks(SEARCH_MERCHANT_HOOK)]


def merchant_topics():
    """The page-cache topics after which a search page's merchant cards may be out of date."""
    return {topic for source in merchant_sources() for topic in source.topics}


def find_merchants(query, limit=MERCHANT_LIMIT):
    """The merchants that the apps find for ``query``, each once (the first finder's name kept),
    at most ``limit``, with what every app knows of them."""
    if len("".join((query or "").split())) < MIN_QUERY_CHARACTERS:
        return MerchantResults(cards=[])
    sources = merchant_sources()
    names, more_url = {}, ""
    for source in sources:
        if source.find is None:
            continue
        matches = source.find(query, limit)
        for credit_code, name in matches.merchants:
            names.setdefault(credit_code, name)
        more_url = more_url or matches.more_url
    codes = list(names)[:limit]
    if not codes:
        return MerchantResults(cards=[])
    link = credit_profile_linker()
    cards = {code: MerchantCard(code, names[code], profile_url=link(code)) for code in codes}
    for source in sorted(sources, key=lambda source: source.order):
        if source.facts is None:
            continue
        for code, facts in source.facts(codes).items():
            if code in cards:
                cards[code].facts.extend(facts)
    return MerchantResults(cards=list(cards.values()), more_url=more_url)
