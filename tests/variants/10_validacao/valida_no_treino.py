# expect: phases_validation_on_training_data
"""Kata 10 — a validação usa X e y, os dados de treino, em vez de X_val e y_val."""

import torch
from torch import nn


def avaliar(modelo, X, y, criterio):
    modelo.eval()
    with torch.no_grad():
        return criterio(modelo(X), y).item()


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
        val.append(avaliar(modelo, X, y, criterio))
    return treino, val
