"""Tamper resistance: every cheat in ``tests/cheats/`` is caught, and says what was detected.

A cheat is a learner file for some kata, with a header::

    # expect: <code>     what a verification concludes (the whole pipeline: scan, then child)
    # runtime: <code>    what the child alone concludes, with the static scan off; ``none``
    #                    marks a known gap of the in-process layers (the scan must catch it)
    # kata: <kata id>
    # env: NAME=value    set while the corpus runs ({workspace} is the cheat's folder)
    # link: solution     the learner's file is a symbolic link to the kata's reference solution
    # pyc: solution      the reference solution, compiled with the "unchecked hash" flag, is
    #                    planted as the learner file's cached bytecode (``__pycache__/*.pyc``)
    # never: NAME        a file that must not exist in the workspace after the run (a marker
    #                    that a workspace file writes if anything imports it)

A PEP 263 coding line may come first (the declaration must be on line 1 or 2). Below the
learner's file, ``# === arquivo: NAME ===`` starts another file of the cheat's workspace (a
``conftest.py``, a ``pytest.ini``...). Each cheat is run twice when it can be: the whole
pipeline, and the child's own defences alone, so that both layers are shown to hold.
Everything runs in one module fixture, two children at a time.
"""

from __future__ import annotations

import importlib.util
import os
import py_compile
import re
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from conftest import run_katacheck
from katacheck.errors import ExitCode
from katacheck.i18n import t
from katacheck.plugins import get_pack
from katacheck.render.report import render_text
from katacheck.result import KataResult
from katacheck.runner.channel import open_writer, read_stream
from katacheck.runner.parent.dsession import _assemble, run_kata
from katacheck.runner.parent.scan import scan_source

CHEATS_DIR = Path(__file__).resolve().parent / "cheats"
ROOT = CHEATS_DIR.parent.parent
HEADER = re.compile(r"^#\s*(?P<key>expect|runtime|kata|env|link|pyc|never):\s*(?P<value>.+?)\s*$")
CODING = re.compile(r"^[ \t\f]*#.*?coding[:=]")
FILE_MARK = re.compile(r"^# === arquivo: (?P<name>[\w.]+) ===$", re.MULTILINE)

pytestmark = pytest.mark.xdist_group(name="cheats")


@dataclass
class Cheat:
    name: str
    kata: str
    expect: str
    runtime: str
    source: str
    files: dict[str, str] = field(default_factory=dict)
    env: list[tuple[str, str]] = field(default_factory=list)
    #: The kata file the learner's file links to (``link:``), or whose bytecode is planted (``pyc:``).
    link: str | None = None
    pyc: str | None = None
    never: list[str] = field(default_factory=list)


def load(path: Path) -> Cheat:
    text = path.read_text(encoding="utf-8")
    headers: dict[str, str] = {}
    env: list[tuple[str, str]] = []
    never: list[str] = []
    lines = text.splitlines()
    for line in lines[1:] if lines and CODING.match(lines[0]) else lines:
        match = HEADER.match(line)
        if match is None:
            break
        if match["key"] == "env":
            name, _, value = match["value"].partition("=")
            env.append((name, value))
        elif match["key"] == "never":
            never.append(match["value"])
        else:
            headers[match["key"]] = match["value"]
    missing = {"expect", "runtime", "kata"} - headers.keys()
    if missing:
        raise ValueError(f"{path.name}: header without {sorted(missing)}")
    parts = FILE_MARK.split(text)
    files = {parts[i]: parts[i + 1].lstrip("\n") for i in range(1, len(parts), 2)}
    return Cheat(path.stem, headers["kata"], headers["expect"], headers["runtime"], parts[0], files, env,
                 link=headers.get("link"), pyc=headers.get("pyc"), never=never)


def _kata_file(kata, name: str) -> Path:
    return {"solution": kata.solution_path, "stub": kata.stub_path}[name]


def plant(cheat: Cheat, workspace: Path, kata) -> Path:
    """Write the cheat's workspace: the learner's file (or the link in its place), its other
    files, and the planted bytecode; returns the learner's file."""
    learner = workspace / kata.learner_filename
    if cheat.link is not None:
        learner.symlink_to(_kata_file(kata, cheat.link))
    else:
        learner.write_text(cheat.source, encoding="utf-8")
    for name, content in cheat.files.items():
        (workspace / name).write_text(content, encoding="utf-8")
    if cheat.pyc is not None:
        py_compile.compile(str(_kata_file(kata, cheat.pyc)), cfile=importlib.util.cache_from_source(str(learner)),
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH, doraise=True)
    return learner


CHEATS = [load(path) for path in sorted(CHEATS_DIR.glob("*.py"))]


def _run_corpus(folder: Path) -> dict[tuple[str, str], KataResult]:
    pack = get_pack("fundamentos")
    jobs = []
    environment: dict[str, list[str]] = {}
    for cheat in CHEATS:
        workspace = folder / cheat.name
        workspace.mkdir()
        kata = pack.get(cheat.kata)
        learner = plant(cheat, workspace, kata)
        for name, value in cheat.env:
            environment.setdefault(name, []).append(value.replace("{workspace}", str(workspace)))
        if not scan_source(cheat.source):
            # The scan sees nothing: the whole pipeline is the child alone, one run serves both.
            jobs.append((cheat.name, "both", kata, learner, True))
            continue
        jobs.append((cheat.name, "full", kata, learner, True))
        if cheat.runtime != "none":
            jobs.append((cheat.name, "runtime", kata, learner, False))
    with pytest.MonkeyPatch.context() as patch:
        for name, values in environment.items():
            patch.setenv(name, (os.pathsep if name == "PYTHONPATH" else " ").join(values))
        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            futures = {(name, layer): pool.submit(run_kata, kata, learner, scan=scan)
                       for name, layer, kata, learner, scan in jobs}
            results = {key: future.result() for key, future in futures.items()}
    for (name, layer), result in list(results.items()):
        if layer == "both":
            results[name, "full"] = results[name, "runtime"] = result
    return results


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cheats")


@pytest.fixture(scope="module")
def verdicts(corpus_folder: Path) -> dict[tuple[str, str], KataResult]:
    return _run_corpus(corpus_folder)


def _codes(result: KataResult) -> list[str | None]:
    codes = [c.diagnosis.code for c in result.checks if not c.passed and c.diagnosis is not None]
    return [*codes, result.fatal.code] if result.fatal is not None else codes


def _assert_caught(result: KataResult, expected: str, label: str) -> None:
    report = render_text(result)
    assert not result.passed, f"{label} passed:\n{report}"
    assert expected in _codes(result), f"{label}: expected {expected}, got {_codes(result)}:\n{report}"
    diagnosis = result.fatal if result.fatal is not None and result.fatal.code == expected else next(
        c.diagnosis for c in result.checks if c.diagnosis is not None and c.diagnosis.code == expected)
    # It says what was detected, in Portuguese, with a way out.
    assert diagnosis.message.strip() and diagnosis.hint and diagnosis.hint.strip(), report
    assert not diagnosis.message.startswith(("fatal.", "tamper.", "check.")), diagnosis.message
    if expected.startswith("fatal.tampered."):
        assert diagnosis.message.startswith(t("fatal.tampered", what="").rstrip(". ")), diagnosis.message


@pytest.mark.parametrize("cheat", CHEATS, ids=lambda c: c.name)
def test_cheat_is_caught(cheat: Cheat, verdicts) -> None:
    _assert_caught(verdicts[cheat.name, "full"], cheat.expect, cheat.name)


@pytest.mark.parametrize("cheat", [c for c in CHEATS if c.runtime != "none"], ids=lambda c: c.name)
def test_the_child_alone_catches_cheat(cheat: Cheat, verdicts) -> None:
    """The static scan off: the audit hook, the tripwire, the channel and the parent's checks."""
    _assert_caught(verdicts[cheat.name, "runtime"], cheat.runtime, f"{cheat.name} (runtime)")


@pytest.mark.parametrize("cheat", [c for c in CHEATS if c.never], ids=lambda c: c.name)
def test_workspace_files_are_never_imported(cheat: Cheat, verdicts, corpus_folder: Path) -> None:
    assert verdicts[cheat.name, "full"] is not None
    for marker in cheat.never:
        assert not (corpus_folder / cheat.name / marker).exists(), marker


def test_every_cheat_fails_in_its_ci_report_and_in_grade_reading_it(verdicts, corpus_folder: Path) -> None:
    """The report `verify --report` writes in a learner's CI says fail, and `grade` reading that
    report gives no points."""
    import json

    from katacheck.grading.batch import rows_from_report
    from katacheck.grading.submissions import REPORT, Submission
    from katacheck.reports import exercism

    katas = list(get_pack("fundamentos").katas())
    for cheat in CHEATS:
        result = verdicts[cheat.name, "full"]
        data = exercism.build([result], katas)
        assert data["status"] != "pass", cheat.name
        path = corpus_folder / f"{cheat.name}-relatorio.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        kata = next(k for k in katas if k.id == cheat.kata)
        (row,) = rows_from_report(Submission(cheat.name, path, REPORT), [kata], katas)
        assert row.status != "pass" and row.points == 0, (cheat.name, row)


def test_every_cheat_fails_under_grade(tmp_path: Path) -> None:
    """The whole corpus as a class, graded by the real command (sandboxed where bwrap works)."""
    import csv

    pack = get_pack("fundamentos")
    turma = tmp_path / "turma"
    for cheat in CHEATS:
        workspace = turma / cheat.name
        assert run_katacheck("init", str(workspace), cwd=tmp_path).returncode == 0
        plant(cheat, workspace, pack.get(cheat.kata))
    # Without the cheats' `env:` lines: those are the learner's shell, not the teacher's (a
    # PYTHONPATH into a cheat's folder would run its sitecustomize.py in the teacher's Python).
    done = run_katacheck("grade", str(turma), "--csv", str(tmp_path / "notas.csv"), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [row for row in csv.DictReader((tmp_path / "notas.csv").open(encoding="utf-8")) if row["kata"] != "TOTAL"]
    by_cheat = {(row["learner"], row["kata"]): row for row in rows}
    for cheat in CHEATS:
        row = by_cheat[cheat.name, cheat.kata]
        assert row["status"] != "pass" and float(row["points"]) == 0, (cheat.name, row)


def test_the_corpus_covers_the_issue() -> None:
    expected = {c.expect for c in CHEATS} | {c.runtime for c in CHEATS}
    assert len(CHEATS) >= 12
    for code in ("fatal.tampered.import", "fatal.tampered.patch", "fatal.tampered.runtime",
                 "fatal.tampered.stream", "fatal.tampered.skip", "fatal.tampered.atexit", "fatal.exited",
                 # Verdicts nobody can forge: stdlib-routed frames, a skip from inside the standard
                 # library, a hidden encoding, workspace modules, a link, the reference solution.
                 "fatal.tampered.introspection", "check.not_run", "learner.encoding",
                 "learner.workspace_import", "fatal.learner_file.symlink", "module_not_found"):
        assert code in expected, code
    assert any(c.files for c in CHEATS) and any(c.env for c in CHEATS)
    assert any(c.link for c in CHEATS) and any(c.pyc for c in CHEATS) and any(c.never for c in CHEATS)


def test_katacheck_verify_never_imports_the_workspace(tmp_path: Path) -> None:
    """The workspace's root ``__init__.py`` and ``conftest.py`` would approve everything if any
    process imported them: a real ``katacheck verify`` fails the kata, and their markers never
    appear."""
    cheat = next(c for c in CHEATS if c.name == "raiz_da_area_de_trabalho")
    assert run_katacheck("next", cwd=tmp_path).returncode == 0
    plant(cheat, tmp_path, get_pack("fundamentos").get(cheat.kata))  # over the stub `next` wrote
    result = run_katacheck("verify", cwd=tmp_path)
    assert result.returncode == ExitCode.KATA_FAILED, result.stdout + result.stderr
    assert "O modelo tem 1 camada(s) nn.Linear" in result.stdout
    assert [marker for marker in cheat.never if (tmp_path / marker).exists()] == []


#: What a terminal acts on instead of showing (escape sequences start with one).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _strings(value) -> list[str]:
    import dataclasses

    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _strings(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [text for f in dataclasses.fields(value) for text in _strings(getattr(value, f.name))]
    return []


def test_no_verdict_carries_a_control_character(verdicts) -> None:
    """What the learner's code raised, printed or wrote reaches the learner's and the teacher's
    terminal, the gradebook and the reports: no escape sequence survives in any string of any
    verdict (``escapes_no_terminal`` tries hard), and the text it tried to hide is still shown."""
    for (name, layer), result in verdicts.items():
        for text in _strings(result):
            assert not CONTROL.search(text), (name, layer, text[:200])
    shown = render_text(verdicts["escapes_no_terminal", "full"])
    assert "␛[8m" in shown and "✘" in shown, shown


#: An honest learner's habits with the standard library, inside the training loop: none of them
#: is tampering, though each raises an audit event with the learner's file on the stack.
HONEST_STANDARD_LIBRARY = '''
import collections
import copy
import dataclasses
import functools
import inspect
import logging
import traceback
import typing
import warnings
from concurrent.futures import ThreadPoolExecutor

import torch
from torch import nn

Passo = collections.namedtuple("Passo", "epoca perda")
logging.basicConfig(level=logging.INFO)
registro = logging.getLogger("treino")


class Ponto(typing.NamedTuple):
    epoca: int


@dataclasses.dataclass
class Config:
    lr: float = 0.01


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def _epoca(modelo, otimizador, criterio, X, y):
    otimizador.zero_grad()
    perda = criterio(modelo(X), y)
    perda.backward()
    otimizador.step()
    return perda.item()


def treinar(modelo, X, y, epocas=100):
    assert "modelo" in inspect.signature(treinar).parameters
    copy.deepcopy(modelo)
    otimizador = functools.partial(torch.optim.Adam, lr=Config().lr)(modelo.parameters())
    criterio = nn.MSELoss()
    perdas = []
    with ThreadPoolExecutor(1) as pool:
        for epoca in range(epocas):
            perdas.append(pool.submit(_epoca, modelo, otimizador, criterio, X, y).result())
            registro.info("%s", Passo(Ponto(epoca).epoca, perdas[-1]))
    try:
        raise ValueError("só para ver o traceback")
    except ValueError:
        registro.debug(traceback.format_exc())
        logging.exception("ok")
    warnings.warn("treino terminado")
    return perdas
'''


def test_honest_standard_library_use_is_no_tampering(tmp_path: Path) -> None:
    """The audit hook looks through the standard library only where it passes calls along:
    ``logging`` reading its caller's frame, ``traceback`` reading a traceback, ``namedtuple``
    and ``dataclasses`` generating code, a thread pool running the learner's function are not
    the learner's doing. The kata passes, the scan silent."""
    learner = tmp_path / "03_adam.py"
    learner.write_text(HONEST_STANDARD_LIBRARY, encoding="utf-8")
    assert scan_source(HONEST_STANDARD_LIBRARY) == []
    result = run_kata(get_pack("fundamentos").get("03_adam"), learner)
    assert result.passed, render_text(result)


def test_static_findings_point_at_the_line(verdicts) -> None:
    result = verdicts["adam_vira_sgd", "full"]
    assert result.fatal.location is not None
    assert result.fatal.location.source == "torch.optim.Adam = torch.optim.SGD"
    assert "torch.optim.Adam" in result.fatal.message
    assert result.extras["tamper_findings"][0]["kind"] == "patch"


# -- the static scan, in process --------------------------------------------------------------


def test_the_scan_never_accuses_honest_code() -> None:
    files = [*ROOT.glob("tests/variants/*/*.py"), *ROOT.glob("katas/*/stub.py"), *ROOT.glob("katas/*/solution.py")]
    assert len(files) > 50
    for path in files:
        assert scan_source(path.read_text(encoding="utf-8")) == [], path


@pytest.mark.parametrize(("snippet", "kind"), [
    ("import pytest\nimport gc\ngc.collect()\nimport sys\nsys.path.append('x')", None),
    ("import torch\ntorch.backends.cudnn.benchmark = True\ntorch.manual_seed(0)", None),
    ("class M:\n    def f(self):\n        self._hooks = []\n        return self._hooks", None),
    ("import ctypes\nctypes.string_at(0)", None),
    ("import traceback\ntry:\n    pass\nexcept Exception:\n    traceback.print_exc()", None),
    ("from katacheck.checks import training", "import"),
    ("__import__('kata' + 'check')", "dynamic_code"),
    ("import importlib\nimportlib.import_module('pluggy')", "import"),
    ("from torch import optim\noptim.Adam = optim.SGD", "patch"),
    ("import torch.nn as nn\nsetattr(nn.Linear, 'forward', None)", "patch"),
    ("from torch.optim import SGD\nSGD.step = None", "patch"),
    ("import sys\nsys.modules.pop('torch')", "patch"),
    ("import builtins\nbuiltins.len = None", "patch"),
    ("def f():\n    pass\nf.__code__", "internals"),
    ("import inspect\ninspect.currentframe().f_back", "internals"),
    ("import torch\ntorch.optim.optimizer._global_optimizer_pre_hooks", "internals"),
    ("import atexit", "atexit"),
    ("import os\nos.write(5, b'x')", "fd"),
    ("open(7, 'w')", "fd"),
    ("import os\nos.kill(1, 9)", "kill"),
    ("import sys\nsys.setprofile(print)", "tracing"),
    ("import pytest\npytest.xfail('x')", "skip"),
    ("eval('1 + 1')", "dynamic_code"),
    # A module by its name, already imported: no finder is asked, so only this layer sees it.
    ("import pkgutil\npkgutil.resolve_name('katacheck.checks.curves:diagnosis')", "import"),
    ("import sys\nsys.modules['kata' + 'check']", "internals"),
    ("import sys\nm = sys.modules.get('torch')", "internals"),
    ("import os\nos.sys.meta_path", "internals"),
    ("import sys\nvars(sys)", "internals"),
    ("from importlib import import_module\nimport_module('kata' + 'check')", "dynamic_code"),
    ("import inspect, torch\ninspect.getmodule(torch.nn)", "dynamic_code"),
    ("import importlib\nimportlib._bootstrap", "internals"),
    ("import importlib\nf = importlib.import_module", "dynamic_code"),
    ("x = 'pluggy._hooks'", "import"),
    ("x = f'katacheck.{1}'", "import"),
    # Honest code that names the same words.
    ("import torch\nm = torch.nn.Linear(2, 1)\nlist(m.modules())\nprint('katacheck verify passou')", None),
    ("print('katacheck: treino terminado')", None),
    ("import pkgutil\npkgutil.resolve_name('katacheck:checks')", "import"),
    ("import importlib\nimportlib.import_module('torch.nn')\nimport sys\nsys.path.append('.')", None),
])
def test_scan_rules(snippet: str, kind: str | None) -> None:
    findings = scan_source(textwrap.dedent(snippet))
    if kind is None:
        assert findings == []
    else:
        assert findings and findings[0].kind == kind, findings


def test_the_scan_reads_a_file_as_deep_as_the_parser_goes() -> None:
    """A sum of a thousand terms parses, and walking it recursively crashed the parent
    (RecursionError in ``katacheck verify``, an internal error in ``grade``): the walk is iterative,
    and what follows such a line is still read. A file deeper than the parser goes is not run."""
    from katacheck.runner.parent.scan import Unscannable

    deep = "x = " + "+".join(["1"] * 1000) + "\ny = a" + "[0]" * 900 + "\nimport katacheck\n"
    assert [f.kind for f in scan_source(deep)] == ["import"]
    with pytest.raises(Unscannable):
        scan_source("x = " + "+".join(["1"] * 20000) + "\n")


def test_a_file_too_deep_to_scan_never_runs(tmp_path: Path) -> None:
    learner = tmp_path / "01_duas_camadas.py"
    learner.write_text("x = " + "+".join(["1"] * 20000) + "\n", encoding="utf-8")
    result = run_kata(get_pack("fundamentos").get("01_duas_camadas"), learner)
    assert result.fatal is not None and result.fatal.code == "fatal.learner_file.too_deep", render_text(result)
    assert not result.checks and result.fatal.message.strip() and result.fatal.hint


# -- the channel and the parent's verdict, in process -----------------------------------------


def _signed(events: list[dict]) -> bytes:
    read, write = os.pipe()
    send, close = open_writer(write)
    for event in events:
        send(event)
    close()
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    return data


def _check(name: str, outcome: str = "passed") -> dict:
    return {"event": "check", "check": {"name": name, "title": name, "outcome": outcome}}


GOOD = [{"event": "collected", "names": ["a", "b"]}, {"event": "start", "name": "a", "title": "a"}, _check("a"),
        {"event": "start", "name": "b", "title": "b"}, _check("b"), {"event": "done", "exitstatus": 0}]


def test_the_channel_accepts_its_own_lines_and_nothing_else() -> None:
    data = _signed(GOOD)
    assert read_stream(data).events == GOOD and read_stream(data).forged is None
    key_line, *lines = data.split(b"\n")
    assert key_line.startswith(b"key ") and len(key_line) == 4 + 64, "a fresh 32-byte key, first"
    other_run = _signed(GOOD).split(b"\n")[0]
    assert read_stream(b"\n".join([other_run, *lines])).forged == "signature"  # another run's key
    assert read_stream(b"\n".join([key_line, lines[0], *lines[2:]])).forged == "sequence"  # a line dropped
    assert read_stream(data + b'{"event": "done", "exitstatus": 0}\n').forged == "sequence"  # one added
    assert read_stream(data[:-10]).events == GOOD[:-1]  # cut short by a kill: the rest counts
    assert read_stream(b"").events == [] and read_stream(b"").forged is None  # died before writing
    assert read_stream(b"0 abc {}\n").forged == "key"  # no key line: not ours


def _verdict(events: list[dict], returncode: int = 0, forged: str | None = None) -> KataResult:
    from katacheck.runner.channel import Stream

    kata = get_pack("fundamentos").get("01_duas_camadas")
    kata = replace(kata, id="x")
    from katacheck.runner.parent.dsession import _Outcome

    return _assemble(kata, Stream(events, forged), _Outcome(returncode=returncode), 10.0, 0.1)


def test_the_parent_passes_only_a_complete_consistent_run() -> None:
    assert _verdict(GOOD).passed
    assert _verdict(GOOD, forged="signature").fatal.code == "fatal.tampered.stream"
    # pytest counted a failure that no check reported, or the process ended otherwise.
    assert _verdict([*GOOD[:-1], {"event": "done", "exitstatus": 1}], 1).fatal.code == "fatal.tampered.exit"
    assert _verdict([*GOOD[:-1], {"event": "done", "exitstatus": 1}], 0).fatal.code == "fatal.tampered.exit"
    # Out of order, repeated, unknown: not what the plugin sends.
    swapped = [GOOD[0], GOOD[3], GOOD[4], GOOD[1], GOOD[2], GOOD[5]]
    assert _verdict(swapped).fatal.code == "fatal.tampered.checks"
    assert _verdict([*GOOD[:3], GOOD[2], *GOOD[3:]]).fatal.code == "fatal.tampered.checks"
    # A run that stopped early is not a pass, whatever its exit code.
    assert _verdict(GOOD[:3], 0).fatal.code == "fatal.exited"
    tamper = {"event": "tamper", "kind": "runtime", "name": "torch.optim.Adam", "line": None}
    result = _verdict([*GOOD[:3], tamper], 86)
    assert result.fatal.code == "fatal.tampered.runtime" and "torch.optim.Adam" in result.fatal.message


# -- the tripwire, in process -----------------------------------------------------------------


def test_the_tripwire_names_what_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    import torch

    from katacheck.checks import model
    from katacheck.runner.child.integrity import Tripwire

    tripwire = Tripwire()
    assert tripwire.changes() == []
    monkeypatch.setattr(torch.optim, "Adam", torch.optim.SGD)
    monkeypatch.setattr(torch.Tensor, "any", lambda *args: False, raising=False)
    assert {"torch.optim.Adam", "torch.Tensor.any"} <= set(tripwire.changes())
    monkeypatch.undo()
    monkeypatch.setattr(builtins, "ascii", lambda value: "")
    assert tripwire.changes() == ["builtins.ascii"]
    monkeypatch.undo()
    monkeypatch.setattr(model.require_attribute, "__code__", (lambda learner, name: None).__code__)
    assert any(label.endswith("require_attribute.__code__") for label in tripwire.changes())
    monkeypatch.undo()
    assert tripwire.changes() == []


#: Kata 16 answered by the checker's own rule, every name built at run time from an alias of sys:
#: no string names the checker, no read spells sys.modules, and a module already imported is
#: handed out without any event. The judge cannot tell that answer from the learner's.
ANSWER_KEY_BY_RUNTIME_NAMES = '''
import sys

_s = sys
_mods = getattr(_s, "mod" + "ules")
_ref = _mods["kata" + "check" + ".checks.curves"]


def diagnosticar(treino, validacao):
    return _ref.diagnosis(treino, validacao)


def melhor_epoca(validacao, paciencia=3):
    return _ref.best_epoch(validacao, paciencia)
'''


@pytest.mark.xfail(strict=True, reason="open: kata 16's tests import its rule (checks.curves) into the "
                   "child, where learner code reaches it by a name built at run time (integrity.py, Known gap)")
def test_the_rule_a_kata_imports_into_the_child_is_out_of_reach(tmp_path: Path) -> None:
    learner = tmp_path / "16_curvas_de_perda.py"
    learner.write_text(ANSWER_KEY_BY_RUNTIME_NAMES, encoding="utf-8")
    assert scan_source(ANSWER_KEY_BY_RUNTIME_NAMES) == []
    assert not run_kata(get_pack("fundamentos").get("16_curvas_de_perda"), learner).passed
