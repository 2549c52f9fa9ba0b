# expect: pass
"""Kata 12 — prever aplica softmax antes do argmax, sob torch.inference_mode(): as classes são as mesmas."""

import torch
from torch import nn
import torch.nn.functional as F

def treinar_classificador(modelo, X, rotulos, epocas=100, lr=0.1):
    criterio = nn.CrossEntropyLoss()
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
    with torch.inference_mode():
        probabilidades = F.softmax(modelo(X), dim=1)
    return torch.argmax(probabilidades, dim=-1)
