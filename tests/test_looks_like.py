"""Code that does not do what it looks like: each pattern found at its line, honest code left alone."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from katacheck.i18n import language, set_language, t
from katacheck.result import CheckResult, Diagnosis, KataResult, Status
from katacheck.runner.parent.looks_like import (
    RULES,
    classes_applied,
    classes_not_instantiated,
    constructor_order,
    discarded_activations,
    discarded_calls,
    layers_built_in_forward,
    named_not_called,
    refine,
)


def _found(finder, source: str) -> list[tuple[str, int]]:
    return [(f.name, f.line) for f in finder(ast.parse(textwrap.dedent(source)))]


@pytest.mark.parametrize(("source", "expected"), [
    ("x = camada(x)\ntorch.relu(x)\n", [("torch.relu", 2)]),
    ("F.relu(h)\n", [("F.relu", 1)]),
    ("x.view(x.size(0), -1)\n", [("x.view", 1)]),
    ("x = torch.relu(x)\n", []),                 # kept: right
    ("return self.camada2(torch.relu(x))\n", []),  # used: right
    ("modelo.to(dispositivo)\n", []),            # a module moves in place: right
    ("x.relu_()\n", []),                         # in place: it does change x
    ("F.relu(x, inplace=True)\n", []),           # in place too
    ("self.relu = nn.ReLU(inplace=True)\nself.relu(x)\n", []),  # a layer that changes its input
    ("self.relu = nn.ReLU()\nself.relu(x)\n", [("self.relu", 2)]),  # one that does not
])
def test_a_pure_call_whose_result_is_thrown_away(source, expected):
    assert _found(discarded_calls, source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("otimizador.zero_grad\n", [("otimizador.zero_grad", 1)]),
    ("perda.backward\n", [("perda.backward", 1)]),
    ("if torch.cuda.is_available:\n    pass\n", [("torch.cuda.is_available", 1)]),
    ("d = 'cuda' if torch.cuda.is_available else 'cpu'\n", [("torch.cuda.is_available", 1)]),
    ("otimizador.zero_grad()\n", []),
    ("if torch.cuda.is_available():\n    pass\n", []),
    ("passo = otimizador.step\n", []),  # kept to call later: not this pattern
])
def test_a_method_named_but_not_called(source, expected):
    assert _found(named_not_called, source) == expected


def test_a_missing_relu_is_explained_by_a_discarded_activation_only():
    source = "h = camada(x)\nh.float()\ntorch.relu(h)\n"
    assert _found(discarded_activations, source) == [("torch.relu", 3)]


# -- a class where an object built from it is needed ------------------------------------------

_RELU_CLASS = """
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.camada = nn.Linear(10, 5)
        self.ativacao = nn.ReLU
    def forward(self, x):
        return self.ativacao(self.camada(x))
"""


@pytest.mark.parametrize(("source", "expected"), [
    (_RELU_CLASS, [("nn.ReLU", 6, "layer")]),
    ("rede = nn.Sequential(\n    nn.Linear(10, 5),\n    nn.ReLU,\n    nn.Linear(5, 1),\n)\n", [("nn.ReLU", 3, "layer")]),
    ("camadas = nn.ModuleList([nn.Linear(10, 5), torch.nn.Tanh])\n", [("torch.nn.Tanh", 1, "layer")]),
    ("rede = nn.Sequential(*[nn.Linear(10, 5), nn.ReLU])\n", [("nn.ReLU", 1, "layer")]),
    ("criterio = nn.MSELoss\nperda = criterio(saida, y)\n", [("nn.MSELoss", 1, "loss")]),
    ("otimizador = torch.optim.Adam\notimizador.zero_grad()\n", [("torch.optim.Adam", 1, "optimizer")]),
    ("from torch import optim\notimizador = optim.SGD\notimizador.step()\n", [("optim.SGD", 2, "optimizer")]),
    ("from torch.nn import ReLU\nativacao = ReLU\nh = ativacao(x)\n", [("ReLU", 2, "layer")]),
    ("import torch.nn as tnn\nativacao = tnn.Sigmoid\nh = ativacao(x)\n", [("tnn.Sigmoid", 2, "layer")]),
])
def test_a_class_used_where_an_object_is_needed(source, expected):
    found = list(classes_not_instantiated(ast.parse(textwrap.dedent(source))))
    assert [(f.name, f.line, f.variant) for f in found] == expected
    assert {f.code for f in found} == {"looks.class_not_instance"}


@pytest.mark.parametrize("source", [
    _RELU_CLASS.replace("nn.ReLU", "nn.ReLU()"),
    "rede = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 1))\n",
    "if isinstance(m, nn.ReLU):\n    pass\n",
    "if type(camada) is nn.Linear:\n    pass\n",
    "class M(nn.Module):\n    pass\n",
    "tipo: type[nn.Module] = nn.Linear\n",                      # a class kept, never used as a layer
    "fabrica = nn.ReLU\nativacao = fabrica()\nh = ativacao(x)\n",  # a factory, built later
    "fabrica = nn.LeakyReLU\nativacao = fabrica(negative_slope=0.1)\n",
    "classe = torch.optim.Adam\notimizador = classe(modelo.parameters(), lr=0.01)\notimizador.step()\n",
    "def bloco(ativacao=nn.ReLU):\n    return nn.Sequential(nn.Linear(4, 4), ativacao())\n",
    "criterio = nn.MSELoss()\nperda = criterio(saida, y)\n",
    "agendador = torch.optim.lr_scheduler.StepLR\n",
    "nn.init.xavier_uniform_(camada.weight)\n",
])
def test_a_class_kept_tested_or_built_is_left_alone(source):
    assert list(classes_not_instantiated(ast.parse(textwrap.dedent(source)))) == []


@pytest.mark.parametrize(("source", "expected"), [
    ("class M(nn.Module):\n    def forward(self, x):\n        x = nn.ReLU(self.camada1(x))\n        return x\n",
     [("nn.ReLU", 3)]),
    ("class M(nn.Module):\n    def forward(self, x):\n        return nn.Sigmoid(x)\n", [("nn.Sigmoid", 3)]),
    ("class M(nn.Module):\n    def forward(self, x):\n        return self.camada2(nn.ReLU()(x))\n", []),  # built, applied
    ("class M(nn.Module):\n    def forward(self, x):\n        return nn.LeakyReLU(0.1)(x)\n", []),       # an option
    ("class M(nn.Module):\n    def forward(self, x):\n        return nn.Softmax(dim=1)(x)\n", []),
    ("class M(nn.Module):\n    def __init__(self, inplace):\n        self.a = nn.ReLU(inplace)\n", []),   # not forward
])
def test_an_activation_class_applied_to_the_tensor(source, expected):
    assert _found(classes_applied, source) == expected


# -- layers built inside forward ---------------------------------------------------------------

@pytest.mark.parametrize(("source", "expected"), [
    ("class M(nn.Module):\n    def forward(self, x):\n        h = nn.Linear(10, 5)(x)\n        return h\n",
     [("nn.Linear", 3)]),
    ("class M(nn.Module):\n    def forward(self, x):\n        self.camada = nn.Linear(10, 1)\n"
     "        return self.camada(x)\n", [("nn.Linear", 3)]),
    ("from torch.nn import Conv2d\nclass M(nn.Module):\n    def forward(self, x):\n        return Conv2d(1, 4, 3)(x)\n",
     [("Conv2d", 4)]),
    ("class M(nn.Module):\n    def forward(self, x):\n        x = nn.Flatten()(x)\n        return nn.ReLU()(x)\n", []),
    ("class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.camada = nn.Linear(10, 1)\n"
     "    def forward(self, x):\n        return self.camada(x)\n", []),
    ("class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.camada = self._camada(10, 1)\n"
     "    def _camada(self, a, b):\n        return nn.Linear(a, b)\n"
     "    def forward(self, x):\n        return self.camada(x)\n", []),  # built by a helper of __init__
    ("def forward(x):\n    return nn.Linear(10, 1)(x)\n", []),  # not a module's forward
])
def test_a_layer_built_inside_forward(source, expected):
    assert _found(layers_built_in_forward, source) == expected


# -- the constructor's parameters in another order than the contract ---------------------------

_CONTRACT = """
class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)
"""


def _learner(signature: str, first: str = "nn.Linear(n_entrada, n_oculta)", second: str = "nn.Linear(n_oculta, n_saida)",
             name: str = "DuasCamadas") -> str:
    return (f"class {name}(nn.Module):\n    def __init__(self, {signature}):\n        super().__init__()\n"
            f"        self.camada1 = {first}\n        self.camada2 = {second}\n")


def _order(source: str, contract: str | None = _CONTRACT) -> list[tuple[str, int, str | None, dict[str, str]]]:
    reference = ast.parse(textwrap.dedent(contract)) if contract is not None else None
    return [(f.name, f.line, f.variant, dict(f.values)) for f in constructor_order(ast.parse(source), reference)]


def test_the_contracts_names_in_another_order():
    assert _order(_learner("n_oculta=5, n_entrada=10, n_saida=1")) == [(
        "DuasCamadas", 2, None,
        {"found": "n_oculta, n_entrada, n_saida", "as_contract": "n_oculta, n_entrada, n_saida",
         "expected": "n_entrada, n_oculta, n_saida"})]


def test_other_names_in_another_order_are_read_by_the_layers_they_feed():
    source = _learner("entrada, saida, oculta", "nn.Linear(entrada, oculta)", "nn.Linear(in_features=oculta, out_features=saida)")
    assert _order(source) == [("DuasCamadas", 2, "renamed", {
        "found": "entrada, saida, oculta", "as_contract": "n_entrada, n_saida, n_oculta",
        "expected": "n_entrada, n_oculta, n_saida"})]


def test_the_layers_order_is_the_datas_not_the_sources():
    source = _learner("oculta, entrada, saida", "nn.Linear(oculta, saida)", "nn.Linear(entrada, oculta)")
    assert [values["as_contract"] for *_, values in _order(source)] == ["n_oculta, n_entrada, n_saida"]


def test_layers_in_a_sequential_have_roles_too():
    source = ("class DuasCamadas(nn.Module):\n    def __init__(self, saida, entrada, oculta):\n        super().__init__()\n"
              "        self.rede = nn.Sequential(nn.Linear(entrada, oculta), nn.ReLU(), nn.Linear(oculta, saida))\n")
    assert [values["as_contract"] for *_, values in _order(source)] == ["n_saida, n_entrada, n_oculta"]


@pytest.mark.parametrize("source", [
    _learner("n_entrada=10, n_oculta=5, n_saida=1"),                       # the contract itself
    _learner("a, b, c", "nn.Linear(a, b)", "nn.Linear(b, c)"),               # other names, the contract's order
    _learner("n_entrada=10, n_oculta=5, n_saida=1", "nn.Linear(n_entrada, n_saida)", "nn.Linear(n_saida, n_oculta)"),
    _learner("n_entrada=10, n_oculta=5, n_saida=1, ativacao=None"),          # one more parameter, at the end
    _learner("n_oculta, n_entrada, n_saida", "nn.Linear(10, 5)", "nn.Linear(5, 1)"),  # sizes fixed: no roles to read
    _learner("n_oculta, n_entrada, n_saida", name="OutraClasse"),             # not the kata's class
    _learner("n_oculta, n_entrada"),                                          # fewer parameters than the contract
])
def test_a_signature_whose_order_is_not_the_mistake_is_left_alone(source):
    """The contract's order (a wiring mistake is a sizes mistake, diagnosed by its check), or no
    evidence of the roles."""
    assert _order(source) == []


def test_without_a_reference_nothing_is_compared():
    assert _order(_learner("n_oculta, n_entrada, n_saida"), contract=None) == []


# -- never on correct code ---------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _correct_files() -> list[Path]:
    """Every correct variant and every reference solution."""
    solutions = sorted(ROOT.glob("katas/*/solution.py"))
    passing = [path for path in sorted(ROOT.glob("tests/variants/*/*.py"))
               if path.read_text(encoding="utf-8").startswith("# expect: pass")]
    return solutions + passing


@pytest.mark.parametrize("path", _correct_files(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_finder_fires_on_correct_code(path):
    tree = ast.parse(path.read_bytes())
    solution = ROOT / "katas" / path.parent.name / "solution.py"
    reference = ast.parse(solution.read_bytes()) if solution.is_file() else None
    found = [finding for rule in RULES for finding in rule.finds(tree, reference)]
    assert found == [], found


# -- refine: a failure's symptom replaced by its cause ----------------------------------------

def _failed(code: str) -> CheckResult:
    return CheckResult(name="test_x", title="x", outcome=Status.FAIL,
                       diagnosis=Diagnosis(message="sintoma", hint="dica do sintoma", code=code))


def test_refine_names_the_cause_at_the_learners_line(tmp_path):
    learner = tmp_path / "02_relu.py"
    learner.write_text(textwrap.dedent(_RELU_CLASS), encoding="utf-8")
    passed = CheckResult(name="test_ok", title="ok", outcome=Status.PASS)
    result = KataResult(kata_id="02_relu", title="t", checks=(_failed("tensor_expected"), _failed("history_type"), passed))
    refined = refine(result, learner)
    cause, other, kept = refined.checks
    assert cause.diagnosis.code == "looks.class_not_instance"
    assert cause.diagnosis.location.line == 6 and cause.diagnosis.location.source == "self.ativacao = nn.ReLU"
    assert "nn.ReLU()" in cause.diagnosis.message and "6" in cause.diagnosis.message
    assert cause.diagnosis.hint and "nn.ReLU()" not in cause.diagnosis.hint  # the hint teaches, not the line
    assert other == result.checks[1] and kept == passed  # a symptom it does not explain, a pass: untouched


def test_refine_reads_the_contract_from_the_reference(tmp_path):
    learner, reference = tmp_path / "01.py", tmp_path / "solution.py"
    learner.write_text(_learner("n_oculta=5, n_entrada=10, n_saida=1"), encoding="utf-8")
    reference.write_text(textwrap.dedent(_CONTRACT), encoding="utf-8")
    result = KataResult(kata_id="01", title="t", checks=(_failed("linear_sizes"),))
    assert refine(result, learner).checks == result.checks  # no contract known: the symptom stays
    diagnosis = refine(result, learner, reference).checks[0].diagnosis
    assert diagnosis.code == "looks.constructor_order" and diagnosis.location.line == 2
    assert "n_oculta, n_entrada, n_saida" in diagnosis.message and "n_entrada, n_oculta, n_saida" in diagnosis.message


@pytest.mark.parametrize("key", [
    "looks.class_not_instance.layer", "looks.class_not_instance.loss", "looks.class_not_instance.optimizer",
    "looks.class_applied", "looks.layer_in_forward", "looks.constructor_order", "looks.constructor_order.renamed",
])
@pytest.mark.parametrize("lang", ["pt_BR", "en"])
def test_every_message_and_hint_is_in_both_catalogs(key, lang):
    values = {"name": "nn.ReLU", "line": 3, "found": "b, a, c", "as_contract": "b, a, c", "expected": "a, b, c"}
    previous = language()
    try:
        set_language(lang, export=False)
        assert t(key, **values) != key and "{" not in t(key, **values)
        assert t(f"{key}.hint", **values) != f"{key}.hint"
    finally:
        set_language(previous, export=False)
