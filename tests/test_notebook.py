"""katacheck in Jupyter and Colab: the magics on a real kernel, the HTML report, the course
notebook, and notebooks in ``grade``.

The kernel tests execute notebooks headless with nbclient, on an ipykernel of this very
environment (a kernelspec of its own, so no other ``python3`` kernel installed on the machine
is picked): ``%load_ext katacheck``, a failing and a fixed ``%%katacheck 03_adam``, the file in
the workspace, ``%katacheck hint``, names that must not cross between the notebook and the
check, an infinite loop (a timeout, then the kernel still answers), and the course notebook
``katacheck init --notebook`` writes (its stubs fail, the solutions pass). Each notebook runs
once, in a module fixture; the tests read its outputs.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat  # the dev group has it: the notebook tests never skip
import pytest

from katacheck.i18n import t
from katacheck.notebook.course import (
    KATA_CELL,
    NOTEBOOK_FILE,
    NotANotebookError,
    course_notebook,
    kata_cells,
    to_json,
)
from katacheck.result import CheckResult, Diagnosis, KataResult, Location, LossCurve

ROOT = Path(__file__).resolve().parent.parent
KATAS = ROOT / "katas"

pytestmark = pytest.mark.xdist_group(name="notebook")


def _read(kata: str, name: str) -> str:
    return (KATAS / kata / name).read_text(encoding="utf-8")


def _prefix(key: str) -> str:
    """The fixed start of a catalog message (before its first placeholder)."""
    return t(key).split("{")[0]


# -- the kernel ----------------------------------------------------------------------------------


KERNEL = "katacheck-test"


def _execute(cells: list[str], folder: Path, jupyter: Path, *, timeout: int = 240) -> tuple[list, float]:
    """Run ``cells`` as a notebook on a fresh kernel started in ``folder``; each cell's outputs,
    and the seconds it all took."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    return _execute_notebook(notebook, folder, jupyter, timeout=timeout)


def _execute_notebook(notebook, folder: Path, jupyter: Path, *, timeout: int = 240) -> tuple[list, float]:
    from nbclient import NotebookClient

    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("KATACHECK_")},
        "JUPYTER_PATH": str(jupyter), "KATACHECK_WIDTH": "120", "NO_COLOR": "1", "KATACHECK_LOAD_PLUGINS": "",
        "XDG_DATA_HOME": str(folder.parent / "dados"), "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    client = NotebookClient(notebook, timeout=timeout, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(folder)}})
    started = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(jupyter))  # where the client looks for the kernelspec
        client.execute(env=environment)
    return [cell.get("outputs", []) for cell in notebook.cells], time.monotonic() - started


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory) -> Path:
    """A Jupyter data folder whose only kernel is this environment's Python."""
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "katacheck tests", "language": "python",
    }), encoding="utf-8")
    return folder


def text_of(outputs: list) -> str:
    """What a cell showed, as text: streams, and the plain text of each display."""
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream":
            parts.append(output["text"])
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "\n".join(parts)


def report_of(outputs: list) -> str:
    """The plain text of the cell's verdict (the output that starts with ✔ or ✘)."""
    reports = [text for output in outputs if (text := output.get("data", {}).get("text/plain", "")).startswith(("✔", "✘"))]
    assert len(reports) == 1, text_of(outputs)
    return reports[0]


def html_of(outputs: list) -> str:
    return "\n".join(output["data"]["text/html"] for output in outputs if "text/html" in output.get("data", {}))


# -- the magics on a real kernel -----------------------------------------------------------------


#: The cells of the session notebook, by name; run in this order.
SESSION = {
    "load": "%load_ext katacheck",
    "notebook_name": 'SEGREDO = "do notebook"',
    "failing": "%%katacheck 03_adam\n" + _read("03_adam", "stub.py"),
    "hint": "%katacheck hint",
    "fixed": "%%katacheck 03_adam\n" + _read("03_adam", "solution.py"),
    "no_leak": 'import sys\nprint("treinar" in globals(), "modelo" in globals(), "torch" in sys.modules)',
    "notebook_name_used": "%%katacheck 01_duas_camadas\nprint(SEGREDO)\n" + _read("01_duas_camadas", "solution.py"),
    "short_timeout": "%env KATACHECK_TIMEOUT_FACTOR=0.05",
    "infinite_loop": "%%katacheck 02_relu\nwhile True:\n    pass\n",
    "normal_timeout": "%env KATACHECK_TIMEOUT_FACTOR=1",
    "still_answers": "print(6 * 7)",
    "list": "%katacheck list",
}


@pytest.fixture(scope="module")
def session(tmp_path_factory, jupyter):
    folder = tmp_path_factory.mktemp("notebook") / "curso"
    folder.mkdir()
    outputs, seconds = _execute(list(SESSION.values()), folder, jupyter)
    print(f"session notebook: {seconds:.1f} s")
    return folder, dict(zip(SESSION, outputs)), seconds


def test_load_ext_registers_the_magics_quietly(session):
    _, outputs, _ = session
    assert text_of(outputs["load"]) == ""


def test_a_failing_cell_names_the_cause_at_the_cells_line(session):
    folder, outputs, _ = session
    text, html = report_of(outputs["failing"]), html_of(outputs["failing"])
    assert text.startswith("✘ 03_adam")
    assert "SGD" in text and "torch.optim.Adam" in text
    stub_line = next(n for n, line in enumerate(_read("03_adam", "stub.py").splitlines(), 1) if "optim.SGD" in line)
    # The cell's first line is %%katacheck: the file's line N is the cell's line N + 1.
    assert t("notebook.report.cell_line", line=stub_line + 1) + f" (03_adam.py:{stub_line})" in html
    assert "torch.optim.SGD(modelo.parameters(), lr=0.01)" in html
    assert "<svg" in html and "<polyline" in html  # the loss curve is a plot, not braille
    assert "⠀" not in html


def test_the_hint_cell_reveals_the_first_hint_of_the_current_kata(session):
    _, outputs, _ = session
    html = html_of(outputs["hint"])
    assert t("cli.hint.label", number=1, total=3) in html
    assert _read_hints("03_adam")[0] in html


def _read_hints(kata_id: str) -> tuple[str, ...]:
    from katacheck.plugins import get_pack

    return get_pack("fundamentos").get(kata_id).hints


def test_a_fixed_cell_passes_and_the_file_is_the_cell(session):
    folder, outputs, _ = session
    text = report_of(outputs["fixed"])
    assert text.startswith("✔ 03_adam")
    assert "✘" not in text
    assert (folder / "03_adam.py").read_text(encoding="utf-8") == _read("03_adam", "solution.py")


def test_the_progress_is_shared_with_the_cli(session, cli):
    folder, _, _ = session
    result = cli("--workspace", str(folder), "list", "--json")
    status = {kata["id"]: kata["status"] for kata in json.loads(result.output)}
    assert status["03_adam"] == "passed"
    progress = json.loads((folder / ".katacheck" / "progresso.json").read_text(encoding="utf-8"))
    assert progress["attempts"]["03_adam"] == 2 and progress["hints_revealed"]["03_adam"] == 1


def test_the_check_s_names_never_reach_the_notebook(session):
    _, outputs, _ = session
    # Not the learner's function, nor torch: nothing of the check was imported in the kernel.
    assert text_of(outputs["no_leak"]).strip() == "False False False"


def test_the_notebook_s_names_never_reach_the_check(session):
    _, outputs, _ = session
    text = report_of(outputs["notebook_name_used"])
    assert text.startswith("✘ 01_duas_camadas")
    assert "SEGREDO" in text


def test_an_infinite_loop_times_out_and_the_kernel_still_answers(session):
    _, outputs, _ = session
    text = report_of(outputs["infinite_loop"])
    assert text.startswith("✘ 02_relu")
    assert _prefix("fatal.timeout") in text
    assert text_of(outputs["still_answers"]).strip() == "42"
    assert "03_adam" in text_of(outputs["list"]) or "03_adam" in html_of(outputs["list"])


def test_the_session_is_quick_enough(session):
    # Five verifications, a 3 s timeout and a kernel start: measured ~25 s on 2 busy cores.
    _, _, seconds = session
    assert seconds < 180


# -- the course notebook -------------------------------------------------------------------------


def _course_katas(count: int = 2):
    from katacheck.plugins import get_pack

    return list(get_pack("fundamentos").katas())[:count]


@pytest.fixture(scope="module")
def course_run(tmp_path_factory, jupyter):
    """The course notebook of the first katas, run as written (stubs), then with each kata
    cell's body replaced by the kata's reference solution, in the same kernel."""
    katas = _course_katas()
    notebook = nbformat.reads(to_json(course_notebook(katas, version="0")), as_version=4)
    stub_cells = [i for i, cell in enumerate(notebook.cells) if KATA_CELL.match(cell.source)]
    for kata in katas:
        notebook.cells.append(nbformat.v4.new_code_cell(f"%%katacheck {kata.id}\n{kata.solution_path.read_text('utf-8')}"))
    folder = tmp_path_factory.mktemp("course") / "curso"
    folder.mkdir()
    outputs, seconds = _execute_notebook(notebook, folder, jupyter)
    print(f"course notebook, {len(katas)} katas: {seconds:.1f} s")
    return katas, [outputs[i] for i in stub_cells], outputs[-len(katas):], seconds


def test_every_stub_cell_of_the_course_notebook_fails(course_run):
    katas, stubs, _, _ = course_run
    assert len(stubs) == len(katas)
    for kata, outputs in zip(katas, stubs):
        assert report_of(outputs).startswith(f"✘ {kata.id}")


def test_every_solution_cell_passes(course_run):
    katas, _, solutions, seconds = course_run
    for kata, outputs in zip(katas, solutions):
        text = report_of(outputs)
        assert text.startswith(f"✔ {kata.id}") and "✘" not in text, text
    assert seconds < 240


def test_the_course_notebook_holds_every_kata_of_the_pack(pack):
    notebook = nbformat.reads(to_json(course_notebook(pack.katas(), version="1.2.3")), as_version=4)
    nbformat.validate(notebook)
    cells = notebook.cells
    setup = cells[1].source
    assert cells[1].cell_type == "code" and "'google.colab'" not in setup
    assert 'if "google.colab" in sys.modules:' in setup and "katacheck==1.2.3" in setup
    assert setup.rstrip().endswith("%load_ext katacheck")
    for kata in pack.katas():
        [index] = [i for i, cell in enumerate(cells) if cell.source.startswith(f"%%katacheck {kata.id}\n")]
        statement, stub, hint = cells[index - 1], cells[index], cells[index + 1]
        assert statement.cell_type == "markdown" and kata.statement().strip() in statement.source
        assert stub.source == f"%%katacheck {kata.id}\n{kata.stub_path.read_text(encoding='utf-8')}"
        assert hint.cell_type == "code" and hint.source == f"%katacheck hint {kata.id}"
    assert len({cell.id for cell in cells}) == len(cells)


def test_the_setup_cell_installs_nothing_outside_colab(tmp_path):
    # The cell's Python, with its magic line left out, runs in a plain interpreter: no pip.
    from katacheck.notebook.course import setup_cell

    code = "\n".join(line for line in setup_cell("0").splitlines() if not line.startswith("%"))
    probe = "import subprocess\ndef refuse(*a, **k): raise SystemExit('pip ran')\nsubprocess.run = refuse\n"
    done = subprocess.run([sys.executable, "-c", probe + code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    colab = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n"
    done = subprocess.run([sys.executable, "-c", colab + probe + code], capture_output=True, text=True, timeout=60)
    assert "pip ran" in done.stderr


def test_init_notebook_writes_the_course_and_never_overwrites_it(cli, tmp_path, pack):
    result = cli("init", "--notebook", "curso")
    assert result.exit_code == 0, result.output
    path = tmp_path / "curso" / NOTEBOOK_FILE
    assert (tmp_path / "curso" / "katacheck.toml").is_file()
    nbformat.validate(nbformat.read(path, as_version=4))
    assert list(kata_cells(path.read_text(encoding="utf-8"))) == [kata.id for kata in pack.katas()]
    path.write_text("{}", encoding="utf-8")  # the learner's notebook now
    result = cli("init", "--notebook", "curso")
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8") == "{}"


# -- reading kata cells --------------------------------------------------------------------------


def _notebook_text(*cells: tuple[str, str]) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
                      for kind, source in cells]
    return nbformat.writes(notebook)


def test_kata_cells_are_the_bodies_of_the_magic_cells_and_the_last_one_wins():
    text = _notebook_text(("markdown", "%%katacheck 01_duas_camadas\nnot code"),
                          ("code", "%%katacheck 01_duas_camadas\nprimeira = 1\n"),
                          ("code", "print('outra célula')"),
                          ("code", "  %%katacheck   02_relu  \nx = 2"),
                          ("code", "%%katacheck 01_duas_camadas\nsegunda = 2\n"))
    assert kata_cells(text) == {"01_duas_camadas": "segunda = 2\n", "02_relu": "x = 2"}


@pytest.mark.parametrize("text", ["not json", "[]", '{"cells": 3}'])
def test_a_file_that_is_not_a_notebook_says_so(text):
    with pytest.raises(NotANotebookError):
        kata_cells(text)


# -- grade -----------------------------------------------------------------------------------------


def test_grade_takes_the_kata_cells_of_a_notebook(cli, tmp_path):
    turma = tmp_path / "turma"
    turma.mkdir()
    text = _notebook_text(("code", "%%katacheck 01_duas_camadas\n" + _read("01_duas_camadas", "solution.py")),
                          ("code", "%%katacheck 02_relu\n" + _read("02_relu", "stub.py")))
    (turma / "ana.ipynb").write_text(text, encoding="utf-8")
    clone = turma / "bruno"  # a clone of a learner who worked in Colab: only the notebook was pushed
    clone.mkdir()
    (clone / "katacheck.toml").write_text('pack = "fundamentos"\n', encoding="utf-8")
    broken = "raise ValueError('não terminei')\n" + _read("01_duas_camadas", "solution.py")
    (clone / NOTEBOOK_FILE).write_text(_notebook_text(("code", "%%katacheck 01_duas_camadas\n" + broken),
                                                      ("code", "%%katacheck 02_relu\n" + _read("02_relu", "stub.py"))),
                                       encoding="utf-8")
    result = cli("grade", str(turma / "ana.ipynb"), str(clone), "--kata", "01_duas_camadas", "--kata", "02_relu",
                 "--kata", "03_adam", "--csv", str(tmp_path / "notas.csv"), "--sandbox", "none", "--jobs", "2")
    assert result.exit_code == 0, result.output
    rows = {(row.split(",")[0], row.split(",")[1]): row.split(",")[2]
            for row in (tmp_path / "notas.csv").read_text(encoding="utf-8").splitlines()[1:]}
    assert rows[("ana", "01_duas_camadas")] == "pass"
    assert rows[("ana", "02_relu")] == "fail"
    assert rows[("ana", "03_adam")] == "missing"
    assert rows[("bruno", "01_duas_camadas")] in ("fail", "error")
    assert rows[("bruno", "02_relu")] == "fail"


# -- the HTML report -----------------------------------------------------------------------------


def _result(**changes) -> KataResult:
    curve = LossCurve.sampled([1.6 * math.exp(-i / 20) for i in range(100)], limit=1.38)
    failing = CheckResult("test_otimizador", "O otimizador é <Adam>", "fail",
                          Diagnosis("use <b>Adam</b> & não SGD", hint="troque <script>alert(1)</script>",
                                    location=Location("/x/03_adam.py", 23, "otimizador = SGD(<x>)")),
                          output="<img src=x onerror=alert(1)>")
    passing = CheckResult("test_perda", "A perda cai", "pass", loss_curve=curve)
    return KataResult(**{"kata_id": "03_adam", "title": "Trocar <SGD>", "checks": (failing, passing),
                         "duration": 1.25, **changes})


def test_the_html_report_escapes_everything_the_learner_controls():
    from katacheck.render.html import render_html

    html = render_html(_result())
    for raw in ("<b>Adam</b>", "<script>", "<img", "<x>", "<Adam>", "<SGD>"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "use &lt;b&gt;Adam&lt;/b&gt; &amp; não SGD" in html


def test_code_in_messages_and_hints_is_shown_as_code_and_still_escaped():
    from katacheck.render.html import text_html

    html = text_html("Troque por `torch.optim.Adam(<x>)` & rode")
    assert html.endswith("&amp; rode") and ">torch.optim.Adam(&lt;x&gt;)</code>" in html and "<code" in html
    assert text_html("um ` só") == "um ` só"


def test_the_html_report_numbers_lines_within_the_cell():
    from katacheck.render.html import render_html

    assert t("notebook.report.cell_line", line=24) + " (03_adam.py:23)" in render_html(_result())
    assert "03_adam.py:23" in render_html(_result(), cell=False)
    assert t("notebook.report.cell_line", line=24) not in render_html(_result(), cell=False)


def test_the_loss_curve_is_an_svg_with_the_limit_line():
    from katacheck.render.html import curve_svg

    svg = curve_svg(LossCurve.sampled([2.0, 1.0, float("nan"), 0.5, 0.4, float("inf"), 0.3], limit=1.0), passed=True)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 1  # nan and inf break the line
    assert 'stroke-dasharray="6 4"' in svg and t("report.curve.limit", limit="1") in svg
    assert "nan" not in svg and "inf" not in svg
    assert curve_svg(LossCurve.sampled([float("nan")]), passed=False) == ""


def test_a_passing_report_has_no_failure_mark():
    from katacheck.render.html import render_html

    passing = _result(checks=(CheckResult("test_perda", "A perda cai", "pass"),))
    html = render_html(passing)
    assert "✔" in html and "✘" not in html


# -- where the workspace is -----------------------------------------------------------------------


def test_the_workspace_is_the_notebook_s_folder_or_colab_s(monkeypatch, tmp_path):
    from katacheck.notebook import place

    monkeypatch.delenv("KATACHECK_WORKSPACE", raising=False)
    assert place.default_root(tmp_path) == tmp_path
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    assert place.default_root(tmp_path) == place.COLAB_ROOT == Path("/content/katacheck")
    monkeypatch.setenv("KATACHECK_WORKSPACE", str(tmp_path))
    assert place.default_root(Path("/elsewhere")) == tmp_path.resolve()


def test_a_workspace_above_the_notebook_is_found_as_by_the_cli(tmp_path, monkeypatch):
    from katacheck.notebook import place

    monkeypatch.delenv("KATACHECK_WORKSPACE", raising=False)
    (tmp_path / "katacheck.toml").write_text('pack = "fundamentos"\n', encoding="utf-8")
    (tmp_path / "aulas").mkdir()
    workspace, created = place.workspace(None, tmp_path / "aulas")
    assert workspace.root == tmp_path.resolve() and not created
    workspace, created = place.workspace(tmp_path / "novo", tmp_path)
    assert created and (tmp_path / "novo" / "katacheck.toml").is_file()


def test_a_fix_the_magic_has_is_shown_as_the_magic():
    from katacheck.notebook.magics import notebook_fix

    assert notebook_fix("katacheck next") == "%katacheck next"
    assert notebook_fix("katacheck hint 03_adam") == "%katacheck hint 03_adam"
    assert notebook_fix("katacheck reset 03_adam") == "katacheck reset 03_adam"
    assert notebook_fix(None) is None


# -- dependencies --------------------------------------------------------------------------------


def test_importing_katacheck_never_imports_ipython():
    code = ("import sys\nimport katacheck, katacheck.cli, katacheck.notebook, katacheck.notebook.course\n"
            "import katacheck.notebook.place, katacheck.render.html, katacheck.grading\n"
            "assert callable(katacheck.load_ipython_extension)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('IPython', 'ipykernel', 'torch')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


#: The magics on IPython 7.34 (Colab's), in a plain InteractiveShell: no kernel is needed to
#: hold the magic API (Magics, magics_class, cell_magic, line_magic, display, set_next_input)
#: to that version.
ON_IPYTHON_7_34 = """
import IPython
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "katacheck")
for source in ("%katacheck next", "%%katacheck 01_duas_camadas\\n" + open(SOLUTION).read(), "%katacheck hint 02_relu"):
    with capture_output() as captured:
        assert shell.run_cell(source).success
    print(IPython.__version__, repr([o.data["text/plain"].splitlines()[0] for o in captured.outputs]))
"""


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv makes the environment with IPython 7.34")
def test_the_magics_work_on_ipython_7_34(tmp_path):
    # --no-sync: the project's environment is used as it is (never re-synced, nor its lock
    # touched); IPython 7.34 is layered over it, in uv's cache (~13 s, the worker's torch import).
    script = f"SOLUTION = {str(KATAS / '01_duas_camadas' / 'solution.py')!r}\n" + ON_IPYTHON_7_34
    environment = {key: value for key, value in os.environ.items() if not key.startswith("KATACHECK_")}
    done = subprocess.run(["uv", "run", "--quiet", "--no-sync", "--project", str(ROOT), "--with", "ipython==7.34",
                           "python", "-c", script],
                          cwd=tmp_path, env={**environment, "NO_COLOR": "1", "XDG_DATA_HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert all(line.startswith("7.34.0 ") for line in lines) and len(lines) == 3, done.stdout
    assert "01_duas_camadas" in lines[0]  # the statement of the first kata
    assert "'✔ 01_duas_camadas" in lines[1]
    assert t("cli.hint.label", number=1, total=len(_read_hints("02_relu"))) in lines[2]


@pytest.mark.parametrize(("text", "problem"), [("{ não é json", "não é JSON"), ('{"cells": 3}', "falta a lista de células")])
def test_grade_names_a_notebook_it_cannot_read_instead_of_calling_its_katas_missing(cli, tmp_path, text, problem):
    turma = tmp_path / "turma"
    turma.mkdir()
    (turma / "carla.ipynb").write_text(text, encoding="utf-8")
    result = cli("grade", str(turma / "carla.ipynb"), "--kata", "01_duas_camadas", "--kata", "02_relu",
                 "--csv", str(tmp_path / "notas.csv"), "--sandbox", "none")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader((tmp_path / "notas.csv").read_text(encoding="utf-8").splitlines()))[1:]
    assert [(row[0], row[1], row[2]) for row in rows if row[1] != "TOTAL"] == [("carla", "01_duas_camadas", "error"),
                                                                               ("carla", "02_relu", "error")]
    assert all("carla.ipynb não pôde ser lido" in row[5] and problem in row[5] for row in rows if row[1] != "TOTAL")
