# expect: pass
"""Kata 03 — os parâmetros numa lista, os betas escritos por extenso e a perda com .detach()."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, epocas=100):
    parametros = list(modelo.parameters())
    otimizador = torch.optim.Adam(parametros, lr=1e-2, betas=(0.9, 0.999), eps=1e-8)
    criterio = nn.MSELoss(reduction="mean")
    historico = []
    epoca = 0
    while epoca < epocas:
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        historico.append(perda.detach().item())
        epoca += 1
    return historico
