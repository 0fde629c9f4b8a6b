"""Scheduled jobs without cron: each job runs once per period however many schedulers tick, the
minute job publishes scheduled pages, and the dashboard shows failed and late jobs.

The scheduler's tick is driven directly with a fake clock; two real scheduler processes at once
are in test_production_stack."""

import datetime

import pytest
from django.utils import timezone, translation
from wagtail.models import Page

from integrity_site.scheduler import jobs as scheduled_jobs
from integrity_site.scheduler.jobs import Job, configured_jobs
from integrity_site.scheduler.models import JobRun
from integrity_site.scheduler.runner import Scheduler
from integrity_site.scheduler.status import job_statuses
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


class FakeClock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """A clock the scheduler and Django (timezone.now, as the jobs see it) share."""
    clock = FakeClock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def at(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_periods_start_at_their_minute_hour_or_time_of_day_in_local_time():
    minute = Job("m", "minute", command="check")
    hourly = Job("h", "hourly", at=5, command="check")
    daily = Job("d", "daily", at="03:30", command="check")

    assert minute.period_start(at("2030-01-01T10:07:59")) == at("2030-01-01T10:07:00")
    assert hourly.period_start(at("2030-01-01T10:07:00")) == at("2030-01-01T10:05:00")
    assert hourly.period_start(at("2030-01-01T10:04:00")) == at("2030-01-01T09:05:00")
    assert daily.period_start(at("2030-01-01T03:30:00")) == at("2030-01-01T03:30:00")
    assert daily.period_start(at("2030-01-01T03:29:00")) == at("2029-12-31T03:30:00")
    # The same moment given in UTC falls in the same local period.
    assert daily.period_start(at("2030-01-01T04:00:00").astimezone(datetime.UTC)) == at("2030-01-01T03:30:00")


def test_the_settings_name_the_jobs_the_readme_lists_and_a_wrong_one_is_refused(settings):
    names = {job.name: job.period for job in configured_jobs()}
    assert names["publish_scheduled"] == "minute"
    assert names["purge_unconfirmed_pledges"] == "hourly"
    for daily in (
        "expire_pledges",
        "purge_registrations",
        "purge_publicity_uploads",
        "cross_check_publicity",
    ):
        assert names[daily] == "daily"

    settings.SCHEDULED_JOBS = [("publish_scheduled", "weekly", {})]
    with pytest.raises(ValueError, match="minute, hourly, daily"):
        configured_jobs()


def test_the_minute_job_publishes_a_page_scheduled_a_minute_ahead(home_page, clock):
    index = factories.ArticleIndexPageFactory(parent=home_page)
    page = factories.ArticlePageFactory(
        parent=index, title="定时发布的动态", go_live_at=clock.now + datetime.timedelta(minutes=1)
    )
    page.refresh_from_db()
    assert not page.live and page.approved_schedule  # scheduled, not yet published
    scheduler = Scheduler(
        jobs=[Job("publish_scheduled", "minute", command="publish_scheduled")], clock=clock, threads=False
    )

    [result] = scheduler.tick()
    assert (result.outcome, result.status) == ("ran", JobRun.Status.SUCCEEDED)
    assert not Page.objects.get(pk=page.pk).live

    clock.advance(seconds=61)
    [result] = scheduler.tick()

    assert result.outcome == "ran"
    assert Page.objects.get(pk=page.pk).live
    assert JobRun.objects.filter(job="publish_scheduled", status=JobRun.Status.SUCCEEDED).count() == 2


def test_a_job_runs_once_per_period_however_many_schedulers_tick(clock):
    clock.now = at("2026-12-02T10:20:00")  # the minute below stays within the hour
    calls = []
    job = Job("count", "hourly", at=0, function=lambda: calls.append(clock.now))
    first, second = (Scheduler(jobs=[job], clock=clock, threads=False) for _ in range(2))

    outcomes = [first.tick()[0].outcome, second.tick()[0].outcome]
    clock.advance(minutes=1)
    outcomes.append(first.tick()[0].outcome)
    assert outcomes == ["ran", "done", "done"]
    assert len(calls) == 1

    clock.advance(hours=1)
    assert [second.tick()[0].outcome, first.tick()[0].outcome] == ["ran", "done"]
    assert len(calls) == 2
    assert JobRun.objects.filter(job="count").count() == 2


def test_a_failing_job_is_recorded_with_its_error_and_shown_as_a_warning(clock):
    def broken():
        raise RuntimeError("the feed server did not answer")

    jobs = [
        Job("broken", "daily", at="00:00", function=broken),
        Job("fine", "daily", at="00:00", function=lambda: "ok"),
    ]
    results = Scheduler(jobs=jobs, clock=clock, threads=False).tick()

    assert [result.status for result in results] == [JobRun.Status.FAILED, JobRun.Status.SUCCEEDED]
    run = JobRun.objects.get(job="broken")
    assert "the feed server did not answer" in run.output and run.finished_at == clock.now
    statuses = {status.job.name: status for status in job_statuses(jobs=jobs)}
    assert statuses["broken"].warning and not statuses["fine"].warning
    assert statuses["fine"].summary == "ok"


def test_a_job_that_has_not_run_for_two_periods_is_late(clock):
    job = Job("minutely", "minute", function=lambda: None)
    Scheduler(jobs=[job], clock=clock, threads=False).tick()

    clock.advance(minutes=1)
    assert not job_statuses(jobs=[job])[0].warning  # the previous period ran
    clock.advance(minutes=1)
    with translation.override("en"):
        [status] = job_statuses(jobs=[job])
    assert status.warning and "two periods" in status.message
    assert job_statuses(jobs=[Job("never", "daily", function=lambda: None)])[0].warning


def test_apps_register_jobs_through_a_wagtail_hook(clock):
    from wagtail import hooks

    ran = []
    with hooks.register_temporarily(
        scheduled_jobs.REGISTER_HOOK, lambda: [Job("app.job", "hourly", function=lambda: ran.append(1))]
    ):
        scheduler = Scheduler(clock=clock, threads=False)
        assert "app.job" in [job.name for job in scheduler.jobs]
        scheduler.jobs = [job for job in scheduler.jobs if job.name == "app.job"]
        scheduler.tick()
    assert ran == [1]


def test_old_runs_are_pruned_but_each_jobs_latest_is_kept(clock):
    job = Job("minutely", "minute", function=lambda: None)
    scheduler = Scheduler(jobs=[job], clock=clock, threads=False)
    for _ in range(3):
        scheduler.tick()
        clock.advance(minutes=1)
    clock.advance(days=30)

    assert scheduled_jobs.prune_runs() == "2 runs older than 14 days deleted"
    assert JobRun.objects.filter(job="minutely").count() == 1


def test_the_dashboard_shows_each_jobs_last_run_to_administrators(client, admin_user, clock):
    Scheduler(
        jobs=[Job("publish_scheduled", "minute", command="publish_scheduled")], clock=clock, threads=False
    ).tick()
    client.force_login(admin_user)

    html = client.get("/admin/").content.decode()

    assert 'id="scheduled-jobs-heading"' in html
    assert "<code>publish_scheduled</code>" in html
    # The daily jobs have not run here: the dashboard says so.
    assert html.count('class="scheduled-job-warning"') == len(configured_jobs()) - 1
