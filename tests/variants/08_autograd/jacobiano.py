# expect: pass
"""Kata 08 — torch.autograd.functional.jacobian, com uma tupla de entradas."""

import torch
from torch.autograd.functional import jacobian


def derivada(f, x):
    return jacobian(f, torch.tensor(float(x))).item()


def gradiente(f, valores):
    entradas = tuple(torch.tensor(float(v)) for v in valores)
    return [j.item() for j in jacobian(f, entradas)]
