"""Run the scheduled jobs (settings.SCHEDULED_JOBS and the `register_scheduled_jobs` hook), each
once per period however many schedulers run: start one or more beside the web servers."""

import datetime
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from integrity_site.scheduler.runner import Scheduler


class Command(BaseCommand):
    help = (
        "Run scheduled jobs (scheduled publishing every minute, the daily clean-ups) until stopped; "
        "each job runs once per period even when several schedulers run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one tick, wait for its jobs and exit.")
        parser.add_argument("--at", help="With --once: the tick's time (ISO 8601), instead of now.")
        parser.add_argument(
            "--list", action="store_true", dest="list_jobs", help="List the jobs and their periods."
        )

    def handle(self, *args, once=False, at=None, list_jobs=False, **options):
        scheduler = Scheduler(threads=not once)
        if list_jobs:
            for job in scheduler.jobs:
                self.stdout.write(f"{job.name}\t{job.period}\t{job.at or ''}")
            return
        if once:
            now = parse_moment(at) if at else timezone.now()
            for result in scheduler.tick(now, wait=True):
                line = f"{result.job}\t{result.period_start.isoformat()}\t{result.outcome}"
                self.stdout.write(line + (f"\t{result.status}" if result.status else ""))
            return
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
        scheduler.run_forever(stop)
        scheduler.shut_down()


def parse_moment(value):
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--at: not an ISO 8601 time: {value!r}") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
