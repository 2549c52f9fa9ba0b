"""O juiz da kata 05_gpu: os parâmetros andaram, passo a passo, como o SGD de referência os move.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`): parte
dos mesmos pesos iniciais e dos mesmos dados do teste, refaz cada passo a partir dos
parâmetros que o treino registrou (com o estado do otimizador mantido entre os passos) e
recalcula a perda com os parâmetros finais.
"""

import torch

from katacheck import judge
from katacheck.checks import regression_data

testes = judge.sibling(__file__, "test_kata")


def julgar(evidencias):
    X, y = regression_data()
    torch.manual_seed(0)  # como treinar_observando(..., seed=0): os mesmos pesos iniciais
    modelo = testes.SimpleLinearModel()
    yield from judge.replay(evidencias, "treino", check="test_gradientes_e_perda", optimizer="SGD", model=modelo,
                            X=X, y=y, max_ratio=testes.LIMIAR_PERDA, loss_check="test_gradientes_e_perda")
