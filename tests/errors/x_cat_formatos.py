# expect: cat_sizes
# values: 1 | 3 | 2
"""`torch.cat` de tensores com número de linhas diferente."""
import torch


def main():
    a, b = torch.randn(2, 3), torch.randn(3, 4)
    return torch.cat([a, b], dim=1)  # <- erro
