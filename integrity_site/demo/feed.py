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


# Penalty columns of the site's feeds beyond the standard layout: the class (轻微 / 一般 / 严重) and
# the date of a completed credit repair.
REPAIR_COLUMNS = ["CF_SXDJ", "CF_XFRQ"]


def _repair_rows(generator, named_parties, today):
    """For the first demo party with penalties: a serious penalty (a revoked licence) and a fine
    repaired ten days ago, so that its credit profile shows a class and says 已信用修复."""
    parties = [(name, code) for kind, name, code in named_parties if kind == "penalty"]
    if not parties:
        return []
    name, code = parties[0]
    serious = _named_row("penalty", generator, name, code, today)
    serious.update(
        CF_WSH=f"济历市监罚字〔{today.year}〕演示1号",
        CF_CFLB="吊销许可证",
        CF_NR="吊销食品经营许可证",
        CF_GSJZQ="",
        CF_YXQ="",
    )
    repaired = _named_row("penalty", generator, name, code, today)
    decided = today - datetime.timedelta(days=200)
    repaired.update(
        CF_WSH=f"济历市监罚字〔{decided.year}〕演示2号",
        CF_JDRQ=decided.isoformat(),
        CF_GSJZQ="",
        CF_YXQ="",
        CF_XFRQ=(today - datetime.timedelta(days=10)).isoformat(),
    )
    return [serious, repaired]


def _without_authority_dates(rows):
    """Every other generated penalty without the authority's 公示截止期: the credit-repair rules
    then give its end of publicity."""
    for number, row in enumerate(rows):
        if number % 2 and "CF_GSJZQ" in row:
            row["CF_GSJZQ"] = ""
        yield row


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
            columns = list(generator.columns)
            if kind == "penalty":
                extra += _repair_rows(generator, named_parties, today)
                columns += REPAIR_COLUMNS

            def rows(generator=generator, count=count, extra=extra):
                yield from _without_authority_dates(row for row, _bad in generator.rows(count))
                yield from extra

            path = Path(folder) / f"demo-{kind}.csv"
            write_feed(path, rows(), columns)
            summary = import_feed(
                str(path), kind=kind, report_path=str(Path(folder) / f"{kind}-rejected.csv")
            )
            log(f"  + demo feed: {summary.created} {kind} records")
            summaries.append(summary)
    return summaries
