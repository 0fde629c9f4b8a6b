import fcntl
import io
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from wagtail.models import Locale, Page, Site

from tests.services import template_database


def pytest_runtest_setup(item):
    """Tests that need a real server fail, loudly, when it is not configured:
    a missing server must never pass as a skipped test."""
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.fail(
            "This test needs PostgreSQL, but the database is "
            f"{connection.vendor}. Run `make test` (it starts one) or set DATABASE_URL.",
            pytrace=False,
        )
    if item.get_closest_marker("search_engine") and not settings.ELASTICSEARCH_URL:
        pytest.fail(
            "This test needs Elasticsearch or OpenSearch, but ELASTICSEARCH_URL is not set. "
            "Run `make test` (it starts one) or set ELASTICSEARCH_URL.",
            pytrace=False,
        )


if os.environ.get(template_database.ENVIRONMENT_VARIABLE):

    @pytest.fixture(scope="session")
    def django_db_setup(request, django_test_environment, django_db_blocker):
        """The test database, copied from the migrated template `make test` built for this run
        (tests/services/template_database.py) instead of migrated again in every process.
        Without the variable, pytest-django's own fixture migrates a fresh one as usual."""
        from django.conf import settings as django_settings
        from django.db import connections
        from pytest_django.fixtures import _get_databases_for_setup

        aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
        if set(aliases) - {"default"} or set(django_settings.DATABASES) - {"default"}:
            raise RuntimeError(f"{template_database.ENVIRONMENT_VARIABLE} serves the default database only.")
        if not aliases:
            yield
            return
        template = os.environ[template_database.ENVIRONMENT_VARIABLE]
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        connection = connections["default"]
        original_name = connection.settings_dict["NAME"]
        with django_db_blocker.unblock():
            template_database.clone(connection, template, worker)
            if "default" in serialized_aliases:
                # What setup_databases keeps for transactional tests with serialized_rollback.
                connection._test_serialized_contents = connection.creation.serialize_db_to_string()
        yield
        with django_db_blocker.unblock():
            try:
                connection.creation.destroy_test_db(original_name, verbosity=0)
            except Exception as error:  # as pytest-django's own fixture: a warning, not an error
                request.node.warn(
                    pytest.PytestWarning(f"Error when trying to drop the test database: {error!r}")
                )


@pytest.fixture(autouse=True)
def connection_bursts_take_turns(request):
    """The concurrency tests on PostgreSQL open up to 50 connections at once. Under pytest-xdist
    they take turns (a lock file), so that parallel processes never ask the server for more
    connections than a run in one process does."""
    marker = request.node.get_closest_marker("django_db")
    if not (
        os.environ.get("PYTEST_XDIST_WORKER")
        and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        and marker
        and marker.kwargs.get("transaction")
    ):
        yield
        return
    lock_file = settings.BASE_DIR / ".cache" / "test-locks" / "postgres-connection-bursts.lock"
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """A test that activates a language (a request, a translation) leaves none behind for the next."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pledge_page(home_page):
    """The pledge page with a published pledge text to sign."""
    from tests import factories

    factories.publish_pledge_text()
    return factories.PledgePageFactory(parent=home_page)


@pytest.fixture
def zh_locale(db):
    return Locale.objects.get(language_code="zh-hans")


@pytest.fixture
def en_locale(db):
    return Locale.objects.get(language_code="en")


@pytest.fixture
def site(db):
    """The default site, as migrations set it up, answering for the test client's host."""
    site = Site.objects.get(is_default_site=True)
    site.hostname = "testserver"
    site.save()
    return site


@pytest.fixture
def home_page(site):
    return site.root_page.specific


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("editor-in-chief", "chief@example.org", "pw")


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()


@pytest.fixture
def search_backend(db, settings):
    """The search backend the settings select, with fresh indexes on an engine
    (deleted afterwards) and a ``refresh()`` that makes new documents searchable."""
    from modelsearch.backends import get_search_backend
    from modelsearch.index import get_indexed_models

    backend = get_search_backend()
    engine_indexes = {}
    if settings.ELASTICSEARCH_URL:
        # As update_index does: a fresh index, then each model's mapping.
        for model in get_indexed_models():
            index = backend.get_index_for_model(model)
            if index.name not in engine_indexes:
                index.reset()
                engine_indexes[index.name] = index
            index.add_model(model)

    def refresh():
        for index in engine_indexes.values():
            index.refresh()

    backend.refresh = refresh
    yield backend
    for index in engine_indexes.values():
        index.delete()


@pytest.fixture(scope="session")
def live_server_sessions_ended_at_exit(django_db_setup, django_db_blocker):
    yield
    from tests.browser import end_live_server_sessions

    with django_db_blocker.unblock():
        end_live_server_sessions()


@pytest.fixture
def browser_page(monkeypatch, live_server, live_server_sessions_ended_at_exit):
    """Headless Chromium on a phone-sized screen (see tests/browser.py), on a site whose base URL
    is the live server's, as the launcher sets it to what it serves (`set_site_url`)."""
    from django.core.management import call_command

    from tests.browser import phone_page

    call_command("set_site_url", live_server.url, stdout=io.StringIO())

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls stay synchronous.
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield from phone_page()
