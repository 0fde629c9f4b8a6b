"""Feed generators for ``django.contrib.syndication`` that never fail on stored text.

Django's feed writer refuses (with an exception, so a 500 for every reader) any text holding a
character XML 1.0 cannot hold, such as a control character in one merchant's name. These
generators pass every text of the feed and of its items through ``core.text.printable`` first."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from wagtail.contrib.routable_page.models import path

from . import page_cache
from .share import page_description
from .text import printable


def _printable(value):
    if isinstance(value, list | tuple):
        return type(value)(_printable(item) for item in value)
    return printable(value)


class PrintableFeedMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(
            *[_printable(value) for value in args],
            **{key: _printable(value) for key, value in kwargs.items()},
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *[_printable(value) for value in args],
            **{key: _printable(value) for key, value in kwargs.items()},
        )


class PrintableRss201rev2Feed(PrintableFeedMixin, Rss201rev2Feed):
    """RSS 2.0 that drops what XML 1.0 cannot hold."""


class PrintableAtom1Feed(PrintableFeedMixin, Atom1Feed):
    """Atom 1.0 that drops what XML 1.0 cannot hold."""


class SectionFeed(Feed):
    """RSS (or, as ``SectionAtomFeed``, Atom) of a section index page's newest pages: the index
    page names them (``feed_pages()``) and, where it has one, their date (``feed_date(page)``).
    Links and ids name the configured base URL: readers are elsewhere."""

    feed_type = PrintableRss201rev2Feed

    def get_object(self, request, index_page):
        self.request = request
        return index_page

    def title(self, index_page):
        return index_page.title

    def link(self, index_page):
        return index_page.get_full_url(self.request)

    def description(self, index_page):
        return page_description(index_page) or index_page.title

    def items(self, index_page):
        self.index_page = index_page
        return index_page.feed_pages()

    def item_title(self, page):
        return page.title

    def item_description(self, page):
        return self.index_page.feed_item_description(page)

    def item_link(self, page):
        return page.get_full_url(self.request)

    def item_guid(self, page):
        return page.get_full_url(self.request)

    def item_pubdate(self, page):
        return self.index_page.feed_date(page)

    def item_updateddate(self, page):
        return page.last_published_at


class SectionAtomFeed(SectionFeed):
    feed_type = PrintableAtom1Feed
    subtitle = SectionFeed.description


class FeedIndexMixin:
    """For section index pages (with ``RoutablePageMixin``): RSS at ``rss/`` and Atom at
    ``atom/`` of ``feed_pages()``, and the links that announce them in the page's head."""

    feed_size = 30

    def feed_pages(self):
        raise NotImplementedError

    def feed_date(self, page):
        return page.first_published_at

    def feed_item_description(self, page):
        return page_description(page)

    def get_cached_paths(self):
        return ["/", "rss/", "atom/"]

    @path("rss/")
    @page_cache.cacheable
    def rss_feed(self, request):
        return SectionFeed()(request, index_page=self)

    @path("atom/")
    @page_cache.cacheable
    def atom_feed(self, request):
        return SectionAtomFeed()(request, index_page=self)

    @property
    def feed_links(self):
        return [
            {"type": "application/rss+xml", "title": f"{self.title} (RSS)", "url": self.rss_feed_url},
            {"type": "application/atom+xml", "title": f"{self.title} (Atom)", "url": self.url + "atom/"},
        ]

    @property
    def rss_feed_url(self):
        return self.url + self.reverse_subpage("rss_feed")
