"""The subdistricts (街道) of the district: fixed names from settings, each with its English name.

``settings.SUBDISTRICTS`` lists them as ``"解放路街道=Jiefang Road Subdistrict"`` (the name as
stored, then the English one); an entry without ``=`` keeps its one name in both languages.
Records store the Chinese name; pages show the name in the visitor's language.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def subdistricts():
    """[(name as stored, English name), …] in the order of the setting."""
    pairs = []
    for entry in settings.SUBDISTRICTS:
        name, _sep, english = entry.partition("=")
        pairs.append((name.strip(), english.strip() or name.strip()))
    return pairs


def _in_english():
    return (translation.get_language() or "").split("-")[0] == "en"


def subdistrict_label(name):
    """The subdistrict's name in the active language (a name not in the list as it is)."""
    if not _in_english():
        return name
    return dict(subdistricts()).get(name, name)


def subdistrict_choices():
    """(value, label) pairs for a form's select, labels in the active language."""
    english = _in_english()
    return [(name, english_name if english else name) for name, english_name in subdistricts()]


def subdistrict_select_choices(empty_label=None):
    """The choices of a form's subdistrict select, led by a prompt ("请选择街道")."""
    return [("", empty_label or _("Choose a subdistrict")), *subdistrict_choices()]
