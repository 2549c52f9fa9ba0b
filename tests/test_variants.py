"""Realistic learner files for every kata, each verified end to end through the sandbox.

``tests/variants/<kata_id>/<name>.py`` is a complete learner file whose first line says what
the verification must conclude (read by :func:`katacheck.authoring.variants.read_expectation`,
which ``katacheck dev check`` uses too):

- ``# expect: pass`` — a correct solution written in another style: the kata must pass;
- ``# expect: <code>`` — a beginner's mistake: the kata must fail, and some failed check (or
  the fatal problem) must carry the diagnosis ``<code>``, with a message and a hint.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from katacheck.authoring.variants import read_expectation
from katacheck.plugins import get_pack
from katacheck.render.report import render_text
from katacheck.result import KataResult
from katacheck.runner.parent.dsession import run_kata

ROOT = Path(__file__).resolve().parent.parent
KATAS_DIR = ROOT / "katas"
VARIANTS_DIR = Path(__file__).resolve().parent / "variants"
PACK = "fundamentos"



_RESULTS: dict[Path, KataResult] = {}


def verify(kata_id: str, path: Path) -> KataResult:
    """The verdict on one variant (run once, shared by the tests below)."""
    if path not in _RESULTS:
        _RESULTS[path] = run_kata(get_pack(PACK).get(kata_id), path)
    return _RESULTS[path]


def discover() -> list[tuple[str, Path, str]]:
    return [
        (path.parent.name, path, read_expectation(path))
        for path in sorted(VARIANTS_DIR.glob("*/*.py"))
    ]


def _params() -> list:
    params = []
    for kata_id, path, expect in discover():
        variant_id = f"{kata_id}/{path.stem}"
        # Both tests of a variant on the same xdist worker (--dist loadgroup): one run_kata.
        marks = [pytest.mark.xdist_group(name=variant_id)]
        params.append(pytest.param(kata_id, path, expect, id=variant_id, marks=marks))
    return params


@pytest.mark.parametrize(("kata_id", "path", "expect"), _params())
def test_variant(kata_id: str, path: Path, expect: str) -> None:
    result = verify(kata_id, path)
    report = render_text(result)

    if expect == "pass":
        assert result.passed, f"{kata_id}/{path.name} should pass:\n{report}"
        return

    assert not result.passed, f"{kata_id}/{path.name} should fail with {expect}:\n{report}"
    diagnoses = [c.diagnosis for c in result.checks if not c.passed and c.diagnosis is not None]
    if result.fatal is not None:
        diagnoses.append(result.fatal)
    found = [d for d in diagnoses if d.code == expect]
    codes = [d.code for d in diagnoses]
    assert found, f"{kata_id}/{path.name}: expected diagnosis {expect}, got {codes}:\n{report}"
    for diagnosis in found:
        assert diagnosis.message.strip(), f"{expect}: empty message"
        assert diagnosis.hint and diagnosis.hint.strip(), f"{expect}: no hint\n{report}"
        # Spoken to the learner in Portuguese, never a raw catalog key or English traceback.
        assert not diagnosis.message.startswith(("check.", "diagnose.")), diagnosis.message
        assert "Traceback" not in diagnosis.message


@pytest.mark.parametrize(("kata_id", "path", "expect"), _params())
def test_variant_has_no_undiagnosed_failure(kata_id: str, path: Path, expect: str) -> None:
    """No check of a realistic variant fails with a raw, undiagnosed exception."""
    result = verify(kata_id, path)
    unknown = [c.title for c in result.checks if c.diagnosis is not None and c.diagnosis.code == "unknown"]
    assert not unknown, f"undiagnosed failure in {unknown}:\n{render_text(result)}"


def test_every_kata_has_variants() -> None:
    """Each kata has ≥ 6 variants: ≥ 2 correct styles and ≥ 4 mistakes, as the course issues ask."""
    katas = sorted(p.name for p in KATAS_DIR.iterdir() if (p / "kata.toml").is_file())
    assert katas, "no katas found"
    by_kata: dict[str, list[str]] = {k: [] for k in katas}
    for kata_id, _, expect in discover():
        assert kata_id in by_kata, f"tests/variants/{kata_id} has no matching kata"
        by_kata[kata_id].append(expect)
    for kata_id, expects in by_kata.items():
        passing = sum(e == "pass" for e in expects)
        failing = len(expects) - passing
        assert len(expects) >= 6, f"{kata_id}: {len(expects)} variants (need ≥ 6)"
        assert passing >= 2, f"{kata_id}: {passing} passing variants (need ≥ 2)"
        assert failing >= 4, f"{kata_id}: {failing} failing variants (need ≥ 4)"


@pytest.mark.xdist_group(name="04_zero_grad/alvo_espalhado")  # shares the variant's run
def test_a_warning_that_names_a_mistake_is_shown_at_the_learners_line() -> None:
    """The MSE-broadcast warning (catalogue entry 22) travels from the child to the report."""
    path = VARIANTS_DIR / "04_zero_grad" / "alvo_espalhado.py"
    result = verify("04_zero_grad", path)
    warnings = [w for check in result.checks for w in check.warnings]
    assert {w.code for w in warnings} == {"target_size"}, render_text(result)
    assert all(w.location is not None and w.location.source == "perda = criterio(saida, y.squeeze())"
               for w in warnings), render_text(result)
    assert "[128, 1]" in warnings[0].message and "[128]" in warnings[0].message
    assert "⚠ Aviso (não reprova, mas é um erro comum)" in render_text(result)
