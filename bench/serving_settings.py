"""The production settings as bench/serving.py runs them: static files served by the application
(whitenoise), and a shared cache (production's own when it names one, else the benchmark's
throwaway Redis from ``REDIS_URL``)."""

import os

from integrity_site.settings.production import *  # noqa: F403

if not any("whitenoise" in entry for entry in MIDDLEWARE):  # noqa: F405
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")  # noqa: F405

if "CACHES" not in globals() and os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
