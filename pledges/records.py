"""Integrity pledges (诚信经营承诺书): the versioned pledge text and the pledges merchants sign."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, RevisionMixin
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from integrity_site.core.credit_code import validate_credit_code
from integrity_site.core.subdistricts import subdistrict_label
from integrity_site.core.text import validate_name_text


class PledgeText(DraftStateMixin, RevisionMixin, models.Model):
    """The text merchants sign. Every published revision is kept: a pledge points at the
    revision its merchant signed, and its certificate shows that revision."""

    title = models.CharField(_("title"), max_length=120, help_text=_("For example 诚信经营承诺书."))
    reason = models.TextField(
        _("reason for the pledge"),
        help_text=_("承诺事由: why merchants make this pledge."),
    )
    commitment = RichTextField(
        _("commitment"),
        features=["bold", "ol", "ul"],
        help_text=_("承诺内容: what the merchant promises."),
    )
    liability = models.TextField(
        _("liability for breach"),
        help_text=_("违诺责任: what follows if the pledge is broken."),
    )
    revisions = GenericRelation("wagtailcore.Revision", related_query_name="pledge_text")

    panels = [FieldPanel("title"), FieldPanel("reason"), FieldPanel("commitment"), FieldPanel("liability")]

    class Meta:
        verbose_name = _("pledge text")
        verbose_name_plural = _("pledge texts")

    def __str__(self):
        return self.title


class PledgeTextVersion(models.Model):
    """The version number of one published revision of a pledge text: 第1版, 第2版 … counted per
    text in the order of publication. (A revision's id counts every draft of every object.)"""

    text = models.ForeignKey(PledgeText, on_delete=models.CASCADE, related_name="versions")
    revision = models.OneToOneField(
        "wagtailcore.Revision", on_delete=models.CASCADE, related_name="pledge_text_version"
    )
    number = models.PositiveIntegerField(_("version"))

    class Meta:
        verbose_name = _("pledge text version")
        verbose_name_plural = _("pledge text versions")
        constraints = [
            models.UniqueConstraint(fields=["text", "number"], name="pledges_one_number_per_text_version"),
        ]

    def __str__(self):
        return f"{self.text_id} v{self.number}"


class PledgeState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted (awaiting e-mail confirmation)")
    CONFIRMED = "confirmed", _("confirmed (awaiting review)")
    APPROVED = "approved", _("approved")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Confirmed pledges await review and approved ones are in force: both are "active" (cross-checked
# against the publicity feed, revocable, withdrawable).
ACTIVE_STATES = (PledgeState.CONFIRMED, PledgeState.APPROVED)

# Only an approved pledge blocks its credit code: an editor has checked who signed it. Confirming
# needs nothing but an e-mail address anybody can type, so several confirmed pledges of one code
# may wait for review side by side, and a stranger's confirmed pledge never blocks the merchant.
BLOCKING_STATE = PledgeState.APPROVED


class EntityKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")


# The 信用承诺 category of each kind, for partner platforms.
ENTITY_KIND_CATEGORY = {
    EntityKind.ENTERPRISE: "法人及非法人组织",
    EntityKind.INDIVIDUAL_BUSINESS: "个体工商户",
    EntityKind.SOCIAL_ORGANISATION: "法人及非法人组织",
}


class Industry(models.TextChoices):
    CATERING = "catering", _("Catering")
    RETAIL = "retail", _("Retail")
    ACCOMMODATION = "accommodation", _("Accommodation")
    CULTURE_TOURISM = "culture_tourism", _("Culture and tourism")
    LOCAL_SERVICES = "local_services", _("Local services")
    MEDICINE = "medicine", _("Medicine and pharmacies")
    EDUCATION = "education", _("Education and training")
    FINANCE = "finance", _("Finance")
    PROPERTY = "property", _("Property and housing")
    TRANSPORT = "transport", _("Transport and logistics")
    OTHER = "other", _("Other")


# Certificate numbers: short, easy to read aloud and to type from paper (no 0/O, 1/I/L).
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
NUMBER_LENGTH = 8


def new_certificate_number():
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


class PledgeQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def active(self):
        return self.filter(state__in=ACTIVE_STATES)

    def blocking(self):
        """The pledge (at most one per code) that keeps other pledges of its code from approval."""
        return self.filter(state=BLOCKING_STATE)

    def published(self):
        """In the public register: approved pledges whose merchant consented to publication."""
        return self.filter(state=PledgeState.APPROVED)


class Pledge(index.Indexed, models.Model):
    """One merchant's signed integrity pledge."""

    number = models.CharField(
        _("certificate number"),
        max_length=16,
        unique=True,
        default=new_certificate_number,
        editable=False,
    )
    state = models.CharField(
        _("state"), max_length=20, choices=PledgeState.choices, default=PledgeState.SUBMITTED, db_index=True
    )
    text_revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pledge text signed"),
    )

    # Public business details (published with the merchant's consent).
    merchant_name = models.CharField(_("merchant name"), max_length=120, validators=[validate_name_text])
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, validators=[validate_credit_code]
    )
    entity_kind = models.CharField(_("entity kind"), max_length=30, choices=EntityKind.choices)
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices)
    # Free text, not choices: another district changes the list in settings, not in migrations.
    subdistrict = models.CharField(_("subdistrict"), max_length=60)
    address = models.CharField(_("address"), max_length=255, validators=[validate_name_text])
    consent_to_publication = models.BooleanField(_("consents to publication"), default=False)

    # Personal data: only editors with the permission see it.
    contact_person = models.CharField(_("contact person"), max_length=60, validators=[validate_name_text])
    mobile = models.CharField(_("mobile number"), max_length=20)
    email = models.EmailField(_("e-mail"))
    signatory_name = models.CharField(_("signed by"), max_length=60, validators=[validate_name_text])

    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, db_index=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    closing_reason = models.TextField(_("reason for ending"), blank=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("integrity pledge")
        verbose_name_plural = _("integrity pledges")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(state=BLOCKING_STATE),
                name="pledges_one_approved_pledge_per_credit_code",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-approved_at"], name="pledges_register_idx"),
            models.Index(fields=["credit_code", "state"], name="pledges_code_state_idx"),
        ]
        permissions = [
            ("view_pledge_personal_data", "Can see and export personal data of integrity pledges"),
        ]

    # The site search finds merchants by their public business details only: the
    # contact person, mobile, e-mail and signatory are never indexed. State is
    # not indexed either (transitions are conditional UPDATEs that do not
    # re-index); the search checks it in the database.
    search_fields = [
        index.SearchField("merchant_name", boost=2),
        index.AutocompleteField("merchant_name"),
        index.SearchField("address"),
        index.FilterField("credit_code"),
    ]

    def __str__(self):
        return f"{self.merchant_name} ({self.credit_code})"

    def get_subdistrict_display(self):
        return subdistrict_label(self.subdistrict)

    @property
    def is_active(self):
        return self.state in ACTIVE_STATES

    @property
    def verification_path(self):
        from django.urls import reverse
        from django.utils import translation

        # One language-neutral address, printed in the QR code.
        with translation.override(settings.LANGUAGE_CODE):
            return reverse("pledges:verify", args=[self.number])

    @property
    def category(self):
        return ENTITY_KIND_CATEGORY.get(self.entity_kind, "")
