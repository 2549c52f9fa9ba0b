"""A diagnosis as plain text, for reports read outside a terminal (JSON messages, CI pages)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from katacheck.i18n import t

if TYPE_CHECKING:
    from katacheck.result import Diagnosis


def diagnosis_text(diagnosis: Diagnosis) -> str:
    """A diagnosis as plain text: the cause, the learner's line, the hint."""
    lines = [diagnosis.message]
    if diagnosis.location is not None:
        where = diagnosis.location
        lines.append(f"→ {Path(where.path).name}:{where.line}   {where.source}".rstrip())
    if diagnosis.hint:
        lines.append(f"{t('report.hint_prefix')} {diagnosis.hint}")
    return "\n".join(lines)
