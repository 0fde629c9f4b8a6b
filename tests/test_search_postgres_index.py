"""On PostgreSQL the site's search is answered from the GIN indexes that modelsearch keeps
on the ``title`` and ``body`` vectors of its index entries (modelsearch's own match,
``title || body @@ query``, builds a vector per row that no index serves)."""

import pytest
from django.db import connection
from wagtail.models import Page

from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_on_postgresql_a_search_is_served_by_the_gin_indexes_of_title_and_body(
    home_page, search_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page, title="诚信动态")
        for number in range(60):
            factories.ArticlePageFactory(
                parent=news, title=f"社区新闻第{number}期", lead="志愿者开展诚信宣传"
            )
        factories.ArticlePageFactory(parent=news, slug="block", title="宽厚里成为首个信用示范街区")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'wagtailsearch_indexentry' "
            "AND (indexdef LIKE '%USING gin (title)' OR indexdef LIKE '%USING gin (body)')"
        )
        gin_indexes = [name for (name,) in cursor.fetchall()]
        # Small tables would be scanned whole, walked page by page or narrowed by content type
        # (whichever the planner finds cheapest for 62 rows): ask whether the GIN indexes can
        # serve the match, with the other indexes of the table gone for this test's transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred checks run before the DDL
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'wagtailsearch_indexentry'::regclass "
            "AND contype IN ('u', 'x')"
        )
        for (constraint,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE wagtailsearch_indexentry DROP CONSTRAINT "{constraint}"')
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'wagtailsearch_indexentry' "
            "AND indexdef NOT LIKE '%USING gin%' AND indexname NOT LIKE '%_pkey'"
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute("ANALYZE")
        for plan in ("seqscan", "indexscan", "indexonlyscan", "nestloop"):
            cursor.execute(f"SET LOCAL enable_{plan} = off")
    results = Page.objects.live().search("宽厚里")
    plan = results.query_compiler.search(results.query_compiler.get_config(results.backend), 0, 10).explain()

    assert len(gin_indexes) == 2
    assert all(f"Bitmap Index Scan on {name}" in plan for name in gin_indexes), plan
    assert [page.slug for page in results] == ["block"]
