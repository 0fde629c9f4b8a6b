"""Registrations and the seat counters that enforce capacity in the database.

A registration always belongs to the event's page in the default language (the
source of its translations), so that a seat taken from the English page and one
taken from the Chinese page count against the same capacity.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]


class SeatPool(models.Model):
    """The number of seats taken in one pool of an event: the whole event, or one
    volunteer role. Every change goes through one conditional UPDATE of this row,
    which is what makes overbooking impossible under concurrent requests."""

    event = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="seat_pools",
        verbose_name=_("event"),
    )
    # "" for the whole event; a volunteer role's translation key otherwise.
    role_key = models.CharField(_("role key"), max_length=36, blank=True, default="")
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0)

    class Meta:
        verbose_name = _("seat pool")
        constraints = [
            models.UniqueConstraint(fields=["event", "role_key"], name="unique_seat_pool_per_event_role"),
            models.CheckConstraint(condition=Q(seats_taken__gte=0), name="seat_pool_seats_not_negative"),
        ]

    def __str__(self):
        return f"{self.event_id}/{self.role_key or '-'}: {self.seats_taken}"


class Registration(models.Model):
    event = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="registrations",
        verbose_name=_("event"),
    )
    role_key = models.CharField(_("role key"), max_length=36, blank=True, default="")
    role_name = models.CharField(_("role"), max_length=120, blank=True)
    code = models.CharField(_("registration code"), max_length=8, unique=True)
    access_token = models.CharField(max_length=43, editable=False)
    # The hidden token of the form that created it: a resubmitted form finds it again.
    submission_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True)
    companions = models.PositiveSmallIntegerField(_("companions"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, db_index=True
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # One active registration per mobile number and event; anonymised rows
            # (empty mobile) and cancelled ones do not count.
            models.UniqueConstraint(
                fields=["event", "mobile"],
                condition=Q(status__in=["confirmed", "waiting"]) & ~Q(mobile=""),
                name="unique_active_registration_per_mobile",
            ),
        ]
        indexes = [models.Index(fields=["event", "role_key", "status", "created_at"],
                                name="registration_queue_idx")]
        permissions = [
            ("export_personal_data", _("Can see and export the personal data of registrations")),
        ]

    def __str__(self):
        return self.code

    @property
    def seats(self):
        return 1 + self.companions

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES
