"""O juiz da kata 14_dataset_dataloader: os itens do `ConjuntoDeDados` e os lotes dos loaders,
conferidos com os dados dos próprios testes.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`):

- `len()` e cada item ``[i]`` contra ``X[i]`` e ``y[i]`` refeitos aqui;
- cada lote lido dos loaders: as entradas são as linhas de ``X`` dos exemplos que os ``y``
  dizem (``y`` é o índice), e as regras de :mod:`katacheck.checks.loaders` (cada exemplo uma
  vez por época, o tamanho dos lotes, a ordem do treino e a do teste) valem nesses índices.
"""

import torch

from katacheck import judge
from katacheck.checks import loaders
from katacheck.i18n import t

testes = judge.sibling(__file__, "test_kata")

CONJUNTO = "test_conjunto_de_dados"
CADA_UM = "test_cada_exemplo_uma_vez"
FORMATO = "test_formato_dos_lotes"
EMBARALHA = "test_treino_embaralha_a_cada_epoca"
ORDEM = "test_teste_em_ordem"
LOADERS = (CADA_UM, FORMATO, EMBARALHA, ORDEM)


def julgar(evidencias):
    yield from _conjunto(evidencias)
    yield from _lotes(evidencias)


def _conjunto(evidencias):
    item = evidencias.get("conjunto")
    X, y = testes.dados_do_conjunto()
    try:
        tamanho = item["tamanho"]
        itens = [(judge.tensor(par["x"]), torch.tensor(par["y"])) for par in item["itens"]]
    except (TypeError, ValueError, KeyError):
        yield judge.finding(CONJUNTO, "no_evidence", check=CONJUNTO)
        return
    if tamanho != len(X) or len(itens) != len(X):
        yield _achado(CONJUNTO, "dataset_len", found=tamanho, expected=len(X))
        return
    for i, (entrada, alvo) in enumerate(itens):
        if not (torch.equal(entrada, X[i].double()) and torch.equal(alvo, y[i])):
            yield _achado(CONJUNTO, "dataset_item", index=i)
            return


def _lotes(evidencias):
    try:
        lidas = {opcao: {nome: _indices(evidencias.get("lotes")[opcao][nome], dados)
                         for nome, dados in (("treino", testes.dados_de_treino()), ("teste", testes.dados_de_teste()))}
                 for opcao in ("lote", "padrao")}
    except (TypeError, ValueError, KeyError, RuntimeError, IndexError):
        for teste in LOADERS:
            yield judge.finding(teste, "no_evidence", check=teste)
        return
    for opcao, lote in (("lote", testes.LOTE), ("padrao", testes.LOTE_PADRAO)):
        for nome, n in (("treino", testes.N_TREINO), ("teste", testes.N_TESTE)):
            for epoca in lidas[opcao][nome]:
                problema = loaders.epoch_problem(epoca, n, lote)
                if problema is not None:
                    if problema[0] != "loader_batch_sizes":
                        yield _achado(CADA_UM, *problema[:1], **problema[1])
                    yield _achado(FORMATO, *problema[:1], **problema[1])
                    return
    problema = loaders.shuffle_problem(lidas["lote"]["treino"])
    if problema is not None:
        yield _achado(EMBARALHA, *problema[:1], **problema[1])
    problema = loaders.order_problem(lidas["lote"]["teste"])
    if problema is not None:
        yield _achado(ORDEM, *problema[:1], **problema[1])


def _indices(lidas, dados) -> list[list[list[int]]]:
    """Os índices de cada lote de cada época, depois de conferir que as entradas do lote são as
    linhas de ``X`` daqueles índices (-1 num exemplo que não é nenhum deles)."""
    X, _ = dados
    epocas = []
    for lotes in lidas["lotes"]:
        epoca = []
        for lote in lotes:
            x, y = judge.tensor(lote["x"]), torch.tensor(lote["y"], dtype=torch.int64).reshape(-1)
            if x.shape != (len(y), X.shape[1]):
                raise ValueError("outro formato")
            certos = (y >= 0) & (y < len(X))
            iguais = torch.zeros(len(y), dtype=torch.bool)
            iguais[certos] = (x[certos] == X[y[certos]].double()).all(dim=1)
            epoca.append([int(i) if igual else -1 for i, igual in zip(y, iguais)])
        epocas.append(epoca)
    return epocas


def _achado(teste, codigo, /, **parametros):
    """A regra que falhou, com a mesma mensagem que o teste daria (código ``judge.<regra>``)."""
    return judge.Finding(teste, f"judge.{codigo}", t(f"check.{codigo}", **parametros),
                         t(f"check.{codigo}.hint", **parametros))
