from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production settings refuse to start without a secret key."
    )
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
# The health URL answers load balancers over plain HTTP too.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))  # noqa: F405
# Subdomains and the browsers' preload list bind every other host of the domain to HTTPS for a
# year or more: only when the domain's owner says so.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)  # noqa: F405
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)  # noqa: F405
SILENCED_SYSTEM_CHECKS = [
    *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
]
# Plain HTTP on loopback (`make serve`) sets SECURE_COOKIES=false; everywhere else cookies need HTTPS.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)  # noqa: F405
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Static files: collected with hashed names and compressed copies (gzip and Brotli), served by
# whitenoise from the application with a one-year, immutable cache lifetime.
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,  # noqa: F405
    "integrity_site.staticfiles.StaticFilesMiddleware",
)

# Several server processes share the cache (rate limits): Redis when REDIS_URL or CACHE_URL names
# one, else a file cache on this machine.
if not CACHE_URL:  # noqa: F405
    CACHES = {  # noqa: F405
        "default": cache_setting(  # noqa: F405
            "",
            default_dir=os.environ.get("CACHE_DIR", BASE_DIR / "var" / "cache"),  # noqa: F405
            key_prefix=os.environ.get("CACHE_KEY_PREFIX", ""),  # noqa: F405
        )
    }

# Uploaded images from the application itself, for one machine without a web server in front
# (`make serve` sets it); nginx or object storage serve them otherwise (docs/deployment.md).
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)  # noqa: F405
