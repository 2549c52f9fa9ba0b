# expect: pass
"""Kata 05 — .to() com dtype e non_blocking, e o dispositivo escolhido pelo índice."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def escolher_dispositivo():
    if torch.cuda.is_available():
        return torch.device("cuda", 0)
    return torch.device("cpu")


def treinar(modelo, X, y, dispositivo, epocas=100):
    modelo.to(dispositivo, dtype=torch.float32)
    X = X.to(device=dispositivo, dtype=torch.float32, non_blocking=True)
    y = y.to(dispositivo, non_blocking=True)
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
