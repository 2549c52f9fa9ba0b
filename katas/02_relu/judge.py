"""O juiz da kata 02_relu: as saídas do modelo são linear → ReLU → linear, recalculadas com os pesos dele.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`): recebe
as entradas, as saídas e as camadas que os testes viram e refaz a conta.
"""

from katacheck import judge
from katacheck.checks import probe_inputs
from katacheck.checks.model import CEILING_PROBE_SCALE

CAMADAS = ('linear', 'relu', 'linear')


def julgar(evidencias):
    yield from judge.composition(evidencias, "padrao", check="test_relu_entre_as_camadas", layers=CAMADAS,
                                 sizes=(10, 5, 1), inputs=probe_inputs(16, 10))
    yield from judge.composition(evidencias, "outros", check="test_outros_tamanhos", layers=CAMADAS,
                                 sizes=(7, 4, 3), inputs=probe_inputs(16, 7))
    # Entradas grandes: uma ReLU6 ou um clamp com teto só se distinguem da ReLU acima do teto.
    yield from judge.composition(evidencias, "padrao_grande", check="test_relu_entre_as_camadas", layers=CAMADAS,
                                 sizes=(10, 5, 1), inputs=probe_inputs(16, 10) * CEILING_PROBE_SCALE)
    yield from judge.composition(evidencias, "outros_grande", check="test_outros_tamanhos", layers=CAMADAS,
                                 sizes=(7, 4, 3), inputs=probe_inputs(16, 7) * CEILING_PROBE_SCALE)
