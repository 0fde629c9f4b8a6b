"""A database too busy to answer now: how to recognise it, and trying again after a pause.

Writers wait for each other (SQLite's busy timeout, PostgreSQL's row locks), so this is rare; it
is what is left when a wait runs out, when PostgreSQL breaks a deadlock or a serialisation
conflict, or when it refuses new connections for a moment. Such an error says nothing about the
request itself: the same work succeeds a little later. Every other database error is a real one.
"""

import logging
import sqlite3
import time

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

# SQLite's words for SQLITE_BUSY and SQLITE_LOCKED, as its Python driver reports them.
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available, too_many_connections,
# cannot_connect_now (starting up or shutting down).
POSTGRESQL_BUSY_STATES = frozenset({"40001", "40P01", "55P03", "53300", "57P03"})


def is_database_busy(error):
    """Whether ``error`` (any exception: Django's database errors or the driver's own) means
    "the database is busy, try again shortly"."""
    if not isinstance(error, DatabaseError | sqlite3.Error) and not hasattr(error, "sqlstate"):
        return False
    for candidate in (error, error.__cause__):
        if getattr(candidate, "sqlstate", None) in POSTGRESQL_BUSY_STATES:
            return True
    message = str(error).lower()
    return any(words in message for words in SQLITE_BUSY_MESSAGES)


def in_transaction(using=None):
    if using is not None:
        return connections[using].in_atomic_block
    return any(connection.in_atomic_block for connection in connections.all(initialized_only=True))


def busy_attempts():
    return getattr(settings, "DATABASE_BUSY_ATTEMPTS", 5)


def retry_when_busy(work, *, attempts=None, first_delay=0.5, max_delay=8.0, what="", sleep=time.sleep):
    """``work()``, tried again with a growing pause (0.5, 1, 2, 4 s) while the database is busy,
    ``attempts`` times in all (default: settings.DATABASE_BUSY_ATTEMPTS, 5).

    Only where ``work`` is a whole transaction of its own: inside an enclosing transaction a
    failed statement has spoilt (or, on SQLite, already rolled back) everything before it, so the
    error is raised at once for the enclosing code to handle."""
    attempts = attempts or busy_attempts()
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DatabaseError as error:
            if attempt == attempts or not is_database_busy(error) or in_transaction():
                raise
            logger.warning(
                "The database is busy (%s)%s; trying again in %.1f s (attempt %d of %d)",
                error,
                f" during the {what}" if what else "",
                delay,
                attempt + 1,
                attempts,
            )
        sleep(delay)
        delay = min(delay * 2, max_delay)
