"""Pinyin for the page search: residents type 宽厚里 as ``kuanhouli`` or ``khl`` on a phone.

Every Chinese page indexes, besides its title (and place names, ``PLACE_FIELDS``), the pinyin
spellings of every run of two to ``MAX_SYLLABLES`` characters of them, in full and as initials:

    宽厚里社区 -> kuanhou houli lishe shequ kuanhouli houlishe lishequ … kh hl ls sq khl hls lsq …

so a pinyin query is one word that the index holds as it is: the same on SQLite, PostgreSQL and
the engines, with nothing to change in how queries are cut. The spellings are ASCII words, so a
Chinese query never meets them (no homophones come up for 解放路), and only pages of a Chinese
locale get them, so an English search on /en/ for a word that happens to spell pinyin
("change": 嫦娥) finds what it means. Only spaces and apostrophes a resident puts between
syllables are read differently, and only on a Chinese site: "kuan hou li" and "xi'an" are
searched as kuanhouli and xian.

modelsearch indexes what a model's ``search_fields`` name; ``install()`` (run when the search
app is ready) gives every page model a ``PinyinField`` and a ``PinyinAutocompleteField`` per
source field, so that no page app has to declare them and new page types get them too.
"""

import functools
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from modelsearch import index
from pypinyin import lazy_pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from integrity_site.core.segmentation import TOKEN

# Place names that residents type in pinyin as often as titles: an event's venue text
# (解放路街道宽厚里社区) and a volunteer event's business district (芙蓉街商圈).
PLACE_FIELDS = ("location", "business_district")
MIN_SYLLABLES = 2  # one syllable ("li") would match half the site
MAX_SYLLABLES = 5  # 儒信大讲堂, 解放路街道
SYLLABLE = re.compile(r"[a-z]+")
PINYIN_QUERY = re.compile(r"[A-Za-z]+(?:['’ ]+[A-Za-z]+)*")


def is_chinese_locale(locale):
    return bool(locale) and locale.language_code.lower().startswith("zh")


# A page's search field and autocomplete field spell the same text, one after the other.
@functools.lru_cache(maxsize=1024)
def spellings(text):
    """The pinyin words indexed for ``text``: full spellings and initials of every run of
    MIN_SYLLABLES to MAX_SYLLABLES Chinese characters, each once, lower-case ASCII."""
    full, initials = [], []
    for chinese, _other in TOKEN.findall(text or ""):
        for run in _syllable_runs(chinese):
            for length in range(MIN_SYLLABLES, MAX_SYLLABLES + 1):
                for start in range(len(run) - length + 1):
                    syllables = run[start : start + length]
                    full.append("".join(syllables))
                    initials.append("".join(syllable[0] for syllable in syllables))
    return " ".join(dict.fromkeys(full + initials))


def _syllable_runs(chinese):
    """The syllables of a run of Chinese characters, split where a character has no pinyin."""
    runs, run = [], []
    for syllable in lazy_pinyin(chinese, errors=lambda characters: [""] * len(characters)):
        if SYLLABLE.fullmatch(syllable):
            run.append(syllable)
        else:
            runs.append(run)
            run = []
    runs.append(run)
    return [run for run in runs if len(run) >= MIN_SYLLABLES]


@functools.cache
def syllables():
    """Every toneless pinyin syllable (``lv`` for lü, as phone keyboards type it)."""
    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            found.add(to_normal(reading, v_to_u=False).replace("ü", "v"))
    return frozenset(syllable for syllable in found if SYLLABLE.fullmatch(syllable))


def is_pinyin(word):
    """Whether ``word`` (lower-case letters) is a sequence of pinyin syllables."""
    known, longest = syllables(), 6
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reachable[end] = any(
            reachable[start] and word[start:end] in known for start in range(max(0, end - longest), end)
        )
    return reachable[-1]


def joined_pinyin(query, locale):
    """On a Chinese site, a query of pinyin syllables with spaces or apostrophes between them
    (``kuan hou li``, ``xi'an``) as the one word the index holds; any other query as it is."""
    if not is_chinese_locale(locale) or not PINYIN_QUERY.fullmatch(query) or query.isalpha():
        return query
    words = re.split(r"['’ ]+", query.lower())
    if not all(is_pinyin(word) for word in words):
        return query
    return "".join(words)


class PinyinMixin:
    """For a field of modelsearch's: the pinyin spellings of the source field (the field's
    ``field_name``) of pages in a Chinese locale, under a column of its own."""

    def get_attname(self, cls):
        return f"{super().get_attname(cls)}_pinyin"

    def get_value(self, obj):
        page_locale = getattr(obj, "locale", None)
        if not is_chinese_locale(page_locale):
            return ""
        return spellings(str(super().get_value(obj) or ""))


class PinyinField(PinyinMixin, index.SearchField):
    pass


class PinyinAutocompleteField(PinyinMixin, index.AutocompleteField):
    pass


def pinyin_fields(model):
    """The pinyin fields ``model`` should have: for its title and the place fields it has."""
    sources = []
    for name in ("title", *PLACE_FIELDS):
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        sources.append(name)
    # The title's pinyin weighs as the title does (boost 2, Wagtail's own for titles).
    return [
        field
        for name in sources
        for field in (PinyinField(name, boost=2 if name == "title" else None), PinyinAutocompleteField(name))
    ]


def install():
    """Give every page model its pinyin fields (once; models that inherit their parent's
    ``search_fields`` get them through it)."""
    from wagtail.models import Page

    for model in apps.get_models():
        if not issubclass(model, Page):
            continue
        present = {(type(field), field.field_name) for field in model.search_fields}
        missing = [field for field in pinyin_fields(model) if (type(field), field.field_name) not in present]
        if missing:
            model.search_fields = [*model.search_fields, *missing]
