"""O juiz da kata 10_validacao: cada época refeita a partir do estado que o modelo tinha.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`). O
modelo dos testes tem BatchNorm e Dropout, então o modo deixa marcas nos números: em modo de
treino, a BatchNorm normaliza com as estatísticas do lote e as acumula nas suas médias, e o
Dropout zera neurônios (as máscaras sorteadas vêm na evidência); em modo de avaliação, a
BatchNorm usa as médias acumuladas e não muda nada. A partir do estado registrado antes de cada
forward (pesos e estatísticas), o juiz refaz aqui, em float64: o forward de treino, as
estatísticas que ele deixa, o passo do SGD e a perda; o forward de validação e a sua perda;
e confere que a validação não mudou o modelo.
"""

import torch
from torch.nn import functional

from katacheck import judge

testes = judge.sibling(__file__, "test_kata")

#: As camadas do modelo dos testes que mudam com o modo.
CAMADAS_DE_MODO = {"BatchNorm1d", "Dropout"}
#: A maior diferença relativa aceita entre um número do treino (float32) e o refeito aqui.
TOLERANCIA = 1e-4
PARAMETROS = ("camada1.weight", "camada1.bias", "norma.weight", "norma.bias", "camada2.weight", "camada2.bias")


def julgar(evidencias):
    yield from _definicao(evidencias)
    yield from _avaliar(evidencias.get("avaliar_modo"), "test_avaliar_em_modo_de_avaliacao", modo=True)
    yield from _avaliar(evidencias.get("avaliar_valor"), "test_avaliar_devolve_a_perda", modo=False)
    yield from _treino(evidencias.get("treino"))


def _definicao(evidencias):
    verificacao = "test_define_as_funcoes"
    if any(evidencias.get(rotulo) is None for rotulo in ("treino", "avaliar_modo", "avaliar_valor")):
        yield judge.finding(verificacao, "no_evidence", check=verificacao)


# -- o modelo dos testes, refeito em float64 ----------------------------------------------------


def _estado(bruto):
    return {nome: torch.tensor(valor, dtype=torch.float64) for nome, valor in bruto.items()
            if nome != "norma.num_batches_tracked"}


def _forward(estado, X, *, treino, mascara=None):
    """A saída do modelo e as estatísticas da BatchNorm que ficam depois do forward."""
    media, variancia = estado["norma.running_mean"].clone(), estado["norma.running_var"].clone()
    h = X @ estado["camada1.weight"].T + estado["camada1.bias"]
    h = functional.batch_norm(h, media, variancia, estado["norma.weight"], estado["norma.bias"], training=treino,
                              momentum=0.1, eps=1e-5)
    h = torch.relu(h)
    if treino:
        h = h * mascara / (1 - testes.P_DROPOUT)
    return h @ estado["camada2.weight"].T + estado["camada2.bias"], media, variancia


def _perda_de_avaliacao(estado, X, y, conta=functional.mse_loss):
    with torch.no_grad():
        return float(conta(_forward(estado, X, treino=False)[0], y))


def _perto(valor, esperado):
    return isinstance(valor, (int, float)) and abs(valor - esperado) <= TOLERANCIA * max(1.0, abs(esperado))


def _folga(encontrado, esperado):
    return judge.output_gap(encontrado, esperado)


# -- avaliar sozinha ---------------------------------------------------------------------------


def _avaliar(item, verificacao, *, modo):
    try:
        estado = _estado(item["state"])
        chamadas, valor = item["calls"], item["value"]
        if modo:
            modos = [(set(c["training"]), bool(c["grad"])) for c in chamadas]
    except (TypeError, ValueError, KeyError, AttributeError):
        yield judge.finding(verificacao, "no_evidence", check=verificacao)
        return
    if modo and (not modos or any(treinando or grad for treinando, grad in modos)):
        yield judge.finding(verificacao, "evaluation_mode")
        return
    _, _, X_val, y_val = (t.double() for t in testes.dados())
    try:
        # test_avaliar_devolve_a_perda entrega outro critério (CRITERIO_AVALIAR); o de modo, a MSE.
        esperado = _perda_de_avaliacao(estado, X_val, y_val, functional.mse_loss if modo else testes.CRITERIO_AVALIAR[1])
    except (RuntimeError, KeyError, IndexError):  # a state that is not the test model's
        yield judge.finding(verificacao, "no_evidence", check=verificacao)
        return
    if not _perto(valor, esperado):
        yield judge.finding(verificacao, "evaluation_value", found=valor if valor is not None else "—",
                            expected=f"{esperado:.6g}")


# -- o treino com validação --------------------------------------------------------------------

VERIFICACOES_DO_TREINO = ("test_modo_a_cada_forward", "test_sgd_um_passo_por_epoca", "test_devolve_os_historicos")
#: Um registro que não tem a forma de um treino com validação não sustenta nenhuma das três.
TODAS = object()


def _treino(item):
    try:
        chamadas = [(c["data"], set(c["training"]), bool(c["grad"]), _estado(c["state"]),
                     [torch.tensor(m, dtype=torch.float64) for m in c["masks"]]) for c in item["calls"]]
        final, passos, otimizadores = _estado(item["final"]), int(item["steps"]), int(item["optimizers"])
        historicos = item["histories"]
    except (TypeError, ValueError, KeyError, AttributeError):
        for verificacao in VERIFICACOES_DO_TREINO:
            yield judge.finding(verificacao, "no_evidence", check=verificacao)
        return
    achados = {}
    try:
        for verificacoes, codigo, valores in _problemas_do_treino(chamadas, final, passos, historicos, otimizadores):
            for verificacao in VERIFICACOES_DO_TREINO if verificacoes is TODAS else (verificacoes,):
                achados.setdefault(verificacao, judge.finding(verificacao, codigo, **valores))
    except (RuntimeError, KeyError, IndexError, TypeError, ValueError):  # states or masks of other shapes
        achados = {v: judge.finding(v, "no_evidence", check=v) for v in VERIFICACOES_DO_TREINO}
    yield from achados.values()


def _problemas_do_treino(chamadas, final, passos, historicos, otimizadores):
    """(verificação ou TODAS, código, valores) de cada coisa que não se sustenta, na ordem do treino."""
    epocas = testes.EPOCAS
    fases = [c for c in chamadas if c[0] == "validacao" or (c[0] == "treino" and c[2])]
    esperadas = ["treino", "validacao"] * epocas
    if [c[0] for c in fases] != esperadas:
        yield TODAS, "phases_forwards", {"epoch": _primeira_diferenca([c[0] for c in fases],
                                                                                            esperadas) // 2 + 1}
        return
    if passos != epocas:
        yield "test_sgd_um_passo_por_epoca", "phases_steps", {"found": passos, "epochs": epocas}
    if otimizadores != 1:
        yield "test_sgd_um_passo_por_epoca", "phases_optimizers", {"found": otimizadores}
    inicial = {nome: valor.detach().double() for nome, valor in testes.modelo_inicial().state_dict().items()
               if nome != "norma.num_batches_tracked"}
    if not _iguais(fases[0][3], inicial):
        yield TODAS, "other_start", {}
        return
    X, y, X_val, y_val = (t.double() for t in testes.dados())
    treino, validacao = _historicos(historicos, epocas)
    for epoca in range(epocas):
        (_, modo_t, _, antes, mascaras), (_, modo_v, grad_v, depois, _) = fases[2 * epoca], fases[2 * epoca + 1]
        if modo_t != CAMADAS_DE_MODO or modo_v or grad_v or len(mascaras) != 1:
            yield TODAS, "phases_forwards", {"epoch": epoca + 1}  # nada a refazer em modo de treino
            return
        seguinte = fases[2 * epoca + 2][3] if epoca + 1 < epocas else final
        if not _iguais(seguinte, depois):
            yield "test_modo_a_cada_forward", "phases_validation_changed", {"epoch": epoca + 1}
        perda, parametros, media, variancia = _passo(antes, X, y, mascaras[0])
        if _folga(depois["norma.running_mean"], media) > TOLERANCIA or \
                _folga(depois["norma.running_var"], variancia) > TOLERANCIA:
            yield "test_modo_a_cada_forward", "phases_batchnorm", {"epoch": epoca + 1}
        anteriores = [antes[nome] for nome in PARAMETROS]
        if judge.step_gap(anteriores, [depois[nome] for nome in PARAMETROS], parametros) > judge.STEP_TOLERANCE:
            yield "test_sgd_um_passo_por_epoca", "phases_step", {"epoch": epoca + 1, "lr": testes.LR}
        if treino is None or not _perto(treino[epoca], perda):
            yield "test_devolve_os_historicos", "phases_train_history", _valores(treino, epoca, perda)
        perda_val = _perda_de_avaliacao(depois, X_val, y_val)
        if validacao is None or not _perto(validacao[epoca], perda_val):
            yield "test_devolve_os_historicos", "phases_validation_history", _valores(validacao, epoca, perda_val)


def _passo(estado, X, y, mascara):
    """A perda do forward de treino, os parâmetros depois do passo do SGD e as estatísticas."""
    folhas = {nome: valor.clone().requires_grad_(nome in PARAMETROS) for nome, valor in estado.items()}
    saida, media, variancia = _forward(folhas, X, treino=True, mascara=mascara)
    perda = functional.mse_loss(saida, y)
    gradientes = torch.autograd.grad(perda, [folhas[nome] for nome in PARAMETROS])
    parametros = [estado[nome] - testes.LR * g for nome, g in zip(PARAMETROS, gradientes)]
    return float(perda.detach()), parametros, media.detach(), variancia.detach()


def _historicos(historicos, epocas):
    if not (isinstance(historicos, list) and len(historicos) == 2):
        return None, None
    return tuple(h if isinstance(h, list) and len(h) == epocas else None for h in historicos)


def _valores(historico, epoca, esperado):
    encontrado = historico[epoca] if historico is not None else "—"
    return {"epoch": epoca + 1, "found": encontrado, "expected": f"{esperado:.6g}"}


def _iguais(a, b):
    return a.keys() == b.keys() and all(a[k].shape == b[k].shape and torch.equal(a[k], b[k]) for k in a)


def _primeira_diferenca(encontradas, esperadas):
    return next((i for i, (a, b) in enumerate(zip(encontradas, esperadas)) if a != b),
                min(len(encontradas), len(esperadas)))
