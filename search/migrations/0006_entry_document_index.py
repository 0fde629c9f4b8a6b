"""On PostgreSQL, one GIN index over each search index entry's title and body together,
and the two functions the site's search matches with (search.backends.database.postgres).

Evaluating a text match on a row reads its vectors out of line and decompresses them; the
planner does not count that, so for a word that most pages hold it reads every row rather
than the index (half a second at 10,000 pages). The matching functions answer from the GIN
indexes only: a bitmap of the entries whose vectors hold every word, whose rows are then
visited without reading a vector. ``search_entry_document`` is PL/pgSQL so that it is
never inlined, and declared costly, as it is. The index is built concurrently, so that
publishing goes on during the migration."""

from django.db import migrations

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION search_entry_document(title tsvector, body tsvector)
RETURNS tsvector LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000
AS $$ BEGIN RETURN title || body; END $$
"""
# Entries of the given content types matching the query, by object id: from the
# GIN index of the whole document, or of the title alone.
MATCHING = """
CREATE OR REPLACE FUNCTION search_matching_objects(query tsquery, content_types integer[])
RETURNS SETOF text LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000
SET enable_seqscan = off SET enable_indexscan = off
AS $$ SELECT object_id FROM wagtailsearch_indexentry
      WHERE content_type_id = ANY (content_types) AND search_entry_document(title, body) @@ query $$
"""
TITLED = """
CREATE OR REPLACE FUNCTION search_titled_objects(query tsquery, content_types integer[])
RETURNS SETOF text LANGUAGE sql STABLE PARALLEL SAFE ROWS 100
SET enable_seqscan = off SET enable_indexscan = off
AS $$ SELECT object_id FROM wagtailsearch_indexentry
      WHERE content_type_id = ANY (content_types) AND title @@ query $$
"""
CREATE_INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_entry_document_gin "
    "ON wagtailsearch_indexentry USING gin (search_entry_document(title, body))"
)
DROP = [
    "DROP FUNCTION IF EXISTS search_matching_objects(tsquery, integer[])",
    "DROP FUNCTION IF EXISTS search_titled_objects(tsquery, integer[])",
    "DROP INDEX CONCURRENTLY IF EXISTS search_entry_document_gin",
    "DROP FUNCTION IF EXISTS search_entry_document(tsvector, tsvector)",
]


def on_postgresql(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("search", "0005_initial_synonyms"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(CREATE_FUNCTION, CREATE_INDEX, MATCHING, TITLED), on_postgresql(*DROP)),
    ]
