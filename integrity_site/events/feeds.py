"""The RSS and Atom feeds of an index page's events."""

import zoneinfo

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from integrity_site.core.feeds import PrintableAtom1Feed, PrintableRss201rev2Feed

from .calendar import EVENT_TIME_ZONE, event_location


class EventFeed(Feed):
    # Drops what XML 1.0 cannot hold (a control character in a title or venue name).
    feed_type = PrintableRss201rev2Feed

    def get_object(self, request, index_page):
        self.request = request
        return index_page

    def title(self, index_page):
        return index_page.title

    def link(self, index_page):
        return index_page.get_full_url(self.request)  # the configured host: readers are elsewhere

    def description(self, index_page):
        return strip_tags(getattr(index_page, "intro", "") or "") or index_page.title

    def items(self, index_page):
        return index_page.feed_events_for_calendar()

    def item_title(self, event):
        return event.title

    def item_description(self, event):
        when = timezone.localtime(event.start_at, zoneinfo.ZoneInfo(EVENT_TIME_ZONE))
        place = event_location(event)
        text = _("Time: %(time)s (Beijing time)") % {"time": when.strftime("%Y-%m-%d %H:%M")}
        if place:
            text += "\n" + _("Place: %(place)s") % {"place": place}
        if event.summary:
            text += "\n" + event.summary
        return text

    def item_link(self, event):
        return event.get_full_url(self.request)

    def item_guid(self, event):
        return event.get_full_url(self.request)

    def item_pubdate(self, event):
        return event.first_published_at

    def item_updateddate(self, event):
        return event.last_published_at


class EventAtomFeed(EventFeed):
    feed_type = PrintableAtom1Feed
    subtitle = EventFeed.description
