# expect: pass
"""Kata 05 — os dados levados com torch.as_tensor(..., device=...) e o modelo com .to()."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def escolher_dispositivo():
    nome = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(nome)


def treinar(modelo, X, y, dispositivo, epocas=100):
    modelo = modelo.to(dispositivo)
    X = torch.as_tensor(X, device=dispositivo)
    y = torch.as_tensor(y, device=dispositivo)
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    funcao_de_perda = nn.MSELoss()
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = funcao_de_perda(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
