"""Synonyms that editors maintain (Snippets → Synonyms): words residents use for what the
site calls otherwise, e.g. 红榜 for 诚信榜样, applied to the site search on every backend.

A group is a list of equivalent terms, one a line; a term of several words (行政许可 行政处罚)
stands for all of them together. A query holding a term is searched as itself or with the
term replaced by each other term of its group:

    双公示查询  ->  双公示查询  OR  行政许可 行政处罚 查询

They are applied when a query is searched, not when pages are indexed, so an editor's change
counts with the next search on SQLite, PostgreSQL and the engines alike, without rebuilding
an index; saving a group drops the cached search pages (search/wagtail_hooks.py).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from modelsearch.query import Or, PlainText

from integrity_site.core.segmentation import segment_query
from integrity_site.core.text import validate_name_text

MAX_TERMS = 10
MAX_TERM_LENGTH = 40
MAX_TERM_WORDS = 4
# More alternatives make a query slower and its results vaguer.
MAX_ALTERNATIVES = 8


def parse_terms(text):
    """The terms of a group as an editor typed them, one a line: spaces evened, blank lines
    skipped, each term once."""
    terms = (" ".join(line.split()) for line in (text or "").splitlines())
    return list(dict.fromkeys(term for term in terms if term))


def validate_terms(text):
    """What a group must be: two to MAX_TERMS terms, each visible text without control
    characters, at most MAX_TERM_LENGTH characters and MAX_TERM_WORDS words, each a word
    search can match (not punctuation only)."""
    for line in (text or "").splitlines():
        validate_name_text(line.strip())
    terms = parse_terms(text)
    if len(terms) < 2:
        raise ValidationError(_("Give at least two terms, one a line."), code="too_few_terms")
    if len(terms) > MAX_TERMS:
        raise ValidationError(
            ngettext_lazy("Give at most %(limit)d term.", "Give at most %(limit)d terms.", MAX_TERMS),
            code="too_many_terms",
            params={"limit": MAX_TERMS},
        )
    for term in terms:
        if len(term) > MAX_TERM_LENGTH or len(term.split()) > MAX_TERM_WORDS:
            raise ValidationError(
                _("“%(term)s” is too long: a term has at most %(length)d characters and %(words)d words."),
                code="term_too_long",
                params={"term": term[:MAX_TERM_LENGTH], "length": MAX_TERM_LENGTH, "words": MAX_TERM_WORDS},
            )
        if not segment_query(term):
            raise ValidationError(
                _("“%(term)s” has no word that search could find."),
                code="term_without_words",
                params={"term": term},
            )


def term_pattern(term):
    """Where ``term`` occurs in a query: Chinese anywhere in a run (双公示 in 双公示查询), other
    words whole (credit, not in accreditation), spaces between its words as any spaces."""
    pattern = r"\s+".join(re.escape(word) for word in term.split())
    return rf"(?<![^\W\d_]){pattern}(?![^\W\d_])" if term.isascii() else pattern


def alternatives(query, groups):
    """``query`` with each term of a group that it holds replaced by each other term of that
    group (the longest term first where terms overlap), at most MAX_ALTERNATIVES."""
    synonyms_of = {}
    for terms in groups:
        for term in terms:
            synonyms_of.setdefault(term.casefold(), [other for other in terms if other != term])
    if not synonyms_of:
        return []
    by_length = sorted(synonyms_of, key=len, reverse=True)
    pattern = re.compile("|".join(term_pattern(term) for term in by_length), re.IGNORECASE)
    found = []
    for match in pattern.finditer(query):
        term = " ".join(match.group(0).split()).casefold()
        for other in synonyms_of.get(term, []):
            found.append(f"{query[: match.start()]} {other} {query[match.end() :]}".strip())
    return list(dict.fromkeys(" ".join(text.split()) for text in found if text != query))[:MAX_ALTERNATIVES]


def expanded(query, groups, operator="and"):
    """What to search for: ``query`` itself where no synonym applies, else modelsearch's
    ``Or`` of the query and its alternatives, each matched with ``operator``."""
    others = alternatives(query, groups)
    if not others:
        return query
    return Or([PlainText(text, operator=operator) for text in [query, *others]])
