"""``WAGTAILFRONTENDCACHE`` from the environment: the front-end cache (a CDN, nginx or Varnish
in front of the site) that gets the page cache's purges. Off unless
``FRONTEND_CACHE_BACKEND`` is set. Read by the settings, so it imports nothing of Django.

- ``FRONTEND_CACHE_BACKEND``: ``http`` (nginx, Varnish: a ``PURGE`` request per URL),
  ``cloudflare``, ``cloudfront``, ``azure_cdn``, ``azure_front_door`` or a dotted path;
- ``FRONTEND_CACHE_LOCATION``: for ``http``, where the purge requests go
  (e.g. ``http://127.0.0.1:8080``);
- ``FRONTEND_CACHE_OPTIONS``: the backend's other options as JSON, e.g.
  ``{"ZONEID": "…", "BEARER_TOKEN": "…"}`` for Cloudflare, ``{"DISTRIBUTION_ID": "…"}`` for
  CloudFront, ``{"HOSTNAMES": ["xinyong.example.org"]}`` for any.
"""

import json

BACKENDS = {
    "http": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
    "cloudflare": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
    "cloudfront": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
    "azure_cdn": "wagtail.contrib.frontend_cache.backends.AzureCdnBackend",
    "azure_front_door": "wagtail.contrib.frontend_cache.backends.AzureFrontDoorBackend",
}


def frontend_cache_setting(environ):
    backend = environ.get("FRONTEND_CACHE_BACKEND", "").strip()
    if not backend:
        return {}
    config = {"BACKEND": BACKENDS.get(backend, backend)}
    config.update(json.loads(environ.get("FRONTEND_CACHE_OPTIONS") or "{}"))
    if environ.get("FRONTEND_CACHE_LOCATION"):
        config["LOCATION"] = environ["FRONTEND_CACHE_LOCATION"]
    return {"default": config}
