from .base import *  # noqa: F403

DEBUG = True
# Development only: production refuses to start without SECRET_KEY (see production.py).
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS + ["[::1]", "0.0.0.0"]  # noqa: F405
INTERNAL_IPS = ["127.0.0.1"]
# Templates being edited show at once; PAGE_CACHE_SECONDS=600 tries the page cache out.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))  # noqa: F405
