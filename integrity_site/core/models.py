from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, Site, Task, TaskState
from wagtail.search import index

from .credit_review import CREDIT_OVERRIDE_PERMISSION, CreditOverrideForm, pass_with_reasons, unresolved_hits


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """The credit office's contact details and site-wide policies, edited under Settings."""

    site_name_en = models.CharField(
        _("site name (English)"),
        max_length=100,
        blank=True,
        help_text=_(
            "The site's name on English pages (page titles, share cards). The Chinese name is the "
            "site's own name under Settings → Sites."
        ),
    )
    office_name = models.CharField(_("office name"), max_length=120, blank=True)
    office_name_en = models.CharField(_("office name (English)"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=255, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=120, blank=True)
    office_hours_en = models.CharField(_("office hours (English)"), max_length=120, blank=True)
    icp_number = models.CharField(
        _("ICP licence number"),
        max_length=60,
        blank=True,
        help_text=_("The website's ICP filing number (ICP备案号), shown in the footer."),
    )
    personal_data_retention_days = models.PositiveIntegerField(
        _("personal data retention (days)"),
        default=180,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Personal data of registrations and signatures is anonymised this many days "
            "after the event or campaign ends."
        ),
    )
    pledge_validity_days = models.PositiveIntegerField(
        _("integrity pledge validity (days)"),
        default=365,
        validators=[MinValueValidator(1)],
        help_text=_("An approved integrity pledge is valid this many days; then it expires."),
    )

    panels = [
        FieldPanel("site_name_en"),
        MultiFieldPanel(
            [
                FieldPanel("office_name"),
                FieldPanel("office_name_en"),
                FieldPanel("address"),
                FieldPanel("address_en"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("office_hours"),
                FieldPanel("office_hours_en"),
            ],
            heading=_("Contact details"),
        ),
        FieldPanel("icp_number"),
        FieldPanel("personal_data_retention_days"),
        FieldPanel("pledge_validity_days"),
    ]

    class Meta:
        verbose_name = _("site settings")

    def localized(self, field_name):
        """The English variant of a field on English pages, falling back to Chinese."""
        if (get_language() or "").startswith("en"):
            english = getattr(self, f"{field_name}_en", "")
            if english:
                return english
        return getattr(self, field_name)

    @property
    def display_site_name(self):
        """The English name on English pages; empty elsewhere (the Wagtail site's name is the
        Chinese one)."""
        if (get_language() or "").startswith("en"):
            return self.site_name_en
        return ""

    @property
    def display_office_name(self):
        return self.localized("office_name")

    @property
    def display_address(self):
        return self.localized("address")

    @property
    def display_office_hours(self):
        return self.localized("office_hours")


def personal_data_retention_days(site=None):
    """How long personal data is kept: ``site``'s setting (the default site's when no site is
    given), else the ``PERSONAL_DATA_RETENTION_DAYS`` setting when there is no site at all."""
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return settings.PERSONAL_DATA_RETENTION_DAYS
    return SiteSettings.for_site(site).personal_data_retention_days


class SectionIndexPage(Page):
    """The page at the top of a section (news, lectures, campaigns, the pledge, honours,
    publicity), once per home page: an introduction above what the section lists.
    ``editor_section`` names the editor group that runs the section (``core.sections``)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    max_count_per_parent = 1
    editor_section = ""

    class Meta:
        abstract = True


# --- the credit check step of moderation (联合奖惩) ------------------------------------------


class CreditCheckTask(Task):
    """A moderation step that checks every party a page names (the entries of an honour list…)
    against the publicity feed. Without hits it passes by itself; with hits only a user with the
    override permission may pass it, recording a reason for each hit; otherwise the page goes back
    for the parties to be removed. The parts of the site say what a page names through
    ``credit_checks.CREDIT_CHECKED_CONTENT_HOOK``."""

    class Meta:
        verbose_name = _("credit check")
        verbose_name_plural = _("credit checks")

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        if not unresolved_hits(task_state):
            # Wagtail's workflow moves on to the next step when a step ends as it starts.
            task_state.approve(user=None, update=False, comment=gettext("No credit hits: passed by itself."))
        return task_state

    def may_override(self, user):
        return user.has_perm(CREDIT_OVERRIDE_PERMISSION)

    def user_can_access_editor(self, obj, user):
        return self.may_override(user)

    def get_actions(self, obj, user):
        if not self.may_override(user):
            return []
        return [
            ("reject", _("Request changes: remove the parties with hits"), True),
            ("approve", _("Pass with a reason for each hit"), True),
        ]

    def get_form_for_action(self, action):
        return CreditOverrideForm if action == "approve" else super().get_form_for_action(action)

    def get_template_for_action(self, action):
        return "core/credit_check_action.html"

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve":
            return pass_with_reasons(task_state, user, kwargs.get("reasons", {}), kwargs.get("comment", ""))
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if self.may_override(user):
            return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return TaskState.objects.none()

    @classmethod
    def get_description(cls):
        return _(
            "Checks every party the page names against penalties still shown and the dishonest judgment "
            "debtor list; passes by itself without hits."
        )


class CreditCheckOverride(models.Model):
    """A reason recorded for letting one hit of a credit check pass (also in the audit log)."""

    task_state = models.ForeignKey(TaskState, on_delete=models.CASCADE, related_name="credit_overrides")
    party_key = models.CharField(_("party"), max_length=255)
    party_label = models.CharField(_("party"), max_length=255)
    reason = models.TextField(_("reason"), max_length=1000)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit check override")
        verbose_name_plural = _("credit check overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["task_state", "party_key"], name="one_override_per_party_and_task"
            )
        ]

    def __str__(self):
        return f"{self.party_label}: {self.reason}"
