"""The event domain's data: venues, registrations and the seat counters that enforce
capacity in the database. (The event page types are in ``integrity_site.events.models``.)

A registration always belongs to the event's page in the default language (the
source of its translations), so that a seat taken from the English page and one
taken from the Chinese page count against the same capacity.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import TranslatableMixin


class Venue(TranslatableMixin, models.Model):
    """Where events take place: a community room, a hall, a street corner.
    A snippet, translated with wagtail-localize like the pages that use it."""

    name = models.CharField(_("name"), max_length=120)
    subdistrict = models.CharField(_("subdistrict"), max_length=60, help_text=_("For example 解放路街道."))
    community = models.CharField(
        _("community"), max_length=60, blank=True, help_text=_("For example 宽厚里社区.")
    )
    address = models.CharField(_("address"), max_length=255)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("subdistrict"), FieldPanel("community")]),
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")], heading=_("Map coordinates")),
    ]

    class Meta(TranslatableMixin.Meta):
        db_table = "core_venue"  # the table from before the events app had its own
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["subdistrict", "community", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": _("Latitude lies between -90 and 90.")})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": _("Longitude lies between -180 and 180.")})

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None


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
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="seat_pools",
        verbose_name=_("event"),
    )
    # "" for the whole event; a volunteer role's translation key otherwise.
    role_key = models.CharField(_("role key"), max_length=36, blank=True, default="")
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0)

    class Meta:
        db_table = "core_seatpool"
        verbose_name = _("seat pool")
        constraints = [
            models.UniqueConstraint(fields=["event", "role_key"], name="unique_seat_pool_per_event_role"),
            models.CheckConstraint(condition=Q(seats_taken__gte=0), name="seat_pool_seats_not_negative"),
        ]

    def __str__(self):
        return f"{self.event_id}/{self.role_key or '-'}: {self.seats_taken}"


class Registration(models.Model):
    event = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="registrations",
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
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices, db_index=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        db_table = "core_registration"
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
        indexes = [
            models.Index(fields=["event", "role_key", "status", "created_at"], name="registration_queue_idx")
        ]
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
