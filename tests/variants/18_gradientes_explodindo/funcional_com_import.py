# expect: pass
"""Kata 18 — F.mse_loss, clip_grad_norm_ importado pelo nome e o zero_grad depois do step."""

import torch
import torch.nn.functional as F
from torch.nn.utils import clip_grad_norm_


def treinar_estavel(modelo, X, y, epocas=100, lr=0.1, max_norma=1.0):
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    historico = []
    for _ in range(epocas):
        perda = F.mse_loss(modelo(X), y)
        perda.backward()
        clip_grad_norm_(modelo.parameters(), max_norm=max_norma)
        otimizador.step()
        otimizador.zero_grad()
        historico.append(float(perda))
    return historico
