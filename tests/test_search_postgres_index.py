"""On PostgreSQL the site's search is answered from a GIN index over the title and body of
its index entries together (modelsearch's own match, ``title || body @@ query``, builds a
vector per row that no index serves), and ranks a window of the matches, not all of them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.models import Page

from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_on_postgresql_a_search_matches_from_the_gin_index_of_title_and_body_together(
    home_page, search_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page, title="诚信动态")
        for number in range(60):
            factories.ArticlePageFactory(
                parent=news, title=f"社区新闻第{number}期", lead="志愿者开展诚信宣传"
            )
        factories.ArticlePageFactory(parent=news, slug="block", title="宽厚里成为首个信用示范街区")
        factories.ArticlePageFactory(parent=news, slug="mention", title="社区活动", lead="走进宽厚里")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE wagtailsearch_indexentry")
        # The matching function's own settings, as PostgreSQL runs its body with them.
        cursor.execute("SELECT proconfig FROM pg_proc WHERE proname = 'search_matching_ids'")
        (settings,) = cursor.fetchone()
        for setting in settings:
            name, value = setting.split("=")
            cursor.execute(f"SET LOCAL {name} = {value}")
        cursor.execute(
            "EXPLAIN SELECT object_id FROM wagtailsearch_indexentry WHERE content_type_id = ANY (%s) "
            "AND search_entry_document(title, body) @@ to_tsquery('宽厚 & 厚里')",
            [list(get_descendants_content_types_pks(Page))],
        )
        plan = "\n".join(row for (row,) in cursor.fetchall())
        for setting in settings:
            cursor.execute(f"RESET {setting.split('=')[0]}")

    # 62 entries would be read whole by any other plan: every one decompressed twice.
    assert "Bitmap Index Scan on search_entry_document_gin" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert [page.slug for page in Page.objects.live().search("宽厚里", operator="and")] == [
        "block",
        "mention",
    ]


def test_on_postgresql_a_common_word_ranks_the_newest_matches_and_keeps_titled_pages_first(
    home_page, search_backend, django_capture_on_commit_callbacks, monkeypatch
):
    from search.backends.database.postgres import PostgresSearchQueryCompiler

    date = datetime.date(2026, 6, 1)
    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page, title="诚信动态")
        for slug, title, text in [
            ("titled", "宽厚里成为首个信用示范街区", "街区商户作出诚信经营承诺。"),
            ("dense", "社区活动通知", "宽厚里街区。宽厚里商户。宽厚里居民。宽厚里的诚信经营。"),
            ("plain-a", "志愿者走进社区", "志愿者来到宽厚里。"),
            ("plain-b", "商户公开承诺", "宽厚里的商户，宽厚里的居民。"),
            ("plain-c", "诚信宣传月", "宣传走进宽厚里。"),
        ]:
            factories.ArticlePageFactory(
                parent=news, slug=slug, title=title, lead="", body=factories.body(text), date=date
            )

    def ranked():
        return [page.slug for page in Page.objects.live().search("宽厚里", operator="and")]

    assert ranked() == ["titled", "dense", "plain-b", "plain-c", "plain-a"]
    # Past the window the older matches follow unranked, newest first; the titled page,
    # the oldest, still comes first.
    monkeypatch.setattr(PostgresSearchQueryCompiler, "RANK_WINDOW", 2)
    assert ranked() == ["titled", "plain-b", "plain-c", "plain-a", "dense"]


def test_on_postgresql_every_page_of_results_follows_one_order_past_the_window(
    home_page, search_backend, django_capture_on_commit_callbacks, monkeypatch
):
    from search.backends.database.postgres import PostgresSearchQueryCompiler

    date = datetime.date(2026, 6, 1)
    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page, title="诚信动态")
        for number in (1, 2, 3):
            for slug, title in (
                (f"titled-{number}", "宽厚里诚信街区"),
                (f"mention-{number}", "社区诚信活动"),
            ):
                factories.ArticlePageFactory(
                    parent=news,
                    slug=slug,
                    title=title,
                    lead="",
                    body=factories.body("宽厚里的商户。"),
                    date=date,
                )
    # Equal matches come newest first: titled ones, then the others.
    expected = ["titled-3", "titled-2", "titled-1", "mention-3", "mention-2", "mention-1"]

    # A window of 2 holds two of the three titled pages: the third follows them unranked.
    for window in (200, 2):
        monkeypatch.setattr(PostgresSearchQueryCompiler, "RANK_WINDOW", window)
        for start in range(7):
            for stop in [*range(start, 7), None]:
                results = Page.objects.live().search("宽厚里", operator="and")
                # Counted before the page is read (the match alone) and after (with the window).
                assert results[start:stop].count() == len(expected[start:stop]), (window, start, stop)
                results = results[start:stop]
                assert [page.slug for page in results] == expected[start:stop], (window, start, stop)
                assert results[0:].count() == len(expected[start:stop]), (window, start, stop)
                # The search page reads a page of results, then counts them all.
                every = Page.objects.live().search("宽厚里", operator="and")
                list(every[start:stop])
                assert every.count() == 6, (window, start, stop)
        assert Page.objects.live().search("宽厚里", operator="and").count() == 6


def test_on_postgresql_pages_of_any_kind_are_matched_by_their_integer_keys(
    home_page, search_backend, django_capture_on_commit_callbacks
):
    from django.contrib.sessions.models import Session

    from home.models import ArticlePage
    from search.backends.database.postgres import has_integer_keys

    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page, title="诚信动态")
        factories.ArticlePageFactory(parent=news, slug="block", title="宽厚里成为首个信用示范街区")
    # A page subclass's key is its link to the page, an integer; a session's is text.
    assert has_integer_keys(ArticlePage) and has_integer_keys(Page)
    assert not has_integer_keys(Session)
    for model in (Page, ArticlePage):
        with CaptureQueriesContext(connection) as queries:
            assert [page.slug for page in model.objects.live().search("宽厚里", operator="and")] == ["block"]
        assert any("search_matching_ids(" in query["sql"] for query in queries), model


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_update_index_leaves_the_entries_vacuumed_for_the_searches_that_follow(
    home_page, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page, title="诚信动态")
        for number in range(5):
            factories.ArticlePageFactory(parent=news, slug=f"news-{number}", title=f"宽厚里新闻第{number}期")

    def vacuums():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'wagtailsearch_indexentry'"
            )
            return cursor.fetchone()[0]

    before = vacuums()
    # The rebuild rewrites every entry; the vacuum at its end clears the old versions.
    call_command("update_index", verbosity=0)
    assert vacuums() == before + 1
    assert Page.objects.live().search("宽厚里", operator="and").count() == 5


def test_on_postgresql_update_index_inside_a_transaction_leaves_the_vacuum_to_autovacuum(
    home_page, search_backend, django_capture_on_commit_callbacks, caplog
):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        news = factories.ArticleIndexPageFactory(parent=home_page, title="诚信动态")
        factories.ArticlePageFactory(parent=news, slug="block", title="宽厚里成为首个信用示范街区")
    # VACUUM inside the test's transaction would abort it, and every query after it.
    call_command("update_index", verbosity=0)
    assert [page.slug for page in Page.objects.live().search("宽厚里", operator="and")] == ["block"]
    assert "VACUUM" not in caplog.text
