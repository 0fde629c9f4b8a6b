"""What the publicity part knows of other parts: honour entries are cross-check subjects and
appear on a merchant's credit profile. (Pledges register themselves the same way; see
publicity.cross_check.)"""

from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from honours.models import HonourEntry
from publicity.cross_check import CheckedItem, register_cross_check_subject
from publicity.queries import ProfileItem, register_profile_section


@register_cross_check_subject("honours.honourentry")
def published_honour_entries():
    # Translations copy their entries; the default language's list is the one that counts.
    entries = HonourEntry.objects.filter(page__live=True, locale=Locale.get_default()).select_related("page")
    for entry in entries.iterator(chunk_size=1000):
        yield CheckedItem(
            pk=entry.pk, label=f"{entry.name} ({entry.page.title})", credit_code=entry.credit_code,
            name=entry.name, url=entry.page.url or "",
        )


@register_profile_section
def honours_section(credit_code):
    entries = (
        HonourEntry.objects.filter(credit_code=credit_code, page__live=True, locale=Locale.get_active())
        .select_related("page").order_by("-page__year", "pk")
    )
    return _("Honours"), [
        ProfileItem(label=entry.name, detail=entry.page.title, url=entry.page.url or "") for entry in entries
    ]
