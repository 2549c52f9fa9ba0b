"""Variants: realistic learner files that say, on their first line, what their verdict must be.

``<variants>/<kata_id>/<name>.py`` is a complete learner file whose first line is either

- ``# expect: pass`` — a correct solution written in another style: the kata must pass; or
- ``# expect: <code>`` — a beginner's mistake: the kata must fail, and some failed check (or the
  fatal problem) must carry the diagnosis ``<code>``.

Where a pack keeps its variants: a ``variants/`` folder inside the pack's folder, next to the
kata folders (katacheck skips it when listing katas: it has no ``kata.toml``). The built-in pack
keeps its own in the repository's ``tests/variants`` instead, outside the wheel (they are this
project's tests). ``katacheck dev check`` and this project's ``tests/test_variants.py`` read
them with the same parser, :func:`read_expectation`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from katacheck.packs import KataPack
    from katacheck.result import KataResult

#: The folder, inside a pack's folder, that holds its variants.
VARIANTS_FOLDER = "variants"
#: What a variant expects when it is a correct solution.
PASS = "pass"
HEADER = re.compile(r"^#\s*expect:\s*(?P<expect>[\w.]+)\s*$")


class VariantHeaderError(ValueError):
    """A variant's first line is not ``# expect: pass`` nor ``# expect: <code>``."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: the first line must be '# expect: pass' or '# expect: <code>'")
        self.path = path


@dataclass(frozen=True)
class Variant:
    """One variant file and what it expects (``"pass"`` or a diagnosis code)."""

    kata_id: str
    path: Path
    expect: str

    @property
    def name(self) -> str:
        """``<kata_id>/<file stem>``, as tests and tables name it."""
        return f"{self.kata_id}/{self.path.stem}"


def read_expectation(path: Path) -> str:
    """What the variant at ``path`` expects; :class:`VariantHeaderError` when it does not say."""
    first = path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
    match = HEADER.match(first)
    if match is None:
        raise VariantHeaderError(path)
    return match["expect"]


def variant_files(directory: Path) -> list[Path]:
    """Every variant file under ``directory`` (``<kata_id>/<name>.py``), sorted."""
    return sorted(directory.glob("*/*.py"))


def discover(directory: Path) -> list[Variant]:
    """Every variant under ``directory``; a file without its header raises :class:`VariantHeaderError`."""
    return [Variant(path.parent.name, path, read_expectation(path)) for path in variant_files(directory)]


def variants_directory(pack: KataPack) -> Path | None:
    """Where ``pack``'s variants live (see the module docstring), or None when it has none."""
    from katacheck.builtin import PACK_NAME, katas_directory

    inside = pack.directory / VARIANTS_FOLDER
    if inside.is_dir():
        return inside
    if pack.name == PACK_NAME and pack.directory.resolve() == katas_directory().resolve():
        repository = pack.directory.resolve().parent / "tests" / VARIANTS_FOLDER
        return repository if repository.is_dir() else None
    return None


def diagnosis_codes(result: KataResult) -> list[str]:
    """The diagnosis codes of ``result``'s failed checks, then of its fatal problem."""
    diagnoses = [check.diagnosis for check in result.checks if not check.passed and check.diagnosis is not None]
    if result.fatal is not None:
        diagnoses.append(result.fatal)
    return [diagnosis.code for diagnosis in diagnoses if diagnosis.code]


def meets(result: KataResult, expect: str) -> bool:
    """Whether ``result`` is what a variant expecting ``expect`` must conclude."""
    if expect == PASS:
        return result.passed
    return not result.passed and expect in diagnosis_codes(result)
