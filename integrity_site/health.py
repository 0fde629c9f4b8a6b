"""``/healthz``: 200 with a short JSON when the database, the cache and (when configured) the
search engine answer; 503 naming the parts that do not. For load balancers and monitoring."""

import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

SEARCH_TIMEOUT = 2  # seconds

logger = logging.getLogger(__name__)


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key, value = "healthz:probe", secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("the value written was not read back")


def check_search():
    from modelsearch.backends import get_search_backend

    client = get_search_backend().es
    # Elasticsearch 8+ clients take per-request options through .options(); opensearch-py per call.
    if hasattr(client, "options"):
        answered = client.options(request_timeout=SEARCH_TIMEOUT).ping()
    else:
        answered = client.ping(request_timeout=SEARCH_TIMEOUT)
    if not answered:
        raise RuntimeError("no node answered")


def checks():
    parts = {"database": check_database, "cache": check_cache}
    if settings.ELASTICSEARCH_URL:
        parts["search"] = check_search
    return parts


@never_cache
@require_GET
def healthz(request):
    results, failing = {}, []
    for name, check in checks().items():
        started = time.monotonic()
        try:
            check()
        except Exception as error:  # noqa: BLE001 (any failure of a part is what this reports)
            # The answer is public: the kind of error only; the details go to the log.
            logger.warning("health check: %s failed: %r", name, error)
            failing.append(name)
            results[name] = {"ok": False, "error": type(error).__name__}
        else:
            results[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    body = {"status": "unavailable" if failing else "ok", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
