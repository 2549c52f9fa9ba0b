# expect: rates_arguments_swapped
"""comparar_taxas chama treinar(modelo, X, y, epocas, taxa): o TypeError estourava dentro de treinar, no range, longe da chamada."""
import copy
import math

import numpy as np
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
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas

def comparar_taxas(X, y, taxas, epocas=100):
    historicos = {}
    for taxa in taxas:
        torch.manual_seed(0)
        historicos[taxa] = treinar(SimpleLinearModel(), X, y, epocas, taxa)
    return historicos

def melhor_taxa(historicos):
    finitos = {t: p for t, p in historicos.items() if all(math.isfinite(v) for v in p)}
    return min(finitos, key=lambda t: finitos[t][-1])

