"""Bar charts drawn as SVG on the server: no script, no network, readable on a phone.

Each chart carries its numbers on the bars and a sentence that says what it shows, so that
nobody needs a table (or eyesight) to read it.

``monthly_chart`` is the one chart of counts per month; the statistics page draws every kind
and every authority with it (``kind_chart``, ``authority_chart``).
"""

import dataclasses

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from publicity.records import RecordKind


@dataclasses.dataclass(frozen=True)
class Layout:
    """The chart's geometry, in SVG user units (the SVG scales to the width of its box)."""

    label_width: int
    plot_width: int
    value_width: int
    bar_height: int
    bar_gap: int

    @property
    def width(self):
        return self.label_width + self.plot_width + self.value_width


# Long labels, such as authorities' names.
WIDE = Layout(label_width=200, plot_width=360, value_width=70, bar_height=22, bar_gap=8)
# Month labels ("2020年11月", "September 2020"): about as wide as a phone's screen, so that the
# text stays near its real size at 390 pixels.
MONTHS = Layout(label_width=120, plot_width=170, value_width=50, bar_height=18, bar_gap=4)


@dataclasses.dataclass
class Bar:
    label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclasses.dataclass
class BarChart:
    title: str
    summary: str
    bars: list
    width: int
    height: int
    label_width: int = WIDE.label_width
    bar_height: int = WIDE.bar_height


def bar_chart(title, summary, items, layout=WIDE):
    """A horizontal bar chart of ``items``: [(label, value), …]."""
    largest = max((value for _label, value in items), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * (layout.bar_height + layout.bar_gap)
        width = round(layout.plot_width * value / largest) if value else 0
        bars.append(
            Bar(
                label=str(label),
                value=value,
                y=y,
                width=width,
                text_y=y + (layout.bar_height + 10) // 2,
                value_x=layout.label_width + width + 6,
            )
        )
    height = max(1, len(items) * (layout.bar_height + layout.bar_gap) - layout.bar_gap)
    return BarChart(
        title=title,
        summary=summary,
        bars=bars,
        width=layout.width,
        height=height,
        label_width=layout.label_width,
        bar_height=layout.bar_height,
    )


def month_label(month):
    return date_format(month, "YEAR_MONTH_FORMAT")


def monthly_chart(title, months, describe):
    """A chart of ``months``: [(first day of month, count), …], oldest first.

    ``describe(total, months, count, month)`` gives the summary sentence: ``total`` over the
    ``months`` months, the most (``count``) in ``month`` (the latest of equally busy months,
    already written out). Months without any records get a sentence that says so.
    """
    total = sum(count for _month, count in months)
    if total:
        busiest_month, busiest = max(months, key=lambda item: (item[1], item[0]))
        summary = describe(total, len(months), busiest, month_label(busiest_month))
    else:
        summary = _("None in the last %(months)d months.") % {"months": len(months)}
    return bar_chart(title, summary, [(month_label(month), count) for month, count in months], layout=MONTHS)


def _values(total, months, count, month):
    return {"total": total, "months": months, "count": count, "month": month}


# Whole sentences per kind, so that each translates naturally.
def _kind_title(kind):
    return {
        RecordKind.LICENCE: _("Licences per month"),
        RecordKind.PENALTY: _("Penalties per month"),
        RecordKind.DISHONEST: _("Dishonest judgment debtors per month"),
    }[kind]


def _kind_summary(kind):
    def describe(total, months, count, month):
        values = _values(total, months, count, month)
        if kind == RecordKind.LICENCE:
            return (
                ngettext(
                    "%(total)d licence in the last %(months)d months; the most, %(count)d, in %(month)s.",
                    "%(total)d licences in the last %(months)d months; the most, %(count)d, in %(month)s.",
                    total,
                )
                % values
            )
        if kind == RecordKind.PENALTY:
            return (
                ngettext(
                    "%(total)d penalty in the last %(months)d months; the most, %(count)d, in %(month)s.",
                    "%(total)d penalties in the last %(months)d months; the most, %(count)d, in %(month)s.",
                    total,
                )
                % values
            )
        return (
            ngettext(
                "%(total)d dishonest judgment debtor listed in the last %(months)d months; the most, %(count)d, "
                "in %(month)s.",
                "%(total)d dishonest judgment debtors listed in the last %(months)d months; the most, %(count)d, "
                "in %(month)s.",
                total,
            )
            % values
        )

    return describe


def kind_chart(kind, months):
    """Records of one kind per month."""
    return monthly_chart(_kind_title(kind), months, _kind_summary(kind))


def _authority_summary(total, months, count, month):
    return ngettext(
        "%(total)d licence or penalty in the last %(months)d months; the most, %(count)d, in %(month)s.",
        "%(total)d licences and penalties in the last %(months)d months; the most, %(count)d, in %(month)s.",
        total,
    ) % _values(total, months, count, month)


def authority_chart(row):
    """One authority's licences and penalties per month (a ``queries.AuthorityMonths``), or those
    of the authorities folded together."""
    if row.folded:
        title = ngettext(
            "%(count)d other authority",
            "%(count)d other authorities",
            row.folded,
        ) % {"count": row.folded}
    else:
        title = row.authority
    return monthly_chart(title, row.months, _authority_summary)


@dataclasses.dataclass
class Section:
    title: str
    intro: str
    charts: list
    empty: str = ""  # said instead of the charts when there are none


def statistics_sections(per_kind, per_authority, months, top):
    """The statistics page: ``per_kind`` from ``queries.records_per_month``, ``per_authority``
    from ``queries.records_per_authority_per_month`` (``top`` authorities), over ``months`` months.
    No sections when nothing at all was decided in those months."""
    if not any(count for series in per_kind.values() for _month, count in series):
        return []
    folded = sum(row.folded for row in per_authority)
    if folded:
        intro = _(
            "The %(top)d authorities with the most licences and penalties in the last %(months)d months, "
            "busiest first; the other %(count)d together in the last chart."
        ) % {"top": top, "months": months, "count": folded}
    else:
        intro = _(
            "Every authority with licences or penalties in the last %(months)d months, busiest first."
        ) % {"months": months}
    return [
        Section(
            title=_("Per month, by kind"),
            intro="",
            charts=[kind_chart(kind, per_kind[kind]) for kind in RecordKind.values],
        ),
        Section(
            title=_("Licences and penalties per month, by authority"),
            intro=intro if per_authority else "",
            charts=[authority_chart(row) for row in per_authority],
            empty=_("No licences or penalties in the last %(months)d months.") % {"months": months},
        ),
    ]
