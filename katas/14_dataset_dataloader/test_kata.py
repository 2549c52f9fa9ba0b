"""Testes ocultos da kata 14_dataset_dataloader.

Os dados são dos testes: ``X`` com 3 colunas e ``y = arange(n)``, o índice de cada exemplo, de
modo que cada lote diz quais exemplos trouxe (o `ConjuntoDeDados` é conferido com rótulos
sorteados: lá o alvo não pode ser o próprio índice). `criar_loaders` recebe conjuntos
``TensorDataset`` dos testes (um erro em `ConjuntoDeDados` não se repete nas verificações dos
loaders). Os lotes lidos vão para o juiz, que os confere com os dados dele.
"""

import pytest
import torch
from torch.utils.data import TensorDataset

from katacheck import checks
from katacheck.checks import loaders

N_TREINO = 100
N_TESTE = 40
#: O batch_size dos testes: não divide os conjuntos, então o último lote é menor.
LOTE = 16
#: O padrão do contrato, `criar_loaders(treino, teste)`.
LOTE_PADRAO = 64
FEATURES = 3


def dados(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``X [n, 3]`` (float32, gerador próprio: o juiz o refaz) e ``y = arange(n)``."""
    return torch.randn(n, FEATURES, generator=checks.generator(seed)), torch.arange(n)


def dados_do_conjunto() -> tuple[torch.Tensor, torch.Tensor]:
    """Os dados de `test_conjunto_de_dados`: ``X [12, 3]`` e alvos que não são os índices
    (rótulos de 0 a 9 sorteados), para que devolver o índice no lugar de ``y[i]`` não passe."""
    X, _ = dados(12, seed=1403)
    return X, torch.randint(0, 10, (12,), generator=checks.generator(1404))


def dados_de_treino():
    return dados(N_TREINO, seed=1401)


def dados_de_teste():
    return dados(N_TESTE, seed=1402)


def epoca(loader) -> tuple[list[list[int]], list]:
    """Uma época de ``loader``: os índices de cada lote (os ``y``) e os lotes, para o juiz."""
    indices, lotes = [], []
    for lote in loader:
        if not isinstance(lote, (list, tuple)) or len(lote) != 2:
            checks.fail("loader_batch_not_pair", found=type(lote).__name__)
        x, y = lote
        indices.append([int(i) for i in y.reshape(-1)])
        lotes.append({"x": x, "y": y})
    return indices, lotes


def ler_epocas(criar_loaders, **opcoes) -> dict:
    """Duas épocas de cada loader que `criar_loaders` devolve, sobre os conjuntos dos testes."""
    resultado = checks.call_learner(criar_loaders, TensorDataset(*dados_de_treino()), TensorDataset(*dados_de_teste()), **opcoes)
    if not isinstance(resultado, (list, tuple)) or len(resultado) != 2:
        checks.fail("loaders_not_pair", found=type(resultado).__name__)
    lidas = {}
    for nome, loader in zip(("treino", "teste"), resultado):
        epocas = [checks.call_learner(epoca, loader) for _ in range(2)]
        lidas[nome] = {"indices": [indices for indices, _ in epocas], "lotes": [lotes for _, lotes in epocas]}
    # A tupla na ordem trocada: o primeiro loader percorre o conjunto de teste, o segundo o de treino.
    exemplos = [sum(len(lote) for lote in lidas[nome]["indices"][0]) for nome in ("treino", "teste")]
    if exemplos == [N_TESTE, N_TREINO]:
        checks.fail("loaders_swapped", train=N_TREINO, test=N_TESTE)
    return lidas


@pytest.fixture(scope="module")
def lidas(learner):
    """Duas épocas de cada loader, com batch_size=16 e com o padrão."""
    criar_loaders = checks.require_attribute(learner, "criar_loaders")
    checks.manual_seed(14)
    com_lote = ler_epocas(criar_loaders, batch_size=LOTE)
    padrao = ler_epocas(criar_loaders)
    checks.evidence.submit("lotes", lote=com_lote, padrao=padrao)
    return {"lote": com_lote, "padrao": padrao}


def test_conjunto_de_dados(learner):
    """ConjuntoDeDados(X, y) tem len() igual ao número de exemplos, e [i] é o par (X[i], y[i])."""
    classe = checks.require_attribute(learner, "ConjuntoDeDados")
    X, y = dados_do_conjunto()
    conjunto = checks.call_learner(classe, X, y)
    tamanho = checks.call_learner(len, conjunto)
    if tamanho != len(X):
        checks.fail("dataset_len", found=tamanho, expected=len(X))
    itens = []
    for i in range(len(X)):
        item = checks.call_learner(conjunto.__getitem__, i)
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            checks.fail("dataset_item_not_pair", index=i, found=type(item).__name__)
        entrada, alvo = item
        # O alvo como tensor, ou como o int que ele guarda (`y[i].item()`, como os rótulos do
        # torchvision): o DataLoader junta os dois no mesmo tensor de rótulos.
        alvo_certo = (torch.is_tensor(alvo) and torch.equal(alvo, y[i])) or \
            (isinstance(alvo, int) and not isinstance(alvo, bool) and alvo == int(y[i]))
        if not (torch.is_tensor(entrada) and torch.equal(entrada, X[i]) and alvo_certo):
            checks.fail("dataset_item", index=i)
        itens.append({"x": entrada, "y": alvo})
    checks.evidence.submit("conjunto", tamanho=tamanho, itens=itens)


def test_cada_exemplo_uma_vez(lidas):
    """Em cada época, cada loader traz cada exemplo exatamente uma vez."""
    for opcao, lote in (("lote", LOTE), ("padrao", LOTE_PADRAO)):
        for nome, n in (("treino", N_TREINO), ("teste", N_TESTE)):
            for indices in lidas[opcao][nome]["indices"]:
                problema = loaders.epoch_problem(indices, n, lote)
                if problema is not None and problema[0] != "loader_batch_sizes":
                    checks.fail(problema[0], **problema[1])


def test_formato_dos_lotes(lidas):
    """Os lotes têm batch_size exemplos (64 por padrão), com o último menor, e formatos [lote, 3] e [lote]."""
    for opcao, lote in (("lote", LOTE), ("padrao", LOTE_PADRAO)):
        for nome, n in (("treino", N_TREINO), ("teste", N_TESTE)):
            if opcao == "padrao" and loaders.epoch_problem(lidas[opcao][nome]["indices"][0], n, lote) is not None:
                # Certo com batch_size=16 e errado sem ele: é o valor padrão da assinatura.
                tamanho = len(lidas[opcao][nome]["indices"][0][0]) if lidas[opcao][nome]["indices"][0] else 0
                checks.fail("loader_default_batch_size", found=tamanho, expected=LOTE_PADRAO)
            loaders.expect_epochs(lidas[opcao][nome]["indices"], n, lote)
            for lotes in lidas[opcao][nome]["lotes"]:
                for item in lotes:
                    if item["x"].shape != (len(item["y"]), FEATURES) or item["y"].dim() != 1:
                        checks.fail("loader_batch_shape", found=list(item["x"].shape),
                                    expected=[len(item["y"]), FEATURES])


def test_treino_embaralha_a_cada_epoca(lidas):
    """O loader de treino traz os exemplos numa ordem diferente a cada época."""
    loaders.expect_shuffled(lidas["lote"]["treino"]["indices"])


def test_teste_em_ordem(lidas):
    """O loader de teste traz os exemplos sempre na mesma ordem, a do conjunto."""
    loaders.expect_in_order(lidas["lote"]["teste"]["indices"])

