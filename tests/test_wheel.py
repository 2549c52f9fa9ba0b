"""The built-in katas ship inside the wheel, and katacheck finds them there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_contains_the_katas_and_the_catalog(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=REPO, check=True, capture_output=True, timeout=300,
    )
    (wheel,) = tmp_path.glob("katacheck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for kata in sorted(path.name for path in (REPO / "katas").iterdir() if (path / "kata.toml").is_file()):
        for part in ("kata.toml", "statement.md", "stub.py", "solution.py", "test_kata.py"):
            assert f"katacheck/katas/{kata}/{part}" in names
    assert "katacheck/locale/pt_BR/LC_MESSAGES/katacheck.mo" in names
    assert "katacheck/locale/en/LC_MESSAGES/katacheck.mo" in names
    assert "katacheck/templates/github-workflow.yml" in names
    # The scaffolds of `katacheck dev new` / `dev pack` and the hidden test of `dev calibrate`.
    templates = REPO / "src" / "katacheck" / "templates"
    for template in sorted(templates.glob("*/*.tmpl")):
        assert f"katacheck/templates/{template.parent.name}/{template.name}" in names
    assert "katacheck/templates/kata/test_kata.py.tmpl" in names
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("entry_points.txt"))
    ).decode()
    assert "katacheck = katacheck.pytest_plugin" in entry_points
    assert "katacheck = katacheck.cli:main" in entry_points

    # Installed from the wheel (no repository beside it), the pack resolves to the packaged katas.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from katacheck.builtin import katas_directory; print(katas_directory())"
    )
    found = subprocess.run([sys.executable, "-I", "-c", probe, str(site)],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(found) == site / "katacheck" / "katas"
