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
