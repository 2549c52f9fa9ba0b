# expect: grad_needs_float
# values: 
# catalogue: 15
"""`requires_grad=True` num tensor de inteiros."""
import torch


def main():
    pesos = torch.tensor([1, 2, 3], requires_grad=True)  # <- erro
    return pesos
