"""O juiz da kata 05_gpu: os parâmetros andaram, passo a passo, como o SGD de referência os move.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`): parte
dos mesmos pesos iniciais e dos mesmos dados do teste, refaz cada passo a partir dos
parâmetros que o treino registrou (com o estado do otimizador mantido entre os passos) e
recalcula a perda com os parâmetros finais.
"""

from katacheck import judge

testes = judge.sibling(__file__, "test_kata")


def julgar(evidencias):
    yield from judge.replay_course_run(evidencias, testes, check="test_gradientes_e_perda", optimizer="SGD",
                                       loss_check="test_gradientes_e_perda")
