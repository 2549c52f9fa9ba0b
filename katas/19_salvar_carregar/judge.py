"""O juiz da kata 19_salvar_carregar: o modelo salvo, as saídas e o treino retomado, refeitos aqui.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`). Com o
código dos testes, o juiz refaz o modelo que eles salvaram (três passos de SGD a partir da mesma
semente, sob a mesma semente base) e o treino com Adam sem interrupção, e confere:

- o state_dict lido do arquivo de ``salvar``: os mesmos nomes e os mesmos valores do modelo;
- as saídas do modelo de ``carregar``, nas entradas de sonda: as do modelo salvo em modo de
  avaliação; e as do modelo como ``carregar`` o devolveu, sem o teste chamar ``eval()``: em modo
  de treino a BatchNorm usaria as estatísticas do lote, e elas seriam outras;
- cada passo do treino retomado: o do Adam que nunca parou, a partir dos mesmos parâmetros;
- a época que ``retomar`` devolveu, e as saídas do modelo depois de ``retomar``, em cada modo: as
  do modelo do checkpoint, em modo de treino e em modo de avaliação.
"""

import torch

from katacheck import judge
from katacheck.checks import checkpoint

testes = judge.sibling(__file__, "test_kata")

#: A maior diferença relativa entre uma saída que chegou e a refeita aqui (float32 dos dois
#: lados, as mesmas contas: na prática, nenhuma).
TOLERANCIA = 1e-6


def julgar(evidencias):
    yield from _salvo(evidencias.get("salvo"))
    referencia = testes.modelo_treinado().eval()
    yield from _saidas(evidencias.get("carregado"), "saidas", "test_carregar_mesmas_saidas", referencia,
                       "loaded_outputs")
    yield from _saidas(evidencias.get("modo"), "saidas", "test_carregar_em_modo_de_avaliacao", referencia,
                       "load_eval_outputs")
    inteiro, no_checkpoint, _ = testes.sem_interrupcao()
    yield from _retomado(evidencias.get("retomado"), inteiro, no_checkpoint)
    # O primeiro checkpoint retomado de novo, depois de salvo um segundo: os pesos e a época dele.
    yield from _saidas(evidencias.get("de_novo"), "saidas", "test_retomar_segue_igual", _copia(no_checkpoint).eval(),
                       "resume_not_from_file")
    yield from _epoca(evidencias.get("epoca"))
    yield from _epoca(evidencias.get("epoca_de_novo"))
    # Uma cópia por modo: um forward em modo de treino muda as estatísticas da BatchNorm.
    modos, em_treino, em_avaliacao = evidencias.get("modos"), _copia(no_checkpoint).train(), _copia(no_checkpoint).eval()
    achados = [*_saidas(modos, "treino", "test_retomar_nao_muda_o_modo", em_treino, "resume_mode_outputs"),
               *_saidas(modos, "avaliacao", "test_retomar_nao_muda_o_modo", em_avaliacao, "resume_mode_outputs")]
    yield from achados[:1]


def _nenhuma(verificacao):
    return judge.finding(verificacao, "no_evidence", check=verificacao)


def _copia(modelo):
    outro = testes.novo_modelo(testes.SEMENTE_MODELO)
    outro.load_state_dict(modelo.state_dict())
    return outro


def _salvo(item):
    verificacao = "test_salvar_state_dict"
    esperado = testes.modelo_treinado().state_dict()
    estado = item.get("estado") if item is not None else None
    if not isinstance(estado, dict):
        yield _nenhuma(verificacao)
        return
    try:
        lido = {nome: torch.tensor(valor, dtype=esperado[nome].dtype) for nome, valor in estado.items()}
    except (KeyError, TypeError, ValueError):
        yield judge.finding(verificacao, "saved_state")
        return
    if lido.keys() != esperado.keys() or any(not torch.equal(lido[k], esperado[k]) for k in esperado):
        yield judge.finding(verificacao, "saved_state")


def _saidas(item, campo, verificacao, modelo, codigo):
    valores = item.get(campo) if item is not None else None
    if valores is None:
        yield _nenhuma(verificacao)
        return
    with torch.no_grad():
        esperadas = modelo(testes.sonda()).to(torch.float64)
    try:
        encontradas = judge.tensor(valores)
    except (TypeError, ValueError):
        yield _nenhuma(verificacao)
        return
    if judge.output_gap(encontradas, esperadas) > TOLERANCIA:
        yield judge.finding(verificacao, codigo, mode=campo)


def _retomado(item, inteiro, no_checkpoint):
    verificacao = "test_retomar_segue_igual"
    passos = item.get("passos") if item is not None else None
    if not isinstance(passos, list) or len(passos) != testes.PASSOS_DEPOIS:
        yield _nenhuma(verificacao)
        return
    antes = [p.detach().to(torch.float64) for p in no_checkpoint.parameters()]
    for numero, (passo, esperado) in enumerate(zip(passos, inteiro[testes.PASSOS_ANTES:]), start=testes.PASSOS_ANTES + 1):
        try:
            depois = [judge.tensor(p) for p in passo]
            esperado = [p.to(torch.float64) for p in esperado]
            gap = checkpoint.step_gap(antes, depois, esperado)
        except (TypeError, ValueError, RuntimeError):
            yield _nenhuma(verificacao)
            return
        if not gap <= checkpoint.STEP_TOLERANCE:
            yield judge.finding(verificacao, "resume_step", step=numero, resumed=testes.PASSOS_ANTES + 1)
            return
        antes = esperado


def _epoca(item):
    verificacao = "test_retomar_devolve_a_epoca"
    if item is None or "epoca" not in item:
        yield _nenhuma(verificacao)
        return
    epoca = item["epoca"]
    if isinstance(epoca, bool) or not isinstance(epoca, int) or epoca != testes.EPOCA:
        yield judge.finding(verificacao, "resume_epoch", found=str(epoca)[:40], expected=testes.EPOCA)
