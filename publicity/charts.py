"""Bar charts drawn as SVG on the server: no script, no network, readable on a phone.

Each chart carries its numbers on the bars and a sentence that says what it shows, so that
nobody needs a table (or eyesight) to read it.
"""

import dataclasses

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 200
PLOT_WIDTH = 360
VALUE_WIDTH = 70


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
    label_width: int = LABEL_WIDTH


def bar_chart(title, summary, items):
    """A horizontal bar chart of ``items``: [(label, value), …]."""
    largest = max((value for _label, value in items), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = round(PLOT_WIDTH * value / largest) if value else 0
        bars.append(Bar(
            label=str(label), value=value, y=y, width=width, text_y=y + BAR_HEIGHT - 6,
            value_x=LABEL_WIDTH + width + 6,
        ))
    height = max(1, len(items) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP)
    return BarChart(title=title, summary=summary, bars=bars, width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, height=height)
