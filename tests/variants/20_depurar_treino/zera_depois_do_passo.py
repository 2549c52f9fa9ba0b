# expect: pass
"""Kata 20 — zero_grad depois do step (o próximo backward encontra tudo zerado), torch.max e o decorador no_grad."""

import torch
from torch import nn


def treinar(modelo, train_loader, otimizador, epocas=1):
    criterio = nn.CrossEntropyLoss()
    historico = []
    modelo.train()
    otimizador.zero_grad()
    for epoca in range(epocas):
        for x, y in train_loader:
            perda = criterio(modelo(x.reshape(len(x), -1)), y)
            perda.backward()
            otimizador.step()
            otimizador.zero_grad(set_to_none=True)
            historico.append(perda.item())
    return historico


@torch.no_grad()
def avaliar(modelo, test_loader):
    modelo.eval()
    corretos = total = 0
    for x, y in test_loader:
        _, classes = torch.max(modelo(x.view(x.size(0), -1)), 1)
        corretos += (classes == y).sum().item()
        total += y.numel()
    return corretos / total
