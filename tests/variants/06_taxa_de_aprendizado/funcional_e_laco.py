# expect: pass
"""Kata 06 — MSE à mão, zero_grad depois do step e um laço explícito em melhor_taxa."""

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
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for _ in range(epocas):
        perda = ((modelo(X) - y) ** 2).mean()
        perda.backward()
        otimizador.step()
        otimizador.zero_grad()
        perdas.append(float(perda))
    return perdas


def comparar_taxas(X, y, taxas, epocas=100):
    resultado = {}
    for lr in taxas:
        torch.manual_seed(0)
        resultado[lr] = treinar(SimpleLinearModel(), X, y, lr, epocas=epocas)
    return resultado


def melhor_taxa(historicos):
    melhor, menor = None, math.inf
    for taxa, perdas in historicos.items():
        if any(math.isnan(p) or math.isinf(p) for p in perdas):
            continue
        if perdas[-1] < menor:
            melhor, menor = taxa, perdas[-1]
    return melhor
