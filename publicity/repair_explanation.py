"""What the public reads about credit repair (信用修复): the explanation page and the repair
information under each penalty, both written from the rule sets (``publicity.repair_rules``),
so that they never disagree with the rules the periods are computed by."""

import dataclasses
import datetime

from django.utils.translation import gettext, ngettext, pgettext

from integrity_site.core.credit_checks import credit_commitment_url
from publicity.records import Severity
from publicity.repair_rules import current_rules

# 信用中国, the single window for credit-repair applications ("谁认定、谁修复").
CREDIT_CHINA_URL = "https://www.creditchina.gov.cn/"


def period_text(months):
    """12 → "1 year", 3 → "3 months", in the active language."""
    if months and months % 12 == 0:
        years = months // 12
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}


@dataclasses.dataclass
class ClassRule:
    severity: str
    label: str
    summary: str  # one sentence: published or not, the minimum and the maximum
    criteria: list  # sentences: which penalties fall in this class

    @property
    def criteria_text(self):
        return gettext("; ").join(self.criteria)


def class_summary(period):
    if period is None:
        return ""
    if not period.published and not period.maximum_months:
        return gettext("Not published; repair can be requested once the legal duty is fulfilled.")
    if not period.published:
        return gettext(
            "Not published in principle (where the authority finds it necessary, at most %(maximum)s); "
            "repair can be requested once the legal duty is fulfilled."
        ) % {"maximum": period_text(period.maximum_months)}
    return gettext(
        "Published for at least %(minimum)s and at most %(maximum)s from the decision date; repair can be "
        "requested after the minimum, and publication stops by itself at the maximum."
    ) % {"minimum": period_text(period.minimum_months), "maximum": period_text(period.maximum_months)}


def criterion_text(criterion):
    """A criterion in words: "Penalty categories: 吊销许可证、责令关闭; the text mentions: 简易程序"."""
    parts = []
    separator = pgettext("enumeration", ", ")
    if criterion.categories:
        template = (
            gettext("only the categories %(list)s")
            if criterion.only_these
            else gettext("the categories %(list)s")
        )
        parts.append(template % {"list": separator.join(criterion.categories)})
    if criterion.keywords:
        parts.append(gettext("the decision mentions %(list)s") % {"list": separator.join(criterion.keywords)})
    if criterion.minimum_fine is not None:
        parts.append(
            gettext("fines of %(amount)s × 10,000 yuan or more")
            % {"amount": f"{criterion.minimum_fine.normalize():f}"}
        )
    if criterion.maximum_fine is not None:
        parts.append(
            gettext("fines up to %(amount)s × 10,000 yuan")
            % {"amount": f"{criterion.maximum_fine.normalize():f}"}
        )
    return gettext("; ").join(parts)


@dataclasses.dataclass
class RuleSetText:
    name: str
    effective_from: object
    effective_until: object  # the day before the next rule set, or None
    source: str
    source_url: str
    classes: list  # [ClassRule, …], minor to serious
    default_label: str


def explained_rule_sets(rules=None):
    """[RuleSetText, …], newest first."""
    rules = rules if rules is not None else current_rules()
    texts = []
    rule_sets = rules.rule_sets
    for index, rule_set in enumerate(rule_sets):
        following = rule_sets[index + 1] if index + 1 < len(rule_sets) else None
        classes = []
        for severity in Severity:
            period = rule_set.periods.get(severity.value)
            criteria = [criterion_text(c) for c in rule_set.criteria if c.severity == severity.value]
            if period is None and not criteria:
                continue
            classes.append(ClassRule(severity.value, str(severity.label), class_summary(period), criteria))
        texts.append(
            RuleSetText(
                name=rule_set.name,
                effective_from=rule_set.effective_from,
                effective_until=(
                    following.effective_from - datetime.timedelta(days=1) if following else None
                ),
                source=rule_set.source,
                source_url=rule_set.source_url,
                classes=classes,
                default_label=str(Severity(rule_set.default_severity).label),
            )
        )
    return list(reversed(texts))


def repair_links():
    """What every penalty's repair information links to: the 信用中国 window and the page where a
    merchant makes the credit commitment the rules ask for (the integrity pledge, if the site has
    one; through a hook, so that this part imports no other)."""
    return {"credit_china_url": CREDIT_CHINA_URL, "commitment_url": credit_commitment_url()}
