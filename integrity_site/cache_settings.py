"""Builds Django's CACHES entry from one URL (``REDIS_URL`` or ``CACHE_URL``).

Several server processes must share one cache, or the per-address rate limits count per process:
Redis on more than one machine, the file cache (the embedded default of the production settings)
or the database cache on one. Kept free of Django imports because settings modules call it.
"""

from urllib.parse import urlsplit

# Redis calls that cannot reach the server fail within this many seconds instead of hanging a
# worker (and the health check says which part is down).
REDIS_TIMEOUT = 2


def cache_setting(url, *, default_dir=None, key_prefix=""):
    """The ``CACHES["default"]`` entry for ``url``:

    - ``redis://host:6379/0``, ``rediss://…`` (TLS), several comma-separated for replicas: Redis;
    - ``db://table_name``: Django's database cache (``manage.py createcachetable`` makes the table);
    - ``file:///absolute/folder``: the file cache, shared by the processes of one machine;
    - ``locmem://``: memory of one process (development and tests);
    - empty: the file cache in ``default_dir`` when given, else process memory.
    """
    common = {"KEY_PREFIX": key_prefix} if key_prefix else {}
    if not url:
        if default_dir:
            return file_cache(default_dir, common)
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", **common}
    scheme = urlsplit(url.split(",")[0].strip()).scheme
    if scheme in ("redis", "rediss", "unix"):
        locations = [part.strip() for part in url.split(",") if part.strip()]
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": locations if len(locations) > 1 else locations[0],
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
            **common,
        }
    if scheme == "db":
        table = urlsplit(url).netloc or "django_cache"
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table, **common}
    if scheme == "file":
        return file_cache(urlsplit(url).path, common)
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", **common}
    raise ValueError(
        f"CACHE_URL must start with redis://, rediss://, db://, file:// or locmem://, not {url!r}"
    )


def file_cache(folder, common):
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(folder),
        # Culling scans the folder: keep it rare.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
        **common,
    }
