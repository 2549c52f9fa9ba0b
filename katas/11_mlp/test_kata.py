"""Testes ocultos da kata 11_mlp.

Cada teste constrói o MLP de quem aprende, dá às camadas nn.Linear pesos que o juiz sabe refazer
(`checks.install_known_weights`) e manda para o juiz as saídas em entradas que ele também sabe
refazer: o juiz recalcula fc1 → ReLU → fc2 sobre cada imagem achatada e confere linha por linha.
"""

import torch
from torch.nn.parameter import is_lazy

from katacheck import checks

#: Os tamanhos do MLP do curso (MNIST) e os de um MLP menor, para imagens 14 × 14.
PADRAO = (784, 128, 10)
OUTROS = (196, 32, 5)
#: A semente dos pesos que os testes instalam no modelo (o juiz os refaz com ela).
SEMENTE_PESOS = 11


def imagens(n: int, lado: int = 28, seed: int = 7) -> torch.Tensor:
    """``n`` imagens ``[n, 1, lado, lado]`` que o juiz sabe refazer."""
    return checks.probe_inputs(n, lado * lado, seed=seed).view(n, 1, lado, lado)


#: O que cada teste mostra ao juiz: rótulo → (teste, tamanhos, entradas).
SONDAS = {
    "lote_64": ("test_lote_de_64_imagens", PADRAO, imagens(64)),
    "uma": ("test_uma_imagem", PADRAO, imagens(1, seed=8)),
    "achatadas": ("test_imagens_achatadas", PADRAO, checks.probe_inputs(32, 784, seed=9)),
    "outros": ("test_outros_tamanhos", OUTROS, imagens(16, lado=14, seed=10)),
    "relu": ("test_relu_entre_as_camadas", PADRAO, checks.probe_inputs(16, 784, seed=12)),
    "logits": ("test_sem_softmax", PADRAO, imagens(8, seed=13)),
}
#: As imagens do backward() de test_gradiente_chega_as_camadas e a semente dos pesos da soma
#: ponderada dos logits cujo gradiente o juiz refaz (checks.batch.gradient_direction).
GRADIENTE = imagens(8, seed=14)
SEMENTE_DIRECAO = 15


def construir(learner, tamanhos=PADRAO):
    """O MLP de quem aprende: o padrão, ou com os tamanhos pedidos pelos nomes do contrato."""
    classe = checks.require_module_class(learner, "MLP")
    if tamanhos == PADRAO:
        modelo = classe()
    else:
        entrada, oculta, saida = tamanhos
        modelo = classe(input_size=entrada, hidden_size=oculta, output_size=saida)
    if any(is_lazy(p) for p in modelo.parameters()):
        # nn.LazyLinear só ganha pesos no primeiro forward: um lote achatado do tamanho pedido.
        with torch.no_grad():
            checks.call_learner(modelo, torch.zeros(2, tamanhos[0]))
    return modelo


def saidas_para_o_juiz(rotulo: str, modelo) -> torch.Tensor:
    """Confere o formato da saída nas entradas de ``rotulo`` e manda as saídas ao juiz."""
    _, tamanhos, entradas = SONDAS[rotulo]
    camadas = checks.install_known_weights(modelo, SEMENTE_PESOS)
    saidas = checks.expect_batch_output(modelo, entradas, tamanhos)
    checks.evidence.submit(rotulo, outputs=saidas, layers=camadas)
    return saidas


def test_lote_de_64_imagens(learner):
    """MLP() recebe um lote de 64 imagens [64, 1, 28, 28] e devolve logits [64, 10]."""
    saidas_para_o_juiz("lote_64", construir(learner))


def test_uma_imagem(learner):
    """Um lote de uma imagem só, [1, 1, 28, 28], dá logits [1, 10]: o lote não se perde."""
    saidas_para_o_juiz("uma", construir(learner))


def test_imagens_achatadas(learner):
    """Imagens já achatadas, [32, 784], também dão logits [32, 10]."""
    saidas_para_o_juiz("achatadas", construir(learner))


def test_outros_tamanhos(learner):
    """MLP(input_size=196, hidden_size=32, output_size=5) serve para imagens 14 × 14."""
    saidas_para_o_juiz("outros", construir(learner, OUTROS))


def test_relu_entre_as_camadas(learner):
    """O forward aplica fc1 → ReLU → fc2, e os dados passam pela ReLU."""
    modelo = construir(learner)
    saidas_para_o_juiz("relu", modelo)
    trace = checks.expect_linear_chain(modelo, PADRAO)
    checks.expect_raw_logits(modelo, trace)
    checks.expect_relu_between_linears(modelo, trace)


def test_sem_softmax(learner):
    """A saída são logits crus: nenhuma softmax depois da última camada."""
    modelo = construir(learner)
    saidas_para_o_juiz("logits", modelo)
    checks.expect_raw_logits(modelo, checks.trace_forward(modelo, SONDAS["logits"][2]))


def test_gradiente_chega_as_camadas(learner):
    """O backward() a partir dos logits chega aos pesos das duas camadas: nada tira os dados do grafo no forward."""
    modelo = construir(learner)
    checks.install_known_weights(modelo, SEMENTE_PESOS)
    checks.expect_gradient_reaches_layers(modelo, GRADIENTE, seed=SEMENTE_DIRECAO, evidence="gradiente")


def medir(aluno, semente: int) -> dict[str, float]:
    """Para CALIBRATION.md: em cada sonda, com os pesos conhecidos da ``semente``, a distância
    relativa (`judge.output_gap`) entre a saída do modelo (float32) e o que o juiz recalcula."""
    from katacheck import judge

    juiz = judge.sibling(__file__, "judge")
    medidas = {}
    for rotulo, (_, tamanhos, entradas) in SONDAS.items():
        modelo = construir(aluno, tamanhos)
        camadas = checks.install_known_weights(modelo, semente)
        with torch.no_grad():
            saidas = modelo(entradas).double()
        cadeia = juiz.cadeia_conhecida(camadas, tamanhos, semente)
        medidas[rotulo] = judge.output_gap(saidas, juiz.mlp(entradas.reshape(len(entradas), -1).double(), cadeia,
                                                             torch.relu))
    modelo = construir(aluno)
    camadas = checks.install_known_weights(modelo, semente)
    gradientes = checks.expect_gradient_reaches_layers(modelo, GRADIENTE, seed=SEMENTE_DIRECAO)
    esperados = juiz.gradientes_esperados(camadas, PADRAO, semente)
    em_ordem = juiz.na_ordem(gradientes, camadas, PADRAO)
    medidas["gradiente"] = max(judge.output_gap(g.double(), e) for par, pares in zip(em_ordem, esperados)
                               for g, e in zip(par, pares) if g is not None)
    return medidas
