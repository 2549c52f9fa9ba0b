# expect: none_value
# values: *
"""Descida do gradiente sem `requires_grad`: `w.grad` é None."""
import torch


def main():
    w = torch.randn(3)
    perda = (w ** 2).sum()
    with torch.no_grad():
        w = w - 0.1 * w.grad  # <- erro
    return perda
