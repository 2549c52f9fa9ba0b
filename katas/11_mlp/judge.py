"""O juiz da kata 11_mlp: as saídas do MLP são fc1 → ReLU → fc2 sobre cada imagem achatada.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`). Os testes
deram às camadas nn.Linear do modelo pesos que este juiz sabe refazer só a partir dos formatos
(`katacheck.checks.install_known_weights`), em entradas que ele também sabe refazer; então ele
recalcula, em float64, o que o MLP do curso devolve para cada imagem do lote e compara com o que
o modelo devolveu, linha por linha. Uma saída que perdeu o lote, uma ReLU que não chega à fc2 ou
uma softmax no fim: cada uma é nomeada.
"""

import torch

from katacheck import judge
from katacheck.checks import known_weights

testes = judge.sibling(__file__, "test_kata")


def julgar(evidencias):
    for rotulo, (teste, tamanhos, entradas) in testes.SONDAS.items():
        yield from _julgar_sonda(evidencias.get(rotulo), teste, tamanhos, entradas)


def _julgar_sonda(item, teste, tamanhos, entradas):
    try:
        saidas = judge.tensor(item["outputs"])
        camadas = [{"shape": [int(n) for n in c["shape"]], "bias": bool(c["bias"])} for c in item["layers"]]
    except (TypeError, ValueError, KeyError):
        yield judge.finding(teste, "no_evidence", check=teste)
        return
    cadeia = cadeia_conhecida(camadas, tamanhos, testes.SEMENTE_PESOS)
    if cadeia is None:
        yield judge.finding(teste, "layer_sizes", sizes=" → ".join(map(str, tamanhos)),
                            found=", ".join(f"{c['shape'][1]} → {c['shape'][0]}" for c in camadas) or "—")
        return
    esperado = (len(entradas), tamanhos[-1])
    if tuple(saidas.shape) != esperado:
        yield judge.finding(teste, "output_shape", found=list(saidas.shape), expected=list(esperado))
        return
    x = entradas.reshape(len(entradas), -1).double()
    if _perto(saidas, mlp(x, cadeia, torch.relu)):
        return
    if _perto(saidas, torch.softmax(mlp(x, cadeia, torch.relu), dim=1)):
        yield judge.finding(teste, "softmax_output")
    elif _perto(saidas, mlp(x, cadeia, lambda h: h)):
        yield judge.finding(teste, "activation_unused", activation="ReLU", asked="linear → ReLU → linear")
    else:
        lacuna = float((saidas - mlp(x, cadeia, torch.relu)).abs().max())
        yield judge.finding(teste, "composition", asked="linear → ReLU → linear", gap=f"{lacuna:.3g}")


def cadeia_conhecida(camadas, tamanhos, semente):
    """Os pesos conhecidos (float64) das duas camadas, na ordem que encadeia ``tamanhos``, ou None."""
    entrada, oculta, saida = tamanhos
    formatos = [tuple(camada["shape"]) for camada in camadas]
    # Os formatos primeiro: só então os pesos são feitos (nunca de um tamanho que a kata não pede).
    if sorted(formatos) != sorted([(oculta, entrada), (saida, oculta)]):
        return None
    pesos = [(peso.double(), None if vies is None else vies.double())
             for peso, vies in known_weights(camadas, semente)]
    return tuple(pesos) if formatos[0] == (oculta, entrada) else tuple(pesos[::-1])


def mlp(x, cadeia, ativacao):
    """``fc2(ativacao(fc1(x)))`` com os pesos de ``cadeia``, sobre ``x`` já achatado."""
    (w1, b1), (w2, b2) = cadeia
    h = x @ w1.T + (0 if b1 is None else b1)
    return ativacao(h) @ w2.T + (0 if b2 is None else b2)


def _perto(achado, esperado):
    return judge.output_gap(achado, esperado) <= judge.OUTPUT_TOLERANCE
