"""`manage.py run_worker`: the background worker for the `background` task backend (feed
imports), as django-tasks-db's `db_worker` with the same options, but one that waits out a busy
database instead of dying (integrity_site.core.worker), and without a file-watching reloader
unless `--reload` asks for one (an idle worker then uses no CPU)."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from integrity_site.core.worker import ResilientWorker


class Command(db_worker.Command):
    help = (
        "Run the background worker (default backend: background). It survives a busy or "
        "unreachable database; stop it with Ctrl-C or SIGTERM (it finishes the current task first)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False, backend_name="background")

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        **options,
    ):
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
