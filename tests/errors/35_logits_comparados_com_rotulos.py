# expect: size_mismatch
# values: 10 | 64
# fix: argmax
# catalogue: 35
"""Acurácia comparando os logits [64, 10] com os rótulos [64]."""
import torch


def main():
    logits = torch.randn(64, 10)
    rotulos = torch.randint(0, 10, (64,))
    acertos = (logits == rotulos).float().mean()  # <- erro
    return acertos
