"""How an honour list shows its entries: by pinyin (the default) or grouped by subdistrict, each
entry with its subdistrict in the visitor's language and, for organisations, the link to their
credit profile."""

import dataclasses

from django.utils.translation import gettext as _

from integrity_site.core.credit_checks import credit_profile_linker
from integrity_site.core.subdistricts import subdistrict_label, subdistricts

ORDERS = ("pinyin", "subdistrict")


@dataclasses.dataclass
class ShownEntry:
    entry: object
    profile_url: str
    subdistrict: str


def shown_entries(page):
    link = credit_profile_linker()
    return [
        ShownEntry(
            entry=entry,
            profile_url=link(entry.credit_code),
            subdistrict=subdistrict_label(entry.subdistrict) if entry.subdistrict else "",
        )
        for entry in page.entries_by_pinyin()
    ]


def entry_groups(page, order):
    """[(heading, [ShownEntry, …]), …]: one group without a heading by pinyin; by subdistrict,
    the district's subdistricts in their order, then entries without one."""
    entries = shown_entries(page)
    if order != "subdistrict":
        return [("", entries)]
    groups = []
    for name, _english in subdistricts():
        members = [shown for shown in entries if shown.entry.subdistrict == name]
        if members:
            groups.append((subdistrict_label(name), members))
    known = {name for name, _english in subdistricts()}
    rest = [shown for shown in entries if shown.entry.subdistrict not in known]
    if rest:
        groups.append((_("Other or not given"), rest))
    return groups
