# expect: tensor_expected
# values: list | linear | input
# catalogue: 8
"""Uma lista Python passada ao modelo."""
from torch import nn


def main():
    modelo = nn.Linear(3, 1)
    return modelo([[1.0, 2.0, 3.0]])  # <- erro
