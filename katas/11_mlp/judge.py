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
from katacheck.checks.batch import gradient_direction

testes = judge.sibling(__file__, "test_kata")


def julgar(evidencias):
    for rotulo, (teste, tamanhos, entradas) in testes.SONDAS.items():
        yield from _julgar_sonda(evidencias.get(rotulo), teste, tamanhos, entradas)
    yield from _julgar_gradiente(evidencias.get("gradiente"))


def _julgar_gradiente(item, teste="test_gradiente_chega_as_camadas"):
    """O gradiente de (logits · direção).sum() em cada peso é o que fc1 → ReLU → fc2 dá: um forward
    que tira os dados do grafo deixa a fc1 sem gradiente, mesmo com as saídas certas."""
    try:
        camadas = [{"shape": [int(n) for n in c["shape"]], "bias": bool(c["bias"])} for c in item["layers"]]
        gradientes = [[None if g is None else judge.tensor(g) for g in par] for par in item["gradients"]]
        saidas = judge.tensor(item["outputs"])
    except (TypeError, ValueError, KeyError):
        yield judge.finding(teste, "no_evidence", check=teste)
        return
    esperados = gradientes_esperados(camadas, testes.PADRAO, testes.SEMENTE_PESOS)
    if esperados is None or len(gradientes) != len(camadas):
        yield judge.finding(teste, "layer_sizes", sizes=" → ".join(map(str, testes.PADRAO)),
                            found=", ".join(f"{c['shape'][1]} → {c['shape'][0]}" for c in camadas) or "—")
        return
    cadeia = cadeia_conhecida(camadas, testes.PADRAO, testes.SEMENTE_PESOS)
    x = testes.GRADIENTE.reshape(len(testes.GRADIENTE), -1).double()
    if tuple(saidas.shape) != (len(x), testes.PADRAO[-1]) or not _perto(saidas, mlp(x, cadeia, torch.relu)):
        yield judge.finding(teste, "composition", asked="linear → ReLU → linear",
                            gap="—" if saidas.shape != (len(x), testes.PADRAO[-1])
                            else f"{float((saidas - mlp(x, cadeia, torch.relu)).abs().max()):.3g}")
        return
    for nome, par, pares in zip(("fc1", "fc2"), na_ordem(gradientes, camadas, testes.PADRAO), esperados):
        for g, e in zip(par, pares):
            if e is None:
                continue
            if g is None or g.shape != e.shape or not _perto(g, e):
                yield judge.finding(teste, "graph_gradient", layer=nome)
                return


def gradientes_esperados(camadas, tamanhos, semente):
    """[(∂peso, ∂viés)] de fc1 e fc2, na ordem da cadeia, de (logits · direção).sum() sobre as
    imagens de GRADIENTE, em float64; None quando os formatos não encadeiam ``tamanhos``."""
    cadeia = cadeia_conhecida(camadas, tamanhos, semente)
    if cadeia is None:
        return None
    folhas = [tuple(None if t is None else t.clone().requires_grad_() for t in par) for par in cadeia]
    x = testes.GRADIENTE.reshape(len(testes.GRADIENTE), -1).double()
    saidas = mlp(x, folhas, torch.relu)
    direcao = gradient_direction(tuple(saidas.shape), testes.SEMENTE_DIRECAO).double()
    todos = [t for par in folhas for t in par if t is not None]
    derivadas = iter(torch.autograd.grad((saidas * direcao).sum(), todos))
    return [tuple(None if t is None else next(derivadas) for t in par) for par in folhas]


def na_ordem(gradientes, camadas, tamanhos):
    """Os gradientes das camadas (na ordem em que o modelo as registra) na ordem da cadeia."""
    entrada, oculta, _ = tamanhos
    return gradientes if tuple(camadas[0]["shape"]) == (oculta, entrada) else gradientes[::-1]


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
