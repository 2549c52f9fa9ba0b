"""O juiz da kata 15_mnist: os loaders, o treino e a acurácia, conferidos com o MNIST dos
próprios testes, que o juiz refaz (:func:`katacheck.checks.mnist.mnist_splits`: sem ler
arquivo nenhum, sem torchvision).

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`):

- os loaders: cada dígito de cada lote lido é reconhecido pela impressão digital, e as regras
  de :mod:`katacheck.checks.loaders` valem nesses índices; o primeiro lote de teste, pixel a
  pixel, é o que ``ToTensor()`` e ``Normalize((0.5,), (0.5,))`` dão;
- o treino: os primeiros passos, refeitos a partir dos parâmetros registrados com o lote que
  cada um recebeu (achatado, a entropia cruzada, o SGD no lr dos testes); as perdas devolvidas
  nesses passos; o acerto recalculado com o estado final do modelo, contra o limiar calibrado;
- `acuracia`: o valor devolvido contra o acerto recalculado.
"""

import math

import torch

from katacheck import judge
from katacheck.checks import loaders, mnist
from katacheck.i18n import t

testes = judge.sibling(__file__, "test_kata")

REDE = "test_nada_tenta_a_rede"
NORMALIZACAO = "test_normalizacao"
LOTES = "test_tamanho_dos_lotes"
ORDEM = "test_treino_embaralhado_teste_em_ordem"
ACHATA = "test_achata_as_imagens"
SGD = "test_otimizador_sgd"
PERDAS = "test_devolve_as_perdas"
ACERTA = "test_acerta_digitos_de_teste"
ACURACIA = "test_acuracia"
DISPOSITIVO = "test_dispositivo_do_modelo"
#: Uma perda devolvida e a que o juiz recalcula em float64 (float32 contra float64).
TOLERANCIA_PERDA = 1e-4


def julgar(evidencias):
    yield from _carregados(evidencias)
    yield from _treino(evidencias)
    yield from _dispositivo(evidencias.get("dispositivo"))


def _dispositivo(item):
    """Com o modelo na GPU e dispositivo=None, todo forward recebeu as entradas na GPU."""
    entradas = item.get("entradas") if item is not None else None
    if not isinstance(entradas, list) or not entradas:
        yield judge.finding(DISPOSITIVO, "no_evidence", check=DISPOSITIVO)
    elif not all(str(d).startswith("cuda") for d in entradas):
        yield _achado(DISPOSITIVO, "mnist_device_none")


def _carregados(evidencias):
    item = evidencias.get("carregados")
    try:
        # Cada dígito reconhecido aqui, pela impressão digital, entre os do juiz.
        treino = [[testes.indices(lote, "train") for lote in epoca] for epoca in item["treino"]]
        teste = [[testes.indices(lote, "test") for lote in epoca] for epoca in item["teste"]]
        imagens, rotulos = judge.tensor(item["imagens"]), torch.tensor(item["rotulos"])
    except (TypeError, ValueError, KeyError, RuntimeError, IndexError):
        for teste_ in (REDE, NORMALIZACAO, LOTES, ORDEM):
            yield judge.finding(teste_, "no_evidence", check=teste_)
        return
    # Os dígitos de teste, todos, vieram da raiz que os testes escreveram.
    if sorted(i for lote in teste[0] for i in lote) != list(range(testes.N_TESTE)):
        yield _achado(REDE, "mnist_images")
    problema = testes.problema_de_normalizacao(imagens, rotulos, testes.indices(mnist.fingerprints(imagens), "test"))
    if problema is not None:
        yield _achado(NORMALIZACAO, *problema[:1], **problema[1])
    for epocas, n in ((treino, testes.N_TREINO), (teste, testes.N_TESTE)):
        for epoca in epocas:
            problema = loaders.epoch_problem(epoca, n, testes.LOTE_LEITURA)
            if problema is not None:
                yield _achado(LOTES, *problema[:1], **problema[1])
                break
    for problema in (loaders.shuffle_problem(treino), loaders.order_problem(teste)):
        if problema is not None:
            yield _achado(ORDEM, *problema[:1], **problema[1])
            break


def _treino(evidencias):
    item, perdas, acuracia = evidencias.get("treino"), evidencias.get("perdas"), evidencias.get("acuracia")
    try:
        passos = [[judge.tensor(p) for p in passo] for passo in item["passos"]]
        lotes = [testes.indices(lote, "train") for lote in item["lotes"]]
        n_passos = int(item["n_passos"])
        otimizadores = {str(nome) for nome in item["otimizadores"]}
        modelo = _com_estado(testes.modelo_inicial(0), item["estado"])
    except (TypeError, ValueError, KeyError, RuntimeError, IndexError):
        for teste_ in (ACHATA, SGD, PERDAS, ACERTA, ACURACIA):
            yield judge.finding(teste_, "no_evidence", check=teste_)
        return
    esperados = testes.EPOCAS * -(-testes.N_TREINO // testes.LOTE)
    if otimizadores != {"SGD"} or n_passos != esperados:
        for teste_ in (ACHATA, SGD, PERDAS, ACERTA, ACURACIA):
            yield judge.finding(teste_, "mnist_steps", found=n_passos, expected=esperados)
        return
    calculadas = list(_refazer(passos, lotes))
    if calculadas and calculadas[-1] is None:
        # Sem o treino confirmado, nada do que depende dele (as perdas, o acerto) fica de pé.
        for teste_ in (ACHATA, SGD, PERDAS, ACERTA, ACURACIA):
            yield judge.finding(teste_, "mnist_step", step=len(calculadas), lr=testes.LR)
        return
    yield from _perdas(perdas, calculadas, n_passos)
    valor = testes.acerto(modelo)
    if not valor >= testes.ACERTO_MINIMO:
        yield judge.finding(ACERTA, "accuracy", accuracy=f"{valor:.0%}", limit=f"{testes.ACERTO_MINIMO:.0%}")
    try:
        devolvido = float(acuracia["valor"])
    except (TypeError, ValueError, KeyError):
        yield judge.finding(ACURACIA, "no_evidence", check=ACURACIA)
        return
    # O juiz conta em float64 e o teste em float32: num quase empate, um dígito pode mudar. Mas a
    # fração de acertos é sempre acertos / N_TESTE: uma média das acurácias de cada lote não é.
    acertos = devolvido * testes.N_TESTE
    inteiro = math.isfinite(acertos) and abs(acertos - round(acertos)) <= 1e-3  # float32: ~1e-5
    if not abs(devolvido - valor) <= 1.5 / testes.N_TESTE or not inteiro:  # nan too
        yield _achado(ACURACIA, "mnist_accuracy_value", found=devolvido, expected=f"{valor:.4f}")
    elif acuracia.get("grad_depois") is not True:  # os gradientes de volta no fim da avaliação
        yield _achado(ACURACIA, "validation_grad_left_off")


def _perdas(perdas, calculadas, n_passos):
    try:
        devolvidas = [float(p) for p in perdas["perdas"]]
    except (TypeError, ValueError, KeyError):
        yield judge.finding(PERDAS, "no_evidence", check=PERDAS)
        return
    if len(devolvidas) != n_passos:
        yield _achado(PERDAS, "mnist_losses", found=len(devolvidas), expected=n_passos)
        return
    for lote, (devolvida, calculada) in enumerate(zip(devolvidas, calculadas), start=1):
        if not abs(devolvida - calculada) <= TOLERANCIA_PERDA * max(1.0, abs(calculada)):  # nan too
            yield judge.finding(PERDAS, "mnist_loss_value", batch=lote, found=f"{devolvida:.4g}",
                                expected=f"{calculada:.4g}")
            return


def _refazer(passos, lotes):
    """Refaz cada passo registrado: os parâmetros de antes, o lote (as imagens do juiz,
    achatadas), a entropia cruzada, o SGD; dá a perda de cada um, ou None no primeiro que não
    leva aos parâmetros registrados depois dele."""
    treino = testes.divisoes()["train"]
    X = treino.normalized().reshape(len(treino.labels), -1).double()
    y = treino.labels.long()
    modelo = testes.modelo_inicial(0).double().train()
    parametros = list(modelo.parameters())
    if not passos or not _iguais(passos[0], [p.detach() for p in parametros]):
        yield None
        return
    for antes, depois, lote in zip(passos, passos[1:], lotes):
        if min(lote, default=-1) < 0:
            yield None
            return
        with torch.no_grad():
            for parametro, valor in zip(parametros, antes):
                parametro.copy_(valor)
        modelo.zero_grad()
        perda = torch.nn.functional.cross_entropy(modelo(X[lote]), y[lote])
        perda.backward()
        esperados = [(p - testes.LR * p.grad).detach() for p in parametros]
        if judge.step_gap(antes, depois, esperados) > judge.STEP_TOLERANCE:
            yield None
            return
        yield float(perda)


def _iguais(primeiros, segundos) -> bool:
    return len(primeiros) == len(segundos) and all(
        a.shape == b.shape and torch.equal(a, b) for a, b in zip(primeiros, segundos))


def _com_estado(modelo, estado):
    """``modelo`` (float64) com o estado que a evidência traz, nos tipos e formatos do modelo."""
    modelo = modelo.double()
    proprio = modelo.state_dict()
    if set(estado) != set(proprio):
        raise KeyError("outro estado")
    modelo.load_state_dict({nome: torch.tensor(estado[nome], dtype=valor.dtype).reshape(valor.shape)
                            for nome, valor in proprio.items()})
    return modelo


def _achado(teste, codigo, /, **parametros):
    """A regra que falhou, com a mesma mensagem que o teste daria (código ``judge.<regra>``)."""
    return judge.Finding(teste, f"judge.{codigo}", t(f"check.{codigo}", **parametros),
                         t(f"check.{codigo}.hint", **parametros))
