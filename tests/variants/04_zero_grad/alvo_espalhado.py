# expect: loss_not_decreasing
"""Kata 04 — y.squeeze() deixa o alvo [N] contra a saída [N, 1]: a MSE espalha (broadcast) e o treino
empaca, só com um aviso do PyTorch."""

import torch
from torch import nn


def treinar(modelo, X, y, epocas=100, lr=0.01):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    criterio = nn.MSELoss()
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, y.squeeze())
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
