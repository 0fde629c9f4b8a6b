"""Personal data of registrations is kept only for a while after the event."""

import datetime
import uuid

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page

from .listings import event_page_models
from .records import Registration


def expired_registrations(days, now=None):
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    event_ids = []
    for model in event_page_models():
        event_ids += model.objects.filter(end_at__lt=cutoff).values_list("pk", flat=True)
    return Registration.objects.filter(event_id__in=event_ids)


@transaction.atomic
def purge_past_registrations(days, delete=False, dry_run=False, now=None):
    """Anonymise (keeping counts and statuses for statistics) or delete; returns how many.
    Each event whose registrations changed gets one entry in its page's history (the audit
    log) with the number of registrations, and nothing about the people."""
    registrations = expired_registrations(days, now)
    if not delete:
        registrations = registrations.filter(anonymised_at__isnull=True)
    counts = dict(registrations.order_by().values_list("event_id").annotate(count=Count("pk")))
    count = sum(counts.values())
    if dry_run or not count:
        return count
    if delete:
        registrations.delete()
    else:
        registrations.update(name="", mobile="", submission_token=None, anonymised_at=now or timezone.now())
    action = "events.delete_registrations" if delete else "events.anonymise"
    for page in Page.objects.filter(pk__in=counts).order_by("pk").specific():
        # Each entry its own UUID, so that every event's history shows its own.
        log(
            instance=page,
            action=action,
            uuid=uuid.uuid4(),
            title=page.get_admin_display_title(),
            data={"count": counts[page.pk], "retention_days": days},
        )
    return count
