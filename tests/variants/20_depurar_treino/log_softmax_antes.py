# expect: log_softmax_before_cross_entropy
"""Kata 20 — log_softmax antes da CrossEntropyLoss, que já aplica a log_softmax."""

import torch
from torch import nn


def treinar(modelo, train_loader, otimizador, epocas=1):
    criterio = nn.CrossEntropyLoss()
    perdas = []
    modelo.train()
    for epoca in range(epocas):
        for data, target in train_loader:
            data = data.view(data.size(0), -1)
            otimizador.zero_grad()
            saida = modelo(data)
            perda = criterio(torch.log_softmax(saida, dim=1), target)
            perda.backward()
            otimizador.step()
            perdas.append(perda.item())
    return perdas


def avaliar(modelo, test_loader):
    modelo.eval()
    corretos, total = 0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data = data.view(data.size(0), -1)
            saida = modelo(data)
            corretos += (saida.argmax(dim=1) == target).sum().item()
            total += target.size(0)
    return corretos / total
