# expect: result_cast
# values: Float | Long
"""`+=` de um float num tensor de inteiros."""
import torch


def main():
    contagens = torch.tensor([1, 2, 3])
    contagens += 0.5  # <- erro
    return contagens
