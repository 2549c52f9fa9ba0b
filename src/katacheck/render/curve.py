"""A loss curve drawn in the terminal, in braille dots, with the line the loss had to get under.

Hand-written rather than a plotting library: the plot is one small, fixed shape (a falling
curve and one horizontal line), rich renders it with colours and the report's indentation,
and it costs no import at all when a result has no curve. (plotext, the maintained terminal
plotter, changed its whole API in 6.0 and adds ~0.25 s of import for this one picture.)
"""

from __future__ import annotations

from rich.text import Text

from katacheck.i18n import t
from katacheck.result import LossCurve

#: Braille cell: 2 dots wide, 4 dots tall; bit of the dot at (column, row).
_DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
_BRAILLE_BLANK = 0x2800


def render_curve(curve: LossCurve, *, passed: bool, width: int = 48, height: int = 6) -> Text:
    """The curve as ``height`` lines of ``width`` braille cells, with a y axis and a legend."""
    values = list(curve.values)
    extremes = [*values, *([curve.limit] if curve.limit is not None else [])]
    low, high = min(0.0, *extremes), max(extremes)
    high = high if high > low else low + 1.0
    rows = height * 4

    def to_row(value: float) -> int:
        # Row 0 is the top of the plot.
        return round((high - value) / (high - low) * (rows - 1))

    cells = [[0] * width for _ in range(height)]
    previous = None
    for column in range(width * 2):
        index = round(column * (len(values) - 1) / (width * 2 - 1))
        row = to_row(values[index])
        # Join each dot to the last one, so a steep drop reads as a line, not scattered dots.
        span = range(min(row, previous), max(row, previous) + 1) if previous is not None else (row,)
        for dot_row in span:
            cells[dot_row // 4][column // 2] |= _DOT_BITS[column % 2][dot_row % 4]
        previous = row

    limit_cell = to_row(curve.limit) // 4 if curve.limit is not None else None
    colour = "green" if passed else "red"
    labels = [_number(high), *[""] * (height - 2), _number(low)]
    label_width = max(len(label) for label in labels)
    text = Text()
    text.append(t("report.curve.title", steps=curve.steps) + "\n", style="bold")
    for index, line in enumerate(cells):
        text.append(labels[index].rjust(label_width) + (" ┤" if labels[index] else " │"), style="dim")
        for cell in line:
            if cell == 0 and index == limit_cell:
                text.append("╌", style="yellow")
            else:
                text.append(chr(_BRAILLE_BLANK + cell), style=colour)
        if index == limit_cell:
            text.append(" ← " + t("report.curve.limit", limit=_number(curve.limit)), style="yellow")
        text.append("\n")
    text.append(" " * label_width + " └" + "─" * width + "\n", style="dim")
    text.append(" " * (label_width + 2) + t("report.curve.axis", steps=curve.steps), style="dim")
    return text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3g}"
