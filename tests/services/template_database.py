"""A migrated test database, built once and cloned for every pytest process.

Migrating the test database from scratch takes about 15 s on SQLite and 20 s on
PostgreSQL on a 2-core machine; with several pytest-xdist workers and several
passes that would be paid again and again. ``make test`` (tests/harness.py)
therefore builds one template per database backend and run, exactly as
pytest-django would create a test database (Django's ``create_test_db``: all
migrations, ``createcachetable``), and every pytest process copies it
(tests/conftest.py, ``django_db_setup``):

* SQLite: the template is a file, migrated in memory and then written out; each
  process copies it to its own test database file (integrity_site/settings/test.py
  names one per process, so that threads and other processes can share it), or,
  when the settings ask for an in-memory test database, loads it into that with
  SQLite's backup API.
* PostgreSQL: the template is a database on the server; each process gets
  ``CREATE DATABASE <template>_<worker> TEMPLATE <template>`` (Django's
  ``clone_test_db``), which is dropped again when the process ends.

The template is built afresh for every run, never kept between runs: data
migrations use the application code of the day, so a cached copy could hide a
change that a fresh migration would catch.

``python -m tests.services.template_database build TEMPLATE`` builds it and
``... drop TEMPLATE`` removes it, with the database the settings name
(DATABASE_URL): TEMPLATE is a file path on SQLite, a database name on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

# Read by tests/conftest.py: the template this pytest process clones its test database from.
ENVIRONMENT_VARIABLE = "TEST_DATABASE_TEMPLATE"


def _connection():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrity_site.settings.test")
    django.setup()
    from django.db import connection

    return connection


def build(template: str) -> None:
    connection = _connection()
    from django.test.utils import setup_test_environment

    setup_test_environment(debug=False)  # as pytest-django's django_test_environment does
    creation = connection.creation
    if connection.vendor == "sqlite":
        target = Path(template)
        target.parent.mkdir(parents=True, exist_ok=True)
        connection.settings_dict["TEST"]["NAME"] = None  # migrated in memory (quicker), written out below
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        # Written under a temporary name and renamed: a reader never sees half a file.
        handle, partial = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
        os.close(handle)
        try:
            copy = sqlite3.connect(partial)
            with copy:
                connection.connection.backup(copy)
            copy.close()
            os.replace(partial, target)
        finally:
            Path(partial).unlink(missing_ok=True)
    elif connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = template
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        connection.close()  # CREATE DATABASE ... TEMPLATE needs it unused
    else:
        raise SystemExit(f"No template database for {connection.vendor} (only SQLite and PostgreSQL).")


def drop(template: str) -> None:
    connection = _connection()
    if connection.vendor == "sqlite":
        Path(template).unlink(missing_ok=True)
    elif connection.vendor == "postgresql":
        with connection.creation._nodb_cursor() as cursor:  # as Django's _destroy_test_db, if it is there
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")


def clone(connection, template: str, worker: str) -> str:
    """Give ``connection`` a test database copied from ``template``; returns its name.

    ``connection.settings_dict`` is updated in place (it is the dict in
    settings.DATABASES), so threads opened later, such as the live server's,
    connect to the copy too."""
    from django.conf import settings

    creation = connection.creation
    alias = connection.alias
    if connection.vendor == "sqlite":
        if not Path(template).is_file():
            raise RuntimeError(
                f"The template test database {template} ({ENVIRONMENT_VARIABLE}) does not exist."
            )
        test_name = connection.settings_dict["TEST"].get("NAME")
        if test_name and not creation.is_in_memory_db(test_name):
            # A test database file (integrity_site/settings/test.py): a copy of the template.
            connection.close()
            for leftover in (test_name, f"{test_name}-wal", f"{test_name}-shm"):
                Path(leftover).unlink(missing_ok=True)
            shutil.copyfile(template, test_name)
            settings.DATABASES[alias]["NAME"] = test_name
            connection.settings_dict["NAME"] = test_name
            connection.ensure_connection()
            return test_name
        connection.settings_dict["TEST"]["NAME"] = None
        name = creation._get_test_db_name()  # Django's in-memory test database
        connection.close()
        settings.DATABASES[alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.ensure_connection()  # an in-memory database lives as long as this connection
        source = sqlite3.connect(f"{Path(template).resolve().as_uri()}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return name
    if connection.vendor == "postgresql":
        # What Django's clone_test_db does, but failing with the server's reason, not sys.exit(2).
        name = f"{template}_{worker}"
        quote = connection.ops.quote_name
        connection.close()
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} WITH TEMPLATE {quote(template)}")
        settings.DATABASES[alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.ensure_connection()
        return name
    raise RuntimeError(f"{ENVIRONMENT_VARIABLE} is set, but there is no template for {connection.vendor}.")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] not in ("build", "drop"):
        print(f"usage: python -m tests.services.template_database build|drop TEMPLATE\n\n{__doc__}")
        return 0 if args and args[0] in ("-h", "--help") else 2
    command, template = args
    (build if command == "build" else drop)(template)
    return 0


if __name__ == "__main__":
    sys.exit(main())
