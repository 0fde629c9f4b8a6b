"""The credit-repair rules as data, and what they make of one penalty: its class (轻微 / 一般 /
严重), the day from which credit repair may be asked for, and the last day it is public.

A rule set (``RepairRuleSet``, a snippet that editors with its permissions maintain in the admin,
each edit in Wagtail's audit log) holds, from its effective date on, the periods of each class
(``SeverityPeriod``) and which penalties fall in which class (``SeverityCriterion``). The rule set
in force on a penalty's decision date applies to it. The national rules changed in 2019, 2023
and 2026 (migration 0011 ships them with their sources); a new rule set is a new version, kept
beside the old ones, so that older decisions keep the rules they were taken under.

``Rules`` is an in-memory snapshot of all rule sets: the import loads it once (before forking its
reading process) and classifies each row without a query; ``publicity.repair_periods`` recomputes
the stored records with it when the rules change.
"""

import bisect
import dataclasses
import datetime
import functools
import time
from decimal import Decimal

from django.core.cache import cache
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from publicity.records import Severity


class RepairRuleSet(ClusterableModel):
    """One version of the credit-repair rules, in force for decisions from ``effective_from`` on."""

    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("applies to decisions from"), unique=True)
    source = models.TextField(_("source"), help_text=_("The rules' title, issuer and number."))
    source_url = models.URLField(_("address of the source"), blank=True)
    default_severity = models.CharField(
        _("class of a penalty no criterion matches"),
        max_length=10,
        choices=Severity.choices,
        default=Severity.GENERAL,
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("effective_from"),
        FieldPanel("source"),
        FieldPanel("source_url"),
        FieldPanel("default_severity"),
        InlinePanel("periods", label=_("Publicity periods")),
        InlinePanel("criteria", label=_("Which penalties fall in which class")),
    ]

    class Meta:
        verbose_name = _("credit-repair rule set")
        verbose_name_plural = _("credit-repair rule sets")
        ordering = ["-effective_from"]

    def __str__(self):
        return self.name


class SeverityPeriod(Orderable):
    """How long a penalty of one class is public under a rule set, counted from its decision date."""

    rule_set = ParentalKey(RepairRuleSet, on_delete=models.CASCADE, related_name="periods")
    severity = models.CharField(_("class"), max_length=10, choices=Severity.choices)
    published = models.BooleanField(_("published"), default=True)
    minimum_months = models.PositiveSmallIntegerField(
        _("minimum period (months)"), help_text=_("Credit repair may be asked for after it.")
    )
    maximum_months = models.PositiveSmallIntegerField(
        _("maximum period (months)"), help_text=_("Publication stops by itself after it.")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("publicity period")
        verbose_name_plural = _("publicity periods")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "severity"], name="publicity_repair_period_unique")
        ]

    def __str__(self):
        return self.get_severity_display()


class SeverityCriterion(Orderable):
    """A penalty matching every condition given here falls in ``severity``; the first criterion
    that matches (in order) decides. Conditions left empty do not count."""

    rule_set = ParentalKey(RepairRuleSet, on_delete=models.CASCADE, related_name="criteria")
    severity = models.CharField(_("class"), max_length=10, choices=Severity.choices)
    categories = models.CharField(
        _("penalty categories"),
        max_length=500,
        blank=True,
        help_text=_("Separated by commas, e.g. 吊销许可证, 责令关闭 (a category containing one counts)."),
    )
    only_these_categories = models.BooleanField(
        _("only these categories"),
        default=False,
        help_text=_("Every category of the penalty must be one of these (e.g. only 警告 or 通报批评)."),
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_("Separated by commas: one of them in the penalty's text (e.g. 简易程序)."),
    )
    minimum_fine = models.DecimalField(
        _("fine and confiscation from (10,000 yuan)"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    maximum_fine = models.DecimalField(
        _("fine and confiscation up to (10,000 yuan)"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta(Orderable.Meta):
        verbose_name = _("class criterion")
        verbose_name_plural = _("class criteria")

    def __str__(self):
        return self.get_severity_display()


# --- the rules in memory, and what they make of a penalty ---------------------------------------

# The fields of a penalty whose text the keywords are looked for in.
KEYWORD_FIELDS = ("title", "content", "violation", "facts", "legal_basis", "licence_number", "remarks")
SEVERITY_NAMES = {
    "轻微": Severity.MINOR,
    "一般": Severity.GENERAL,
    "严重": Severity.SERIOUS,
    **{choice.value: choice for choice in Severity},
    **{str(choice.label).lower(): choice for choice in Severity},
}


def split_list(text):
    """ "吊销许可证, 责令关闭；限制从业" → ["吊销许可证", "责令关闭", "限制从业"]."""
    for separator in "，,；;、":
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def add_months(date, months):
    """The same day ``months`` later (the month's last day when it has no such day)."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in range(date.day, 27, -1):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return datetime.date(year, month, min(date.day, 28))


@dataclasses.dataclass(frozen=True)
class Period:
    published: bool
    minimum_months: int
    maximum_months: int


@dataclasses.dataclass(frozen=True)
class Criterion:
    severity: str
    categories: tuple
    only_these: bool
    keywords: tuple
    minimum_fine: Decimal | None
    maximum_fine: Decimal | None

    def matches(self, categories, text, amount):
        if self.categories:
            known = [any(rule in category for rule in self.categories) for category in categories]
            if not any(known) or (self.only_these and not all(known)):
                return False
        if self.keywords and not any(keyword in text for keyword in self.keywords):
            return False
        if self.minimum_fine is not None and amount < self.minimum_fine:
            return False
        return self.maximum_fine is None or amount <= self.maximum_fine


@dataclasses.dataclass(frozen=True)
class RuleSnapshot:
    pk: int
    name: str
    effective_from: datetime.date
    source: str
    source_url: str
    default_severity: str
    periods: dict  # severity → Period
    criteria: tuple


@dataclasses.dataclass(frozen=True)
class PenaltyPeriods:
    """What the rules make of one penalty (see ``Rules.periods``)."""

    severity: str
    repair_from: datetime.date | None
    publicity_until: datetime.date | None


class Rules:
    """Every rule set, oldest first: ``for_date`` finds the one in force on a decision date (a
    decision older than the oldest rule set takes the oldest)."""

    def __init__(self, rule_sets):
        self.rule_sets = sorted(rule_sets, key=lambda rules: rules.effective_from)
        self._starts = [rules.effective_from for rules in self.rule_sets]

    def __bool__(self):
        return bool(self.rule_sets)

    def for_date(self, date):
        if not self.rule_sets:
            return None
        return self.rule_sets[max(0, bisect.bisect_right(self._starts, date) - 1)]

    def severity(self, rules, fields):
        given = fields.get("feed_severity") or ""
        if given:
            return given
        categories = split_list(fields.get("category") or "")
        text = " ".join(fields.get(name) or "" for name in KEYWORD_FIELDS)
        amount = (fields.get("fine_amount") or Decimal(0)) + (fields.get("confiscated_amount") or Decimal(0))
        for criterion in rules.criteria:
            if criterion.matches(categories, text, Decimal(amount)):
                return criterion.severity
        return rules.default_severity

    def periods(self, fields):
        """A penalty's class, the first day credit repair may be asked for and the last day it is
        public: ``fields`` as the importer has them (decision_date, category, amounts, text,
        feed_severity, authority_until, repaired_on). The authority's end of publicity wins over
        the computed one; a class that is not published is never public; a repair ends publicity
        the day before it."""
        decided = fields["decision_date"]
        rules = self.for_date(decided)
        if rules is None:
            # No rules at all: the authority's date, as before there were rules.
            until = fields.get("authority_until")
            return PenaltyPeriods("", None, end_with_repair(until, fields.get("repaired_on")))
        severity = self.severity(rules, fields)
        period = rules.periods.get(severity)
        if period is None:
            until = fields.get("authority_until")
            return PenaltyPeriods(severity, None, end_with_repair(until, fields.get("repaired_on")))
        repair_from = add_months(decided, period.minimum_months)
        until = None
        if period.published:
            until = fields.get("authority_until") or (
                add_months(decided, period.maximum_months) - datetime.timedelta(days=1)
            )
        return PenaltyPeriods(severity, repair_from, end_with_repair(until, fields.get("repaired_on")))


def end_with_repair(until, repaired_on):
    """The last public day of a penalty repaired on ``repaired_on``: the day before, at the latest."""
    if until and repaired_on and repaired_on <= until:
        return repaired_on - datetime.timedelta(days=1)
    return until


def load_rules(rule_set_model=None, period_model=None, criterion_model=None):
    """A snapshot of every rule set (three queries). The models can be a migration's historical
    ones."""
    rule_set_model = rule_set_model or RepairRuleSet
    period_model = period_model or SeverityPeriod
    criterion_model = criterion_model or SeverityCriterion
    periods, criteria = {}, {}
    for row in period_model.objects.order_by("sort_order", "pk").values(
        "rule_set_id", "severity", "published", "minimum_months", "maximum_months"
    ):
        periods.setdefault(row["rule_set_id"], {})[row["severity"]] = Period(
            row["published"], row["minimum_months"], row["maximum_months"]
        )
    for row in criterion_model.objects.order_by("sort_order", "pk").values():
        criteria.setdefault(row["rule_set_id"], []).append(
            Criterion(
                severity=row["severity"],
                categories=tuple(split_list(row["categories"])),
                only_these=row["only_these_categories"],
                keywords=tuple(split_list(row["keywords"])),
                minimum_fine=row["minimum_fine"],
                maximum_fine=row["maximum_fine"],
            )
        )
    return Rules(
        RuleSnapshot(
            pk=row.pk,
            name=row.name,
            effective_from=row.effective_from,
            source=row.source,
            source_url=row.source_url,
            default_severity=row.default_severity,
            periods=periods.get(row.pk, {}),
            criteria=tuple(criteria.get(row.pk, [])),
        )
        for row in rule_set_model.objects.all()
    )


@functools.lru_cache(maxsize=1)
def _cached_rules(version):
    return load_rules()


def current_rules():
    """The snapshot for pages: loaded again only after a rule set changed (its version is the
    latest change of the rule sets, kept in the cache by ``rules_changed``)."""
    return _cached_rules(cache.get(RULES_VERSION_KEY, 0))


RULES_VERSION_KEY = "publicity:repair-rules-version"


def rules_changed():
    cache.set(RULES_VERSION_KEY, time.time_ns(), None)
