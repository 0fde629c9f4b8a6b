"""The demo's 双公示 feed: licences, penalties and dishonest-debtor records at the work report's
proportions (127,019 licences to 3,014 penalties), scaled down for a quick start, generated with
feedgen and loaded through the site's importer as an editor's upload would be. A few rows name
demo parties on purpose, so that the cross-check and the credit check step of moderation have
something to find on a fresh install."""

import datetime
import tempfile
from pathlib import Path

from .feedgen import FeedGenerator, write_feed

# The report's figures (130,063 records in all); the demo divides them by its scale (1 = full
# size), keeping at least a handful of each kind to look at.
REPORT_COUNTS = {"licence": 127_019, "penalty": 3_014, "dishonest": 30}
DEFAULT_SCALE = 50
MINIMUM_COUNT = 10


def demo_counts(scale):
    return {kind: max(MINIMUM_COUNT, round(count / scale)) for kind, count in REPORT_COUNTS.items()}


def _named_row(kind, generator, name, code, today):
    """A generated row of ``kind`` about the party ``name``/``code``, decided 40 days ago and
    still publicly shown."""
    row, _bad = next(generator.rows(1))
    decided = today - datetime.timedelta(days=40)
    if kind == "penalty":
        row.update(
            CF_XDR_MC=name,
            CF_XDR_LB="法人及非法人组织",
            CF_XDR_SHXYM=code,
            CF_XDR_ZJLX="",
            CF_XDR_ZJHM="",
            CF_JDRQ=decided.isoformat(),
            CF_YXQ=(decided + datetime.timedelta(days=365)).isoformat(),
            CF_GSJZQ=(decided + datetime.timedelta(days=365)).isoformat(),
        )
    elif kind == "licence":
        # Registration type 2 of a code (92…) is an individual business.
        category = "个体工商户" if code.startswith("92") else "法人及非法人组织"
        row.update(
            XK_XDR_MC=name,
            XK_XDR_LB=category,
            XK_XDR_SHXYM=code,
            XK_FRDB="",
            XK_XDR_ZJLX="",
            XK_XDR_ZJHM="",
            XK_JDRQ=decided.isoformat(),
            XK_YXQZ=decided.isoformat(),
            XK_YXQZI=(decided + datetime.timedelta(days=5 * 365)).isoformat(),
        )
    else:
        row.update(INAME=name, TYPE="法人或其他组织", CARDNUM=code, PUBLISHDATE=decided.isoformat())
    return row


def load_demo_feed(named_parties, today, scale=DEFAULT_SCALE, log=print):
    """Import the demo feed unless the site already holds one; returns the import summaries.

    ``named_parties``: [(kind, name, credit_code)] rows to add about demo parties."""
    from publicity.importer import import_feed
    from publicity.records import PublicityRecord

    if PublicityRecord.objects.exists():
        return []
    options = {
        "first_date": today - datetime.timedelta(days=3 * 365),
        "last_date": today - datetime.timedelta(days=1),
    }
    summaries = []
    with tempfile.TemporaryDirectory() as folder:
        for seed, (kind, count) in enumerate(demo_counts(scale).items(), start=71):
            generator = FeedGenerator(kind, seed=seed, **options)
            extra = [
                _named_row(kind, generator, name, code, today)
                for party_kind, name, code in named_parties
                if party_kind == kind
            ]

            def rows(generator=generator, count=count, extra=extra):
                for row, _bad in generator.rows(count):
                    yield row
                yield from extra

            path = Path(folder) / f"demo-{kind}.csv"
            write_feed(path, rows(), generator.columns)
            summary = import_feed(
                str(path), kind=kind, report_path=str(Path(folder) / f"{kind}-rejected.csv")
            )
            log(f"  + demo feed: {summary.created} {kind} records")
            summaries.append(summary)
    return summaries
