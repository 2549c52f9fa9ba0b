"""The judges of katas 09 and 10 refute what the child's checks would name, from the numbers alone.

Each test runs a mistaken learner function here, under the same monitors the kata's hidden tests
use, and hands its evidence to the judge with a claimed "all passed", as a compromised child
could: the judge, which never trusts the child's verdict, must refute the checks the mistake
breaks. The in-child diagnoses of the same mistakes are covered end to end by the variants in
``tests/variants/09_*`` and ``tests/variants/10_*``.
"""

from __future__ import annotations

import importlib.util

import pytest
import torch
from torch import nn

from katacheck import checks
from katacheck.checks import context
from katacheck.plugins import get_pack
from katacheck.result import CheckResult, KataResult, Status
from katacheck.runner.parent import dsession
from katacheck.runner.parent.dsession import _judged


def _tests_of(kata):
    spec = importlib.util.spec_from_file_location(f"testes_{kata.id}", kata.tests_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _claimed_pass(kata) -> KataResult:
    names = [line.split("(")[0][4:] for line in kata.tests_path.read_text().splitlines() if line.startswith("def test_")]
    return KataResult(kata.id, kata.title, checks=tuple(CheckResult(n, n, Status.PASS) for n in names))


def _refuted(kata, evidence) -> dict[str, str]:
    result = _judged(kata, _claimed_pass(kata), evidence)
    return {check.name: check.diagnosis.code for check in result.checks if not check.passed}


@pytest.fixture(autouse=True, scope="module")
def _stop_workers():
    yield
    dsession.shutdown()


# -- 09: one accumulated step ----------------------------------------------------------------


def _pieces(X, y, partes):
    return zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes))


def _unweighted(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    for X_parte, y_parte in _pieces(X, y, partes):
        criterio(modelo(X_parte), y_parte).backward()
    otimizador.step()
    with torch.no_grad():
        return criterio(modelo(X), y).item()  # after the step: wrong as well


def _whole_batch(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    perda = criterio(modelo(X), y)
    perda.backward()
    otimizador.step()
    return perda.item()


def _step_per_piece(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    total = 0.0
    for X_parte, y_parte in _pieces(X, y, partes):
        perda = criterio(modelo(X_parte), y_parte) * len(X_parte) / len(X)
        perda.backward()
        otimizador.step()
        total += perda.item()
    return total


def _right(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    total = 0.0
    for X_parte, y_parte in _pieces(X, y, partes):
        perda = criterio(modelo(X_parte), y_parte) * len(X_parte) / len(X)
        perda.backward()
        total += perda.item()
    otimizador.step()
    return total


def _hand_written_mse(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    total = 0.0
    for X_parte, y_parte in _pieces(X, y, partes):
        perda = ((modelo(X_parte) - y_parte) ** 2).mean() * len(X_parte) / len(X)  # criterio ignored
        perda.backward()
        total += perda.item()
    otimizador.step()
    return total


def _accumulation_evidence(function) -> list:
    kata = get_pack("fundamentos").get("09_acumulo_de_gradientes")
    testes = _tests_of(kata)
    context.take_recorded()
    for rotulo in testes.CENARIOS:
        testes.observar(function, rotulo)
    return context.take_recorded()["evidence"]


@pytest.mark.parametrize(("function", "expected"), [
    (_right, {}),
    (_unweighted, {"test_gradiente_do_lote_inteiro": "judge.accumulation_step",
                   "test_gradientes_velhos": "judge.accumulation_step",
                   "test_partes_desiguais": "judge.accumulation_step",
                   "test_usa_o_criterio": "judge.accumulation_step",
                   "test_devolve_a_perda": "judge.accumulation_loss"}),
    (_whole_batch, {"test_em_partes": "judge.accumulation_pieces"}),
    (_step_per_piece, {"test_gradiente_do_lote_inteiro": "judge.accumulation_steps",
                       "test_gradientes_velhos": "judge.accumulation_steps",
                       "test_partes_desiguais": "judge.accumulation_steps",
                       "test_usa_o_criterio": "judge.accumulation_steps",
                       "test_um_passo": "judge.accumulation_steps",
                       "test_devolve_a_perda": "judge.accumulation_loss"}),  # the weights moved between pieces
    (_hand_written_mse, {"test_usa_o_criterio": "judge.accumulation_step",  # right only with the MSE
                         "test_devolve_a_perda": "judge.accumulation_loss"}),
], ids=["right", "unweighted", "whole_batch", "step_per_piece", "hand_written_mse"])
def test_the_accumulation_judge_recomputes_the_step(function, expected):
    kata = get_pack("fundamentos").get("09_acumulo_de_gradientes")
    assert _refuted(kata, _accumulation_evidence(function)) == expected


# -- 10: training and validation ---------------------------------------------------------------


def _evaluate(modelo, X, y, criterio):
    modelo.eval()
    with torch.no_grad():
        return criterio(modelo(X), y).item()


def _evaluate_mse_by_hand(modelo, X, y, criterio):
    modelo.eval()
    with torch.no_grad():
        return ((modelo(X) - y) ** 2).mean().item()  # criterio ignored


def _loop(restore_train_mode: bool, optimizer_per_epoch: bool = False):
    def treinar_e_avaliar(modelo, X, y, X_val, y_val, epocas=20, lr=0.01):
        criterio = nn.MSELoss()
        otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
        treino, validacao = [], []
        for _ in range(epocas):
            if optimizer_per_epoch:
                otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
            if restore_train_mode:
                modelo.train()
            otimizador.zero_grad()
            perda = criterio(modelo(X), y)
            perda.backward()
            otimizador.step()
            treino.append(perda.item())
            validacao.append(_evaluate(modelo, X_val, y_val, criterio))
        return treino, validacao

    return treinar_e_avaliar


def _validation_evidence(treinar_e_avaliar, avaliar=_evaluate) -> list:
    kata = get_pack("fundamentos").get("10_validacao")
    testes = _tests_of(kata)
    context.take_recorded()
    _, _, X_val, y_val = testes.dados()
    checks.observe_evaluation(avaliar, testes.modelo_treinado(), X_val, y_val, nn.MSELoss(), evidence="avaliar_modo")
    classe, conta = testes.CRITERIO_AVALIAR
    checks.observe_evaluation(avaliar, testes.modelo_treinado(), X_val, y_val, classe(), evidence="avaliar_valor",
                              loss_fn=conta)
    X, y, X_val, y_val = testes.dados()
    torch.manual_seed(2)
    checks.observe_phases(treinar_e_avaliar, testes.modelo_inicial(), X, y, X_val, y_val, epocas=testes.EPOCAS,
                          lr=testes.LR, evidence="treino")
    return context.take_recorded()["evidence"]


def test_the_validation_judge_passes_the_right_loop():
    kata = get_pack("fundamentos").get("10_validacao")
    assert _refuted(kata, _validation_evidence(_loop(restore_train_mode=True))) == {}


def test_an_mse_by_hand_in_avaliar_and_an_optimizer_per_epoch_are_refuted():
    """avaliar right only with the MSE (the tests give it nn.L1Loss()); a new SGD every epoch,
    which gives the same numbers as one: the count of optimizers in the record refutes it."""
    kata = get_pack("fundamentos").get("10_validacao")
    refuted = _refuted(kata, _validation_evidence(_loop(restore_train_mode=True, optimizer_per_epoch=True),
                                                  avaliar=_evaluate_mse_by_hand))
    assert refuted == {"test_avaliar_devolve_a_perda": "judge.evaluation_value",
                       "test_sgd_um_passo_por_epoca": "judge.phases_optimizers"}, refuted


def test_eval_once_and_never_train_again_is_refuted_by_the_record():
    kata = get_pack("fundamentos").get("10_validacao")
    refuted = _refuted(kata, _validation_evidence(_loop(restore_train_mode=False)))
    assert refuted == {name: "judge.phases_forwards" for name in
                       ("test_modo_a_cada_forward", "test_sgd_um_passo_por_epoca", "test_devolve_os_historicos")}, refuted


def test_a_child_that_lies_about_the_mode_is_caught_by_the_batchnorm_numbers():
    """Training forwards claimed in training mode, with masks that keep every neuron: the
    BatchNorm statistics and the steps are still those of evaluation mode."""
    kata = get_pack("fundamentos").get("10_validacao")
    evidence = _validation_evidence(_loop(restore_train_mode=False))
    treino = next(item for item in evidence if item["label"] == "treino")
    for call in treino["calls"]:
        if call["data"] == "treino" and not call["training"]:
            call["training"] = ["BatchNorm1d", "Dropout"]
            call["masks"] = [[[1.0] * 16 for _ in range(48)]]
    refuted = _refuted(kata, evidence)
    assert refuted["test_modo_a_cada_forward"] == "judge.phases_batchnorm", refuted
    assert refuted["test_sgd_um_passo_por_epoca"] == "judge.phases_step", refuted
