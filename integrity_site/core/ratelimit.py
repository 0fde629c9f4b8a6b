"""Per-address rate limits on the registration form and private links.

Counts live in Django's cache (a fixed window per address). The default
local-memory cache counts per server process; production with several processes
needs a shared cache (Redis, Memcached or the database cache)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMITS = {
    # scope: (attempts, window in seconds)
    "register": (20, 600),
    "private_link": (60, 600),
    # Integrity pledges (pledges app): signing per address, and per address and credit code (a
    # limit per code alone would let anyone lock the code's owner out).
    "pledge_sign": (20, 3600),
    "pledge_code": (5, 3600),
    # Initiative signatures (campaigns app): per address (generous: neighbours at a street event
    # share one network), and per address and mobile number.
    "sign": (60, 600),
    "sign_mobile": (5, 3600),
    # Credit-repair help requests (publicity app): per address, and per address and mobile number.
    "repair_help": (10, 3600),
    "repair_help_mobile": (3, 3600),
}


@dataclass(frozen=True)
class Limit:
    allowed: bool
    retry_after: int  # seconds

    @property
    def retry_after_minutes(self):
        return max(1, -(-self.retry_after // 60))


def client_address(request):
    """The client's address; behind a reverse proxy, the header it sets
    (``REGISTRATION_CLIENT_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``)."""
    header = getattr(settings, "REGISTRATION_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def limits():
    return {**DEFAULT_LIMITS, **getattr(settings, "REGISTRATION_RATE_LIMITS", {})}


def hit(request, scope, identity=None):
    """Count one attempt of ``request``'s address in ``scope``; with ``identity`` (e.g. a credit
    code), attempts of this address at that one thing. Limits are always per client: a limit that
    one client's attempts could use up for everybody would be a way to lock others out."""
    attempts, window = limits()[scope]
    key = f"registration-rate:{scope}:{client_address(request)}"
    if identity is not None:
        key += f":{identity}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return Limit(allowed=count <= attempts, retry_after=window)


def wrong_private_link(request):
    """A private link (a registration, a signature, a request) that names nothing: one attempt
    counted against the address, so that links cannot be guessed. Returns the status to answer,
    404 or, once the address has tried too often, 429, and whether it is the latter."""
    limit = hit(request, "private_link")
    return (404, False) if limit.allowed else (429, True)
