"""Text people type and text the site writes out.

- ``pinyin_sort_key``: Chinese names sorted by pinyin.
- ``pinyin_spellings``: what residents type for a Chinese name on a phone, in full and by
  initials (宽厚里 → kuanhouli, khl), for searches.
- ``validate_name_text``: the one rule for names and other one-line text that residents, merchants
  and editors type (merchant names, persons, addresses, honour entries, registrations): no control
  characters, no invisible format characters (zero-width characters, text-direction overrides,
  embeddings and isolates), and at least one visible character. Ordinary spaces, including the
  ideographic space, are fine. Forms and model fields use it alike, so the admin refuses what the
  public forms refuse.
- ``printable``: a text without the characters that XML 1.0 (RSS, Atom) and XLSX cells cannot hold,
  for every writer of those formats, so that one bad value already stored never breaks a feed or
  an export for everyone.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin


def pinyin_sort_key(text):
    """A key that sorts Chinese names by pinyin (then tones), Latin names alphabetically."""
    syllables = lazy_pinyin(text or "", style=Style.TONE3, errors="default")
    return " ".join(syllables).lower()[:255]


NOT_SPELLED = re.compile(r"[^a-z0-9]")


def pinyin_spellings(text):
    """(full spelling, initials) of ``text``, lower-case ASCII letters and digits without spaces:
    宽厚里 → ("kuanhouli", "khl"); ü is written v, as phone keyboards take it (绿 → lv). Latin
    words and numbers keep their letters in the full spelling and their first in the initials."""
    words = [NOT_SPELLED.sub("", word.lower()) for word in lazy_pinyin(text or "", errors="default")]
    words = [word for word in words if word]
    return "".join(words), "".join(word[0] for word in words)


# --- the name rule ---------------------------------------------------------------------

# Control (Cc), format (Cf: zero-width characters, soft hyphen, byte order mark, the bidi
# embeddings, overrides, isolates and marks, tag characters), surrogates, and the line and
# paragraph separators: none belongs in a name or an address.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# Letters and symbols by category that show nothing: the Hangul fillers, the braille blank
# and the Mongolian vowel separator (a format character in newer Unicode).
INVISIBLE_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")

# What makes a value visible: letters, digits, punctuation and symbols; private-use and
# not-yet-assigned code points count too, because rare characters in Chinese names (生僻字)
# live there in some systems and in Unicode versions newer than Python's.
VISIBLE_CATEGORY_STARTS = ("L", "N", "P", "S")
VISIBLE_CATEGORIES = frozenset({"Co", "Cn"})


def _is_noncharacter(code_point):
    return 0xFDD0 <= code_point <= 0xFDEF or (code_point & 0xFFFE) == 0xFFFE


def refused_characters(value):
    """The characters of ``value`` that the name rule refuses, in order, each once."""
    found = []
    for char in value or "":
        if (
            unicodedata.category(char) in REFUSED_CATEGORIES
            or char in INVISIBLE_CHARACTERS
            or _is_noncharacter(ord(char))
        ) and char not in found:
            found.append(char)
    return found


def has_visible_character(value):
    for char in value or "":
        if char in INVISIBLE_CHARACTERS:
            continue
        category = unicodedata.category(char)
        if category.startswith(VISIBLE_CATEGORY_STARTS) or category in VISIBLE_CATEGORIES:
            return True
    return False


def validate_name_text(value):
    """The name rule (see the module's docstring). Empty values are left to ``blank``/``required``."""
    if not value:
        return
    if refused_characters(value):
        raise ValidationError(
            _(
                "Please remove control characters and invisible formatting characters "
                "(such as zero-width characters or text-direction marks)."
            ),
            code="invisible_characters",
        )
    if not has_visible_character(value):
        raise ValidationError(
            _("Please type visible text, not only spaces or invisible characters."),
            code="no_visible_characters",
        )


# --- what feeds and spreadsheets can hold ----------------------------------------------------

# Outside XML 1.0's Char production: the C0 controls but tab, line feed and carriage return;
# lone surrogates; U+FFFE and U+FFFF. XLSX cells (openpyxl's ILLEGAL_CHARACTERS_RE) refuse the
# same C0 controls.
NOT_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(value):
    """``value`` without what XML 1.0 and XLSX cannot hold; lazy translations become text, and
    anything that is not text (numbers, dates, None) is returned as it is."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return NOT_PRINTABLE.sub("", value)
    return value
