"""O juiz da kata 12_entropia_cruzada: o treino é o SGD sobre a entropia cruzada dos logits crus
com os rótulos inteiros, e `prever` dá a classe de maior pontuação em modo de avaliação.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`), com os
dados e os modelos dos próprios testes:

- refaz cada passo do treino a partir dos parâmetros que ele registrou, com o `torch.optim.SGD`
  de referência (lr dos testes) sobre `cross_entropy(modelo(X), rotulos)`: uma softmax antes da
  perda, rótulos one-hot ou uma MSE dariam outros passos;
- recalcula, com os parâmetros finais, a perda do conjunto de treino e o acerto em pontos que o
  treino nunca viu, contra os limiares calibrados;
- confere que as perdas devolvidas são as de cada época, recalculadas nos parâmetros de cada passo;
- reconstrói os modelos de `prever` a partir do estado deles e recalcula, em modo de avaliação,
  as saídas e as classes previstas.
"""

import dataclasses

import torch

from katacheck import judge

testes = judge.sibling(__file__, "test_kata")

PERDA = "test_perda_entropia_cruzada"
SGD = "test_otimizador_sgd"
DIMINUI = "test_perda_diminui"
ACERTA = "test_acerta_pontos_novos"
PERDAS = "test_devolve_as_perdas"
CLASSES = "test_prever_devolve_classes"
AVALIACAO = "test_prever_em_modo_de_avaliacao"
#: Uma diferença entre as duas maiores pontuações menor que esta (float32 contra float64) deixa a
#: classe prevista em aberto: nesses pontos, qualquer das duas vale.
EMPATE = 1e-4


def entropia_cruzada(saidas, rotulos):
    # judge.replay entrega os rótulos em float64 (valores inteiros exatos): a perda os quer int64.
    return torch.nn.functional.cross_entropy(saidas, rotulos.long())


def julgar(evidencias):
    yield from _treino(evidencias)
    yield from _historico(evidencias)
    yield from _previsoes(evidencias)
    yield from _avaliacao(evidencias)


def _treino(evidencias):
    X, rotulos = testes.treino()
    achados = list(judge.replay(evidencias, "treino", check=SGD, optimizer="SGD", model=testes.modelo_inicial(seed=0),
                                X=X, y=rotulos, loss=entropia_cruzada, settings={"lr": testes.LR},
                                max_ratio=testes.LIMIAR_PERDA, loss_check=DIMINUI))
    if any(achado.code == "judge.no_evidence" for achado in achados):
        for teste in (PERDA, SGD, DIMINUI, ACERTA):
            yield judge.finding(teste, "no_evidence", check=teste)
        return
    passos = [achado for achado in achados if achado.check == SGD]
    for achado in achados:
        yield achado
    # Um passo que não é o do SGD na entropia cruzada refuta a perda e o acerto também.
    for achado in passos:
        yield dataclasses.replace(achado, check=PERDA)
        yield dataclasses.replace(achado, check=ACERTA)
    if passos:
        return
    try:
        modelo = _com_parametros(testes.modelo_inicial(seed=0), evidencias.get("treino")["final"])
    except (TypeError, ValueError, RuntimeError):
        yield judge.finding(ACERTA, "no_evidence", check=ACERTA)
        return
    X_novos, rotulos_novos = testes.pontos_novos()
    acerto = float((_classes(modelo, X_novos) == rotulos_novos).double().mean())
    if not acerto >= testes.ACERTO_MINIMO:
        yield judge.finding(ACERTA, "accuracy", accuracy=f"{acerto:.0%}", limit=f"{testes.ACERTO_MINIMO:.0%}")


def _historico(evidencias):
    X, rotulos = testes.treino()
    achados = list(judge.replay(evidencias, "historico", check=PERDAS, optimizer="SGD",
                                model=testes.modelo_inicial(seed=1), X=X, y=rotulos, loss=entropia_cruzada,
                                settings={"lr": testes.LR}))
    if achados:
        yield from achados
        return
    try:
        perdas = [float(valor) for valor in evidencias.get("perdas")["perdas"]]
        passos = evidencias.get("historico")["steps"]
    except (TypeError, ValueError, KeyError):
        yield judge.finding(PERDAS, "no_evidence", check=PERDAS)
        return
    if len(perdas) != len(passos):
        yield judge.finding(PERDAS, "history", epoch=min(len(perdas), len(passos)) + 1, found="—", expected="—")
        return
    modelo = testes.modelo_inicial(seed=1)
    for epoca, (perda, passo) in enumerate(zip(perdas, passos), start=1):
        esperada = _perda(_com_parametros(modelo, passo["params"]), X, rotulos)
        if not abs(perda - esperada) <= 1e-3 * max(1.0, abs(esperada)):  # nan too
            yield judge.finding(PERDAS, "history", epoch=epoca, found=f"{perda:.4g}", expected=f"{esperada:.4g}")
            return


def _previsoes(evidencias):
    item = evidencias.get("previsoes")
    try:
        modelo = _com_estado(testes.modelo_inicial(seed=3), item["estado"])
        previsoes = torch.tensor(item["previsoes"], dtype=torch.int64)
    except (TypeError, ValueError, KeyError, RuntimeError):
        yield judge.finding(CLASSES, "no_evidence", check=CLASSES)
        return
    X, _ = testes.pontos_novos()
    with torch.no_grad():
        saidas = modelo.eval()(X.double())
    if previsoes.shape != (len(X),):
        yield judge.finding(CLASSES, "predictions", wrong=len(X), points=len(X))
        return
    maiores = saidas.topk(2, dim=1).values
    aberto = (maiores[:, 0] - maiores[:, 1]) < EMPATE
    certas = previsoes == saidas.argmax(dim=1)
    # Num quase empate, a segunda maior também vale.
    certas |= aberto & (saidas.gather(1, previsoes.clamp(0, saidas.shape[1] - 1)[:, None])[:, 0] >= maiores[:, 1])
    erradas = int((~certas).sum())
    if erradas:
        yield judge.finding(CLASSES, "predictions", wrong=erradas, points=len(X))


def _avaliacao(evidencias):
    item = evidencias.get("avaliacao")
    try:
        modelo = _com_estado(testes.modelo_inicial(testes.ClassificadorComDropout, seed=4), item["estado"])
        saidas = judge.tensor(item["saidas"])
    except (TypeError, ValueError, KeyError, RuntimeError):
        yield judge.finding(AVALIACAO, "no_evidence", check=AVALIACAO)
        return
    X, _ = testes.pontos_novos()
    with torch.no_grad():
        esperadas = modelo.eval()(X.double())
    if judge.output_gap(saidas, esperadas) > judge.OUTPUT_TOLERANCE:
        yield judge.finding(AVALIACAO, "eval_outputs")


def _com_parametros(modelo, parametros):
    modelo = modelo.double()
    with torch.no_grad():
        for parametro, valor in zip(modelo.parameters(), parametros, strict=True):
            parametro.copy_(judge.tensor(valor))
    return modelo


def _com_estado(modelo, estado):
    """``modelo`` (float64) com o estado que a evidência traz, valor por valor, nos tipos do modelo."""
    modelo = modelo.double()
    proprio = modelo.state_dict()
    if set(estado) != set(proprio):
        raise KeyError("outro estado")
    modelo.load_state_dict({nome: torch.tensor(estado[nome], dtype=valor.dtype).reshape(valor.shape)
                            for nome, valor in proprio.items()})
    return modelo


def _classes(modelo, X):
    with torch.no_grad():
        return modelo.eval()(X.double()).argmax(dim=1)


def _perda(modelo, X, rotulos):
    with torch.no_grad():
        return float(entropia_cruzada(modelo(X.double()), rotulos))
