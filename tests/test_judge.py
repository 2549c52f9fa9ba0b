"""The judge decides alone: a child's "all passed" without sound evidence is no pass.

These tests speak to the judge the way a fully compromised kata child could: with no
evidence, forged evidence, or evidence of code that does something else, and check that it
refutes each one by name. Then every built-in kata's reference solution passes with the judge's
evidence in its result.
"""

from __future__ import annotations

import pytest
import torch

from katacheck.checks.data import probe_inputs
from katacheck.checks.evidence import linear_layers, plain
from katacheck.plugins import get_pack
from katacheck.result import CheckResult, KataResult, Status
from katacheck.runner.parent import dsession, run_kata
from katacheck.runner.parent.dsession import _judged

KATAS = get_pack("fundamentos").ids()


def _claimed_pass(kata) -> KataResult:
    """What a child in full control would report: every check of the kata passed."""
    names = [line.split("(")[0][4:] for line in kata.tests_path.read_text().splitlines() if line.startswith("def test_")]
    return KataResult(kata.id, kata.title, checks=tuple(CheckResult(n, n, Status.PASS) for n in names))


def _forward_evidence(label: str, model: torch.nn.Module, inputs: torch.Tensor) -> dict:
    with torch.no_grad():
        outputs = model(inputs)
    return {"label": label, **plain({"inputs": inputs, "outputs": outputs, "linears": linear_layers(model)})}


class _ThrownAwayReLU(torch.nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = torch.nn.Linear(n_entrada, n_oculta)
        self.camada2 = torch.nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        return self.camada2(self.camada1(x))


@pytest.mark.parametrize("kata_id", KATAS)
def test_a_claimed_pass_without_evidence_fails(kata_id):
    kata = get_pack("fundamentos").get(kata_id)
    result = _judged(kata, _claimed_pass(kata), [])
    assert not result.passed
    codes = {check.diagnosis.code for check in result.checks if check.diagnosis is not None}
    assert codes == {"judge.no_evidence"}, codes


def test_forged_outputs_of_a_model_without_the_relu_are_named():
    kata = get_pack("fundamentos").get("02_relu")
    evidence = [_forward_evidence("padrao", _ThrownAwayReLU(), probe_inputs(16, 10)),
                _forward_evidence("outros", _ThrownAwayReLU(7, 4, 3), probe_inputs(16, 7))]
    result = _judged(kata, _claimed_pass(kata), evidence)
    failed = {check.name: check.diagnosis.code for check in result.checks if not check.passed}
    assert failed == {"test_relu_entre_as_camadas": "judge.activation_unused",
                      "test_outros_tamanhos": "judge.activation_unused"}
    assert "ReLU" in result.checks[1].diagnosis.message


def test_evidence_on_inputs_the_judge_did_not_choose_is_refused():
    kata = get_pack("fundamentos").get("01_duas_camadas")
    model = torch.nn.Sequential(torch.nn.Linear(10, 5), torch.nn.Linear(5, 1))
    evidence = [_forward_evidence("padrao", model, torch.zeros(16, 10)),  # zeros hide any activation
                _forward_evidence("outros", torch.nn.Sequential(torch.nn.Linear(7, 4), torch.nn.Linear(4, 3)),
                                  probe_inputs(16, 7))]
    result = _judged(kata, _claimed_pass(kata), evidence)
    failed = {check.name: check.diagnosis.code for check in result.checks if not check.passed}
    assert failed == {"test_tamanhos_padrao": "judge.other_inputs"}


def test_forged_trajectory_that_never_moves_cannot_pass():
    """A trajectory of an Adam with lr=0 replays exactly, but the loss the judge recomputes
    from the final parameters did not fall."""
    kata = get_pack("fundamentos").get("03_adam")
    torch.manual_seed(0)
    model = torch.nn.Linear(10, 1)
    params = [p.detach() for p in model.parameters()]
    steps = [{"params": params, "optimizer": "Adam", "instance": 0, "settings": {"lr": 0.0}, "covers": []}] * 5
    evidence = [{"label": "treino", **plain({"steps": steps, "final": params, "names": ["weight", "bias"]})}]
    result = _judged(kata, _claimed_pass(kata), evidence)
    failed = {check.name: check.diagnosis.code for check in result.checks if not check.passed}
    assert failed == {"test_perda_diminui": "judge.loss"}, failed


def test_a_judge_that_cannot_answer_means_no_pass(tmp_path, monkeypatch):
    kata = get_pack("fundamentos").get("01_duas_camadas")
    broken = tmp_path / "judge.py"
    broken.write_text("def julgar(evidencias):\n    raise RuntimeError('quebrou')\n")
    monkeypatch.setattr(type(kata), "judge_path", property(lambda self: broken))
    result = _judged(kata, _claimed_pass(kata), [])
    assert not result.passed and result.fatal.code == "fatal.judge"


@pytest.mark.parametrize("kata_id", KATAS)
def test_every_solution_passes_with_the_judges_evidence(kata_id):
    kata = get_pack("fundamentos").get(kata_id)
    result = run_kata(kata, kata.solution_path, cwd=kata.directory)
    assert result.passed, result
    assert result.extras["judge"]["evidence"] and result.extras["judge"]["findings"] == 0


@pytest.fixture(autouse=True, scope="module")
def _stop_workers():
    yield
    dsession.shutdown()


def _assembled(events: list[dict]) -> KataResult:
    from katacheck.runner.channel import Stream
    from katacheck.runner.parent.dsession import _assemble, _Outcome

    kata = get_pack("fundamentos").get("01_duas_camadas")
    return _assemble(kata, Stream(events), _Outcome(), 10.0, 0.1)


def test_a_signed_but_malformed_check_is_a_tamper_not_a_crash():
    """A bent plugin could sign an outcome our plugin never writes ("skipped"): no pass, no crash."""
    events = [{"event": "collected", "names": ["a"]}, {"event": "start", "name": "a", "title": "a"},
              {"event": "check", "check": {"name": "a", "title": "a", "outcome": "skipped"}},
              {"event": "done", "exitstatus": 0}]
    result = _assembled(events)
    assert not result.passed and result.fatal.code == "fatal.tampered.stream"


def test_evidence_outside_its_check_is_out_of_order():
    events = [{"event": "collected", "names": ["a"]}, {"event": "evidence", "name": "a", "items": []},
              {"event": "start", "name": "a", "title": "a"},
              {"event": "check", "check": {"name": "a", "title": "a", "outcome": "pass"}},
              {"event": "done", "exitstatus": 0}]
    assert _assembled(events).fatal.code == "fatal.tampered.checks"


class _AdamInName(torch.optim.Adam):
    """Called Adam, an Adam by class, but its step is SGD's: only the numbers tell."""

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for parameter in group["params"]:
                if parameter.grad is not None:
                    parameter -= 0.05 * parameter.grad


def test_an_optimizer_that_only_calls_itself_adam_is_caught_by_its_steps():
    from katacheck.checks import TrainingMonitor, context, regression_data
    from katacheck.checks.evidence import trajectory

    kata = get_pack("fundamentos").get("03_adam")
    X, y = regression_data()
    torch.manual_seed(0)
    model = torch.nn.Linear(10, 1)  # the test's SimpleLinearModel holds one Linear(10, 1): same weights
    with TrainingMonitor(model=model) as monitor:
        optimizer = _AdamInName(model.parameters(), lr=0.01)
        for _ in range(20):
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(model(X), y).backward()
            optimizer.step()
    assert {step["optimizer"] for step in monitor.steps} == {"_AdamInName"}
    for step in monitor.steps:  # what a compromised child would claim: plain "Adam"
        step["optimizer"] = "Adam"
    trajectory("treino", model, monitor.steps)
    evidence = context.take_recorded()["evidence"]
    result = _judged(kata, _claimed_pass(kata), evidence)
    failed = {check.name: check.diagnosis.code for check in result.checks if not check.passed}
    assert failed == {"test_otimizador_adam": "judge.trajectory"}, failed


def test_kata_06_histories_of_runs_that_ignored_their_rate_are_refuted():
    """What a child whose treinar ignores lr would claim: every history is the lr=0.01 run's."""
    from katacheck.checks.runs import best_rate

    kata = get_pack("fundamentos").get("06_taxa_de_aprendizado")
    juiz = _judge_module(kata)
    mesma = juiz.treino_do_curso(0, 0.01, juiz.testes.EPOCAS)
    historicos = {taxa: mesma for taxa in juiz.testes.TAXAS}
    evidence = [{"label": "comparacao", "historicos": [[taxa, perdas] for taxa, perdas in historicos.items()]},
                {"label": "escolha", "taxa": best_rate(historicos)}]
    result = _judged(kata, _claimed_pass(kata), evidence)
    failed = {check.name: check.diagnosis.code for check in result.checks if not check.passed}
    assert failed["test_cada_taxa_no_seu_treino"] == "judge.rates_history", failed
    assert failed["test_taxa_10_diverge"] == "judge.rates_history", failed
    assert "test_mesmos_pesos_iniciais" not in failed, "the runs did start from the seed-0 weights"


def test_kata_08_finite_differences_on_the_spy_functions_are_refuted():
    """Central differences are right on smooth functions; on a straight-through step they are not."""
    kata = get_pack("fundamentos").get("08_autograd")
    juiz = _judge_module(kata)
    h = 1e-3
    respostas = []
    for funcao, _, f, ponto in juiz.testes.casos_do_espiao(juiz.AutogradSpy()):
        valores = [float(v) for v in (ponto if isinstance(ponto, list) else [ponto])]
        grads = []
        for i in range(len(valores)):
            mais = [torch.tensor(v + h * (j == i), dtype=torch.float64) for j, v in enumerate(valores)]
            menos = [torch.tensor(v - h * (j == i), dtype=torch.float64) for j, v in enumerate(valores)]
            grads.append(float((f(*mais) - f(*menos)) / (2 * h)))
        respostas.append(grads if funcao == "gradiente" else grads[0])
    result = _judged(kata, _claimed_pass(kata), [{"label": "espiao", "respostas": respostas}])
    failed = {check.name: check.diagnosis.code for check in result.checks if not check.passed}
    assert failed["test_vem_do_autograd"] == "judge.autograd_value", failed


def _judge_module(kata):
    """The kata's judge.py, imported here (it is trusted code, like the tests)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"juiz_{kata.id}", kata.judge_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
