"""Gunicorn's configuration for the production stack (`make serve`, systemd units, containers).

Everything can be overridden from the environment: HOST and PORT (or GUNICORN_BIND), WEB_CONCURRENCY
(worker processes), GUNICORN_THREADS, GUNICORN_TIMEOUT, FORWARDED_ALLOW_IPS.
"""

import multiprocessing
import os

wsgi_app = "integrity_site.wsgi:application"
proc_name = "integrity-site"

bind = (
    os.environ.get("GUNICORN_BIND")
    or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# Synchronous workers, two per core and one more, at most eight on one machine: requests are short
# and mostly wait on the database; more machines, not more workers, carry more load.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (a slow leak never grows for long).
max_requests = 2000
max_requests_jitter = 200
# No runtime control socket: several servers on one machine would share its one path.
control_socket_disable = True

# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# X-Forwarded-* headers are believed from these addresses only (the reverse proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# One line per request on standard output, with the response time in milliseconds; errors and
# gunicorn's own messages on standard error.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %({x-forwarded-for}i)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
