"""Indexes that keep the public pages' cost bounded with millions of records.

- ``publicity_record_code`` gains the decision date: a credit profile pages each kind of a code's
  records, newest first, straight off it.
- ``publicity_record_newest`` (decision date, id, name, kind, end of publicity): a name search lists
  the newest matching records by walking it from its end, reading no table rows, until it has as
  many as it lists; the statistics count the months shown from it.
- On PostgreSQL only, a GIN index of every one- and two-character run ("gram") of the party's name,
  ``publicity_record_name_grams`` over ``publicity_name_grams(subject_name)``: pg_trgm finds no
  trigram in a term of one or two characters (a surname and given name, 王伟), which was then
  answered by reading the whole table. ``publicity.queries.name_gram_filter`` adds the matching
  ``@>`` condition for such terms; ``LIKE`` still decides, so results are the same as without it.
"""

from django.db import migrations, models

FUNCTION = "publicity_name_grams"
INDEX = "publicity_record_name_grams"


def create_name_grams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("publicity", "PublicityRecord")._meta.db_table)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}(name text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT coalesce(array_agg(DISTINCT substr(name, position, size)), '{{}}')
            FROM generate_series(1, char_length(name)) AS position, (VALUES (1), (2)) AS sizes(size)
            WHERE position + size - 1 <= char_length(name)
        $$
        """
    )
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin ({FUNCTION}(subject_name))")


def drop_name_grams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [("publicity", "0006_cross_check_acknowledgers")]

    operations = [
        migrations.RemoveIndex(model_name="publicityrecord", name="publicity_record_code"),
        migrations.AddIndex(
            model_name="publicityrecord",
            index=models.Index(fields=["credit_code", "kind", "decision_date"], name="publicity_record_code"),
        ),
        migrations.AddIndex(
            model_name="publicityrecord",
            index=models.Index(
                fields=["decision_date", "id", "subject_name", "kind", "publicity_until"],
                name="publicity_record_newest",
            ),
        ),
        migrations.RunPython(create_name_grams, drop_name_grams, elidable=False),
    ]
