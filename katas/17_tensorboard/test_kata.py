"""Testes ocultos da kata 17_tensorboard.

O treino é o laço do curso sobre um DataLoader dos testes (imagens 8×8 de 10 classes, sem
embaralhar, para o juiz saber a ordem dos lotes); o `SummaryWriter` da quem aprende é observado
por dentro (criação, cada `add_scalar`, `close`) e os arquivos de eventos são lidos de volta
com o leitor do próprio TensorBoard (`EventAccumulator`), não com um parser feito à mão.
"""

import contextlib
import tempfile
from dataclasses import dataclass, field

import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.tensorboard import SummaryWriter

from katacheck import checks
from katacheck.checks.locations import location_in_stack
from katacheck.checks.patching import call_after, wrap

TAG = "Loss/train"
EPOCAS = 2
LR = 0.05
#: A cada quantos lotes a perda é escrita: diferente do padrão (100), para ver que `a_cada` é usado.
A_CADA = 3
LOTE = 4
N_EXEMPLOS = 40  # 10 lotes por época: os passos 0, 3, 6, 9 e depois 10, 13, 16, 19
SEMENTE_DADOS = 17
SEMENTE_MODELO = 0
#: A maior diferença relativa entre um valor escrito e a perda daquele lote (o TensorBoard guarda
#: float32, como `perda.item()`: os dois são o mesmo número).
TOLERANCIA_VALOR = 1e-6


class Classificador(nn.Module):
    """O modelo dos testes: as imagens achatadas (64 números) → 10 classes."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(x)


def dados() -> tuple[torch.Tensor, torch.Tensor]:
    """``N_EXEMPLOS`` imagens ``[N, 1, 8, 8]`` e os rótulos delas (o juiz os refaz)."""
    gerador = checks.generator(SEMENTE_DADOS)
    rotulos = torch.arange(N_EXEMPLOS) % 10
    modelos = torch.randn(10, 1, 8, 8, generator=gerador)
    imagens = modelos[rotulos] + 0.5 * torch.randn(N_EXEMPLOS, 1, 8, 8, generator=gerador)
    return imagens, rotulos


def loader() -> DataLoader:
    return DataLoader(TensorDataset(*dados()), batch_size=LOTE, shuffle=False)


def lotes_por_epoca() -> int:
    return -(-N_EXEMPLOS // LOTE)


def modelo_inicial() -> nn.Module:
    checks.manual_seed(SEMENTE_MODELO)
    return Classificador()


def passos_esperados() -> list[int]:
    """Os passos globais que o enunciado pede, na ordem em que são escritos."""
    n = lotes_por_epoca()
    return [epoca * n + indice for epoca in range(EPOCAS) for indice in range(n) if indice % A_CADA == 0]


# -- o SummaryWriter observado -----------------------------------------------------------------


@dataclass
class Escrita:
    tag: str
    valor: float
    passo: object
    local: object
    lote: int  # quantos forwards do modelo já tinham acontecido: o lote que acabou de passar
    pasta: str = ""  # a pasta do writer que recebeu a escrita


@dataclass
class Escritores:
    """O que cada ``SummaryWriter`` criado durante o treino fez."""

    criados: list = field(default_factory=list)  # (escritor, pasta, linha que o criou)
    fechados: set = field(default_factory=set)
    escritas: list = field(default_factory=list)

    def nao_fechados(self) -> list:
        return [c for c in self.criados if id(c[0]) not in self.fechados]


@contextlib.contextmanager
def observar_escritores(lotes_vistos):
    """Registra a criação, cada ``add_scalar`` (com ``lotes_vistos()`` naquele momento) e cada
    ``close`` de um ``SummaryWriter`` (pela classe: vale para qualquer nome com que quem aprende
    a importou)."""
    registro = Escritores()

    def ao_criar(escritor):
        registro.criados.append((escritor, str(escritor.get_logdir()), location_in_stack()))

    def escrevendo(original):
        def add_scalar(self, tag, scalar_value, global_step=None, *args, **kwargs):
            try:
                valor = float(scalar_value)
            except (TypeError, ValueError, RuntimeError):
                valor = float("nan")
            registro.escritas.append(Escrita(str(tag), valor, global_step, location_in_stack(), lotes_vistos(),
                                             str(self.get_logdir())))
            return original(self, tag, scalar_value, global_step, *args, **kwargs)
        return add_scalar

    def fechando(original):
        def close(self):
            registro.fechados.add(id(self))
            return original(self)
        return close

    with contextlib.ExitStack() as pilha:
        call_after(pilha, SummaryWriter, "__init__", ao_criar)
        wrap(pilha, SummaryWriter, "add_scalar", escrevendo)
        wrap(pilha, SummaryWriter, "close", fechando)
        yield registro


def ler_eventos(pasta: str) -> dict[str, list[tuple[int, float]]]:
    """Os escalares de ``pasta``, por tag, como o TensorBoard os lê (sem descartar passos fora de
    ordem: ``purge_orphaned_data=False`` mostra o que foi escrito, repetições incluídas)."""
    leitor = EventAccumulator(pasta, size_guidance={"scalars": 0}, purge_orphaned_data=False)
    leitor.Reload()
    return {tag: [(int(e.step), float(e.value)) for e in leitor.Scalars(tag)] for tag in leitor.Tags()["scalars"]}


@dataclass
class Execucao:
    modelo: nn.Module
    monitor: object
    escritores: Escritores
    eventos: dict
    pasta: str
    devolvido: object


def executar(treinar, *, evidencia: bool = False) -> Execucao:
    """Um treino de ``EPOCAS`` épocas, com o SummaryWriter e o laço observados, e os eventos lidos."""
    modelo, train_loader = modelo_inicial(), loader()
    # Os forwards do treino, com gradientes: um forward sob no_grad (a acurácia do lote, antes de
    # escrever) não é um lote novo, e a perda escrita depois dele ainda é a do lote de antes.
    treinos = []
    gancho = modelo.register_forward_pre_hook(lambda modulo, entradas: treinos.append(1)
                                              if torch.is_grad_enabled() else None)
    with tempfile.TemporaryDirectory(prefix="katacheck-tb-") as pasta:
        with checks.SilentBugMonitor(model=modelo) as monitor, \
                observar_escritores(lambda: len(treinos)) as escritores:
            try:
                devolvido = checks.call_learner(treinar, modelo, train_loader, pasta, epocas=EPOCAS, lr=LR,
                                                a_cada=A_CADA)
            finally:
                gancho.remove()
        for escritor, _, _ in escritores.nao_fechados():
            escritor.close()  # para ler o que foi escrito; o esquecimento já está registrado
        eventos = ler_eventos(pasta)
    if evidencia:
        checks.evidence.trajectory("treino", modelo, monitor.steps)
        checks.evidence.submit("eventos", scalars=eventos,
                               writers=[{"closed": id(e) in escritores.fechados} for e, _, _ in escritores.criados])
    return Execucao(modelo, monitor, escritores, eventos, pasta, devolvido)


@pytest.fixture(scope="module")
def execucao(learner) -> Execucao:
    return executar(checks.require_attribute(learner, "treinar_com_tensorboard"), evidencia=True)


# -- as verificações -----------------------------------------------------------------------------


def _escritas_da_tag(execucao: Execucao) -> list[Escrita]:
    return [e for e in execucao.escritores.escritas if e.tag == TAG]


def test_define_a_funcao(learner, execucao):
    """O arquivo define a função treinar_com_tensorboard."""
    checks.require_attribute(learner, "treinar_com_tensorboard")


def test_escreve_loss_train(execucao):
    """A perda é escrita na pasta recebida, com a tag 'Loss/train'."""
    if not execucao.escritores.criados:
        if execucao.escritores.escritas:  # escreveu num writer criado antes do treino (ao importar o arquivo)
            escrita = execucao.escritores.escritas[0]
            checks.fail("tensorboard_writer_outside", folder=escrita.pasta, location=escrita.local)
        checks.fail("tensorboard_no_writer")
    if not execucao.eventos:
        _, pasta, local = execucao.escritores.criados[0]
        checks.fail("tensorboard_other_folder", folder=pasta, location=local)
    if TAG not in execucao.eventos:
        local = execucao.escritores.escritas[0].local if execucao.escritores.escritas else None
        checks.fail("tensorboard_tag", found=", ".join(f"'{t}'" for t in execucao.eventos), expected=TAG,
                    location=local)


def test_passos_crescem_entre_epocas(execucao):
    """Os passos globais são únicos e crescem de uma época para a outra: época × len(train_loader) + índice do lote."""
    pontos = execucao.eventos.get(TAG, [])
    if not pontos:
        checks.fail("tensorboard_no_values", tag=TAG)
    passos = [passo for passo, _ in pontos]
    esperados = passos_esperados()
    if passos == esperados:
        return
    local = next((e.local for e in _escritas_da_tag(execucao)), None)
    repetidos = sorted({p for p in passos if passos.count(p) > 1})
    if repetidos:
        checks.fail("tensorboard_steps_repeat", step=repetidos[0], count=passos.count(repetidos[0]),
                    epochs=EPOCAS, batches=lotes_por_epoca(), location=local)
    checks.fail("tensorboard_steps", found=_lista(passos), expected=_lista(esperados), every=A_CADA, location=local)


def test_valores_sao_as_perdas(execucao):
    """Cada valor escrito é a perda do lote que acabou de passar pelo modelo."""
    pontos = execucao.eventos.get(TAG, [])
    if not pontos:
        checks.fail("tensorboard_no_values", tag=TAG)
    perdas = execucao.monitor.losses
    # O i-ésimo evento da tag é a i-ésima escrita dela (o arquivo guarda na ordem): o valor dele
    # é comparado com a perda do lote daquela escrita, seja qual for o passo que ela declarou
    # (um passo errado é da verificação dos passos).
    for (passo, valor), escrita in zip(pontos, _escritas_da_tag(execucao)):
        if not 0 < escrita.lote <= len(perdas):
            checks.fail("tensorboard_value_before_training", step=passo, location=escrita.local)
        esperado = perdas[escrita.lote - 1]
        if abs(valor - esperado) > TOLERANCIA_VALOR * max(1.0, abs(esperado)):
            checks.fail("tensorboard_values", step=passo, found=f"{valor:.6g}", expected=f"{esperado:.6g}",
                        location=escrita.local)


def test_fecha_o_escritor(execucao):
    """O SummaryWriter é fechado no fim do treino."""
    abertos = execucao.escritores.nao_fechados()
    if abertos:
        checks.fail("tensorboard_not_closed", location=abertos[0][2])


def test_laco_do_curso(execucao):
    """O laço é o do curso: SGD com o lr recebido, CrossEntropyLoss nos logits e gradientes novos a cada lote."""
    checks.expect_logits_to_cross_entropy(execucao.monitor)
    checks.expect_optimizer(execucao.monitor, "SGD", execucao.modelo, lr=LR)
    checks.expect_clean_gradients(execucao.monitor)


def _lista(passos: list[int], limite: int = 10) -> str:
    texto = ", ".join(map(str, passos[:limite]))
    return texto + (", …" if len(passos) > limite else "") if passos else "—"


def medir(aluno, semente: int) -> dict[str, float]:
    """As folgas numéricas de uma execução de ``aluno`` sob a semente base ``semente`` (ver
    CALIBRATION.md): cada valor escrito contra a perda do lote que a escrita seguiu, e contra a
    refeita pelo juiz; cada passo do SGD contra o refeito pelo juiz."""
    import os

    from torch.func import functional_call

    from katacheck import judge

    os.environ[checks.seeds.VARIABLE] = str(semente)
    try:
        juiz = judge.sibling(__file__, "judge")
        execucao = executar(aluno.treinar_com_tensorboard)
        pontos = execucao.eventos[TAG]
        escritas = _escritas_da_tag(execucao)
        trajetoria = [[p.double() for p in passo["params"]] for passo in execucao.monitor.steps]
        trajetoria.append([p.detach().double() for p in execucao.modelo.parameters()])
        modelo = modelo_inicial().double()
        nomes = [nome for nome, _ in modelo.named_parameters()]
        lotes, passo_max, perdas = juiz.lotes(), 0.0, []
        for indice, (antes, depois) in enumerate(zip(trajetoria, trajetoria[1:])):
            x, y = lotes[indice % len(lotes)]
            folhas = {nome: valor.clone().requires_grad_(True) for nome, valor in zip(nomes, antes)}
            perda = nn.functional.cross_entropy(functional_call(modelo, folhas, (x,)), y)
            gradientes = torch.autograd.grad(perda, list(folhas.values()))
            passo_max = max(passo_max, judge.step_gap(antes, depois, [a - LR * g for a, g in zip(antes, gradientes)]))
            perdas.append(float(perda.detach()))
    finally:
        os.environ.pop(checks.seeds.VARIABLE, None)

    def relativa(a, b):
        return abs(a - b) / max(1.0, abs(b))

    return {"valor_x_perda_do_lote": max(relativa(v, execucao.monitor.losses[e.lote - 1])
                                         for (_, v), e in zip(pontos, escritas)),
            "juiz_passo": passo_max,
            "juiz_valor": max(relativa(v, perdas[p]) for p, v in pontos)}
