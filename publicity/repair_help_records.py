"""Credit-repair help requests (信用修复辅导): a merchant with a penalty on public record asks the
district credit office for help with repairing its credit. ``publicity.models`` imports this
module so that Django loads the model under the app label ``publicity``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from publicity.records import PublicityRecord


class RepairHelpStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    APPLIED = "applied", _("Repair applied for")
    REPAIRED = "repaired", _("Repaired")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


OPEN_STATUSES = (RepairHelpStatus.NEW, RepairHelpStatus.CONTACTED, RepairHelpStatus.APPLIED)


class PreferredTime(models.TextChoices):
    MORNING = "morning", _("Working days, morning (9:00–12:00)")
    AFTERNOON = "afternoon", _("Working days, afternoon (14:00–17:30)")
    ANY = "any", _("Any time on working days")


class RepairHelpRequest(models.Model):
    """One merchant's request for help. The merchant's name and code are business data; the
    contact name, mobile number and notes are personal data, erased after the retention period
    (``anonymised_at``) while the request itself, its status and dates stay for the counts."""

    reference = models.CharField(_("reference number"), max_length=16, unique=True, editable=False)
    merchant_name = models.CharField(_("merchant name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    document_number = models.CharField(_("decision document number"), max_length=128, blank=True)
    record = models.ForeignKey(
        PublicityRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("penalty record"),
    )
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    preferred_time = models.CharField(_("preferred time"), max_length=10, choices=PreferredTime.choices)
    note = models.TextField(_("note from the merchant"), max_length=500, blank=True)
    consent = models.BooleanField(_("agreed to the privacy notice"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=RepairHelpStatus.choices, default=RepairHelpStatus.NEW
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    # The form's one-off token: a form sent twice (a double tap) finds its request again.
    submission_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    access_token = models.CharField(max_length=48, editable=False)
    anonymised_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit-repair help request")
        verbose_name_plural = _("credit-repair help requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="publicity_repair_help_status")]
        permissions = [
            (
                "export_repair_help_personal_data",
                _("Can export the contact names and mobile numbers of credit-repair help requests"),
            )
        ]

    def __str__(self):
        return f"{self.reference} {self.merchant_name}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES
