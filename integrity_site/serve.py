"""Starts the site's processes, keeps them running and stops them all on Ctrl-C.

    python -m integrity_site.serve           # the production stack on this machine (`make serve`)
    python -m integrity_site.serve --dev     # the developer's: runserver, worker, scheduler (`make run`)

The production stack: the production settings, gunicorn with several workers (deploy/gunicorn.conf.py;
whitenoise serves the static files), the background worker (`run_worker`, which outlives a busy database) and
the scheduler (`run_scheduler`). Before starting them it migrates, creates the database cache table
(when CACHE_URL asks for one), collects the static files and empties the page cache. The site's
base URL (the links of e-mails, feeds, QR codes) becomes SITE_URL when given, else, on a loopback
address and while it is still Wagtail's initial localhost:80, what is served (both modes, so that
a fresh `make run` links to http://127.0.0.1:8000/). Without SECRET_KEY it makes one, once,
in var/secret-key. On a loopback address it serves plain HTTP: no redirect to HTTPS, no HSTS, no
secure-only cookies. Services come from DATABASE_URL, ELASTICSEARCH_URL, REDIS_URL (or CACHE_URL),
else the embedded default (SQLite, database search, a file cache).

A process that exits is started again, after a pause that grows while it keeps failing; one that
fails five times in a row within seconds of starting stops the whole stack. Nothing here imports
Django: each process is its own program.
"""

import argparse
import ipaddress
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MANAGE = [PYTHON, str(BASE_DIR / "manage.py")]
GUNICORN_CONFIG = BASE_DIR / "deploy" / "gunicorn.conf.py"

QUICK_FAILURE = 10  # seconds: a process that ends sooner than this after starting failed to start
GIVE_UP_AFTER = 5  # quick failures in a row
STOP_GRACE = 40  # seconds between asking the processes to stop and killing them (gunicorn: 30)


def say(message):
    print(f"serve: {message}", flush=True)


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def secret_key(state_dir):
    """SECRET_KEY from the environment, else the one kept in ``state_dir``, made on first use."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = state_dir / "secret-key"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50))
        say(f"made a secret key in {path} (keep it: sessions and password-reset links depend on it)")
    return path.read_text().strip()


def production_environment(host, port, state_dir):
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "integrity_site.settings.production")
    env["SECRET_KEY"] = secret_key(state_dir)
    env["HOST"], env["PORT"] = host, str(port)
    env.setdefault("CACHE_DIR", str(state_dir / "cache"))
    env.setdefault("PYTHONUNBUFFERED", "1")
    # Images from MEDIA_ROOT through the application: nobody else serves them here (a web server in
    # front that serves /media/ itself answers those requests before they get here).
    env.setdefault("SERVE_MEDIA", "true")
    if is_loopback(host):
        # Plain HTTP on this machine only: HTTPS redirect, HSTS and secure-only cookies would lock
        # the browser out. Behind a TLS proxy, run without these (see docs/deployment.md).
        env.setdefault("SECURE_SSL_REDIRECT", "false")
        env.setdefault("SECURE_HSTS_SECONDS", "0")
        env.setdefault("SECURE_COOKIES", "false")
        env.setdefault("WAGTAILADMIN_BASE_URL", f"http://{host}:{port}")
    return env


def site_url_step(host, port):
    """`set_site_url`: SITE_URL when given; on a loopback address, what this launcher serves, while
    the site still has Wagtail's initial localhost:80 (which nothing serves)."""
    if os.environ.get("SITE_URL"):
        return ["set_site_url", os.environ["SITE_URL"]]
    if is_loopback(host):
        return ["set_site_url", "--if-unset", f"http://{host}:{port}"]
    return None


def run_steps(env, steps):
    for step in steps:
        say("manage.py " + " ".join(step))
        if subprocess.run([*MANAGE, *step], cwd=BASE_DIR, env=env).returncode != 0:
            raise SystemExit(f"serve: manage.py {step[0]} failed; nothing started")


def prepare(env, demo=False, site_url=None):
    """Migrations, the database cache table (if any), static files, an empty page cache; the demo
    content on request."""
    steps = [
        ["migrate", "--no-input", "-v", "1"],
        ["createcachetable"],
        ["collectstatic", "--no-input", "-v", "0"],
        # Pages cached by the code that ran before were drawn by its templates.
        ["purge_page_cache"],
    ]
    if demo:
        steps.append(["load_demo_content"])
    if site_url:
        steps.append(site_url)
    run_steps(env, steps)


def production_processes():
    return {
        "web": [PYTHON, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG)],
        "worker": [*MANAGE, "run_worker"],
        "scheduler": [*MANAGE, "run_scheduler"],
    }


def development_processes(host, port):
    return {
        "web": [*MANAGE, "runserver", f"{host}:{port}"],
        "worker": [*MANAGE, "run_worker"],
        "scheduler": [*MANAGE, "run_scheduler"],
    }


class Process:
    def __init__(self, name, command, env):
        self.name, self.command, self.env = name, command, env
        self.popen = None
        self.started_at = 0.0
        self.quick_failures = 0
        self.restart_at = None

    def start(self):
        # Its own process group: Ctrl-C reaches the launcher only, which stops the processes in
        # order, and stopping one reaches its children too (gunicorn's workers, runserver's reloader).
        self.popen = subprocess.Popen(self.command, cwd=BASE_DIR, env=self.env, start_new_session=True)
        self.started_at = time.monotonic()
        self.restart_at = None
        say(f"{self.name} started (pid {self.popen.pid})")

    def signal(self, number):
        if self.popen and self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, number)
            except ProcessLookupError:
                pass


class Supervisor:
    def __init__(self, processes, env):
        self.processes = [Process(name, command, env) for name, command in processes.items()]
        self.stopping = False

    def request_stop(self, number, frame):
        if not self.stopping:
            say(f"{signal.Signals(number).name}: stopping")
        self.stopping = True

    def run(self):
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        for process in self.processes:
            process.start()
        code = 0
        while not self.stopping:
            time.sleep(0.2)
            code = self.watch()
        self.stop()
        return code

    def watch(self):
        now = time.monotonic()
        for process in self.processes:
            if process.restart_at is not None:
                if now >= process.restart_at:
                    process.start()
                continue
            returncode = process.popen.poll()
            if returncode is None:
                continue
            if now - process.started_at < QUICK_FAILURE:
                process.quick_failures += 1
            else:
                process.quick_failures = 0
            if process.quick_failures >= GIVE_UP_AFTER:
                say(
                    f"{process.name} failed {GIVE_UP_AFTER} times in a row right after starting: stopping all"
                )
                self.stopping = True
                return 1
            pause = min(30, 2**process.quick_failures)
            say(f"{process.name} exited with code {returncode}; starting it again in {pause} s")
            process.restart_at = now + pause
        return 0

    def stop(self):
        for process in self.processes:
            process.signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for process in self.processes:
            if process.popen is None:
                continue
            try:
                process.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{process.name} did not stop within {STOP_GRACE} s: killing it")
                process.signal(signal.SIGKILL)
                process.popen.wait()
        say("all processes stopped")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m integrity_site.serve", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--dev", action="store_true", help="runserver with the development settings")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--state-dir", type=Path, default=BASE_DIR / "var", help="where the secret key is kept"
    )
    parser.add_argument("--no-prepare", action="store_true", help="skip migrate and collectstatic")
    parser.add_argument("--demo", action="store_true", help="load the demo content before starting")
    parser.add_argument("--only", nargs="+", choices=["web", "worker", "scheduler"], help="start only these")
    options = parser.parse_args(argv)

    if options.dev:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        step = site_url_step(options.host, options.port)
        if step and not options.no_prepare:
            run_steps(env, [step])
        processes = development_processes(options.host, options.port)
    else:
        env = production_environment(options.host, options.port, options.state_dir)
        if not options.no_prepare:
            prepare(env, demo=options.demo, site_url=site_url_step(options.host, options.port))
        processes = production_processes()
        say(f"serving http://{options.host}:{options.port}/ with {env['DJANGO_SETTINGS_MODULE']}")
    if options.only:
        processes = {name: command for name, command in processes.items() if name in options.only}
    return Supervisor(processes, env).run()


if __name__ == "__main__":
    sys.exit(main())
