"""``katacheck grade``: a generated class of 31 submissions, and every row of its gradebook.

The class has one kata each (04_zero_grad, the quickest to verify) and every kind of
submission the issue names: correct solutions, wrong ones, crashes, hangs, cheats, empty
folders, plus folders that are not workspaces, a path that does not exist, and JSON reports
from CI (good and broken). The whole class goes through the real command (CSV and JSON
report), two katas at a time, with the kata timeout cut to 15 s for the hangs.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from katacheck.i18n import t

ROOT = Path(__file__).resolve().parent.parent
KATA = "04_zero_grad"
FILE = f"{KATA}.py"
SOLUTION = (ROOT / "katas" / KATA / "solution.py").read_text(encoding="utf-8")
STUB = (ROOT / "katas" / KATA / "stub.py").read_text(encoding="utf-8")
VARIANTS = ROOT / "tests" / "variants" / KATA
CHEATS = ROOT / "tests" / "cheats"
TIMEOUT_FACTOR = 0.25  # 04_zero_grad allows 60 s: 15 s here

pytestmark = pytest.mark.xdist_group(name="grade")


def _prefix(key: str) -> str:
    """The fixed start of a catalog message (before its first placeholder)."""
    return t(key).split("{")[0]


def _body(code: str) -> str:
    """A learner file: the course header, then ``code`` (a training function that misbehaves)."""
    return "import torch\nfrom torch import nn\n\n" + textwrap.dedent(code)


@dataclass
class Expected:
    status: str
    cause: str | None = None  # a regular expression the cause must match in full; None: empty


AT_LINE = rf" \({re.escape(FILE)}:\d+\)"


#: Verdicts on the whole training run: no single line of the learner's file to point at.
WITHOUT_LINE = frozenset({"loss_not_decreasing"})


def _check_cause(code: str) -> str:
    # A check's own codes live under "check."; the parent's ("looks.…") and the judge's under theirs.
    key = code if "." in code else f"check.{code}"
    return re.escape(_prefix(key)) + ".*" + ("" if code in WITHOUT_LINE else AT_LINE)


TAMPER = re.escape(_prefix("fatal.tampered"))


def _class(folder: Path) -> tuple[list[Path], dict[str, Expected]]:
    """Writes the class under ``folder``; returns the paths to grade and each learner's row."""
    turma = folder / "turma"
    expected: dict[str, Expected] = {}

    def submission(name: str, source: str | None, expect: Expected, *, workspace: bool = True) -> None:
        path = turma / name
        path.mkdir(parents=True)
        if workspace:
            (path / "katacheck.toml").write_text('pack = "fundamentos"\n', encoding="utf-8")
        if source is not None:
            (path / FILE).write_text(source, encoding="utf-8")
        expected[name] = expect

    # Correct: the reference, its restyled copies, and every correct variant.
    submission("p01_solucao", SOLUTION, Expected("pass"))
    submission("p02_comentada", "# minha versão\n" + SOLUTION, Expected("pass"))
    submission("p03_sem_toml", SOLUTION, Expected("pass"), workspace=False)
    passing = [p for p in sorted(VARIANTS.glob("*.py")) if p.read_text(encoding="utf-8").startswith("# expect: pass")]
    for index, path in enumerate(passing[:4], start=4):
        submission(f"p{index:02d}_{path.stem}", path.read_text(encoding="utf-8"), Expected("pass"))
    # Wrong: the stub and the variants with a mistake; the cause is the first failed check's.
    submission("f01_esboco", STUB, Expected("fail", _check_cause("stale_gradients")))
    failing = [(p, p.read_text(encoding="utf-8").splitlines()[0].split(":", 1)[1].strip())
               for p in sorted(VARIANTS.glob("*.py")) if not p.read_text(encoding="utf-8").startswith("# expect: pass")]
    for index, (path, code) in enumerate(failing[:4], start=2):
        submission(f"f{index:02d}_{path.stem}", path.read_text(encoding="utf-8"), Expected("fail", _check_cause(code)))
    # Crashes and exits.
    submission("k01_segfault", _body("""
        import ctypes

        def treinar(modelo, X, y, epocas=100, lr=0.01):
            return ctypes.string_at(0)
    """), Expected("error", re.escape(t("fatal.crash", signal="SIGSEGV")) + ".*"))
    submission("k02_abort", _body("""
        import os

        def treinar(modelo, X, y, epocas=100, lr=0.01):
            os.abort()
    """), Expected("error", re.escape(t("fatal.crash", signal="SIGABRT")) + ".*"))
    submission("k03_exit3", _body("""
        import os

        def treinar(modelo, X, y, epocas=100, lr=0.01):
            os._exit(3)
    """), Expected("error", re.escape(t("fatal.exited", code=3)) + ".*"))
    submission("s01_sintaxe", SOLUTION.replace("def treinar(modelo, X, y, epocas=100, lr=0.01):",
                                                "def treinar(modelo, X, y, epocas=100, lr=0.01)"),
               Expected("error", re.escape(_prefix("learner.syntax_error")) + ".*" + AT_LINE))
    # Hangs: at import, and inside the training loop.
    timeout = re.escape(t("fatal.timeout", seconds=f"{60 * TIMEOUT_FACTOR:g}")) + ".*"
    submission("h01_laco_infinito", _body("""
        def treinar(modelo, X, y, epocas=100, lr=0.01):
            while True:
                pass
    """), Expected("error", timeout))
    submission("h02_trava_na_importacao", _body("import time\nwhile True:\n    time.sleep(1)\n"),
               Expected("error", timeout))
    # Cheats: caught before running (the scan), or by the child's own defences.
    submission("c01_remenda_checks", (CHEATS / "checks_remendados.py").read_text(encoding="utf-8"),
               Expected("tamper", TAMPER + ".*`katacheck`.*" + AT_LINE))
    submission("c02_troca_codigo", (CHEATS / "codigo_trocado.py").read_text(encoding="utf-8"),
               Expected("tamper", TAMPER + ".*torch.optim.SGD.step.__code__.*" + AT_LINE))
    submission("c03_skiptest", _body("""
        import unittest

        def treinar(modelo, X, y, epocas=100, lr=0.01):
            raise unittest.SkipTest("depois eu faço")
    """), Expected("tamper", TAMPER + ".*SkipTest.*" + AT_LINE))
    submission("c04_resultados_falsos", _body("""
        import os

        escrever = getattr(os, "wri" + "te")
        for nome in os.listdir("/pr" + "oc/se" + "lf/fd"):
            try:
                escrever(int(nome), b'{"event": "done", "exitstatus": 0}\\n')
            except OSError:
                pass
        os._exit(0)
    """), Expected("tamper", re.escape(t("fatal.tampered", what=t("tamper.stream")))))
    submission("c05_troca_sgd_escondido", _body("""
        otimizadores = torch.optim
        setattr(otimizadores, "S" + "GD", otimizadores.Adam)
    """) + SOLUTION.split("from torch import nn", 1)[1], Expected("tamper", TAMPER + ".*torch.optim.SGD.*"))
    submission("c06_builtins", _body("""
        import builtins as b
        b.all = lambda valores: True
    """) + SOLUTION.split("from torch import nn", 1)[1], Expected("tamper", TAMPER + ".*builtins.all.*" + AT_LINE))
    submission("c07_sai_com_zero", _body("import os\nos._exit(0)\n"),
               Expected("error", re.escape(t("fatal.exited", code=0)) + ".*"))
    # Empty or not a workspace at all.
    submission("e01_pasta_vazia", None, Expected("missing", re.escape(t("grade.cause.not_workspace", file=FILE))),
               workspace=False)
    submission("e02_sem_arquivo", None, Expected("missing", re.escape(t("grade.cause.missing_file", file=FILE))))
    # grade expands the folder of clones in name order.
    expected = {name: expected[name] for name in sorted(expected)}
    paths = [turma]
    # Outside the folder of clones: a path that is not there, and reports from CI.
    missing = folder / "nao_existe"
    paths.append(missing)
    expected["nao_existe"] = Expected("error", re.escape(t("grade.cause.no_folder", path=missing)))
    reports = folder / "ci"
    reports.mkdir()
    for name, data in _reports().items():
        (reports / f"{name}.json").write_text(data, encoding="utf-8")
        paths.append(reports / f"{name}.json")
    expected["r01_ci_passou"] = Expected("pass")
    expected["r02_ci_trapaca"] = Expected("tamper", TAMPER + ".*`katacheck`.*" + AT_LINE)
    expected["r03_ci_quebrado"] = Expected("error", re.escape(_prefix("grade.cause.bad_report")) + ".*")
    return paths, expected


def _reports() -> dict[str, str]:
    """Reports as `katacheck verify --report` writes them in a learner's CI."""
    from katacheck.plugins import get_pack
    from katacheck.reports import exercism
    from katacheck.result import CheckResult, KataResult, Location
    from katacheck.runner.parent.dsession import tamper_diagnosis

    katas = list(get_pack("fundamentos").katas())
    kata = next(k for k in katas if k.id == KATA)
    good = KataResult(KATA, kata.title, checks=(CheckResult("test_a", "A", "passed"), CheckResult("test_b", "B", "passed")))
    where = Location(path=f"/ci/{FILE}", line=12, source="from katacheck import checks")
    cheat = KataResult(KATA, kata.title, fatal=tamper_diagnosis("import", name="katacheck", location=where))
    return {
        "r01_ci_passou": json.dumps(exercism.build([good], katas)),
        "r02_ci_trapaca": json.dumps(exercism.build([cheat], katas)),
        "r03_ci_quebrado": '{"version": 3, "tests": [',
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    """The class, graded once by the real command: (exit code, output, CSV rows, JSON, expected)."""
    from click.testing import CliRunner

    from katacheck.cli import cli
    from katacheck.i18n import translate_click

    folder = tmp_path_factory.mktemp("grade")
    paths, expected = _class(folder)
    translate_click()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KATACHECK_TIMEOUT_FACTOR", str(TIMEOUT_FACTOR))
        patch.setenv("KATACHECK_WIDTH", "120")
        result = CliRunner().invoke(cli, [
            "grade", *map(str, paths), "--kata", KATA, "--jobs", "2",
            "--csv", str(folder / "notas.csv"), "--report", str(folder / "notas.json"),
        ], prog_name="katacheck", catch_exceptions=False)
    rows = list(csv.DictReader(io.StringIO((folder / "notas.csv").read_text(encoding="utf-8"))))
    report = json.loads((folder / "notas.json").read_text(encoding="utf-8"))
    return result.exit_code, result.output, rows, report, expected


def test_the_class_is_big_enough_and_varied(graded) -> None:
    *_, expected = graded
    assert len(expected) >= 30
    statuses = {e.status for e in expected.values()}
    assert statuses == {"pass", "fail", "error", "tamper", "missing"}


def test_every_row_of_the_gradebook(graded) -> None:
    exit_code, output, rows, _, expected = graded
    assert exit_code == 0, output
    kata_rows = [row for row in rows if row["kata"] == KATA]
    total_rows = [row for row in rows if row["kata"] == "TOTAL"]
    assert len(rows) == 2 * len(expected), "one kata row and one total per learner, nothing else"
    assert [row["learner"] for row in kata_rows] == list(expected), "one row per learner, in order"
    problems = []
    for row, total in zip(kata_rows, total_rows):
        want = expected[row["learner"]]
        points = "1" if want.status == "pass" else "0"
        if row["status"] != want.status or row["points"] != points or row["max_points"] != "1":
            problems.append(f"{row['learner']}: {row['status']} {row['points']}/{row['max_points']}, "
                            f"expected {want.status} {points}/1 — {row['cause']}")
        elif want.cause is None and row["cause"]:
            problems.append(f"{row['learner']}: unexpected cause {row['cause']!r}")
        elif want.cause is not None and not re.fullmatch(want.cause, row["cause"]):
            problems.append(f"{row['learner']}: cause {row['cause']!r} does not match {want.cause!r}")
        if "\n" in row["cause"]:
            problems.append(f"{row['learner']}: the cause spans lines")
        if (total["learner"], total["status"], total["points"], total["max_points"]) != (
                row["learner"], f"{1 if want.status == 'pass' else 0}/1", points, "1"):
            problems.append(f"{row['learner']}: total row {total}")
    assert not problems, "\n".join(problems) + "\n\n" + output


def test_the_json_report_agrees_with_the_csv(graded) -> None:
    _, _, rows, report, expected = graded
    assert [learner["learner"] for learner in report["learners"]] == list(expected)
    by_learner = {row["learner"]: row for row in rows if row["kata"] == KATA}
    for learner in report["learners"]:
        (kata,) = learner["katas"]
        row = by_learner[learner["learner"]]
        assert (kata["status"], kata["cause"]) == (row["status"], row["cause"])
        assert learner["points"] == (1 if row["status"] == "pass" else 0) and learner["max_points"] == 1
    counts = {status: sum(e.status == status for e in expected.values())
              for status in ("pass", "fail", "error", "tamper", "missing")}
    assert report["summary"]["status"] == counts
    assert report["summary"]["katas"][KATA] == counts
    assert report["summary"]["learners"] == len(expected)
    from katacheck.runner.parent import sandbox

    assert report["sandbox"] == sandbox.resolve("auto"), "the mode in force, never auto"
    assert {learner["kind"] for learner in report["learners"]} == {"workspace", "folder", "report", "missing"}


def test_the_summary_table_shows_every_learner(graded) -> None:
    _, output, _, _, expected = graded
    for name in expected:
        assert name in output
    counts = {status: sum(e.status == status for e in expected.values())
              for status in ("pass", "fail", "error", "tamper", "missing")}
    summary = t("cli.grade.summary", learners=len(expected), katas=1, seconds="X", **counts).split(" s: ")[1]
    assert summary in " ".join(output.split())


# -- small pieces, in process -----------------------------------------------------------------


def test_a_folder_of_clones_is_expanded_and_names_are_unique(tmp_path: Path) -> None:
    from katacheck.grading import find_submissions
    from katacheck.plugins import get_pack

    katas = list(get_pack("fundamentos").katas())
    for turma in ("a", "b"):
        for name in ("ana", "bia"):
            (tmp_path / turma / name).mkdir(parents=True)
        (tmp_path / turma / "ana" / "katacheck.toml").write_text("", encoding="utf-8")
    (tmp_path / "solo").mkdir()
    (tmp_path / "solo" / FILE).write_text("", encoding="utf-8")
    found = find_submissions([tmp_path / "a", tmp_path / "b", tmp_path / "solo"], katas)
    assert [(s.learner, s.kind) for s in found] == [
        ("a/ana", "workspace"), ("a/bia", "folder"), ("b/ana", "workspace"), ("b/bia", "folder"), ("solo", "folder"),
    ]


def test_an_unknown_kata_is_a_usage_error(cli, tmp_path: Path) -> None:
    result = cli("grade", str(tmp_path), "--kata", "99_nada")
    assert result.exit_code == 2
    assert "99_nada" in result.output


# -- --sandbox: the mode in force is recorded (no kata runs: the class has no kata file) -------


def _grade_nothing(cli, tmp_path: Path, *options: str):
    """``grade`` of one empty folder with ``options``: (result, CSV text, JSON report)."""
    (tmp_path / "turma" / "ana").mkdir(parents=True)
    result = cli("grade", str(tmp_path / "turma"), "--kata", KATA, "--csv", str(tmp_path / "notas.csv"),
                 "--report", str(tmp_path / "notas.json"), *options)
    if result.exit_code != 0:
        return result, None, None
    return (result, (tmp_path / "notas.csv").read_text(encoding="utf-8"),
            json.loads((tmp_path / "notas.json").read_text(encoding="utf-8")))


def test_sandbox_none_is_recorded_and_never_probes(cli, tmp_path: Path, monkeypatch) -> None:
    from katacheck.runner.parent import sandbox

    monkeypatch.setattr(sandbox, "probe", lambda: pytest.fail("--sandbox none probed bwrap"))
    result, table, report = _grade_nothing(cli, tmp_path, "--sandbox", "none")
    assert result.exit_code == 0, result.output
    assert report["sandbox"] == "none"
    assert table.splitlines()[0] == "learner,kata,status,points,max_points,cause", "the CSV columns never change"
    assert t("cli.grade.sandbox.none") in " ".join(result.output.split())
    assert _prefix("cli.grade.sandbox.off") not in result.output


def test_sandbox_auto_with_bwrap_usable_records_bwrap(cli, tmp_path: Path, monkeypatch) -> None:
    from katacheck.runner.parent import sandbox

    monkeypatch.setattr(sandbox, "probe", lambda: (True, None))
    result, _, report = _grade_nothing(cli, tmp_path)
    assert result.exit_code == 0, result.output
    assert report["sandbox"] == "bwrap"
    assert t("cli.grade.sandbox.bwrap") in " ".join(result.output.split())
    assert _prefix("cli.grade.sandbox.off") not in result.output


def test_sandbox_auto_without_bwrap_says_so_once_and_records_none(cli, tmp_path: Path, monkeypatch) -> None:
    from katacheck.runner.parent import sandbox

    monkeypatch.setattr(sandbox, "probe", lambda: (False, None))
    result, _, report = _grade_nothing(cli, tmp_path)
    assert result.exit_code == 0, result.output
    assert report["sandbox"] == "none"
    output = " ".join(result.output.split())
    assert output.count(t("cli.grade.sandbox.off", reason=t("sandbox.not_installed"))) == 1
    assert t("cli.grade.sandbox.none") in output


def test_sandbox_bwrap_that_cannot_work_is_a_usage_error(cli, tmp_path: Path, monkeypatch) -> None:
    from katacheck.runner.parent import sandbox

    monkeypatch.setattr(sandbox, "probe", lambda: (False, "bwrap: setting up uid map: Permission denied"))
    result, _, _ = _grade_nothing(cli, tmp_path, "--sandbox", "bwrap")
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert t("error.sandbox.unusable", reason="bwrap: setting up uid map: Permission denied") in output
    assert "--sandbox none" in output
    assert not (tmp_path / "notas.json").exists(), "nothing graded"


def test_an_unknown_sandbox_is_a_usage_error(cli, tmp_path: Path) -> None:
    result = cli("grade", str(tmp_path), "--sandbox", "docker")
    assert result.exit_code == 2
    assert "docker" in result.output


def test_a_ci_report_cannot_write_escape_sequences_into_the_gradebook(tmp_path: Path) -> None:
    """A learner's CI report is their own text: a failing test's message that clears the screen
    and hides what follows (``ESC[2J``, ``ESC[8m``) reaches the teacher's gradebook made visible."""
    import json

    from katacheck.grading.batch import rows_from_report
    from katacheck.grading.submissions import REPORT, Submission
    from katacheck.plugins import get_pack

    katas = list(get_pack("fundamentos").katas())
    report = tmp_path / "ana.json"
    report.write_text(json.dumps({"version": 3, "status": "fail", "tests": [
        {"name": "x", "task_id": 1, "status": "fail", "message": "\x1b[2J\x1b[32mpassou\x1b[8m\r"}]}), encoding="utf-8")
    (row,) = rows_from_report(Submission("ana", report, REPORT), katas[:1], katas)
    assert row.status == "fail" and row.points == 0
    assert "\x1b" not in row.cause and "\r" not in row.cause and "␛[8m" in row.cause, row.cause
