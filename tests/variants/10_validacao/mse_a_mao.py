# expect: evaluation_criterion_ignored
"""Kata 10 — avaliar calcula a MSE à mão e ignora o criterio recebido: passava, porque os testes só davam nn.MSELoss()."""

import torch
from torch import nn


def avaliar(modelo, X, y, criterio):
    modelo.eval()
    with torch.no_grad():
        saida = modelo(X)
        return ((saida - y) ** 2).mean().item()


def treinar_e_avaliar(modelo, X, y, X_val, y_val, epocas=20, lr=0.01):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    treino, val = [], []
    for epoca in range(epocas):
        modelo.train()
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        treino.append(perda.item())
        val.append(avaliar(modelo, X_val, y_val, criterio))
    return treino, val
