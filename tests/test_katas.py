"""Every kata follows the format; its stub fails as shipped, with the intended diagnosis; its
reference solution passes."""

from __future__ import annotations

import pytest

from katacheck.plugins import get_pack
from katacheck.render.report import render_text
from katacheck.runner.parent.dsession import run_kata

KATAS = get_pack("fundamentos").katas()

#: What each stub is meant to teach: the diagnosis its first failing check must give.
STUB_DIAGNOSIS = {
    "01_duas_camadas": "linear_count",
    "02_relu": "relu_missing",
    "03_adam": "optimizer_wrong_class",
    "04_zero_grad": "stale_gradients",
    "05_gpu": "device_choice",
    "06_taxa_de_aprendizado": "optimizer_lr",
    "07_tempo_na_gpu": "timing_no_warmup",
    "08_autograd": "grad_needs_float",
    "09_acumulo_de_gradientes": "accumulation_unweighted",
    "10_validacao": "validation_train_mode",
    "11_mlp": "image_not_flattened",
    "12_entropia_cruzada": "mse_on_classes",
    "13_sgd_momentum": "sgd_velocities_not_filled",
    "14_dataset_dataloader": "dataset_item_not_pair",
    "15_mnist": "mnist_not_normalized",
    "16_curvas_de_perda": "curve_lr_baixo",
    "17_tensorboard": "tensorboard_steps_repeat",
    "18_gradientes_explodindo": "clip_missing",
    "19_salvar_carregar": "save_whole_model",
    "20_depurar_treino": "capstone_flatten",
}


def test_every_kata_of_the_course_is_in_order_and_says_what_its_stub_teaches():
    assert [kata.id for kata in KATAS] == sorted(STUB_DIAGNOSIS)


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.id)
def test_kata_folder_is_complete(kata):
    assert kata.title and kata.statement().startswith("# ")
    assert "# TODO" in kata.stub_path.read_text(encoding="utf-8")
    assert "TODO" not in kata.solution_path.read_text(encoding="utf-8")
    assert len(kata.hints) >= 3, "hints go from a nudge to nearly the answer"
    assert 0 < kata.timeout <= 120


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.id)
def test_training_katas_record_their_calibration(kata):
    calibration = (kata.directory / "CALIBRATION.md").read_text(encoding="utf-8")
    assert "| solução |" in calibration and "NÃO" not in calibration


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.id)
def test_stub_fails_with_the_intended_diagnosis(kata):
    result = run_kata(kata, kata.stub_path)
    assert not result.passed, render_text(result)
    assert result.fatal is None, render_text(result)
    first_failure = next(check for check in result.checks if not check.passed)
    assert first_failure.diagnosis.code == STUB_DIAGNOSIS[kata.id], render_text(result)
    assert first_failure.diagnosis.hint
    assert any(check.passed for check in result.checks), "the stub gets some things right"


@pytest.mark.parametrize("kata", KATAS, ids=lambda k: k.id)
def test_reference_solution_passes(kata):
    result = run_kata(kata, kata.solution_path)
    assert result.passed, render_text(result)
    assert len(result.checks) >= 5
