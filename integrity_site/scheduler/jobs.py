"""The scheduled jobs and their periods.

A job is a management command named in ``settings.SCHEDULED_JOBS`` or a callable that an app
registers through the ``register_scheduled_jobs`` Wagtail hook (the hook function returns a list
of ``Job``). Each period ("minute", "hourly", "daily") starts at a fixed point of local time
(``at``: the minute past the hour, or "HH:MM" of the day); a job runs once in each period, at the
first scheduler tick after the period started.
"""

import dataclasses
import datetime
import io
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone
from wagtail import hooks

from integrity_site.scheduler.models import JobRun

REGISTER_HOOK = "register_scheduled_jobs"

PERIODS = {
    "minute": datetime.timedelta(minutes=1),
    "hourly": datetime.timedelta(hours=1),
    "daily": datetime.timedelta(days=1),
}


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    period: str
    at: int | str | None = None
    command: str | None = None
    function: Callable | None = None
    args: tuple = ()

    def __post_init__(self):
        if self.period not in PERIODS:
            raise ValueError(
                f"{self.name}: the period must be one of {', '.join(PERIODS)}, not {self.period!r}"
            )
        if (self.command is None) == (self.function is None):
            raise ValueError(f"{self.name}: give a management command or a function")
        self.period_start(timezone.now())  # a wrong "at" fails at start-up, not at run time

    @property
    def length(self):
        return PERIODS[self.period]

    def period_start(self, now):
        """The start of the period that ``now`` falls in (an aware datetime in local time)."""
        local = timezone.localtime(now).replace(second=0, microsecond=0)
        if self.period == "minute":
            return local
        if self.period == "hourly":
            start = local.replace(minute=int(self.at or 0))
        else:
            hour, minute = (int(part) for part in str(self.at or "00:00").split(":"))
            start = local.replace(hour=hour, minute=minute)
        while start > local:
            start -= self.length
        return start

    def run(self):
        """Run the job; returns what it printed. Raises what the job raises."""
        if self.function is not None:
            result = self.function(*self.args)
            return "" if result is None else str(result)
        output = io.StringIO()
        call_command(self.command, *self.args, stdout=output, stderr=output)
        return output.getvalue()


def pruning_job():
    return Job(name="scheduler.prune_runs", period="daily", at="00:50", function=prune_runs)


def configured_jobs():
    """Every job: the scheduler's own, those named in settings, then those apps register."""
    jobs = [pruning_job()]
    for command, period, options in getattr(settings, "SCHEDULED_JOBS", []):
        options = dict(options)
        jobs.append(
            Job(
                name=options.pop("name", command),
                period=period,
                at=options.pop("at", None),
                command=command,
                args=tuple(options.pop("args", ())),
            )
        )
        if options:
            raise ValueError(f"SCHEDULED_JOBS: unknown options for {command}: {', '.join(options)}")
    for register in hooks.get_hooks(REGISTER_HOOK):
        jobs.extend(register())
    names = [job.name for job in jobs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"Scheduled jobs named twice: {', '.join(duplicates)}")
    return jobs


def prune_runs(now=None):
    """Delete runs older than ``SCHEDULER_KEEP_DAYS`` (14), keeping each job's latest."""
    days = getattr(settings, "SCHEDULER_KEEP_DAYS", 14)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    latest = JobRun.objects.values("job").annotate(latest=Max("period_start"))
    keep = [
        pk
        for row in latest
        for pk in JobRun.objects.filter(job=row["job"], period_start=row["latest"]).values_list(
            "pk", flat=True
        )
    ]
    deleted, _ = JobRun.objects.filter(period_start__lt=cutoff).exclude(pk__in=keep).delete()
    return f"{deleted} runs older than {days} days deleted"
