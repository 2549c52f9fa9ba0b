# expect: leaf_inplace
# values: 
# catalogue: 14
"""Descida do gradiente à mão, fora de `torch.no_grad()`."""
import torch


def main():
    w = torch.randn(3, requires_grad=True)
    perda = (w * 2).sum()
    perda.backward()
    w -= 0.1 * w.grad  # <- erro
