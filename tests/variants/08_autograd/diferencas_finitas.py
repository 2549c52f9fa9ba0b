# expect: autograd_not_used
"""Kata 08 — diferenças finitas centrais: bate nas funções suaves, mas não é o autograd."""

import torch

H = 1e-3


def derivada(f, x):
    mais = f(torch.tensor(float(x) + H, dtype=torch.float64))
    menos = f(torch.tensor(float(x) - H, dtype=torch.float64))
    return ((mais - menos) / (2 * H)).item()


def gradiente(f, valores):
    resultado = []
    for i in range(len(valores)):
        mais = [torch.tensor(float(v) + (H if j == i else 0.0), dtype=torch.float64) for j, v in enumerate(valores)]
        menos = [torch.tensor(float(v) - (H if j == i else 0.0), dtype=torch.float64) for j, v in enumerate(valores)]
        resultado.append(((f(*mais) - f(*menos)) / (2 * H)).item())
    return resultado
