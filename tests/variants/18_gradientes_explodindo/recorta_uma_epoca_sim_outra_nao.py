# expect: clip_skipped
"""Recorta só nas épocas pares: um if em volta do clip_grad_norm_."""

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
    for epoca in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, y)
        perda.backward()
        # Depois do backward (os gradientes novos existem) e antes do step (que os usa).
        if epoca % 2 == 0:
            torch.nn.utils.clip_grad_norm_(modelo.parameters(), max_norma)
        otimizador.step()
        perdas.append(perda.item())
    return perdas

