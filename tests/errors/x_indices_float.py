# expect: index_dtype
# values: indices | torch.FloatTensor
"""Índices float no nn.Embedding."""
import torch
from torch import nn


def main():
    embedding = nn.Embedding(5, 2)
    return embedding(torch.tensor([1.0, 2.0]))  # <- erro
