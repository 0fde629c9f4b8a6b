"""Soak: the production stack on loopback under residents, an editor and feed imports at once.

    .venv/bin/python bench/soak.py                                    # SQLite (a fresh file), 120 s
    .venv/bin/python bench/soak.py --seconds 300 --redis              # Redis as the shared cache
    DATABASE_URL=postgresql://… .venv/bin/python bench/soak.py        # PostgreSQL (a fresh database)

The stack is the one `make serve` runs (``python -m integrity_site.serve --demo``: migrations, the
demo content, gunicorn with the production settings, the background worker, the scheduler), on a
fresh database: on SQLite a file in a temporary folder, on PostgreSQL a database ``soak_…`` created
on the server DATABASE_URL names and dropped afterwards. Residents come from their own addresses
(``X-Real-IP``, as nginx in front sets it). For ``--seconds`` at once:

- residents browse (home, both languages, lectures, a lecture, news, the register, the 双公示
  query, the site search);
- residents register for the demo's lectures (joining the waiting list when full), and some
  cancel through their private link;
- merchants sign the integrity pledge;
- an editor signs in and publishes articles through the admin;
- the feed is uploaded in the admin again and again, and the worker imports each file.

Prints one JSON line per kind of request (count, statuses, p50 and p95 in ms) and a summary: the
requests, the 5xx count (target 0), p95 over all, the imports and what the checks of the database
found afterwards: each seat pool's taken seats equal its confirmed registrations (and companions),
nobody is both confirmed and waiting twice, every article the editor was told was published is
live with its revision and no other article appeared, the page tree has no problems, no import is
left queued or running and each finished, and no task is left running.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from http_load import free_port, redis_server  # noqa: E402 - bench/ is on sys.path

ADMIN_PASSWORD = "soak-" + secrets.token_urlsafe(12)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
SUBMISSION = re.compile(
    r'name="submission_token"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="submission_token"'
)
TEXT_VERSION = re.compile(r'name="text_version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="text_version"')


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else None


def load_average():
    return [round(value, 2) for value in os.getloadavg()]


# --- recording what happened -----------------------------------------------------------------


class Record:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.statuses = defaultdict(Counter)
        self.failures = []  # (kind, path, status, the start of the answer)
        self.published = []  # slugs the admin said were published
        self.imports = []  # import run ids
        self.per_server = Counter()  # requests per app server's port
        self.pledges = []  # credit codes whose signing was answered "please check your e-mail"

    def add(self, kind, path, status, seconds, body=b"", port=None):
        with self.lock:
            self.per_server[port] += 1
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            if status >= 500 and len(self.failures) < 20:
                self.failures.append((kind, path, status, body[:300].decode("utf-8", "replace")))


# --- one visitor: a keep-alive connection, its cookies and its address ----------------------------


class Visitor:
    def __init__(self, port, record, address):
        self.port, self.record, self.address = port, record, address
        self.cookies = {}
        self.connection = None

    def request(self, kind, method, path, body=None, content_type=None):
        path = urllib.parse.quote(path, safe="/?=&%")
        headers = {"X-Real-IP": self.address, "Accept-Language": "zh-CN"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn closes a kept-alive connection after max_requests: open a new one.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        elapsed = time.perf_counter() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";")[0]
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val
        self.record.add(kind, path, response.status, elapsed, content, port=self.port)
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, response.getheader("Location"), content.decode("utf-8", "replace")

    def get(self, kind, path):
        return self.request(kind, "GET", path)

    def form_token(self, page):
        """The CSRF token of the form on ``page``, or None without a form. A cached page's form
        has an empty one: then, as static/js/fresh-form.js does, one from /csrf/."""
        match = CSRF.search(page)
        if match is None:
            return None
        if match.group(1):
            return match.group(1)
        status, _location, answer = self.get("csrf token", "/csrf/")
        return json.loads(answer)["token"] if status == 200 else None

    def post(self, kind, path, fields, token):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}, doseq=True)
        return self.request(kind, "POST", path, body=body)

    def post_multipart(self, kind, path, fields, files, token):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {"csrfmiddlewaretoken": token, **fields}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n"
                ).encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            kind, "POST", path, body=b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
        )

    def sign_in(self):
        _status, _location, page = self.get("admin sign-in", "/admin/login/")
        status, _location, _page = self.post(
            "admin sign-in",
            "/admin/login/",
            {"username": "admin", "password": ADMIN_PASSWORD, "next": "/admin/"},
            CSRF.search(page).group(1),
        )
        if status != 302:
            raise RuntimeError(f"the editor could not sign in ({status})")


def first_group(match):
    return next(group for group in match.groups() if group is not None) if match else ""


# --- what each kind of visitor does ----------------------------------------------------------------


def browse(visitor, site, rng):
    path = rng.choice(site["browse"])
    visitor.get("search" if path.startswith("/search/") else "browse", path)


def register(visitor, site, rng, serial, private_links):
    lecture = rng.choice(site["lectures"])
    _status, _location, page = visitor.get("registration form", lecture)
    token = visitor.form_token(page)
    if token is None:
        return
    fields = {
        "name": f"居民{serial}",
        "mobile": f"139{serial:08d}",
        "consent": "on",
        "join_waiting_list": "on",
        "submission_token": first_group(SUBMISSION.search(page)) or uuid.uuid4().hex,
        "website": "",
    }
    status, location, _page = visitor.post("register", lecture, fields, token)
    if status == 303 and location:
        private_links.append(urllib.parse.urlsplit(location).path)


def cancel(visitor, private_link):
    _status, _location, page = visitor.get("registration page", private_link)
    token = visitor.form_token(page)
    if token is not None:
        visitor.post("cancel", private_link, {}, token)


def sign_pledge(visitor, site, serial, record):
    from integrity_site.core.credit_code import check_character

    _status, _location, page = visitor.get("pledge form", site["pledge"])
    token = visitor.form_token(page)
    if token is None:
        return
    body = f"91370102MA{serial:07d}"[:17]
    fields = {
        "merchant_name": f"济南泉城诚信商店{serial}号",
        "credit_code": body + check_character(body),
        "entity_kind": "enterprise",
        "industry": "retail",
        "subdistrict": site["subdistrict"],
        "address": f"泉城路{serial}号",
        "contact_person": "王小明",
        "mobile": f"137{serial:08d}",
        "email": f"shop{serial}@example.org",
        "signatory_name": "王大明",
        "consent_to_publication": "on",
        "text_version": first_group(TEXT_VERSION.search(page)),
        "website": "",
    }
    status, _location, answer = visitor.post("sign pledge", site["pledge"], fields, token)
    if status == 200 and 'name="credit_code"' not in answer:  # not the form again: "check your e-mail"
        with record.lock:
            record.pledges.append(fields["credit_code"])


def publish_article(visitor, site, serial, record):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    add = f"/admin/pages/add/home/articlepage/{site['news_id']}/"
    _status, _location, page = visitor.get("admin add form", add)
    slug = f"soak-{serial}"
    data = nested_form_data(
        {
            "title": f"诚信街区巡访第{serial}期",
            "slug": slug,
            "date": time.strftime("%Y-%m-%d"),
            "category": "brand",
            "tags": "宽厚里",
            "lead": "志愿者走访街区商户。",
            "body": streamfield([("paragraph", rich_text("<p>走访记录在街区入口公示。</p>"))]),
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    status, _location, _page = visitor.post("admin publish", add, data, CSRF.search(page).group(1))
    if status == 302:
        with record.lock:
            record.published.append(slug)


def import_feed(visitor, site, path, record):
    _status, _location, page = visitor.get("admin imports", "/admin/publicity/imports/")
    status, location, _page = visitor.post_multipart(
        "admin upload",
        "/admin/publicity/imports/",
        {"kind": "auto"},
        {"file": (path.name, path.read_bytes())},
        CSRF.search(page).group(1),
    )
    if status != 302 or not location:
        return
    run_path = urllib.parse.urlsplit(location).path
    with record.lock:
        record.imports.append(int(run_path.rstrip("/").rsplit("/", 1)[1]))
    # Watch it as an editor does: the run page refreshes itself while it runs.
    while True:
        _status, _location, page = visitor.get("admin import run", run_path)
        if 'http-equiv="refresh"' not in page:
            return
        time.sleep(2)


# --- the stack ---------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(folder):
    """A DATABASE_URL for an empty database: a SQLite file, or a new PostgreSQL database."""
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith("postgres"):
        yield f"sqlite:///{folder / 'soak.sqlite3'}"
        return
    import psycopg

    name = f"soak_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(given, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(urllib.parse.urlsplit(given)._replace(path="/" + name))
    finally:
        with psycopg.connect(given, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stack_environment(folder, database_url, redis_url, workers):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "integrity_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEMO_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "REGISTRATION_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        "PUBLICITY_REPORT_DIR": str(folder / "reports"),
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "CACHE_DIR": str(folder / "cache"),
    }
    env.pop("ELASTICSEARCH_URL", None)  # the database search of the embedded default
    if redis_url:
        env["REDIS_URL"] = redis_url
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


@contextlib.contextmanager
def running_stack(env, port, folder, name="stack", options=("--demo",)):
    """`python -m integrity_site.serve` on ``port`` until it answers /healthz; stopped on exit.
    ``options``: the launcher's (the first app server loads the demo content, others start with
    ``--no-prepare``)."""
    log = open(folder / f"{name}.log", "w")  # noqa: SIM115 - closed below
    stack = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "integrity_site.serve",
            *options,
            "--port",
            str(port),
            "--state-dir",
            str(folder / name / "var"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            if stack.poll() is not None:
                raise RuntimeError(f"the stack stopped; see {folder / f'{name}.log'}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            raise RuntimeError("the stack did not become healthy within 15 minutes")
        yield stack
    finally:
        stack.send_signal(signal.SIGINT)
        try:
            stack.wait(90)
        except subprocess.TimeoutExpired:
            stack.kill()
            stack.wait()
        log.close()


def use_database(env):
    """Django in this process, on the stack's database (for finding pages and checking)."""
    for name in (
        "DATABASE_URL",
        "DJANGO_SETTINGS_MODULE",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "MEDIA_ROOT",
        "STATIC_ROOT",
    ):
        os.environ[name] = env[name]
    os.environ.pop("ELASTICSEARCH_URL", None)
    import django

    django.setup()


def the_site():
    from home.models import ArticleIndexPage
    from integrity_site.core.subdistricts import subdistricts
    from lectures.models import LecturePage
    from pledges.models import PledgePage
    from publicity.models import PublicityPage

    lectures = [
        page.url
        for page in LecturePage.objects.live().filter(
            registration_enabled=True, locale__language_code="zh-hans"
        )
    ]
    pledge = PledgePage.objects.live().filter(locale__language_code="zh-hans").first()
    publicity = PublicityPage.objects.live().filter(locale__language_code="zh-hans").first()
    news = ArticleIndexPage.objects.live().filter(locale__language_code="zh-hans").first()
    browse = ["/", "/en/", news.url, pledge.url + "register/", publicity.url + "?q=济南", "/search/?q=诚信"]
    browse += [page.url for page in news.get_children().live()[:3]]
    browse += lectures
    return {
        "lectures": sorted(set(lectures)),
        "pledge": pledge.url,
        "news_id": news.pk,
        "browse": browse,
        "subdistrict": subdistricts()[0][0],
    }


def feed_files(folder, count, rows):
    from integrity_site.demo.feedgen import generate_feed

    files = []
    for number in range(count):
        path = folder / f"licences-{number}.csv"
        generate_feed(path, "licence", rows, seed=900 + number)
        files.append(path)
    return files


# --- the run -------------------------------------------------------------------------------------


def soak(ports, site, files, arguments, record, midway=None):
    """The load, spread over the app servers on ``ports``; ``midway()`` is called half-way."""
    deadline = time.monotonic() + arguments.seconds

    def port(number):
        return ports[number % len(ports)]

    serials = iter(range(1, 10_000_000))
    serial_lock = threading.Lock()
    private_links = []

    def next_serial():
        with serial_lock:
            return next(serials)

    def resident(number):
        rng = random.Random(number)
        visitor = Visitor(port(number), record, f"10.8.{number // 250}.{number % 250 + 1}")
        while time.monotonic() < deadline:
            choice = rng.random()
            if choice < 0.6:
                browse(visitor, site, rng)
            elif choice < 0.85:
                # A new resident each time (one registration per mobile number and address).
                serial = next_serial()
                address = f"10.{9 + serial // 62500 % 200}.{serial // 250 % 250}.{serial % 250 + 1}"
                visitor = Visitor(port(serial), record, address)
                register(visitor, site, rng, serial, private_links)
            elif private_links:
                cancel(visitor, private_links.pop(rng.randrange(len(private_links))))

    def merchant(number):
        while time.monotonic() < deadline:
            serial = next_serial()
            address = f"10.250.{serial // 250 % 250}.{serial % 250 + 1}"
            sign_pledge(Visitor(port(serial), record, address), site, serial, record)
            time.sleep(0.5)

    def editor():
        visitor = Visitor(port(0), record, "10.251.0.1")
        visitor.sign_in()
        while time.monotonic() < deadline:
            publish_article(visitor, site, next_serial(), record)
            time.sleep(2)

    def importer():
        visitor = Visitor(port(1), record, "10.251.0.2")
        visitor.sign_in()
        for path in files:
            if time.monotonic() >= deadline:
                break
            import_feed(visitor, site, path, record)

    errors = []

    def guarded(work, *args):
        def run():
            try:
                work(*args)
            except Exception as error:  # noqa: BLE001 - reported in the summary
                errors.append(repr(error))

        return threading.Thread(target=run)

    threads = [guarded(resident, n) for n in range(arguments.residents)]
    threads += [guarded(merchant, 0), guarded(editor), guarded(importer)]
    if midway is not None:

        def at_half_time():
            time.sleep(arguments.seconds / 2)
            midway()

        threads.append(guarded(at_half_time))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, errors


def check_database(record):
    """What the database holds once the load has stopped."""
    from django.db.models import Count, Q, Sum
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import Page

    from home.models import ArticlePage
    from integrity_site.events.records import Registration, RegistrationStatus, SeatPool
    from pledges.records import Pledge
    from publicity.records import ImportRun

    seat_mismatches = []
    for pool in SeatPool.objects.select_related("event"):
        capacity = getattr(pool.event.specific, "capacity", None) if not pool.role_key else None
        confirmed = Registration.objects.filter(
            event_id=pool.event_id, role_key=pool.role_key, status=RegistrationStatus.CONFIRMED
        ).aggregate(people=Count("pk"), companions=Sum("companions"))
        seats = (confirmed["people"] or 0) + (confirmed["companions"] or 0)
        if seats != pool.seats_taken or (capacity is not None and pool.seats_taken > capacity):
            seat_mismatches.append(
                {"event": pool.event_id, "taken": pool.seats_taken, "confirmed seats": seats}
            )
    twice = (
        Registration.objects.filter(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING])
        .values("event_id", "mobile")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    soak_articles = ArticlePage.objects.filter(slug__startswith="soak-")
    unpublished = [
        slug for slug in record.published if not soak_articles.filter(slug=slug, live=True).exists()
    ]
    unexpected = list(soak_articles.exclude(slug__in=record.published).values_list("slug", flat=True))
    without_revision = soak_articles.filter(
        Q(live_revision__isnull=True) | Q(latest_revision__isnull=True)
    ).count()
    problems = Page.find_problems()
    tree_problems = sum(len(group) for group in problems if group)
    runs = ImportRun.objects.filter(pk__in=record.imports)
    return {
        "registrations": dict(Counter(Registration.objects.values_list("status", flat=True))),
        "seat pools": SeatPool.objects.count(),
        "seat pools that disagree": seat_mismatches,
        "confirmed or waiting twice": twice,
        "pledges signed": len(record.pledges),
        "signed pledges missing": len(
            set(record.pledges) - set(Pledge.objects.values_list("credit_code", flat=True))
        ),
        "articles published": len(record.published),
        "published but not live": unpublished,
        "articles nobody was told about": unexpected,
        "articles without revision": without_revision,
        "page tree problems": tree_problems,
        "imports": dict(Counter(runs.values_list("status", flat=True))),
        "imports not finished": list(
            runs.exclude(status=ImportRun.Status.FINISHED).values_list("pk", "status", "error")
        ),
        "tasks running": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--residents", type=int, default=6, help="concurrent residents (default 6)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the stack's own)")
    parser.add_argument("--redis", action="store_true", help="a throwaway Redis as the shared cache")
    parser.add_argument("--feed-rows", type=int, default=40_000, help="rows per uploaded feed file")
    parser.add_argument("--feed-files", type=int, default=6)
    arguments = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="integrity-site-soak-"))
    record = Record()
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(folder))
        redis_url = stack.enter_context(redis_server()) if arguments.redis else os.environ.get("REDIS_URL")
        env = stack_environment(folder, database_url, redis_url, arguments.workers)
        files = feed_files(folder, arguments.feed_files, arguments.feed_rows)
        port = free_port()
        load_before = load_average()
        stack.enter_context(running_stack(env, port, folder))
        use_database(env)
        site = the_site()
        seconds, errors = soak([port], site, files, arguments, record)
        load_after = load_average()
        checks, vendor = after_the_load(record)

    summary, healthy = report(record, seconds, errors, checks)
    summary = {
        "database": vendor,
        "cache": "redis" if redis_url else "file",
        **summary,
        "load_average": {"before": load_before, "after": load_after},
    }
    print(json.dumps(summary, ensure_ascii=False, default=str))
    return 0 if healthy else 1


def after_the_load(record):
    """Wait for the imports still running, then check the database; (checks, vendor)."""
    from django.db import connection

    from publicity.records import ImportRun

    deadline = time.monotonic() + 300
    while (
        ImportRun.objects.filter(pk__in=record.imports, status__in=["queued", "running"]).exists()
        and time.monotonic() < deadline
    ):
        time.sleep(1)
    checks = check_database(record)
    vendor = connection.vendor
    connection.close()
    return checks, vendor


def report(record, seconds, errors, checks):
    """Print one line per kind of request; (the summary, whether everything held)."""
    every = [latency for values in record.latencies.values() for latency in values]
    for kind in sorted(record.latencies):
        values = record.latencies[kind]
        print(
            json.dumps(
                {
                    "kind": kind,
                    "requests": len(values),
                    "statuses": dict(sorted(record.statuses[kind].items())),
                    "p50_ms": round(percentile(values, 0.5) * 1000, 1),
                    "p95_ms": round(percentile(values, 0.95) * 1000, 1),
                },
                ensure_ascii=False,
            )
        )
    server_errors = sum(
        count for statuses in record.statuses.values() for status, count in statuses.items() if status >= 500
    )
    summary = {
        "seconds": round(seconds, 1),
        "requests": len(every),
        "requests_per_second": round(len(every) / seconds, 1),
        "5xx": server_errors,
        "p95_ms": round(percentile(every, 0.95) * 1000, 1),
        "client errors": errors,
        "first 5xx": record.failures[:5],
        "checks": checks,
    }
    healthy = (
        not server_errors
        and not errors
        and not checks["seat pools that disagree"]
        and not checks["signed pledges missing"]
        and not checks["confirmed or waiting twice"]
        and not checks["published but not live"]
        and not checks["articles nobody was told about"]
        and not checks["articles without revision"]
        and not checks["page tree problems"]
        and not checks["imports not finished"]
        and not checks["tasks running"]
    )
    return summary, healthy


if __name__ == "__main__":
    sys.exit(main())
