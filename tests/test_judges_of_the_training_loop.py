"""The judges of katas 17 (TensorBoard) and 20 (the capstone) refute a claimed pass from the
numbers alone: evidence recorded from a run of a wrong file, sent with "every check passed",
fails exactly the checks whose bug those numbers show, and a right file's evidence passes.

The evidence is made here the way the kata child makes it (the hidden tests' own observation,
``context.take_recorded()``), from trusted files: the stubs, the solutions, the variants.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from katacheck.checks import context
from katacheck.checks.loading import load_learner_module
from katacheck.plugins import get_pack
from katacheck.result import CheckResult, KataResult, Status
from katacheck.runner.parent.dsession import _judged

VARIANTS = Path(__file__).parent / "variants"


def _claimed_pass(kata) -> KataResult:
    names = [line.split("(")[0][4:] for line in kata.tests_path.read_text().splitlines() if line.startswith("def test_")]
    return KataResult(kata.id, kata.title, checks=tuple(CheckResult(n, n, Status.PASS) for n in names))


def _evidence(kata, learner_file: Path, run) -> list:
    """What the hidden tests' observation of ``learner_file`` submits, collected in this process."""
    spec = importlib.util.spec_from_file_location(f"testes_{kata.id}", kata.tests_path)
    tests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tests)
    context.set_learner_file(learner_file)
    learner = load_learner_module(str(learner_file))
    context.take_recorded()
    run(tests, learner)
    return context.take_recorded().get("evidence", [])


def _refuted(kata_id: str, learner_file: Path, run) -> dict[str, str]:
    kata = get_pack("fundamentos").get(kata_id)
    result = _judged(kata, _claimed_pass(kata), _evidence(kata, learner_file, run))
    return {check.name: check.diagnosis.code for check in result.checks if not check.passed}


def _tensorboard(tests, learner):
    tests.executar(learner.treinar_com_tensorboard, evidencia=True)


@pytest.mark.parametrize(("source", "refuted"), [
    ("solution", {}),
    ("stub", {"test_passos_crescem_entre_epocas": "judge.tensorboard_steps",
              "test_fecha_o_escritor": "judge.tensorboard_not_closed"}),
    ("media_acumulada", {"test_valores_sao_as_perdas": "judge.tensorboard_values"}),
    ("tag_minuscula", dict.fromkeys(["test_escreve_loss_train", "test_passos_crescem_entre_epocas",
                                     "test_valores_sao_as_perdas"], "judge.tensorboard_tag")),
])
def test_the_tensorboard_judge_refutes_from_the_events_and_the_replayed_steps(source, refuted):
    kata = get_pack("fundamentos").get("17_tensorboard")
    path = {"solution": kata.solution_path, "stub": kata.stub_path}.get(source) or \
        VARIANTS / "17_tensorboard" / f"{source}.py"
    assert _refuted("17_tensorboard", path, _tensorboard) == refuted


def _capstone(tests, learner):
    treino = tests.Treino(learner.treinar)
    checks = ((tests.test_devolve_as_perdas, treino),  # its second treinar call is evidence too
              (tests.test_avalia_em_modo_de_avaliacao, learner), (tests.test_avaliar_devolve_a_acuracia, learner))
    for check, argument in checks:
        try:
            check(argument)
        except AssertionError:  # the in-process check fails; its evidence is what the judge gets
            pass


@pytest.mark.parametrize(("source", "refuted"), [
    ("solution", {}),
    ("stub", {"test_achata_mantendo_o_lote": "judge.capstone_shapes",
              "test_zera_os_gradientes": "judge.capstone_stale_softmax_step",
              "test_perda_recebe_logits": "judge.capstone_stale_softmax_step",
              "test_devolve_as_perdas": "judge.capstone_history_unverified",
              "test_avalia_em_modo_de_avaliacao": "judge.evaluation_mode"}),
    ("sem_zero_grad", {"test_zera_os_gradientes": "judge.capstone_stale_step",
                       "test_devolve_as_perdas": "judge.capstone_history_unverified"}),
    ("acertos_por_lote", {"test_avaliar_devolve_a_acuracia": "judge.capstone_accuracy"}),
    # A global list of losses: the second call (a new model, one epoch) returns the first one's too.
    ("lista_de_perdas_global", {"test_devolve_as_perdas": "judge.capstone_history_length"}),
])
def test_the_capstone_judge_names_which_bug_a_forged_pass_still_has(source, refuted):
    kata = get_pack("fundamentos").get("20_depurar_treino")
    path = {"solution": kata.solution_path, "stub": kata.stub_path}.get(source) or \
        VARIANTS / "20_depurar_treino" / f"{source}.py"
    assert _refuted("20_depurar_treino", path, _capstone) == refuted
