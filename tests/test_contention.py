"""A busy database: SQLite's settings, recognising "busy", trying again, and the "please try
again" page (503) that replaces a server error; a failed change leaves nothing half-made."""

import datetime
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import DatabaseError, OperationalError, connection
from django.db.models.signals import post_save
from django.test import Client
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Page, Revision

from home.models import ArticlePage
from integrity_site.core.busy import is_database_busy, retry_when_busy
from integrity_site.events import services
from integrity_site.events.records import Registration, RegistrationStatus, SeatPool
from tests import factories

pytestmark = pytest.mark.django_db

LOCKED = "database is locked"


# --- SQLite as `make run` and production use it ------------------------------------------

SETTINGS_PROBE = """
import json, django
django.setup()
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
with CaptureQueriesContext(connection) as queries:
    with transaction.atomic():
        connection.cursor().execute("SELECT 1")
with connection.cursor() as cursor:
    found = {}
    for pragma in ("journal_mode", "synchronous", "busy_timeout"):
        cursor.execute(f"PRAGMA {pragma}")
        found[pragma] = cursor.fetchone()[0]
print(json.dumps({"statements": [query["sql"] for query in queries], **found}))
"""


@pytest.mark.parametrize("settings_module", ["dev", "production"])
def test_sqlite_runs_with_a_write_ahead_log_and_takes_the_write_lock_when_a_transaction_begins(
    tmp_path, settings_module
):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": f"integrity_site.settings.{settings_module}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
    }
    probe = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout.strip().splitlines()[-1])

    assert found["journal_mode"] == "wal"
    assert found["synchronous"] == 1  # NORMAL
    assert found["busy_timeout"] == 20_000
    assert found["statements"][0] == "BEGIN IMMEDIATE"


def test_the_test_database_is_set_up_as_the_site_runs():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            assert connection.transaction_mode == "IMMEDIATE"
        else:
            cursor.execute("SELECT 1")
            assert "transaction_mode" not in connection.settings_dict["OPTIONS"]


# --- recognising a busy database and trying again ------------------------------------------


class PostgresError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def wrapped(driver_error, message="error"):
    error = OperationalError(message)
    error.__cause__ = driver_error
    return error


def test_busy_is_told_from_other_database_errors():
    assert is_database_busy(OperationalError(LOCKED))
    assert is_database_busy(OperationalError("database table is locked: publicity_importrun"))
    assert is_database_busy(wrapped(PostgresError("40P01"), "deadlock detected"))
    assert is_database_busy(wrapped(PostgresError("55P03"), "canceling statement due to lock timeout"))
    assert is_database_busy(wrapped(PostgresError("40001"), "could not serialize access"))
    assert not is_database_busy(OperationalError("no such table: publicity_importrun"))
    assert not is_database_busy(wrapped(PostgresError("23505"), "duplicate key"))
    assert not is_database_busy(ValueError(LOCKED))


def locked_until_attempt(succeeding_attempt, attempts):
    def work():
        attempts.append(1)
        if len(attempts) < succeeding_attempt:
            raise OperationalError(LOCKED)
        return "done"

    return work


def test_inside_a_transaction_busy_work_is_not_tried_again():
    # pytest-django's transaction around the test encloses the work: its failed statement has
    # spoilt the enclosing transaction, which only the enclosing code can start again.
    pauses, attempts = [], []
    assert connection.in_atomic_block
    with pytest.raises(OperationalError):
        retry_when_busy(locked_until_attempt(3, attempts), sleep=pauses.append)
    assert (len(attempts), pauses) == (1, [])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_busy_work_is_tried_again_and_other_errors_are_not():
    pauses, attempts = [], []
    assert retry_when_busy(locked_until_attempt(3, attempts), sleep=pauses.append) == "done"
    assert (len(attempts), pauses) == (3, [0.5, 1.0])

    attempts.clear()
    with pytest.raises(OperationalError):
        retry_when_busy(locked_until_attempt(99, attempts), attempts=4, sleep=pauses.append)
    assert len(attempts) == 4

    failures = []

    def broken():
        failures.append(1)
        raise DatabaseError("no such table")

    with pytest.raises(DatabaseError):
        retry_when_busy(broken, sleep=pauses.append)
    assert failures == [1]


# --- the site: 503 "please try again", in the visitor's language, nothing half-done -----------


@pytest.fixture
def registration(home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    lecture = factories.LecturePageFactory(
        parent=lectures, title="诚信与生活", slug="talk", registration_enabled=True, capacity=30
    )
    return services.register(lecture, name="王伟", mobile="13800138000").registration


@pytest.fixture
def cancellation_hits_a_locked_database(monkeypatch):
    """The cancellation writes (status, seats) and then the database refuses the next statement."""
    release = services._release_seats

    def release_then_locked(*args, **kwargs):
        release(*args, **kwargs)
        raise OperationalError(LOCKED)

    monkeypatch.setattr(services, "_release_seats", release_then_locked)


def private_link(registration, prefix=""):
    return f"{prefix}/registrations/{registration.code}/{registration.access_token}/"


def test_a_busy_database_during_a_cancellation_asks_to_try_again_and_keeps_the_registration(
    client, registration, cancellation_hits_a_locked_database
):
    response = client.post(private_link(registration))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "网站繁忙" in page and "请过几秒钟再试" in page and "尚未保存" in page
    assert 'class="site-header"' in page  # the site's own page, with its navigation
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert SeatPool.objects.get(event=registration.event).seats_taken == 1


def test_the_busy_page_speaks_english_on_the_english_site(
    client, registration, cancellation_hits_a_locked_database
):
    response = client.post(private_link(registration, "/en"))

    assert response.status_code == 503
    page = response.content.decode()
    assert '<html lang="en">' in page and "The site is busy" in page


def test_a_busy_database_in_a_reading_view_asks_to_try_again(client, registration, monkeypatch):
    from integrity_site.events import views

    def locked(*args, **kwargs):
        raise OperationalError(LOCKED)

    monkeypatch.setattr(views, "waiting_position", locked)
    response = client.get(private_link(registration))

    assert response.status_code == 503 and "网站繁忙" in response.content.decode()
    assert "尚未保存" not in response.content.decode()


def test_other_database_errors_stay_server_errors(client, registration, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such column: status")

    monkeypatch.setattr(services, "_release_seats", broken)
    with pytest.raises(OperationalError):
        client.post(private_link(registration))


# --- the admin: a plain page, and the action undone -------------------------------------------


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def article(home_page):
    news = factories.ArticleIndexPageFactory(parent=home_page)
    return factories.ArticlePageFactory(parent=news, title="宽厚里商户签署承诺", slug="pledge")


def locked_hook(*args, **kwargs):
    raise OperationalError(LOCKED)


def test_a_page_copy_that_fails_half_way_leaves_no_copy(editor, article):
    pages_before = Page.objects.count()
    with hooks.register_temporarily("after_copy_page", locked_hook):
        response = editor.post(
            f"/admin/pages/{article.pk}/copy/",
            {
                "new_title": "副本",
                "new_slug": "pledge-copy",
                "new_parent_page": article.get_parent().pk,
                "publish_copies": "on",
            },
        )

    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page and "网站繁忙" in page
    assert 'class="site-header"' not in page  # the plain page, not the site's
    assert Page.objects.count() == pages_before
    assert not Page.objects.filter(slug="pledge-copy").exists()


def test_a_scheduled_article_whose_saving_fails_half_way_is_neither_kept_nor_live(
    editor, article, monkeypatch
):
    from tests.test_admin_editing import article_form

    def revision_saved(sender, instance, created, **kwargs):
        raise OperationalError(LOCKED)

    go_live = timezone.localtime() + datetime.timedelta(days=2)
    post_save.connect(revision_saved, sender=Revision, dispatch_uid="test-locked-revision")
    try:
        response = editor.post(
            f"/admin/pages/add/home/articlepage/{article.get_parent().pk}/",
            article_form(
                slug="scheduled",
                go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
                **{"action-publish": "publish"},
            ),
        )
    finally:
        post_save.disconnect(dispatch_uid="test-locked-revision", sender=Revision)

    assert response.status_code == 503
    assert not ArticlePage.objects.filter(slug="scheduled").exists()


def test_the_admin_busy_page_follows_the_editors_language(editor, admin_user, article):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    with hooks.register_temporarily("after_copy_page", locked_hook):
        response = editor.post(
            f"/admin/pages/{article.pk}/copy/",
            {"new_title": "Copy", "new_slug": "pledge-copy", "new_parent_page": article.get_parent().pk},
        )

    assert response.status_code == 503
    assert '<html lang="en">' in response.content.decode() and "The site is busy" in response.content.decode()


def test_a_busy_database_outside_the_view_is_answered_too(admin_user, monkeypatch):
    """The session is saved by a middleware, after the view: a busy database there gives the same
    answer instead of a server error."""
    save = SessionStore.save

    def save_or_locked(self, must_create=False):
        if not must_create:  # the middleware's save of the changed session
            raise OperationalError(LOCKED)
        return save(self, must_create=must_create)

    monkeypatch.setattr(SessionStore, "save", save_or_locked)
    client = Client(raise_request_exception=False)
    admin_user.set_password("pw")
    admin_user.save()

    response = client.post("/admin/login/", {"username": admin_user.get_username(), "password": "pw"})

    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "网站繁忙" in response.content.decode()


def test_each_change_is_one_transaction_and_reading_is_not(client, registration):
    """A POST's view runs in one transaction (a savepoint here, inside the test's own), and the
    cancellation's own transaction inside it; a GET's view takes none, so that on SQLite reading
    never waits for the write lock."""
    from django.test.utils import CaptureQueriesContext

    client.get(private_link(registration))  # the site settings are created on the first view
    with CaptureQueriesContext(connection) as reading:
        client.get(private_link(registration))
    with CaptureQueriesContext(connection) as cancelling:
        client.post(private_link(registration))

    def savepoints(queries):
        return [query["sql"] for query in queries if query["sql"].startswith("SAVEPOINT")]

    assert savepoints(reading) == []
    assert len(savepoints(cancelling)) == 2
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CANCELLED
