"""The judges of katas 14 and 15 refute, from the numbers alone, claimed passes whose evidence
shows another loader or another training (the child reported every check passed)."""

from __future__ import annotations

import importlib.util

from torch.utils.data import DataLoader

from katacheck.checks import mnist
from katacheck.checks.evidence import plain
from katacheck.plugins import get_pack
from katacheck.result import CheckResult, KataResult, Status
from katacheck.runner.parent.dsession import _judged


def _claimed_pass(kata) -> KataResult:
    names = [line.split("(")[0][4:] for line in kata.tests_path.read_text().splitlines() if line.startswith("def test_")]
    return KataResult(kata.id, kata.title, checks=tuple(CheckResult(n, n, Status.PASS) for n in names))


def _tests_of(kata):
    spec = importlib.util.spec_from_file_location(f"testes_{kata.id}", kata.tests_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _failed(kata, evidence) -> dict[str, str]:
    result = _judged(kata, _claimed_pass(kata), evidence)
    return {check.name: check.diagnosis.code for check in result.checks if not check.passed}


def test_kata_14_a_shuffled_test_loader_is_refuted_from_its_batches():
    kata = get_pack("fundamentos").get("14_dataset_dataloader")
    tests = _tests_of(kata)

    def both_shuffled(treino, teste, batch_size=64):
        return DataLoader(treino, batch_size=batch_size, shuffle=True), DataLoader(teste, batch_size=batch_size,
                                                                                   shuffle=True)

    X, y = tests.dados_do_conjunto()
    evidence = [{"label": "conjunto", **plain({"tamanho": 12, "itens": [{"x": X[i], "y": y[i]} for i in range(12)]})},
                {"label": "lotes", **plain({"lote": tests.ler_epocas(both_shuffled, batch_size=tests.LOTE),
                                            "padrao": tests.ler_epocas(both_shuffled)})}]
    assert _failed(kata, evidence) == {"test_teste_em_ordem": "judge.loader_test_shuffled"}


def test_kata_14_items_of_another_example_are_refuted():
    kata = get_pack("fundamentos").get("14_dataset_dataloader")
    tests = _tests_of(kata)
    X, y = tests.dados_do_conjunto()
    shifted = [{"x": X[(i + 1) % 12], "y": y[i]} for i in range(12)]
    failed = _failed(kata, [{"label": "conjunto", **plain({"tamanho": 12, "itens": shifted})}])
    assert failed["test_conjunto_de_dados"] == "judge.dataset_item"


def test_kata_15_a_training_that_never_moves_is_refuted_with_everything_that_depends_on_it():
    kata = get_pack("fundamentos").get("15_mnist")
    tests = _tests_of(kata)
    model = tests.modelo_inicial(0)
    start = [p.detach() for p in model.parameters()]
    split = tests.divisoes()["train"]
    batches = [split.images[i * tests.LOTE:(i + 1) * tests.LOTE] for i in range(tests.PASSOS_REFEITOS)]
    steps = tests.EPOCAS * -(-tests.N_TREINO // tests.LOTE)

    evidence = [{"label": "treino", **plain({"passos": [start] * (tests.PASSOS_REFEITOS + 1),
                                             "otimizadores": ["SGD"] * steps,
                                             "lotes": [mnist.fingerprints(b) for b in batches],
                                             "n_passos": steps, "estado": model.state_dict()})},
                {"label": "perdas", "perdas": [2.3] * steps}, {"label": "acuracia", "valor": 0.95}]
    failed = _failed(kata, evidence)
    training = {"test_achata_as_imagens", "test_otimizador_sgd", "test_devolve_as_perdas",
                "test_acerta_digitos_de_teste", "test_acuracia"}
    assert {name: code for name, code in failed.items() if name in training} == dict.fromkeys(training,
                                                                                             "judge.mnist_step")
