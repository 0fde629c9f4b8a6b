"""How the admin shows a stored value to an editor: words for yes and no, a dash for nothing,
times in the site's time zone in the active language's format (2026年12月2日 14:05 or
Dec. 2, 2026, 2:05 p.m.). Choice fields show their label through Django's
``get_FOO_display``; the inspect views of every part of the site use ``ReadableInspectMixin``
and templates the ``readable`` filter (``{% load admin_display %}``)."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

EMPTY = "—"


def yes_no(value):
    return _("Yes") if value else _("No")


def local_time(value):
    """An aware datetime in the site's time zone (a naive one is taken as already local)."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def readable(value):
    """The value as an editor reads it on a screen."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(local_time(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


class ReadableInspectMixin:
    """For Wagtail's InspectView: every field as ``readable`` shows it (Wagtail's own view
    prints ``True``, ``None`` and times in UTC)."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return value if isinstance(value, Component) else readable(value)
