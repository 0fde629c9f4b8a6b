"""Initiative signatures (倡议签名): the versioned initiative text of a campaign, the signatures
residents give online, the counter rows that make the count cheap, and the offline tallies of
paper signatures. Signatures belong to the campaign page in the default language (the source of
its translations), so that the Chinese and the English page count the same signatures.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from integrity_site.core.text import validate_name_text
from integrity_site.core.translation import source_page


class InitiativeText(models.Model):
    """One published version of a campaign's initiative text (第1版, 第2版 …). A new version is
    recorded when the campaign is published with a text that differs from the latest one; each
    signature points at the version its signer read."""

    campaign = models.ForeignKey(
        "campaigns.CampaignPage",
        on_delete=models.CASCADE,
        related_name="initiative_texts",
        verbose_name=_("campaign"),
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("initiative text"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("initiative text version")
        verbose_name_plural = _("initiative text versions")
        ordering = ["campaign", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="unique_initiative_text_version"),
        ]

    def __str__(self):
        return _("Version %(version)s") % {"version": self.version}


class MessageState(models.TextChoices):
    NONE = "", _("no message")
    PENDING = "pending", _("awaiting moderation")
    APPROVED = "approved", _("approved")
    HIDDEN = "hidden", _("hidden")


class Signature(models.Model):
    campaign = models.ForeignKey(
        "campaigns.CampaignPage",
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("campaign"),
    )
    text = models.ForeignKey(
        InitiativeText, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("text signed")
    )
    name = models.CharField(_("name"), max_length=30, blank=True)
    subdistrict = models.CharField(_("subdistrict"), max_length=60)
    community = models.CharField(_("community"), max_length=60, blank=True)
    # Normalised (core.mobile); never shown in public. Empty once anonymised.
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True)
    message = models.CharField(_("message"), max_length=200, blank=True)
    message_state = models.CharField(
        _("message moderation"), max_length=10, choices=MessageState.choices, blank=True, default=""
    )
    consent = models.BooleanField(_("agreed to the privacy notice"), default=False)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    # The signature's number among the campaign's online signatures, given once it has committed
    # (signing.number_signatures); unique per campaign, kept after a withdrawal.
    place = models.PositiveIntegerField(_("place"), null=True, blank=True)
    access_token = models.CharField(max_length=43, editable=False)
    # The hidden token of the form that created it: a form sent twice finds it again.
    submission_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("signed at"), auto_now_add=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    invalidated_at = models.DateTimeField(_("invalidated at"), null=True, blank=True)
    invalidation_reason = models.CharField(_("reason for invalidating"), max_length=255, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("initiative signature")
        verbose_name_plural = _("initiative signatures")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One counted signature per mobile number and campaign. Withdrawn and invalidated
            # signatures do not count, nor do anonymised ones (empty mobile): a partial unique
            # index, which SQLite and PostgreSQL both enforce.
            models.UniqueConstraint(
                fields=["campaign", "mobile"],
                condition=Q(withdrawn_at__isnull=True, invalidated_at__isnull=True) & ~Q(mobile=""),
                name="unique_counted_signature_per_mobile",
            ),
            # One signer per place (NULLs, not numbered yet, are distinct); its index also finds
            # the campaign's highest place and its signatures still to number.
            models.UniqueConstraint(fields=["campaign", "place"], name="unique_signature_place"),
        ]
        indexes = [
            # The latest signers and approved messages of a campaign, newest first.
            models.Index(fields=["campaign", "-created_at"], name="signature_latest_idx"),
            # The approved messages: few among many signatures, found without scanning the rest.
            models.Index(
                fields=["campaign", "-created_at"],
                condition=Q(message_state="approved"),
                name="signature_approved_message_idx",
            ),
        ]
        permissions = [
            (
                "export_signature_personal_data",
                _("Can see and export the names and mobile numbers of signers"),
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}#{self.pk}"

    @property
    def is_counted(self):
        return self.withdrawn_at is None and self.invalidated_at is None


class SignatureCounter(models.Model):
    """Part of a campaign's count: signatures of one subdistrict and community, in one of a few
    shards.

    Why shards: a single counter row would be locked by every signer until their transaction
    commits, so on PostgreSQL all signers of a busy campaign would queue behind one row (what
    GOV.UK e-petitions had to batch its counter for). Each signature adds 1 to one row of its
    subdistrict and community, picked at random among ``SIGNATURE_COUNTER_SHARDS``, in the same
    transaction as the signature itself, so the count is exact; reading it sums a few dozen rows,
    never the signatures. Withdrawing or invalidating adds -1 to a shard the same way (a shard
    may go below 0; only the sum means anything). The breakdown per subdistrict and community
    is the same sum, grouped."""

    campaign = models.ForeignKey("campaigns.CampaignPage", on_delete=models.CASCADE, related_name="+")
    subdistrict = models.CharField(max_length=60)
    community = models.CharField(max_length=60, blank=True)
    shard = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("signature counter")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subdistrict", "community", "shard"],
                name="unique_signature_counter_shard",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.subdistrict}/{self.community}/{self.shard}: {self.count}"


class OfflineTally(models.Model):
    """Paper signatures collected at a street event (线下签名), entered by an editor as a number."""

    campaign = models.ForeignKey(
        "campaigns.CampaignPage",
        on_delete=models.CASCADE,
        related_name="offline_tallies",
        verbose_name=_("campaign"),
    )
    count = models.PositiveIntegerField(_("number of signatures"), validators=[MinValueValidator(1)])
    subdistrict = models.CharField(_("subdistrict"), max_length=60)
    community = models.CharField(_("community"), max_length=60, blank=True, validators=[validate_name_text])
    collected_on = models.DateField(_("collected on"))
    event = models.CharField(
        _("event"),
        max_length=120,
        validators=[validate_name_text],
        help_text=_("Where the paper signatures were collected, e.g. 宽厚里诚信宣传日."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    panels = [
        FieldPanel("campaign"),
        FieldRowPanel([FieldPanel("count"), FieldPanel("collected_on")]),
        FieldRowPanel([FieldPanel("subdistrict"), FieldPanel("community")]),
        FieldPanel("event"),
    ]

    class Meta:
        verbose_name = _("offline tally")
        verbose_name_plural = _("offline tallies")
        ordering = ["-collected_on", "-pk"]

    def __str__(self):
        return f"{self.event} ({self.count})"

    def clean(self):
        super().clean()
        # Counted on the campaign in the default language, as signatures are: a tally entered on
        # a translation goes to its source page.
        if self.campaign_id:
            self.campaign = source_page(self.campaign)
