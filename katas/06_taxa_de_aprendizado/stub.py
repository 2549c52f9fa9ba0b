"""Kata 06 — A taxa de aprendizado.

Exercício 5 do curso: altere a taxa de aprendizado e observe o impacto no erro
(veja o enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`).
"""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, lr, epocas=100):
    criterio = nn.MSELoss()
    # TODO: o otimizador deve usar a taxa de aprendizado recebida em lr.
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas


def comparar_taxas(X, y, taxas, epocas=100):
    historicos = {}
    # TODO: para cada taxa, fixe a semente com torch.manual_seed(0), crie um SimpleLinearModel
    # novo e treine-o com essa taxa; guarde em historicos[taxa] as perdas que treinar devolveu.
    return historicos


def melhor_taxa(historicos):
    # TODO: devolva a taxa cuja última perda é a menor, pulando os históricos com algum valor
    # que não é finito (nan ou inf: aquele treino divergiu). math.isfinite ajuda (import math).
    return None


if __name__ == "__main__":
    X = torch.randn(64, 10)
    y = X.sum(dim=1, keepdim=True)
    historicos = comparar_taxas(X, y, [10.0, 0.1, 0.01, 0.001])
    for taxa, perdas in historicos.items():
        print(f"lr={taxa:<6} perda final: {perdas[-1]:.4g}")
    print("melhor taxa:", melhor_taxa(historicos))
