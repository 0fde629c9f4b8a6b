from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a scheduled job for one period. The unique (job, period) pair is the claim: the
    scheduler that inserts the row runs the job, every other one sees the row and leaves it."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=100)
    period_start = models.DateTimeField(_("period"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Which scheduler ran it: host name and process id.
    runner = models.CharField(_("run by"), max_length=200, blank=True)
    output = models.TextField(_("output"), blank=True)

    class Meta:
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "period_start"], name="scheduler_one_run_per_period"),
        ]
        indexes = [models.Index(fields=["period_start"], name="scheduler_run_period")]

    def __str__(self):
        return f"{self.job} {self.period_start:%Y-%m-%d %H:%M} {self.status}"

    @property
    def duration(self):
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at
