"""Testes ocultos da kata 19_salvar_carregar.

O modelo dos testes tem BatchNorm: o state_dict dele leva, além dos pesos, as estatísticas
acumuladas (buffers), e o modo muda as saídas (em modo de treino, a BatchNorm normaliza com as
estatísticas do lote). Os arquivos que o código do aprendiz escreve vão para uma pasta temporária
própria desta execução (sob ``TMPDIR``: no ``katacheck grade``, a pasta da execução dentro da
sandbox), apagada no fim.

O juiz refaz o modelo salvo, as saídas dele e o treino com Adam sem interrupção, e confere cada
número que chegou: o state_dict lido do arquivo, as saídas do modelo carregado, cada passo do
treino retomado, a época devolvida.
"""

import copyreg
import tempfile
from pathlib import Path

import pytest
import torch
from torch import nn

from katacheck import checks
from katacheck.checks import checkpoint

# O pickle do torch.save guarda, na primeira vez, um cache em cada classe que ele serializa
# (copyreg põe `__slotnames__` em torch.Tensor e em Parameter). Calculado aqui, antes do código
# do aprendiz, ele já está lá quando o katacheck confere que ninguém mexeu no torch.
for _classe in (torch.Tensor, nn.Parameter):
    copyreg._slotnames(_classe)

#: Dados, entradas de sonda e sementes (o modelo salvo; o modelo novo de criar_modelo).
ENTRADAS = 6
SEMENTE_DADOS = 19
SEMENTE_SONDA = 91
SEMENTE_MODELO = 0
SEMENTE_NOVO = 1
#: O treino com Adam: LR_ADAM, PASSOS_ANTES até o checkpoint, PASSOS_DEPOIS retomado; a época
#: que o checkpoint guarda (um número que não é o de passos, para que venha do argumento).
LR_ADAM = 0.05
PASSOS_ANTES = 4
PASSOS_DEPOIS = 4
EPOCA = 7
#: A época de um segundo checkpoint, salvo depois: retomar o primeiro não pode trazê-la.
EPOCA_SEGUNDO = 12


class RedeComNorma(nn.Module):
    """O modelo dos testes: linear → BatchNorm → ReLU → linear."""

    def __init__(self):
        super().__init__()
        self.camada1 = nn.Linear(ENTRADAS, 12)
        self.norma = nn.BatchNorm1d(12)
        self.camada2 = nn.Linear(12, 1)

    def forward(self, x):
        return self.camada2(torch.relu(self.norma(self.camada1(x))))


def dados() -> tuple[torch.Tensor, torch.Tensor]:
    return checks.regression_data(n=32, features=ENTRADAS, seed=SEMENTE_DADOS)


def sonda() -> torch.Tensor:
    return checks.probe_inputs(16, ENTRADAS, seed=SEMENTE_SONDA)


def novo_modelo(semente: int) -> RedeComNorma:
    checks.manual_seed(semente)
    return RedeComNorma()


def passo(modelo: nn.Module, otimizador: torch.optim.Optimizer) -> None:
    """Um passo do laço do curso, em modo de treino, no conjunto inteiro."""
    X, y = dados()
    otimizador.zero_grad()
    nn.functional.mse_loss(modelo(X), y).backward()
    otimizador.step()


def modelo_treinado() -> RedeComNorma:
    """O modelo que os testes salvam: três passos de SGD, então pesos e estatísticas já não são os iniciais."""
    modelo = novo_modelo(SEMENTE_MODELO)
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.1)
    for _ in range(3):
        passo(modelo, otimizador)
    return modelo


def treino_adam(modelo: nn.Module, otimizador: torch.optim.Optimizer, passos: int) -> list[list[torch.Tensor]]:
    """``passos`` passos; os parâmetros depois de cada um."""
    depois = []
    for _ in range(passos):
        passo(modelo, otimizador)
        depois.append([p.detach().clone() for p in modelo.parameters()])
    return depois


def sem_interrupcao() -> tuple[list[list[torch.Tensor]], RedeComNorma, dict]:
    """O treino inteiro, sem checkpoint: os parâmetros depois de cada passo, e o modelo e o estado
    do Adam no ponto em que o checkpoint é salvo (refeitos do mesmo começo)."""
    modelo = novo_modelo(SEMENTE_MODELO)
    otimizador = torch.optim.Adam(modelo.parameters(), lr=LR_ADAM)
    antes = treino_adam(modelo, otimizador, PASSOS_ANTES)
    no_checkpoint = novo_modelo(SEMENTE_MODELO)
    no_checkpoint.load_state_dict(modelo.state_dict())
    estado_adam = otimizador.state_dict()
    return antes + treino_adam(modelo, otimizador, PASSOS_DEPOIS), no_checkpoint, estado_adam


@pytest.fixture(scope="module")
def pasta():
    """Uma pasta só desta execução, apagada no fim."""
    with tempfile.TemporaryDirectory(prefix="katacheck-19-") as caminho:
        yield Path(caminho)


@pytest.fixture(scope="module")
def arquivo_de_referencia(pasta) -> str:
    """O state_dict do modelo treinado, salvo pelo próprio teste: carregar não depende de salvar."""
    caminho = pasta / "referencia.pt"
    torch.save(modelo_treinado().state_dict(), caminho)
    return str(caminho)


class CriarModelo:
    """O criar_modelo que carregar recebe: um RedeComNorma com outros pesos, e quem ele criou."""

    def __init__(self):
        self.criados = []

    def __call__(self):
        self.criados.append(novo_modelo(SEMENTE_NOVO))
        return self.criados[-1]


def carregar_observando(learner, caminho: str):
    carregar = checks.require_attribute(learner, "carregar")
    criar_modelo = CriarModelo()
    modelo = checks.call_learner(carregar, caminho, criar_modelo)
    if not isinstance(modelo, nn.Module):
        found = type(modelo).__name__
        checks.fail("load_returned_keys" if found == "_IncompatibleKeys" else "load_not_module", found=found)
    if not any(modelo is criado for criado in criar_modelo.criados):
        checks.fail("load_not_from_factory", calls=len(criar_modelo.criados))
    return modelo


def saidas(modelo: nn.Module) -> torch.Tensor:
    with torch.no_grad():
        return modelo(sonda())


def test_salvar_state_dict(learner, pasta):
    """salvar grava o state_dict do modelo, num arquivo que torch.load abre com weights_only=True."""
    salvar = checks.require_attribute(learner, "salvar")
    modelo = modelo_treinado()
    caminho = pasta / "modelo.pt"
    checks.call_learner(salvar, modelo, str(caminho))
    lido = checkpoint.load_weights_only(caminho, modelo, what="save")
    estado = checkpoint.expect_state_dict(lido, modelo_treinado())
    checks.evidence.submit("salvo", estado=dict(estado))


def test_carregar_mesmas_saidas(learner, arquivo_de_referencia):
    """carregar cria o modelo com criar_modelo e põe nele os pesos do arquivo: as saídas são as do modelo salvo."""
    modelo = carregar_observando(learner, arquivo_de_referencia)
    referencia = modelo_treinado().eval()
    modelo.eval()  # o modo é outra verificação: aqui, só os pesos
    encontradas, esperadas = saidas(modelo), saidas(referencia)
    if encontradas.shape != esperadas.shape or not torch.equal(encontradas, esperadas):
        if checkpoint.same_state(modelo, novo_modelo(SEMENTE_NOVO)):
            checks.fail("load_weights_not_loaded")
        checks.fail("load_outputs_differ", gap=f"{float((encontradas - esperadas).abs().max()):.3g}")
    checks.evidence.submit("carregado", saidas=encontradas)


def test_carregar_em_modo_de_avaliacao(learner, arquivo_de_referencia):
    """carregar devolve o modelo em modo de avaliação (eval)."""
    modelo = carregar_observando(learner, arquivo_de_referencia)
    checkpoint.expect_eval_mode(modelo)
    # As saídas no modo em que o modelo veio: o juiz as refaz em modo de avaliação.
    checks.evidence.submit("modo", saidas=saidas(modelo))


@pytest.fixture(scope="module")
def retomada(learner, pasta):
    """O treino interrompido: PASSOS_ANTES passos, salvar_checkpoint, um modelo e um Adam novos
    (outros pesos), retomar, e PASSOS_DEPOIS passos do mesmo laço: (época devolvida, passos, otimizador)."""
    salvar_checkpoint = checks.require_attribute(learner, "salvar_checkpoint")
    retomar = checks.require_attribute(learner, "retomar")
    modelo = novo_modelo(SEMENTE_MODELO)
    otimizador = torch.optim.Adam(modelo.parameters(), lr=LR_ADAM)
    treino_adam(modelo, otimizador, PASSOS_ANTES)
    caminho = pasta / "checkpoint.pt"
    checks.call_learner(salvar_checkpoint, modelo, otimizador, EPOCA, str(caminho))
    checkpoint.load_weights_only(caminho, modelo, what="checkpoint")
    outro = novo_modelo(SEMENTE_NOVO)
    outro_otimizador = torch.optim.Adam(outro.parameters(), lr=LR_ADAM)
    epoca = checks.call_learner(retomar, str(caminho), outro, outro_otimizador)
    restaurado = checkpoint.same_state(outro, modelo)
    com_estado = bool(outro_otimizador.state)
    # Um segundo checkpoint, um passo adiante e com outra época; retomar o primeiro de novo traz o
    # que está naquele arquivo, e não o último salvo (guardado na memória entre as chamadas).
    no_primeiro = novo_modelo(SEMENTE_MODELO)
    no_primeiro.load_state_dict(modelo.state_dict())
    treino_adam(modelo, otimizador, 1)
    checks.call_learner(salvar_checkpoint, modelo, otimizador, EPOCA_SEGUNDO, str(pasta / "checkpoint_2.pt"))
    de_novo = novo_modelo(SEMENTE_NOVO)
    epoca_de_novo = checks.call_learner(retomar, str(caminho), de_novo,
                                        torch.optim.Adam(de_novo.parameters(), lr=LR_ADAM))
    do_arquivo = checkpoint.same_state(de_novo, no_primeiro)
    saidas_de_novo = saidas(de_novo.eval())
    outro.train()  # o laço do curso chama train() a cada época: o modo de retomar é outra verificação
    return {"epoca": epoca, "restaurado": restaurado, "com_estado": com_estado, "caminho": str(caminho),
            "epoca_de_novo": epoca_de_novo, "do_arquivo": do_arquivo, "saidas_de_novo": saidas_de_novo,
            "passos": treino_adam(outro, outro_otimizador, PASSOS_DEPOIS)}


def test_retomar_segue_igual(retomada):
    """Retomado do checkpoint, o treino com Adam segue passo a passo igual ao treino sem interrupção."""
    if not retomada["restaurado"]:
        checks.fail("resume_model_not_restored")
    if not retomada["com_estado"]:
        checks.fail("resume_optimizer_not_restored", steps=PASSOS_ANTES)
    if not retomada["do_arquivo"]:
        checks.fail("resume_model_not_from_file")
    inteiro, no_checkpoint, _ = sem_interrupcao()
    checkpoint.expect_same_steps(retomada["passos"], inteiro[PASSOS_ANTES:], [p.detach() for p in no_checkpoint.parameters()],
                                 first_step=PASSOS_ANTES + 1)
    checks.evidence.submit("retomado", passos=retomada["passos"])
    checks.evidence.submit("de_novo", saidas=retomada["saidas_de_novo"])


def test_retomar_devolve_a_epoca(retomada):
    """retomar devolve a época salva no checkpoint."""
    epoca = retomada["epoca"]
    if isinstance(epoca, bool) or not isinstance(epoca, int):
        checks.fail("resume_epoch_type", found=repr(epoca)[:60], expected=EPOCA)
    if epoca == EPOCA + 1:
        checks.fail("resume_epoch_next", found=epoca, expected=EPOCA)
    if epoca != EPOCA:
        checks.fail("resume_epoch", found=epoca, expected=EPOCA)
    if retomada["epoca_de_novo"] != EPOCA:
        checks.fail("resume_epoch_not_from_file", found=repr(retomada["epoca_de_novo"])[:20], expected=EPOCA,
                    other=EPOCA_SEGUNDO)
    checks.evidence.submit("epoca", epoca=epoca)
    checks.evidence.submit("epoca_de_novo", epoca=retomada["epoca_de_novo"])


def test_retomar_nao_muda_o_modo(learner, retomada):
    """retomar deixa o modelo no modo em que ele estava, de treino ou de avaliação."""
    retomar = checks.require_attribute(learner, "retomar")
    modos = {}
    for treinando in (True, False):
        modelo = novo_modelo(SEMENTE_NOVO).train(treinando)
        otimizador = torch.optim.Adam(modelo.parameters(), lr=LR_ADAM)
        checks.call_learner(retomar, retomada["caminho"], modelo, otimizador)
        mudaram = [nome or "modelo" for nome, modulo in modelo.named_modules() if modulo.training != treinando]
        if mudaram:
            checks.fail("resume_mode_changed_train" if treinando else "resume_mode_changed_eval",
                        modules=", ".join(mudaram))
        modos["treino" if treinando else "avaliacao"] = saidas(modelo)
    checks.evidence.submit("modos", **modos)


def _tabela(sementes: int = 100) -> str:
    """A tabela de CALIBRATION.md: sob cada semente base, o maior desvio de um passo retomado do
    passo sem interrupção (relativo ao tamanho do passo, o que STEP_TOLERANCE mede) e das saídas
    do modelo de carregar, para a solução, as variantes corretas e as que só o desvio denuncia."""
    import os
    import re
    from pathlib import Path

    from katacheck.checks import context
    from katacheck.checks.loading import load_learner_module

    pasta = Path(__file__).resolve().parent
    arquivos = [("solução", pasta / "solution.py", "pass")]
    for caminho in sorted((pasta.parents[1] / "tests" / "variants" / pasta.name).glob("*.py")):
        espera = re.match(r"#\s*expect:\s*(\S+)", caminho.read_text(encoding="utf-8"))[1]
        if espera in ("pass", "resume_optimizer_not_restored"):
            arquivos.append((caminho.stem, caminho, espera))
    linhas = ["| referência | espera | passo retomado: maior desvio | menor desvio | saídas de carregar: maior desvio |",
              "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as temporaria:
        for nome, caminho, espera in arquivos:
            context.set_learner_file(caminho)
            aluno = load_learner_module(str(caminho))
            desvios, saidas_ = [], []
            for semente in range(sementes):
                os.environ["KATACHECK_SEED"] = str(semente)
                inteiro, no_checkpoint, _ = sem_interrupcao()
                modelo = novo_modelo(SEMENTE_MODELO)
                otimizador = torch.optim.Adam(modelo.parameters(), lr=LR_ADAM)
                treino_adam(modelo, otimizador, PASSOS_ANTES)
                arquivo = os.path.join(temporaria, "checkpoint.pt")
                aluno.salvar_checkpoint(modelo, otimizador, EPOCA, arquivo)
                outro = novo_modelo(SEMENTE_NOVO)
                outro_otimizador = torch.optim.Adam(outro.parameters(), lr=LR_ADAM)
                aluno.retomar(arquivo, outro, outro_otimizador)
                outro.train()
                antes, desvio = [p.detach() for p in no_checkpoint.parameters()], 0.0
                for meu, dele in zip(treino_adam(outro, outro_otimizador, PASSOS_DEPOIS), inteiro[PASSOS_ANTES:]):
                    desvio, antes = max(desvio, checkpoint.step_gap(antes, meu, dele)), dele
                desvios.append(desvio)
                arquivo = os.path.join(temporaria, "modelo.pt")
                torch.save(modelo_treinado().state_dict(), arquivo)
                saidas_.append(float((saidas(aluno.carregar(arquivo, CriarModelo()).eval())
                                      - saidas(modelo_treinado().eval())).abs().max()))
            linhas.append(f"| {nome} | {espera} | {max(desvios):.3g} | {min(desvios):.3g} | {max(saidas_):.3g} |")
    return "\n".join(linhas)


if __name__ == "__main__":
    print(_tabela())
