"""Kata 13's hand-written SGD step: each mistake gets its name, and the judge refutes from the numbers.

The in-process checks (:mod:`katacheck.checks.sgd_step`) are run here on small step functions
written the ways beginners write them, including the mistakes no variant in tests/variants
covers. The judge is then given what a compromised child could send: the evidence of a wrong
step claimed as a pass, velocities that move the weights right but are not the notes' v,
another start, and an optimizer with Nesterov claimed as the notes' SGD.
"""

from __future__ import annotations

import importlib.util

import pytest
import torch

from katacheck.checks import context, sgd_step
from katacheck.checks.failures import KataFailure
from katacheck.plugins import get_pack
from katacheck.result import CheckResult, KataResult, Status
from katacheck.runner.parent import dsession
from katacheck.runner.parent.dsession import _judged

KATA = get_pack("fundamentos").get("13_sgd_momentum")


def _tests():
    spec = importlib.util.spec_from_file_location("kata13_tests", KATA.tests_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TESTS = _tests()


def _step(velocity, move=lambda p, v, lr: p.sub_(lr * v)):
    """A passo_sgd whose velocity update is ``velocity(v, p, momentum, weight_decay)``."""

    def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
        with torch.no_grad():
            if not velocidades:
                velocidades.extend(torch.zeros_like(p) for p in parametros)
            for i, p in enumerate(parametros):
                velocidades[i] = velocity(velocidades[i], p, momentum, weight_decay)
                move(p, velocidades[i], lr)

    return passo_sgd


def _lr_inside(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    """The other way of writing momentum: v ← μ·v + η·(∇J + λ·w), then w ← w − v."""
    with torch.no_grad():
        if not velocidades:
            velocidades.extend(torch.zeros_like(p) for p in parametros)
        for p, v in zip(parametros, velocidades):
            v.mul_(momentum).add_(lr * (p.grad + weight_decay * p))
            p -= v


RIGHT = _step(lambda v, p, mu, wd: mu * v + p.grad + wd * p)


def _code(check, *args) -> str | None:
    try:
        check(*args)
    except KataFailure as failure:
        return failure.diagnosis.code
    return None


def _run(step, label="padrao", evidence=False):
    return TESTS.executar(step, label, evidencia=evidence)


def test_the_notes_rule_passes_every_check():
    for label in TESTS.EXECUCOES:
        run = _run(RIGHT, label)
        assert [_code(check, run) for check in (sgd_step.expect_updates_in_place, sgd_step.expect_sgd_steps,
                                                sgd_step.expect_no_graph)] == [None, None, None], label
    assert _code(sgd_step.expect_velocities_kept, _run(RIGHT)) is None


@pytest.mark.parametrize(("step", "label", "code"), [
    (_step(lambda v, p, mu, wd: mu * v + p.grad + wd * p, move=lambda p, v, lr: p.add_(lr * v)), "padrao",
     "sgd_wrong_sign"),
    (_step(lambda v, p, mu, wd: 0.9 * v + p.grad + wd * p), "momentum_zero", "sgd_argument_ignored"),
    (_step(lambda v, p, mu, wd: mu * v + p.grad + 1e-4 * p), "weight_decay_zero", "sgd_argument_ignored"),
    (_step(lambda v, p, mu, wd: mu * v + 2 * p.grad), "padrao", "sgd_steps"),  # no rule of the table
])
def test_a_step_that_leaves_sgd_is_named_by_the_rule_it_follows(step, label, code):
    assert _code(sgd_step.expect_sgd_steps, _run(step, label)) == code


def test_an_argument_ignored_says_which_and_the_value_it_had():
    with pytest.raises(KataFailure) as failure:
        sgd_step.expect_sgd_steps(_run(_step(lambda v, p, mu, wd: 0.9 * v + p.grad + wd * p), "momentum_zero"))
    assert "momentum=0" in failure.value.diagnosis.message and "0.9" in failure.value.diagnosis.message


def test_velocities_with_the_lr_inside_move_the_weights_right_but_are_named():
    run = _run(_lr_inside)
    assert _code(sgd_step.expect_sgd_steps, run) is None
    assert _code(sgd_step.expect_velocities_kept, run) == "sgd_velocities_scaled"


def test_wrong_defaults_and_misshapen_velocities_are_named():
    def passo_sgd(parametros, velocidades, lr, momentum=0.5, weight_decay=0.0):
        RIGHT(parametros, velocidades, lr, momentum, weight_decay)

    assert _code(sgd_step.expect_sgd_defaults, passo_sgd) == "sgd_defaults"

    def one_number_each(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
        if not velocidades:
            velocidades.extend(0.0 for _ in parametros)
        with torch.no_grad():
            for p in parametros:
                p -= lr * p.grad

    assert _code(sgd_step.expect_velocities_filled, _run(one_number_each)) == "sgd_velocities_shape"


def test_a_step_that_moves_nothing_is_told_apart_from_one_that_rebinds():
    def does_nothing(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
        velocidades.extend(torch.zeros_like(p) for p in parametros[len(velocidades):])

    def rebinds(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
        with torch.no_grad():
            for i, p in enumerate(parametros):
                parametros[i] = p - lr * p.grad

    assert _code(sgd_step.expect_updates_in_place, _run(does_nothing)) == "sgd_params_unchanged"
    assert _code(sgd_step.expect_updates_in_place, _run(rebinds)) == "sgd_not_in_place"


def test_a_factory_that_returns_nothing_is_named():
    assert _code(sgd_step.expect_returned_optimizer, None, lambda modelo: None) == "sgd_factory_returned"


# -- the judge -----------------------------------------------------------------------------------


def _claimed_pass() -> KataResult:
    names = [line.split("(")[0][4:] for line in KATA.tests_path.read_text().splitlines() if line.startswith("def test_")]
    return KataResult(KATA.id, KATA.title, checks=tuple(CheckResult(n, n, Status.PASS) for n in names))


def _evidence(step=RIGHT, factory=None, start_seed=None) -> list:
    """What a child would send after running the tests' series with ``step`` and the course loop
    with ``factory``: trusted code here, so nothing is forged but the step itself."""
    context.take_recorded()
    for label, execucao in TESTS.EXECUCOES.items():
        X, y = TESTS.dados_ocultos()
        model = TESTS.modelo_oculto(execucao.seed if start_seed is None else start_seed)
        sgd_step.run_sgd_steps(step, model, X, y, execucao.valores, steps=execucao.passos,
                               pass_defaults=execucao.padrao, evidence=label)
    TESTS.treinar_observando(factory or (lambda modelo: torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9,
                                                                       weight_decay=1e-4)), 0, evidencia="treino")
    return context.take_recorded()["evidence"]


def _refuted(evidence) -> dict[str, str]:
    result = _judged(KATA, _claimed_pass(), evidence)
    return {check.name: check.diagnosis.code for check in result.checks if not check.passed}


def test_the_notes_rule_is_confirmed_by_the_judge():
    assert _refuted(_evidence()) == {}


def test_weight_decay_forgotten_is_refuted_from_the_numbers():
    refuted = _refuted(_evidence(_step(lambda v, p, mu, wd: mu * v + p.grad)))
    assert refuted == {"test_mesmos_passos_do_sgd": "judge.sgd_steps", "test_velocidades_persistem": "judge.sgd_velocities",
                       "test_momentum_zero": "judge.sgd_steps", "test_sem_grafo": "judge.sgd_steps"}


def test_velocities_scaled_by_the_lr_are_refuted_though_the_weights_are_right():
    refuted = _refuted(_evidence(_lr_inside))
    assert refuted["test_velocidades_persistem"] == "judge.sgd_velocities"
    assert "test_mesmos_passos_do_sgd" not in refuted


def test_steps_from_another_start_are_refused():
    refuted = _refuted(_evidence(start_seed=99))
    assert set(refuted.values()) == {"judge.sgd_start"} and "test_criar_otimizador" not in refuted


def test_nesterov_claimed_as_the_notes_sgd_is_caught_by_its_steps():
    def factory(modelo):
        return torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4, nesterov=True)

    evidence = _evidence(factory=factory)
    for item in evidence:  # what a compromised child would claim: the plain settings
        for step in item.get("steps", []):
            step["settings"]["nesterov"] = False
    assert _refuted(evidence) == {"test_criar_otimizador": "judge.trajectory"}


@pytest.fixture(autouse=True, scope="module")
def _stop_workers():
    yield
    dsession.shutdown()
