"""New cross-check hits by e-mail: after the daily re-check, the editors of each section whose
items have new hits (honour entries, pledges) get one message listing them, with the link to the
admin's list of hits. Hits never appear on public pages."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from integrity_site.core.links import absolute_url
from integrity_site.core.sections import section_group
from publicity.records import CrossCheckHit

logger = logging.getLogger(__name__)


def section_editors(section):
    return section_group(section).user_set.filter(is_active=True).exclude(email="").order_by("pk")


def notify_new_hits(new_hits, sections):
    """E-mail each section's editors about the hits first found in this run. A failed delivery is
    logged and does not undo the run (the hits are on the dashboard anyway)."""
    by_section = {}
    # The records of all new hits in one query, not one per hit.
    new_hits = CrossCheckHit.objects.filter(pk__in=[hit.pk for hit in new_hits]).select_related("record")
    for hit in new_hits.order_by("pk"):
        section = sections.get(hit.subject_type)
        if section:
            by_section.setdefault(section, []).append(hit)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        link = absolute_url(reverse("publicity_cross_check_hits"))
        for section, hits in by_section.items():
            recipients = list(section_editors(section).values_list("email", flat=True))
            if not recipients:
                continue
            lines = [
                _("%(subject)s: %(kind)s %(document)s (%(authority)s)")
                % {
                    "subject": hit.subject_label,
                    "kind": hit.record.get_kind_display(),
                    "document": hit.record.document_number,
                    "authority": hit.record.authority,
                }
                for hit in hits
            ]
            subject = _("Credit cross-check: %(count)d new hits") % {"count": len(hits)}
            body = "\n".join(
                [
                    _(
                        "The daily cross-check found new records in the publicity feed about items of your section:"
                    ),
                    "",
                    *lines,
                    "",
                    _("Follow them up and acknowledge them in the admin: %(link)s") % {"link": link},
                ]
            )
            try:
                send_mail(subject, body, None, recipients)
                sent += 1
            except OSError:
                logger.exception("The cross-check notification to %s could not be sent", section)
    return sent
