from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Off, so that tests see what they change; tests/test_page_cache.py turns it on.
PAGE_CACHE_SECONDS = 0

# Each test run gets its own media folder and, on a shared engine, its own index prefix,
# so that parallel or repeated runs never see each other's files or documents.
import tempfile  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="integrity-site-test-media-"))  # noqa: F405
if ELASTICSEARCH_URL:  # noqa: F405
    WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"] = (  # noqa: F405
        f"{SEARCH_INDEX_PREFIX}test_{os.getpid()}_"  # noqa: F405
    )

# On SQLite the test database is a file, as in production, not the in-memory default: an in-memory
# database shared between threads locks whole tables and ignores the busy timeout, so requests,
# imports and workers running at the same time (and worker processes) could not be tested on it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import atexit  # noqa: E402
    import shutil  # noqa: E402

    _test_database_folder = tempfile.mkdtemp(prefix="integrity-site-test-db-")
    atexit.register(shutil.rmtree, _test_database_folder, ignore_errors=True)
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_test_database_folder, "test.sqlite3")}  # noqa: F405
