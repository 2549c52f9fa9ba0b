"""Error translation: every catalogued beginner error becomes a named diagnosis, in Portuguese,
with the learner's own values and line.

``tests/errors/<name>.py`` is a small learner file whose ``main()`` makes one mistake. Its header
says what :func:`katacheck.checks.diagnose.diagnose` must conclude:

- ``# expect: <code>`` the diagnosis code;
- ``# values: a | b`` values that the message must quote (shapes, dtypes, devices, names);
- ``# fix: a | b`` (optional) what the hint must propose;
- ``# catalogue: N`` (optional) the entry of §3 of the research notes it reproduces;
- ``# mode: warning | cuda | no-cuda`` (optional) warnings raised as errors; run under a
  (real or simulated) GPU; skipped where a real GPU exists.

The line marked ``# <- erro`` is the one the diagnosis must point at. Snippets run in-process,
the way a hidden test calls learner code: through :func:`katacheck.checks.call_learner`.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import pytest
import torch

from conftest import run_katacheck
from katacheck.checks import call_learner, context
from katacheck.checks.anomaly import locate_inplace, trace_of
from katacheck.checks.context import LEARNER_MODULE
from katacheck.checks.diagnose import CODES, RULES, diagnose, diagnose_warning
from katacheck.checks.diagnose.rules import VARIANTS
from katacheck.checks.failures import KataFailure
from katacheck.checks.loading import load_learner_module
from katacheck.checks.source import layer_lists, misplaced_forward
from katacheck.i18n import catalog

ERRORS = Path(__file__).resolve().parent / "errors"
MARKER = "# <- erro"
CATALOGUE_SIZE = 40


def _header(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*(expect|values|fix|catalogue|mode):\s*(.*)$", line)
        if not match:
            break
        fields[match[1]] = match[2].strip()
    return fields


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split("|") if part.strip()]


def _marked_line(path: Path) -> int:
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if MARKER in line]
    assert len(lines) == 1, f"{path.name}: mark exactly one line with {MARKER!r}"
    return lines[0]


SNIPPETS = sorted(ERRORS.glob("*.py"))


@pytest.fixture
def learner_file():
    """Makes a snippet the learner's file for the duration of a test."""
    previous = context.learner_file()
    module = sys.modules.get(LEARNER_MODULE)

    def use(path: Path) -> None:
        context.set_learner_file(path)

    yield use
    context.set_learner_file(previous)
    if module is None:
        sys.modules.pop(LEARNER_MODULE, None)
    else:
        sys.modules[LEARNER_MODULE] = module


def run_snippet(path: Path, mode: str | None = None):
    """Import the snippet as the learner's module and call its ``main()`` like a hidden test."""
    try:
        module = load_learner_module(str(path))
    except KataFailure as failure:  # an error at import time, diagnosed by the loader
        return failure.diagnosis
    with warnings.catch_warnings():
        if mode == "warning":
            warnings.simplefilter("error")
        if mode == "cuda":
            from katacheck.checks.device import cuda_available

            with cuda_available():
                return _diagnosed(module.main)
        return _diagnosed(module.main)


def _diagnosed(function):
    try:
        call_learner(function)
    except Exception as exc:  # noqa: BLE001
        return diagnose(exc)
    pytest.fail("the snippet raised nothing")


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.stem)
def test_snippet_gets_its_diagnosis(path: Path, learner_file) -> None:
    header = _header(path)
    if header.get("mode") == "no-cuda" and torch.cuda.is_available():
        pytest.skip("needs a machine without a GPU")
    learner_file(path)
    diagnosis = run_snippet(path, header.get("mode"))

    assert diagnosis.code == header["expect"], diagnosis
    # Portuguese, never a raw catalog key or an English traceback.
    assert not diagnosis.message.startswith("diagnose."), diagnosis.message
    assert "Traceback" not in diagnosis.message and "File \"" not in diagnosis.message
    for value in _split(header.get("values", "")):
        assert value in diagnosis.message, f"{value!r} not quoted in: {diagnosis.message}"
    assert diagnosis.hint, "every diagnosis says what to do"
    for fix in _split(header.get("fix", "")):
        assert fix in diagnosis.hint, f"{fix!r} not in the hint: {diagnosis.hint}"
    # The learner's own line, not PyTorch's or the test's.
    assert diagnosis.location is not None, diagnosis
    assert Path(diagnosis.location.path).resolve() == path.resolve()
    assert diagnosis.location.line == _marked_line(path), diagnosis.location
    assert MARKER in diagnosis.location.source


def test_every_catalogued_error_has_a_snippet() -> None:
    covered = {int(_header(p)["catalogue"]) for p in SNIPPETS if "catalogue" in _header(p)}
    assert covered == set(range(1, CATALOGUE_SIZE + 1))


def test_every_code_and_variant_has_a_message_and_a_hint_in_both_languages() -> None:
    for language in ("pt_BR", "en"):
        messages = catalog(language)
        for code in CODES:
            assert f"diagnose.{code}" in messages and f"diagnose.{code}.hint" in messages, (language, code)
        for variant in VARIANTS:
            assert f"diagnose.{variant}" in messages, (language, variant)


def test_every_rule_code_is_exercised_by_a_snippet() -> None:
    expected = {_header(p)["expect"] for p in SNIPPETS}
    # Codes no CPU snippet can trigger, or that other tests exercise.
    untested = {"cuda_device_assert", "out_of_memory", "recursion", "missing_name"}
    assert {rule.code for rule in RULES} - expected <= untested | expected


@pytest.mark.parametrize(("kind", "message", "code", "values"), [
    # Newer CUDA wording (torch ≥ 2.1 on a real GPU) and the older one.
    (RuntimeError, "Expected all tensors to be on the same device, but got mat1 is on cpu, different from other "
     "tensors on cuda:0 (when checking argument in method wrapper_CUDA_addmm)", "device_mismatch", ["cpu", "cuda:0"]),
    (RuntimeError, "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!",
     "device_mismatch", ["cuda:0", "cpu"]),
    (RuntimeError, "Input type (torch.cuda.FloatTensor) and weight type (torch.FloatTensor) should be the same",
     "device_mismatch", ["cuda", "cpu"]),
    (AssertionError, "Torch not compiled with CUDA enabled", "cuda_not_compiled", []),
    (RuntimeError, "CUDA error: device-side assert triggered\nCUDA kernel errors might be asynchronously reported",
     "cuda_device_assert", []),
    (RuntimeError, "CUDA out of memory. Tried to allocate 2.00 GiB", "out_of_memory", []),
    # torch 1.x wordings.
    (RuntimeError, "size mismatch, m1: [64 x 784], m2: [128 x 10] at /pytorch/aten/src/TH/generic/THTensorMath.cpp:41",
     "shapes_matmul", ["784", "128"]),
    (RuntimeError, "Expected object of scalar type Float but got scalar type Double for argument #2 'mat1'",
     "dtype_mismatch", ["Float", "Double"]),
    (RuntimeError, "expected scalar type Float but found Double", "dtype_mismatch", ["Float", "Double"]),
    (RuntimeError, "one of the variables needed for gradient computation has been modified by an inplace operation: "
     "[torch.FloatTensor [3, 4]], which is output 0 of ReluBackward0, is at version 1; expected version 0 instead.",
     "inplace_modified", ["[3, 4]", "de Relu,"]),
])
def test_other_versions_wordings_get_the_same_diagnosis(kind, message, code, values):
    diagnosis = diagnose(kind(message))
    assert diagnosis.code == code, diagnosis
    for value in values:
        assert value in diagnosis.message, diagnosis.message


# --- errors that surface far from their cause ----------------------------------------------


def test_inplace_error_in_a_hidden_tests_backward_is_traced_to_the_learners_line(learner_file):
    """The hidden test calls backward(): no learner line on the stack until the second run."""
    path = ERRORS / "13_inplace_depois_da_relu.py"
    learner_file(path)
    Rede = load_learner_module(str(path)).Rede

    def hidden_check():
        modelo = Rede()
        modelo(torch.randn(4, 10)).sum().backward()

    with pytest.raises(RuntimeError) as caught:
        hidden_check()
    assert diagnose(caught.value).location is None, "nothing to point at before the rerun"

    trace = locate_inplace(caught.value, hidden_check)
    assert trace is not None and trace.changed is not None and trace.saved is not None
    diagnosis = diagnose(caught.value)
    assert diagnosis.code == "inplace_modified"
    assert diagnosis.location.line == _marked_line(path)  # h += 0.1
    assert f"linha {trace.saved.line}" in diagnosis.message  # torch.relu(...)
    assert trace.saved.line == _marked_line(path) - 1


def test_locate_inplace_leaves_other_errors_alone():
    calls = []

    def learner():
        calls.append(1)
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")

    with pytest.raises(RuntimeError) as caught:
        learner()
    assert locate_inplace(caught.value, learner) is None
    assert calls == [1], "no second run for an ordinary error"
    assert trace_of(caught.value) is None


def test_import_time_inplace_error_is_traced_too(learner_file, tmp_path):
    path = tmp_path / "aluno.py"
    path.write_text(
        "import torch\n"
        "x = torch.randn(3, requires_grad=True)\n"
        "y = x.sigmoid()\n"
        "y.mul_(2)\n"
        "y.sum().backward()\n",
        encoding="utf-8",
    )
    learner_file(path)
    with pytest.raises(KataFailure) as caught:
        load_learner_module(str(path))
    diagnosis = caught.value.diagnosis
    assert diagnosis.code == "inplace_modified"
    assert diagnosis.location.line == 4
    assert "linha 3" in diagnosis.message and "Sigmoid" in diagnosis.message


def test_misspelled_forward_called_by_a_hidden_test_points_at_the_definition(learner_file):
    path = ERRORS / "27_forward_com_erro_de_digitacao.py"
    learner_file(path)
    Rede = load_learner_module(str(path)).Rede
    with pytest.raises(NotImplementedError) as caught:
        Rede()(torch.randn(2, 10))  # the hidden test's line, not the learner's
    diagnosis = diagnose(caught.value)
    assert diagnosis.code == "missing_forward"
    assert diagnosis.location.line == _marked_line(path)
    assert "`foward`" in diagnosis.message and "`forward`" in diagnosis.hint


def test_layer_list_read_from_source_and_module_list_not_flagged(tmp_path):
    path = tmp_path / "aluno.py"
    path.write_text(
        "from torch import nn\n"
        "class Boa(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.camadas = nn.ModuleList([nn.Linear(2, 2)])\n"
        "        self.tamanhos = [2, 2]\n"
        "class Ruim(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.camadas = {'a': nn.Linear(2, 2)}\n"
        "    def forward(self, x):\n"
        "        return x\n",
        encoding="utf-8",
    )
    found = layer_lists(path=str(path))
    assert [(item.cls, item.attr, item.line, item.container) for item in found] == [("Ruim", "camadas", 10, "dict")]
    assert misplaced_forward("Ruim", path=str(path)) is None
    assert misplaced_forward("Boa", path=str(path)).kind == "absent"


def test_checks_on_a_model_with_a_layer_list_point_at_the_list(learner_file):
    """No exception at all (no optimizer built yet): the checks read the class the same way."""
    from katacheck import checks

    path = ERRORS / "28_camadas_numa_lista.py"
    learner_file(path)
    Rede = load_learner_module(str(path)).Rede
    with pytest.raises(KataFailure) as linear:
        checks.expect_linear_chain(Rede(), (10, 5, 1))
    with pytest.raises(KataFailure) as gradients:
        checks.expect_gradients_flow(Rede(), torch.randn(4, 10), torch.randn(4, 1))
    assert linear.value.diagnosis.code == "linear_count"
    assert gradients.value.diagnosis.code == "no_parameters"
    for caught in (linear, gradients):
        assert caught.value.diagnosis.location.line == _marked_line(path)


def test_empty_parameter_list_without_a_layer_list_keeps_the_general_message(learner_file, tmp_path):
    path = tmp_path / "aluno.py"
    path.write_text(
        "import torch\nfrom torch import nn\n\n"
        "class Vazia(nn.Module):\n"
        "    def forward(self, x):\n"
        "        return x\n\n"
        "def main():\n"
        "    return torch.optim.SGD(Vazia().parameters(), lr=0.1)\n",
        encoding="utf-8",
    )
    learner_file(path)
    diagnosis = run_snippet(path)
    assert diagnosis.code == "empty_parameters" and diagnosis.location.line == 9
    assert "lista vazia" in diagnosis.message and "self." not in diagnosis.message


# --- unknown errors and warnings -------------------------------------------------------------


def test_unknown_error_falls_back_to_its_first_lines_and_the_learners_line(learner_file, tmp_path):
    path = tmp_path / "aluno.py"
    path.write_text(
        "def calcular(n):\n"
        "    raise ValueError('valor estranho: ' + str(n) + '\\n' + '\\n'.join('detalhe %d' % i for i in range(50)))\n\n"
        "def main():\n"
        "    return calcular(7)\n",
        encoding="utf-8",
    )
    learner_file(path)
    diagnosis = run_snippet(path)
    assert diagnosis.code == "unknown"
    assert "ValueError" in diagnosis.message and "valor estranho: 7" in diagnosis.message
    assert "detalhe 1" in diagnosis.message and "detalhe 5" not in diagnosis.message, "trimmed"
    assert diagnosis.location.line == 2, "the innermost learner line"
    assert "_pytest" not in diagnosis.message and "site-packages" not in diagnosis.message


def test_error_raised_from_a_learner_error_keeps_the_learners_line(learner_file, tmp_path):
    path = tmp_path / "aluno.py"
    path.write_text("def main():\n    return 1 / 0\n", encoding="utf-8")
    learner_file(path)
    module = load_learner_module(str(path))
    try:
        try:
            module.main()
        except ZeroDivisionError as inner:
            raise RuntimeError("a verificação falhou") from inner
    except RuntimeError as outer:
        diagnosis = diagnose(outer)
    assert diagnosis.location is not None and diagnosis.location.line == 2


def test_a_name_the_learners_file_does_not_define(learner_file):
    path = ERRORS / "x_argumento_com_outro_nome.py"
    learner_file(path)
    module = load_learner_module(str(path))
    with pytest.raises(AttributeError) as caught:
        module.treinar_modelo  # noqa: B018 - what a hidden test does with a renamed function
    diagnosis = diagnose(caught.value)
    assert diagnosis.code == "missing_name" and "`treinar_modelo`" in diagnosis.message


def test_recorded_warning_is_diagnosed_at_the_learners_line(learner_file):
    path = ERRORS / "40_softmax_sem_dim.py"
    learner_file(path)
    module = load_learner_module(str(path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module.main()
    found = [d for d in map(diagnose_warning, caught) if d is not None]
    assert [d.code for d in found] == ["softmax_dim"]
    assert found[0].location.line == _marked_line(path)


def test_english_catalog_changes_the_diagnosis(learner_file, monkeypatch):
    from katacheck import i18n

    monkeypatch.setenv("KATACHECK_LANG", i18n.language())
    path = ERRORS / "04_in_features_errado.py"
    learner_file(path)
    previous = i18n.language()
    i18n.set_language("en")
    try:
        diagnosis = run_snippet(path)
    finally:
        i18n.set_language(previous)
    assert diagnosis.code == "shapes_matmul"
    assert "784" in diagnosis.message and "Incompatible shapes" in diagnosis.message


# --- end to end: what the learner sees in `katacheck verify` ---------------------------------

SHAPES = '''\
import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        x = self.camada1(x)
        return self.camada2(x)
'''

INPLACE = '''\
import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        x = torch.relu(self.camada1(x))
        x += 0.1
        return self.camada2(x)
'''

FOWARD = '''\
import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def foward(self, x):
        return self.camada2(self.camada1(x))
'''


#: The environment of the autouse fixture in conftest.py, which a module-scoped fixture misses.
ENVIRONMENT = {"KATACHECK_WIDTH": "120", "NO_COLOR": "1", "KATACHECK_LOAD_PLUGINS": "", "KATACHECK_LANG": "pt_BR"}


@pytest.fixture(scope="module")
def verified(tmp_path_factory) -> dict[str, str]:
    """Two workspaces verified by real `katacheck verify` processes (three mistakes in all)."""
    outputs = {}
    first = tmp_path_factory.mktemp("ws_shapes_inplace")
    run_katacheck("init", cwd=first, env=ENVIRONMENT)
    (first / "01_duas_camadas.py").write_text(SHAPES, encoding="utf-8")
    (first / "02_relu.py").write_text(INPLACE, encoding="utf-8")
    result = run_katacheck("verify", "--all", cwd=first, env=ENVIRONMENT)
    assert result.returncode == 1, result.stdout + result.stderr
    outputs["shapes"] = outputs["inplace"] = result.stdout
    second = tmp_path_factory.mktemp("ws_foward")
    run_katacheck("init", cwd=second, env=ENVIRONMENT)
    (second / "01_duas_camadas.py").write_text(FOWARD, encoding="utf-8")
    result = run_katacheck("verify", "01_duas_camadas", cwd=second, env=ENVIRONMENT)
    assert result.returncode == 1, result.stdout + result.stderr
    outputs["foward"] = result.stdout
    return outputs


def _kata_section(output: str, kata: str) -> str:
    """The report of one kata, with its line breaks and padding folded into single spaces."""
    start = output.index(f"✘ {kata}")
    following = [output.find(mark, start + 1) for mark in ("\n✘ ", "\n✔ ")]
    end = min([i for i in following if i != -1] or [len(output)])
    return " ".join(output[start:end].split())


def test_verify_shows_a_shape_mismatch_with_the_values_and_the_line(verified):
    section = _kata_section(verified["shapes"], "01_duas_camadas")
    assert "a entrada chegou com 5 colunas" in section and "espera 10" in section, section
    assert "→ 01_duas_camadas.py:13 return self.camada2(x)" in section, section
    assert "nn.Linear(5, 1)" in section, section


def test_verify_shows_an_inplace_error_at_the_inplace_line(verified):
    section = _kata_section(verified["inplace"], "02_relu")
    assert "in-place na linha 13" in section and "linha 12" in section and "Relu" in section, section
    assert "→ 02_relu.py:13 x += 0.1" in section, section
    assert "x = x + 1" not in section and "`h = h + 1`" in section, section


def test_verify_shows_a_misspelled_forward_at_its_definition(verified):
    section = _kata_section(verified["foward"], "01_duas_camadas")
    assert "se chama `foward`" in section, section
    assert "→ 01_duas_camadas.py:11 def foward(self, x):" in section, section
    assert "Renomeie `foward` para `forward`" in section, section



def test_the_rules_read_only_the_head_of_a_huge_message() -> None:
    # Learner code may raise a message of megabytes: the rules read its first MATCHED_CHARS
    # characters, where PyTorch's own messages end, so no pattern crawls over the rest.
    from katacheck.checks.diagnose import MATCHED_CHARS, match

    mismatch = "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"
    assert match(RuntimeError(mismatch + " " + "x" * 5_000_000)).code == "device_mismatch"
    assert match(RuntimeError("x" * MATCHED_CHARS + mismatch)) is None


def test_an_expression_too_deep_to_compile_is_no_infinite_recursion() -> None:
    from katacheck.checks.diagnose import match

    assert match(RecursionError("maximum recursion depth exceeded")).code == "recursion"
    assert match(RecursionError("maximum recursion depth exceeded during compilation")) is None
