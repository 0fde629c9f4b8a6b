"""The events admin: the registrations screens, their buttons on event pages, and the Venue snippet."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .models import EventPage
from .permissions import can_view_registrations, may_use_registrations_admin
from .records import Venue

app_name = "event_registrations"
urlpatterns = [
    path("", admin_views.index, name="index"),
    path("<int:page_id>/", admin_views.event_registrations, name="event"),
    path("<int:page_id>/export/<str:file_format>/", admin_views.export, name="export"),
]


@hooks.register("register_admin_urls")
def registration_admin_urls():
    return [path("registrations/", include((urlpatterns, app_name), namespace=app_name))]


class RegistrationsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_use_registrations_admin(request.user)


@hooks.register("register_admin_menu_item")
def registrations_menu_item():
    return RegistrationsMenuItem(
        _("Registrations"),
        reverse("event_registrations:index"),
        icon_name="group",
        order=350,
    )


def _registrations_button(page, user):
    page = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if isinstance(page, EventPage) and page.registration_enabled and can_view_registrations(user, page):
        yield Button(
            _("Registrations"),
            reverse("event_registrations:event", args=[page.pk]),
            icon_name="group",
            priority=35,
        )


@hooks.register("register_page_header_buttons")
def registrations_header_button(page, user, view_name=None, next_url=None):
    yield from _registrations_button(page, user)


@hooks.register("register_page_listing_more_buttons")
def registrations_listing_button(page, user, next_url=None):
    yield from _registrations_button(page, user)


class VenueViewSet(SnippetViewSet):
    model = Venue
    icon = "site"
    menu_label = _("Venues")
    list_display = ["name", "subdistrict", "community", "address"]
    list_filter = ["subdistrict", "locale"]
    search_fields = ["name", "subdistrict", "community", "address"]


register_snippet(VenueViewSet)
