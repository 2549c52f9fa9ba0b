# expect: item_many
# values: 10
"""`.item()` num tensor com 10 elementos."""
import torch


def main():
    perdas = torch.randn(10)
    return perdas.item()  # <- erro
