# expect: best_rate_diverged
"""Kata 06 — min() direto na última perda: com nan na frente, o min não o pula."""


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


def melhor_taxa(historicos):
    return min(historicos, key=lambda taxa: historicos[taxa][-1])

