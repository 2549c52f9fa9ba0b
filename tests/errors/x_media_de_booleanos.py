# expect: mean_dtype
# values: mean | Bool
# fix: .float()
"""Acurácia como média de booleanos."""
import torch


def main():
    previsto, rotulos = torch.tensor([0, 1, 1]), torch.tensor([0, 1, 0])
    return (previsto == rotulos).mean()  # <- erro
