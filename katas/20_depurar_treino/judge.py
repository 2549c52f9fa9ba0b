"""O juiz da kata 20_depurar_treino: cada conserto confirmado pelos números, com os dados, o modelo
e a ordem dos lotes dos próprios testes.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`):

- refaz cada passo do treino a partir dos parâmetros registrados antes dele, com o SGD dos
  testes sobre a `cross_entropy` dos logits do lote daquele passo, em float64. Um passo que não
  bate é explicado: se bate com a soma dos gradientes desde o primeiro passo, faltou
  `zero_grad` (refuta essa verificação); se bate com a perda sobre a softmax das saídas, a
  softmax veio antes da perda (refuta a outra); senão, refuta as duas;
- confere que as perdas devolvidas são as refeitas em cada passo, e que cada lote chegou ao
  modelo como ``[lote, 784]``;
- confere o modo e o estado dos gradientes de cada forward de `avaliar`, e refaz a acurácia a
  partir do estado do modelo avaliado.
"""

import torch
from torch.func import functional_call

from katacheck import judge

testes = judge.sibling(__file__, "test_kata")

DEFINE = "test_define_as_funcoes"
ACHATA = "test_achata_mantendo_o_lote"
ZERA = "test_zera_os_gradientes"
LOGITS = "test_perda_recebe_logits"
PERDAS = "test_devolve_as_perdas"
MODO = "test_avalia_em_modo_de_avaliacao"
ACURACIA = "test_avaliar_devolve_a_acuracia"
#: A maior diferença relativa entre uma perda devolvida (float32) e a refeita aqui (float64).
TOLERANCIA = 1e-4


def julgar(evidencias):
    if any(evidencias.get(rotulo) is None for rotulo in ("treino", "formas", "avaliar_modo", "acuracia")):
        yield judge.finding(DEFINE, "no_evidence", check=DEFINE)
    yield from _treino(evidencias.get("treino"), evidencias.get("formas"))
    yield from _de_novo(evidencias.get("de_novo"))
    yield from _modo(evidencias.get("avaliar_modo"))
    yield from _acuracia(evidencias.get("acuracia"))


# -- o treino ------------------------------------------------------------------------------------


def _lotes():
    return [(x.reshape(x.size(0), -1).double(), y) for x, y in testes.train_loader()]


def _gradiente(modelo, nomes, parametros, x, y, *, softmax=False):
    folhas = {nome: valor.clone().requires_grad_(True) for nome, valor in zip(nomes, parametros)}
    saida = functional_call(modelo, folhas, (x,))
    perda = torch.nn.functional.cross_entropy(torch.softmax(saida, 1) if softmax else saida, y)
    return float(perda.detach()), [g.detach() for g in torch.autograd.grad(perda, list(folhas.values()))]


def _treino(treino, formas):
    verificacoes = (ZERA, LOGITS, PERDAS, ACHATA)
    try:
        trajetoria = [[judge.tensor(p) for p in passo["params"]] for passo in treino["steps"]]
        trajetoria.append([judge.tensor(p) for p in treino["final"]])
        vistas = [tuple(int(n) for n in forma) for forma in formas["shapes"]]
        devolvidas = formas["history"]
    except (TypeError, ValueError, KeyError, AttributeError):
        for verificacao in verificacoes:
            yield judge.finding(verificacao, "no_evidence", check=verificacao)
        return
    esperadas = [(n, testes.PIXELS) for n in testes.lotes_esperados()]
    if vistas != esperadas:
        yield judge.finding(ACHATA, "capstone_shapes", expected=f"[{testes.LOTE}, {testes.PIXELS}]")
    perdas, problema = _refaz(trajetoria)
    if problema is not None:
        codigo, valores, refutadas = problema
        for verificacao in refutadas:
            yield judge.finding(verificacao, codigo, **valores)
        yield judge.finding(PERDAS, "capstone_history_unverified")
        return
    if not (isinstance(devolvidas, list) and len(devolvidas) == len(perdas)):
        yield judge.finding(PERDAS, "capstone_history_length", expected=len(perdas))
        return
    for indice, (devolvida, perda) in enumerate(zip(devolvidas, perdas)):
        if not isinstance(devolvida, (int, float)) or not abs(devolvida - perda) <= TOLERANCIA * max(1.0, abs(perda)):
            yield judge.finding(PERDAS, "capstone_history", batch=indice + 1, found=devolvida,
                                expected=f"{perda:.6g}")
            return


def _refaz(trajetoria):
    """(a perda de cada passo, None) ou (None, (código, valores, verificações refutadas))."""
    modelo = testes.modelo_inicial().double()
    nomes = [nome for nome, _ in modelo.named_parameters()]
    inicio = [p.detach() for p in modelo.parameters()]
    lotes = _lotes()
    esperados = len(lotes) * testes.EPOCAS
    ambas = (ZERA, LOGITS)
    if len(trajetoria) - 1 != esperados:
        return None, ("capstone_step_count", {"found": len(trajetoria) - 1, "expected": esperados}, ambas)
    if len(trajetoria[0]) != len(inicio) or \
            not all(a.shape == b.shape and torch.equal(a, b) for a, b in zip(trajetoria[0], inicio)):
        return None, ("other_start", {}, ambas)
    perdas = []
    for indice, (antes, depois) in enumerate(zip(trajetoria, trajetoria[1:])):
        x, y = lotes[indice % len(lotes)]
        perda, gradientes = _gradiente(modelo, nomes, antes, x, y)
        certo = [a - testes.LR * g for a, g in zip(antes, gradientes)]
        if judge.step_gap(antes, depois, certo) > judge.STEP_TOLERANCE:
            return None, _explica(modelo, nomes, trajetoria, lotes, indice)
        perdas.append(perda)
    return perdas, None


#: Os treinos errados que o juiz sabe reconhecer: (gradientes somados, softmax antes da perda) →
#: (código, verificações que refuta).
HIPOTESES = {(True, False): ("capstone_stale_step", (ZERA,)),
             (False, True): ("capstone_softmax_step", (LOGITS,)),
             (True, True): ("capstone_stale_softmax_step", (ZERA, LOGITS))}


def _explica(modelo, nomes, trajetoria, lotes, primeiro):
    """Qual treino errado explica todos os passos (cada um a partir dos parâmetros registrados
    antes dele): sem `zero_grad`, os gradientes de todos os lotes até ali se somam; com a softmax,
    cada gradiente é o da perda sobre as probabilidades. Nenhum: a trajetória não é de um laço."""
    passo = {"step": primeiro + 1}
    for (somados, softmax), (codigo, refutadas) in HIPOTESES.items():
        if _explica_todos(modelo, nomes, trajetoria, lotes, somados=somados, softmax=softmax):
            return codigo, passo, refutadas
    return "trajectory", {"optimizer": "SGD", **passo}, (ZERA, LOGITS)


def _explica_todos(modelo, nomes, trajetoria, lotes, *, somados, softmax):
    soma = None
    for indice, (antes, depois) in enumerate(zip(trajetoria, trajetoria[1:])):
        x, y = lotes[indice % len(lotes)]
        _, gradientes = _gradiente(modelo, nomes, antes, x, y, softmax=softmax)
        soma = gradientes if soma is None or not somados else [a + b for a, b in zip(soma, gradientes)]
        if judge.step_gap(antes, depois, [a - testes.LR * g for a, g in zip(antes, soma)]) > judge.STEP_TOLERANCE:
            return False
    return True


def _de_novo(item):
    """A segunda chamada de `treinar` (um modelo novo, uma época): as perdas são as do treino certo
    daquela época, refeito aqui do começo, e só elas (nada guardado da primeira chamada)."""
    devolvidas = item.get("history") if item is not None else None
    modelo = testes.modelo_inicial().double()
    nomes = [nome for nome, _ in modelo.named_parameters()]
    parametros, esperadas = [p.detach() for p in modelo.parameters()], []
    for x, y in _lotes():
        perda, gradientes = _gradiente(modelo, nomes, parametros, x, y)
        parametros = [p - testes.LR * g for p, g in zip(parametros, gradientes)]
        esperadas.append(perda)
    if not isinstance(devolvidas, list) or len(devolvidas) != len(esperadas):
        yield judge.finding(PERDAS, "capstone_history_length", expected=len(esperadas))
        return
    for indice, (devolvida, perda) in enumerate(zip(devolvidas, esperadas)):
        if not isinstance(devolvida, (int, float)) or not abs(devolvida - perda) <= TOLERANCIA * max(1.0, abs(perda)):
            yield judge.finding(PERDAS, "capstone_history", batch=indice + 1, found=devolvida, expected=f"{perda:.6g}")
            return


# -- avaliar --------------------------------------------------------------------------------------


def _modo(item):
    try:
        modos = [(bool(c["training"]), bool(c["grad"])) for c in item["calls"]]
    except (TypeError, ValueError, KeyError, AttributeError):
        yield judge.finding(MODO, "no_evidence", check=MODO)
        return
    # Sem gradientes durante a avaliação, e com eles de volta no fim (nada de set_grad_enabled(False) deixado para trás).
    if not modos or any(treinando or grad for treinando, grad in modos) or item.get("grad_after") is not True:
        yield judge.finding(MODO, "evaluation_mode")


def _acuracia(item):
    try:
        estado = {nome: judge.tensor(valor) for nome, valor in item["state"].items()}
        valor = item["value"]
        modelo = testes.MLP()
        # Em float32, como o modelo avaliado: as mesmas contas dão os mesmos empates no argmax.
        modelo.load_state_dict({nome: valor.float() for nome, valor in estado.items()})
    except (TypeError, ValueError, KeyError, AttributeError, RuntimeError):
        yield judge.finding(ACURACIA, "no_evidence", check=ACURACIA)
        return
    modelo.eval()
    with torch.no_grad():
        acertos = sum(int((modelo(x.reshape(x.size(0), -1)).argmax(1) == y).sum())
                      for x, y in testes.loader_de_teste())
    esperada = acertos / testes.N_TESTE
    if not isinstance(valor, (int, float)) or not abs(valor - esperada) <= 1e-9:  # nan too
        yield judge.finding(ACURACIA, "capstone_accuracy", found=valor if valor is not None else "—",
                            expected=f"{esperada:.4g}")
