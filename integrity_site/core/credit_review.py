"""The credit check step of moderation: which parties a page names have hits in the feed, the
reasons recorded for letting hits pass, and the form a reviewer fills in (see CreditCheckTask)."""

import dataclasses

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm
from wagtail.log_actions import log
from wagtail.models import TaskState

from .credit_checks import check_credits, checked_parties

OVERRIDE_LOG_ACTION = "core.credit_check_override"
CREDIT_OVERRIDE_PERMISSION = "core.add_creditcheckoverride"


@dataclasses.dataclass
class Hit:
    party: object  # a credit_checks.CheckedItem
    check: object  # a credit_checks.CreditCheck
    override: object = None  # the CreditCheckOverride recorded for it, if any

    @property
    def key(self):
        return party_key(self.party)

    @property
    def findings(self):
        return self.check.findings


def party_key(party):
    return f"code:{party.credit_code}" if party.credit_code else f"name:{party.name}"


def credit_hits(obj):
    """The parties ``obj`` names that the feed has penalties or dishonest-debtor records of, each
    party once: by credit code, or by exact name where a party has none."""
    parties = {}
    for party in checked_parties(obj):
        if party.credit_code or party.name:
            parties.setdefault(party_key(party), party)
    checks = check_credits(
        (party.credit_code, "" if party.credit_code else party.name) for party in parties.values()
    )
    return [
        Hit(party=party, check=check)
        for party, check in zip(parties.values(), checks, strict=True)
        if check.has_hits
    ]


def checked_object(task_state):
    """What the step checks: the latest revision, the one the workflow goes on to publish."""
    content = task_state.workflow_state.content_object
    return content.get_latest_revision_as_object()


def task_hits(task_state):
    """Every hit of the checked object, with the override recorded for it in this step, if any."""
    overrides = {override.party_key: override for override in task_state.credit_overrides.all()}
    hits = credit_hits(checked_object(task_state))
    for hit in hits:
        hit.override = overrides.get(hit.key)
    return hits


def unresolved_hits(task_state):
    return [hit for hit in task_hits(task_state) if hit.override is None]


class CreditOverrideForm(TaskStateCommentForm):
    """A reason for each hit not yet let pass (fields ``reason-N`` with the party's key in
    ``party-N``, rendered by core/credit_check_action.html), checked against the hits as they are
    when the form is sent."""

    checked_step = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        task_state = TaskState.objects.filter(pk=cleaned.pop("checked_step", None)).first()
        if task_state is None:
            raise forms.ValidationError(_("The moderation step is missing; please reload the page."))
        posted = {}
        for name, key in self.data.items():
            if name.startswith("party-"):
                posted[key] = (self.data.get("reason-" + name.removeprefix("party-")) or "").strip()
        missing = [hit.party.label for hit in unresolved_hits(task_state) if not posted.get(hit.key)]
        if missing:
            raise forms.ValidationError(
                _("Give a reason for every hit, or request changes instead. Without a reason: %(parties)s")
                % {"parties": "、".join(missing)}
            )
        cleaned["reasons"] = posted
        return cleaned


@transaction.atomic
def pass_with_reasons(task_state, user, reasons, comment=""):
    """Record a reason for each unresolved hit and pass the step; refuses (PermissionDenied) a user
    without the override permission or a hit without a reason."""
    if not user.has_perm(CREDIT_OVERRIDE_PERMISSION):
        raise PermissionDenied
    task_state = TaskState.objects.select_for_update().get(pk=task_state.pk).specific
    hits = unresolved_hits(task_state)
    if any(not (reasons.get(hit.key) or "").strip() for hit in hits):
        raise PermissionDenied(gettext("Every hit needs a reason before the step can pass."))
    content = task_state.workflow_state.content_object
    for hit in hits:
        reason = reasons[hit.key].strip()[:1000]
        task_state.credit_overrides.create(
            party_key=hit.key[:255],
            party_label=hit.party.label[:255],
            reason=reason,
            user=user,
        )
        log(
            instance=content,
            action=OVERRIDE_LOG_ACTION,
            user=user,
            data={
                "party": hit.party.label,
                "reason": reason,
                "records": [finding.document_number for finding in hit.findings],
            },
        )
    task_state.approve(user=user, comment=comment)
