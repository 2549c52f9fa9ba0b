# expect: pass
"""Kata 03 — F.mse_loss no lugar de nn.MSELoss, e o zero_grad no fim do passo."""

import torch
import torch.nn.functional as F
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, epocas=100):
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
    perdas = []
    for _ in range(epocas):
        perda = F.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
        otimizador.zero_grad(set_to_none=True)
        perdas.append(float(perda))
    return perdas
