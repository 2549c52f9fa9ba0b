# expect: pass
"""Kata 06 — reconhece nan por p != p e inf por abs(p) == inf."""


import math

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
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
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
    for taxa in taxas:
        torch.manual_seed(0)
        modelo = SimpleLinearModel()
        historicos[taxa] = treinar(modelo, X, y, taxa, epocas)
    return historicos


def divergiu(perdas):
    return any(p != p or abs(p) == math.inf for p in perdas)


def melhor_taxa(historicos):
    candidatas = [taxa for taxa in historicos if not divergiu(historicos[taxa])]
    return min(candidatas, key=lambda taxa: historicos[taxa][-1])

