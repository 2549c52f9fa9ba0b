"""A kata's verdict as HTML, for notebooks: ✔/✘ per check, the cause, the learner's line, the
hint, and the loss curve as an SVG plot.

The same report as :mod:`katacheck.render.report` (the terminal's), in another medium. Every
piece of text is escaped: messages quote the learner's code and output, which may hold any
markup. Styles are inline (no ``<style>`` block, no script), so the report looks the same in
Jupyter, JupyterLab, VS Code and Colab, and the colours read on a light or a dark theme.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from katacheck.i18n import t

if TYPE_CHECKING:
    from katacheck.result import CheckResult, Diagnosis, KataResult, Location, LossCurve
    from katacheck.verifying import HintOffer

GREEN, RED, YELLOW, CYAN = "#1a7f37", "#cf222e", "#9a6700", "#0969da"
MONOSPACE = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
#: The report's frame: a bar in the verdict's colour down its left side.
_BOX = ("font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; line-height: 1.45; "
        "border-left: 4px solid {colour}; padding: 4px 0 4px 12px; margin: 4px 0")


def render_html(result: KataResult, *, cell: bool = True, offers: Sequence[HintOffer] = ()) -> str:
    """The report of one kata as an HTML fragment.

    ``cell``: the learner's file is a notebook cell's body (``%%katacheck KATA`` on the cell's
    first line), so line N of the file is shown as line N + 1 of the cell, the number the
    notebook's editor shows. ``offers``: hints shown without being asked, after the checks.
    """
    mark = _mark(result.passed)
    seconds = t("report.seconds", seconds=f"{result.duration:.1f}")
    parts = [f'<div class="katacheck-report" style="{_BOX.format(colour=GREEN if result.passed else RED)}">',
             f'<div style="font-size: 1.05em">{mark} <strong>{escape(result.kata_id)}</strong> — '
             f'{escape(result.title)} <span style="opacity: .65">({escape(seconds)})</span></div>',
             '<ul style="list-style: none; padding-left: 1.2em; margin: .3em 0">']
    shown: list[Diagnosis] = []
    parts.extend(_check(check, shown, cell) for check in result.checks)
    parts.append("</ul>")
    if result.fatal is not None:
        parts.append(_indented(_diagnosis(result.fatal, cell)))
        if result.output:
            parts.append(_indented(_output(result.output)))
    parts.extend(_offer(offer) for offer in offers)
    parts.append("</div>")
    return "\n".join(parts)


def render_error(message: str, fix: str | None = None) -> str:
    """A usage error (an unknown kata, a file that cannot be written) and what fixes it."""
    fix_line = (f'<div><strong>{escape(t("console.fix_prefix"))}</strong> '
                f'<code>{escape(fix)}</code></div>' if fix else "")
    return (f'<div class="katacheck-error" style="{_BOX.format(colour=RED)}">'
            f'<div><strong style="color: {RED}">{escape(t("console.error_prefix"))}</strong> {escape(message)}</div>'
            f"{fix_line}</div>")


#: ``code`` in a message or a hint, as the catalog writes it (Markdown's backticks).
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def text_html(text: str) -> str:
    """``text`` escaped, with its ``code`` spans shown as code: messages and hints quote code
    between backticks, as Markdown does."""
    code = f'<code style="font-family: {MONOSPACE}; background: rgba(127, 127, 127, .15); padding: 0 3px">'
    return _CODE_SPAN.sub(lambda match: f"{code}{match[1]}</code>", escape(text))


def _mark(passed: bool) -> str:
    colour, symbol = (GREEN, "✔") if passed else (RED, "✘")
    return f'<span style="color: {colour}; font-weight: bold">{symbol}</span>'


def _indented(html: str) -> str:
    return f'<div style="margin: .2em 0 .2em 1.6em">{html}</div>'


def _check(check: CheckResult, shown: list[Diagnosis], cell: bool) -> str:
    body = [f"{_mark(check.passed)} {escape(check.title)}"]
    diagnosis = check.diagnosis
    if diagnosis is not None and diagnosis in shown:  # an import error fails every check: explain it once
        body.append(f' <span style="opacity: .65">({escape(t("report.same_cause"))})</span>')
    elif diagnosis is not None:
        shown.append(diagnosis)
        body.append(_indented(_diagnosis(diagnosis, cell)))
        if check.output:
            body.append(_indented(_output(check.output)))
    for warning in check.warnings:
        body.append(_indented(_diagnosis(warning, cell, warning=True)))
    for note in check.notes:
        body.append(_indented(f'<div style="color: {CYAN}">ℹ {text_html(note)}</div>'))
    if check.loss_curve is not None:
        body.append(_indented(_curve(check.loss_curve, passed=check.passed)))
    return f'<li style="margin: .3em 0">{"".join(body)}</li>'


def _diagnosis(diagnosis: Diagnosis, cell: bool, *, warning: bool = False) -> str:
    colour = YELLOW if warning else RED
    message = f"⚠ {t('report.warning_prefix')} {diagnosis.message}" if warning else diagnosis.message
    lines = [f'<div style="color: {colour}">{text_html(message)}</div>']
    if diagnosis.location is not None:
        lines.append(_location(diagnosis.location, cell))
    if diagnosis.hint:
        lines.append(f'<div><strong>{escape(t("report.hint_prefix"))}</strong> {text_html(diagnosis.hint)}</div>')
    return "".join(lines)


def _location(where: Location, cell: bool) -> str:
    """``→ cell line 24 (03_adam.py:23)   <the line>``: the cell's number first, where the
    learner looks; the file's too, which a terminal's ``verify`` reports."""
    file_line = f"{Path(where.path).name}:{where.line}"
    place = f'{t("notebook.report.cell_line", line=where.line + 1)} ({file_line})' if cell else file_line
    source = (f' <code style="font-family: {MONOSPACE}; background: rgba(127, 127, 127, .15); '
              f'padding: 1px 4px; white-space: pre">{escape(where.source)}</code>' if where.source else "")
    return f'<div><strong>→</strong> <span style="font-family: {MONOSPACE}">{escape(place)}</span>{source}</div>'


def _output(output: str) -> str:
    return (f'<details><summary style="opacity: .75">{escape(t("report.learner_output"))}</summary>'
            f'<pre style="font-family: {MONOSPACE}; opacity: .8; max-height: 16em; overflow: auto; '
            f'white-space: pre-wrap; margin: .2em 0">{escape(output)}</pre></details>')


def _offer(offer: HintOffer) -> str:
    intro = t("notebook.hint_offered", kata=offer.kata.id, attempts=offer.failures)
    label = t("cli.hint.label", number=offer.level, total=len(offer.kata.hints))
    hint = offer.kata.hints[offer.level - 1]
    return (f'<div style="margin-top: .5em; color: {YELLOW}">{escape(intro)}</div>'
            f'<div><strong style="color: {YELLOW}">{escape(label)}</strong> {text_html(hint)}</div>')


# -- the loss curve ------------------------------------------------------------------------------

#: The plot's size and margins, in SVG units (pixels at 100 %).
WIDTH, HEIGHT = 520, 170
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 16, 12, 26


def _curve(curve: LossCurve, *, passed: bool) -> str:
    title = f'<div style="font-weight: bold; margin-top: .3em">{escape(t("report.curve.title", steps=curve.steps))}</div>'
    return title + curve_svg(curve, passed=passed)


def curve_svg(curve: LossCurve, *, passed: bool) -> str:
    """The loss at each step as a line, with the line it had to get under dashed across.

    A loss that blew up to ``inf`` or ``nan`` leaves a gap where it is not a number: the points
    that are drawn are the ones the learner's training really produced.
    """
    values = list(curve.values)
    finite = [v for v in values if math.isfinite(v)]
    extremes = [*finite, *([curve.limit] if curve.limit is not None and math.isfinite(curve.limit) else [])]
    if not extremes:
        return ""
    low, high = min(0.0, *extremes), max(extremes)
    high = high if high > low else low + 1.0
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM

    def x(index: int) -> float:
        return _LEFT + (index * plot_w / (len(values) - 1) if len(values) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return _TOP + (high - value) / (high - low) * plot_h

    colour = GREEN if passed else RED
    label = escape(t("report.curve.title", steps=curve.steps))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}" '
             f'style="font-family: {MONOSPACE}; font-size: 11px; max-width: 100%">',
             f"<title>{label}</title>",
             # The axes, in the text's own colour (light or dark theme alike).
             f'<path d="M{_LEFT} {_TOP} V{_TOP + plot_h} H{_LEFT + plot_w}" fill="none" '
             f'stroke="currentColor" stroke-opacity=".5"/>',
             _text(_LEFT - 6, _TOP + 4, _number(high), anchor="end"),
             _text(_LEFT - 6, _TOP + plot_h + 4, _number(low), anchor="end"),
             _text(_LEFT + plot_w / 2, HEIGHT - 6, t("report.curve.axis", steps=curve.steps), anchor="middle")]
    if curve.limit is not None and math.isfinite(curve.limit):
        level = y(curve.limit)
        parts.append(f'<line x1="{_LEFT}" y1="{level:.1f}" x2="{_LEFT + plot_w}" y2="{level:.1f}" '
                     f'stroke="{YELLOW}" stroke-dasharray="6 4" stroke-width="1.5"/>')
        # Above the line, unless the line is at the top: then below it.
        text_y = level - 5 if level - 5 > _TOP + 8 else level + 13
        parts.append(_text(_LEFT + plot_w - 4, text_y, t("report.curve.limit", limit=_number(curve.limit)),
                           anchor="end", colour=YELLOW))
    for run in _finite_runs(values):
        points = " ".join(f"{x(i):.1f},{y(values[i]):.1f}" for i in run)
        if len(run) == 1:
            parts.append(f'<circle cx="{x(run[0]):.1f}" cy="{y(values[run[0]]):.1f}" r="2" fill="{colour}"/>')
        else:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
                         f'stroke-linejoin="round"/>')
    parts.append("</svg>")
    return "".join(parts)


def _finite_runs(values: list[float]) -> list[list[int]]:
    """The indices of ``values``, cut into runs of finite numbers (a nan or inf breaks the line)."""
    runs: list[list[int]] = [[]]
    for index, value in enumerate(values):
        if math.isfinite(value):
            runs[-1].append(index)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _text(x: float, y: float, text: str, *, anchor: str, colour: str = "currentColor") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}">{escape(text)}</text>'


def _number(value: float) -> str:
    return f"{value:.3g}"
