# expect: clip_no_parameters
"""Guarda modelo.parameters() numa variável antes do laço: o gerador se esgota no primeiro recorte."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar_estavel(modelo, X, y, epocas=100, lr=0.1, max_norma=1.0):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    parametros = modelo.parameters()
    for _ in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, y)
        perda.backward()
        # Depois do backward (os gradientes novos existem) e antes do step (que os usa).
        torch.nn.utils.clip_grad_norm_(parametros, max_norma)
        otimizador.step()
        perdas.append(perda.item())
    return perdas

