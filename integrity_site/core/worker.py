"""The background worker (`manage.py run_worker`): django-tasks-db's worker loop, made to outlive
a busy or unreachable database.

django-tasks-db claims each task in a transaction of its own (``BEGIN EXCLUSIVE`` on SQLite) and
lets a "database is locked" raised while that transaction begins, or any error of the database
outside the task itself, end the loop, and with it the worker. This worker starts the loop again
after a pause that doubles up to a limit (and starts from the shortest pause again once the loop
has run for a while), so that it waits the database out instead of dying. Any other error still
ends the process, for the process that started it (`make run`, systemd) to start it again.

Parts that need to tidy up after a worker that died (a feed import left running) register a
function under ``WORKER_STARTED_HOOK``; it is called when the worker starts and after each pause.
"""

import logging
import time

from django.db import DatabaseError, InterfaceError, connections
from django_tasks_db.management.commands.db_worker import Worker
from wagtail import hooks

logger = logging.getLogger(__name__)

WORKER_STARTED_HOOK = "background_worker_started"
FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 30.0
# A loop that ran this long before failing starts again after the shortest pause.
CALM_SECONDS = 60.0


def worker_started():
    """Call every WORKER_STARTED_HOOK function; a failing one is logged, never fatal."""
    for function in hooks.get_hooks(WORKER_STARTED_HOOK):
        try:
            function()
        except Exception:  # noqa: BLE001 - tidying up must not stop the worker
            logger.exception("%s failed when the worker started", function)


class ResilientWorker(Worker):
    sleep = staticmethod(time.sleep)

    def run(self):
        pause = FIRST_PAUSE_SECONDS
        worker_started()
        while True:
            started = time.monotonic()
            try:
                return super().run()
            except (DatabaseError, InterfaceError) as error:
                if not self.running:
                    return None
                if time.monotonic() - started >= CALM_SECONDS:
                    pause = FIRST_PAUSE_SECONDS
                logger.warning(
                    "The worker's loop stopped on a database error (%s); starting it again in %.0f s",
                    error,
                    pause,
                )
                # A connection left in a broken state is opened afresh.
                connections.close_all()
                self.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
                worker_started()
