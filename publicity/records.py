"""The publicity data feed's records: what was imported, each import run and the cross-check's hits.

These are the app's data models; ``publicity.models`` holds the page type and imports them from
here, so that Django loads both under the app label ``publicity``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integrity_site.core.credit_checks import MatchedBy
from integrity_site.core.text import pinyin_spellings


class RecordKind(models.TextChoices):
    LICENCE = "licence", _("Licence")
    PENALTY = "penalty", _("Penalty")
    DISHONEST = "dishonest", _("Dishonest judgment debtor")


# A feed file of credit-repair outcomes (document numbers and repair dates) holds no records of
# its own: it marks penalties repaired (publicity.repair_periods).
REPAIR_OUTCOMES = "repair"
FEED_KIND_LABELS = {REPAIR_OUTCOMES: _("Credit repair outcomes")}


def feed_kind_label(kind):
    """A kind of feed file by its label: a kind of record, or the repair outcomes."""
    return RecordKind(kind).label if kind in RecordKind.values else FEED_KIND_LABELS.get(kind, kind)


class SubjectCategory(models.TextChoices):
    ORGANISATION = "organisation", _("Legal person or other organisation")
    NATURAL_PERSON = "natural_person", _("Natural person")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")


class Severity(models.TextChoices):
    """The classes of dishonesty information (失信信息) of the credit-repair rules."""

    MINOR = "minor", _("Minor")
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")


class PublicityRecord(models.Model):
    """One licence record, penalty record or dishonest judgment debtor record of the feed.

    The table is big (a district reports six figures, a province tens of millions), so it stays
    out of the search index and is reached through its own indexed columns. Identity numbers
    are never stored: nothing public may show them and the cross-check does not need them.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices)
    document_number = models.CharField(_("decision document number"), max_length=128)
    authority = models.CharField(_("authority"), max_length=200)
    authority_code = models.CharField(_("authority code"), max_length=32, blank=True)
    subject_name = models.CharField(_("name of the party"), max_length=200)
    # The name as residents type it on a phone (core.text.pinyin_spellings), so that a pinyin
    # search matches stored columns: kuanhouli, and the initials khl.
    name_pinyin = models.CharField(max_length=1200, blank=True, editable=False)
    name_initials = models.CharField(max_length=200, blank=True, editable=False)
    subject_category = models.CharField(
        _("category of the party"), max_length=20, choices=SubjectCategory.choices
    )
    # Empty for natural persons and for individual businesses with the placeholder code.
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    category = models.CharField(_("category"), max_length=200, blank=True)
    content = models.TextField(_("content"), blank=True)
    violation = models.TextField(_("violation"), blank=True)
    facts = models.TextField(_("facts"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    fine_amount = models.DecimalField(
        _("fine (10,000 yuan)"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    confiscated_amount = models.DecimalField(
        _("confiscated (10,000 yuan)"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    licence_number = models.CharField(_("licence or certificate"), max_length=500, blank=True)
    decision_date = models.DateField(_("decision date"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # The last day a penalty is public (after it the penalty leaves public view, but stays here for
    # editors and cross-checks): the authority's 公示截止期 if it gave one, else the maximum period
    # of its class under the credit-repair rules, ended early by a repair; empty when its class is
    # not published. Computed (publicity.repair_periods), never entered.
    publicity_until = models.DateField(_("public until"), null=True, blank=True)
    # Credit repair (publicity.repair_periods): what the feed says, and what the rules make of it.
    authority_until = models.DateField(_("end of publicity set by the authority"), null=True, blank=True)
    feed_severity = models.CharField(
        _("class given by the feed"), max_length=10, choices=Severity.choices, blank=True
    )
    severity = models.CharField(_("class"), max_length=10, choices=Severity.choices, blank=True)
    repair_from = models.DateField(_("credit repair possible from"), null=True, blank=True)
    repaired_on = models.DateField(_("credit repaired on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=100, blank=True)
    source_unit = models.CharField(_("source of the data"), max_length=200, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    row_hash = models.CharField(max_length=32, editable=False)
    first_imported_on = models.DateField(_("first imported on"), default=timezone.localdate)
    # More than seven working days between decision and first import.
    late = models.BooleanField(_("reported late"), default=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("publicity record")
        verbose_name_plural = _("publicity records")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "document_number", "authority"], name="publicity_record_document_authority"
            ),
        ]
        indexes = [
            # A credit profile pages each kind of a code's records, newest first, from this index
            # alone (id and end of publicity included), however deep the page.
            models.Index(
                fields=["credit_code", "kind", "decision_date", "id", "publicity_until"],
                name="publicity_record_code",
            ),
            models.Index(fields=["subject_name", "kind"], name="publicity_record_name"),
            models.Index(fields=["publicity_until"], name="publicity_record_public_until"),
            # Newest first, with what a name search filters on (the name and its pinyin): a search
            # walks it, without reading the table, until it has the records it lists.
            models.Index(
                fields=[
                    "decision_date",
                    "id",
                    "subject_name",
                    "kind",
                    "publicity_until",
                    "name_pinyin",
                    "name_initials",
                ],
                name="publicity_record_newest",
            ),
            # The statistics count a year of public records per day, kind and authority from this alone.
            models.Index(
                fields=["decision_date", "kind", "authority", "publicity_until"],
                name="publicity_record_public_stats",
            ),
        ]
        permissions = [("import_publicity_feed", _("Can import the publicity data feed"))]

    def __str__(self):
        return f"{self.get_kind_display()} {self.document_number}"

    def save(self, *args, **kwargs):
        # An editor's correction of the name changes its spellings (the importer sets them itself).
        self.name_pinyin, self.name_initials = pinyin_spellings(self.subject_name)
        if kwargs.get("update_fields") is not None and "subject_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    @property
    def is_private_person(self):
        return self.subject_category == SubjectCategory.NATURAL_PERSON


class ImportRun(models.Model):
    """One import of a feed file, from the admin upload or the command line."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True, editable=False)
    requested_kind = models.CharField(_("requested kind"), max_length=10, default="auto")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    bytes_total = models.PositiveBigIntegerField(default=0)
    bytes_done = models.PositiveBigIntegerField(default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    report_path = models.CharField(max_length=500, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # While running: the process importing ("host:pid") and its last sign of life, renewed with
    # every committed batch. A run whose process is gone, or silent for longer than
    # PUBLICITY_IMPORT_STALE_SECONDS, is failed as interrupted (publicity.tasks.fail_stale_runs).
    worker = models.CharField(_("imported by process"), max_length=100, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True, editable=False)
    interrupted = models.BooleanField(_("interrupted"), default=False, editable=False)
    # The background task (django-tasks result id) of an admin upload.
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    retry_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retries",
        editable=False,
        verbose_name=_("retry of"),
    )
    # Set by `purge_publicity_uploads` once the retention period has passed: the site's copy of the
    # uploaded file and the rejected-rows report are gone, the summary stays.
    files_removed_at = models.DateTimeField(_("files removed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.file_name

    @property
    def in_progress(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def kind_label(self):
        """The kind of records imported, by its label (the summary keeps the code)."""
        return feed_kind_label((self.summary or {}).get("kind", ""))

    @property
    def percent_done(self):
        if not self.bytes_total:
            return 100 if self.status == self.Status.FINISHED else 0
        return min(100, round(100 * self.bytes_done / self.bytes_total))


class CrossCheckHit(models.Model):
    """A pledge or honour entry whose party appears among current penalties or dishonest
    judgment debtors, as the last daily cross-check found it."""

    subject_type = models.CharField(_("checked item"), max_length=100)
    subject_id = models.PositiveBigIntegerField()
    subject_label = models.CharField(_("checked item"), max_length=300)
    subject_url = models.CharField(max_length=500, blank=True)
    record = models.ForeignKey(PublicityRecord, on_delete=models.CASCADE, related_name="+")
    matched_by = models.CharField(_("matched by"), max_length=20)
    found_at = models.DateTimeField(_("found at"))
    # An editor who followed the hit up acknowledges it; the daily re-check keeps this as long as
    # the same subject still matches the same record.
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cross-check hit")
        verbose_name_plural = _("cross-check hits")
        ordering = ["-found_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "record"], name="publicity_cross_check_hit_unique"
            ),
        ]

    def __str__(self):
        return f"{self.subject_label}: {self.record}"

    @property
    def is_acknowledged(self):
        return self.acknowledged_at is not None

    @property
    def matched_by_label(self):
        return MatchedBy(self.matched_by).label
