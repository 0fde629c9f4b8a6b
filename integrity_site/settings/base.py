"""Settings shared by every environment.

Everything that differs between machines comes from environment variables, with
defaults that are safe for development: SQLite and Wagtail's database search.
"""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "integrity_site.core",
    "integrity_site.demo",
    "integrity_site.events",
    "home",
    "lectures",
    "campaigns",
    "honours",
    "publicity",
    "search",
    "pledges",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks_db",
    "integrity_site.scheduler",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "rest_framework",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A database still busy after the wait: "please try again" (503), never a server error; it
    # wraps the session middleware, whose saving writes too.
    "integrity_site.core.middleware.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: the view of each POST (and PUT, PATCH, DELETE) runs in one transaction, as with
    # ATOMIC_REQUESTS, so that a failed admin action leaves nothing half-made.
    "integrity_site.core.middleware.AtomicWritesMiddleware",
]

ROOT_URLCONF = "integrity_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "integrity_site.wsgi.application"

# SQLite beside the project unless DATABASE_URL names another server.
# An empty DATABASE_URL counts as unset.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# How long a request or the worker waits for another writer before the database answers "busy"
# (SQLite's busy timeout, in seconds). Every writer keeps its transactions far shorter: the feed
# import commits in slices of a fraction of a second.
DATABASE_BUSY_TIMEOUT = float(os.environ.get("DATABASE_BUSY_TIMEOUT", "20"))
# Work that can simply be done again (a slice of a feed import, the worker's bookkeeping) is
# tried this many times in all, with growing pauses, while the database stays busy.
DATABASE_BUSY_ATTEMPTS = int(os.environ.get("DATABASE_BUSY_ATTEMPTS", "5"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Every transaction takes the write lock when it begins: a transaction that reads first
        # and writes later cannot be refused the upgrade half-way (which the busy timeout does not
        # cover), it waits its turn at BEGIN instead. select_for_update() is a plain read on SQLite.
        "transaction_mode": "IMMEDIATE",
        "timeout": DATABASE_BUSY_TIMEOUT,
        # Write-ahead log: readers never wait for the writer nor the writer for readers; with it,
        # synchronous=NORMAL is safe against corruption and commits without waiting for the disk.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first: zh-hans is the default language and the source of every translation.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
# The site's messages; then its translations of Wagtail messages that Wagtail's own catalogues
# lack (integrity_site.core.wagtail_catalogue). Both take precedence over the apps' catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wagtail"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Publicity feed files uploaded in the admin and their rejected-rows reports: personal data,
    # never under MEDIA_URL. By default a private folder (PUBLICITY_REPORT_DIR, var/publicity-reports);
    # on several machines, a private bucket of an object store (docs/deployment.md).
    "publicity_uploads": {"BACKEND": "publicity.uploads.ReportFolderStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# E-mail: console output in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "诚信历下")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_LOCALIZE_DEFAULT_TRANSLATION_MODE = "synced"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

TAGGIT_CASE_INSENSITIVE = True

# Search: Wagtail's database backend unless ELASTICSEARCH_URL names an engine.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE", "opensearch")
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "integrity_site_")

from search.backend_settings import search_backends_setting  # noqa: E402

WAGTAILSEARCH_BACKENDS = search_backends_setting(
    ELASTICSEARCH_URL, engine=SEARCH_ENGINE, index_prefix=SEARCH_INDEX_PREFIX
)

# One line per message on standard output, for whoever runs the processes (systemd, make serve).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        },
    },
    "handlers": {
        # Standard error: a command's own output (the import's JSON line) keeps standard output.
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "line"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per page edit and background task drowns out what matters.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},
        "opensearch": {"level": "WARNING"},
        # django-axes reports every failed sign-in at INFO; lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}

# Background tasks: Wagtail's own small tasks (search index, references) stay immediate; long
# work such as publicity feed imports goes to the database queue that `manage.py run_worker` runs
# (`make run` and `make serve` start it).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

# The subdistricts (街道) of the district, for the pledge form and register, each as
# "name=English name" (integrity_site.core.subdistricts); another district sets its own list,
# comma-separated.
SUBDISTRICTS = env_list(
    "SUBDISTRICTS",
    "解放路街道=Jiefang Road Subdistrict,千佛山街道=Qianfoshan Subdistrict,"
    "趵突泉街道=Baotuquan Subdistrict,泉城路街道=Quancheng Road Subdistrict,"
    "大明湖街道=Daming Lake Subdistrict,东关街道=Dongguan Subdistrict,文东街道=Wendong Subdistrict,"
    "建新街道=Jianxin Subdistrict,甸柳街道=Dianliu Subdistrict,燕山街道=Yanshan Subdistrict,"
    "姚家街道=Yaojia Subdistrict,龙洞街道=Longdong Subdistrict,智远街道=Zhiyuan Subdistrict,"
    "舜华路街道=Shunhua Road Subdistrict",
)

# How long personal data (registrations, signatories) is kept; site settings override it.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "180"))

# How long a running feed import may stay silent (no committed batch) before it counts as
# interrupted and the admin offers to retry it. Its process being gone from this machine counts at once.
PUBLICITY_IMPORT_STALE_SECONDS = int(os.environ.get("PUBLICITY_IMPORT_STALE_SECONDS", "120"))

# How long the publicity feed files uploaded in the admin, and the rejected-rows reports, are kept
# after their import ended; `manage.py purge_publicity_uploads` (daily) deletes older ones.
# The private folder of uploaded feed files and rejected-rows reports (the "publicity_uploads"
# storage's default): every process of one machine (web, worker) must name the same one.
PUBLICITY_REPORT_DIR = Path(os.environ.get("PUBLICITY_REPORT_DIR") or BASE_DIR / "var" / "publicity-reports")
PUBLICITY_UPLOAD_RETENTION_DAYS = int(os.environ.get("PUBLICITY_UPLOAD_RETENTION_DAYS", "90"))

# --- Shared cache --------------------------------------------------------------------------------
# REDIS_URL (or CACHE_URL: redis://, db://, file://, locmem://) names the cache every process
# shares; without one, each process has its own memory (the production settings default to a file
# cache instead, shared by the processes of one machine). See integrity_site/cache_settings.py.
from integrity_site.cache_settings import cache_setting  # noqa: E402

CACHE_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", "")
CACHES = {"default": cache_setting(CACHE_URL, key_prefix=os.environ.get("CACHE_KEY_PREFIX", ""))}

# --- Scheduled jobs ------------------------------------------------------------------------------
# `manage.py run_scheduler` (started by `make serve` and `make run`) runs each once per period,
# however many schedulers run: (management command, period, options). Periods: "minute", "hourly"
# and "daily"; "at" is the minute past the hour, or the "HH:MM" of the day, in TIME_ZONE.
# Apps may add jobs through the `register_scheduled_jobs` Wagtail hook (integrity_site.scheduler).
SCHEDULED_JOBS = [
    ("publish_scheduled", "minute", {}),
    ("purge_unconfirmed_pledges", "hourly", {"at": 5}),
    ("expire_pledges", "daily", {"at": "01:10"}),
    ("purge_registrations", "daily", {"at": "02:20"}),
    ("purge_publicity_uploads", "daily", {"at": "03:30"}),
    ("cross_check_publicity", "daily", {"at": "04:40"}),
]

# --- Hardening -----------------------------------------------------------------------------------
MIDDLEWARE += [  # noqa: F405 (the list above)
    # A content-security policy on every response: a strict one for the site, a looser one for
    # the Wagtail admin, whose widgets use inline scripts and styles (integrity_site/security.py).
    "integrity_site.security.ContentSecurityPolicyMiddleware",
    "integrity_site.security.PermissionsPolicyMiddleware",
    # Brute-force protection of the admin login; last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]
SECURE_REFERRER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # No inline script on the site's pages; a template that needs one writes
        # <script nonce="{{ request.csp_nonce }}">.
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # The pledge certificate's QR code and charts are inline SVG; images may be data: URLs.
        "img-src": [SELF, "data:"],
        # Lecture videos are embedded players from the video sites editors link to.
        "frame-src": ["https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# The Wagtail admin (and the page previews it renders) needs inline scripts and styles.
CONTENT_SECURITY_POLICY_ADMIN = {
    "default-src": [SELF],
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:"],
    "frame-src": [SELF, "https:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}
CONTENT_SECURITY_POLICY_ADMIN_PREFIXES = ["/admin/"]

# django-axes: after 5 wrong passwords for one user name from one address, that pair is locked
# out for an hour, the right password included; a success resets the count.
AUTHENTICATION_BACKENDS = [
    "integrity_site.security.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "integrity_site.security.lockout_response"
# Behind a reverse proxy, the header that carries the client's address (e.g. HTTP_X_REAL_IP), for
# the rate limits and the lockout; empty: the connection's own address.
REGISTRATION_CLIENT_IP_HEADER = os.environ.get("REGISTRATION_CLIENT_IP_HEADER", "")
AXES_CLIENT_IP_CALLABLE = "integrity_site.core.ratelimit.client_address"
AXES_VERBOSE = False

# The page cache (integrity_site/core/page_cache.py): anonymous pages kept in the default cache
# this many seconds at most and dropped as content changes; 0 turns it off. A front-end cache
# (CDN, nginx) gets the same purges when FRONTEND_CACHE_BACKEND is set (core/frontend_cache.py).
# Forms on cached pages get their CSRF token from /csrf/, or through CSRF_FAILURE_VIEW.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Right before the session middleware: after security and static files, before all that reads
# the session or the database.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "integrity_site.core.page_cache.PageCacheMiddleware",
)
CSRF_FAILURE_VIEW = "integrity_site.core.fresh_forms.csrf_failure"

from integrity_site.core.frontend_cache import frontend_cache_setting  # noqa: E402

WAGTAILFRONTENDCACHE = frontend_cache_setting(os.environ)
WAGTAILFRONTENDCACHE_LANGUAGES = []  # the purges name each language's addresses themselves
