"""The honour-list spreadsheet import in the admin, and what the honour lists tell other parts of the site (see integrity_site.core.credit_checks): their
entries are cross-check subjects and appear on a merchant's credit profile."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.models import Locale

from honours import admin_views, imports
from honours.models import HonourEntry, HonourIndexPage, HonourListPage
from integrity_site.core.credit_checks import (
    CREDIT_CHECKED_CONTENT_HOOK,
    CREDIT_PROFILE_SECTION_HOOK,
    CROSS_CHECK_SUBJECT_HOOK,
    CheckedItem,
    ProfileItem,
)
from integrity_site.core.credit_code import normalize_credit_code
from integrity_site.core.merchant_search import SEARCH_MERCHANT_HOOK, MerchantFact, MerchantSource


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
            section=HonourIndexPage.editor_section,
        )


@hooks.register(CROSS_CHECK_SUBJECT_HOOK)
def honour_entries_to_cross_check():
    return "honours.honourentry", published_honour_entries


@hooks.register(CREDIT_CHECKED_CONTENT_HOOK)
def honour_list_parties(obj):
    """The credit check step of moderation checks each entry of the list under review: by credit
    code, or by exact name where an entry has none."""
    if not isinstance(obj, HonourListPage):
        return None
    return [
        CheckedItem(
            pk=entry.pk or 0,
            label=entry.name,
            credit_code=normalize_credit_code(entry.credit_code),
            name=entry.name,
        )
        for entry in obj.entries.all()
    ]


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


def honours_of(credit_codes):
    """{code: [MerchantFact]}: the live honour lists that name each code, newest year first, in one
    query (the site search's merchant cards)."""
    entries = (
        HonourEntry.objects.filter(credit_code__in=credit_codes, page__live=True, locale=Locale.get_active())
        .select_related("page")
        .order_by("-page__year", "pk")
    )
    facts = {}
    for entry in entries:
        facts.setdefault(entry.credit_code, []).append(
            MerchantFact(label=_("Honour"), text=entry.page.title, url=entry.page.url or "")
        )
    return facts


@hooks.register(SEARCH_MERCHANT_HOOK)
def merchants_in_site_search():
    """The site search's merchant cards name the honour lists of each merchant."""
    return MerchantSource(facts=honours_of, order=20, topics=("honours",))


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("honours/import/", admin_views.HonourImportView.as_view(), name="honours_import")]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_import(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("Import honour list"), reverse("honours_import"), icon_name="upload", order=910)


@hooks.register("register_page_header_buttons")
def import_button_on_honour_lists(page, user, view_name=None, next_url=None):
    if isinstance(page.specific_deferred, HonourListPage) and page.permissions_for_user(user).can_edit():
        yield Button(
            _("Import entries from a spreadsheet"),
            reverse("honours_import") + f"?list={page.pk}",
            icon_name="upload",
            priority=60,
        )


@hooks.register("register_log_actions")
def register_honour_log_actions(actions):
    @actions.register_action(imports.IMPORT_LOG_ACTION)
    class EntriesImported(LogFormatter):
        label = _("Import entries from a spreadsheet")

        def format_message(self, log_entry):
            data = log_entry.data
            return _(
                "Entries imported from %(file)s: %(created)s added, %(updated)s changed, %(unchanged)s unchanged"
            ) % {key: data.get(key, "") for key in ("file", "created", "updated", "unchanged")}
