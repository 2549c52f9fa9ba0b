"""O juiz da kata 16_curvas_de_perda: as curvas e as leituras, refeitas aqui.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`). A
evidência são só as respostas de ``diagnosticar`` e de ``melhor_epoca``, na ordem em que os testes
perguntaram. O juiz refaz as mesmas curvas com o código dos testes (os treinos de verdade sob a
mesma semente base, as sintéticas por fórmula), escolhe as mesmas inequívocas e calcula ele mesmo
a resposta certa de cada uma (:mod:`katacheck.checks.curves`).
"""

from katacheck import judge
from katacheck.checks import curves

testes = judge.sibling(__file__, "test_kata")

#: Cada verificação de diagnosticar e a categoria das curvas que ela pergunta.
CATEGORIAS = {"test_lr_alto": "lr_alto", "test_lr_baixo": "lr_baixo", "test_overfitting": "overfitting",
              "test_underfitting": "underfitting", "test_ok": "ok"}


def julgar(evidencias):
    for verificacao, categoria in CATEGORIAS.items():
        esperadas = [curves.diagnosis(treino, validacao) for _, treino, validacao in testes.curvas(categoria)]
        yield from _respostas(evidencias, categoria, verificacao, esperadas, "curve_answer")
    parada = [curves.best_epoch(v, 3 if p is None else p) for v, p in testes.CASOS_PARADA]
    yield from _respostas(evidencias, "parada", "test_melhor_epoca", parada, "early_stop_answer")
    # A primeira curva perguntada de novo, depois de outra: a mesma resposta (nada guardado entre as chamadas).
    yield from _respostas(evidencias, "parada_de_novo", "test_melhor_epoca", [parada[0], parada[0]], "early_stop_answer")
    treinos = [curves.best_epoch(v, 3 if p is None else p) for v, p in testes.casos_dos_treinos()]
    yield from _respostas(evidencias, "parada_treinos", "test_parada_nos_treinos", treinos, "early_stop_answer")


def _respostas(evidencias, rotulo, verificacao, esperadas, codigo):
    item = evidencias.get(rotulo)
    respostas = item.get("respostas") if item is not None else None
    if not isinstance(respostas, list) or len(respostas) != len(esperadas) or not esperadas:
        yield judge.finding(verificacao, "no_evidence", check=verificacao)
        return
    for numero, (resposta, esperada) in enumerate(zip(respostas, esperadas), start=1):
        if type(resposta) is not type(esperada) or resposta != esperada:
            yield judge.finding(verificacao, codigo, number=numero, found=str(resposta)[:40], expected=esperada)
            return
