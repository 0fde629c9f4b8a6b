"""Static files served by the application itself (whitenoise), for the production settings."""

from whitenoise.middleware import WhiteNoiseMiddleware

ONE_YEAR = 365 * 24 * 60 * 60


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """Whitenoise, with hashed (immutable) files cached for one year rather than its ten: a year is
    as far as HTTP caches are asked to look ahead, and a new release has new names anyway."""

    FOREVER = ONE_YEAR
