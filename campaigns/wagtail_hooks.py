"""The campaigns admin: the audit-log actions of initiative signing."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.log_actions import LogFormatter


class InitiativeTextFormatter(LogFormatter):
    label = _("New version of the initiative text")

    def format_message(self, log_entry):
        return _("Initiative text version %(version)s published") % {
            "version": (log_entry.data or {}).get("version", "?")
        }


class InvalidateFormatter(LogFormatter):
    label = _("Invalidate signatures")
    message = ngettext_lazy(
        "%(count)d signature invalidated: %(reason)s",
        "%(count)d signatures invalidated: %(reason)s",
        "count",
    )

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return self.message % {"count": data.get("count", 0), "reason": data.get("reason", "")}


class ModerateFormatter(LogFormatter):
    label = _("Moderate a signer's message")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        if data.get("state") == "approved":
            return _("Message of signature %(pk)s approved") % {"pk": data.get("signature")}
        return _("Message of signature %(pk)s hidden") % {"pk": data.get("signature")}


class SignatureCountFormatter(LogFormatter):
    """Entries that count signatures (anonymised, exported): ``message`` keyed on ``count``."""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return self.message % {"count": data.get("count", 0), "format": data.get("format", "")}


class AnonymiseFormatter(SignatureCountFormatter):
    label = _("Anonymise signatures")
    message = ngettext_lazy(
        "Personal data of %(count)d signature anonymised after the retention period",
        "Personal data of %(count)d signatures anonymised after the retention period",
        "count",
    )


class ExportFormatter(SignatureCountFormatter):
    label = _("Export personal data of signatures")
    message = ngettext_lazy(
        "%(count)d signature exported with names and mobile numbers (%(format)s)",
        "%(count)d signatures exported with names and mobile numbers (%(format)s)",
        "count",
    )


@hooks.register("register_log_actions")
def register_signing_log_actions(actions):
    actions.register_action("campaigns.initiative_text")(InitiativeTextFormatter)
    actions.register_action("campaigns.invalidate_signatures")(InvalidateFormatter)
    actions.register_action("campaigns.moderate_message")(ModerateFormatter)
    actions.register_action("campaigns.anonymise_signatures")(AnonymiseFormatter)
    actions.register_action("campaigns.export_personal_data")(ExportFormatter)
