"""What the honour lists tell other parts of the site (see integrity_site.core.credit_checks): their
entries are cross-check subjects and appear on a merchant's credit profile."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Locale

from honours.models import HonourEntry
from integrity_site.core.credit_checks import (
    CREDIT_PROFILE_SECTION_HOOK,
    CROSS_CHECK_SUBJECT_HOOK,
    CheckedItem,
    ProfileItem,
)


def published_honour_entries():
    # Translations copy their entries; the default language's list is the one that counts.
    entries = HonourEntry.objects.filter(page__live=True, locale=Locale.get_default()).select_related("page")
    for entry in entries.iterator(chunk_size=1000):
        yield CheckedItem(
            pk=entry.pk,
            label=f"{entry.name} ({entry.page.title})",
            credit_code=entry.credit_code,
            name=entry.name,
            url=entry.page.url or "",
        )


@hooks.register(CROSS_CHECK_SUBJECT_HOOK)
def honour_entries_to_cross_check():
    return "honours.honourentry", published_honour_entries


@hooks.register(CREDIT_PROFILE_SECTION_HOOK)
def honours_section(credit_code):
    entries = (
        HonourEntry.objects.filter(credit_code=credit_code, page__live=True, locale=Locale.get_active())
        .select_related("page")
        .order_by("-page__year", "pk")
    )
    return _("Honours"), [
        ProfileItem(label=entry.name, detail=entry.page.title, url=entry.page.url or "") for entry in entries
    ]
