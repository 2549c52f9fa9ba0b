# expect: ragged_list
# values: 3 | 2 | 1
"""Listas de tamanhos diferentes em `torch.tensor`."""
import torch


def main():
    return torch.tensor([[1, 2, 3], [4, 5]])  # <- erro
