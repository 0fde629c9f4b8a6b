"""Translations the site supplies for messages that Wagtail's own catalogues leave untranslated.

Wagtail's Simplified Chinese catalogues (kept by volunteers on Transifex) lack a few hundred of
its messages ("Search all pages…", "%(total)s Pages", "Autosave in progress…"), which the Chinese
admin then shows in English. The site keeps translations of exactly those in
``locale/wagtail/<language>/LC_MESSAGES/`` (``django.po``; ``djangojs.po`` for the admin's
JavaScript), catalogues on ``LOCALE_PATHS`` (which Django prefers over the apps' catalogues) kept
apart from the site's own messages, so that ``makemessages`` leaves them alone.
``manage.py supplement_wagtail_translations`` brings them up to date after a Wagtail upgrade:
messages Wagtail now translates leave them, new gaps come in untranslated, to be filled.
"""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.utils.translation import to_locale

SOURCE_LANGUAGE = "en"  # the language of Wagtail's msgids
# Messages of Python code and templates, and of the admin's JavaScript (served by /admin/jsi18n/,
# which reads LOCALE_PATHS too).
DOMAINS = ("django", "djangojs")


def supplemented_languages():
    """The site's languages other than the one Wagtail's messages are written in, as locale names."""
    return [to_locale(code) for code, _name in settings.LANGUAGES if to_locale(code) != SOURCE_LANGUAGE]


def catalogue_path(language, domain="django"):
    return Path(settings.BASE_DIR) / "locale" / "wagtail" / language / "LC_MESSAGES" / f"{domain}.po"


def _app_catalogue(app, language, domain):
    return Path(app.path) / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def supplemented_apps(domain="django"):
    """The installed apps of the Wagtail family that have a source catalogue in ``domain``."""
    for app in apps.get_app_configs():
        if app.name.split(".")[0] in ("wagtail", "wagtail_localize"):
            source = _app_catalogue(app, SOURCE_LANGUAGE, domain)
            if source.exists():
                yield app, source


def _key(entry):
    return entry.msgctxt, entry.msgid


def _translated(path):
    if not path.exists():
        return set()
    return {_key(entry) for entry in polib.pofile(str(path)) if entry.translated() and not entry.obsolete}


def gaps(language, domain="django"):
    """{(msgctxt, msgid): entry} of the messages of Wagtail's apps that their ``language``
    catalogues do not translate."""
    missing = {}
    for app, source in supplemented_apps(domain):
        done = _translated(_app_catalogue(app, language, domain))
        for entry in polib.pofile(str(source)):
            if not entry.obsolete and _key(entry) not in done:
                missing.setdefault(_key(entry), entry)
    return missing


def untranslated(language, domain="django"):
    """The msgids of gaps that the site's catalogue does not fill (yet)."""
    filled = _translated(catalogue_path(language, domain))
    return sorted(msgid for key in gaps(language, domain) if key not in filled for _context, msgid in [key])


def update_catalogue(language, domain="django"):
    """Rewrite the site's catalogue for ``language``: one entry per gap, keeping the translations
    it has. Returns (entries, untranslated)."""
    path = catalogue_path(language, domain)
    old = {_key(entry): entry for entry in polib.pofile(str(path))} if path.exists() else {}
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.header = (
        "Translations of the Wagtail messages that Wagtail's own catalogues leave untranslated.\n"
        "Written by `manage.py supplement_wagtail_translations`: fill in the msgstrs, leave the rest."
    )
    catalogue.metadata = {
        "Project-Id-Version": "诚信 CMS: translations of Wagtail messages",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for key, source in gaps(language, domain).items():
        entry = polib.POEntry(
            msgctxt=source.msgctxt,
            msgid=source.msgid,
            msgid_plural=source.msgid_plural,
            flags=[flag for flag in source.flags if flag != "fuzzy"],
        )
        kept = old.get(key)
        if source.msgid_plural:
            entry.msgstr_plural = kept.msgstr_plural if kept and kept.msgstr_plural else {0: ""}
        else:
            entry.msgstr = kept.msgstr if kept else ""
        catalogue.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(path))
    return len(catalogue), len([entry for entry in catalogue if not entry.translated()])
