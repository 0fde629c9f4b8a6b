"""Audit-log messages that count people (registrations, signatures) and never name them."""

from wagtail.log_actions import LogFormatter


class CountedLogFormatter(LogFormatter):
    """A message with the number of people the entry counts: ``message`` is an ``ngettext_lazy``
    keyed on ``count`` (and may name the export ``format``)."""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return self.message % {"count": data.get("count", 0), "format": data.get("format", "")}
