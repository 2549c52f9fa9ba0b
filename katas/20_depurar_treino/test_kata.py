"""Testes ocultos da kata 20_depurar_treino (o desafio final).

O esboço é o treino e a avaliação do MNIST das notas com quatro bugs plantados; cada um tem a
sua verificação, e só ela: consertar um bug troca exatamente um ✘ por ✔.

- o achatamento: a forma de cada lote que chega ao modelo (`[lote, 784]`), vista por um hook;
- o `zero_grad` esquecido: os gradientes velhos (:class:`checks.TrainingMonitor`);
- a softmax antes da `CrossEntropyLoss`: o que a perda recebe (:class:`checks.SilentBugMonitor`);
- a avaliação em modo de treino e com gradientes: :func:`checks.expect_evaluation_mode`.

Os dados são dígitos sintéticos 28 × 28 (um desenho por classe, com ruído) num `TensorDataset`,
sem embaralhar, para o juiz saber a ordem dos lotes. O modelo dos testes achata a entrada ele
mesmo com `reshape(-1, 784)`: um achatamento errado no laço não quebra o treino, e cada bug
aparece sozinho.
"""

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from katacheck import checks
from katacheck.checks.locations import location_in_stack

PIXELS = 28 * 28
N_CLASSES = 10
LR = 0.1
EPOCAS = 2
LOTE = 16
N_TREINO = 88  # 5 lotes de 16 e um de 8: o lote curto do fim também é conferido
N_TESTE = 40
SEMENTE_DADOS = 20
SEMENTE_MODELO = 0
#: A maior diferença relativa entre uma perda devolvida e a do backward daquele lote (o mesmo float32).
TOLERANCIA_PERDA = 1e-6


class MLP(nn.Module):
    """O MLP do curso, pequeno (784 → 32 → 10); achata a entrada ele mesmo (ver o topo do arquivo)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(PIXELS, 32)
        self.fc2 = nn.Linear(32, N_CLASSES)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x.reshape(-1, PIXELS))))


class MLPComDropout(MLP):
    """Para o modo de `avaliar`: com Dropout, o modo de treino muda as contas (e o diagnóstico o nomeia)."""

    def __init__(self):
        super().__init__()
        self.dropout = nn.Dropout(0.2)

    def forward(self, x):
        return self.fc2(self.dropout(torch.relu(self.fc1(x.reshape(-1, PIXELS)))))


def digitos(n: int, semente: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` imagens ``[n, 1, 28, 28]`` e os rótulos delas: o desenho da classe (o mesmo em todo
    conjunto) mais ruído próprio do conjunto (o juiz os refaz)."""
    desenhos = (torch.rand(N_CLASSES, 1, 28, 28, generator=checks.generator(SEMENTE_DADOS)) > 0.7).float()
    gerador = checks.generator(semente)
    rotulos = torch.randint(0, N_CLASSES, (n,), generator=gerador)
    imagens = desenhos[rotulos] + 0.8 * torch.randn(n, 1, 28, 28, generator=gerador)
    return (imagens - 0.5) / 0.5, rotulos


def train_loader() -> DataLoader:
    return DataLoader(TensorDataset(*digitos(N_TREINO, SEMENTE_DADOS + 1)), batch_size=LOTE, shuffle=False)


def loader_de_teste() -> DataLoader:
    return DataLoader(TensorDataset(*digitos(N_TESTE, SEMENTE_DADOS + 2)), batch_size=LOTE, shuffle=False)




def modelo_inicial() -> nn.Module:
    checks.manual_seed(SEMENTE_MODELO)
    return MLP()


def modelo_treinado() -> nn.Module:
    """O modelo depois de uma época do treino certo, feito aqui: o que `avaliar` recebe."""
    modelo = modelo_inicial()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=LR)
    for data, target in train_loader():
        otimizador.zero_grad()
        nn.functional.cross_entropy(modelo(data.view(data.size(0), -1)), target).backward()
        otimizador.step()
    return modelo


def acuracia(modelo: nn.Module, loader: DataLoader) -> float:
    """A fração de acertos, calculada aqui em modo de avaliação e sem gradientes."""
    modelo.eval()
    with torch.no_grad():
        acertos = sum(int((modelo(x.view(x.size(0), -1)).argmax(1) == y).sum()) for x, y in loader)
    return acertos / len(loader.dataset)


# -- o treino observado ------------------------------------------------------------------------


class Treino:
    """Um treino de ``EPOCAS`` épocas: o monitor, as formas que chegaram ao modelo e o devolvido."""

    def __init__(self, treinar):
        self.treinar = treinar
        self.modelo = modelo_inicial()
        self.otimizador = otimizador = torch.optim.SGD(self.modelo.parameters(), lr=LR)
        self.formas: list[tuple[tuple[int, ...], object]] = []
        registrar = self.modelo.register_forward_pre_hook(self._ao_forward)
        try:
            with checks.SilentBugMonitor(model=self.modelo) as self.monitor:
                self.perdas = checks.call_learner(treinar, self.modelo, train_loader(), otimizador, epocas=EPOCAS)
        finally:
            registrar.remove()
        checks.evidence.trajectory("treino", self.modelo, self.monitor.steps)
        checks.evidence.submit("formas", shapes=[list(forma) for forma, _ in self.formas],
                               history=self.perdas if _lista_de_numeros(self.perdas) else None)

    def _ao_forward(self, modulo, entradas):
        if modulo.training and torch.is_grad_enabled() and entradas and isinstance(entradas[0], torch.Tensor):
            self.formas.append((tuple(entradas[0].shape), location_in_stack()))


def _lista_de_numeros(valor) -> bool:
    return isinstance(valor, (list, tuple)) and all(isinstance(v, (int, float)) for v in valor)


def lotes_esperados() -> list[int]:
    """O tamanho de cada lote do treino, em ordem, em todas as épocas."""
    return [len(y) for _ in range(EPOCAS) for _, y in train_loader()]


@pytest.fixture(scope="module")
def treino(learner) -> Treino:
    return Treino(checks.require_attribute(learner, "treinar"))


# -- as verificações -----------------------------------------------------------------------------


def test_define_as_funcoes(learner, treino):
    """O arquivo define as funções treinar e avaliar."""
    checks.require_attribute(learner, "treinar")
    checks.require_attribute(learner, "avaliar")


def test_achata_mantendo_o_lote(treino):
    """Cada lote chega ao modelo achatado como [lote, 784]: uma linha por imagem."""
    esperados = lotes_esperados()
    for indice, (forma, local) in enumerate(treino.formas):
        lote = esperados[indice] if indice < len(esperados) else None
        if lote is None or forma != (lote, PIXELS):
            checks.fail("capstone_flatten", found=list(forma), expected=[lote or LOTE, PIXELS],
                        batch=lote or LOTE, location=local)
    if len(treino.formas) != len(esperados):
        checks.fail("capstone_forwards", found=len(treino.formas), expected=len(esperados), epochs=EPOCAS)


def test_zera_os_gradientes(treino):
    """Cada lote usa gradientes novos: zero_grad() antes de cada backward()."""
    # Os passos são os do otimizador recebido: um criado dentro de treinar tem outros lr e momentum.
    outro = next((r for r in treino.monitor.stepped_optimizers if r.optimizer is not treino.otimizador), None)
    if outro is not None:
        checks.fail("capstone_other_optimizer", name=type(outro.optimizer).__name__, location=outro.created_at)
    checks.expect_clean_gradients(treino.monitor)


def test_perda_recebe_logits(treino):
    """A CrossEntropyLoss recebe os logits crus do modelo, sem softmax antes."""
    checks.expect_logits_to_cross_entropy(treino.monitor)


def test_devolve_as_perdas(treino):
    """treinar devolve a perda de cada lote, de todas as épocas, como float."""
    perdas = treino.monitor.losses
    if isinstance(treino.perdas, list) and len(treino.perdas) != len(perdas):
        checks.fail("capstone_history_count", found=len(treino.perdas), expected=len(perdas), epochs=EPOCAS,
                    batches=len(lotes_esperados()) // EPOCAS)
    devolvidas = checks.expect_loss_history(treino.perdas, len(perdas), first_loss=perdas[0] if perdas else 0.0,
                                            monitor=treino.monitor)
    for indice, (devolvida, calculada) in enumerate(zip(devolvidas, perdas)):
        if abs(devolvida - calculada) > TOLERANCIA_PERDA * max(1.0, abs(calculada)):
            checks.fail("capstone_history", batch=indice + 1, found=f"{devolvida:.6g}", expected=f"{calculada:.6g}")
    # Uma segunda chamada, num modelo novo e com uma época: a lista é só a desse treino (uma lista
    # global, ou guardada entre as chamadas, traria também as perdas da primeira).
    primeira = list(devolvidas)
    segundo = modelo_inicial()
    de_novo = checks.call_learner(treino.treinar, segundo, train_loader(), torch.optim.SGD(segundo.parameters(), lr=LR),
                                  epocas=1)
    por_epoca = len(lotes_esperados()) // EPOCAS
    checks.evidence.submit("de_novo", history=de_novo if _lista_de_numeros(de_novo) else None)
    if isinstance(de_novo, list) and len(de_novo) != por_epoca:
        anteriores = len(de_novo) > por_epoca and list(de_novo[:len(primeira)]) == primeira
        checks.fail("capstone_history_state" if anteriores else "capstone_history_count", found=len(de_novo),
                    expected=por_epoca, epochs=1, batches=por_epoca)


def test_avalia_em_modo_de_avaliacao(learner):
    """avaliar chama o modelo em modo de avaliação (model.eval()) e sem gradientes (torch.no_grad())."""
    avaliar = checks.require_attribute(learner, "avaliar")
    checks.manual_seed(SEMENTE_MODELO)
    modelo = MLPComDropout()
    modos, depois = [], []

    def avaliando(*args, **kwargs):  # e o estado dos gradientes que avaliar deixa para quem vem depois
        resultado = avaliar(*args, **kwargs)
        depois.append(torch.is_grad_enabled())
        return resultado

    registrar = modelo.register_forward_pre_hook(
        lambda modulo, entradas: modos.append({"training": modulo.training, "grad": torch.is_grad_enabled()}))
    try:
        checks.expect_evaluation_mode(avaliando, modelo, loader_de_teste())
    finally:
        registrar.remove()
        checks.evidence.submit("avaliar_modo", calls=modos, grad_after=depois[0] if depois else None)


def test_avaliar_devolve_a_acuracia(learner):
    """avaliar devolve a acurácia no conjunto de teste: a fração de acertos, entre 0 e 1."""
    avaliar = checks.require_attribute(learner, "avaliar")
    modelo = modelo_treinado()
    estado = {nome: valor.clone() for nome, valor in modelo.state_dict().items()}
    devolvida = checks.call_learner(avaliar, modelo, loader_de_teste())
    checks.evidence.submit("acuracia", state=estado, value=devolvida if isinstance(devolvida, (int, float)) else None)
    modelo.load_state_dict(estado)
    esperada = acuracia(modelo, loader_de_teste())
    if isinstance(devolvida, torch.Tensor) and devolvida.numel() == 1:
        checks.fail("capstone_accuracy_tensor", value=f"{float(devolvida):.4g}")
    if not isinstance(devolvida, (int, float)) or isinstance(devolvida, bool):
        checks.fail("capstone_accuracy_type", found=type(devolvida).__name__)
    if abs(devolvida - esperada * 100) < 1e-6 and esperada > 0:
        checks.fail("capstone_accuracy_percent", found=f"{devolvida:.4g}", expected=f"{esperada:.4g}")
    if abs(devolvida - esperada) > 1e-9:
        checks.fail("capstone_accuracy", found=f"{devolvida:.4g}", expected=f"{esperada:.4g}",
                    correct=round(esperada * N_TESTE), total=N_TESTE)


def medir(aluno, semente: int) -> dict[str, float]:
    """As folgas numéricas de uma execução de ``aluno`` sob a semente base ``semente`` (ver
    CALIBRATION.md): cada perda devolvida contra a do backward do lote e contra a refeita pelo
    juiz; cada passo do SGD contra o refeito pelo juiz; a acurácia devolvida contra a do teste."""
    import os

    from torch.func import functional_call

    from katacheck import judge

    os.environ[checks.seeds.VARIABLE] = str(semente)
    try:
        juiz = judge.sibling(__file__, "judge")
        treino = Treino(aluno.treinar)
        trajetoria = [[p.double() for p in passo["params"]] for passo in treino.monitor.steps]
        trajetoria.append([p.detach().double() for p in treino.modelo.parameters()])
        modelo = modelo_inicial().double()
        nomes = [nome for nome, _ in modelo.named_parameters()]
        lotes, passo_max, perdas = juiz._lotes(), 0.0, []
        for indice, (antes, depois) in enumerate(zip(trajetoria, trajetoria[1:])):
            x, y = lotes[indice % len(lotes)]
            folhas = {nome: valor.clone().requires_grad_(True) for nome, valor in zip(nomes, antes)}
            perda = nn.functional.cross_entropy(functional_call(modelo, folhas, (x,)), y)
            gradientes = torch.autograd.grad(perda, list(folhas.values()))
            passo_max = max(passo_max, judge.step_gap(antes, depois, [a - LR * g for a, g in zip(antes, gradientes)]))
            perdas.append(float(perda.detach()))
        avaliado = modelo_treinado()
        estado = {nome: valor.clone() for nome, valor in avaliado.state_dict().items()}
        devolvida = aluno.avaliar(avaliado, loader_de_teste())
        avaliado.load_state_dict(estado)
        esperada = acuracia(avaliado, loader_de_teste())
    finally:
        os.environ.pop(checks.seeds.VARIABLE, None)

    def relativa(a, b):
        return abs(a - b) / max(1.0, abs(b))

    return {"perda_x_backward": max(relativa(a, b) for a, b in zip(treino.perdas, treino.monitor.losses)),
            "juiz_passo": passo_max,
            "juiz_perda": max(relativa(a, b) for a, b in zip(treino.perdas, perdas)),
            "acuracia_x_teste": abs(devolvida - esperada),
            "acuracia": esperada}
