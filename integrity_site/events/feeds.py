"""What an event says of itself in its index page's RSS and Atom feeds (``core.feeds``): when,
where and its summary."""

import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext as _

from .calendar import EVENT_TIME_ZONE, event_location


def event_feed_description(event):
    when = timezone.localtime(event.start_at, zoneinfo.ZoneInfo(EVENT_TIME_ZONE))
    place = event_location(event)
    text = _("Time: %(time)s (Beijing time)") % {"time": when.strftime("%Y-%m-%d %H:%M")}
    if place:
        text += "\n" + _("Place: %(place)s") % {"place": place}
    if event.summary:
        text += "\n" + event.summary
    return text
