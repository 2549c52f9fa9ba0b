"""Testes ocultos da kata 01_duas_camadas."""

from katacheck import checks

#: Razão máxima perda final / inicial no teste de aprendizado (ver CALIBRATION.md).
LIMIAR_APRENDE = 0.60


def calibrar(aluno, seed: int) -> dict[str, float]:
    """As medidas que o script bench/calibrate.py coleta da solução de referência."""
    return {"razao_aprende": checks.learning_ratio(aluno.DuasCamadas, seed)}


def test_define_a_classe(learner):
    """O arquivo define a classe DuasCamadas, um nn.Module."""
    checks.require_module_class(learner, "DuasCamadas")


def test_tamanhos_padrao(learner):
    """DuasCamadas() encadeia duas nn.Linear: 10 → 5 → 1."""
    classe = checks.require_module_class(learner, "DuasCamadas")
    checks.expect_linear_chain(classe(), (10, 5, 1))


def test_outros_tamanhos(learner):
    """DuasCamadas(7, 4, 3) respeita os tamanhos pedidos, na ordem."""
    classe = checks.require_module_class(learner, "DuasCamadas")
    checks.expect_linear_chain(classe(7, 4, 3), (7, 4, 3))


def test_gradientes(learner):
    """Todos os parâmetros recebem gradiente finito e não nulo."""
    classe = checks.require_module_class(learner, "DuasCamadas")
    X, y = checks.regression_data(n=32)
    checks.expect_gradients_flow(classe(), X, y)


def test_aprende(learner):
    """Treinado pelo laço do curso, o modelo reduz a perda."""
    classe = checks.require_module_class(learner, "DuasCamadas")
    razao = checks.learning_ratio(classe, seed=0)
    checks.expect_loss_decreased(1.0, razao, max_ratio=LIMIAR_APRENDE)
