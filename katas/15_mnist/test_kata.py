"""Testes ocultos da kata 15_mnist.

Nada se baixa aqui: os testes escrevem um MNIST pequeno, no formato IDX de verdade, numa raiz
temporária (:mod:`katacheck.checks.mnist`: dígitos sintéticos, 256 de treino e 160 de teste),
e o código de quem aprende o carrega com o próprio ``torchvision.datasets.MNIST``, com a rede
bloqueada. Cada imagem é reconhecida pela sua impressão digital
(:func:`~katacheck.checks.mnist.fingerprints`), que não muda com a normalização.

O treino usa um modelo dos testes (784 → 32, BatchNorm, ReLU → 10) que não achata nada
sozinho, e um loader dos testes, para que um erro em `carregar_mnist` não se repita aqui.
"""

import contextlib
import copy
import functools
import shutil
import tempfile

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

from katacheck import checks
from katacheck.checks import loaders, mnist
from katacheck.checks.locations import learner_location

N_TREINO = 256
N_TESTE = 160
SEMENTE_DADOS = 1501
#: O batch_size com que os loaders de quem aprende são lidos: não divide os conjuntos.
LOTE_LEITURA = 24
#: O treino: lotes de 16, 2 épocas, SGD a este lr (diferente do padrão, para ver que `lr` é usado).
LOTE = 16
EPOCAS = 2
LR = 0.1
#: Quantos passos do treino o juiz refaz, um a um (os outros ele julga pelos parâmetros finais).
PASSOS_REFEITOS = 3
#: Razão máxima erro nos dígitos de teste / erro de quem chuta (1 − 1/10). Ver CALIBRATION.md.
LIMIAR_ERRO = 0.6
#: O acerto mínimo que LIMIAR_ERRO dá: 46 %.
ACERTO_MINIMO = 1 - LIMIAR_ERRO * (1 - 1 / 10)
#: Uma imagem normalizada como o contrato pede fica a esta distância da do juiz, no máximo.
TOLERANCIA_PIXEL = 1e-6


class ModeloMNIST(nn.Module):
    """O modelo dos testes: recebe as imagens já achatadas, ``[N, 784]``."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 32)
        self.bn = nn.BatchNorm1d(32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.bn(self.fc1(x))))


@functools.cache
def divisoes() -> dict:
    """O MNIST dos testes: {"train": ..., "test": ...} (:class:`~katacheck.checks.mnist.Split`)."""
    return mnist.mnist_splits(train=N_TREINO, test=N_TESTE, seed=SEMENTE_DADOS)


@functools.cache
def impressoes(divisao: str) -> torch.Tensor:
    return mnist.fingerprints(divisoes()[divisao].images)


def indices(impressoes_do_lote, divisao: str) -> list[int]:
    """Os índices, no conjunto ``divisao``, das imagens de um lote pelas impressões digitais
    delas (-1: nenhuma delas)."""
    return mnist.identify(impressoes_do_lote, impressoes(divisao))


def modelo_inicial(seed: int = 0) -> ModeloMNIST:
    checks.manual_seed(seed)
    return ModeloMNIST()


@pytest.fixture(scope="module")
def raiz():
    pasta = tempfile.mkdtemp(prefix="katacheck-mnist-")
    mnist.write_splits(pasta, divisoes())
    yield pasta
    shutil.rmtree(pasta, ignore_errors=True)


def _epoca(loader, divisao):
    """Uma época: as impressões digitais de cada lote, e o primeiro lote inteiro (imagens e
    rótulos)."""
    epoca, primeiro = [], None
    for lote in loader:
        if not isinstance(lote, (list, tuple)) or len(lote) != 2:
            checks.fail("loader_batch_not_pair", found=type(lote).__name__)
        imagens, rotulos = lote
        epoca.append(mnist.fingerprints(imagens))
        if primeiro is None:
            primeiro = (imagens, rotulos)
    return epoca, primeiro


@pytest.fixture(scope="module")
def carregados(learner, raiz):
    """`carregar_mnist(raiz, batch_size=24)`, sem rede, e duas épocas de cada loader."""
    carregar = checks.require_attribute(learner, "carregar_mnist")
    checks.manual_seed(15)
    # Uma pasta de trabalho vazia: um './data' do código de quem aprende não fica para trás.
    with tempfile.TemporaryDirectory() as pasta, contextlib.chdir(pasta), mnist.no_network() as guarda:
        try:
            resultado = checks.call_learner(carregar, raiz, batch_size=LOTE_LEITURA)
            if not isinstance(resultado, (list, tuple)) or len(resultado) != 2:
                checks.fail("loaders_not_pair", found=type(resultado).__name__)
            lidos = {}
            for nome, divisao, loader in (("treino", "train", resultado[0]), ("teste", "test", resultado[1])):
                epocas = [checks.call_learner(_epoca, loader, divisao) for _ in range(2)]
                lidos[nome] = {"impressoes": [e for e, _ in epocas], "primeiro": epocas[0][1], "loader": loader,
                               "indices": [[indices(lote, divisao) for lote in e] for e, _ in epocas]}
        except Exception:
            mnist.expect_no_network(guarda)  # a tentativa de baixar é a causa, não o erro que veio depois
            raise
    primeiro_teste = lidos["teste"]["primeiro"]
    checks.evidence.submit("carregados", treino=lidos["treino"]["impressoes"], teste=lidos["teste"]["impressoes"],
                           imagens=primeiro_teste[0] if primeiro_teste else None,
                           rotulos=primeiro_teste[1] if primeiro_teste else None)
    return {"guarda": guarda, **lidos}


def test_nada_tenta_a_rede(carregados):
    """carregar_mnist lê a raiz recebida com torchvision.datasets.MNIST, sem tentar a rede."""
    import torchvision  # só nesta kata: importar o torchvision custa segundos

    mnist.expect_no_network(carregados["guarda"])
    for nome in ("treino", "teste"):
        conjunto = getattr(carregados[nome]["loader"], "dataset", None)
        if not isinstance(conjunto, torchvision.datasets.MNIST) or conjunto.train != (nome == "treino"):
            checks.fail("mnist_not_torchvision", split=nome, found=type(conjunto).__name__)


def test_normalizacao(carregados):
    """As imagens vêm de ToTensor() e Normalize((0.5,), (0.5,)): [1, 28, 28], de -1 a 1."""
    imagens, rotulos = carregados["teste"]["primeiro"]
    if not torch.is_tensor(imagens) or imagens.shape[1:] != (1, 28, 28):
        checks.fail("mnist_image_shape", found=list(getattr(imagens, "shape", [])), expected=[1, 28, 28])
    problema = problema_de_normalizacao(imagens, rotulos, indices(mnist.fingerprints(imagens), "test"))
    if problema is not None:
        checks.fail(*problema[:1], **problema[1])


def problema_de_normalizacao(imagens, rotulos, quais) -> tuple[str, dict] | None:
    """As imagens e os rótulos de um lote contra os do conjunto de teste, normalizados como o
    contrato pede (o juiz usa esta mesma regra)."""
    teste = divisoes()["test"]
    if -1 in quais or not torch.equal(torch.as_tensor(rotulos).long().reshape(-1), teste.labels[quais].long()):
        return "mnist_images", {}
    esperadas = teste.normalized()[quais].double()
    imagens = imagens.detach().double().reshape(esperadas.shape)
    if float((imagens - esperadas).abs().max()) <= TOLERANCIA_PIXEL:
        return None
    baixo, alto = float(imagens.min()), float(imagens.max())
    if baixo >= 0 and alto <= 1:
        return "mnist_not_normalized", {"low": f"{baixo:.2f}", "high": f"{alto:.2f}"}
    return "mnist_normalization", {"low": f"{baixo:.2f}", "high": f"{alto:.2f}"}


def test_tamanho_dos_lotes(carregados):
    """Os dois loaders usam o batch_size recebido, trazem cada dígito uma vez por época e o último lote é menor."""
    for nome, n in (("treino", N_TREINO), ("teste", N_TESTE)):
        loaders.expect_epochs(carregados[nome]["indices"], n, LOTE_LEITURA)


def test_treino_embaralhado_teste_em_ordem(carregados):
    """O loader de treino embaralha a cada época; o de teste segue a ordem do conjunto."""
    loaders.expect_shuffled(carregados["treino"]["indices"])
    loaders.expect_in_order(carregados["teste"]["indices"])


# -- o treino ---------------------------------------------------------------------------------


def loader_de_treino(raiz: str, seed: int = 0) -> DataLoader:
    """O loader de treino dos testes, o do curso, com um sorteio próprio."""
    from torchvision import datasets, transforms

    transformacao = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    conjunto = datasets.MNIST(raiz, train=True, download=False, transform=transformacao)
    return DataLoader(conjunto, batch_size=LOTE, shuffle=True, generator=checks.generator(1510 + seed))


def treinar_observando(treinar, raiz: str, seed: int = 0) -> dict:
    """`treinar_mnist(modelo, loader, epocas=2, lr=0.1)` num modelo dos testes, observado: as
    entradas de cada forward (achatadas como o curso faz?) e cada passo do otimizador."""
    modelo = modelo_inicial(seed)
    lotes, modos = [], []

    def ao_receber(modulo, entradas):
        x = entradas[0]
        if x.dim() != 2 or x.shape[1] != 784:
            checks.fail("mnist_flatten", found=list(x.shape), expected=[x.shape[0] if x.dim() else "N", 784])
        if torch.is_grad_enabled():  # uma avaliação no meio do treino, sob no_grad, não é um lote de treino
            lotes.append(mnist.fingerprints(x))
            modos.append(modulo.training)

    gancho = modelo.register_forward_pre_hook(ao_receber)
    try:
        with checks.SilentBugMonitor(model=modelo) as monitor:
            perdas = checks.call_learner(treinar, modelo, loader_de_treino(raiz, seed), epocas=EPOCAS, lr=LR)
    finally:
        gancho.remove()
    # impressões de cada forward do treino, e se o modelo estava em modo de treino em cada um
    return {"modelo": modelo, "monitor": monitor, "perdas": perdas, "lotes": lotes, "modos": modos}


def acerto(modelo: nn.Module) -> float:
    """A fração dos dígitos de teste que ``modelo`` acerta, em modo de avaliação."""
    teste = divisoes()["test"]
    modelo = copy.deepcopy(modelo).eval()
    tipo = next(modelo.parameters()).dtype  # o juiz refaz o modelo em float64
    with torch.no_grad():
        previstas = modelo(teste.normalized().reshape(len(teste.labels), -1).to(tipo)).argmax(dim=1)
    return float((previstas == teste.labels.long()).double().mean())


def calibrar(aluno, seed: int) -> dict[str, float]:
    """As medidas que o script bench/calibrate.py coleta da solução de referência."""
    pasta = tempfile.mkdtemp(prefix="katacheck-mnist-")
    try:
        mnist.write_splits(pasta, divisoes())
        execucao = treinar_observando(aluno.treinar_mnist, pasta, seed)
    finally:
        shutil.rmtree(pasta, ignore_errors=True)
    return {"razao_erro": (1 - acerto(execucao["modelo"])) / (1 - 1 / 10)}


@pytest.fixture(scope="module")
def treino(learner, raiz):
    execucao = treinar_observando(checks.require_attribute(learner, "treinar_mnist"), raiz)
    monitor, modelo = execucao["monitor"], execucao["modelo"]
    checks.evidence.submit("treino", passos=[passo["params"] for passo in monitor.steps[:PASSOS_REFEITOS + 1]],
                           otimizadores=[passo.get("optimizer") for passo in monitor.steps],
                           lotes=execucao["lotes"][:PASSOS_REFEITOS], n_passos=len(monitor.steps),
                           estado=modelo.state_dict())
    return execucao


def test_achata_as_imagens(treino):
    """treinar_mnist achata cada lote com view(data.size(0), -1): o modelo recebe [lote, 784]."""
    if len(treino["lotes"]) != EPOCAS * -(-N_TREINO // LOTE):
        checks.fail("mnist_batches_seen", found=len(treino["lotes"]), expected=EPOCAS * -(-N_TREINO // LOTE))


def test_otimizador_sgd(treino):
    """Cada lote: zero_grad(), CrossEntropyLoss, backward() e step() do torch.optim.SGD com o lr recebido."""
    checks.expect_optimizer(treino["monitor"], "SGD", treino["modelo"], lr=LR)
    checks.expect_clean_gradients(treino["monitor"])
    checks.expect_logits_to_cross_entropy(treino["monitor"])
    if False in treino["modos"]:
        checks.fail("training_in_eval_mode", epoch=treino["modos"].index(False) // -(-N_TREINO // LOTE) + 1)


def test_devolve_as_perdas(treino):
    """treinar_mnist devolve a perda de cada lote, como float, na ordem."""
    perdas, calculadas = treino["perdas"], treino["monitor"].losses
    if not isinstance(perdas, list) or not all(isinstance(p, float) for p in perdas):
        checks.fail("mnist_losses_type", found=type(perdas).__name__)
    if len(perdas) != len(calculadas) or any(abs(a - b) > 1e-6 * max(1, abs(b)) for a, b in zip(perdas, calculadas)):
        checks.fail("mnist_losses", found=len(perdas), expected=len(calculadas))
    checks.evidence.submit("perdas", perdas=perdas)


def test_acerta_digitos_de_teste(treino):
    """Depois do treino, o modelo acerta pelo menos 46 % dos dígitos de teste."""
    checks.expect_accuracy(acerto(treino["modelo"]), min_accuracy=ACERTO_MINIMO, points=N_TESTE)


def test_acuracia(learner, treino, raiz):
    """acuracia devolve a fração de acertos no loader de teste, em modo de avaliação e sem gradientes."""
    from torchvision import datasets, transforms

    acuracia = checks.require_attribute(learner, "acuracia")
    transformacao = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    # Lotes de 24 em 160 dígitos: o último tem 16, e a média das acurácias de cada lote não é a fração de acertos.
    loader = DataLoader(datasets.MNIST(raiz, train=False, download=False, transform=transformacao),
                        batch_size=LOTE_LEITURA)
    modelo = copy.deepcopy(treino["modelo"])
    depois = []

    def medindo(*args, **kwargs):  # e o estado dos gradientes que acuracia deixa para quem vem depois
        resultado = acuracia(*args, **kwargs)
        depois.append(torch.is_grad_enabled())
        return resultado

    valor = checks.expect_evaluation_mode(medindo, modelo, loader)
    esperado = acerto(treino["modelo"])
    if not isinstance(valor, (float, int)) or isinstance(valor, bool) or abs(float(valor) - esperado) > 1e-9:
        checks.fail("mnist_accuracy_value", found=valor if isinstance(valor, (int, float)) else type(valor).__name__,
                    expected=f"{esperado:.4f}")
    checks.evidence.submit("acuracia", valor=float(valor), grad_depois=depois[0])


def test_dispositivo_do_modelo(learner, raiz):
    """Com dispositivo=None, treinar_mnist e acuracia usam o dispositivo do modelo: a GPU, ou a CPU mesmo havendo GPU."""
    treinar = checks.require_attribute(learner, "treinar_mnist")
    acuracia = checks.require_attribute(learner, "acuracia")
    # Uma GPU (real ou simulada) e o modelo já nela: os lotes, que o loader traz na CPU, vão até ele.
    with checks.cuda_available():
        modelo = modelo_inicial(5).to("cuda")
        with checks.SilentBugMonitor(model=modelo) as monitor:
            try:
                checks.call_learner(treinar, modelo, loader_de_treino(raiz, 5), epocas=1, lr=LR)
                checks.call_learner(acuracia, modelo, loader_de_treino(raiz, 5))
            except RuntimeError as erro:  # os lotes ficaram na CPU, com o modelo na GPU
                if "device" not in str(erro):
                    raise
                checks.fail("mnist_device_none", location=learner_location(erro))
        checks.expect_trained_on(monitor, "cuda")
        dispositivos = sorted({d for registro in monitor.forwards for d in registro.input_devices})
        # E o modelo na CPU com a GPU ainda disponível: None não quer dizer "a GPU, se houver uma".
        # Fora deste bloco a CI não tem GPU, e só uma GPU de verdade veria um código que a escolhe.
        modelo = modelo_inicial(6)
        with checks.SilentBugMonitor(model=modelo) as monitor:
            try:
                checks.call_learner(treinar, modelo, loader_de_treino(raiz, 6), epocas=1, lr=LR)
                checks.call_learner(acuracia, modelo, loader_de_treino(raiz, 6))
            except RuntimeError as erro:  # os lotes foram para a GPU, com o modelo na CPU
                if "device" not in str(erro):
                    raise
                checks.fail("mnist_device_none_cpu", location=learner_location(erro))
        for registro in monitor.forwards:
            if registro.parameter_devices | registro.input_devices != {"cpu"}:
                checks.fail("mnist_device_none_cpu", location=registro.location)
    checks.evidence.submit("dispositivo", entradas=dispositivos)

