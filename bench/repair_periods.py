"""Benchmark: recompute the class, repair date and end of publicity of 130,063 penalties from the
credit-repair rules, and run the daily end-of-publicity job.

    .venv/bin/python bench/repair_periods.py                   # SQLite (a fresh file database)
    DATABASE_URL=postgresql://… .venv/bin/python bench/repair_periods.py   # PostgreSQL (emptied first)

The penalties come from integrity_site/demo/feedgen.py (decisions over eight years, half of them
without the authority's 公示截止期, so that the rules give it; some warnings by simple procedure
and revoked licences, so that every class occurs) through the importer. Then, each in
this process and timed (wall clock and CPU), with the load average before each step:

- a recompute with the rules unchanged (every penalty read and classified, nothing written);
- a recompute after an editor shortened the general period of the 2026 rules (the penalties
  decided since 1 April 2026 written again);
- a recompute after the general period of every rule set changed (most penalties written);
- the daily job (``repair_periods.end_of_publicity``).

Prints a JSON line per step.
"""

import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PENALTIES = 130_063
CACHE = ROOT / ".cache" / "bench-repair"


def cpu_seconds():
    """This process's CPU time and that of its ended children (the import's reading process)."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


def timed(step, function, **extra):
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), cpu_seconds()
    result = function()
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(
        json.dumps(
            {
                "step": step,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu, 2),
                "load_before": round(load, 2),
                "result": result,
                **extra,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    return result


def feed_file():
    from integrity_site.demo.feedgen import FeedGenerator, write_feed

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"penalties-{PENALTIES}.csv"
    if not path.exists():
        generator = FeedGenerator(
            "penalty",
            seed=16,
            first_date=datetime.date(2018, 12, 3),
            last_date=datetime.date.today() - datetime.timedelta(days=1),
        )

        def rows():
            for number, (row, _bad) in enumerate(generator.rows(PENALTIES)):
                if number % 2:
                    row["CF_GSJZQ"] = ""
                # Some of each class: warnings by simple procedure (minor), revoked licences (serious).
                if row["CF_CFLB"] == "警告" and number % 3 == 0:
                    row["CF_NR"] = "适用简易程序，当场予以警告"
                elif number % 11 == 0:
                    row["CF_CFLB"], row["CF_NR"] = "吊销许可证", "吊销食品经营许可证"
                yield row

        write_feed(path, rows(), generator.columns)
    return path


def main():
    database_url = os.environ.get("DATABASE_URL", "")
    workdir = tempfile.mkdtemp(prefix="bench-repair-")
    if not database_url:
        database_url = f"sqlite:///{workdir}/bench.sqlite3"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="integrity_site.settings.test", DATABASE_URL=database_url)
    os.environ.update(env)
    manage = [sys.executable, "manage.py"]
    if database_url.startswith("postgres"):
        subprocess.run([*manage, "migrate", "publicity", "zero", "--no-input"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "migrate", "--no-input"], cwd=ROOT, env=env, check=True, capture_output=True)

    import django

    django.setup()
    from django.db import connection

    from publicity import repair_periods
    from publicity.importer import import_feed
    from publicity.records import PublicityRecord
    from publicity.repair_rules import SeverityPeriod

    path = feed_file()
    print(
        json.dumps({"database": connection.vendor, "penalties": PENALTIES, "cpus": os.cpu_count()}),
        flush=True,
    )
    summary = timed(
        "import (classes and dates computed while reading)",
        lambda: import_feed(str(path), kind="penalty", report_path=f"{workdir}/rejected.csv").as_dict(),
    )
    assert summary["created"] == PENALTIES - summary["rejected"], summary
    classes = dict(
        PublicityRecord.objects.values_list("severity").annotate(n=django.db.models.Count("*")).order_by()
    )
    print(json.dumps({"classes": classes}), flush=True)

    timed("recompute, rules unchanged", repair_periods.recompute)
    general_2026 = SeverityPeriod.objects.filter(
        rule_set__effective_from=datetime.date(2026, 4, 1), severity="general"
    )
    general_2026.update(maximum_months=6)
    timed("recompute, 2026 general period changed", repair_periods.recompute)
    SeverityPeriod.objects.filter(severity="general").update(maximum_months=9)
    timed("recompute, every general period changed", repair_periods.recompute)
    timed("daily end of publicity", repair_periods.end_of_publicity)


if __name__ == "__main__":
    main()
