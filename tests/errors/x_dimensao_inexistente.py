# expect: dim_out_of_range
# values: 1 | -1 | 0
"""`softmax(dim=1)` num vetor de uma dimensão."""
import torch


def main():
    logits = torch.randn(3)
    return torch.softmax(logits, dim=1)  # <- erro
