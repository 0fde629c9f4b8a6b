from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulerConfig(AppConfig):
    """Scheduled jobs without cron: `manage.py run_scheduler` runs each job once per period however
    many schedulers run, and the admin dashboard shows how each last ended. No app is imported from
    here: jobs are management commands named in settings (SCHEDULED_JOBS) or registered by apps
    through the `register_scheduled_jobs` Wagtail hook."""

    name = "integrity_site.scheduler"
    label = "scheduler"
    verbose_name = _("Scheduled jobs")
    default_auto_field = "django.db.models.BigAutoField"
