# expect: pass
"""Kata 12 — prever devolve o modelo ao modo em que estava; o laço zera depois do step."""

import torch
from torch import nn, optim


def treinar_classificador(modelo, X, rotulos, epocas=100, lr=0.1):
    criterio = nn.CrossEntropyLoss()
    otimizador = optim.SGD(params=modelo.parameters(), lr=lr)
    perdas = []
    for epoca in range(epocas):
        perda = criterio(modelo(X), rotulos)
        perda.backward()
        otimizador.step()
        otimizador.zero_grad()
        perdas.append(perda.item())
    return perdas


@torch.no_grad()
def prever(modelo, X):
    estava_treinando = modelo.training
    modelo.eval()
    classes = modelo(X).argmax(1)
    modelo.train(estava_treinando)
    return classes
