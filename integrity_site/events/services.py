"""Registering for an event, cancelling, the waiting list and check-in.

Capacity is enforced by the database: a seat is taken by one conditional UPDATE
of the event's ``SeatPool`` row (``seats_taken <= capacity - seats``), which the
database applies atomically, so concurrent requests can never overbook. The same
row is updated first when a confirmed registration is cancelled, so its lock
serialises cancellations and the promotion of the waiting list. A partial unique
constraint keeps one active registration per mobile number and event.
"""

import enum
import re
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from integrity_site.core import page_cache
from integrity_site.core.mobile import normalize_mobile
from integrity_site.core.translation import source_page

from .records import ACTIVE_STATUSES, Registration, RegistrationStatus, SeatPool

# No 0/O or 1/I: codes are read aloud and typed from paper at the check-in desk.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8


class Outcome(enum.Enum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    FULL = "full"  # no seat left and the visitor did not ask for the waiting list
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    DUPLICATE = "duplicate"
    ALREADY_SUBMITTED = "already_submitted"  # the same form sent twice
    UNKNOWN_ROLE = "unknown_role"


@dataclass
class RegistrationResult:
    outcome: Outcome
    registration: Registration | None = None


@dataclass(frozen=True)
class Pool:
    key: str
    label: str
    capacity: int | None  # None: no limit
    seats_taken: int = 0

    @property
    def seats_left(self):
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)


# --- codes and input ---------------------------------------------------------------


def new_registration_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw):
    """What people type from a printout: lower case, spaces, dashes."""
    return re.sub(r"[\s\-]", "", (raw or "")).upper()


# --- the event behind a page ------------------------------------------------------------


def registration_event(page):
    """The page registrations are kept on: the event in the default language."""
    return source_page(page)


def pools_for(page, event=None):
    """The event's seat pools with the seats taken so far (one query)."""
    event = event or registration_event(page)
    taken = dict(SeatPool.objects.filter(event=event).values_list("role_key", "seats_taken"))
    # Capacities are the source page's; labels come from the page being shown, so
    # English visitors see English role names.
    labels = {key: label for key, label, _capacity in page.seat_pools()} if page is not event else {}
    return [
        Pool(key, labels.get(key) or label, capacity, taken.get(key, 0))
        for key, label, capacity in event.seat_pools()
    ]


def registration_window(page):
    """(opens, closes) of online registration."""
    closes = page.start_at
    if page.registration_closes_at and page.registration_closes_at < closes:
        closes = page.registration_closes_at
    return page.registration_opens_at, closes


def next_change(pages, now=None):
    """When what event pages (or a listing of them) show changes by itself: registration opens
    or closes, an event starts or ends. None when nothing is ahead."""
    now = now or timezone.now()
    moments = []
    for page in pages:
        opens, closes = registration_window(page)
        moments += [opens, closes, page.start_at, page.end_at]
    ahead = [moment for moment in moments if moment is not None and moment > now]
    return min(ahead, default=None)


def seats_changed(event):
    """The seats left are on the event page, its index and the home page, in every language:
    drop their cached copies once the change is committed."""
    page_cache.purge_page(event, content=False)


def registration_state(page, now=None):
    """ "open", "not_open" or "closed"."""
    now = now or timezone.now()
    if not page.registration_enabled:
        return "closed"
    opens, closes = registration_window(page)
    if opens and now < opens:
        return "not_open"
    if now >= closes:
        return "closed"
    return "open"


# --- registering ---------------------------------------------------------------


def _pool_row(event, role_key):
    pool, _created = SeatPool.objects.get_or_create(event=event, role_key=role_key)
    return pool


def _take_seats(pool_id, seats, capacity):
    """Take seats if they are free; True when taken. One atomic UPDATE."""
    pools = SeatPool.objects.filter(pk=pool_id)
    if capacity is not None:
        pools = pools.filter(seats_taken__lte=capacity - seats)
    return pools.update(seats_taken=F("seats_taken") + seats) == 1


def _release_seats(pool_id, seats):
    SeatPool.objects.filter(pk=pool_id).update(seats_taken=F("seats_taken") - seats)


def _insert(event, pool, *, name, mobile, companions, status, language, submission_token, role_label):
    """Insert the registration, with a fresh code; IntegrityError on a duplicate mobile."""
    now = timezone.now()
    for _attempt in range(5):
        registration = Registration(
            event=event,
            role_key=pool.key,
            role_name=role_label,
            code=new_registration_code(),
            access_token=secrets.token_urlsafe(24),
            submission_token=submission_token or None,
            name=name,
            mobile=mobile,
            companions=companions,
            status=status,
            language=language,
            confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
        )
        try:
            with transaction.atomic():
                registration.save(force_insert=True)
            return registration
        except IntegrityError:
            if Registration.objects.filter(code=registration.code).exists():
                continue  # a code collision: draw again
            raise
    raise IntegrityError("could not draw a free registration code")


def register(
    page,
    *,
    name,
    mobile,
    companions=0,
    role_key="",
    join_waiting_list=False,
    submission_token=None,
    language="",
    now=None,
    event=None,
):
    """Register someone for the event shown on ``page`` (any language); ``event`` is
    ``registration_event(page)`` when the caller has it already."""
    if submission_token:
        earlier = Registration.objects.filter(submission_token=submission_token).first()
        if earlier is not None:
            return RegistrationResult(Outcome.ALREADY_SUBMITTED, earlier)
    event = event or registration_event(page)
    state = registration_state(event, now)
    if state != "open":
        return RegistrationResult(Outcome.NOT_OPEN if state == "not_open" else Outcome.CLOSED)
    # Capacities of the source page; the seats taken are counted by the UPDATE below.
    pools = {key: Pool(key, label, capacity) for key, label, capacity in event.seat_pools()}
    pool = pools.get(role_key)
    if pool is None:
        return RegistrationResult(Outcome.UNKNOWN_ROLE)
    mobile = normalize_mobile(mobile)
    companions = min(max(int(companions or 0), 0), event.max_companions)
    seats = 1 + companions
    if Registration.objects.filter(event=event, mobile=mobile, status__in=ACTIVE_STATUSES).exists():
        return RegistrationResult(Outcome.DUPLICATE)
    source_label = pool.label
    pool_id = _pool_row(event, role_key).pk
    try:
        with transaction.atomic():
            if _take_seats(pool_id, seats, pool.capacity):
                status = RegistrationStatus.CONFIRMED
            elif join_waiting_list:
                status = RegistrationStatus.WAITING
            else:
                return RegistrationResult(Outcome.FULL)
            registration = _insert(
                event,
                pool,
                name=name.strip(),
                mobile=mobile,
                companions=companions,
                status=status,
                language=language,
                submission_token=submission_token,
                role_label=source_label,
            )
    except IntegrityError:
        # The seat taken above is rolled back with the transaction.
        if submission_token:
            earlier = Registration.objects.filter(submission_token=submission_token).first()
            if earlier is not None:
                return RegistrationResult(Outcome.ALREADY_SUBMITTED, earlier)
        return RegistrationResult(Outcome.DUPLICATE)
    if status != RegistrationStatus.CONFIRMED:
        return RegistrationResult(Outcome.WAITING, registration)  # the seats left are as they were
    seats_changed(event)
    return RegistrationResult(Outcome.CONFIRMED, registration)


# --- cancelling and the waiting list -----------------------------------------------------


class CancelOutcome(enum.Enum):
    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already_cancelled"
    EVENT_STARTED = "event_started"


def capacity_of(event, role_key):
    for key, _label, capacity in event.seat_pools():
        if key == role_key:
            return capacity
    return 0  # the role was removed: nobody moves up into it


def cancel(registration, now=None):
    """Cancel a registration; a freed seat goes to the first people waiting."""
    now = now or timezone.now()
    event = registration.event.specific
    if now >= event.start_at:
        return CancelOutcome.EVENT_STARTED, []
    with transaction.atomic():
        # The row lock makes two cancellations of the same registration take turns.
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            return CancelOutcome.ALREADY_CANCELLED, []
        was_confirmed = current.status == RegistrationStatus.CONFIRMED
        Registration.objects.filter(pk=current.pk).update(
            status=RegistrationStatus.CANCELLED, cancelled_at=now
        )
        promoted = []
        if was_confirmed:
            pool_id = _pool_row(event, current.role_key).pk
            # Updating the pool row first locks it until commit: promotions take turns.
            _release_seats(pool_id, current.seats)
            promoted = _promote(event, current.role_key, pool_id, now)
    if was_confirmed:
        seats_changed(event)
    registration.refresh_from_db()
    return CancelOutcome.CANCELLED, promoted


def cancel_by_editor(registration, user, now=None):
    """An editor cancels a registration (the resident phoned, say); written to the audit log."""
    outcome, promoted = cancel(registration, now)
    if outcome == CancelOutcome.CANCELLED:
        # Which event and how many moved up; never who.
        log(
            instance=registration,
            action="events.cancel",
            user=user,
            data={"event": registration.event_id, "promoted": len(promoted)},
        )
    return outcome, promoted


def _promote(event, role_key, pool_id, now):
    """Confirm waiting registrations in the order they came, while their party fits.
    The queue is strict: if the first person waiting does not fit, nobody behind
    them jumps ahead."""
    capacity = capacity_of(event, role_key)
    promoted = []
    while True:
        waiting = (
            Registration.objects.filter(event=event, role_key=role_key, status=RegistrationStatus.WAITING)
            .order_by("created_at", "pk")
            .first()
        )
        if waiting is None or not _take_seats(pool_id, waiting.seats, capacity):
            return promoted
        moved = Registration.objects.filter(pk=waiting.pk, status=RegistrationStatus.WAITING).update(
            status=RegistrationStatus.CONFIRMED, confirmed_at=now
        )
        if moved:
            promoted.append(waiting)
        else:  # cancelled meanwhile: give the seats back and look again
            _release_seats(pool_id, waiting.seats)


def promote_waiting_list(page, now=None):
    """After an editor adds seats: move people up in every pool of the event."""
    event = registration_event(page)
    now = now or timezone.now()
    promoted = []
    for key, _label, _capacity in event.seat_pools():
        with transaction.atomic():
            pool = _pool_row(event, key)
            # A no-op UPDATE takes the row lock, as a cancellation does.
            SeatPool.objects.filter(pk=pool.pk).update(seats_taken=F("seats_taken"))
            promoted += _promote(event, key, pool.pk, now)
    if promoted:
        seats_changed(event)
    return promoted


def waiting_position(registration):
    """1 for the first person waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        role_key=registration.role_key,
        status=RegistrationStatus.WAITING,
        created_at__lt=registration.created_at,
    ).count()
    return ahead + 1


# --- the private link and check-in -------------------------------------------------------


def find_registration(code, token):
    """The registration a private link points to, or None. Both parts must match."""
    registration = Registration.objects.filter(code=normalize_code(code)).select_related("event").first()
    if registration is None or not secrets.compare_digest(registration.access_token, token or ""):
        return None
    return registration


class CheckInOutcome(enum.Enum):
    CHECKED_IN = "checked_in"
    ALREADY_CHECKED_IN = "already_checked_in"
    NOT_FOUND = "not_found"
    NOT_CONFIRMED = "not_confirmed"


CHECK_IN_MESSAGES = {
    CheckInOutcome.CHECKED_IN: _("Checked in."),
    CheckInOutcome.ALREADY_CHECKED_IN: _("This registration was already checked in."),
    CheckInOutcome.NOT_FOUND: _("No registration with this code for this event."),
    CheckInOutcome.NOT_CONFIRMED: _("This registration is not confirmed (waiting list or cancelled)."),
}


def check_in(event, code, now=None, user=None):
    """Mark a confirmed registration as attended; a check-in is written to the audit log."""
    registration = Registration.objects.filter(event=event, code=normalize_code(code)).first()
    if registration is None:
        return CheckInOutcome.NOT_FOUND, None
    if registration.status != RegistrationStatus.CONFIRMED:
        return CheckInOutcome.NOT_CONFIRMED, registration
    marked = Registration.objects.filter(pk=registration.pk, attended_at__isnull=True).update(
        attended_at=now or timezone.now()
    )
    registration.refresh_from_db()
    if not marked:
        return CheckInOutcome.ALREADY_CHECKED_IN, registration
    log(instance=registration, action="events.check_in", user=user, data={"event": event.pk})
    return CheckInOutcome.CHECKED_IN, registration
