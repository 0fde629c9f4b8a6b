"""RSS of a campaign's signatures for partners: the total and each subdistrict's count as items,
each with a new id when its count changes (so readers show the change). No personal data."""

from django.contrib.syndication.views import Feed
from django.utils.translation import gettext as _

from integrity_site.core.feeds import PrintableRss201rev2Feed
from integrity_site.core.links import absolute_url

from . import signing


class SignatureCountFeed(Feed):
    feed_type = PrintableRss201rev2Feed

    def __init__(self, page):
        super().__init__()
        self.page = page

    def get_object(self, request, *args, **kwargs):
        self.page_url = absolute_url(self.page.url, self.page.get_site())
        campaign = signing.signing_campaign(self.page)
        self.rows = [(_("All subdistricts"), signing.total_count(campaign))] + [
            (area.subdistrict, area.total) for area in signing.breakdown(campaign)
        ]
        return self.page

    def title(self, page):
        return _("Signatures: %(title)s") % {"title": page.title}

    def link(self, page):
        return self.page_url

    def description(self, page):
        return page.slogan or page.title

    def items(self, page):
        return self.rows

    def item_title(self, item):
        return _("%(area)s: %(count)s signatures") % {"area": item[0], "count": f"{item[1]:,}"}

    def item_description(self, item):
        return self.item_title(item)

    def item_link(self, item):
        return self.page_url + "#sign"

    def item_guid(self, item):
        return f"{self.page_url}#sign-{item[0]}-{item[1]}"

    item_guid_is_permalink = False
