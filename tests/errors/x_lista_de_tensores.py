# expect: list_of_tensors
# values: 
# fix: torch.stack
"""`torch.tensor` sobre uma lista de tensores."""
import torch


def main():
    saidas = [torch.randn(2), torch.randn(2)]
    return torch.tensor(saidas)  # <- erro
