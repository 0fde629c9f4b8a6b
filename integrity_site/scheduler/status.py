"""How each scheduled job last ended, for the admin dashboard."""

import dataclasses

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integrity_site.scheduler.jobs import Job, configured_jobs
from integrity_site.scheduler.models import JobRun


@dataclasses.dataclass
class JobStatus:
    job: Job
    last: JobRun | None
    warning: bool
    message: str

    @property
    def summary(self):
        """The last line the job printed, if any."""
        if self.last is None:
            return ""
        lines = [line for line in self.last.output.strip().splitlines() if line.strip()]
        return lines[-1][:200] if lines else ""


PERIOD_LABELS = {"minute": _("every minute"), "hourly": _("hourly"), "daily": _("daily")}


def job_statuses(now=None, jobs=None):
    """One JobStatus per job. A job is a warning when its last run failed, or when neither the
    current period nor the one before has a run (it has not run for two periods)."""
    now = now or timezone.now()
    statuses = []
    for job in configured_jobs() if jobs is None else jobs:
        last = JobRun.objects.filter(job=job.name).order_by("-period_start").first()
        previous_period = job.period_start(now) - job.length
        if last is None:
            statuses.append(JobStatus(job, None, True, str(_("Has not run yet: is the scheduler running?"))))
        elif last.period_start < previous_period:
            statuses.append(JobStatus(job, last, True, str(_("Late: no run for two periods or more."))))
        elif last.status == JobRun.Status.FAILED:
            statuses.append(JobStatus(job, last, True, str(_("The last run failed."))))
        elif last.status == JobRun.Status.RUNNING:
            statuses.append(JobStatus(job, last, False, str(_("Running."))))
        else:
            statuses.append(JobStatus(job, last, False, str(_("Succeeded."))))
    return statuses
