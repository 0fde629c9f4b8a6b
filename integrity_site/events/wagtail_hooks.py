"""The events admin: the registrations viewset, its buttons on event pages, the audit log
actions, and the Venue snippet."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from integrity_site.core.audit import CountedLogFormatter

from .admin_views import RegistrationViewSet, event_url
from .models import EventPage
from .permissions import can_view_registrations, registration_policy
from .records import Registration, Venue

register_permission_policy(Registration, registration_policy)


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    return RegistrationViewSet()


def _registrations_button(page, user):
    page = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if isinstance(page, EventPage) and page.registration_enabled and can_view_registrations(user, page):
        yield Button(_("Registrations"), event_url(page.pk), icon_name="group", priority=35)


@hooks.register("register_page_header_buttons")
def registrations_header_button(page, user, view_name=None, next_url=None):
    yield from _registrations_button(page, user)


@hooks.register("register_page_listing_more_buttons")
def registrations_listing_button(page, user, next_url=None):
    yield from _registrations_button(page, user)


# --- the audit log ----------------------------------------------------------------------
# Entries name the event and count people; they never hold a name or a mobile number.

LOG_ACTIONS = {
    "events.check_in": (_("Check in registration"), _("Registration checked in")),
    "events.cancel": (_("Cancel registration"), _("Registration cancelled by an editor")),
}


class ExportFormatter(CountedLogFormatter):
    label = _("Export personal data of registrations")
    message = ngettext_lazy(
        "%(count)d registration exported with names and mobile numbers (%(format)s)",
        "%(count)d registrations exported with names and mobile numbers (%(format)s)",
        "count",
    )


class AnonymiseFormatter(CountedLogFormatter):
    label = _("Anonymise registrations")
    message = ngettext_lazy(
        "Personal data of %(count)d registration anonymised after the retention period",
        "Personal data of %(count)d registrations anonymised after the retention period",
        "count",
    )


class DeleteFormatter(CountedLogFormatter):
    label = _("Delete registrations")
    message = ngettext_lazy(
        "%(count)d registration deleted after the retention period",
        "%(count)d registrations deleted after the retention period",
        "count",
    )


@hooks.register("register_log_actions")
def register_event_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
    actions.register_action("events.export_personal_data")(ExportFormatter)
    actions.register_action("events.anonymise")(AnonymiseFormatter)
    actions.register_action("events.delete_registrations")(DeleteFormatter)


# --- venues -----------------------------------------------------------------------------


class VenueViewSet(SnippetViewSet):
    model = Venue
    icon = "site"
    menu_label = _("Venues")
    list_display = ["name", "subdistrict", "community", "address"]
    list_filter = ["subdistrict", "locale"]
    search_fields = ["name", "subdistrict", "community", "address"]


register_snippet(VenueViewSet)
