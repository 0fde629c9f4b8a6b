"""A pg_trgm GIN index on the party's name, on PostgreSQL only.

The public name search is a substring match, ``subject_name LIKE '%…%'`` (``subject_name__contains``
in ``publicity.queries.search_terms``), which the btree on (subject_name, kind) cannot serve: without
this index every name search reads the whole table. The index serves ``LIKE`` (and ``ILIKE``) for
terms of three or more characters; one- and two-character terms yield no trigram, and PostgreSQL
then plans a sequential scan as before. Results never change: the index only narrows the rows that
``LIKE`` itself then checks.

Chinese text yields trigrams only when the database's LC_CTYPE is a UTF-8 locale (C.UTF-8,
zh_CN.UTF-8, …); under ``LC_CTYPE=C`` pg_trgm skips every non-ASCII character, and the index then
serves Latin letters and digits only (a warning is printed). SQLite has no such index: nothing is
done there.
"""

import sys

from django.db import migrations

INDEX = "publicity_record_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("publicity", "PublicityRecord")._meta.db_table)
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (subject_name gin_trgm_ops)")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm('济南'), current_setting('lc_ctype')")
        trigrams, ctype = cursor.fetchone()
    if not trigrams:
        print(f"\n  Warning: LC_CTYPE is {ctype}: pg_trgm finds no trigrams in Chinese text, so {INDEX} "
              "cannot speed up searches for Chinese names (a UTF-8 LC_CTYPE such as C.UTF-8 would).",
              file=sys.stderr)


def drop_index(apps, schema_editor):
    # The extension stays: other objects may use it, and it costs nothing unused.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("publicity", "0003_publicity_editor_permissions")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
