# expect: pass
"""Kata 12 — a softmax aparece, mas só depois, em prever: a perda recebe os logits crus."""

import torch
from torch import nn


def treinar_classificador(modelo, X, rotulos, epocas=100, lr=0.1):
    criterio = nn.CrossEntropyLoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        logits = modelo(X)
        perda = criterio(logits, rotulos)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas


def prever(modelo, X):
    modelo.eval()
    with torch.no_grad():
        probabilidades = torch.softmax(modelo(X), dim=1)
    return probabilidades.argmax(dim=1)
