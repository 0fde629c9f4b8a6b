"""Credit-repair help (信用修复辅导): a merchant's request, the office's handling of it (status
changes with notes, each in the audit log), the dashboard's figures, the notification of the
section's editors and the retention of personal data.

A request goes new → contacted → applied → repaired, and from any open status to not eligible.
The office promises a first contact within ``CONTACT_WORKING_DAYS`` working days; a new request
older than that is "waiting" on the dashboard."""

import datetime
import enum
import logging
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from integrity_site.core.links import absolute_url
from integrity_site.core.mobile import normalize_mobile
from publicity import queries
from publicity.notifications import section_editors
from publicity.records import RecordKind
from publicity.repair_help_records import OPEN_STATUSES, RepairHelpRequest, RepairHelpStatus
from publicity.working_days import is_working_day

logger = logging.getLogger(__name__)

CONTACT_WORKING_DAYS = 5
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a reference read out on the phone is not misheard.
REFERENCE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
REFERENCE_PREFIX = "XF"

RECEIVED_ACTION = "publicity.repair_help_received"
STATUS_ACTION = "publicity.repair_help_status"
ANONYMISE_ACTION = "publicity.repair_help_anonymise"
EXPORT_ACTION = "publicity.repair_help_export"

# Which status may follow which: forward one step, or out as not eligible from any open status.
TRANSITIONS = {
    RepairHelpStatus.NEW: (RepairHelpStatus.CONTACTED, RepairHelpStatus.NOT_ELIGIBLE),
    RepairHelpStatus.CONTACTED: (RepairHelpStatus.APPLIED, RepairHelpStatus.NOT_ELIGIBLE),
    RepairHelpStatus.APPLIED: (RepairHelpStatus.REPAIRED, RepairHelpStatus.NOT_ELIGIBLE),
    RepairHelpStatus.REPAIRED: (),
    RepairHelpStatus.NOT_ELIGIBLE: (),
}


class Outcome(enum.Enum):
    CREATED = "created"
    ALREADY_SUBMITTED = "already_submitted"  # the same form sent twice


@dataclass
class SubmitResult:
    outcome: Outcome
    request: RepairHelpRequest


class TransitionError(Exception):
    """The status cannot change that way (any more: another editor changed it meanwhile)."""


# --- the merchant's request -----------------------------------------------------------------


def public_penalty(document_number, credit_code=""):
    """The penalty record in public view with this document number (of this credit code, when
    the record has one), or None. Document numbers are unique per authority only: a code that
    matches decides between several."""
    records = queries.public_records().filter(kind=RecordKind.PENALTY, document_number=document_number)
    records = list(records.only("pk", "credit_code", "subject_name", "document_number")[:20])
    if credit_code:
        for record in records:
            if record.credit_code == credit_code:
                return record
        records = [record for record in records if not record.credit_code]
    return records[0] if records else None


def new_reference():
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def submit(
    *,
    merchant_name,
    credit_code,
    contact_name,
    mobile,
    preferred_time,
    document_number="",
    record=None,
    note="",
    consent=True,
    submission_token=None,
    language="",
    now=None,
):
    """Record a merchant's request; the same form sent twice gives the first request back."""
    if submission_token:
        earlier = RepairHelpRequest.objects.filter(submission_token=submission_token).first()
        if earlier is not None:
            return SubmitResult(Outcome.ALREADY_SUBMITTED, earlier)
    now = now or timezone.now()
    request = RepairHelpRequest(
        merchant_name=merchant_name.strip(),
        credit_code=credit_code,
        document_number=(record.document_number if record else document_number or "").strip(),
        record=record,
        contact_name=contact_name.strip(),
        mobile=normalize_mobile(mobile),
        preferred_time=preferred_time,
        note=(note or "").strip(),
        consent=consent,
        language=language,
        created_at=now,
        status_changed_at=now,
        submission_token=submission_token or None,
        access_token=secrets.token_urlsafe(24),
    )
    for _attempt in range(5):
        request.reference = new_reference()
        try:
            with transaction.atomic():
                request.save(force_insert=True)
                log(
                    instance=request,
                    action=RECEIVED_ACTION,
                    user=None,
                    data={"reference": request.reference, "record": request.document_number},
                )
        except IntegrityError:
            request.pk = None
            if submission_token:
                earlier = RepairHelpRequest.objects.filter(submission_token=submission_token).first()
                if earlier is not None:
                    return SubmitResult(Outcome.ALREADY_SUBMITTED, earlier)
            continue  # a reference drawn twice (one in 25⁸): draw again
        transaction.on_commit(lambda: notify_editors(request))
        return SubmitResult(Outcome.CREATED, request)
    raise IntegrityError("No free reference number found.")


def find_request(reference, token):
    """The request a confirmation link points to, or None. Both parts must match."""
    request = RepairHelpRequest.objects.filter(reference=reference).first()
    if request is None or not secrets.compare_digest(request.access_token, token or ""):
        return None
    return request


def notify_editors(request):
    """One e-mail to the publicity section's editors: a new request, with the link to it in the
    admin (no contact details in the message). A failed delivery is logged, the request stays."""
    with translation.override(settings.LANGUAGE_CODE):
        recipients = list(section_editors("publicity").values_list("email", flat=True))
        if not recipients:
            return 0
        link = absolute_url(reverse("publicity_repair_help:inspect", args=[request.pk]))
        subject = _("Credit-repair help requested: %(merchant)s") % {"merchant": request.merchant_name}
        body = "\n".join(
            [
                _("%(merchant)s (%(code)s) asks for help with credit repair.")
                % {"merchant": request.merchant_name, "code": request.credit_code},
                _("Reference number: %(reference)s") % {"reference": request.reference},
                _("Record: %(record)s") % {"record": request.document_number or "—"},
                "",
                _("Please contact the merchant within %(days)d working days: %(link)s")
                % {"days": CONTACT_WORKING_DAYS, "link": link},
            ]
        )
        try:
            send_mail(subject, body, None, recipients)
        except OSError:
            logger.exception(
                "The notification of credit-repair help request %s could not be sent", request.pk
            )
            return 0
    return 1


# --- the office's handling ------------------------------------------------------------------


def next_statuses(request):
    return TRANSITIONS[RepairHelpStatus(request.status)]


def change_status(request, status, user, note="", now=None):
    """Move ``request`` on to ``status`` with the editor's note: one conditional update (two
    editors cannot both move it from the same status) and one audit-log entry."""
    status = RepairHelpStatus(status)
    previous = RepairHelpStatus(request.status)
    if status not in TRANSITIONS[previous]:
        raise TransitionError(f"{previous} cannot become {status}")
    now = now or timezone.now()
    note = " ".join((note or "").split())
    with transaction.atomic():
        changed = RepairHelpRequest.objects.filter(pk=request.pk, status=previous).update(
            status=status, status_changed_at=now, status_changed_by=user
        )
        if not changed:
            raise TransitionError("The status was changed meanwhile.")
        request.status, request.status_changed_at, request.status_changed_by = status, now, user
        log(
            instance=request,
            action=STATUS_ACTION,
            user=user,
            data={"from": previous.value, "to": status.value, "note": note},
        )
    return request


def history(request):
    """The request's audit-log entries, oldest first."""
    return (
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(RepairHelpRequest), object_id=str(request.pk)
        )
        .select_related("user")
        .order_by("timestamp", "pk")
    )


# --- waiting time and the dashboard ---------------------------------------------------------


def waiting_since(today=None, working_days=CONTACT_WORKING_DAYS):
    """The moment before which a request must have come in to be waiting more than
    ``working_days`` working days by ``today`` (``working_days_between`` its day and today): the
    start of the working day before the last ``working_days`` ones (today counted when it is
    one). A request of that day has had exactly ``working_days`` of them since."""
    day = today or timezone.localdate()
    counted = 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted > working_days:
                return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        day -= datetime.timedelta(days=1)


def open_requests():
    return RepairHelpRequest.objects.filter(status__in=OPEN_STATUSES)


def waiting_requests(today=None):
    """New requests nobody has contacted within the working days the office promises."""
    return RepairHelpRequest.objects.filter(status=RepairHelpStatus.NEW, created_at__lt=waiting_since(today))


def dashboard_counts(today=None):
    """{"open": …, "waiting": …} in one query."""
    return RepairHelpRequest.objects.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        waiting=Count("pk", filter=Q(status=RepairHelpStatus.NEW, created_at__lt=waiting_since(today))),
    )


def status_counts():
    """{status: count} over every request, anonymised ones included."""
    rows = RepairHelpRequest.objects.order_by().values_list("status").annotate(count=Count("pk"))
    counts = dict.fromkeys(RepairHelpStatus.values, 0)
    counts.update(dict(rows))
    return counts


# --- retention ------------------------------------------------------------------------------


def requests_to_anonymise(days, now=None):
    """Requests whose status last changed more than ``days`` ago (closed ones, and open ones left
    untouched that long) and that still hold personal data."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return RepairHelpRequest.objects.filter(status_changed_at__lt=cutoff, anonymised_at__isnull=True)


def anonymise_requests(days, dry_run=False, now=None):
    """Erase contact names, mobile numbers and notes (the merchant's and the editors' notes in the
    audit log) of requests past the retention period; the requests, their status and dates stay
    for the counts. One audit-log entry per request. Returns how many."""
    now = now or timezone.now()
    pks = list(requests_to_anonymise(days, now).values_list("pk", flat=True))
    if dry_run or not pks:
        return len(pks)
    content_type = ContentType.objects.get_for_model(RepairHelpRequest)
    with transaction.atomic():
        RepairHelpRequest.objects.filter(pk__in=pks).update(
            contact_name="", mobile="", note="", submission_token=None, anonymised_at=now
        )
        entries = ModelLogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in pks], action=STATUS_ACTION
        )
        for entry in entries.only("pk", "data"):
            if (entry.data or {}).get("note"):
                ModelLogEntry.objects.filter(pk=entry.pk).update(data={**entry.data, "note": ""})
        for request in RepairHelpRequest.objects.filter(pk__in=pks).order_by("pk"):
            log(
                instance=request,
                action=ANONYMISE_ACTION,
                user=None,
                uuid=uuid.uuid4(),
                data={"retention_days": days},
            )
    return len(pks)
