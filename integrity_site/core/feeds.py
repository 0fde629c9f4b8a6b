"""Feed generators for ``django.contrib.syndication`` that never fail on stored text.

Django's feed writer refuses (with an exception, so a 500 for every reader) any text holding a
character XML 1.0 cannot hold, such as a control character in one merchant's name. These
generators pass every text of the feed and of its items through ``core.text.printable`` first."""

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

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
