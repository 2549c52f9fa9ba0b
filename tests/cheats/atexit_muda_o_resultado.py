# expect: fatal.tampered.atexit
# runtime: stale_gradients
# kata: 04_zero_grad
"""Registra, para o fim do processo, uma função que reescreve os resultados e sai com 0.

O processo filho termina com `os._exit` depois de relatar: a função nunca roda, e a kata
falha pelo motivo de verdade (os gradientes nunca são zerados).
"""

import atexit
import glob
import os

import torch
from torch import nn


def _trapaca():
    for caminho in glob.glob("/tmp/katacheck-*/eventos.jsonl"):
        os.remove(caminho)
    os._exit(0)


atexit.register(_trapaca)


def treinar(modelo, X, y, epocas=100, lr=0.01):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for _ in range(epocas):
        perda = nn.functional.mse_loss(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
