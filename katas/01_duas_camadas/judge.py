"""O juiz da kata 01_duas_camadas: as saídas do modelo são linear → linear, recalculadas com os pesos dele.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`): recebe
as entradas, as saídas e as camadas que os testes viram e refaz a conta.
"""

from katacheck import judge
from katacheck.checks import probe_inputs

CAMADAS = ('linear', 'linear')


def julgar(evidencias):
    yield from judge.composition(evidencias, "padrao", check="test_tamanhos_padrao", layers=CAMADAS,
                                 sizes=(10, 5, 1), inputs=probe_inputs(16, 10))
    yield from judge.composition(evidencias, "outros", check="test_outros_tamanhos", layers=CAMADAS,
                                 sizes=(7, 4, 3), inputs=probe_inputs(16, 7))
