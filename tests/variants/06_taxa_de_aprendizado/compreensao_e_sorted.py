# expect: pass
"""Kata 06 — dict comprehension com uma função auxiliar, e sorted com torch.isfinite."""

import torch
import torch.nn.functional as F
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, lr, epocas=100):
    otimizador = torch.optim.SGD(params=modelo.parameters(), lr=lr)
    historico = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = F.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
        historico.append(perda.item())
    return historico


def _um_treino(X, y, taxa, epocas):
    torch.manual_seed(0)
    return treinar(SimpleLinearModel(), X, y, lr=taxa, epocas=epocas)


def comparar_taxas(X, y, taxas, epocas=100):
    return {taxa: _um_treino(X, y, taxa, epocas) for taxa in taxas}


def melhor_taxa(historicos):
    validos = [(perdas[-1], taxa) for taxa, perdas in historicos.items() if torch.isfinite(torch.tensor(perdas)).all()]
    return sorted(validos)[0][1]
