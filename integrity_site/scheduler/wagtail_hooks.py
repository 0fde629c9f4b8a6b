from wagtail import hooks
from wagtail.admin.ui.components import Component

from integrity_site.scheduler.status import PERIOD_LABELS, job_statuses


class ScheduledJobsPanel(Component):
    """The last run and outcome of every scheduled job, failures and late jobs first, for the
    site's administrators."""

    name = "scheduled_jobs"
    order = 400
    template_name = "scheduler/panel.html"

    def get_context_data(self, parent_context=None):
        statuses = sorted(job_statuses(), key=lambda status: not status.warning)
        return {
            "statuses": [(status, PERIOD_LABELS[status.job.period]) for status in statuses],
            "warnings": sum(status.warning for status in statuses),
        }


@hooks.register("construct_homepage_panels")
def add_scheduled_jobs_panel(request, panels):
    if request.user.is_superuser:
        panels.append(ScheduledJobsPanel())
