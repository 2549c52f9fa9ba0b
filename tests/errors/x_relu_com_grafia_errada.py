# expect: library_name
# values: torch.nn | Relu | ReLU
"""`nn.Relu` em vez de `nn.ReLU`."""
from torch import nn


def main():
    return nn.Relu()  # <- erro
