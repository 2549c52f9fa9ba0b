# expect: cross_entropy_options
"""Kata 12 — nn.CrossEntropyLoss(label_smoothing=0.1): outra perda; antes, a dica falava numa perda MSE."""

import torch
from torch import nn
import torch.nn.functional as F

def treinar_classificador(modelo, X, rotulos, epocas=100, lr=0.1):
    criterio = nn.CrossEntropyLoss(label_smoothing=0.1)
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), rotulos)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas

def prever(modelo, X):
    modelo.eval()
    with torch.no_grad():
        return modelo(X).argmax(dim=1)
