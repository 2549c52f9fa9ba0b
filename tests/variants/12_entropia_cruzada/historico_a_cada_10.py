# expect: judge.history
"""Kata 12 — a lista repete a perda registrada a cada 10 épocas: só o primeiro valor é o da época."""

import torch
from torch import nn
import torch.nn.functional as F

def treinar_classificador(modelo, X, rotulos, epocas=100, lr=0.1):
    criterio = nn.CrossEntropyLoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    ultima = None
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), rotulos)
        perda.backward()
        otimizador.step()
        if epoca % 10 == 0:
            ultima = perda.item()
            print(f"época {epoca}: {ultima:.4f}")
        perdas.append(ultima)
    return perdas

def prever(modelo, X):
    modelo.eval()
    with torch.no_grad():
        return modelo(X).argmax(dim=1)
