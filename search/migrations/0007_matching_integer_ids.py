"""On PostgreSQL, the two matching functions of migration 0006 again, answering with object
ids as integers: search_matching_ids and search_titled_ids take the place of
search_matching_objects and search_titled_objects.

modelsearch stores an entry's object id as text. Matched as text, every page's key was cast
and hashed as text, for each of a common word's 9,000 matches at 10,000 pages. Cast once
in the function, the pages are matched by their own integer keys. Every model the site
indexes has integer keys; search.backends.database.postgres leaves any other to
modelsearch's own match.

The text functions stay: the release before this one calls them, and goes on serving
while an upgrade migrates (docs/deployment.md). A later migration drops them."""

from importlib import import_module

from django.db import migrations

previous = import_module("search.migrations.0006_entry_document_index")

# Entries of the given content types matching the query, by object id: from the GIN
# index of the whole document, or of the title alone.
MATCHING = """
CREATE OR REPLACE FUNCTION search_matching_ids(query tsquery, content_types integer[])
RETURNS SETOF bigint LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000
SET enable_seqscan = off SET enable_indexscan = off
AS $$ SELECT object_id::bigint FROM wagtailsearch_indexentry
      WHERE content_type_id = ANY (content_types) AND search_entry_document(title, body) @@ query $$
"""
TITLED = """
CREATE OR REPLACE FUNCTION search_titled_ids(query tsquery, content_types integer[])
RETURNS SETOF bigint LANGUAGE sql STABLE PARALLEL SAFE ROWS 100
SET enable_seqscan = off SET enable_indexscan = off
AS $$ SELECT object_id::bigint FROM wagtailsearch_indexentry
      WHERE content_type_id = ANY (content_types) AND title @@ query $$
"""
DROP_IDS = [
    "DROP FUNCTION IF EXISTS search_matching_ids(tsquery, integer[])",
    "DROP FUNCTION IF EXISTS search_titled_ids(tsquery, integer[])",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0006_entry_document_index")]

    operations = [
        migrations.RunPython(previous.on_postgresql(MATCHING, TITLED), previous.on_postgresql(*DROP_IDS))
    ]
