"""How a kata's verdict looks: ✔/✘ per check, the cause, the learner's line, a hint.

One renderer serves both faces: rich renderables for the CLI, and the same thing exported as
plain text for pytest's failure report.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

from katacheck.i18n import t
from katacheck.result import CheckResult, Diagnosis, KataResult

PASS_MARK = ("✔", "bold green")
FAIL_MARK = ("✘", "bold red")


def render(result: KataResult) -> RenderableType:
    """The full report of one kata."""
    mark = PASS_MARK if result.passed else FAIL_MARK
    header = Text.assemble(
        mark, " ", (result.kata_id, "bold"), " — ", result.title,
        (f"  ({t('report.seconds', seconds=f'{result.duration:.1f}')})", "dim"),
    )
    parts: list[RenderableType] = [header]
    shown: list[Diagnosis] = []
    for check in result.checks:
        parts.append(_Indented(_render_check(check, shown), 2))
    if result.fatal is not None:
        parts.append(_Indented(_render_diagnosis(result.fatal), 2))
        if result.output:
            parts.append(_Indented(_render_output(result.output), 4))
    return Group(*parts)


def _render_check(check: CheckResult, shown: list[Diagnosis]) -> RenderableType:
    mark = PASS_MARK if check.passed else FAIL_MARK
    line = Text.assemble(mark, " ", check.title)
    body: list[RenderableType] = [line]
    diagnosis = check.diagnosis
    if diagnosis is not None and diagnosis in shown:  # an import error fails every check: explain it once
        line.append(f"  ({t('report.same_cause')})", style="dim")
    elif diagnosis is not None:
        shown.append(diagnosis)
        body.append(_Indented(_render_diagnosis(diagnosis), 4))
        if check.output:
            body.append(_Indented(_render_output(check.output), 4))
    for warning in check.warnings:
        body.append(_Indented(_render_warning(warning), 4))
    for note in check.notes:
        body.append(_Indented(_render_note(note), 4))
    if check.loss_curve is not None:
        from katacheck.render.curve import render_curve

        body.append(_Indented(render_curve(check.loss_curve, passed=check.passed), 4))
    return Group(*body) if len(body) > 1 else line


def _render_diagnosis(diagnosis: Diagnosis, style: str = "red") -> RenderableType:
    lines: list[RenderableType] = [Text(diagnosis.message, style=style)]
    if diagnosis.location is not None:
        where = diagnosis.location
        lines.append(Text.assemble(
            ("→ ", "bold"), (f"{Path(where.path).name}:{where.line}", "cyan"),
            "   ", (where.source, "yellow"),
        ))
    if diagnosis.hint:
        lines.append(Text.assemble((t("report.hint_prefix"), "bold"), " ", diagnosis.hint))
    return Group(*lines)


def _render_warning(diagnosis: Diagnosis) -> RenderableType:
    # A warning names a real mistake but does not fail the check: same shape, in yellow.
    message = f"⚠ {t('report.warning_prefix')} {diagnosis.message}"
    return _render_diagnosis(replace(diagnosis, message=message), style="yellow")


def _render_note(note: str) -> RenderableType:
    # What the check measured (a real speed-up): information, so neither red nor yellow.
    return Text.assemble(("ℹ ", "bold cyan"), (note, "cyan"))


def _render_output(output: str) -> RenderableType:
    return Group(Text(t("report.learner_output"), style="dim"), Text(output, style="dim"))


class _Indented:
    """``renderable`` shifted right by ``indent`` columns, wrapped to the room left.

    Rich's ``Padding`` also pads every line to the block's width, which leaves trailing spaces
    in copied output, CI logs and JUnit files; this only adds the left margin.
    """

    def __init__(self, renderable: RenderableType, indent: int) -> None:
        self.renderable, self.indent = renderable, indent

    def __rich_console__(self, console: Console, options):
        inner = options.update_width(max(1, options.max_width - self.indent))
        margin = Segment(" " * self.indent)
        for line in console.render_lines(self.renderable, inner, pad=False):
            if line and not line[-1].control:  # word wrap leaves the breaking space at the end
                line[-1] = Segment(line[-1].text.rstrip(" "), line[-1].style)
            yield margin
            yield from line
            yield Segment.line()

    def __rich_measure__(self, console: Console, options) -> Measurement:
        measured = Measurement.get(console, options, self.renderable)
        return Measurement(measured.minimum + self.indent, measured.maximum + self.indent)


def render_text(result: KataResult, width: int = 100) -> str:
    """The report as plain text (for pytest's terminal)."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, highlight=False).print(render(result))
    return buffer.getvalue().rstrip()
