# expect: reshape_invalid
# values: [-1, 784] | 100
"""`view(-1, 784)` num tensor que não tem múltiplo de 784 elementos."""
import torch


def main():
    x = torch.randn(10, 10)
    return x.view(-1, 784)  # <- erro
