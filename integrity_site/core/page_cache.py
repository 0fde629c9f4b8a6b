"""The page cache: anonymous GET and HEAD requests for pages are answered from Django's cache
(whatever ``CACHES`` names; Redis in production), and the apps say what to drop when content
changes. It knows nothing of the domain: which pages show what, the apps tell it.

What is stored, and for whom:

- only responses that a page route (or a view decorated with ``cacheable``) gave, with status
  200, no ``Set-Cookie``, no ``Vary`` other than ``Accept-Language``, nothing in
  ``Cache-Control`` that forbids it, and only when rendering it touched no session;
- only for requests without a session or a messages cookie and without credentials: editors,
  and anyone with a session or a pending message, never get a cached page nor leave one.

The key covers scheme, host, language, path and query string. Purges are versions, not
deletions: a copy is stored with the versions its path had when it was rendered, the version of
its exact path (``/en/news/``) and one per path prefix (``/``, ``/en/``, ``/en/news/``), and is
served only while they are all current (the copy and the versions come in one round trip).
Dropping a page (with any query string) sets a new version of its path; dropping everything
below a path (a moved or deleted section) sets a new version of that prefix; dropping
everything sets a new version of ``/``. Versions are set when the transaction commits, so that
no copy rendered from data about to change outlives it.

Each server process also keeps the copies it answered with lately in memory and serves them
again for up to a second without asking the shared cache (``LocalCopies``): a purge is seen at
once by the process that made it, and within a second by the others.

The same purges go to the front-end cache (``wagtail.contrib.frontend_cache``, configured by
``WAGTAILFRONTENDCACHE``; off by default), as full URLs.

Apps take part through:

- ``cacheable``: marks a routable page's route (or a plain view) as cacheable; a page without
  routes, and a routable page's own index route, are cacheable already;
- ``valid_until(request, moment)``: the response shows something that changes at ``moment``
  (registration opens, an event starts): it is kept at most until then;
- ``purge_page``, ``purge_topic``, ``purge_urls``, ``purge_everything``;
- the ``DEPENDENT_PAGES_HOOK``: a function of a topic (``"pages"`` for any page, a page's app
  label, a snippet's model label, or a name an app announces such as ``"pledges"``) returning
  the pages that show it; those pages and everything below them are purged with the topic;
- ``remember(name, compute)``: a value computed once per content change (the event indexes'
  month facet), not per request.
"""

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from functools import wraps
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import get_max_age, patch_cache_control
from wagtail import hooks

logger = logging.getLogger(__name__)

KEY_PREFIX = "pagecache"
# A function of a topic that returns the pages whose cached copies show it (any language; their
# translations and everything below them are purged too). Topics: "pages" (any page was
# published, unpublished, moved or deleted), the app label of such a page ("honours"), a
# snippet's model label ("lectures.speaker", "pledges.pledgetext"), or what an app announces
# itself ("pledges": the register changed; "publicity": a feed was imported).
DEPENDENT_PAGES_HOOK = "register_page_cache_dependents"
ANY_PAGE = "pages"
# Versions outlive any stored copy; a version that has gone is replaced by a new one, which
# only ever costs a miss.
VERSION_SECONDS = 7 * 24 * 3600
MEMO_SECONDS = 24 * 3600
STORED_HEADERS_EXCLUDED = {"set-cookie", "x-cache", "age"}
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage


def cache_seconds():
    """How long a page is kept at most; 0 turns the page cache off."""
    return max(int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0), 0)


def is_enabled():
    return cache_seconds() > 0


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def frontend_cache_configured():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


# --- marking what may be stored ------------------------------------------------------------


def cacheable(view):
    """Mark a routable page's route method, or a plain view, as one whose anonymous GET
    responses may be kept. Only for what is the same for every visitor."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    wrapper.page_cache = True
    return wrapper


class _RequestState:
    __slots__ = ("key", "versions", "store", "allowed", "valid_until")

    def __init__(self, key=None, versions=None, store=False):
        self.key = key
        self.versions = versions
        self.store = store  # the request may leave a copy (anonymous GET)
        self.allowed = False  # the view may be stored (a page route, a cacheable view)
        self.valid_until = None  # a timestamp: keep the copy no longer than this


def _state(request):
    return getattr(request, "_page_cache", None)


def allow(request):
    """The response to this request is the same for every visitor (page routes call this)."""
    state = _state(request)
    if state is not None:
        state.allowed = True


def mark_page_route(request, page, serve_args):
    """From ``before_serve_page``: a page's own view is cacheable; of a routable page's other
    routes, those marked ``cacheable``."""
    view = serve_args[0] if serve_args else None
    if view is None or getattr(view, "page_cache", False) or getattr(view, "__name__", "") == "index_route":
        allow(request)


def will_store(request):
    """Whether the response being rendered is going to be kept and shown to others: then it
    must hold nothing of this visitor's (no CSRF token, no one-off form token)."""
    state = _state(request)
    return state is not None and state.store and state.allowed


def valid_until(request, moment):
    """The response shows something that changes at ``moment`` (an aware datetime): keep it
    no longer than that. Moments in the past and ``None`` are ignored."""
    state = _state(request)
    if state is None or moment is None:
        return
    timestamp = moment.timestamp()
    if timestamp > time.time() and (state.valid_until is None or timestamp < state.valid_until):
        state.valid_until = timestamp


# --- keys and versions --------------------------------------------------------------------------


def _digest(text):
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _exact_key(path):
    return f"{KEY_PREFIX}:v:exact:{_digest(path)}"


def _tree_key(path):
    return f"{KEY_PREFIX}:v:tree:{_digest(path)}"


GENERATION_KEY = f"{KEY_PREFIX}:v:generation"


def tree_prefixes(path):
    """``/en/news/a/`` → ``/``, ``/en/``, ``/en/news/``, ``/en/news/a/``; a last segment without
    a slash (``/sitemap.xml``) is a file, not a folder."""
    prefixes = ["/"]
    segments = path.split("/")[1:-1]  # the folders: what sits between slashes
    for index in range(1, len(segments) + 1):
        prefixes.append("/" + "/".join(segments[:index]) + "/")
    return prefixes


def _new_version():
    return secrets.token_hex(6)


def _versions(keys):
    """The current version under each key; a missing one gets a new version (never an old one
    back: a copy stored under a version that has gone can never be found again)."""
    cache = _cache()
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            version = _new_version()
            if not cache.add(key, version, VERSION_SECONDS):
                version = cache.get(key) or version
            found[key] = version
    return [found[key] for key in keys]


def request_language(request):
    """The language ``LocaleMiddleware`` (which runs after this middleware) activates for
    ``request``: the one in the path; the default one on a path of ``i18n_patterns`` without a
    prefix (Chinese at ``/``); else from the cookie or ``Accept-Language`` (``/sitemap.xml``).
    The same steps as Django's ``LocaleMiddleware.process_request``."""
    from django.conf.urls.i18n import is_language_prefix_patterns_used

    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    language = translation.get_language_from_request(request, check_path=i18n_patterns_used)
    language_from_path = translation.get_language_from_path(request.path_info)
    if not language_from_path and i18n_patterns_used and not prefixed_default_language:
        language = settings.LANGUAGE_CODE
    return language


def entry_key(request):
    """The key of the stored copy that answers ``request``."""
    parts = [
        request.scheme,
        request.get_host(),
        request_language(request),
        request.path,
        request.META.get("QUERY_STRING", ""),
    ]
    return f"{KEY_PREFIX}:page:{hashlib.sha256(chr(10).join(parts).encode('utf-8')).hexdigest()}"


def version_keys(path):
    return [_exact_key(path)] + [_tree_key(prefix) for prefix in tree_prefixes(path)]


def _get_many(keys):
    """``cache.get_many``; on Django's Redis backend with one Redis client kept for reading,
    where Django builds a new client (and its table of response callbacks) for every call:
    on the path of a cached page that was a quarter of its CPU time."""
    from django.core.cache.backends.redis import RedisCache

    cache = _cache()
    if type(cache) is not RedisCache:
        return cache.get_many(keys)
    reader = getattr(cache, "_page_cache_reader", None)
    if reader is None:
        reader = cache._page_cache_reader = cache._cache.get_client()
    values = reader.mget([cache.make_key(key) for key in keys])  # keys of digests: nothing to validate
    loads = cache._cache._serializer.loads
    return {key: loads(value) for key, value in zip(keys, values, strict=True) if value is not None}


class LocalCopies:
    """The copies this server process answered with lately, each served again without asking
    the shared cache for at most ``LOCAL_SECONDS``: a cached page then costs about what a static
    file does. A purge made in this process drops them all at once; one made in another process
    reaches this one within ``LOCAL_SECONDS``. At most ``LOCAL_ENTRIES`` copies (the oldest go)."""

    def __init__(self):
        self._copies = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        copy = self._copies.get(key)
        if copy is None or _monotonic() >= copy[1]:
            return None
        return copy[0]

    def put(self, key, entry):
        seconds = min(getattr(settings, "PAGE_CACHE_LOCAL_SECONDS", LOCAL_SECONDS), entry[5] - time.time())
        if seconds <= 0:
            return
        with self._lock:
            self._copies.pop(key, None)
            self._copies[key] = (entry, _monotonic() + seconds)
            while len(self._copies) > LOCAL_ENTRIES:
                self._copies.popitem(last=False)

    def clear(self):
        with self._lock:
            self._copies.clear()


LOCAL_SECONDS = 1
LOCAL_ENTRIES = 256
_monotonic = time.monotonic
local_copies = LocalCopies()


def lookup(request):
    """(key, current versions, stored entry or None), in one round trip to the cache: the copy
    is stored with the versions of its path when it was rendered, and is good only while they
    are still current."""
    key = entry_key(request)
    entry = local_copies.get(key)
    if entry is not None:
        return key, entry[0], entry
    versions_under = version_keys(request.path)
    found = _get_many([key, *versions_under])
    versions = [found.get(version_key) for version_key in versions_under]
    if None in versions:  # gone, or never set: new ones, and no copy can match them
        return key, _versions(versions_under), None
    entry = found.get(key)
    if entry is not None and entry[0] == versions:
        local_copies.put(key, entry)
        return key, versions, entry
    return key, versions, None


# --- the middleware -----------------------------------------------------------------------------


def request_is_anonymous(request):
    """Anonymous, with nothing personal pending: no session, no message, no credentials. Decided
    from the cookies alone, so a cached answer costs no database query and touches no session."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _cache_control_forbids(response):
    value = response.get("Cache-Control", "").lower()
    return any(word in value for word in ("private", "no-cache", "no-store"))


def _vary_forbids(response):
    if not response.has_header("Vary"):
        return False
    headers = {header.strip().lower() for header in response["Vary"].split(",") if header.strip()}
    return bool(headers - {"accept-language"})


def _rendering_was_personal(request):
    session = getattr(request, "session", None)
    if session is not None and (session.accessed or session.modified):
        return True
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def storable(request, response):
    return not (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or response.has_header("Set-Cookie")
        or _cache_control_forbids(response)
        or _vary_forbids(response)
        or _rendering_was_personal(request)
    )


def _stored_seconds(state, response):
    seconds = cache_seconds()
    if state.valid_until is not None:
        seconds = min(seconds, int(state.valid_until - time.time()))
    max_age = get_max_age(response)
    if max_age is not None and max_age > 0:
        seconds = min(seconds, max_age)
    return seconds


def _response_from(entry):
    _versions_stored, status, headers, content, stored_at, _expires_at = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Cache"] = "HIT"
    response["Age"] = str(max(int(time.time() - stored_at), 0))
    return response


class PageCacheMiddleware:
    """Answers anonymous GET and HEAD requests for pages from the cache, and keeps the pages it
    renders for them. Sits right before ``SessionMiddleware``: after the security middleware
    and the static files, before everything that may touch the session or the database. What
    the middleware after it add to a response (``Vary: Accept-Language``, ``Content-Language``,
    ``X-Frame-Options``) is stored with it, so that a cached answer skips them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_enabled():
            return self.get_response(request)
        if not request_is_anonymous(request):
            request._page_cache = _RequestState()
            response = self.get_response(request)
            if request._page_cache.allowed:
                # A page rendered for an editor or a visitor with a session: not for others.
                patch_cache_control(response, private=True)
            return response
        try:
            key, versions, entry = lookup(request)
        except DisallowedHost:
            return self.get_response(request)
        except Exception:  # noqa: BLE001 - a shared cache that is down: pages are served uncached
            logger.warning("page cache: the cache did not answer; serving uncached", exc_info=True)
            return self.get_response(request)
        if entry is not None:
            return _response_from(entry)
        state = request._page_cache = _RequestState(key, versions, store=request.method == "GET")
        response = self.get_response(request)
        if state.allowed and state.store and storable(request, response):
            seconds = _stored_seconds(state, response)
            if seconds > 0:
                self.store(state, response, seconds)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "page_cache", False):
            allow(request)

    def store(self, state, response, seconds):
        if frontend_cache_configured():
            patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
        else:
            patch_cache_control(response, max_age=0)
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in STORED_HEADERS_EXCLUDED
        ]
        now = time.time()
        entry = (state.versions, response.status_code, headers, response.content, now, now + seconds)
        try:
            _cache().set(state.key, entry, seconds)
        except Exception:  # noqa: BLE001 - the page was rendered; only its copy is lost
            logger.warning("page cache: the cache did not take a copy", exc_info=True)
            return
        local_copies.put(state.key, entry)
        response["X-Cache"] = "MISS"


# --- values computed once per change ------------------------------------------------------------

_MISSING = object()


def remember(name, compute):
    """``compute()``, kept until content changes (any page published, unpublished, moved or
    deleted, any topic purged) or for a day. Computed every time while the page cache is off."""
    if not is_enabled():
        return compute()
    cache = _cache()
    try:
        (generation,) = _versions([GENERATION_KEY])
        key = f"{KEY_PREFIX}:memo:{_digest(name)}:{generation}"
        value = cache.get(key, _MISSING)
    except Exception:  # noqa: BLE001 - a shared cache that is down: compute every time
        logger.warning("page cache: the cache did not answer; computing %s", name, exc_info=True)
        return compute()
    if value is _MISSING:
        value = compute()
        try:
            cache.set(key, value, MEMO_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("page cache: the cache did not keep %s", name, exc_info=True)
    return value


# --- purging ------------------------------------------------------------------------------------


class Purge:
    """What to drop, collected, then sent once the transaction commits."""

    def __init__(self):
        self.exact = set()  # paths, any query string
        self.trees = set()  # path prefixes: everything below
        self.urls = set()  # full URLs for the front-end cache
        self.content_changed = False

    def add_path(self, path, root_url=""):
        path = urlsplit(path).path or "/"
        self.exact.add(unquote(path))
        if root_url:
            self.urls.add(root_url.rstrip("/") + path)

    def add_url(self, url):
        """A full URL or a path."""
        parts = urlsplit(url)
        if parts.netloc:
            self.exact.add(unquote(parts.path or "/"))
            self.urls.add(url)
        else:
            self.add_path(url)

    def add_page_paths(self, page):
        """The page's own paths (with its ``get_cached_paths``), any query string. Returns the
        page's (root URL, path), or None for a page without a URL."""
        parts = page.get_url_parts(request=None)
        if parts is None or parts[2] is None:
            return None
        _site_id, root_url, page_path = parts
        for cached_path in page.specific_deferred.get_cached_paths():
            self.add_path(page_path + cached_path.lstrip("/"), root_url or "")
        return root_url, page_path

    def add_page_tree(self, page):
        """The page and everything below it."""
        parts = self.add_page_paths(page)
        if parts is None:
            return
        self.trees.add(unquote(urlsplit(parts[1]).path))
        if frontend_cache_configured():
            for descendant in page.get_descendants().live().iterator():
                self.add_page_paths(descendant)

    def add_topic(self, topic):
        """The pages the apps name for ``topic``, in every language, and everything below them.
        False when no app names any."""
        from wagtail.models import Page

        self.content_changed = True
        pages = [page for function in hooks.get_hooks(DEPENDENT_PAGES_HOOK) for page in function(topic) or ()]
        if not pages:
            return False
        keys = {page.translation_key for page in pages}
        for page in Page.objects.filter(translation_key__in=keys):
            self.add_page_tree(page)
        return True

    def add_page(self, page, *, subtree=False, content=True):
        """The page in every language and the pages that list it (its ancestors: the section
        index, the home page, in every language). ``subtree``: everything below it too (a move,
        a deletion). ``content``: its content changed, so also the sitemap and the pages that
        show pages of its kind (``DEPENDENT_PAGES_HOOK`` with its app label and ``"pages"``);
        and a site root or a page of the main navigation changes every page."""
        from wagtail.models import Page

        if content and page.depth <= 3:
            self.add_everything()
            return
        ancestors = page.get_ancestors().filter(depth__gt=1).values_list("translation_key", flat=True)
        keys = [page.translation_key, *ancestors]
        seen = set()
        for related in Page.objects.filter(translation_key__in=keys):
            seen.add(related.pk)
            if related.translation_key == page.translation_key and subtree:
                self.add_page_tree(related)
            else:
                self.add_page_paths(related)
        if page.pk not in seen:  # deleted: its row has gone, its copies have not
            (self.add_page_tree if subtree else self.add_page_paths)(page)
        if content:
            self.content_changed = True
            self.add_sitemap()
            specific_class = page.specific_class
            if specific_class is not None:
                self.add_topic(specific_class._meta.app_label)
            self.add_topic(ANY_PAGE)

    def add_sitemap(self):
        from wagtail.models import Site

        try:
            path = reverse("sitemap")
        except NoReverseMatch:
            return
        self.add_path(path)
        if frontend_cache_configured():
            for site in Site.objects.all():
                self.add_path(path, site.root_url)

    def add_everything(self):
        from wagtail.models import Page

        self.content_changed = True
        self.trees.add("/")
        if frontend_cache_configured():
            for page in Page.objects.live().filter(depth__gt=1).iterator():
                self.add_page_paths(page)
        self.add_sitemap()

    def send(self):
        """Drop it all once the current transaction (if any) commits."""
        if not _purging() or not (self.exact or self.trees or self.urls or self.content_changed):
            return
        exact, trees, urls = set(self.exact), set(self.trees), set(self.urls)
        content_changed = self.content_changed
        transaction.on_commit(lambda: _send(exact, trees, urls, content_changed))


def _send(exact, trees, urls, content_changed):
    local_copies.clear()
    if is_enabled():
        keys = [_exact_key(path) for path in exact] + [_tree_key(path) for path in trees]
        if content_changed:
            keys.append(GENERATION_KEY)
        try:
            _cache().set_many({key: _new_version() for key in keys}, VERSION_SECONDS)
        except Exception:  # noqa: BLE001 - a cache that is down must not fail a publish
            logger.exception("page cache: the purge did not reach the cache")
    if urls and frontend_cache_configured():
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        try:
            purge_urls_from_cache(sorted(urls))
        except Exception:  # noqa: BLE001 - a front-end cache that is down must not fail a publish
            logger.exception("page cache: the front-end cache purge failed")


def _purging():
    return is_enabled() or frontend_cache_configured()


def purge_page(page, *, subtree=False, content=True):
    """Drop ``page`` (every language) and the pages that list it; see ``Purge.add_page``."""
    if not _purging():
        return
    purge = Purge()
    purge.add_page(page, subtree=subtree, content=content)
    purge.send()


def purge_topic(topic):
    """Drop the pages that show ``topic`` (an app label), as the apps' hook functions name them,
    with everything below them. When no app names any, everything is dropped."""
    if not _purging():
        return
    purge = Purge()
    if not purge.add_topic(topic):
        purge.add_everything()
    purge.send()


def purge_urls(urls):
    """Drop these paths or full URLs (any query string)."""
    if not _purging():
        return
    purge = Purge()
    for url in urls:
        purge.add_url(url)
    purge.send()


def purge_everything():
    if not _purging():
        return
    purge = Purge()
    purge.add_everything()
    purge.send()
