"""Lighthouse on the key pages of the production stack, as a phone sees them.

    .venv/bin/python bench/lighthouse.py                 # each page three times, the median scores
    .venv/bin/python bench/lighthouse.py --runs 1

The stack is the one `make serve DEMO=1` runs, started as bench/soak.py starts it (``python -m
integrity_site.serve --demo`` on a free port, a fresh SQLite database in a temporary folder,
gunicorn with the production settings, whitenoise, the page cache), with a small 双公示 feed
imported so that the query page shows records. Lighthouse (pinned in tests/node/package.json,
installed on first use into .cache/node/) runs with its default mobile preset (a mid-range phone,
simulated slow 4G and a 4× slower CPU) in Debian's Chromium, headless; it never downloads a
browser. Each page is asked for once before it is measured, so that it comes from the page cache
as it does for every visitor after the first.

Prints, and writes to ``.cache/bench-lighthouse/results.md`` (with each run's JSON report beside
it), a table of the four category scores per page (Performance, Accessibility, Best Practices,
SEO; 0–100, the median of ``--runs``) and, below it, every audit that lost points and the advice
that costs none. Targets:
Accessibility, Best Practices and SEO 100, Performance at least 95.
"""

import argparse
import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from http_load import free_port  # noqa: E402 - bench/ is on sys.path
from soak import fresh_database, running_stack, stack_environment, use_database  # noqa: E402

from tests.services import node_tools  # noqa: E402

CATEGORIES = [
    ("performance", "Performance"),
    ("accessibility", "Accessibility"),
    ("best-practices", "Best Practices"),
    ("seo", "SEO"),
]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
RESULTS_DIR = ROOT / ".cache" / "bench-lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
FEED_ROWS = 500
ATTEMPTS = 3


def load_average():
    return [round(value, 2) for value in os.getloadavg()]


def import_feed(env, folder):
    """A small licence and penalty feed, imported as an operator does."""
    from tests.feedgen import generate_feed

    for kind in ("licence", "penalty"):
        path = folder / f"{kind}.csv"
        generate_feed(path, kind, FEED_ROWS, seed=42)
        subprocess.run(
            [sys.executable, "manage.py", "import_publicity_feed", str(path)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def key_pages():
    """(name, path) of the pages measured, found in the stack's database."""
    from home.models import ArticleIndexPage
    from lectures.models import LecturePage
    from pledges.models import PledgePage
    from publicity.models import PublicityPage
    from publicity.records import PublicityRecord

    def first(model):
        return model.objects.live().filter(locale__language_code="zh-hans").order_by("path").first()

    news = first(ArticleIndexPage)
    article = news.get_children().live().order_by("path").first()
    code = (
        PublicityRecord.objects.exclude(credit_code="")
        .order_by("pk")
        .values_list("credit_code", flat=True)[0]
    )
    return [
        ("home", "/"),
        ("home (English)", "/en/"),
        ("article", article.url),
        ("lecture", first(LecturePage).url),
        ("pledge form", first(PledgePage).url),
        ("双公示 query", first(PublicityPage).url + "?" + urllib.parse.urlencode({"q": code})),
        ("search", "/search/?" + urllib.parse.urlencode({"q": "诚信"})),
    ]


def warm(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", urllib.parse.quote(path, safe="/?=&%"), headers={"Accept-Language": "zh-CN"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")


def lighthouse(command, url, report):
    """One Lighthouse run's result. On a busy machine Chrome's trace now and then misses the
    navigation (NO_NAVSTART): such a run is repeated, up to ATTEMPTS times."""
    for attempt in range(1, ATTEMPTS + 1):
        finished = subprocess.run(
            [
                *command,
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                "--only-categories=" + ",".join(key for key, _label in CATEGORIES),
                f"--chrome-flags={CHROME_FLAGS}",
                "--max-wait-for-load=60000",
            ],
            env=node_tools.environment(),
        )
        if finished.returncode == 0:
            result = json.loads(report.read_text(encoding="utf-8"))
            if not result.get("runtimeError"):
                return result
        print(f"lighthouse: run {attempt} of {url} failed; again", file=sys.stderr, flush=True)
    raise RuntimeError(f"Lighthouse failed {ATTEMPTS} times on {url}")


def scores_of(result):
    return {key: round(100 * (result["categories"][key]["score"] or 0)) for key, _label in CATEGORIES}


def lost_points(result):
    """The audits that did not pass, with Lighthouse's own words: ({line: value} of those that cost
    points, {line: value} of the advice that costs none: opportunities and diagnostics)."""
    costly, advice = {}, {}
    for key, label in CATEGORIES:
        for reference in result["categories"][key]["auditRefs"]:
            audit = result["audits"][reference["id"]]
            if audit["score"] is not None and audit["score"] < 1:
                line = f"{label}: {audit['id']}: {audit['title']}"
                (costly if reference["weight"] else advice)[line] = audit.get("displayValue", "")

    return costly, advice


def merged(runs, part):
    """The lines of ``part`` (0: costly, 1: advice) over all runs, each with its values in them."""
    values = {}
    for run in runs:
        for line, value in lost_points(run)[part].items():
            values.setdefault(line, [])
            if value and value not in values[line]:
                values[line].append(value)
    return [line + (f" ({' / '.join(found)})" if found else "") for line, found in sorted(values.items())]


def table(rows):
    header = "| page | " + " | ".join(label for _key, label in CATEGORIES) + " |"
    lines = [header, "|---|" + "---:|" * len(CATEGORIES)]
    for name, path, scores in rows:
        lines.append(
            f"| {name} (`{path}`) | " + " | ".join(str(scores[key]) for key, _label in CATEGORIES) + " |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median counts")
    arguments = parser.parse_args()
    command = node_tools.lighthouse_command()

    folder = Path(tempfile.mkdtemp(prefix="integrity-site-lighthouse-"))
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in RESULTS_DIR.glob("*.json"):
        stale.unlink()
    rows, findings = [], {}
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(folder))
        env = stack_environment(folder, database_url, None, None)
        port = free_port()
        stack.enter_context(running_stack(env, port, folder))
        import_feed(env, folder)
        use_database(env)
        load_before, started = load_average(), time.strftime("%Y-%m-%d %H:%M %Z")
        for name, path in key_pages():
            warm(port, path)
            runs = []
            for number in range(arguments.runs):
                slug = "".join(character if character.isalnum() else "-" for character in name)
                result = lighthouse(
                    command, f"http://127.0.0.1:{port}{path}", RESULTS_DIR / f"{slug}-{number}.json"
                )
                runs.append(result)
            scores = {
                key: statistics.median(scores_of(run)[key] for run in runs) for key, _label in CATEGORIES
            }
            rows.append((name, path, {key: round(value) for key, value in scores.items()}))
            findings[name] = [merged(runs, part) for part in (0, 1)]
            print(json.dumps({"page": name, "path": path, **scores}, ensure_ascii=False), flush=True)
        load_after = load_average()

    version = runs[-1]["lighthouseVersion"]
    browser = runs[-1]["environment"]["hostUserAgent"]
    lines = [
        f"Lighthouse {version}, mobile preset, {arguments.runs} run(s) per page (median), {started}; "
        f"load average {load_before} before, {load_after} after; {browser}",
        "",
        table(rows),
        "",
        "What lost points (in any run):",
    ]
    for name, (costly, _advice) in findings.items():
        lines += [f"- {name}: " + ("none" if not costly else "")] + [f"  - {line}" for line in costly]
    lines += ["", "Advice that costs no points (in any run):"]
    for name, (_costly, advice) in findings.items():
        lines += [f"- {name}: " + ("none" if not advice else "")] + [f"  - {line}" for line in advice]
    text = "\n".join(lines) + "\n"
    (RESULTS_DIR / "results.md").write_text(text, encoding="utf-8")
    print(text)
    met = all(scores[key] >= TARGETS[key] for _name, _path, scores in rows for key in TARGETS)
    print(json.dumps({"targets_met": met, "results": str(RESULTS_DIR / "results.md")}))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
