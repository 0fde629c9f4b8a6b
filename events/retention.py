"""Personal data of registrations is kept only for a while after the event."""

import datetime

from django.db import transaction
from django.utils import timezone

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
    """Anonymise (keeping counts and statuses for statistics) or delete; returns how many."""
    registrations = expired_registrations(days, now)
    if not delete:
        registrations = registrations.filter(anonymised_at__isnull=True)
    count = registrations.count()
    if dry_run or not count:
        return count
    if delete:
        registrations.delete()
    else:
        registrations.update(name="", mobile="", submission_token=None, anonymised_at=now or timezone.now())
    return count
