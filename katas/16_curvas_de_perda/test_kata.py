"""Testes ocultos da kata 16_curvas_de_perda.

As curvas vêm de dois lugares: treinos de verdade que o katacheck faz aqui (o SimpleLinearModel
do curso com SGD nas taxas das notas e outras, e um MLP pequeno com Adam em poucos pontos
ruidosos), e curvas sintéticas, escritas por fórmula, que mostram cada sinal sem ruído. A
categoria esperada de cada curva nunca é escrita à mão: ela sai da leitura de referência
(:mod:`katacheck.checks.curves`), e só entram as curvas inequívocas, lidas do mesmo jeito com
todos os limiares pela metade e em dobro. O juiz refaz as mesmas curvas e a mesma leitura.
"""

import functools
import math

import torch
from torch import nn

from katacheck import checks
from katacheck.checks import curves

#: Épocas das curvas sintéticas.
EPOCAS = 40
#: Os treinos de verdade: (nome, modelo, otimizador, lr, épocas, pontos de treino, ruído dos alvos).
#: A taxa do curso (0.01) e as do exercício 5 (0.1, 0.001, 10), mais uma grande (1.0) e uma
#: minúscula (1e-4); o MLP com Adam decora 16 pontos ruidosos, e a validação sobe.
TREINOS = (
    ("sgd_0.1", "linear", "SGD", 0.1, 100, 96, 0.1),
    ("sgd_0.0001", "linear", "SGD", 1e-4, 100, 96, 0.1),
    ("sgd_0.01_20_epocas", "linear", "SGD", 0.01, 20, 96, 0.1),
    ("sgd_0.001", "linear", "SGD", 0.001, 100, 96, 0.1),
    ("sgd_1.0", "linear", "SGD", 1.0, 20, 96, 0.1),
    ("sgd_10", "linear", "SGD", 10.0, 30, 96, 0.1),
    ("mlp_adam_16_pontos", "mlp", "Adam", 0.01, 100, 16, 2.0),
)
#: Pontos de validação de cada treino, e a semente dos dados e dos pesos iniciais.
N_VALIDACAO = 64
SEMENTE_DADOS = 16
SEMENTE_MODELO = 0
#: Paciências com que melhor_epoca é chamada nas curvas de validação dos treinos (None: a padrão).
PACIENCIAS_DOS_TREINOS = (None, 10)

#: Curvas ocultas de melhor_epoca: (validação, paciência; None é a padrão). Cada uma separa a
#: resposta certa de um engano comum (ver checks.curves.SLIPS).
CASOS_PARADA = (
    # Parou na época 5 (três sem melhora depois da 2); o mínimo global, depois, não conta.
    ([1.0, 0.8, 0.6, 0.65, 0.7, 0.72, 0.5, 0.55, 0.6, 0.65, 0.7, 0.3], None),
    # Duas épocas sem melhora não bastam para parar com paciência 3.
    ([1.0, 0.9, 0.7, 0.75, 0.8, 0.6, 0.55, 0.58, 0.6, 0.61], 3),
    # Um empate não é melhora: só um valor estritamente menor.
    ([1.0, 0.5, 0.7, 0.5, 0.8, 0.9, 0.95, 0.3], 3),
    ([2.0, 1.5, 1.6, 1.0, 0.9], 1),
    # Nunca para: a melhor é a última.
    ([3.0, 2.5, 2.6, 2.7, 2.0, 2.1, 1.9], 3),
    ([1.0, 0.8, 0.7, 0.72, 0.74, 0.73, 0.71, 0.75, 0.69, 0.9, 0.95, 1.0, 1.1, 1.2, 0.5], 5),
    # A primeira época é a melhor: índice 0.
    ([0.5, 0.6, 0.7, 0.8, 0.4], 3),
)


class SimpleLinearModel(nn.Module):
    """O modelo do curso."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def _modelo(tipo: str) -> nn.Module:
    if tipo == "linear":
        return SimpleLinearModel()
    return nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))


def treino_de_verdade(nome, tipo, otimizador, lr, epocas, n_treino, ruido) -> tuple[list[float], list[float]]:
    """As perdas de treino e de validação de cada época: o laço do curso, com validação sem gradientes."""
    X, y = checks.regression_data(n=n_treino + N_VALIDACAO, seed=SEMENTE_DADOS, noise=ruido)
    X_treino, y_treino, X_val, y_val = X[:n_treino], y[:n_treino], X[n_treino:], y[n_treino:]
    checks.manual_seed(SEMENTE_MODELO)
    modelo = _modelo(tipo)
    passo = getattr(torch.optim, otimizador)(modelo.parameters(), lr=lr)
    treino, validacao = [], []
    for _ in range(epocas):
        passo.zero_grad()
        perda = nn.functional.mse_loss(modelo(X_treino), y_treino)
        perda.backward()
        passo.step()
        treino.append(perda.item())
        with torch.no_grad():
            validacao.append(nn.functional.mse_loss(modelo(X_val), y_val).item())
    return treino, validacao


@functools.cache
def treinos() -> tuple[tuple[str, list[float], list[float]], ...]:
    """Cada treino de :data:`TREINOS`, feito uma vez por processo: (nome, treino, validação)."""
    return tuple((treino[0], *treino_de_verdade(*treino)) for treino in TREINOS)


def _t():
    return range(EPOCAS)


def sinteticas() -> tuple[tuple[str, list[float], list[float]], ...]:
    """Curvas de fórmula, cada uma com um sinal só: (nome, treino, validação)."""
    caindo = [0.1 + 0.9 * math.exp(-t / 5) for t in _t()]
    return (
        ("oscila", [0.5 + 0.5 * math.exp(-t / 10) + 0.25 * (-1) ** t for t in _t()],
         [0.6 + 0.5 * math.exp(-t / 10) + 0.25 * (-1) ** t for t in _t()]),
        ("desce_e_explode", [math.exp(-t / 4) if t < 12 else math.exp(-3) * 1.5 ** (t - 11) for t in _t()],
         [1.1 * math.exp(-t / 4) if t < 12 else 1.1 * math.exp(-3) * 1.5 ** (t - 11) for t in _t()]),
        ("chega_a_inf", [1.0 * 4.0 ** t if t < 10 else (math.inf if t < 12 else math.nan) for t in _t()],
         [1.2 * 4.0 ** t if t < 10 else (math.inf if t < 12 else math.nan) for t in _t()]),
        # Caía e de repente virou nan: toda comparação com nan é False, só math.isfinite a vê.
        ("vira_nan", [math.exp(-t / 10) if t < 25 else math.nan for t in _t()],
         [0.1 + math.exp(-t / 10) if t < 25 else math.nan for t in _t()]),
        ("quase_parada", [1.0 - 0.001 * t for t in _t()], [1.05 - 0.001 * t for t in _t()]),
        ("plana_com_ruido", [2.0 + 0.01 * math.cos(t) for t in _t()], [2.1 + 0.01 * math.cos(t) for t in _t()]),
        ("reta_descendo", [1.0 - 0.015 * t for t in _t()], [1.05 - 0.014 * t for t in _t()]),
        ("decaimento_lento", [math.exp(-t / 30) for t in _t()], [0.05 + math.exp(-t / 30) for t in _t()]),
        ("validacao_em_u", [0.05 + math.exp(-t / 8) for t in _t()], [0.3 + 0.002 * (t - 12) ** 2 for t in _t()]),
        ("validacao_subindo_devagar", [0.02 + 0.98 * math.exp(-t / 6) for t in _t()],
         [0.4 + 0.6 * math.exp(-t / 4) + 0.01 * max(0, t - 15) for t in _t()]),
        ("estabilizou", caindo, [v + 0.05 for v in caindo]),
        ("estabilizou_com_ruido", [v + 0.002 * math.sin(3 * t) for t, v in enumerate(caindo)],
         [v + 0.06 + 0.002 * math.cos(2 * t) for t, v in enumerate(caindo)]),
        # As que separam a regra do enunciado de uma parecida (cada uma pega um engano de quem aprende):
        # sobe devagar, sem salto nenhum: só "terminou acima de onde começou" a vê (não o mínimo do treino).
        ("sobe_devagar", [1.0 + 0.008 * t for t in _t()], [1.1 + 0.008 * t for t in _t()]),
        # a queda é relativa à perda inicial: 0.195 de 5.0 é pouco, 0.045 de 0.05 é muito.
        ("quase_parada_em_perda_alta", [5.0 - 0.005 * t for t in _t()], [5.2 - 0.005 * t for t in _t()]),
        ("estabilizou_em_perda_pequena", [0.05 * v for v in caindo], [0.05 * (v + 0.05) for v in caindo]),
        # o overfitting é a distância ao mínimo da validação, não a última época contra a penúltima.
        ("validacao_sobe_e_recua_no_fim", [0.05 + math.exp(-t / 8) for t in _t()],
         [0.3 + 0.002 * (min(t, EPOCAS - 2) - 12) ** 2 - (0.02 if t == EPOCAS - 1 else 0) for t in _t()]),
        ("estabilizou_e_validacao_oscila_no_fim", caindo,
         [v + 0.05 + (0.001 if t == EPOCAS - 1 else 0) for t, v in enumerate(caindo)]),
        # um salto conta contra a perda inicial, não contra a da época anterior.
        ("ruido_no_fim", [0.02 + 0.98 * math.exp(-t / 5) + 0.006 * (-1) ** t for t in _t()],
         [0.05 + 0.98 * math.exp(-t / 5) for t in _t()]),
        # a cauda é uma parte do que o treino caiu, não da perda inicial.
        ("cai_pouco_e_ainda_cai", [1.0 - 0.32 * (1 - math.exp(-t / 25)) for t in _t()],
         [1.05 - 0.32 * (1 - math.exp(-t / 25)) for t in _t()]),
    )


def curvas(categoria: str) -> list[tuple[str, list[float], list[float]]]:
    """As curvas inequívocas cuja leitura de referência é ``categoria``: as sintéticas, depois as dos treinos."""
    todas = [*sinteticas(), *treinos()]
    return [(nome, treino, validacao) for nome, treino, validacao in todas
            if curves.unambiguous(treino, validacao) and curves.diagnosis(treino, validacao) == categoria]


def perguntar(learner, categoria: str) -> None:
    """diagnosticar em cada curva de ``categoria``; as respostas vão para o juiz."""
    diagnosticar = checks.require_attribute(learner, "diagnosticar")
    respostas = [curves.expect_diagnosis(diagnosticar, treino, validacao) for _, treino, validacao in curvas(categoria)]
    checks.evidence.submit(categoria, respostas=respostas)


def test_lr_alto(learner):
    """Curvas que divergem, oscilam ou chegam a nan/inf são "lr_alto"."""
    perguntar(learner, "lr_alto")


def test_lr_baixo(learner):
    """Curvas que quase não saem do lugar são "lr_baixo"."""
    perguntar(learner, "lr_baixo")


def test_overfitting(learner):
    """Validação subindo enquanto o treino cai é "overfitting"."""
    perguntar(learner, "overfitting")


def test_underfitting(learner):
    """Treino ainda caindo claramente no fim é "underfitting"."""
    perguntar(learner, "underfitting")


def test_ok(learner):
    """Curvas que caíram e se estabilizaram são "ok"."""
    perguntar(learner, "ok")


def test_melhor_epoca(learner):
    """melhor_epoca devolve o índice da melhor época vista antes de paciencia épocas seguidas sem melhora."""
    melhor_epoca = checks.require_attribute(learner, "melhor_epoca")
    # A mesma curva, antes e depois de outra: a resposta não pode depender das chamadas anteriores.
    (primeira, _), (outra, paciencia) = CASOS_PARADA[0], CASOS_PARADA[-1]
    antes = checks.call_learner(melhor_epoca, list(primeira))
    checks.call_learner(melhor_epoca, list(outra), paciencia)
    depois = checks.call_learner(melhor_epoca, list(primeira))
    if antes != depois:
        checks.fail("early_stop_state", first=repr(antes)[:20], second=repr(depois)[:20])
    respostas = [curves.expect_best_epoch(melhor_epoca, validacao, paciencia) for validacao, paciencia in CASOS_PARADA]
    checks.evidence.submit("parada", respostas=respostas)
    checks.evidence.submit("parada_de_novo", respostas=[antes, depois])


def casos_dos_treinos() -> list[tuple[list[float], int | None]]:
    """As curvas de validação finitas dos treinos de verdade, com cada paciência."""
    return [(validacao, paciencia) for _, _, validacao in treinos() if all(math.isfinite(v) for v in validacao)
            for paciencia in PACIENCIAS_DOS_TREINOS]


def test_parada_nos_treinos(learner):
    """melhor_epoca acerta nas curvas de validação de treinos de verdade."""
    melhor_epoca = checks.require_attribute(learner, "melhor_epoca")
    respostas = [curves.expect_best_epoch(melhor_epoca, validacao, paciencia)
                 for validacao, paciencia in casos_dos_treinos()]
    checks.evidence.submit("parada_treinos", respostas=respostas)


def folgas() -> dict[str, dict[str, float]]:
    """Para CALIBRATION.md: as figuras de cada curva dos treinos, sob a semente base atual."""
    return {nome: vars(curves.figures(treino, validacao)) | {"categoria": curves.diagnosis(treino, validacao),
                                                             "inequivoca": curves.unambiguous(treino, validacao)}
            for nome, treino, validacao in treinos()}


def _tabelas(sementes: int = 100) -> str:
    """As tabelas de CALIBRATION.md: as figuras dos treinos de verdade sob cada semente base, e as
    respostas da solução e das variantes corretas a tudo o que os testes perguntam."""
    import os
    import re
    from pathlib import Path

    from katacheck.checks import context
    from katacheck.checks.loading import load_learner_module

    pasta = Path(__file__).resolve().parent
    arquivos = [("solução", pasta / "solution.py")] + [
        (c.stem, c) for c in sorted((pasta.parents[1] / "tests" / "variants" / pasta.name).glob("*.py"))
        if re.match(r"#\s*expect:\s*pass\b", c.read_text(encoding="utf-8"))]
    alunos = {}
    for nome, caminho in arquivos:
        context.set_learner_file(caminho)
        alunos[nome] = load_learner_module(str(caminho))
    figuras, certas = {}, {nome: [0, 0, 0, 0] for nome in alunos}
    for semente in range(sementes):
        os.environ["KATACHECK_SEED"] = str(semente)
        treinos.cache_clear()
        for nome, treino, validacao in treinos():
            figuras.setdefault(nome, []).append((curves.diagnosis(treino, validacao),
                                                 curves.unambiguous(treino, validacao), curves.figures(treino, validacao)))
        perguntas = [(t, v) for c in curves.CATEGORIES for _, t, v in curvas(c)]
        paradas = [*CASOS_PARADA, *casos_dos_treinos()]
        for nome, aluno in alunos.items():
            conta = certas[nome]
            for t, v in perguntas:
                conta[0] += aluno.diagnosticar(list(t), list(v)) == curves.diagnosis(t, v)
                conta[1] += 1
            for v, p in paradas:
                resposta = aluno.melhor_epoca(list(v)) if p is None else aluno.melhor_epoca(list(v), p)
                conta[2] += resposta == curves.best_epoch(v, 3 if p is None else p)
                conta[3] += 1
    linhas = ["| treino | categoria | inequívoca | subida máx. / inicial | queda total | validação acima do mín. |"
              " parte da queda no último quarto |", "|---|---|---|---|---|---|---|"]
    for nome, lidas in figuras.items():
        finitas = [f for _, _, f in lidas if f.finite]

        def faixa(campo, finitas=finitas):
            valores = [getattr(f, campo) for f in finitas]
            return f"{min(valores):.3g}–{max(valores):.3g}" if valores else "—"
        categorias = ", ".join(sorted({c for c, _, _ in lidas}))
        linhas.append(f"| `{nome}` | {categorias} | {sum(i for _, i, _ in lidas)}/{sementes} | {faixa('jump')} | "
                      f"{faixa('drop')} | {faixa('rise')} | {faixa('tail')} |")
    linhas += ["", "| referência | diagnosticar certas | melhor_epoca certas |", "|---|---|---|"]
    linhas += [f"| {nome} | {c[0]}/{c[1]} | {c[2]}/{c[3]} |" for nome, c in certas.items()]
    return "\n".join(linhas)


if __name__ == "__main__":
    print(_tabelas())
