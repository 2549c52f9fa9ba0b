"""O juiz da kata 03_adam: os parâmetros andaram, passo a passo, como o Adam de referência os move.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`): parte
dos mesmos pesos iniciais e dos mesmos dados do teste, refaz cada passo a partir dos
parâmetros que o treino registrou (com o estado do otimizador mantido entre os passos) e
recalcula a perda com os parâmetros finais.
"""

from katacheck import judge

testes = judge.sibling(__file__, "test_kata")


def julgar(evidencias):
    yield from judge.replay_course_run(evidencias, testes, check="test_otimizador_adam", optimizer="Adam",
                                       loss_check="test_perda_diminui")
