"""Benchmark: import one district's publicity feed (130,063 records: 3,014 penalties, the rest
licences), then import it again unchanged, then look credit codes up.

    .venv/bin/python bench/publicity_import.py                   # SQLite (a fresh file database)
    DATABASE_URL=postgresql://… .venv/bin/python bench/publicity_import.py   # PostgreSQL (emptied first)

Each import runs in its own fresh process, so that its time and peak memory are the import's own;
the time excludes Django's start-up. A large file is read by a second, forked process (see
publicity/importer.py), so the peak memory reported is the larger of the biggest process's peak
resident set and the peak of both processes' proportional set sizes added up (pages they share
count once), sampled every 50 ms. Wall-clock and CPU time (of both processes) are reported: on a
shared machine the CPU time is the steadier figure. The management command is
then run once as an operator would. Prints a JSON line per step
and a summary; targets: ≥ 10,000 rows/s, < 300 MB peak, code lookup < 10 ms.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LICENCES = 127_049
PENALTIES = 3_014
CACHE = ROOT / ".cache" / "bench-publicity"


def generate_files():
    """The feed files, made once and cached (deterministic)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrity_site.settings.test")
    from integrity_site.demo.feedgen import generate_feed

    CACHE.mkdir(parents=True, exist_ok=True)
    files = []
    for kind, count, seed in [("licence", LICENCES, 11), ("penalty", PENALTIES, 12)]:
        path = CACHE / f"{kind}-{count}.csv"
        if not path.exists():
            generate_feed(path, kind, count, seed=seed, first_date=datetime.date(2018, 1, 2))
        files.append(path)
    return files


def environment(database_url):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="integrity_site.settings.test", DATABASE_URL=database_url)
    env["PUBLICITY_BENCH"] = "1"
    return env


def run_child(arguments, env):
    """(seconds, peak RSS in MB, stdout) of one child process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(arguments, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        # wait4 gives this child's own resource usage, peak resident memory included.
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode:
        raise SystemExit(f"{' '.join(map(str, arguments))} failed:\n{stderr}")
    return seconds, usage.ru_maxrss / 1024, stdout


IMPORT_SCRIPT = """
import json, multiprocessing, resource, sys, threading, time, django
django.setup()
from publicity.importer import import_feed


def pss_mb(pid):
    # Proportional set size: pages shared with the forked reading process count once in the sum.
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return next(int(line.split()[1]) for line in rollup if line.startswith("Pss:")) / 1024
    except (OSError, StopIteration):
        return 0.0


peak = {"pss_mb": 0.0}
done = threading.Event()


def sample():
    while not done.wait(0.05):
        total = pss_mb("self") + sum(pss_mb(child.pid) for child in multiprocessing.active_children())
        peak["pss_mb"] = max(peak["pss_mb"], total)


sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started, cpu_started = time.perf_counter(), time.process_time()
summaries = [import_feed(path, report_path=path + ".rejected.csv").as_dict() for path in sys.argv[1:]]
seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
done.set()
sampler.join()
children_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds,
                  "reader_cpu_seconds": children_cpu.ru_utime + children_cpu.ru_stime,
                  "baseline_mb": baseline_mb, "peak_pss_mb": peak["pss_mb"], "summaries": summaries}))
"""


def import_all(files, env, label, workdir):
    """Import every file in one fresh process; the import's own time, CPU time and the process's
    peak memory (Django and Wagtail alone take the ``baseline_mb`` of it)."""
    copies = []
    for path in files:
        copy = Path(workdir) / path.name
        shutil.copyfile(path, copy)
        copies.append(str(copy))
    _seconds, peak_mb, stdout = run_child([sys.executable, "-c", IMPORT_SCRIPT, *copies], env)
    measured = json.loads(stdout.strip().splitlines()[-1])
    summaries = measured["summaries"]
    rows = sum(s["rows"] for s in summaries)
    result = {
        "step": label,
        "rows": rows,
        "seconds": round(measured["seconds"], 2),
        "rows_per_second": round(rows / measured["seconds"]),
        "cpu_seconds": round(measured["cpu_seconds"], 2),
        "reader_cpu_seconds": round(measured["reader_cpu_seconds"], 2),
        "rows_per_cpu_second": round(rows / (measured["cpu_seconds"] + measured["reader_cpu_seconds"])),
        "peak_mb": round(max(peak_mb, measured["peak_pss_mb"]), 1),
        "peak_rss_mb": round(peak_mb, 1),
        "peak_pss_mb": round(measured["peak_pss_mb"], 1),
        "baseline_mb": round(measured["baseline_mb"], 1),
        "created": sum(s["created"] for s in summaries),
        "unchanged": sum(s["unchanged"] for s in summaries),
        "rejected": sum(s["rejected"] for s in summaries),
    }
    print(json.dumps(result), flush=True)
    return result


def command_check(files, env):
    """The management command itself, once, as an operator runs it (process start-up included)."""
    seconds, peak_mb, stdout = run_child(
        [
            sys.executable,
            "manage.py",
            "import_publicity_feed",
            str(files[-1]),
            "--report",
            str(Path(tempfile.gettempdir()) / "bench-command-rejected.csv"),
        ],
        env,
    )
    summary = json.loads(stdout.strip())
    print(
        json.dumps(
            {
                "step": "command, unchanged penalties file",
                "seconds": round(seconds, 2),
                "peak_mb": round(peak_mb, 1),
                **summary,
            }
        ),
        flush=True,
    )


LOOKUP_SCRIPT = """
import json, random, statistics, time, django
django.setup()
from django.db import connection
from publicity.records import PublicityRecord
from publicity import queries
from publicity.views import RESULTS_PER_PAGE
from integrity_site.core.pagination import paginate
from django.test import RequestFactory
codes = list(PublicityRecord.objects.filter(kind="licence").exclude(credit_code="")
             .values_list("credit_code", flat=True)[:50000])
random.seed(1)
sample = random.sample(codes, 500)
request = RequestFactory().get("/")
timings = []
for code in sample:
    started = time.perf_counter()
    page = paginate(request, queries.search(code), RESULTS_PER_PAGE)
    entries = [queries.public_entry(record) for record in page.object_list]
    timings.append((time.perf_counter() - started) * 1000)
    assert entries
timings.sort()
print(json.dumps({"step": "code lookup", "lookups": len(timings), "median_ms": round(statistics.median(timings), 2),
                  "p95_ms": round(timings[int(len(timings) * 0.95)], 2), "max_ms": round(timings[-1], 2),
                  "records": PublicityRecord.objects.count(), "database": connection.vendor}))
"""

# Name search as the page runs it, for three kinds of term taken from the data: 2-character and
# 3-character person names, and 4-8 character fragments of business names (at a random offset).
NAME_LOOKUP_SCRIPT = """
import json, random, statistics, time, django
django.setup()
from django.db import connection
from django.test import RequestFactory
from integrity_site.core.pagination import paginate
from publicity import queries
from publicity.records import PublicityRecord
from publicity.views import RESULTS_PER_PAGE
names = PublicityRecord.objects.order_by("pk").values_list("subject_name", flat=True)
people = sorted(set(names.filter(subject_category="natural_person")))
businesses = [n for n in names.exclude(subject_category="natural_person")[:50000] if len(n) >= 8]
random.seed(2)
def fragment():
    length, name = random.randint(4, 8), random.choice(businesses)
    start = random.randint(0, len(name) - length)
    return name[start:start + length]
groups = {
    "2 characters (person names)": random.sample([n for n in people if len(n) == 2], 100),
    "3 characters (person names)": random.sample([n for n in people if len(n) == 3], 100),
    "4-8 characters (business name fragments)": [fragment() for _ in range(100)],
}
request = RequestFactory().get("/")
list(queries.search("预热"))  # the connection and the first query's set-up are not timed
results = {}
for label, terms in groups.items():
    timings, matches = [], []
    for term in terms:
        started = time.perf_counter()
        page = paginate(request, queries.search(term), RESULTS_PER_PAGE)
        entries = [queries.public_entry(record) for record in page.object_list]
        timings.append((time.perf_counter() - started) * 1000)
        assert entries, term
        matches.append(page.paginator.count)
    timings.sort()
    results[label] = {"lookups": len(timings), "median_ms": round(statistics.median(timings), 2),
                      "p95_ms": round(timings[int(len(timings) * 0.95)], 2), "max_ms": round(timings[-1], 2),
                      "median_matches": statistics.median(matches)}
print(json.dumps({"step": "name lookup", **results, "records": PublicityRecord.objects.count(),
                  "database": connection.vendor}, ensure_ascii=False))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    files = generate_files()
    database_url = os.environ.get("DATABASE_URL", "")
    workdir = tempfile.mkdtemp(prefix="bench-publicity-")
    if not database_url:
        database_url = f"sqlite:///{workdir}/bench.sqlite3"
    env = environment(database_url)
    if database_url.startswith("postgres"):
        # Start from an empty schema so that the first import creates every record.
        run_child([sys.executable, "manage.py", "migrate", "publicity", "zero", "--no-input"], env)
    run_child([sys.executable, "manage.py", "migrate", "--no-input"], env)
    vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
    print(
        json.dumps({"database": vendor, "files": [f.name for f in files], "cpus": os.cpu_count()}), flush=True
    )
    first = import_all(files, env, "first import", workdir)
    second = import_all(files, env, "second import (unchanged)", workdir)
    command_check(files, env)
    process = subprocess.run(
        [sys.executable, "-c", LOOKUP_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if process.returncode:
        raise SystemExit(process.stderr)
    lookup = json.loads(process.stdout.strip().splitlines()[-1])
    print(json.dumps(lookup), flush=True)
    process = subprocess.run(
        [sys.executable, "-c", NAME_LOOKUP_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if process.returncode:
        raise SystemExit(process.stderr)
    print(process.stdout.strip().splitlines()[-1], flush=True)
    shutil.rmtree(workdir, ignore_errors=True)
    print(
        json.dumps(
            {
                "database": vendor,
                "first_rows_per_second": first["rows_per_second"],
                "first_seconds": first["seconds"],
                "first_rows_per_cpu_second": first["rows_per_cpu_second"],
                "second_rows_per_second": second["rows_per_second"],
                "second_seconds": second["seconds"],
                "peak_mb": max(first["peak_mb"], second["peak_mb"]),
                "lookup_median_ms": lookup["median_ms"],
                "lookup_p95_ms": lookup["p95_ms"],
                "targets_met": first["rows_per_second"] >= 10_000
                and max(first["peak_mb"], second["peak_mb"]) < 300
                and lookup["p95_ms"] < 10,
            }
        )
    )


if __name__ == "__main__":
    main()
