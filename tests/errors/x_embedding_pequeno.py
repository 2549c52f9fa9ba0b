# expect: index_out_of_range
# values: 7 | 5
"""Um índice maior que o vocabulário do nn.Embedding."""
import torch
from torch import nn


def main():
    embedding = nn.Embedding(5, 2)
    return embedding(torch.tensor([1, 7]))  # <- erro
