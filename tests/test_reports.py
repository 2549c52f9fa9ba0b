"""The reports of ``katacheck verify``, each checked against the format it claims.

- Exercism's test-runner interface v3 (https://exercism.org/docs/building/tooling/test-runners/interface);
- the JUnit XML pytest writes (``junit_family=xunit2``, the layout of pytest's junit-10.xsd,
  plus the ``<properties>`` pytest writes for ``user_properties``);
- GitHub's workflow commands (``::error file=…,line=…,title=…::message``, escaped as @actions/core
  escapes them) and the step summary;
- the GitHub Classroom grade: the notices ``Points X/Y`` and ``{"totalPoints", "maxPoints"}``
  its reporter writes, and the base64 runner result that reporter reads.

One real ``katacheck verify --all`` (one kata passing, one failing, one with a syntax error,
two never started) feeds every format; the edge cases use hand-made results, in-process.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import run_katacheck
from katacheck.errors import ExitCode
from katacheck.plugins import get_pack
from katacheck.reports import exercism, github, score
from katacheck.result import CheckResult, Diagnosis, KataResult, Location, Status

#: The built-in pack's points: one per kata, however many katas the course has.
MAX_POINTS = int(sum(kata.points for kata in get_pack("fundamentos").katas()))

# One worker runs this whole module, so the real verification below runs once (xdist loadgroup).
pytestmark = pytest.mark.xdist_group(name="reports")


# --- the formats, as checkers ---------------------------------------------------------------------

EXERCISM_STATUSES = {"pass", "fail", "error"}


def check_exercism_v3(data: dict[str, Any]) -> None:
    """Every rule of the interface's v3 that a results.json can break on its own."""
    assert set(data) <= {"version", "status", "message", "tests"}
    assert data["version"] == 3
    assert data["status"] in EXERCISM_STATUSES
    if data["status"] == "error":
        assert isinstance(data["message"], str) and data["message"].strip()
        assert len(data["message"]) <= exercism.MESSAGE_LIMIT
    else:
        assert data.get("message") is None, "message is null unless status is error"
    assert isinstance(data["tests"], list)
    statuses = [test["status"] for test in data["tests"]]
    if data["status"] == "pass":
        assert statuses and set(statuses) == {"pass"}
    elif data["status"] == "fail":
        assert set(statuses) - {"pass"}, "fail: at least one test failed or errored"
        assert set(statuses) != {"error"}, "all tests errored: that is status error"
    for test in data["tests"]:
        assert set(test) <= {"name", "status", "message", "output", "test_code", "task_id"}
        assert isinstance(test["name"], str) and test["name"].strip()
        assert test["status"] in EXERCISM_STATUSES
        assert test.get("message") is None or isinstance(test["message"], str)
        if test["status"] != "pass":
            assert test["message"], "a failure says why"
        assert test.get("output") is None or (isinstance(test["output"], str) and len(test["output"]) <= 500)
        assert isinstance(test.get("test_code", ""), str)
        if "task_id" in test:
            assert isinstance(test["task_id"], int) and not isinstance(test["task_id"], bool) and test["task_id"] >= 1
    task_ids = [test["task_id"] for test in data["tests"] if "task_id" in test]
    assert task_ids == sorted(task_ids), "tests come in kata order"


COMMAND = re.compile(r"^::(?P<name>[a-z]+)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def _unescape(text: str) -> str:
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command line, checked and decoded: name, properties, message."""
    match = COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    assert "\n" not in line and "\r" not in line
    props: dict[str, str] = {}
    for pair in filter(None, (match["props"] or "").split(",")):
        key, _, value = pair.partition("=")
        assert key in {"title", "file", "line", "endLine", "col", "endColumn"}, key
        assert not re.search(r"%(?!25|0D|0A|3A|2C)", value), f"bad escape in {value!r}"
        props[key] = _unescape(value)
    assert not re.search(r"%(?!25|0D|0A)", match["message"]), "a message escapes only %, CR and LF"
    return match["name"], props, _unescape(match["message"])


def check_markdown_table(text: str, columns: int) -> list[list[str]]:
    """The rows of the one table in ``text`` (GitHub-flavoured), each with ``columns`` cells."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(lines) >= 2 and re.fullmatch(r"\|(---\|)+", lines[1]), "header, then the separator row"

    def cells(line: str) -> list[str]:
        assert line.endswith("|")
        parts = re.split(r"(?<!\\)\|", line[1:-1])
        assert len(parts) == columns, line
        return [part.strip() for part in parts]

    return [cells(line) for line in [lines[0], *lines[2:]]]


# --- one real run ---------------------------------------------------------------------------------

SYNTAX_ERROR = "import torch\n\n\ndef treinar(modelo, X, y, epocas=100, lr=0.01:\n    pass\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory, request) -> dict[str, Any]:
    """``verify --all`` on GitHub Actions: 01 passes (and prints), 03 fails, 04 does not parse."""
    from katacheck.plugins import get_pack

    pack = get_pack("fundamentos")
    root = tmp_path_factory.mktemp("repo")
    assert run_katacheck("init", cwd=root).returncode == 0
    solution = pack.get("01_duas_camadas").solution_path.read_text(encoding="utf-8")
    (root / "01_duas_camadas.py").write_text('print("olá do aprendiz")\n' + solution, encoding="utf-8")
    shutil.copy(pack.get("03_adam").stub_path, root / "03_adam.py")
    (root / "04_zero_grad.py").write_text(SYNTAX_ERROR, encoding="utf-8")
    summary, outputs = root / "resumo.md", root / "saidas.txt"
    summary.write_text("conteúdo anterior\n", encoding="utf-8")
    env = {
        "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(root),
        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs),
        "KATACHECK_LANG": "pt_BR", "KATACHECK_WIDTH": "120", "NO_COLOR": "1", "KATACHECK_LOAD_PLUGINS": "",
    }
    process = run_katacheck("verify", "--all", "--report", "relatorio.json", "--junitxml", "junit.xml",
                            cwd=root, env=env)
    return {
        "process": process, "root": root, "pack": pack,
        "report": json.loads((root / "relatorio.json").read_text(encoding="utf-8")),
        "junit": ET.parse(root / "junit.xml").getroot(),
        "summary": summary.read_text(encoding="utf-8"),
        "outputs": dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines()),
        "commands": [line for line in process.stdout.splitlines() if line.startswith("::")],
    }


def test_the_exit_code_is_unchanged_by_the_reports(run):
    assert run["process"].returncode == ExitCode.KATA_FAILED, run["process"].stdout + run["process"].stderr
    assert "✘ 03_adam" in run["process"].stdout, "the learner's report is still printed"


def test_exercism_report_follows_v3(run):
    data = run["report"]
    check_exercism_v3(data)
    assert data["status"] == "fail" and data["message"] is None
    by_kata: dict[str, list[dict]] = {}
    for test in data["tests"]:
        by_kata.setdefault(test["name"].split(" — ")[0], []).append(test)
    assert list(by_kata) == ["01_duas_camadas", "03_adam", "04_zero_grad"], "kata order"
    assert {test["task_id"] for test in by_kata["03_adam"]} == {3}, "task_id: the kata's place in the pack"
    assert {test["status"] for test in by_kata["01_duas_camadas"]} == {"pass"}
    failed = [test for test in by_kata["03_adam"] if test["status"] != "pass"]
    assert [test["status"] for test in failed] == ["fail"]
    assert "O otimizador usado é SGD" in failed[0]["message"] and "03_adam.py:23" in failed[0]["message"]
    assert "Dica:" in failed[0]["message"]
    assert {test["status"] for test in by_kata["04_zero_grad"]} == {"error"}, "a file that does not parse: no check ran"
    assert "erro de sintaxe na linha 4" in by_kata["04_zero_grad"][0]["message"]
    printed = [test["output"] for test in by_kata["01_duas_camadas"] if test["output"]]
    assert printed and "olá do aprendiz" in printed[0], "what the learner printed is the test's output"


def test_junit_xml_is_pytests_with_one_testcase_per_kata(run):
    root = run["junit"]
    assert root.tag == "testsuites"
    (suite,) = root
    assert suite.tag == "testsuite" and suite.get("name") == "katacheck"
    assert set(suite.attrib) <= {"name", "errors", "failures", "skipped", "tests", "time", "timestamp", "hostname"}
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("3", "2", "0", "0")
    cases = list(suite)
    assert all(case.tag == "testcase" for case in cases)
    assert [(case.get("classname"), case.get("name")) for case in cases] == [
        ("01_duas_camadas", "01_duas_camadas"), ("03_adam", "03_adam"), ("04_zero_grad", "04_zero_grad")]
    for case in cases:
        assert set(case.attrib) <= {"classname", "name", "time"} and float(case.get("time")) >= 0
        assert {child.tag for child in case} <= {"properties", "failure", "error", "skipped", "system-out", "system-err"}
        (prop,) = case.find("properties")
        assert prop.get("name") == "katacheck"
        result = KataResult.from_dict(json.loads(prop.get("value")))
        assert result.kata_id == case.get("name"), "the property carries the kata's whole result, as JSON"
        failure = case.find("failure")
        assert (failure is None) == result.passed
    adam = cases[1].find("failure")
    assert adam.get("message") == "O otimizador usado é SGD; a kata pede torch.optim.Adam.", "the cause, in one line"
    assert "→ 03_adam.py:23" in adam.text and "Dica:" in adam.text, "the body is the full report"
    assert not any(line != line.rstrip() for line in adam.text.splitlines()), "no trailing padding"
    assert cases[2].find("failure").get("message").startswith("O arquivo tem um erro de sintaxe na linha 4")


def test_annotations_sit_on_the_learners_lines(run):
    errors = [parse_command(line) for line in run["commands"] if line.startswith("::error")]
    assert [(props["file"], props.get("line")) for _, props, _ in errors] == [
        ("03_adam.py", "23"), ("04_zero_grad.py", "4")], "one per cause: a syntax error is annotated once"
    _, props, message = errors[0]
    assert props["title"] == "03_adam — O otimizador é exatamente torch.optim.Adam, sobre todos os parâmetros do modelo."
    assert message.startswith("O otimizador usado é SGD; a kata pede torch.optim.Adam.\nDica: ")
    assert "%2C" in run["commands"][0], "the comma in the title is escaped"


def test_classroom_reads_the_points(run):
    notices = [parse_command(line) for line in run["commands"] if line.startswith("::notice")]
    assert notices[0] == ("notice", {"title": "Autograding complete"}, f"Points 1/{MAX_POINTS}")
    name, props, message = notices[1]
    assert props == {"title": "Autograding report"}
    assert json.loads(message) == {"totalPoints": 1, "maxPoints": MAX_POINTS}
    assert run["commands"][-2:] == [line for line in run["commands"] if line.startswith("::notice")], "last"


def test_step_outputs_hold_the_result_the_classroom_reporter_reads(run):
    outputs = run["outputs"]
    assert (outputs["points"], outputs["max-points"]) == ("1", str(MAX_POINTS))
    result = json.loads(base64.b64decode(outputs["result"]))
    # What classroom-resources/autograding-grading-reporter reads: max_score, tests[].score.
    assert result["max_score"] == MAX_POINTS and sum(test["score"] for test in result["tests"]) == 1
    assert result["status"] == "fail"
    # 01 passes; 02 and the katas after 04 have no file (not started: a failure for the grader).
    assert [test["status"] for test in result["tests"]] == ["pass", "fail", "fail", "fail"] + ["fail"] * (MAX_POINTS - 4)


def test_step_summary_is_a_table_of_every_kata(run):
    text = run["summary"]
    assert text.startswith("conteúdo anterior\n"), "appended, never overwritten"
    assert f"## katacheck: 1 de {MAX_POINTS} pontos" in text
    header, *rows = check_markdown_table(text, columns=4)
    assert header == ["Kata", "Status", "Pontos", "Causa"]
    assert [row[0].split("`")[1] for row in rows] == run["pack"].ids()
    not_started = len(rows) - 4  # every kata after 04 has no file yet
    assert [row[1] for row in rows] == ["✔ passou", "· não iniciada", "✘ falhou", "✘ falhou"] + ["· não iniciada"] * not_started
    assert [row[2] for row in rows] == ["1/1"] + ["0/1"] * (len(rows) - 1)
    assert "O otimizador usado é SGD" in rows[2][3] and "`03_adam.py:23`" in rows[2][3]
    assert "katacheck next" in rows[1][3], "a kata not started says how to start it"


# --- edge cases, in-process ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Kata:
    """What the report builders read of a :class:`katacheck.packs.Kata`."""

    id: str
    title: str
    order: int
    points: float = 1.0

    @property
    def learner_filename(self) -> str:
        return f"{self.id}.py"


def _kata(kata_id: str, order: int, points: float = 1.0) -> _Kata:
    return _Kata(id=kata_id, title=f"Título {order}", order=order, points=points)


KATAS = [_kata("01_a", 1, points=2), _kata("02_b", 2, points=0.5), _kata("03_c", 3, points=1)]


def _check(title: str, diagnosis: Diagnosis | None = None, output: str = "") -> CheckResult:
    return CheckResult(name=title, title=title, outcome=Status.FAIL if diagnosis else Status.PASS,
                       diagnosis=diagnosis, output=output)


def _result(kata_id: str, *checks: CheckResult, fatal: Diagnosis | None = None, output: str = "") -> KataResult:
    return KataResult(kata_id=kata_id, title=kata_id, checks=checks, fatal=fatal, output=output)


CRASH = Diagnosis(message="O processo morreu.", hint="Procure o laço.", code="fatal.crash")
TRICKY = Diagnosis(message="100% errado: a, b\r\nfim", hint="use x: y",
                   location=Location(path="/ws/03_c.py", line=7, source="x = 1"), code="tricky")


def test_tests_come_in_kata_order_whatever_the_results_order():
    results = [_result("03_c", _check("c1")), _result("01_a", _check("a1"), _check("a2"))]
    data = exercism.build(results, KATAS)
    check_exercism_v3(data)
    assert [test["name"] for test in data["tests"]] == ["01_a — a1", "01_a — a2", "03_c — c1"]
    assert [test["task_id"] for test in data["tests"]] == [1, 1, 3]
    assert data["status"] == "pass"


def test_a_broken_run_is_an_error_test_and_only_errors_make_an_error_status():
    crashed = _result("02_b", fatal=CRASH, output="saída antes do crash")
    data = exercism.build([crashed], KATAS)
    check_exercism_v3(data)
    assert data["status"] == "error" and "O processo morreu." in data["message"]
    assert data["tests"] == [{"name": "02_b — 02_b", "status": "error", "message": "O processo morreu.\nDica: Procure o laço.",
                              "output": "saída antes do crash", "test_code": "02_b", "task_id": 2}]
    mixed = exercism.build([crashed, _result("03_c", _check("c1"))], KATAS)
    check_exercism_v3(mixed)
    assert mixed["status"] == "fail" and mixed["message"] is None


def test_nothing_verified_is_an_error_that_says_why():
    data = exercism.build([], KATAS, message="Nenhum arquivo de kata existe ainda.")
    check_exercism_v3(data)
    assert data == {"version": 3, "status": "error", "message": "Nenhum arquivo de kata existe ainda.", "tests": []}


def test_output_is_truncated_to_500_characters_with_a_note():
    printed = "".join(f"linha {n}\n" for n in range(400))
    data = exercism.build([_result("01_a", _check("a1", output=printed))], KATAS)
    check_exercism_v3(data)
    output = data["tests"][0]["output"]
    assert len(output) <= 500 and output.endswith("linha 399"), "the end is kept: where the error usually is"
    omitted = int(re.search(r"(\d+) caracteres", output.splitlines()[0]).group(1))
    assert omitted + len(output) - len(output.splitlines()[0]) - 1 == len(printed.strip())
    assert exercism.truncate_output("curta") == "curta" and exercism.truncate_output("  \n") is None


def test_workflow_command_escaping_round_trips():
    line = github.command("error", "100% certo\r\nfim", title="a: b, c%", file="pasta/x.py", line=3)
    assert line == "::error title=a%3A b%2C c%25,file=pasta/x.py,line=3::100%25 certo%0D%0Afim"
    assert parse_command(line) == ("error", {"title": "a: b, c%", "file": "pasta/x.py", "line": "3"}, "100% certo\r\nfim")
    assert github.command("notice", "só texto") == "::notice::só texto"


def test_annotations_escape_the_diagnosis_and_skip_unknown_lines():
    results = [_result("03_c", _check("c1: o teste", TRICKY), _check("c2", TRICKY)),
               _result("02_b", fatal=CRASH)]
    lines = github.annotations(results, KATAS, file_for={"02_b": "curso/02_b.py", "03_c": "curso/03_c.py"})
    parsed = [parse_command(line) for line in lines]
    assert parsed[0] == ("error", {"file": "curso/02_b.py", "title": "02_b — 02_b"}, "O processo morreu.\nDica: Procure o laço.")
    assert parsed[1] == ("error", {"file": "curso/03_c.py", "line": "7", "title": "03_c — c1: o teste"},
                         "100% errado: a, b\r\nfim\nDica: use x: y")
    assert len(parsed) == 2, "the same diagnosis on two checks is annotated once"


def test_points_follow_the_kata_metadata():
    results = [_result("01_a", _check("a1")), _result("02_b", _check("b1", CRASH)), _result("03_c", _check("c1"))]
    rows = score(results, KATAS)
    assert [(row.status, row.points, row.max_points) for row in rows] == [
        (Status.PASS, 2, 2), (Status.FAIL, 0, 0.5), (Status.PASS, 1, 1)]
    notices = [parse_command(line) for line in github.classroom_commands(3, 3.5)]
    assert notices[0][2] == "Points 3/3.5"
    assert json.loads(notices[1][2]) == {"totalPoints": 3, "maxPoints": 3.5}
    summary = github.step_summary(rows)
    assert "| 2/2 |" in summary and "| 0/0.5 |" in summary
    classroom = github.classroom_result(rows)
    assert classroom["max_score"] == 3.5 and [test["score"] for test in classroom["tests"]] == [2, 0, 1]


def test_equal_points_by_default():
    katas = [_kata("01_a", 1), _kata("02_b", 2)]
    rows = score([_result("01_a", _check("a1"))], katas, present={"02_b"})
    assert [(row.points, row.max_points, row.status) for row in rows] == [(1, 1, Status.PASS), (0, 1, Status.NOT_VERIFIED)]


def test_the_step_summary_keeps_a_pipe_inside_its_cell():
    piped = Diagnosis(message="a | b\nc", code="x")
    rows = score([_result("01_a", _check("a1", piped))], KATAS)
    header, first, *_ = check_markdown_table(github.step_summary(rows), columns=4)
    assert first[3] == "a \\| b c"


def test_nothing_to_verify_still_reports_a_zero_grade(cli, tmp_path, monkeypatch):
    """A Classroom repository before the first kata: usage error (2), but a report and 0 points."""
    summary = tmp_path / "resumo.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    assert cli("init").exit_code == 0
    result = cli("verify", "--all", "--report", "r.json")
    assert result.exit_code == ExitCode.USAGE_ERROR
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    check_exercism_v3(data)
    assert data["status"] == "error" and "Nenhum arquivo de kata" in data["message"]
    assert f"::notice title=Autograding complete::Points 0/{MAX_POINTS}" in result.output
    assert summary.read_text(encoding="utf-8").count("· não iniciada") == MAX_POINTS
