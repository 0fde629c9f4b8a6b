"""The scheduler: each tick runs every job whose current period has no run yet.

The claim is a row: inserting (job, period) into JobRun succeeds for one scheduler only (a unique
constraint, on SQLite and PostgreSQL alike), so any number of schedulers on any number of machines
run each job once per period. Jobs run in their own threads, so that a long daily job does not hold
up the minute's scheduled publishing; a job still running in this process is not started again.
"""

import dataclasses
import datetime
import logging
import os
import socket
import threading
import traceback

from django.db import DatabaseError, IntegrityError, connections, transaction
from django.utils import timezone

from integrity_site.scheduler.jobs import configured_jobs
from integrity_site.scheduler.models import JobRun

logger = logging.getLogger(__name__)

OUTPUT_LIMIT = 4000  # characters of a job's output kept with its run (the end, where errors are)


def runner_name():
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclasses.dataclass
class TickResult:
    job: str
    period_start: datetime.datetime
    # "ran" (in this process; see status), "done" (this period already has its run),
    # "still running" (the previous run in this process has not finished), "busy" (the database
    # refused the claim for now; the next tick tries again)
    outcome: str
    status: str = ""


class Scheduler:
    def __init__(self, jobs=None, clock=timezone.now, threads=True):
        self.jobs = configured_jobs() if jobs is None else jobs
        self.clock = clock
        self.threads = threads
        self.name = runner_name()
        self.running = {}  # job name -> (thread, JobRun) of the runs in progress in this process

    def tick(self, now=None, wait=False):
        """Claim and start every due job; with ``wait``, return once they have finished."""
        now = now or self.clock()
        results, started = [], []
        for job in self.jobs:
            start = job.period_start(now)
            result = TickResult(job.name, start, "done")
            results.append(result)
            current = self.running.get(job.name)
            if current and current[0].is_alive():
                result.outcome = "still running"
                continue
            try:
                run = self.claim(job, start, now)
            except DatabaseError as error:  # e.g. SQLite busy beyond its timeout
                logger.warning("scheduler: could not claim %s for %s: %s", job.name, start, error)
                result.outcome = "busy"
                continue
            if run is None:
                continue
            result.outcome = "ran"
            if self.threads:
                thread = threading.Thread(
                    target=self.execute_in_thread,
                    args=(job, run, result),
                    name=f"job {job.name}",
                    daemon=True,
                )
                self.running[job.name] = (thread, run)
                thread.start()
                started.append(thread)
            else:
                self.execute(job, run, result)
        if wait:
            for thread in started:
                thread.join()
        return results

    def claim(self, job, start, now):
        """The new run of ``job`` for the period starting at ``start``, or None when another
        scheduler (or an earlier tick) has it."""
        if JobRun.objects.filter(job=job.name, period_start=start).exists():
            return None
        try:
            with transaction.atomic():
                return JobRun.objects.create(
                    job=job.name, period_start=start, started_at=now, runner=self.name
                )
        except IntegrityError:
            return None

    def execute(self, job, run, result=None):
        logger.info("scheduler: %s (%s) started", job.name, run.period_start)
        status = JobRun.Status.SUCCEEDED
        try:
            output = job.run()
        except (Exception, SystemExit):
            status, output = JobRun.Status.FAILED, traceback.format_exc()
            logger.error("scheduler: %s failed:\n%s", job.name, output)
        finished = self.clock()
        JobRun.objects.filter(pk=run.pk).update(
            status=status, finished_at=finished, output=output[-OUTPUT_LIMIT:]
        )
        if result is not None:
            result.status = status
        logger.info(
            "scheduler: %s %s in %.1f s", job.name, status, (finished - run.started_at).total_seconds()
        )

    def execute_in_thread(self, job, run, result):
        try:
            self.execute(job, run, result)
        finally:
            connections.close_all()  # this thread's connections

    def run_forever(self, stop):
        """Tick at the start of every minute until the ``stop`` event is set."""
        logger.info(
            "scheduler %s: %d jobs: %s", self.name, len(self.jobs), ", ".join(j.name for j in self.jobs)
        )
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                logger.exception("scheduler: tick failed")
            finally:
                connections.close_all()
            now = timezone.now()
            # A second past the next minute: schedulers on several machines tick together.
            stop.wait(61 - now.second - now.microsecond / 1e6)

    def shut_down(self, grace=30):
        """Wait up to ``grace`` seconds for running jobs; record those still running as failed."""
        deadline = timezone.now() + datetime.timedelta(seconds=grace)
        for thread, run in list(self.running.values()):
            thread.join(max(0, (deadline - timezone.now()).total_seconds()))
            if thread.is_alive():
                JobRun.objects.filter(pk=run.pk, status=JobRun.Status.RUNNING).update(
                    status=JobRun.Status.FAILED,
                    finished_at=self.clock(),
                    output="Interrupted: the scheduler stopped while the job was running.",
                )
