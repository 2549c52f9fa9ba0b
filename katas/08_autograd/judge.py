"""O juiz da kata 08_autograd: cada resposta é a derivada que o autograd dá, recalculada aqui.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`): refaz,
com as funções e os pontos dos próprios testes, o gradiente de cada caso em float64 e compara
com o que ``derivada`` e ``gradiente`` devolveram. As funções com o degrau "straight-through"
têm uma derivada que nenhuma diferença finita dá: ali, só o autograd acerta.
"""

import math

from katacheck import judge
from katacheck.checks.autograd import AutogradSpy

testes = judge.sibling(__file__, "test_kata")

#: A maior diferença relativa aceita entre uma resposta (float32) e a do juiz (float64).
TOLERANCIA = 1e-4


def julgar(evidencias):
    casos = {
        "test_derivada_das_notas": ("notas_derivada", testes.NOTAS_DERIVADA),
        "test_derivada_de_inteiro": ("inteiro_derivada", testes.INTEIRO_DERIVADA),
        "test_gradiente_das_notas": ("notas_gradiente", testes.NOTAS_GRADIENTE),
        "test_gradiente_de_inteiros": ("inteiros_gradiente", testes.INTEIROS_GRADIENTE),
        "test_funcoes_ocultas": ("ocultos", testes.OCULTOS),
        "test_vem_do_autograd": ("espiao", testes.casos_do_espiao(AutogradSpy())),
    }
    for check, (rotulo, lista) in casos.items():
        yield from _respostas(evidencias, check, rotulo, lista)


def _respostas(evidencias, check, rotulo, casos):
    item = evidencias.get(rotulo)
    respostas = item.get("respostas") if item is not None else None
    if not isinstance(respostas, list) or len(respostas) != len(casos):
        yield judge.finding(check, "no_evidence", check=check)
        return
    for resposta, (funcao, formula, f, ponto) in zip(respostas, casos):
        esperada = testes.pelo_autograd(f, ponto)
        if not _bate(resposta, esperada):
            yield judge.finding(check, "autograd_value", call=testes.chamada(funcao, formula, ponto),
                                formula=formula, expected=_mostrado(esperada))
            return


def _bate(resposta, esperada) -> bool:
    if isinstance(esperada, list):
        return isinstance(resposta, list) and len(resposta) == len(esperada) and all(
            _bate(a, b) for a, b in zip(resposta, esperada))
    return (isinstance(resposta, (int, float)) and not isinstance(resposta, bool) and math.isfinite(resposta)
            and abs(resposta - esperada) <= TOLERANCIA * (1.0 + abs(esperada)))


def _mostrado(valor) -> str:
    if isinstance(valor, list):
        return "[" + ", ".join(f"{v:.6g}" for v in valor) + "]"
    return f"{valor:.6g}"
